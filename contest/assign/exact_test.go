package assign_test

import (
	"math"
	"testing"

	"podium/contest/assign"
)

// exactOptimum is a plain, obviously correct min-cost flow (successive
// shortest paths by Bellman–Ford, no sparsification, no load term) over every
// allowed pair of p, which must have no Fixed pairs. It returns the best total
// affinity and whether every entry can get PerEntry experts.
//
// Network: source → entry (cap K) → [entry, org] (cap 1) → expert (cap
// capacity) → sink; experts of unknown organization hang off the entry
// directly. Cost −affinity·1e12, rounded.
func exactOptimum(p assign.Problem) (float64, bool) {
	aff, flow := exactMaxFlow(p)
	return aff, flow == len(p.Entries)*p.PerEntry
}

// exactMaxFlow is exactOptimum for any instance, feasible or not: successive
// shortest paths from zero flow until no path is left give a maximum flow of
// least cost among maximum flows. It returns that flow's affinity and size.
func exactMaxFlow(p assign.Problem) (float64, int) {
	return exactFlow(p, func(int) int { return p.PerEntry })
}

// exactFlow is exactMaxFlow with entry i asking for supply(i) experts.
func exactFlow(p assign.Problem, supply func(i int) int) (float64, int) {
	type arc struct {
		to, cap int
		cost    int64
	}
	var arcs []arc
	adj := map[int][]int{}
	add := func(u, v, c int, cost int64) {
		adj[u] = append(adj[u], len(arcs))
		arcs = append(arcs, arc{v, c, cost})
		adj[v] = append(adj[v], len(arcs))
		arcs = append(arcs, arc{u, 0, -cost})
	}
	n, nx := len(p.Entries), len(p.Experts)
	s, t := n+nx, n+nx+1
	next := n + nx + 2
	rl := newRules(p)
	for i, x := range p.Experts {
		add(n+i, t, x.Capacity, 0)
	}
	for i, e := range p.Entries {
		add(s, i, supply(i), 0)
		gadget := map[string]int{}
		for j, x := range p.Experts {
			if !rl.allowed(e, x) {
				continue
			}
			from := i
			if o := assign.NormalizeOrg(x.Org); o != "" {
				if _, ok := gadget[o]; !ok {
					gadget[o] = next
					add(i, next, 1, 0)
					next++
				}
				from = gadget[o]
			}
			cost := -int64(math.Round(assign.Affinity(e.Keywords, x.Keywords) * 1e12))
			add(from, n+j, 1, cost)
		}
	}
	var flow int
	var cost int64
	for {
		dist := make([]int64, next)
		prev := make([]int, next)
		for i := range dist {
			dist[i] = math.MaxInt64
		}
		dist[s] = 0
		for changed := true; changed; {
			changed = false
			for u := range next {
				if dist[u] == math.MaxInt64 {
					continue
				}
				for _, a := range adj[u] {
					if arcs[a].cap > 0 && dist[u]+arcs[a].cost < dist[arcs[a].to] {
						dist[arcs[a].to] = dist[u] + arcs[a].cost
						prev[arcs[a].to] = a
						changed = true
					}
				}
			}
		}
		if dist[t] == math.MaxInt64 {
			break
		}
		for v := t; v != s; v = arcs[prev[v]^1].to {
			arcs[prev[v]].cap--
			arcs[prev[v]^1].cap++
		}
		flow++
		cost += dist[t]
	}
	return float64(-cost) / 1e12, flow
}

// bruteForce tries every choice of K experts per entry on a tiny instance.
func bruteForce(p assign.Problem) (best float64, ok bool) {
	var choices [][][]int // per entry: allowed K-subsets of expert indices
	for _, e := range p.Entries {
		var allowedX []int
		for j, x := range p.Experts {
			if allowed(p, e, x) {
				allowedX = append(allowedX, j)
			}
		}
		var subsets [][]int
		var rec func(start int, cur []int)
		rec = func(start int, cur []int) {
			if len(cur) == p.PerEntry {
				orgs := map[string]bool{}
				for _, j := range cur {
					o := assign.NormalizeOrg(p.Experts[j].Org)
					if o != "" && orgs[o] {
						return
					}
					orgs[o] = true
				}
				subsets = append(subsets, append([]int(nil), cur...))
				return
			}
			for i := start; i < len(allowedX); i++ {
				rec(i+1, append(cur, allowedX[i]))
			}
		}
		rec(0, nil)
		choices = append(choices, subsets)
	}
	load := make([]int, len(p.Experts))
	var rec func(i int, total float64)
	rec = func(i int, total float64) {
		if i == len(p.Entries) {
			if !ok || total > best {
				best, ok = total, true
			}
			return
		}
		for _, sub := range choices[i] {
			fits := true
			for _, j := range sub {
				load[j]++
				if load[j] > p.Experts[j].Capacity {
					fits = false
				}
			}
			if fits {
				var add float64
				for _, j := range sub {
					add += assign.Affinity(p.Entries[i].Keywords, p.Experts[j].Keywords)
				}
				rec(i+1, total+add)
			}
			for _, j := range sub {
				load[j]--
			}
		}
	}
	rec(0, 0)
	return best, ok
}

// The reference solver itself agrees with brute force on tiny instances.
func TestExactReferenceMatchesBruteForce(t *testing.T) {
	t.Parallel()
	for seed := range uint64(150) {
		p := randomProblem(seed, genOpts{entries: 4, experts: 6, k: 2, tracks: 2, orgs: 3, vocab: 5,
			fieldless: 0.3, conflict: 0.1, capMin: 1, capMax: 3})
		want, wantOK := bruteForce(p)
		got, gotOK := exactOptimum(p)
		if gotOK != wantOK || (wantOK && math.Abs(got-want) > 1e-9) {
			t.Fatalf("seed %d: reference (%v, %v), brute force (%v, %v)", seed, got, gotOK, want, wantOK)
		}
	}
}
