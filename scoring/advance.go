package scoring

import "fmt"

// Quota is how many entries of a pool go to the next round: Top entries, or
// Percent (e.g. 30.00 for 30%) of the pool's ranked entries, rounded down so
// that the share never exceeds the percentage.
type Quota struct {
	Top     int
	Percent Points
}

func (q Quota) seats(entries int) (int, error) {
	switch {
	case q.Top < 0 || q.Percent < 0 || q.Percent > 100_00:
		return 0, fmt.Errorf("top must be ≥ 0 and percent within [0, 100]")
	case (q.Top > 0) == (q.Percent > 0):
		return 0, fmt.Errorf("set exactly one of top and percent")
	case q.Top > 0:
		return q.Top, nil
	}
	return int(int64(q.Percent) * int64(entries) / 100_00), nil
}

// PoolAdvancement is the cut line of one pool.
type PoolAdvancement struct {
	Pool     Pool
	Entries  int      // ranked entries in the pool
	Seats    int      // the quota, in entries
	Advanced []string // certainly advance, by rank
	// Tied share a rank across the cut line: they compete for the
	// Seats − len(Advanced) remaining seats, and organizers must decide.
	Tied []string
}

// Advance applies quotas per pool to a ranking. Within a pool entries keep
// their ranking order; a group of entries sharing a rank advances whole if it
// fits within the seats, and is reported in Tied (neither included nor
// excluded) if the cut line falls inside it. pools gives each ranked entry's
// pool; quotas gives each pool's quota.
func Advance(rk Ranking, pools map[string]Pool, quotas map[Pool]Quota) ([]PoolAdvancement, error) {
	keys, byPool, err := splitPools(rk, pools)
	if err != nil {
		return nil, err
	}
	var p problems
	out := make([]PoolAdvancement, 0, len(keys))
	for _, pl := range keys {
		groups := byPool[pl]
		last := groups[len(groups)-1]
		size := last.first + len(last.entries)
		q, ok := quotas[pl]
		if !ok {
			p.add(fmt.Sprintf("quotas[%s]", pl), "required", fmt.Sprintf("pool %s has no quota", pl))
			continue
		}
		seats, err := q.seats(size)
		if err != nil {
			p.add(fmt.Sprintf("quotas[%s]", pl), "range", err.Error())
			continue
		}
		a := PoolAdvancement{Pool: pl, Entries: size, Seats: seats}
		for _, g := range groups {
			switch end := g.first + len(g.entries); {
			case end <= seats:
				a.Advanced = append(a.Advanced, g.entries...)
			case g.first < seats:
				a.Tied = append(a.Tied, g.entries...)
			}
		}
		out = append(out, a)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}
