package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"podium/contest/assign"
)

const assignUsage = `usage: podium assign --entries entries.csv --experts experts.csv [--conflicts conflicts.csv] --per-entry K [--capacity C] [--seed S] > assignment.csv

  entries.csv    entry,track,organization,keywords            (keywords separated by ;)
  experts.csv    expert,organization,fields,keywords,capacity (fields, keywords separated by ;
                                                                an empty capacity means --capacity)
  conflicts.csv  expert,entry

Writes entry,expert rows sorted by entry then expert; a summary goes to stderr.
Exit status: 0 assigned, 1 infeasible (with a diagnosis), 2 bad usage or unreadable input.
`

// runAssign is `podium assign`: read CSVs, solve, write the assignment CSV.
// Nothing reaches stdout unless the whole assignment succeeded.
func runAssign(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("assign", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	entriesPath := fs.String("entries", "", "")
	expertsPath := fs.String("experts", "", "")
	conflictsPath := fs.String("conflicts", "", "")
	perEntry := fs.Int("per-entry", 0, "")
	capacity := fs.Int("capacity", -1, "")
	seed := fs.Int64("seed", 0, "")
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "podium assign: "+format+"\n%s", append(a, assignUsage)...)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stderr, assignUsage)
			return 2
		}
		return usage("%v", err)
	}
	switch {
	case fs.NArg() > 0:
		return usage("unexpected argument %q", fs.Arg(0))
	case *entriesPath == "" || *expertsPath == "":
		return usage("--entries and --experts are required")
	case *perEntry < 1:
		return usage("--per-entry must be at least 1")
	}
	capSet := false
	fs.Visit(func(f *flag.Flag) { capSet = capSet || f.Name == "capacity" })
	if capSet && *capacity < 0 {
		return usage("--capacity must not be negative")
	}

	p := assign.Problem{PerEntry: *perEntry, Seed: *seed}
	var err error
	if p.Entries, err = readEntries(*entriesPath); err == nil {
		p.Experts, err = readExperts(*expertsPath, *capacity, capSet)
	}
	if err == nil && *conflictsPath != "" {
		p.Conflicts, err = readConflicts(*conflictsPath, p.Entries, p.Experts)
	}
	if err != nil {
		fmt.Fprintf(stderr, "podium assign: %v\n", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	r, err := assign.Solve(ctx, p, nil)
	var invalid *assign.InvalidError
	switch {
	case errors.As(err, &invalid):
		fmt.Fprintf(stderr, "podium assign: %v\n", err)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "podium assign: %v\n", err)
		return 1
	}

	var out bytes.Buffer
	w := csv.NewWriter(&out)
	_ = w.Write([]string{"entry", "expert"})
	for _, pr := range r.Pairs {
		_ = w.Write([]string{pr.Entry, pr.Expert})
	}
	w.Flush()
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "podium assign: writing output: %v\n", err)
		return 1
	}
	mean := 0.0
	if len(r.Pairs) > 0 {
		mean = r.TotalAffinity / float64(len(r.Pairs))
	}
	fmt.Fprintf(stderr, "podium assign: %d assignments, %d entries × %d experts; total affinity %.3f (mean %.3f); load min %d, max %d; %v\n",
		len(r.Pairs), len(p.Entries), len(p.Experts), r.TotalAffinity, mean, r.MinLoad, r.MaxLoad, time.Since(start).Round(time.Millisecond))
	return 0
}

// maxCapacity is the largest capacity the solver accepts.
const maxCapacity = 1 << 24

// csvTable is a CSV file read whole, with its header mapped to columns.
type csvTable struct {
	path string
	r    *csv.Reader
	col  map[string]int
}

// openCSV reads path (UTF-8, optional BOM) and checks that the header row has
// every wanted column, in any order; other columns are ignored.
func openCSV(path string, want ...string) (*csvTable, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	t := &csvTable{path: path, r: csv.NewReader(bytes.NewReader(data)), col: map[string]int{}}
	header, err := t.r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s:1: empty file, want a header row %s", path, strings.Join(want, ","))
	}
	if err != nil {
		return nil, t.wrap(err)
	}
	for i, h := range header {
		t.col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, w := range want {
		if _, ok := t.col[w]; !ok {
			return nil, fmt.Errorf("%s:1: missing column %q, want a header row %s", path, w, strings.Join(want, ","))
		}
	}
	return t, nil
}

