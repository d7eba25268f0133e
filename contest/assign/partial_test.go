package assign_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"podium/contest/assign"
)

// checkPartial fails t unless r is a partial assignment of p: every pairwise
// rule, capacity and organization rule held, at most K experts per entry, and
// Unfilled listing exactly the entries with fewer than K.
func checkPartial(t *testing.T, p assign.Problem, r assign.Result) {
	t.Helper()
	got := map[string]int{}
	for _, pr := range r.Pairs {
		got[pr.Entry]++
	}
	// checkRules wants K per entry: pad the short entries with placeholder
	// experts of their own, then check everything else as for a full result.
	q, padded := p, r
	q.Experts = append([]assign.Expert(nil), p.Experts...)
	padded.Pairs = append([]assign.Pair(nil), r.Pairs...)
	padded.Loads = map[string]int{}
	for k, v := range r.Loads {
		padded.Loads[k] = v
	}
	var want []assign.Unfilled
	for _, e := range p.Entries {
		if got[e.ID] > p.PerEntry {
			t.Fatalf("entry %s has %d experts, more than %d", e.ID, got[e.ID], p.PerEntry)
		}
		if missing := p.PerEntry - got[e.ID]; missing > 0 {
			want = append(want, assign.Unfilled{Entry: e.ID, Missing: missing})
			for i := range missing {
				id := fmt.Sprintf("~pad-%s-%d", e.ID, i)
				q.Experts = append(q.Experts, assign.Expert{ID: id, Capacity: 1})
				padded.Pairs = append(padded.Pairs, assign.Pair{Entry: e.ID, Expert: id})
				padded.Loads[id] = 1
			}
		}
	}
	sortPairsTest(padded.Pairs)
	checkRules(t, q, padded)
	sortUnfilled(want)
	if !reflect.DeepEqual(r.Unfilled, want) {
		t.Fatalf("Unfilled = %v, want %v", r.Unfilled, want)
	}
	if (len(want) > 0) != (r.Short != nil) {
		t.Fatalf("Unfilled %v but Short %v", r.Unfilled, r.Short)
	}
}

func sortPairsTest(ps []assign.Pair) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Entry+"\x00"+ps[j].Expert < ps[j-1].Entry+"\x00"+ps[j-1].Expert; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

func sortUnfilled(u []assign.Unfilled) {
	for i := 1; i < len(u); i++ {
		for j := i; j > 0 && u[j].Entry < u[j-1].Entry; j-- {
			u[j], u[j-1] = u[j-1], u[j]
		}
	}
}

// On random instances, many of them impossible to serve fully, SolvePartial
// places as many reviews as an exact maximum flow; spreads them as evenly as
// possible (for every level L, the reviews counted up to L per entry are as
// many as a maximum flow with every entry capped at L places: the
// water-filling, lexicographically max-min fair distribution); and, for that
// distribution, has the exact optimum's affinity (up to the balancing
// tolerance) when it keeps every candidate. Where everything fits it returns
// exactly what Solve returns.
func TestPartialIsAnEvenMaximumFlowOfLeastCost(t *testing.T) {
	t.Parallel()
	seeds := uint64(300)
	if testing.Short() {
		seeds = 60
	}
	var short int
	for seed := range seeds {
		rng := rand.New(rand.NewPCG(seed, 1234))
		o := genOpts{
			entries: 3 + rng.IntN(30), experts: 4 + rng.IntN(20), k: 1 + rng.IntN(4),
			tracks: 1 + rng.IntN(4), orgs: 2 + rng.IntN(8), vocab: 3 + rng.IntN(12),
			fieldless: rng.Float64() * 0.5, conflict: rng.Float64() * 0.2,
			capMin: rng.IntN(3), capMax: 3 + rng.IntN(8),
		}
		p := randomProblem(seed, o)
		p.MaxCandidates = []int{0, 1, -1}[seed%3]
		r, err := assign.SolvePartial(context.Background(), p, nil)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		checkPartial(t, p, r)
		got := map[string]int{}
		for _, pr := range r.Pairs {
			got[pr.Entry]++
		}
		_, flow := exactMaxFlow(p)
		if len(r.Pairs) != flow {
			t.Fatalf("seed %d: %d reviews placed, a maximum flow places %d", seed, len(r.Pairs), flow)
		}
		for level := 1; level < p.PerEntry; level++ {
			_, capped := exactFlow(p, func(int) int { return level })
			placed := 0
			for _, e := range p.Entries {
				placed += min(got[e.ID], level)
			}
			if placed != capped {
				t.Fatalf("seed %d: up to %d per entry, %d reviews placed; evenly, %d can be", seed, level, placed, capped)
			}
		}
		opt, same := exactFlow(p, func(i int) int { return got[p.Entries[i].ID] })
		tolerance := float64(flow*(o.capMax+1)) * 1.1e-6
		if same != flow || (p.MaxCandidates < 0 && r.TotalAffinity < opt-tolerance) {
			t.Fatalf("seed %d: affinity %v, the best flow with the same reviews per entry has %v (%d pairs)", seed, r.TotalAffinity, opt, same)
		}
		full, err := assign.Solve(context.Background(), p, nil)
		if r.Short == nil {
			if err != nil || !reflect.DeepEqual(r, full) {
				t.Fatalf("seed %d: a complete partial result differs from Solve's: %v", seed, err)
			}
			continue
		}
		short++
		inf, ok := err.(*assign.InfeasibleError)
		if !ok || !reflect.DeepEqual(inf.Shortfalls, r.Short.Shortfalls) {
			t.Fatalf("seed %d: Solve says %v, SolvePartial %v", seed, err, r.Short)
		}
	}
	t.Logf("%d of %d instances could not be fully served", short, seeds)
	if short < int(seeds)/10 {
		t.Fatalf("only %d short instances: the test no longer covers partial assignment", short)
	}
}

