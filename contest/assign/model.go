package assign

import (
	"cmp"
	"slices"
)

// model is a validated Problem in index form. Entries and experts are sorted by
// ID so the result does not depend on input order, only on the seed.
type model struct {
	k       int
	seed    uint64
	entries []Entry
	experts []Expert

	entryOrg, expertOrg []int32 // interned NormalizeOrg; -1 = unknown, matches nothing
	numOrgs             int
	entryTrack          []int32 // interned folded track
	trackName           []string
	entryKW, expertKW   [][]int32

	withField [][]int32 // per track: experts listing the track, sorted
	fieldless int       // experts with no fields (eligible for every track)
	pool      [][]int32 // per track: withField ∪ fieldless experts, sorted

	conflicted, excluded [][]int32 // per entry: sorted expert indices
	fixed                [][]int32 // per entry: kept experts
	released             []Pair

	need  []int32 // per entry: experts still to find
	load0 []int32 // per expert: kept assignments
	free  []int32 // per expert: capacity left

	entryHash, expertHash []uint64
}

func newModel(p Problem) *model {
	m := &model{k: p.PerEntry, seed: uint64(p.Seed)}
	m.entries = slices.Clone(p.Entries)
	slices.SortFunc(m.entries, func(a, b Entry) int { return cmp.Compare(a.ID, b.ID) })
	m.experts = slices.Clone(p.Experts)
	slices.SortFunc(m.experts, func(a, b Expert) int { return cmp.Compare(a.ID, b.ID) })
	n, nx := len(m.entries), len(m.experts)

	entryIdx := make(map[string]int32, n)
	expertIdx := make(map[string]int32, nx)
	orgs := map[string]int32{}
	orgID := func(raw string) int32 {
		key := NormalizeOrg(raw)
		if key == "" {
			return -1
		}
		id, ok := orgs[key]
		if !ok {
			id = int32(len(orgs))
			orgs[key] = id
		}
		return id
	}
	words := newVocab()
	tracks := map[string]int32{}

	m.entryOrg, m.entryTrack = make([]int32, n), make([]int32, n)
	m.entryKW, m.entryHash = make([][]int32, n), make([]uint64, n)
	for i, e := range m.entries {
		entryIdx[e.ID] = int32(i)
		m.entryOrg[i] = orgID(e.Org)
		t, ok := tracks[fold(e.Track)]
		if !ok {
			t = int32(len(tracks))
			tracks[fold(e.Track)] = t
			m.trackName = append(m.trackName, e.Track)
		}
		m.entryTrack[i] = t
		m.entryKW[i] = words.ids(e.Keywords)
		m.entryHash[i] = hashID(m.seed, e.ID)
	}

	m.withField = make([][]int32, len(tracks))
	m.pool = make([][]int32, len(tracks))
	m.expertOrg, m.expertKW = make([]int32, nx), make([][]int32, nx)
	m.expertHash = make([]uint64, nx)
	m.load0, m.free = make([]int32, nx), make([]int32, nx)
	for i, x := range m.experts {
		expertIdx[x.ID] = int32(i)
		m.expertOrg[i] = orgID(x.Org)
		m.expertKW[i] = words.ids(x.Keywords)
		m.expertHash[i] = hashID(m.seed^0x9e3779b97f4a7c15, x.ID)
		var ts []int32
		for _, f := range x.Fields {
			if f = fold(f); f != "" {
				ts = append(ts, -1) // a field, maybe of no entry's track
				if t, ok := tracks[f]; ok {
					ts[len(ts)-1] = t
				}
			}
		}
		if len(ts) == 0 {
			m.fieldless++
			for t := range m.pool {
				m.pool[t] = append(m.pool[t], int32(i))
			}
			continue
		}
		slices.Sort(ts)
		for _, t := range slices.Compact(ts) {
			if t >= 0 {
				m.withField[t] = append(m.withField[t], int32(i))
				m.pool[t] = append(m.pool[t], int32(i))
			}
		}
	}
	m.numOrgs = len(orgs)

	m.conflicted, m.excluded = make([][]int32, n), make([][]int32, n)
	for _, c := range p.Conflicts {
		e := entryIdx[c.Entry]
		m.conflicted[e] = append(m.conflicted[e], expertIdx[c.Expert])
	}
	for _, c := range p.Excluded {
		e := entryIdx[c.Entry]
		m.excluded[e] = append(m.excluded[e], expertIdx[c.Expert])
	}
	for e := range n {
		slices.Sort(m.conflicted[e])
		m.conflicted[e] = slices.Compact(m.conflicted[e])
		slices.Sort(m.excluded[e])
		m.excluded[e] = slices.Compact(m.excluded[e])
	}

	m.fixed = make([][]int32, n)
	for _, f := range p.Fixed {
		e, x := entryIdx[f.Entry], expertIdx[f.Expert]
		if slices.Contains(m.fixed[e], x) {
			continue
		}
		if has(m.conflicted[e], x) || has(m.excluded[e], x) || m.sameOrg(m.entryOrg[e], m.expertOrg[x]) {
			m.released = append(m.released, f)
			continue
		}
		m.fixed[e] = append(m.fixed[e], x)
		m.load0[x]++
	}
	sortPairs(m.released)
	m.need = make([]int32, n)
	for e := range n {
		slices.Sort(m.fixed[e])
		m.need[e] = int32(m.k - len(m.fixed[e]))
	}
	for x := range nx {
		m.free[x] = int32(m.experts[x].Capacity) - m.load0[x]
	}
	return m
}

func (m *model) sameOrg(a, b int32) bool { return a >= 0 && a == b }

func has(sorted []int32, v int32) bool {
	_, ok := slices.BinarySearch(sorted, v)
	return ok
}

func sortPairs(ps []Pair) {
	slices.SortFunc(ps, func(a, b Pair) int {
		return cmp.Or(cmp.Compare(a.Entry, b.Entry), cmp.Compare(a.Expert, b.Expert))
	})
}

// hashID mixes a seed and an ID into 64 well-spread bits (FNV-1a, then splitmix64).
func hashID(seed uint64, id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return mix64(h ^ seed)
}

func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