// next returns the next row as column → trimmed cell, its line, or io.EOF.
func (t *csvTable) next() (func(string) string, int, error) {
	rec, err := t.r.Read()
	if err != nil {
		if err == io.EOF {
			return nil, 0, err
		}
		return nil, 0, t.wrap(err)
	}
	line, _ := t.r.FieldPos(0)
	return func(name string) string { return strings.TrimSpace(rec[t.col[name]]) }, line, nil
}

// wrap turns a csv.ParseError into "file:line: problem".
func (t *csvTable) wrap(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %v", t.path, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %v", t.path, err)
}

func (t *csvTable) errorf(line int, format string, a ...any) error {
	return fmt.Errorf("%s:%d: %s", t.path, line, fmt.Sprintf(format, a...))
}

// splitList splits a ;-separated cell (the full-width ； too), dropping blanks.
func splitList(cell string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(cell, func(r rune) bool { return r == ';' || r == '；' }) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func readEntries(path string) ([]assign.Entry, error) {
	t, err := openCSV(path, "entry", "track", "organization", "keywords")
	if err != nil {
		return nil, err
	}
	var out []assign.Entry
	seen := map[string]int{}
	for {
		row, line, err := t.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		e := assign.Entry{ID: row("entry"), Track: row("track"), Org: row("organization"), Keywords: splitList(row("keywords"))}
		if e.ID == "" {
			return nil, t.errorf(line, "empty entry id")
		}
		if first, dup := seen[e.ID]; dup {
			return nil, t.errorf(line, "duplicate entry %q (first on line %d)", e.ID, first)
		}
		seen[e.ID] = line
		out = append(out, e)
	}
}

func readExperts(path string, defaultCap int, capSet bool) ([]assign.Expert, error) {
	t, err := openCSV(path, "expert", "organization", "fields", "keywords", "capacity")
	if err != nil {
		return nil, err
	}
	var out []assign.Expert
	seen := map[string]int{}
	for {
		row, line, err := t.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		x := assign.Expert{ID: row("expert"), Org: row("organization"), Fields: splitList(row("fields")), Keywords: splitList(row("keywords"))}
		if x.ID == "" {
			return nil, t.errorf(line, "empty expert id")
		}
		if first, dup := seen[x.ID]; dup {
			return nil, t.errorf(line, "duplicate expert %q (first on line %d)", x.ID, first)
		}
		seen[x.ID] = line
		switch c := row("capacity"); {
		case c == "" && !capSet:
			return nil, t.errorf(line, "expert %q has no capacity and --capacity is not given", x.ID)
		case c == "":
			x.Capacity = defaultCap
		default:
			n, err := strconv.Atoi(c)
			if err != nil || n < 0 || n > maxCapacity {
				return nil, t.errorf(line, "capacity %q of expert %q is not a whole number from 0 to %d", c, x.ID, maxCapacity)
			}
			x.Capacity = n
		}
		out = append(out, x)
	}
}

func readConflicts(path string, entries []assign.Entry, experts []assign.Expert) ([]assign.Conflict, error) {
	t, err := openCSV(path, "expert", "entry")
	if err != nil {
		return nil, err
	}
	knownEntry := make(map[string]bool, len(entries))
	for _, e := range entries {
		knownEntry[e.ID] = true
	}
	knownExpert := make(map[string]bool, len(experts))
	for _, x := range experts {
		knownExpert[x.ID] = true
	}
	var out []assign.Conflict
	for {
		row, line, err := t.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		c := assign.Conflict{Expert: row("expert"), Entry: row("entry")}
		if !knownExpert[c.Expert] {
			return nil, t.errorf(line, "unknown expert %q", c.Expert)
		}
		if !knownEntry[c.Entry] {
			return nil, t.errorf(line, "unknown entry %q", c.Entry)
		}
		out = append(out, c)
	}
}