// The case a real round meets: an entry has only 4 eligible experts for 5
// reviews. Solve assigns nobody anywhere; SolvePartial gives it the 4, serves
// the other entries fully, and says what is missing and why, in numbers.
func TestPartialServesWhatItCan(t *testing.T) {
	t.Parallel()
	p := assign.Problem{PerEntry: 5, Seed: 3,
		Entries: []assign.Entry{
			{ID: "E1", Track: "新材料", Org: "星河智能科技有限公司"},
			{ID: "E2", Track: "新材料", Org: "绿种团队"},
			{ID: "E3", Track: "智能制造", Org: "鹰眼装备股份有限公司"},
		},
		Conflicts: []assign.Conflict{{Expert: "X2", Entry: "E1"}, {Expert: "X3", Entry: "E1"}},
	}
	for i := range 6 {
		p.Experts = append(p.Experts, assign.Expert{ID: fmt.Sprintf("X%d", i+1), Org: fmt.Sprintf("大学%d", i),
			Fields: []string{"新材料", "智能制造"}, Capacity: 3})
	}
	p.Experts[0].Org = "星河智能科技 有限公司" // E1's own organization, spelled differently
	if _, err := assign.Solve(context.Background(), p, nil); err == nil {
		t.Fatal("Solve served an impossible instance")
	}
	r, err := assign.SolvePartial(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkPartial(t, p, r)
	// Capacity 18 for 15 reviews, but E1 has only X4, X5, X6.
	if want := []assign.Unfilled{{Entry: "E1", Missing: 2}}; !reflect.DeepEqual(r.Unfilled, want) {
		t.Fatalf("Unfilled = %v, want %v", r.Unfilled, want)
	}
	if len(r.Pairs) != 13 {
		t.Fatalf("%d reviews placed, want 13", len(r.Pairs))
	}
	if len(r.Short.Shortfalls) != 1 {
		t.Fatalf("Short = %v", r.Short)
	}
	sf := r.Short.Shortfalls[0]
	want := assign.Pool{WithField: 6, Conflicted: 2, OwnOrg: 1, Eligible: 3}
	if sf.Entry != "E1" || sf.Need != 5 || sf.Eligible != 3 || sf.Pool != want {
		t.Fatalf("shortfall %+v, want pool %+v", sf, want)
	}
}

// Entries that compete for the same full experts share the shortage: one
// entry whose keywords match nobody is not left with nothing so that the
// others get better matches, whatever order the seed draws. Within the even
// spread, the experts go where they fit best.
func TestPartialSpreadsTheShortage(t *testing.T) {
	t.Parallel()
	for seed := range int64(20) {
		p := assign.Problem{PerEntry: 3, Seed: seed, MaxCandidates: -1, Entries: []assign.Entry{
			{ID: "A", Track: "新材料", Keywords: []string{"涂层", "储能"}},
			{ID: "B", Track: "新材料", Keywords: []string{"涂层", "储能"}},
			{ID: "C", Track: "新材料", Keywords: []string{"光伏"}}, // matches no expert
		}}
		for i, kw := range []string{"涂层", "储能", "涂层", "储能"} {
			p.Experts = append(p.Experts, assign.Expert{ID: fmt.Sprintf("X%d", i), Org: fmt.Sprintf("大学%d", i),
				Fields: []string{"新材料"}, Keywords: []string{kw}, Capacity: 2 - i/3})
		}
		// 7 slots for 9 reviews: two entries are one short each, never C
		// with only one so that A and B get all theirs.
		r, err := assign.SolvePartial(context.Background(), p, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkPartial(t, p, r)
		got := map[string]int{}
		for _, pr := range r.Pairs {
			got[pr.Entry]++
		}
		if len(r.Pairs) != 7 || got["A"] < 2 || got["B"] < 2 || got["C"] < 2 || len(r.Unfilled) != 2 {
			t.Fatalf("seed %d: per entry %v, unfilled %v", seed, got, r.Unfilled)
		}
		opt, _ := exactFlow(p, func(i int) int { return got[p.Entries[i].ID] })
		if r.TotalAffinity < opt-1e-5 {
			t.Fatalf("seed %d: affinity %v, best for the same spread %v", seed, r.TotalAffinity, opt)
		}
		if len(r.Short.Groups) != 1 || !strings.Contains(r.Short.Error(), "need") {
			t.Fatalf("seed %d: Short %v", seed, r.Short)
		}
	}
}

// Global shortage: all of the capacity is used, and the diagnosis carries
// the numbers.
func TestPartialUnderGlobalShortage(t *testing.T) {
	t.Parallel()
	p := assign.Problem{PerEntry: 5}
	for i := range 100 {
		p.Entries = append(p.Entries, assign.Entry{ID: fmt.Sprintf("E%03d", i), Track: "t"})
	}
	for i := range 12 {
		p.Experts = append(p.Experts, assign.Expert{ID: fmt.Sprintf("X%d", i), Capacity: 40})
	}
	calls, last := 0, 0
	r, err := assign.SolvePartial(context.Background(), p, func(done, total int) {
		calls++
		if total != 480 || done < last {
			t.Errorf("progress(%d, %d)", done, total)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	checkPartial(t, p, r)
	if len(r.Pairs) != 480 || r.Short.Capacity != 480 || r.Short.Needed != 500 || last != 480 || calls == 0 {
		t.Fatalf("%d pairs, short %+v, last progress %d", len(r.Pairs), r.Short, last)
	}
	missing := 0
	for _, u := range r.Unfilled {
		missing += u.Missing
	}
	if missing != 20 {
		t.Fatalf("missing %d, want 20", missing)
	}
}
