package scoring

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// Sheet is one judge's marks for one entry, keyed by criterion key.
type Sheet struct {
	Entry string
	Judge string
	Marks map[string]Points
}

// MaxSheets bounds the sheets of one round (see the rubric limits).
const MaxSheets = 1 << 22

// round is a validated set of sheets, grouped by entry in a canonical order
// (entries by name, each entry's sheets by judge name), so that nothing that
// follows can depend on the order of the input rows.
type round struct {
	rub     *compiled
	entries []string // sorted
	judges  []string // sorted
	start   []int    // entry e's sheets are [start[e], start[e+1])
	judge   []int32  // per grouped sheet: judge id (index into judges)
	num     []int64  // per grouped sheet: exact total numerator over rub.den
	tbSum   []int64  // per entry × tie-break criterion: sum of marks
	tbIdx   []int    // tie-break criteria, as indexes into rub.keys
}

func newRound(rub *compiled, sheets []Sheet, tbIdx []int) (*round, error) {
	if len(sheets) > MaxSheets {
		return nil, invalid("sheets", "range", fmt.Sprintf("at most %d sheets in a round", MaxSheets))
	}
	// Totals (the map lookups of every mark) and names are independent:
	// compute the totals on another goroutine.
	var t sheetTotals
	var wg sync.WaitGroup
	wg.Go(func() { t = totals(rub, sheets, tbIdx) })
	names, p := intern(sheets)
	wg.Wait()
	if p = append(p, t.problems...); len(p) > 0 {
		return nil, sortedProblems(p).err()
	}
	r := group(rub, names, t, tbIdx)
	if err := r.duplicates(); err != nil {
		return nil, err
	}
	return r, nil
}

// sheetTotals are the exact totals of the sheets, in input order, with the
// tie-break marks (len(tbIdx) per sheet).
type sheetTotals struct {
	num      []int64
	tb       []int64
	problems problems
}

func totals(rub *compiled, sheets []Sheet, tbIdx []int) sheetTotals {
	ntb := len(tbIdx)
	t := sheetTotals{num: make([]int64, len(sheets)), tb: make([]int64, len(sheets)*ntb)}
	row := make([]int64, len(rub.keys))
	for i := range sheets {
		s := &sheets[i]
		n, ok := rub.total(s.Marks, row)
		if !ok {
			rub.markProblems(&t.problems, fmt.Sprintf("sheet(%s,%s).", s.Entry, s.Judge), s.Marks)
			continue
		}
		t.num[i] = n
		for k, c := range tbIdx {
			t.tb[i*ntb+k] = row[c]
		}
	}
	return t
}

// sheetNames numbers entries and judges in order of first appearance.
type sheetNames struct {
	entries, judges []string
	entry, judge    []int32 // per sheet
}

func intern(sheets []Sheet) (sheetNames, problems) {
	var p problems
	nm := sheetNames{entry: make([]int32, len(sheets)), judge: make([]int32, len(sheets))}
	entryID := make(map[string]int32, len(sheets)/4) // entries usually get several sheets
	judgeID := make(map[string]int32)
	last := int32(-1) // sheets usually come grouped by entry
	for i := range sheets {
		s := &sheets[i]
		if s.Entry == "" || s.Judge == "" {
			p.add(fmt.Sprintf("sheet(%s,%s)", s.Entry, s.Judge), "required", "entry and judge are required")
			continue
		}
		if last < 0 || nm.entries[last] != s.Entry {
			e, ok := entryID[s.Entry]
			if !ok {
				e = int32(len(nm.entries))
				entryID[s.Entry] = e
				nm.entries = append(nm.entries, s.Entry)
			}
			last = e
		}
		j, ok := judgeID[s.Judge]
		if !ok {
			j = int32(len(nm.judges))
			judgeID[s.Judge] = j
			nm.judges = append(nm.judges, s.Judge)
		}
		nm.entry[i], nm.judge[i] = last, j
	}
	return nm, p
}

// group renumbers entries and judges in name order and lays the sheets out
// by entry, then judge (a counting sort by entry).
func group(rub *compiled, nm sheetNames, t sheetTotals, tbIdx []int) *round {
	n, ntb := len(nm.entry), len(tbIdx)
	eRank, entries := sortNames(nm.entries)
	jRank, judges := sortNames(nm.judges)
	r := &round{rub: rub, entries: entries, judges: judges, tbIdx: tbIdx,
		start: make([]int, len(entries)+1), judge: make([]int32, n), num: make([]int64, n),
		tbSum: make([]int64, len(entries)*ntb)}
	for _, e := range nm.entry {
		r.start[eRank[e]+1]++
	}
	for e := range entries {
		r.start[e+1] += r.start[e]
	}
	next := slices.Clone(r.start[:len(entries)])
	order := make([]int32, n) // grouped position → input index
	for i, e := range nm.entry {
		order[next[eRank[e]]] = int32(i)
		next[eRank[e]]++
	}
	for e := range entries {
		lo, hi := r.start[e], r.start[e+1]
		g := order[lo:hi]
		slices.SortFunc(g, func(a, b int32) int { return cmp.Compare(jRank[nm.judge[a]], jRank[nm.judge[b]]) })
		for a, i := range g {
			r.judge[lo+a] = jRank[nm.judge[i]]
			r.num[lo+a] = t.num[i]
			for k := range ntb {
				r.tbSum[e*ntb+k] += t.tb[int(i)*ntb+k]
			}
		}
	}
	return r
}

// duplicates reports judges with two sheets for one entry.
func (r *round) duplicates() error {
	var p problems
	for e := range r.entries {
		for i := r.start[e] + 1; i < r.start[e+1]; i++ {
			if r.judge[i] == r.judge[i-1] {
				p.add(fmt.Sprintf("sheet(%s,%s)", r.entries[e], r.judges[r.judge[i]]), "duplicate", "the judge has two sheets for this entry")
			}
		}
	}
	return p.err()
}

// sortNames returns the names sorted and, for each original index, its rank.
func sortNames(names []string) ([]int32, []string) {
	idx := make([]int32, len(names))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return cmp.Compare(names[a], names[b]) })
	rank := make([]int32, len(names))
	sorted := make([]string, len(names))
	for k, i := range idx {
		rank[i] = int32(k)
		sorted[k] = names[i]
	}
	return rank, sorted
}

// sortedProblems orders problems by field so errors do not depend on row order.
func sortedProblems(p problems) problems {
	slices.SortStableFunc(p, func(a, b FieldError) int { return cmp.Compare(a.Field, b.Field) })
	return p
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// sheetsOf returns the grouped sheet range of entry e.
func (r *round) sheetsOf(e int) (lo, hi int) { return r.start[e], r.start[e+1] }
