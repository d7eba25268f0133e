// Package assign assigns experts to contest entries for online review rounds.
//
// It is pure: no I/O, no database, no clock. Solve takes a Problem (entries,
// experts, conflicts, K reviews per entry, a seed, and optionally assignments
// to keep and recusals to honour) and returns a Result that holds every hard
// rule, or an *InfeasibleError that says which entries cannot get K experts
// and why. SolvePartial, for a round that must go on anyway, assigns as many
// reviews as the rules allow (a maximum flow), spreads the shortage as evenly
// as the rules allow, keeps the best of those by the same costs, and reports
// the entries left short and why.
//
// Hard rules: every entry gets exactly K distinct experts; no expert above
// capacity; no declared conflict or recusal; an expert judges only tracks in
// their fields (no fields means any track); never an expert of the entry's own
// organization; never two experts of one organization on one entry.
//
// Within the rules Solve maximizes total affinity (Jaccard similarity of
// keywords) and then spreads the load. It is a min-cost flow over a sparse
// candidate graph, as HotCRP and OpenReview do:
//
//	entry (supply K) → [entry, org] gadget (cap 1) → expert → sink (cap capacity)
//
// Costs are integers: (1 − affinity)·1e9 per pair plus a seeded jitter below
// one load step that breaks ties. The expert → sink arc has a convex cost (the
// n-th review of an expert costs n·loadStep, loadStep = 1024), so successive
// shortest paths spread work evenly among equally good experts. Tolerance:
// balancing may give up at most (capacity+1)·1.024e-6 of affinity per
// assignment; distinct Jaccard ratios of real keyword lists differ by far more,
// so in practice the affinity is the exact optimum over the candidates.
//
// Steps: candidates per entry (all eligible experts, or the best three
// quarters of DefaultMaxCandidates by affinity plus a seeded random sample when
// pools are big); a maximum flow proves feasibility, widening entries that fall
// short to every eligible expert, or yields the diagnosis; then the min-cost
// flow (mcmf.go) from scratch. When the maximum flow falls short, the same
// rounds place units while they can: the result is a maximum flow whose
// shortage is spread as evenly as possible, of least cost for that spread.
package assign
