package assign

// graph is a residual flow network in compressed adjacency form. Every arc a
// has a reverse arc rev[a] (capacity 0, cost −cost[a]) stored with its head.
type graph struct {
	start []int32 // arcs of node u are start[u] … start[u+1]-1
	to    []int32
	rev   []int32
	cap   []int32 // residual capacity
	cap0  []int32 // initial capacity, to reset between max-flow and min-cost flow
	cost  []int64

	// live[u] ends the prefix of u's arcs that have residual capacity, when
	// tracked (see track). The solver then scans only those: an expert is the
	// head of hundreds of candidate arcs but carries flow on a few dozen.
	live []int32
}

type arcSpec struct {
	from, to, cap int32
	cost          int64
}

func (g *graph) numNodes() int { return len(g.start) - 1 }

// newGraph builds the network; arcs keep the order given within each node.
func newGraph(n int, arcs []arcSpec) *graph {
	deg := make([]int32, n+1)
	for _, a := range arcs {
		deg[a.from]++
		deg[a.to]++
	}
	g := &graph{start: make([]int32, n+1)}
	for u := range n {
		g.start[u+1] = g.start[u] + deg[u]
	}
	m := 2 * len(arcs)
	g.to, g.rev = make([]int32, m), make([]int32, m)
	g.cap, g.cost = make([]int32, m), make([]int64, m)
	pos := make([]int32, n)
	copy(pos, g.start[:n])
	for _, a := range arcs {
		i, j := pos[a.from], pos[a.to]
		pos[a.from]++
		pos[a.to]++
		g.to[i], g.rev[i], g.cap[i], g.cost[i] = a.to, j, a.cap, a.cost
		g.to[j], g.rev[j], g.cap[j], g.cost[j] = a.from, i, 0, -a.cost
	}
	g.cap0 = append([]int32(nil), g.cap...)
	return g
}

// reset restores the initial capacities and starts tracking live arcs.
func (g *graph) reset() {
	copy(g.cap, g.cap0)
	n := g.numNodes()
	g.live = make([]int32, n)
	for u := range n {
		g.live[u] = g.start[u]
		for a := g.start[u]; a < g.start[u+1]; a++ {
			if g.cap[a] > 0 {
				g.swap(a, g.live[u])
				g.live[u]++
			}
		}
	}
}

// push moves one unit of flow along arc a, keeping live prefixes in order.
func (g *graph) push(a int32) {
	r := g.rev[a]
	if g.cap[r] == 0 { // r comes alive: move it to the end of its node's prefix
		v := g.to[a]
		g.swap(r, g.live[v])
		r = g.live[v]
		g.live[v]++
	}
	g.cap[r]++
	g.cap[a]--
	if g.cap[a] == 0 { // a dies: move it out of its node's prefix
		u := g.to[r]
		g.live[u]--
		g.swap(a, g.live[u])
	}
}

// swap exchanges two arcs of the same node, fixing their reverses' links.
func (g *graph) swap(i, j int32) {
	if i == j {
		return
	}
	ri, rj := g.rev[i], g.rev[j]
	g.to[i], g.to[j] = g.to[j], g.to[i]
	g.cap[i], g.cap[j] = g.cap[j], g.cap[i]
	g.cap0[i], g.cap0[j] = g.cap0[j], g.cap0[i]
	g.cost[i], g.cost[j] = g.cost[j], g.cost[i]
	g.rev[i], g.rev[j] = rj, ri
	g.rev[ri], g.rev[rj] = j, i
}

// tail is the node an arc leaves.
func (g *graph) tail(a int32) int32 { return g.to[g.rev[a]] }

// flow is the flow on a forward arc.
func (g *graph) flow(a int32) int32 { return g.cap0[a] - g.cap[a] }
