package assign

import (
	"context"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// verdict says why an expert in an entry's track pool may not judge it.
type verdict uint8

const (
	eligible verdict = iota
	recused
	conflicted
	ownOrg
	alreadyAssigned // kept (fixed) on this entry
	orgTaken        // a kept expert of the entry has the same organization
	full            // no capacity left
)

// walk calls fn for every expert whose fields allow e's track, in index order,
// with the reason it may not judge e (or eligible).
func (m *model) walk(e int32, fn func(x int32, v verdict)) {
	conf, excl, fixed := m.conflicted[e], m.excluded[e], m.fixed[e]
	var fixedOrgs []int32
	for _, x := range fixed {
		if o := m.expertOrg[x]; o >= 0 {
			fixedOrgs = append(fixedOrgs, o)
		}
	}
	ci, ei, fi := 0, 0, 0
	for _, x := range m.pool[m.entryTrack[e]] {
		// The lists are sorted like the pool: advance each past x.
		for ci < len(conf) && conf[ci] < x {
			ci++
		}
		for ei < len(excl) && excl[ei] < x {
			ei++
		}
		for fi < len(fixed) && fixed[fi] < x {
			fi++
		}
		org := m.expertOrg[x]
		v := eligible
		switch {
		case ei < len(excl) && excl[ei] == x:
			v = recused
		case ci < len(conf) && conf[ci] == x:
			v = conflicted
		case m.sameOrg(org, m.entryOrg[e]):
			v = ownOrg
		case fi < len(fixed) && fixed[fi] == x:
			v = alreadyAssigned
		case org >= 0 && containsOrg(fixedOrgs, org):
			v = orgTaken
		case m.free[x] <= 0:
			v = full
		}
		fn(x, v)
	}
}

func containsOrg(orgs []int32, o int32) bool {
	for _, v := range orgs {
		if v == o {
			return true
		}
	}
	return false
}

// cand is a candidate arc entry → expert.
type cand struct {
	x    int32
	cost int64 // affinityScale − scaled affinity + seeded jitter in [0, loadStep)
}

// scratch is per-worker memory for candidate selection.
type scratch struct {
	all      []cand
	orgStamp []int32
}

// candidates returns e's candidate experts, at most limit of them unless limit
// < 0, and e's slots: how many experts it could get at most (eligible ones,
// counting each organization once).
//
// When there are more eligible experts than limit, it keeps the best three
// quarters by cost and a seeded random sample of the rest. The sample keeps the
// candidate graph well connected (a random bipartite graph of that degree has
// a full assignment when the whole graph does, almost surely), and Solve widens
// any entry that still fails.
func (m *model) candidates(e int32, limit int, sc *scratch) (cs []cand, slots int) {
	stamp := e + 1
	sc.all = sc.all[:0]
	kw := m.entryKW[e]
	m.walk(e, func(x int32, v verdict) {
		if v != eligible {
			return
		}
		if o := m.expertOrg[x]; o < 0 {
			slots++
		} else if sc.orgStamp[o] != stamp {
			sc.orgStamp[o] = stamp
			slots++
		}
		cost := affinityScale - scaledAffinity(kw, m.expertKW[x]) + m.jitter(e, x)
		sc.all = append(sc.all, cand{x, cost})
	})
	all := sc.all
	if limit < 0 || len(all) <= limit {
		return append([]cand(nil), all...), slots
	}
	top := max(limit-limit/4, m.k)
	selectSmallest(all, top)
	rest := all[top:]
	rnd := min(limit-top, len(rest))
	rng := rand.New(rand.NewPCG(m.seed, m.entryHash[e]))
	for i := range rnd { // partial Fisher–Yates
		j := i + rng.IntN(len(rest)-i)
		rest[i], rest[j] = rest[j], rest[i]
	}
	return append([]cand(nil), all[:top+rnd]...), slots
}

// jitter is a seeded pseudo-random tie-breaker, smaller than one load step, so
// it orders only pairs equal in affinity and load.
func (m *model) jitter(e, x int32) int64 {
	return int64(mix64(m.entryHash[e]^m.expertHash[x]) % loadStep)
}

// selectSmallest reorders c so that its k cheapest elements (ties by expert)
// come first, in O(len(c)) expected time (quickselect, deterministic pivots).
func selectSmallest(c []cand, k int) {
	less := func(a, b cand) bool { return a.cost < b.cost || (a.cost == b.cost && a.x < b.x) }
	lo, hi := 0, len(c)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		// median of three into c[hi] as pivot
		if less(c[mid], c[lo]) {
			c[mid], c[lo] = c[lo], c[mid]
		}
		if less(c[hi], c[lo]) {
			c[hi], c[lo] = c[lo], c[hi]
		}
		if less(c[mid], c[hi]) {
			c[mid], c[hi] = c[hi], c[mid]
		}
		p := c[hi]
		i := lo
		for j := lo; j < hi; j++ {
			if less(c[j], p) {
				c[i], c[j] = c[j], c[i]
				i++
			}
		}
		c[i], c[hi] = c[hi], c[i]
		switch {
		case i == k || i == k-1:
			return
		case i < k:
			lo = i + 1
		default:
			hi = i - 1
		}
	}
}

// fillCandidates computes candidates for the entries where todo is true (all
// when todo is nil), in parallel; each entry's result depends only on the
// seed, so it is deterministic.
func (m *model) fillCandidates(ctx context.Context, limit int, todo []bool, cands [][]cand, slots []int32) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	const chunk = 64
	workers := runtime.GOMAXPROCS(0)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := &scratch{orgStamp: make([]int32, m.numOrgs)}
			for ctx.Err() == nil {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(m.entries) {
					return
				}
				for e := lo; e < min(lo+chunk, len(m.entries)); e++ {
					if m.need[e] <= 0 || (todo != nil && !todo[e]) {
						continue
					}
					l := limit
					if todo != nil {
						l = -1
					}
					c, s := m.candidates(int32(e), l, sc)
					cands[e], slots[e] = c, int32(s)
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
