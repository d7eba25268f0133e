package assign

// network is the flow graph of one run. Nodes: entries [0,n), experts
// [n,n+nx), [entry, organization] gadgets, then source s and sink t.
type network struct {
	g     *graph
	n, nx int // entries, experts
	s, t  int32
}

func (m *model) expertNode(x int32) int32 { return int32(len(m.entries)) + x }

// build makes the network for the candidate lists. supply[e] units leave the
// source to entry e. Candidates of one organization share a gadget node with
// a unit arc from the entry, so at most one of them reviews the entry; an
// organization with a single candidate needs no gadget.
func (m *model) build(cands [][]cand, supply []int32) *network {
	n, nx := len(m.entries), len(m.experts)
	next := int32(n + nx) // next free node id (gadgets)
	var arcs []arcSpec
	total := 0
	for _, c := range cands {
		total += len(c)
	}
	arcs = make([]arcSpec, 0, total+n+nx+n)
	orgCount := make([]int32, m.numOrgs)
	orgNode := make([]int32, m.numOrgs)
	var sources []arcSpec
	for e := range n {
		if supply[e] <= 0 {
			continue
		}
		sources = append(sources, arcSpec{from: -1, to: int32(e), cap: supply[e]})
		for _, c := range cands[e] {
			if o := m.expertOrg[c.x]; o >= 0 {
				orgCount[o]++
				orgNode[o] = -1
			}
		}
		for _, c := range cands[e] {
			from := int32(e)
			if o := m.expertOrg[c.x]; o >= 0 && orgCount[o] > 1 {
				if orgNode[o] < 0 {
					orgNode[o] = next
					next++
					arcs = append(arcs, arcSpec{from: int32(e), to: orgNode[o], cap: 1})
				}
				from = orgNode[o]
			}
			arcs = append(arcs, arcSpec{from: from, to: m.expertNode(c.x), cap: 1, cost: c.cost})
		}
		for _, c := range cands[e] {
			if o := m.expertOrg[c.x]; o >= 0 {
				orgCount[o] = 0
			}
		}
	}
	s, t := next, next+1
	for _, a := range sources {
		a.from = s
		arcs = append(arcs, a)
	}
	for x := range nx {
		if m.free[x] > 0 {
			arcs = append(arcs, arcSpec{from: m.expertNode(int32(x)), to: t, cap: m.free[x]})
		}
	}
	return &network{g: newGraph(int(t)+1, arcs), n: n, nx: nx, s: s, t: t}
}

// isGadget reports whether node v is an [entry, organization] gadget.
func (nw *network) isGadget(v int32) bool { return v >= int32(nw.n+nw.nx) && v < nw.s }

// pairs calls fn for every (entry, expert) pair carrying flow.
func (nw *network) pairs(fn func(e, x int32)) {
	g := nw.g
	for e := int32(0); e < int32(nw.n); e++ {
		for a := g.start[e]; a < g.start[e+1]; a++ {
			if g.cap0[a] == 0 || g.cap[a] != 0 {
				continue // a reverse arc, or no flow
			}
			v := g.to[a]
			if !nw.isGadget(v) {
				fn(e, v-int32(nw.n))
				continue
			}
			for b := g.start[v]; b < g.start[v+1]; b++ {
				if g.cap0[b] > 0 && g.cap[b] == 0 {
					fn(e, g.to[b]-int32(nw.n))
				}
			}
		}
	}
}
