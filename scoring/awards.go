package scoring

import (
	"fmt"
	"slices"
)

// Prize levels, best first (一等奖, 二等奖, 三等奖, 优秀奖).
const (
	LevelFirst     = "first"
	LevelSecond    = "second"
	LevelThird     = "third"
	LevelHonorable = "honorable"
	NoAward        = "" // in AwardTie.Levels: the tie also spans the end of the prizes
)

// Level is a prize level and how many of it a pool gets.
type Level struct {
	Key   string
	Count int
}

// Award is a prize given to an entry.
type Award struct {
	Entry string
	Level string
}

// AwardTie is a group of entries sharing a rank across a prize boundary.
// None of them is given a prize; organizers decide among Levels (best first;
// NoAward when the tie also straddles the last prize). Places[i] is how many
// of the places the tie spans belong to Levels[i]: at most that many of the
// tied entries can get that level.
type AwardTie struct {
	Entries []string
	Levels  []string
	Places  []int
}

// PoolAwards is the prize list of one pool.
type PoolAwards struct {
	Pool   Pool
	Awards []Award // by rank
	Ties   []AwardTie
}

// Awards allocates prizes by rank in order of level: the first Count of
// levels[0] go to the best entries, the next to levels[1], and so on. A
// group of entries sharing a rank gets a level only if it fits wholly within
// it; otherwise it is reported in Ties. pools gives each ranked entry's pool
// (use Pool{Group: g} for quotas across tracks); quotas the levels per pool.
func Awards(rk Ranking, pools map[string]Pool, quotas map[Pool][]Level) ([]PoolAwards, error) {
	keys, byPool, err := splitPools(rk, pools)
	if err != nil {
		return nil, err
	}
	var p problems
	out := make([]PoolAwards, 0, len(keys))
	for _, pl := range keys {
		levels, ok := quotas[pl]
		if !ok {
			p.add(fmt.Sprintf("quotas[%s]", pl), "required", fmt.Sprintf("pool %s has no prize quotas", pl))
			continue
		}
		// ends[i] is the 0-based position just past level i's places.
		ends := make([]int, len(levels))
		seen := map[string]bool{}
		for i, l := range levels {
			if l.Key == "" || seen[l.Key] || l.Count < 0 {
				p.add(fmt.Sprintf("quotas[%s][%d]", pl, i), "invalid", "levels need distinct keys and counts ≥ 0")
			}
			seen[l.Key] = true
			ends[i] = l.Count
			if i > 0 {
				ends[i] += ends[i-1]
			}
		}
		// levelAt is the level index of a position, len(levels) if none.
		levelAt := func(pos int) int {
			i := 0
			for i < len(ends) && pos >= ends[i] {
				i++
			}
			return i
		}
		key := func(i int) string {
			if i == len(levels) {
				return NoAward
			}
			return levels[i].Key
		}
		pa := PoolAwards{Pool: pl}
		for _, g := range byPool[pl] {
			a, b := levelAt(g.first), levelAt(g.first+len(g.entries)-1)
			if a == b {
				if a < len(levels) {
					for _, e := range g.entries {
						pa.Awards = append(pa.Awards, Award{Entry: e, Level: key(a)})
					}
				}
				continue
			}
			t := AwardTie{Entries: slices.Clone(g.entries)}
			last := g.first + len(g.entries) // just past the tie's places
			for i := a; i <= b; i++ {
				if i == len(levels) || levels[i].Count > 0 {
					start, end := 0, last
					if i > 0 {
						start = ends[i-1]
					}
					if i < len(levels) {
						end = ends[i]
					}
					t.Levels = append(t.Levels, key(i))
					t.Places = append(t.Places, min(end, last)-max(start, g.first))
				}
			}
			pa.Ties = append(pa.Ties, t)
		}
		out = append(out, pa)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}
