package sheetfile

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"podium/scoring"
)

// The sheets CSV: UTF-8 (a leading BOM is accepted), a header row
// "entry,judge,<key>,…" naming every criterion of the rubric once, in any
// order, then one row per judge's sheet. Marks are plain decimals with at
// most 2 decimals, within [0, max]. Spaces around fields are ignored.
// The columns of DerivedColumns may follow (the server's score matrix carries
// them for its readers); they are skipped: the ranking is recomputed.

const bom = "\uFEFF"

// DerivedColumns are what a ranking made of each sheet — the judge's total,
// whether it was dropped, the entry's score — which a score matrix may carry
// beside the marks. ReadSheets skips them (a criterion of the same key wins),
// so that the matrix an organizer reads is also what `podium score` checks.
var DerivedColumns = []string{"total", "dropped", "score"}

// ReadSheets reads sheets CSV for the rubric rb (which must be valid).
// Problems are *ParseError values naming the line.
func ReadSheets(r io.Reader, rb scoring.Rubric) ([]scoring.Sheet, error) {
	if err := rb.Validate(); err != nil {
		return nil, err
	}
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(bom)); err == nil && string(b) == bom {
		_, _ = br.Discard(len(bom))
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // checked below, with a clearer message

	header, err := cr.Read()
	if err == io.EOF {
		return nil, lineErr(1, ErrEmpty, "expected a header row entry,judge,%s", strings.Join(keys(rb), ","))
	}
	if err != nil {
		return nil, readErr(err, 1)
	}
	hline, _ := cr.FieldPos(0)
	cols, err := columns(header, rb, hline)
	if err != nil {
		return nil, err
	}
	maxOf := make(map[string]scoring.Points, len(rb.Criteria))
	for _, c := range rb.Criteria {
		maxOf[c.Key] = c.Max
	}

	var sheets []scoring.Sheet
	seen := make(map[[2]string]int)
	line := hline
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return sheets, nil
		}
		if err != nil {
			return nil, readErr(err, line+1)
		}
		line, _ = cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, lineErr(line, ErrSyntax, "the row has %d fields, the header %d", len(rec), len(header))
		}
		for _, f := range rec {
			if !utf8.ValidString(f) {
				return nil, lineErr(line, ErrSyntax, "not valid UTF-8")
			}
		}
		s := scoring.Sheet{
			Entry: strings.TrimSpace(rec[cols.entry]),
			Judge: strings.TrimSpace(rec[cols.judge]),
			Marks: make(map[string]scoring.Points, len(cols.marks)),
		}
		if s.Entry == "" || s.Judge == "" {
			return nil, lineErr(line, ErrField, "entry and judge must not be empty")
		}
		for i, key := range cols.marks {
			if key == "" {
				continue
			}
			text := strings.TrimSpace(rec[i])
			if text == "" {
				return nil, lineErr(line, ErrMark, "the mark for %s is missing", key)
			}
			m, err := scoring.ParsePoints(text)
			switch {
			case err != nil:
				return nil, lineErr(line, ErrMark, "the mark for %s: %w", key, err)
			case m < 0:
				return nil, lineErr(line, ErrMark, "the mark for %s is %s, below 0", key, m)
			case m > maxOf[key]:
				return nil, lineErr(line, ErrMark, "the mark for %s is %s, above the maximum %s", key, m, maxOf[key])
			}
			s.Marks[key] = m
		}
		pair := [2]string{s.Entry, s.Judge}
		if first, dup := seen[pair]; dup {
			return nil, lineErr(line, ErrDuplicate, "judge %s already scored entry %s on line %d", s.Judge, s.Entry, first)
		}
		seen[pair] = line
		sheets = append(sheets, s)
	}
}

// layout says what each column holds: the indexes of entry and judge, and per
// column the criterion key ("" for entry and judge).
type layout struct {
	entry, judge int
	marks        []string
}

