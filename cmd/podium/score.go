package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"podium/scoring"
	"podium/scoring/sheetfile"
)

const scoreUsage = `usage: podium score --rubric rubric.json --scores sheets.csv [--method trimmed|mean|median|zscore] [--trim-min 5] [--tiebreak key1,key2]

Ranks the entries of one round from its judges' score sheets, exactly as the
server does, and writes the ranking as CSV (rank,entry,score,judges,dropped)
to stdout. The default method is trimmed: with at least --trim-min totals, one
highest and one lowest total are dropped (去掉一个最高分和一个最低分). Ties and
flags (outlying totals, lenient or severe judges) are noted on stderr, and so is
every entry that trimmed gave the plain mean for having too few totals.
Rules: docs/scoring-rules.en.md. Exit status: 0 done, 2 bad input.

`

// runScore implements `podium score`. It prints nothing on stdout unless the
// whole ranking succeeded.
func runScore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("podium score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, scoreUsage)
		fs.PrintDefaults()
	}
	rubricPath := fs.String("rubric", "", "rubric JSON `file` (required)")
	scoresPath := fs.String("scores", "", "score sheets CSV `file` (required)")
	method := fs.String("method", string(scoring.MethodTrimmed), "aggregation `method`: trimmed, mean, median or zscore")
	trimMin := fs.Int("trim-min", scoring.DefaultTrimMin, "trimmed drops the highest and lowest totals only with at least `n` totals")
	tiebreak := fs.String("tiebreak", "", "criterion `keys`, comma-separated, that order equal scores in turn")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "podium score: "+format+"\n", a...)
		return 2
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q (see podium score -h)", fs.Arg(0))
	}
	if *rubricPath == "" || *scoresPath == "" {
		return fail("--rubric and --scores are required (see podium score -h)")
	}
	m, err := scoring.ParseMethod(*method)
	if err != nil {
		return fail("--method: unknown method %q (want trimmed, mean, median or zscore)", *method)
	}
	opt := scoring.Options{Method: m, TrimMin: *trimMin}
	for k := range strings.SplitSeq(*tiebreak, ",") {
		if k = strings.TrimSpace(k); k != "" {
			opt.TieBreak = append(opt.TieBreak, k)
		}
	}
	if opt.TrimMin < 3 {
		return fail("--trim-min %d: must be at least 3", opt.TrimMin)
	}

	// File problems are printed as "file:line: reason", as compilers do.
	var rubric scoring.Rubric
	if err := readFile(*rubricPath, func(r io.Reader) (err error) { rubric, err = sheetfile.ReadRubric(r); return err }); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	var sheets []scoring.Sheet
	if err := readFile(*scoresPath, func(r io.Reader) (err error) { sheets, err = sheetfile.ReadSheets(r, rubric); return err }); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	rk, err := scoring.Rank(rubric, sheets, opt)
	if err != nil {
		return fail("%s", err)
	}
	var out bytes.Buffer
	if err := sheetfile.WriteRanking(&out, rk); err != nil {
		fmt.Fprintf(stderr, "podium score: %s\n", err)
		return 1
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "podium score: writing the ranking: %s\n", err)
		return 1
	}
	for _, r := range rk.Entries {
		if r.Rule.Fallback != "" {
			fmt.Fprintf(stderr, "podium score: note: entry %s: %s\n", r.Entry, r.Rule)
		}
	}
	for _, t := range rk.Ties {
		fmt.Fprintf(stderr, "podium score: note: tie at rank %d (score %s): %s\n", t.Rank, t.Score, strings.Join(t.Entries, ", "))
	}
	for _, r := range rk.Entries {
		for _, f := range r.Flags {
			fmt.Fprintf(stderr, "podium score: note: %s\n", f)
		}
	}
	for _, f := range rk.JudgeFlags {
		fmt.Fprintf(stderr, "podium score: note: %s\n", f)
	}
	return 0
}

// readFile opens path for parse and reports problems as "path:line: reason".
func readFile(path string, parse func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := parse(f); err != nil {
		if pe, ok := errors.AsType[*sheetfile.ParseError](err); ok {
			return fmt.Errorf("%s:%d: %w", path, pe.Line, pe.Err)
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
