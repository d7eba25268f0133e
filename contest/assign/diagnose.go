package assign

import (
	"fmt"
	"slices"
	"strings"
)

// shortfall explains why entry e cannot get its experts, counting every expert
// of its track pool by the first rule that rules it out.
func (m *model) shortfall(e int32, slots int) Shortfall {
	var count [full + 1]int
	m.walk(e, func(_ int32, v verdict) { count[v]++ })
	t := m.entryTrack[e]
	var b strings.Builder
	fmt.Fprintf(&b, "track %s: %d experts with the field", m.trackName[t], len(m.withField[t]))
	if m.fieldless > 0 {
		fmt.Fprintf(&b, ", %d with no fields", m.fieldless)
	}
	for _, r := range []struct {
		v    verdict
		what string
	}{
		{recused, "recused"},
		{conflicted, "conflicted"},
		{ownOrg, "of the entry's own organization"},
		{alreadyAssigned, "already assigned"},
		{orgTaken, "of an assigned expert's organization"},
		{full, "at capacity"},
	} {
		if count[r.v] > 0 {
			fmt.Fprintf(&b, ", %d %s", count[r.v], r.what)
		}
	}
	if slots < count[eligible] {
		fmt.Fprintf(&b, "; the %d eligible come from only %d organizations", count[eligible], slots)
	}
	return Shortfall{
		Entry:    m.entries[e].ID,
		Track:    m.entries[e].Track,
		Need:     int(m.need[e]),
		Eligible: slots,
		Reason:   b.String(),
		Pool: Pool{
			WithField: len(m.withField[t]), Fieldless: m.fieldless,
			Recused: count[recused], Conflicted: count[conflicted], OwnOrg: count[ownOrg],
			AlreadyAssigned: count[alreadyAssigned], OrgTaken: count[orgTaken], Full: count[full],
			Eligible: count[eligible],
		},
	}
}

// groups explains a maximum flow that falls short although each entry alone
// could be served. The nodes reachable from the source in the residual graph
// form a cut: every expert there is full, and no more flow can enter their
// entries. Each connected part of that set with unmet need is one Group.
func (m *model) groups(nw *network) []Group {
	g := nw.g
	inR := reachable(g, nw.s)
	// Union-find over reachable entries and experts, joined by candidate arcs.
	parent := make([]int32, g.numNodes())
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(v int32) int32 {
		for parent[v] != v {
			parent[v] = parent[parent[v]]
			v = parent[v]
		}
		return v
	}
	union := func(a, b int32) { parent[find(a)] = find(b) }
	for e := int32(0); e < int32(nw.n); e++ {
		if !inR[e] {
			continue
		}
		for a := g.start[e]; a < g.start[e+1]; a++ {
			if v := g.to[a]; v != nw.s && inR[v] {
				union(e, v)
				if nw.isGadget(v) {
					for b := g.start[v]; b < g.start[v+1]; b++ {
						if w := g.to[b]; inR[w] {
							union(v, w)
						}
					}
				}
			}
		}
	}
	byRoot := map[int32]*Group{}
	var roots []int32
	groupOf := func(v int32) *Group {
		r := find(v)
		gr, ok := byRoot[r]
		if !ok {
			gr = &Group{}
			byRoot[r] = gr
			roots = append(roots, r)
		}
		return gr
	}
	// The source's arc to entry e carries the flow e got.
	for a := g.start[nw.s]; a < g.start[nw.s+1]; a++ {
		e := g.to[a]
		if !inR[e] {
			continue
		}
		gr := groupOf(e)
		gr.Entries = append(gr.Entries, m.entries[e].ID)
		gr.Tracks = append(gr.Tracks, m.entries[e].Track)
		gr.Need += int(g.cap0[a])
		gr.Available += int(g.flow(a))
	}
	for x := range m.experts {
		if v := m.expertNode(int32(x)); inR[v] {
			gr := groupOf(v)
			gr.Experts = append(gr.Experts, m.experts[x].ID)
		}
	}
	var out []Group
	for _, r := range roots {
		gr := byRoot[r]
		if gr.Need <= gr.Available {
			continue
		}
		slices.Sort(gr.Entries)
		slices.Sort(gr.Experts)
		slices.Sort(gr.Tracks)
		gr.Tracks = slices.Compact(gr.Tracks)
		out = append(out, *gr)
	}
	slices.SortFunc(out, func(a, b Group) int { return strings.Compare(a.Entries[0], b.Entries[0]) })
	return out
}
