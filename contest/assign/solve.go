package assign

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// Solve assigns PerEntry experts to every entry under the hard rules,
// maximizing total affinity and then spreading load (see the package doc).
// It returns an *InvalidError for malformed input, an *InfeasibleError when
// the rules cannot all be met, or ctx's error when cancelled. progress, if not
// nil, is called from the calling goroutine with assignments made so far.
func Solve(ctx context.Context, p Problem, progress func(done, total int)) (Result, error) {
	r, err := solve(ctx, p, false, progress)
	if err == nil && r.Short != nil {
		return Result{}, r.Short
	}
	return r, err
}

// SolvePartial is Solve for a round that must go on when not every entry can
// get PerEntry experts: it assigns as many reviews as the hard rules allow (a
// maximum flow), spreads the shortage as evenly as the rules allow, and within
// that keeps the least cost (most affinity, then the most even load), exactly
// as Solve does when all fit. "As evenly as possible" is the water-filling
// order: no entry gets an r-th expert while another that could still get one
// has fewer than r−1 (lexicographically max-min fair), so a shortage is never
// piled on one entry to gain affinity elsewhere. What is missing is in
// Result.Unfilled, and why in Result.Short. When every entry is served it
// returns what Solve returns.
func SolvePartial(ctx context.Context, p Problem, progress func(done, total int)) (Result, error) {
	return solve(ctx, p, true, progress)
}

func solve(ctx context.Context, p Problem, partial bool, progress func(done, total int)) (Result, error) {
	if err := ValidateProblem(p); err != nil {
		return Result{}, err
	}
	m := newModel(p)
	limit := p.MaxCandidates
	if limit == 0 {
		limit = DefaultMaxCandidates
	}
	if limit > 0 && limit < 2*m.k {
		limit = 2 * m.k // room for the random sample beside the best K
	}
	pl, err := m.place(ctx, limit, partial)
	if err != nil {
		return Result{}, err
	}
	if pl.short != nil && !partial {
		return Result{Short: pl.short}, nil
	}
	if err := m.minCost(ctx, pl, progress); err != nil {
		return Result{}, err
	}
	r := m.result(pl.nw)
	if pl.short != nil {
		r.Short = pl.short
		r.Unfilled = m.unfilled(r.Pairs)
	}
	return r, nil
}

// placement is what the maximum flow found: the network (with candidates) the
// min-cost flow runs on, each entry's supply, the most reviews that can be
// placed, and why not all (nil when all can).
type placement struct {
	nw     *network
	supply []int32
	flow   int64
	short  *InfeasibleError
}

// place picks candidates and finds, by a maximum flow, how many reviews can be
// placed; where that falls short of every entry's need, it says which entries
// cannot be served and why. Unless partial, it stops at the first proof that
// not every entry can be served.
func (m *model) place(ctx context.Context, limit int, partial bool) (placement, error) {
	n := len(m.entries)
	var totalNeed, totalFree int
	for e := range n {
		totalNeed += int(m.need[e])
	}
	for x := range m.experts {
		totalFree += int(max(m.free[x], 0))
	}
	infeasible := &InfeasibleError{}
	if totalFree < totalNeed {
		infeasible.Global = fmt.Sprintf("capacity: total capacity %d < %d needed", totalFree, totalNeed)
		infeasible.Capacity, infeasible.Needed = totalFree, totalNeed
	}

	cands, slots := make([][]cand, n), make([]int32, n)
	if err := m.fillCandidates(ctx, limit, nil, cands, slots); err != nil {
		return placement{}, err
	}
	// An entry short on its own is reported; it still asks for what it could
	// get, so that the flow below finds shortages among the others too.
	supply := make([]int32, n)
	for e := range n {
		supply[e] = min(m.need[e], slots[e])
		if slots[e] < m.need[e] {
			infeasible.Shortfalls = append(infeasible.Shortfalls, m.shortfall(int32(e), int(slots[e])))
		}
	}
	if infeasible.Global != "" && !partial {
		return placement{short: infeasible}, nil
	}

	// Where the maximum flow falls short, widen the entries involved to every
	// eligible expert and retry; once they are all wide, the shortage is real.
	wide := make([]bool, n)
	for e := range wide {
		wide[e] = limit < 0
	}
	for {
		nw := m.build(cands, supply)
		flow, err := maxFlow(ctx, nw.g, nw.s, nw.t)
		if err != nil {
			return placement{}, err
		}
		pl := placement{nw: nw, supply: supply, flow: flow}
		if flow == sum(supply) {
			if infeasible.Global != "" || len(infeasible.Shortfalls) > 0 {
				pl.short = infeasible
			}
			return pl, nil
		}
		inR := reachable(nw.g, nw.s)
		todo, widened := make([]bool, n), false
		for e := range n {
			if inR[e] && !wide[e] {
				todo[e], wide[e], widened = true, true, true
			}
		}
		if !widened {
			infeasible.Groups = m.groups(nw)
			pl.short = infeasible
			return pl, nil
		}
		if err := m.fillCandidates(ctx, limit, todo, cands, slots); err != nil {
			return placement{}, err
		}
	}
}

