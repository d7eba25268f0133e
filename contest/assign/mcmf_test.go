package assign

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// smallProblem is a random instance for the solver's internal tests.
func smallProblem(seed uint64) Problem {
	rng := rand.New(rand.NewPCG(seed, 3))
	p := Problem{PerEntry: 1 + rng.IntN(3), Seed: int64(seed)}
	kw := func() []string {
		var w []string
		for range rng.IntN(4) {
			w = append(w, fmt.Sprint(rng.IntN(6)))
		}
		return w
	}
	for i := range 5 + rng.IntN(20) {
		p.Entries = append(p.Entries, Entry{ID: fmt.Sprint("E", i), Track: fmt.Sprint(rng.IntN(2)), Org: fmt.Sprint(rng.IntN(6)), Keywords: kw()})
	}
	for i := range 4 + rng.IntN(12) {
		x := Expert{ID: fmt.Sprint("X", i), Org: fmt.Sprint(rng.IntN(6)), Keywords: kw(), Capacity: 1 + rng.IntN(6)}
		if rng.IntN(3) > 0 {
			x.Fields = []string{fmt.Sprint(rng.IntN(2))}
		}
		p.Experts = append(p.Experts, x)
	}
	return p
}

// The flow solver keeps every reduced cost non-negative and the live-arc
// prefixes exact after each augmentation, and ends at the same cost as a
// plain Bellman–Ford min-cost flow with the convex sink arcs expanded into
// unit arcs.
func TestFlowSolverIsExact(t *testing.T) {
	t.Parallel()
	checked := 0
	for seed := range uint64(200) {
		p := smallProblem(seed)
		m := newModel(p)
		n := len(m.entries)
		cands, slots := make([][]cand, n), make([]int32, n)
		if err := m.fillCandidates(context.Background(), -1, nil, cands, slots); err != nil {
			t.Fatal(err)
		}
		nw := m.build(cands, m.need)
		want, wantFlow := bellmanFordCost(nw, m)
		if wantFlow != sum(m.need) {
			continue // infeasible; Solve's tests cover diagnosis
		}
		checked++
		g := nw.g
		g.reset()
		load := make([]int32, g.numNodes())
		fs := newFlowSolver(g, nw.t, load)
		for round := range int32(m.k) {
			for e := range int32(n) {
				if m.need[e] <= round {
					continue
				}
				if !fs.augment(e) {
					t.Fatalf("seed %d: no path for entry %d", seed, e)
				}
				checkInvariants(t, fs)
			}
		}
		var got int64
		for a := range int32(len(g.to)) {
			if g.cap0[a] > 0 && g.to[a] != nw.t && g.tail(a) != nw.s {
				got += int64(g.flow(a)) * g.cost[a]
			}
		}
		for _, l := range load {
			got += loadStep * int64(l) * int64(l-1) / 2 // 0 + 1 + … + (l−1) load steps
		}
		if got != want {
			t.Fatalf("seed %d: flow solver cost %d, Bellman–Ford %d", seed, got, want)
		}
	}
	if checked < 50 {
		t.Fatalf("only %d feasible instances checked", checked)
	}
}

func checkInvariants(t *testing.T, f *flowSolver) {
	t.Helper()
	g := f.g
	for u := range int32(g.numNodes()) {
		for a := g.start[u]; a < g.start[u+1]; a++ {
			if (a < g.live[u]) != (g.cap[a] > 0) {
				t.Fatalf("arc %d of node %d: live %v, capacity %d", a, u, a < g.live[u], g.cap[a])
			}
			if g.cap[a] == 0 || u == f.t {
				continue
			}
			v := g.to[a]
			c := g.cost[a]
			if v == f.t {
				c = loadStep * int64(f.load[u])
			}
			if rc := c + f.node[u].pot - f.node[v].pot; rc < 0 {
				t.Fatalf("arc %d→%d has reduced cost %d", u, v, rc)
			}
		}
	}
}

// bellmanFordCost is an independent min-cost max-flow from the source on a
// copy of nw with unit sink arcs of cost 0, loadStep, 2·loadStep, …
func bellmanFordCost(nw *network, m *model) (int64, int64) {
	g := nw.g
	type arc struct {
		to, cap int
		cost    int64
	}
	var arcs []arc
	adj := make([][]int, g.numNodes())
	add := func(u, v, c int, cost int64) {
		adj[u] = append(adj[u], len(arcs))
		arcs = append(arcs, arc{v, c, cost})
		adj[v] = append(adj[v], len(arcs))
		arcs = append(arcs, arc{u, 0, -cost})
	}
	for a := range int32(len(g.to)) {
		if g.cap0[a] == 0 {
			continue
		}
		u, v := int(g.tail(a)), int(g.to[a])
		if v != int(nw.t) {
			add(u, v, int(g.cap0[a]), g.cost[a])
			continue
		}
		for i := range g.cap0[a] {
			add(u, v, 1, loadStep*int64(i))
		}
	}
	var cost, flow int64
	for {
		dist := make([]int64, len(adj))
		prev := make([]int, len(adj))
		for i := range dist {
			dist[i] = math.MaxInt64
		}
		dist[nw.s] = 0
		for changed := true; changed; {
			changed = false
			for u := range adj {
				if dist[u] == math.MaxInt64 {
					continue
				}
				for _, a := range adj[u] {
					if arcs[a].cap > 0 && dist[u]+arcs[a].cost < dist[arcs[a].to] {
						dist[arcs[a].to], prev[arcs[a].to], changed = dist[u]+arcs[a].cost, a, true
					}
				}
			}
		}
		if dist[nw.t] == math.MaxInt64 {
			return cost, flow
		}
		for v := int(nw.t); v != int(nw.s); v = arcs[prev[v]^1].to {
			arcs[prev[v]].cap--
			arcs[prev[v]^1].cap++
		}
		cost += dist[nw.t]
		flow++
	}
}
