package scoring

import (
	"cmp"
	"fmt"
	"slices"
)

// Pool is where entries compete for advancement or awards: a track and a
// group. Leave Track empty for quotas that span all tracks of a group.
type Pool struct {
	Track string
	Group string
}

func (p Pool) String() string {
	if p.Track == "" {
		return p.Group
	}
	return p.Track + "/" + p.Group
}

func comparePools(a, b Pool) int {
	if c := cmp.Compare(a.Track, b.Track); c != 0 {
		return c
	}
	return cmp.Compare(a.Group, b.Group)
}

// tieGroup is a run of a pool's entries that share a rank; first is the
// 0-based position of its first entry within the pool.
type tieGroup struct {
	first   int
	entries []string
}

// splitPools divides a ranking into pools, keeping its order. Entries that
// share a rank in the ranking form one group within their pool.
func splitPools(rk Ranking, pools map[string]Pool) ([]Pool, map[Pool][]tieGroup, error) {
	var p problems
	byPool := make(map[Pool][]tieGroup)
	lastRank := make(map[Pool]int)
	size := make(map[Pool]int)
	for _, res := range rk.Entries {
		pl, ok := pools[res.Entry]
		if !ok {
			p.add(fmt.Sprintf("pools[%s]", res.Entry), "required", fmt.Sprintf("entry %q has no track and group", res.Entry))
			continue
		}
		gs := byPool[pl]
		if len(gs) > 0 && lastRank[pl] == res.Rank {
			gs[len(gs)-1].entries = append(gs[len(gs)-1].entries, res.Entry)
		} else {
			gs = append(gs, tieGroup{first: size[pl], entries: []string{res.Entry}})
		}
		byPool[pl] = gs
		lastRank[pl] = res.Rank
		size[pl]++
	}
	if err := sortedProblems(p).err(); err != nil {
		return nil, nil, err
	}
	keys := make([]Pool, 0, len(byPool))
	for pl := range byPool {
		keys = append(keys, pl)
	}
	slices.SortFunc(keys, comparePools)
	return keys, byPool, nil
}