func columns(header []string, rb scoring.Rubric, line int) (layout, error) {
	l := layout{entry: -1, judge: -1, marks: make([]string, len(header))}
	known := make(map[string]bool, len(rb.Criteria))
	for _, c := range rb.Criteria {
		known[c.Key] = true
	}
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		if seen[h] {
			return l, lineErr(line, ErrColumn, "column %q appears twice", h)
		}
		seen[h] = true
		switch {
		case h == "entry":
			l.entry = i
		case h == "judge":
			l.judge = i
		case known[h]:
			l.marks[i] = h
		case slices.Contains(DerivedColumns, h):
			// skipped: l.marks[i] stays ""
		default:
			return l, lineErr(line, ErrColumn, "unknown column %q: not entry, judge or a criterion of the rubric (%s)", h, strings.Join(keys(rb), ", "))
		}
	}
	if l.entry < 0 || l.judge < 0 {
		return l, lineErr(line, ErrColumn, "the header needs entry and judge columns")
	}
	for _, k := range keys(rb) {
		if !seen[k] {
			return l, lineErr(line, ErrColumn, "missing column for criterion %q", k)
		}
	}
	return l, nil
}

// readErr turns a csv or read error into a ParseError at its line.
func readErr(err error, line int) error {
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return &ParseError{Line: max(pe.Line, 1), Err: fmt.Errorf("%w: %w", ErrSyntax, pe.Err)}
	}
	return &ParseError{Line: line, Err: err}
}

func keys(rb scoring.Rubric) []string {
	ks := make([]string, len(rb.Criteria))
	for i, c := range rb.Criteria {
		ks[i] = c.Key
	}
	return ks
}

// WriteSheets writes sheets in the format ReadSheets reads: criteria in rubric
// order, rows ordered by entry then judge. Every sheet must have every mark.
func WriteSheets(w io.Writer, rb scoring.Rubric, sheets []scoring.Sheet) error {
	if err := rb.Validate(); err != nil {
		return err
	}
	ks := keys(rb)
	sorted := slices.Clone(sheets)
	slices.SortFunc(sorted, func(a, b scoring.Sheet) int {
		return cmp.Or(cmp.Compare(a.Entry, b.Entry), cmp.Compare(a.Judge, b.Judge))
	})
	cw := csv.NewWriter(w)
	row := append([]string{"entry", "judge"}, ks...)
	if err := cw.Write(row); err != nil {
		return err
	}
	for _, s := range sorted {
		row = append(row[:0], s.Entry, s.Judge)
		for _, k := range ks {
			m, ok := s.Marks[k]
			if !ok {
				return fmt.Errorf("sheet of judge %s for entry %s has no mark for %s", s.Judge, s.Entry, k)
			}
			row = append(row, m.String())
		}
		if len(s.Marks) != len(ks) {
			return fmt.Errorf("sheet of judge %s for entry %s has marks for criteria not in the rubric", s.Judge, s.Entry)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Anonymize renames judges J01, J02, … in the order of their original names,
// so that every rule that looks at judge order (which of equal totals is named
// as dropped) gives the same answer on the anonymized sheets. It returns new
// sheets (sharing the marks maps) and the mapping from original names.
func Anonymize(sheets []scoring.Sheet) ([]scoring.Sheet, map[string]string) {
	var names []string
	alias := make(map[string]string)
	for _, s := range sheets {
		if _, ok := alias[s.Judge]; !ok {
			alias[s.Judge] = ""
			names = append(names, s.Judge)
		}
	}
	slices.Sort(names)
	width := max(2, len(strconv.Itoa(len(names))))
	for i, n := range names {
		alias[n] = fmt.Sprintf("J%0*d", width, i+1)
	}
	out := make([]scoring.Sheet, len(sheets))
	for i, s := range sheets {
		s.Judge = alias[s.Judge]
		out[i] = s
	}
	return out, alias
}

// WriteRanking writes a ranking as CSV: rank,entry,score,judges,dropped, with
// scores to exactly 2 decimals, judges the number of sheets and dropped the
// judges dropped by the trimmed method (lowest first), joined by ";".
func WriteRanking(w io.Writer, rk scoring.Ranking) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"rank", "entry", "score", "judges", "dropped"}); err != nil {
		return err
	}
	for _, r := range rk.Entries {
		if err := cw.Write([]string{strconv.Itoa(r.Rank), r.Entry, r.Score.String(),
			strconv.Itoa(len(r.Sheets)), strings.Join(r.Dropped, ";")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
