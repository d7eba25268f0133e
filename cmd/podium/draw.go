package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"podium/contest/live"
)

const drawUsage = `usage: podium draw --seed SEED --entries CODE,CODE,... [--commitment HEX]

Recomputes the pitch order a live final's room drew by lot, exactly as the
server does: the commitment is hex(SHA-256(seed)); each entry code c gets the
key hex(SHA-256(seed + "\n" + c)), and the order is by key ascending (then by
code). Prints the commitment, then the order as CSV (position,code,key).
With --commitment, the seed must hash to it (the seed revealed is the one
committed to before the draw). Rules: docs/scoring-rules.en.md, "The draw of
the pitch order". Exit status: 0 done, 1 the seed does not match the
commitment, 2 bad input.

`

// runDraw implements `podium draw`.
func runDraw(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("podium draw", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, drawUsage)
		fs.PrintDefaults()
	}
	seed := fs.String("seed", "", "the revealed `seed` (required)")
	entries := fs.String("entries", "", "the room's entry `codes`, comma-separated (required)")
	commitment := fs.String("commitment", "", "the `hex` SHA-256 committed to before the draw, to check the seed against")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "podium draw: "+format+"\n", a...)
		return 2
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q (see podium draw -h)", fs.Arg(0))
	}
	if err := live.CheckSeed(*seed); err != nil {
		return fail("--seed is required: 1 to 200 characters, no control characters")
	}
	var codes []string
	for c := range strings.SplitSeq(*entries, ",") {
		codes = append(codes, strings.TrimSpace(c))
	}
	if err := live.CheckCodes(codes); err != nil {
		return fail("--entries: a comma-separated list of distinct, non-empty codes is required")
	}
	got := live.Commitment(*seed)
	if want := strings.ToLower(strings.TrimSpace(*commitment)); want != "" && want != got {
		fmt.Fprintf(stderr, "podium draw: the seed's SHA-256 is %s, not the commitment %s\n", got, want)
		return 1
	}
	fmt.Fprintf(stdout, "commitment %s\nposition,code,key\n", got)
	for _, d := range live.DrawOrder(*seed, codes) {
		fmt.Fprintf(stdout, "%d,%s,%s\n", d.Position, csvField(d.Code), d.Key)
	}
	return 0
}

// csvField quotes a code that CSV would misread.
func csvField(s string) string {
	if strings.ContainsAny(s, "\",\r\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
