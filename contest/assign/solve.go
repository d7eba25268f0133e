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
	nw, supply, err := m.feasible(ctx, limit)
	if err != nil {
		return Result{}, err
	}
	if err := m.minCost(ctx, nw, supply, progress); err != nil {
		return Result{}, err
	}
	return m.result(nw), nil
}

// feasible picks candidates and proves, by a maximum flow, that every entry
// can get its experts; otherwise it returns an *InfeasibleError saying which
// entries cannot and why. It returns the network and each entry's supply.
func (m *model) feasible(ctx context.Context, limit int) (*network, []int32, error) {
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
	}

	cands, slots := make([][]cand, n), make([]int32, n)
	if err := m.fillCandidates(ctx, limit, nil, cands, slots); err != nil {
		return nil, nil, err
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
	if infeasible.Global != "" {
		return nil, nil, infeasible
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
			return nil, nil, err
		}
		if flow == sum(supply) {
			if len(infeasible.Shortfalls) > 0 {
				return nil, nil, infeasible
			}
			return nw, supply, nil
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
			return nil, nil, infeasible
		}
		if err := m.fillCandidates(ctx, limit, todo, cands, slots); err != nil {
			return nil, nil, err
		}
	}
}

// minCost runs the min-cost flow on nw from scratch: one unit per
// augmentation, in K rounds over the entries in a seeded order, so that early
// rounds find short paths everywhere.
func (m *model) minCost(ctx context.Context, nw *network, supply []int32, progress func(done, total int)) error {
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
	total := int(sum(supply))
	done, every := 0, max(total/200, 1)
	for round := range int32(m.k) {
		for _, e := range order {
			if supply[e] <= round {
				continue
			}
			if !fs.augment(e) {
				// Cannot happen: the maximum flow placed every unit.
				return fmt.Errorf("assign: internal error: no augmenting path for entry %s", m.entries[e].ID)
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
	if progress != nil && done%every != 0 {
		progress(done, total)
	}
	return nil
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
