// Command assigngen writes a synthetic assignment instance as the CSV files
// `podium assign` reads (entries.csv, experts.csv, conflicts.csv), for
// benchmarks and demos:
//
//	assigngen -entries 10000 -experts 1000 -per-entry 5 -out /tmp/inst
//	podium assign --entries /tmp/inst/entries.csv --experts /tmp/inst/experts.csv \
//	    --conflicts /tmp/inst/conflicts.csv --per-entry 5 > assignment.csv
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"podium/contest/assign/synth"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("assigngen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c synth.Config
	fs.IntVar(&c.Entries, "entries", 10000, "number of entries")
	fs.IntVar(&c.Experts, "experts", 1000, "number of experts")
	fs.IntVar(&c.PerEntry, "per-entry", 5, "reviews per entry the capacities are sized for")
	fs.IntVar(&c.Tracks, "tracks", 10, "number of tracks")
	fs.Float64Var(&c.ConflictRate, "conflicts", 0.02, "conflicts per entry, as a share of its track's experts")
	fs.Float64Var(&c.Slack, "slack", 1.25, "total capacity / reviews needed")
	fs.Uint64Var(&c.Seed, "seed", 1, "random seed")
	out := fs.String("out", ".", "directory to write entries.csv, experts.csv, conflicts.csv into")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	p := synth.Generate(c)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	files := map[string][][]string{
		"entries.csv":   {{"entry", "track", "organization", "keywords"}},
		"experts.csv":   {{"expert", "organization", "fields", "keywords", "capacity"}},
		"conflicts.csv": {{"expert", "entry"}},
	}
	for _, e := range p.Entries {
		files["entries.csv"] = append(files["entries.csv"], []string{e.ID, e.Track, e.Org, strings.Join(e.Keywords, ";")})
	}
	for _, x := range p.Experts {
		files["experts.csv"] = append(files["experts.csv"], []string{x.ID, x.Org, strings.Join(x.Fields, ";"),
			strings.Join(x.Keywords, ";"), strconv.Itoa(x.Capacity)})
	}
	for _, k := range p.Conflicts {
		files["conflicts.csv"] = append(files["conflicts.csv"], []string{k.Expert, k.Entry})
	}
	for name, rows := range files {
		if err := writeCSV(filepath.Join(*out, name), rows); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "assigngen: %d entries, %d experts, %d conflicts in %s\n", len(p.Entries), len(p.Experts), len(p.Conflicts), *out)
	return 0
}

func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
