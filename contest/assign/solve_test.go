package assign_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"podium/contest/assign"
	"podium/contest/assign/synth"
)

// Every hard rule holds on random instances, Solve says "infeasible" exactly
// when the exact reference finds no full assignment, and without
// sparsification its affinity is the exact optimum up to the documented
// balancing tolerance.
func TestHardRulesOnRandomInstances(t *testing.T) {
	t.Parallel()
	seeds := uint64(300)
	if testing.Short() {
		seeds = 60
	}
	var solved, diagnosed int
	defer func() { t.Logf("%d solved, %d diagnosed infeasible", solved, diagnosed) }()
	for seed := range seeds {
		rng := rand.New(rand.NewPCG(seed, 99))
		o := genOpts{
			entries: 3 + rng.IntN(30), experts: 4 + rng.IntN(20), k: 1 + rng.IntN(4),
			tracks: 1 + rng.IntN(4), orgs: 2 + rng.IntN(8), vocab: 3 + rng.IntN(12),
			fieldless: rng.Float64() * 0.5, conflict: rng.Float64() * 0.15,
			capMin: rng.IntN(3), capMax: 3 + rng.IntN(8),
		}
		p := randomProblem(seed, o)
		p.MaxCandidates = []int{0, 1, -1}[seed%3] // default, sparsest (2K), all
		opt, feasible := exactOptimum(p)
		r, err := assign.Solve(context.Background(), p, nil)
		var inf *assign.InfeasibleError
		switch {
		case !feasible:
			if !errors.As(err, &inf) {
				t.Fatalf("seed %d: infeasible instance, got %v", seed, err)
			}
			if len(inf.Shortfalls)+len(inf.Groups) == 0 && inf.Global == "" {
				t.Fatalf("seed %d: InfeasibleError without a reason", seed)
			}
			diagnosed++
		case err != nil:
			t.Fatalf("seed %d: feasible instance, got %v", seed, err)
		default:
			solved++
			checkRules(t, p, r)
			tolerance := float64(len(p.Entries)*p.PerEntry*(o.capMax+1)) * 1.1e-6
			if r.TotalAffinity < opt-tolerance && p.MaxCandidates < 0 {
				t.Fatalf("seed %d: affinity %v, exact optimum %v", seed, r.TotalAffinity, opt)
			}
		}
	}
}

