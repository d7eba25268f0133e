package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"podium/contest"
	"podium/contest/onward"
	"podium/contest/results"
	"podium/fault"
	"podium/files/table"
)

const exportUsage = `usage: podium export --contest ID --what entries|ranking|scores|matrix|winners|workload|objections|audit|showcase|nominations --format xlsx|csv [--round R] [--lang zh-CN|en] > file

Writes one of a contest's tables to stdout, as the organizers' export pages
do: entries (every field and the review state), ranking (a round's, with
its explanation), scores (a round's score sheets for people: judges
anonymized, each criterion under its name, with titles, tracks and groups),
matrix (the same sheets in the columns 'podium score --scores' reads:
machine headers entry, judge, the criteria's keys, total, dropped, score,
whatever --lang), winners (prizes by group and track, ranked within track
and group, with the round rank), workload (each judge's assignments and
sheets per round), objections (异议 and their outcomes, without the
objectors' identities), audit (the contest's audit log, newest first, with
each record's hash), nominations (the entries nominated to the provincial
and national contests: year, level, target track and group, status, the
result there, the due diligence). Values (states, kinds, prizes, actions…)
are named in --lang, as the pages name them.
ranking, scores and matrix need --round. CSV is UTF-8 with a byte-order mark.
Exit status: 0 done, 1 failed (database), 2 bad input or unknown contest or round.
`

// runExport implements `podium export`. The export is checked (contest,
// round, what) before anything is written, so a mistake leaves stdout empty;
// rows then stream to stdout as they are read.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("podium export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, exportUsage)
		fs.PrintDefaults()
	}
	cfg, finish := bindConfig(fs, getenv)
	id := fs.Int64("contest", 0, "the contest's `id` (required)")
	what := fs.String("what", "", "the `export`: entries, ranking, scores, matrix, winners, workload, objections, audit, showcase or nominations (required)")
	format := fs.String("format", "", "`xlsx` or csv (required)")
	round := fs.String("round", "", "the round's `key`, for ranking, scores and matrix")
	lang := fs.String("lang", string(onward.Chinese), "the `language` of headers and names: zh-CN or en")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "podium export: "+format+"\n", a...)
		return 2
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q (see podium export -h)", fs.Arg(0))
	}
	if *id <= 0 || *what == "" || *format == "" {
		return fail("--contest, --what and --format are required (see podium export -h)")
	}
	w, err := onward.ParseWhat(*what)
	if err != nil {
		return fail("--what: unknown export %q (want %s)", *what, whatList())
	}
	f, err := table.ParseFormat(*format)
	if err != nil {
		return fail("--format: unknown format %q (want xlsx or csv)", *format)
	}
	l, err := onward.ParseLang(*lang)
	if err != nil {
		return fail("--lang: unknown language %q (want zh-CN or en)", *lang)
	}
	if w.NeedsRound() && strings.TrimSpace(*round) == "" {
		return fail("--what %s needs --round", w)
	}
	if err := finish(); err != nil {
		return fail("%s", err)
	}
	db, err := contest.OpenDB(ctx, cfg.DatabaseURL)
	if err != nil {
		fmt.Fprintf(stderr, "podium export: %s\n", err)
		return 1
	}
	defer db.Close()
	h := contest.NewDB(db)
	e, err := onward.New(h, results.New(h)).Prepare(ctx, onward.Request{ContestID: *id, What: w, Round: *round, Lang: l})
	if err != nil {
		return exportFailed(stderr, err, *id, *round)
	}
	if err := e.WriteTo(ctx, stdout, f); err != nil {
		fmt.Fprintf(stderr, "podium export: writing the export (the output is incomplete): %s\n", err)
		return 1
	}
	return 0
}

// exportFailed says in one line what Prepare refused: a contest or round that
// does not exist is the user's mistake (2), anything else the system's (1).
func exportFailed(stderr io.Writer, err error, id int64, round string) int {
	if fe, ok := errors.AsType[*fault.Error](err); ok {
		switch fe.Message {
		case "err.contest.not_found":
			fmt.Fprintf(stderr, "podium export: no contest with id %d\n", id)
			return 2
		case "err.round.not_found":
			fmt.Fprintf(stderr, "podium export: contest %d has no round %q\n", id, round)
			return 2
		}
		if fe.Code == fault.CodeInvalid || fe.Code == fault.CodeNotFound {
			fmt.Fprintf(stderr, "podium export: %s\n", describeDomainError(err))
			return 2
		}
	}
	fmt.Fprintf(stderr, "podium export: %s\n", err)
	return 1
}

func whatList() string {
	names := make([]string, len(onward.Whats))
	for i, w := range onward.Whats {
		names[i] = string(w)
	}
	return strings.Join(names, ", ")
}
