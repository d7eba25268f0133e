package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"podium/transparency"
)

const verifyReceiptUsage = `usage: podium verify-receipt [--earlier OLD.json ...] [--heads HEADS.json] RECEIPT.json

Checks an entrant's receipt (downloaded from the entrant's result page) without
trusting the server: the tree head is signed by the contest's key; each record
hashes into the head at its own position; the publication states this result
and names exactly the sheets the receipt carries; the head extends every
earlier published head. With --earlier, also checks that this receipt's head
extends the heads of older receipts you kept (a rewritten history is caught).
With --heads, also compares it with the contest's published heads, saved from
GET /api/v1/public/results/<contest>/heads.
The scheme: docs/verifiable-results.en.md. Exit status: 0 every check holds,
1 a check fails, 2 a file cannot be read.

`

// checkTitles names Verify's checks for a person reading the output.
var checkTitles = map[string]string{
	transparency.CheckSignature: "Signed by the contest",
	transparency.CheckInclusion: "Records in the log",
	transparency.CheckResult:    "Result and sheets",
	transparency.CheckHistory:   "Extends earlier heads",
	transparency.CheckEarlier:   "Earlier receipts",
	transparency.CheckPublished: "Published heads",
}

// runVerifyReceipt implements `podium verify-receipt`.
func runVerifyReceipt(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("podium verify-receipt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, verifyReceiptUsage)
		fs.PrintDefaults()
	}
	var earlierPaths []string
	fs.Func("earlier", "an older receipt `file` of the same contest to compare with (repeatable)", func(s string) error {
		earlierPaths = append(earlierPaths, s)
		return nil
	})
	headsPath := fs.String("heads", "", "the contest's published heads (a saved `file` of its public heads API) to compare with")
	// Flags may come after the receipt too: parse again after each argument.
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		paths = append(paths, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(paths) != 1 {
		fmt.Fprint(stderr, "podium verify-receipt: give exactly one receipt file\n\n")
		fs.Usage()
		return 2
	}
	r, err := readReceipt(paths[0])
	if err != nil {
		fmt.Fprintf(stderr, "podium verify-receipt: %v\n", err)
		return 2
	}
	var earlier []transparency.Receipt
	for _, p := range earlierPaths {
		e, err := readReceipt(p)
		if err != nil {
			fmt.Fprintf(stderr, "podium verify-receipt: %v\n", err)
			return 2
		}
		earlier = append(earlier, e)
	}
	rep := transparency.Verify(r, earlier...)
	if *headsPath != "" {
		var heads transparency.PublishedHeads
		b, err := os.ReadFile(*headsPath)
		if err == nil {
			err = json.Unmarshal(b, &heads)
		}
		if err != nil {
			fmt.Fprintf(stderr, "podium verify-receipt: cannot read the published heads %s: %v\n", *headsPath, err)
			return 2
		}
		c := transparency.VerifyPublished(r, heads)
		rep.Checks = append(rep.Checks, c)
		rep.OK = rep.OK && c.OK
	}
	fmt.Fprintf(stdout, "Receipt for entry %s (%s), %s, round %s, version %d\n",
		r.Entry.Code, r.Entry.Title, r.Contest.Name, r.Round.Name, r.Round.Version)
	failed := 0
	for _, c := range rep.Checks {
		mark := "✓"
		if !c.OK {
			mark = "✗"
			failed++
		}
		fmt.Fprintf(stdout, "%s %s: %s\n", mark, checkTitles[c.Name], c.Detail)
	}
	if rep.OK {
		fmt.Fprintln(stdout, "✓ This receipt matches the published results.")
		return 0
	}
	fmt.Fprintf(stdout, "✗ This receipt does NOT match the published results: %d of %d checks failed.\n", failed, len(rep.Checks))
	return 1
}

// readReceipt reads one receipt file; a file that is not a receipt's JSON
// is an error, told apart from a receipt that fails its checks.
func readReceipt(path string) (transparency.Receipt, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return transparency.Receipt{}, fmt.Errorf("cannot read %s: %w", path, err)
	}
	var r transparency.Receipt
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&r); err != nil {
		return transparency.Receipt{}, fmt.Errorf("%s is not a receipt (JSON): %w", path, err)
	}
	if dec.More() {
		return transparency.Receipt{}, fmt.Errorf("%s is not a receipt: data after the JSON object", path)
	}
	return r, nil
}