// Total affinity is at least 99% of the exact optimum (in fact equal, up to
// the balancing tolerance) on 200 entries × 40 experts with the defaults.
func TestAffinityNearExactOptimum(t *testing.T) {
	t.Parallel()
	for seed := range uint64(4) {
		p := randomProblem(seed, genOpts{entries: 200, experts: 40, k: 3, tracks: 3, orgs: 15, vocab: 12,
			fieldless: 0.2, conflict: 0.03, capMin: 15, capMax: 30})
		opt, feasible := exactOptimum(p)
		if !feasible {
			t.Fatalf("seed %d: instance should be feasible", seed)
		}
		r, err := assign.Solve(context.Background(), p, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkRules(t, p, r)
		if r.TotalAffinity < 0.99*opt {
			t.Fatalf("seed %d: affinity %.4f < 99%% of optimum %.4f", seed, r.TotalAffinity, opt)
		}
		if tol := float64(200*3*31) * 1.1e-6; r.TotalAffinity < opt-tol {
			t.Errorf("seed %d: affinity %.6f, optimum %.6f: more than the documented tolerance %.6f", seed, r.TotalAffinity, opt, tol)
		}
	}
}

// The hard rules hold on a mid-sized generated instance too, where pools are
// sparsified and organizations are spelled three ways.
func TestHardRulesOnGeneratedInstance(t *testing.T) {
	t.Parallel()
	p := synth.Generate(synth.Config{Entries: 2000, Experts: 200, PerEntry: 5, Tracks: 4, Seed: 8, Slack: 1.1})
	r, err := assign.Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkRules(t, p, r)
	if r.MaxLoad > p.Experts[0].Capacity {
		t.Fatalf("max load %d", r.MaxLoad)
	}
}

// Sparse candidates lose under 1% against keeping every eligible expert, on
// an instance whose track pools (about 100 experts) far exceed the bound.
func TestSparseCandidatesKeepAffinity(t *testing.T) {
	t.Parallel()
	p := synth.Generate(synth.Config{Entries: 1000, Experts: 160, PerEntry: 5, Tracks: 2, Seed: 3})
	p.MaxCandidates = 16
	sparse, err := assign.Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkRules(t, p, sparse)
	p.MaxCandidates = -1
	full, err := assign.Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("affinity sparse %.3f, all candidates %.3f (%.3f%%)", sparse.TotalAffinity, full.TotalAffinity, 100*sparse.TotalAffinity/full.TotalAffinity)
	if sparse.TotalAffinity < 0.99*full.TotalAffinity {
		t.Fatalf("sparse affinity %.3f < 99%% of %.3f", sparse.TotalAffinity, full.TotalAffinity)
	}
}

func TestDeterministicPerSeed(t *testing.T) {
	t.Parallel()
	p := randomProblem(5, genOpts{entries: 150, experts: 40, k: 3, tracks: 2, orgs: 12, vocab: 200,
		fieldless: 0.3, conflict: 0.02, capMin: 12, capMax: 20}) // large vocabulary: mostly zero affinity, many ties
	a, err := assign.Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := assign.Solve(context.Background(), p, nil)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same problem, same seed, different results")
	}

	// Input order does not matter, only the seed.
	q := p
	q.Entries, q.Experts, q.Conflicts = slices.Clone(p.Entries), slices.Clone(p.Experts), slices.Clone(p.Conflicts)
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(q.Entries), func(i, j int) { q.Entries[i], q.Entries[j] = q.Entries[j], q.Entries[i] })
	rng.Shuffle(len(q.Experts), func(i, j int) { q.Experts[i], q.Experts[j] = q.Experts[j], q.Experts[i] })
	slices.Reverse(q.Conflicts)
	c, _ := assign.Solve(context.Background(), q, nil)
	if !reflect.DeepEqual(a, c) {
		t.Fatal("same problem in another order, different results")
	}

	q = p
	q.Seed++
	d, _ := assign.Solve(context.Background(), q, nil)
	checkRules(t, q, d)
	if reflect.DeepEqual(a.Pairs, d.Pairs) {
		t.Fatal("another seed gave the very same assignment despite many ties")
	}
	if d.TotalAffinity < a.TotalAffinity-1e-3 || a.TotalAffinity < d.TotalAffinity-1e-3 {
		t.Fatalf("seeds change affinity: %v vs %v", a.TotalAffinity, d.TotalAffinity)
	}
}

