package assign_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"podium/contest/assign"
)

// genOpts shapes a small random instance for property tests.
type genOpts struct {
	entries, experts, k int
	tracks, orgs, vocab int
	fieldless, conflict float64 // shares of experts with no fields / of pairs conflicted
	capMin, capMax      int
}

// randomProblem draws an instance: few organizations spelled in several ways
// (so the same-org rules bite), some unknown ones, multi-field and fieldless
// experts, conflicts, and tight capacities.
func randomProblem(seed uint64, o genOpts) assign.Problem {
	rng := rand.New(rand.NewPCG(seed, 7))
	org := func() string {
		i := rng.IntN(o.orgs + 1)
		if i == o.orgs {
			return []string{"", "有限公司", "Co., Ltd."}[rng.IntN(3)] // unknown
		}
		return []string{
			fmt.Sprintf("机构%d有限公司", i), fmt.Sprintf("机构%d 有限公司", i),
			fmt.Sprintf("机构%d", i), fmt.Sprintf("机构%d（集团）", i),
		}[rng.IntN(4)]
	}
	track := func(i int) string {
		return []string{"新材料", "AI", "生物医药", "Energy", "农业"}[i%5] + strings.Repeat("+", i/5)
	}
	words := func() []string {
		var w []string
		for range rng.IntN(5) {
			w = append(w, fmt.Sprintf("kw%d", rng.IntN(o.vocab)))
		}
		return w
	}
	p := assign.Problem{PerEntry: o.k, Seed: int64(seed)}
	for i := range o.entries {
		p.Entries = append(p.Entries, assign.Entry{
			ID: fmt.Sprintf("E%03d", i), Track: track(rng.IntN(o.tracks)), Org: org(), Keywords: words(),
		})
	}
	for i := range o.experts {
		x := assign.Expert{ID: fmt.Sprintf("X%03d", i), Org: org(), Keywords: words(),
			Capacity: o.capMin + rng.IntN(o.capMax-o.capMin+1)}
		if rng.Float64() >= o.fieldless {
			for range 1 + rng.IntN(2) {
				t := track(rng.IntN(o.tracks))
				if rng.IntN(4) == 0 {
					t = " " + strings.ToUpper(t) + " " // fields match after folding
				}
				x.Fields = append(x.Fields, t)
			}
		}
		p.Experts = append(p.Experts, x)
	}
	for _, e := range p.Entries {
		for _, x := range p.Experts {
			if rng.Float64() < o.conflict {
				p.Conflicts = append(p.Conflicts, assign.Conflict{Expert: x.ID, Entry: e.ID})
			}
		}
	}
	return p
}

func foldTest(s string) string { return strings.TrimSpace(strings.ToLower(norm.NFKC.String(s))) }

// allowed is an independent statement of the pairwise hard rules.
func allowed(p assign.Problem, e assign.Entry, x assign.Expert) bool {
	return newRules(p).allowed(e, x)
}

type rules struct{ banned map[assign.Pair]bool }

func newRules(p assign.Problem) rules {
	r := rules{banned: map[assign.Pair]bool{}}
	for _, c := range slices.Concat(p.Conflicts, p.Excluded) {
		r.banned[assign.Pair{Entry: c.Entry, Expert: c.Expert}] = true
	}
	return r
}

func (r rules) allowed(e assign.Entry, x assign.Expert) bool {
	if r.banned[assign.Pair{Entry: e.ID, Expert: x.ID}] {
		return false
	}
	if o := assign.NormalizeOrg(x.Org); o != "" && o == assign.NormalizeOrg(e.Org) {
		return false
	}
	fieldOK := true
	for _, f := range x.Fields {
		if foldTest(f) != "" {
			fieldOK = false
		}
	}
	for _, f := range x.Fields {
		if foldTest(f) == foldTest(e.Track) {
			fieldOK = true
		}
	}
	return fieldOK
}

// checkRules fails t unless r meets every hard rule of p.
func checkRules(t *testing.T, p assign.Problem, r assign.Result) {
	t.Helper()
	entries := map[string]assign.Entry{}
	for _, e := range p.Entries {
		entries[e.ID] = e
	}
	experts := map[string]assign.Expert{}
	for _, x := range p.Experts {
		experts[x.ID] = x
	}
	perEntry := map[string][]string{}
	load := map[string]int{}
	seen := map[assign.Pair]bool{}
	rl := newRules(p)
	for _, pr := range r.Pairs {
		e, okE := entries[pr.Entry]
		x, okX := experts[pr.Expert]
		if !okE || !okX {
			t.Fatalf("pair %v names an unknown entry or expert", pr)
		}
		if seen[pr] {
			t.Fatalf("pair %v assigned twice", pr)
		}
		seen[pr] = true
		if !rl.allowed(e, x) {
			t.Fatalf("pair %v breaks a conflict, field or own-organization rule", pr)
		}
		perEntry[pr.Entry] = append(perEntry[pr.Entry], pr.Expert)
		load[pr.Expert]++
	}
	for _, e := range p.Entries {
		xs := perEntry[e.ID]
		if len(xs) != p.PerEntry {
			t.Fatalf("entry %s has %d experts, want %d", e.ID, len(xs), p.PerEntry)
		}
		orgs := map[string]string{}
		for _, id := range xs {
			o := assign.NormalizeOrg(experts[id].Org)
			if o == "" {
				continue
			}
			if other, dup := orgs[o]; dup {
				t.Fatalf("entry %s has experts %s and %s of the same organization %q", e.ID, other, id, o)
			}
			orgs[o] = id
		}
	}
	for id, l := range load {
		if l > experts[id].Capacity {
			t.Fatalf("expert %s has %d entries, capacity %d", id, l, experts[id].Capacity)
		}
		if r.Loads[id] != l {
			t.Fatalf("Loads[%s] = %d, counted %d", id, r.Loads[id], l)
		}
	}
	var total float64
	for _, pr := range r.Pairs {
		total += assign.Affinity(entries[pr.Entry].Keywords, experts[pr.Expert].Keywords)
	}
	if math.Abs(total-r.TotalAffinity) > 1e-6 {
		t.Fatalf("TotalAffinity = %v, pairs sum to %v", r.TotalAffinity, total)
	}
	if !slices.IsSortedFunc(r.Pairs, func(a, b assign.Pair) int {
		return strings.Compare(a.Entry+"\x00"+a.Expert, b.Entry+"\x00"+b.Expert)
	}) {
		t.Fatal("pairs not sorted by entry then expert")
	}
}