// minCost runs the min-cost flow on the placement's network from scratch: one
// unit per augmentation, in K rounds over the entries in a seeded order, so
// that early rounds find short paths everywhere. Each augmentation keeps the
// flow of least cost for what each entry has so far (successive shortest
// paths from the entry, as the Hungarian method does).
//
// When not everything fits, an entry whose search finds no path is done: a
// unit the network could place later would have a path now, and the nodes the
// failed search reached can never reach the sink again (every later path
// avoids them), so they are skipped from then on and each node is searched
// in vain at most once. Trying every entry's r-th unit before anyone's
// (r+1)-th is water-filling on the polymatroid of placeable reviews: the
// result is a maximum flow whose shortage is spread lexicographically evenly.
func (m *model) minCost(ctx context.Context, pl placement, progress func(done, total int)) error {
	nw, supply := pl.nw, pl.supply
	nw.g.reset()
	load := make([]int32, nw.g.numNodes())
	for x := range m.experts {
		load[m.expertNode(int32(x))] = m.load0[x]
	}
	fs := newFlowSolver(nw.g, nw.t, load)
	var order []int32
	for e, s := range supply {
		if s > 0 {
			order = append(order, int32(e))
		}
	}
	rand.New(rand.NewPCG(m.seed, 0x5eed)).Shuffle(len(order), func(i, j int) {
		order[i], order[j] = order[j], order[i]
	})
	total := int(pl.flow)
	done, every := 0, max(total/200, 1)
	for round := range int32(m.k) {
		for _, e := range order {
			if supply[e] <= round || fs.dead[e] {
				continue
			}
			if !fs.augment(e) {
				if pl.short == nil {
					// Cannot happen: the maximum flow placed every unit.
					return fmt.Errorf("assign: internal error: no augmenting path for entry %s", m.entries[e].ID)
				}
				continue
			}
			done++
			if done%every == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if progress != nil {
					progress(done, total)
				}
			}
		}
	}
	if done != total {
		return fmt.Errorf("assign: internal error: %d of %d reviews placed", done, total)
	}
	if progress != nil && done%every != 0 {
		progress(done, total)
	}
	return nil
}

// unfilled lists the entries with fewer than K experts in pairs, by entry.
func (m *model) unfilled(pairs []Pair) []Unfilled {
	got := make(map[string]int, len(m.entries))
	for _, p := range pairs {
		got[p.Entry]++
	}
	var out []Unfilled
	for _, e := range m.entries { // sorted by ID
		if n := got[e.ID]; n < m.k {
			out = append(out, Unfilled{Entry: e.ID, Missing: m.k - n})
		}
	}
	return out
}

func sum(v []int32) int64 {
	var s int64
	for _, x := range v {
		s += int64(x)
	}
	return s
}

// result collects kept and new pairs, affinities and loads.
func (m *model) result(nw *network) Result {
	r := Result{Released: m.released, Loads: make(map[string]int, len(m.experts))}
	load := make([]int, len(m.experts))
	add := func(e, x int32, kept bool) {
		pr := Pair{m.entries[e].ID, m.experts[x].ID}
		r.Pairs = append(r.Pairs, pr)
		if !kept {
			r.Added = append(r.Added, pr)
		}
		r.TotalAffinity += jaccard(m.entryKW[e], m.expertKW[x])
		load[x]++
	}
	for e, xs := range m.fixed {
		for _, x := range xs {
			add(int32(e), x, true)
		}
	}
	nw.pairs(func(e, x int32) { add(e, x, false) })
	sortPairs(r.Pairs)
	sortPairs(r.Added)
	for x, l := range load {
		r.Loads[m.experts[x].ID] = l
		if x == 0 || l < r.MinLoad {
			r.MinLoad = l
		}
		r.MaxLoad = max(r.MaxLoad, l)
	}
	return r
}