// With no affinity to go by, the convex load cost spreads work evenly.
func TestZeroAffinityLoadIsBalanced(t *testing.T) {
	t.Parallel()
	for _, n := range []int{100, 101, 133} {
		p := assign.Problem{PerEntry: 3, Seed: 1}
		for i := range n {
			p.Entries = append(p.Entries, assign.Entry{ID: fmt.Sprintf("E%d", i), Track: "t"})
		}
		for i := range 20 {
			p.Experts = append(p.Experts, assign.Expert{ID: fmt.Sprintf("X%d", i), Org: fmt.Sprintf("org%d", i), Capacity: 100})
		}
		r, err := assign.Solve(context.Background(), p, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkRules(t, p, r)
		if r.MaxLoad-r.MinLoad > 1 {
			t.Errorf("%d entries: loads %d..%d, want within 1", n, r.MinLoad, r.MaxLoad)
		}
	}
}

// A recusal after the fact: keep everything, drop the recused pair, fill only
// that gap, never with the recused expert.
func TestRecusalFillsOnlyTheGap(t *testing.T) {
	t.Parallel()
	p := randomProblem(11, genOpts{entries: 60, experts: 30, k: 3, tracks: 2, orgs: 10, vocab: 10,
		fieldless: 0.3, conflict: 0.02, capMin: 8, capMax: 12})
	first, err := assign.Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	recused := first.Pairs[7]
	p.Fixed = first.Pairs
	p.Excluded = []assign.Conflict{{Expert: recused.Expert, Entry: recused.Entry}}
	second, err := assign.Solve(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkRules(t, p, second)
	if !reflect.DeepEqual(second.Released, []assign.Pair{recused}) {
		t.Fatalf("Released = %v, want [%v]", second.Released, recused)
	}
	if len(second.Added) != 1 || second.Added[0].Entry != recused.Entry || second.Added[0].Expert == recused.Expert {
		t.Fatalf("Added = %v, want one new expert for %s other than %s", second.Added, recused.Entry, recused.Expert)
	}
	for _, pr := range first.Pairs {
		if pr != recused && !slices.Contains(second.Pairs, pr) {
			t.Fatalf("kept pair %v lost", pr)
		}
	}

	// Entries with no kept experts at all, and a kept pair that is now a
	// declared conflict: both are filled, the conflict released.
	var kept []assign.Pair
	for _, pr := range first.Pairs {
		if pr.Entry >= "E030" {
			kept = append(kept, pr)
		}
	}
	q := p
	q.Fixed, q.Excluded = kept, nil
	q.Conflicts = append(slices.Clone(p.Conflicts), assign.Conflict{Expert: kept[0].Expert, Entry: kept[0].Entry})
	third, err := assign.Solve(context.Background(), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkRules(t, q, third)
	if !reflect.DeepEqual(third.Released, kept[:1]) {
		t.Fatalf("Released = %v, want %v", third.Released, kept[:1])
	}
	if want := len(first.Pairs) - len(kept) + 1; len(third.Added) != want {
		t.Fatalf("added %d pairs, want %d", len(third.Added), want)
	}
	for _, pr := range kept[1:] {
		if !slices.Contains(third.Pairs, pr) {
			t.Fatalf("kept pair %v lost", pr)
		}
	}
}

func infeasible(t *testing.T, p assign.Problem) *assign.InfeasibleError {
	t.Helper()
	_, err := assign.Solve(context.Background(), p, nil)
	var inf *assign.InfeasibleError
	if !errors.As(err, &inf) {
		t.Fatalf("got %v, want *InfeasibleError", err)
	}
	return inf
}

func TestInfeasibleGlobalCapacity(t *testing.T) {
	t.Parallel()
	p := assign.Problem{PerEntry: 5}
	for i := range 100 {
		p.Entries = append(p.Entries, assign.Entry{ID: fmt.Sprintf("E%d", i), Track: "t"})
	}
	for i := range 12 {
		p.Experts = append(p.Experts, assign.Expert{ID: fmt.Sprintf("X%d", i), Capacity: 40})
	}
	inf := infeasible(t, p)
	if inf.Global != "capacity: total capacity 480 < 500 needed" || inf.Capacity != 480 || inf.Needed != 500 {
		t.Fatalf("Global = %q", inf.Global)
	}
	if !strings.Contains(inf.Error(), "total capacity 480 < 500 needed") {
		t.Fatalf("Error() = %q", inf.Error())
	}
}

func TestInfeasibleEntryShortfall(t *testing.T) {
	t.Parallel()
	p := assign.Problem{PerEntry: 5,
		Entries: []assign.Entry{
			{ID: "E1", Track: "生物医药", Org: "甲公司"},
			{ID: "E7", Track: "新材料", Org: "乙有限公司"},
		},
		Conflicts: []assign.Conflict{{Expert: "M1", Entry: "E7"}, {Expert: "M2", Entry: "E7"}},
	}
	for i := range 5 {
		p.Experts = append(p.Experts, assign.Expert{ID: fmt.Sprintf("M%d", i+1), Org: fmt.Sprintf("大学%d", i), Fields: []string{"新材料"}, Capacity: 2})
	}
	for i := range 9 {
		org := fmt.Sprintf("研究所%d", i%4) // 9 experts, 4 organizations
		if i == 0 {
			org = "甲 有限公司" // the entry's own organization, spelled differently
		}
		p.Experts = append(p.Experts, assign.Expert{ID: fmt.Sprintf("B%d", i+1), Org: org, Fields: []string{"生物医药"}, Capacity: 2})
	}
	inf := infeasible(t, p)
	if inf.Global != "" || len(inf.Groups) != 0 {
		t.Fatalf("unexpected global %q / groups %v", inf.Global, inf.Groups)
	}
	want := []assign.Shortfall{
		{Entry: "E1", Track: "生物医药", Need: 5, Eligible: 4,
			Reason: "track 生物医药: 9 experts with the field, 1 of the entry's own organization; the 8 eligible come from only 4 organizations",
			Pool:   assign.Pool{WithField: 9, OwnOrg: 1, Eligible: 8}},
		{Entry: "E7", Track: "新材料", Need: 5, Eligible: 3,
			Reason: "track 新材料: 5 experts with the field, 2 conflicted",
			Pool:   assign.Pool{WithField: 5, Conflicted: 2, Eligible: 3}},
	}
	if !reflect.DeepEqual(inf.Shortfalls, want) {
		t.Fatalf("Shortfalls =\n%#v\nwant\n%#v", inf.Shortfalls, want)
	}
	if msg := inf.Error(); !strings.Contains(msg, "entry E7: needs 5 experts, only 3 eligible (track 新材料: 5 experts with the field, 2 conflicted)") {
		t.Fatalf("Error() = %s", msg)
	}
}

// Each entry could be served alone, but the track's experts run out together.
func TestInfeasibleGroup(t *testing.T) {
	t.Parallel()
	p := assign.Problem{PerEntry: 2, MaxCandidates: 1} // sparsest candidates: widening must kick in
	for i := range 4 {
		p.Entries = append(p.Entries, assign.Entry{ID: fmt.Sprintf("A%d", i), Track: "新材料"})
	}
	for i := range 40 {
		p.Entries = append(p.Entries, assign.Entry{ID: fmt.Sprintf("B%02d", i), Track: "AI"})
	}
	for i := range 3 {
		p.Experts = append(p.Experts, assign.Expert{ID: fmt.Sprintf("XA%d", i), Fields: []string{"新材料"}, Capacity: 2})
	}
	for i := range 20 {
		p.Experts = append(p.Experts, assign.Expert{ID: fmt.Sprintf("XB%02d", i), Fields: []string{"AI"}, Capacity: 10})
	}
	inf := infeasible(t, p)
	if inf.Global != "" || len(inf.Shortfalls) != 0 || len(inf.Groups) != 1 {
		t.Fatalf("got %v", inf)
	}
	g := inf.Groups[0]
	want := assign.Group{Entries: []string{"A0", "A1", "A2", "A3"}, Experts: []string{"XA0", "XA1", "XA2"},
		Tracks: []string{"新材料"}, Need: 8, Available: 6}
	if !reflect.DeepEqual(g, want) {
		t.Fatalf("group = %+v, want %+v", g, want)
	}
	if !strings.Contains(inf.Error(), "entries A0, A1, A2, A3 (track 新材料) need 8 experts together but at most 6 can be placed") {
		t.Fatalf("Error() = %s", inf.Error())
	}
}

// A big infeasible instance is diagnosed quickly, never searched forever.
func TestInfeasibleLargeReturnsPromptly(t *testing.T) {
	t.Parallel()
	p := synth.Generate(synth.Config{Entries: 3000, Experts: 300, PerEntry: 5, Seed: 9, Slack: 1.1})
	// Starve one track: its experts keep a single slot each.
	for i := range p.Experts {
		if slices.Equal(p.Experts[i].Fields, []string{synth.TrackName(0)}) {
			p.Experts[i].Capacity = 1
		}
	}
	inf := infeasible(t, p)
	if len(inf.Groups) == 0 || !slices.Contains(inf.Groups[0].Tracks, synth.TrackName(0)) {
		t.Fatalf("want a group in track %s, got %v", synth.TrackName(0), inf)
	}
}

func TestValidateProblem(t *testing.T) {
	t.Parallel()
	p := assign.Problem{
		PerEntry: 0,
		Entries:  []assign.Entry{{ID: "E1", Track: "a"}, {ID: "E1"}, {ID: ""}},
		Experts: []assign.Expert{{ID: "X1", Capacity: -1}, {ID: "X2", Fields: []string{"b"}, Capacity: 1},
			{ID: "X3", Org: "o", Capacity: 5}, {ID: "X4", Org: "O ", Capacity: 5}},
		Conflicts: []assign.Conflict{{Expert: "X9", Entry: "E1"}},
		Excluded:  []assign.Conflict{{Expert: "X1", Entry: "E9"}},
		Fixed: []assign.Pair{{Entry: "E1", Expert: "X2"}, {Entry: "E1", Expert: "X2"},
			{Entry: "E1", Expert: "X3"}, {Entry: "E1", Expert: "X4"}},
	}
	err := assign.ValidateProblem(p)
	var inv *assign.InvalidError
	if !errors.As(err, &inv) {
		t.Fatalf("got %v, want *InvalidError", err)
	}
	var fields []string
	for _, is := range inv.Issues {
		fields = append(fields, is.Field)
	}
	want := []string{"perEntry", "entries[1].id", "entries[2].id", "experts[0].capacity", "conflicts[0].expert",
		"excluded[0].entry", "fixed[0]", "fixed[1]", "fixed[3]"}
	if !slices.Equal(fields, want) {
		t.Fatalf("issue fields = %q, want %q\n%v", fields, want, err)
	}
	if !strings.Contains(err.Error(), "perEntry: must be between 1 and 16777216, got 0") ||
		!strings.Contains(err.Error(), "experts[0].capacity: must be between 0 and 16777216, got -1") {
		t.Fatalf("messages: %v", err)
	}
	if _, err := assign.Solve(context.Background(), p, nil); !errors.As(err, &inv) {
		t.Fatalf("Solve: got %v, want *InvalidError", err)
	}
	p = assign.Problem{PerEntry: 1,
		Entries: []assign.Entry{{ID: "E1"}, {ID: "E2"}},
		Experts: []assign.Expert{{ID: "X1", Capacity: 1}, {ID: "X2", Capacity: 0}},
		Fixed:   []assign.Pair{{Entry: "E1", Expert: "X1"}, {Entry: "E1", Expert: "X2"}, {Entry: "E2", Expert: "X1"}},
	}
	inv = nil
	if err := assign.ValidateProblem(p); !errors.As(err, &inv) || len(inv.Issues) != 3 ||
		!strings.Contains(err.Error(), "fixed[1]: entry E1 has more than 1 fixed experts") ||
		!strings.Contains(err.Error(), "fixed[1]: expert X2 has more fixed entries than capacity 0") ||
		!strings.Contains(err.Error(), "fixed[2]: expert X1 has more fixed entries than capacity 1") {
		t.Fatalf("got %v", err)
	}
	good := randomProblem(1, genOpts{entries: 5, experts: 5, k: 1, tracks: 1, orgs: 3, vocab: 3, capMin: 1, capMax: 2})
	if err := assign.ValidateProblem(good); err != nil {
		t.Fatal(err)
	}
}

func TestCancelAndProgress(t *testing.T) {
	t.Parallel()
	p := synth.Generate(synth.Config{Entries: 2000, Experts: 200, PerEntry: 5, Seed: 4})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := assign.Solve(ctx, p, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before start: got %v", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	_, err := assign.Solve(ctx, p, func(done, total int) {
		calls++
		if done > total/3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || calls == 0 {
		t.Fatalf("cancelled midway: got %v after %d progress calls", err, calls)
	}

	last, prev := -1, -1
	r, err := assign.Solve(context.Background(), p, func(done, total int) {
		if done < prev || total != 10000 {
			t.Errorf("progress(%d, %d) after %d", done, total, prev)
		}
		prev, last = done, done
	})
	if err != nil {
		t.Fatal(err)
	}
	if last != 10000 || len(r.Added) != 10000 {
		t.Fatalf("last progress %d, added %d, want 10000", last, len(r.Added))
	}
}
