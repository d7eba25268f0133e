package assign

// loadStep is the cost of one more review for an expert per review already
// held: the n-th review costs n·loadStep, a convex cost that spreads load.
// It is tiny next to affinityScale, so balancing (and the seeded jitter, below
// one loadStep) gives up at most (capacity+1)·loadStep/affinityScale ≈
// capacity·1e-6 of Jaccard affinity per assignment, and in practice nothing:
// distinct Jaccard ratios of realistic keyword lists differ by far more.
const loadStep = 1024

// flowSolver is min-cost flow by successive shortest paths, one unit at a
// time, each from the entry that needs it (as the Hungarian method does).
// After each augmentation the flow is a min-cost flow for the supplies placed
// so far, so the last one is optimal. Dijkstra runs on reduced costs with node
// potentials and stops as soon as the sink is settled, so a search only touches
// the neighbourhood it needs; potentials move only for settled nodes.
//
// Arcs into the sink are convex: an expert's next review costs
// loadStep·load, where load counts the reviews it holds. Flow never leaves the
// sink, so the reverse unit arcs are never needed and a counter replaces them.
type flowSolver struct {
	g       *graph
	t       int32
	load    []int32 // per node: reviews held (experts only), kept ones included
	node    []nodeState
	touched []int32
	settled []int32
	heap    distHeap
	dead    []bool // per node: a search from it found no path, so none ever will
}

// nodeState keeps what a search reads of a node in one place: the search is
// bound by cache misses on nodes it reaches.
type nodeState struct {
	pot   int64
	dist  int64
	prev  int32 // arc by which the node was reached
	state uint8 // 0 untouched, 1 reached, 2 settled
}

func newFlowSolver(g *graph, t int32, load []int32) *flowSolver {
	return &flowSolver{g: g, t: t, load: load, node: make([]nodeState, g.numNodes()), dead: make([]bool, g.numNodes())}
}

// augment sends one unit from src to the sink along a shortest path and
// reports whether there was one; when there was none, every node the search
// reached is marked dead. All arc costs start non-negative, so zero
// potentials are valid at the start.
func (f *flowSolver) augment(src int32) bool {
	g := f.g
	f.reach(src, 0, -1)
	nodes, sink := f.node, &f.node[f.t]
	found := false
search:
	for f.heap.len() > 0 {
		d, u := f.heap.pop()
		nu := &nodes[u]
		if nu.state == 2 || d > nu.dist {
			continue // stale heap item
		}
		if u == f.t {
			found = true
			break
		}
		nu.state = 2
		f.settled = append(f.settled, u)
		pu := nu.pot
		// Only live arcs (residual capacity > 0) are scanned. The source is
		// never reached: its arcs to entries carry no flow here. Dead nodes
		// cannot reach the sink.
		for a := g.start[u]; a < g.live[u]; a++ {
			v := g.to[a]
			nv := &nodes[v]
			if nv.state == 2 || f.dead[v] {
				continue
			}
			c := g.cost[a]
			if v == f.t {
				c = loadStep * int64(f.load[u])
			}
			nd := d + c + pu - nv.pot
			if v == f.t && nd == d {
				// Nothing in the heap is shorter than d: the sink is settled.
				f.reach(v, nd, a)
				found = true
				break search
			}
			if sink.state != 0 && nd >= sink.dist {
				continue // cannot be settled before the sink
			}
			if nv.state == 0 || nd < nv.dist {
				f.reach(v, nd, a)
			}
		}
	}
	if found {
		dt := sink.dist
		for _, u := range f.settled {
			// min(d(u), d(t)) − d(t): keeps every reduced cost ≥ 0 and makes
			// those on the path 0.
			nodes[u].pot += nodes[u].dist - dt
		}
		for v := f.t; v != src; {
			a := nodes[v].prev
			u := g.tail(a)
			g.push(a)
			if v == f.t {
				f.load[u]++
			}
			v = u
		}
	}
	for _, u := range f.touched {
		if !found {
			// Nothing this search reached can reach the sink, now or after
			// any later augmentation (those paths avoid these nodes).
			f.dead[u] = true
		}
		f.node[u].state = 0
	}
	f.touched, f.settled = f.touched[:0], f.settled[:0]
	f.heap.clear()
	return found
}

func (f *flowSolver) reach(v int32, d int64, arc int32) {
	nv := &f.node[v]
	if nv.state == 0 {
		nv.state = 1
		f.touched = append(f.touched, v)
	}
	nv.dist, nv.prev = d, arc
	f.heap.push(d, v)
}

// distHeap is a binary min-heap of (distance, node), with lazy deletion.
type distHeap struct{ items []heapItem }

type heapItem struct {
	d int64
	v int32
}

func (h *distHeap) len() int { return len(h.items) }
func (h *distHeap) clear()   { h.items = h.items[:0] }

func (h *distHeap) push(d int64, v int32) {
	h.items = append(h.items, heapItem{d, v})
	it := h.items
	i := len(it) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !it[i].less(it[p]) {
			break
		}
		it[i], it[p] = it[p], it[i]
		i = p
	}
}

func (h *distHeap) pop() (int64, int32) {
	it := h.items
	top := it[0]
	last := len(it) - 1
	it[0] = it[last]
	it = it[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(it) {
			break
		}
		c := l
		if r := l + 1; r < len(it) && it[r].less(it[l]) {
			c = r
		}
		if !it[c].less(it[i]) {
			break
		}
		it[i], it[c] = it[c], it[i]
		i = c
	}
	h.items = it
	return top.d, top.v
}

// less orders by distance, then by node, highest first: equal distances pop in
// a fixed order, the sink (the highest node) before any other.
func (a heapItem) less(b heapItem) bool { return a.d < b.d || (a.d == b.d && a.v > b.v) }
