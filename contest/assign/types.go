package assign

// Entry is one contest entry to be reviewed.
type Entry struct {
	ID       string
	Track    string   // matched against experts' Fields after folding
	Org      string   // raw organization name; compared through NormalizeOrg
	Keywords []string // compared after folding
}

// Expert is one reviewer.
type Expert struct {
	ID       string
	Org      string
	Fields   []string // tracks the expert may judge; none means any track
	Keywords []string
	Capacity int // most entries the expert may review, kept ones included
}

// Conflict says Expert must not review Entry (declared conflict, or recusal).
type Conflict struct{ Expert, Entry string }

// Pair is one assignment of an expert to an entry.
type Pair struct{ Entry, Expert string }

// Problem is one assignment run.
type Problem struct {
	Entries   []Entry
	Experts   []Expert
	Conflicts []Conflict
	PerEntry  int   // K: experts per entry
	Seed      int64 // breaks ties and drives sampling; same seed, same result

	// Incremental use: Fixed pairs are kept as they are and only the gap up to
	// K is filled. A Fixed pair that is also Excluded (a recusal) or in
	// conflict (declared, or same organization) is released instead and its
	// expert is never put back on that entry. Other broken rules in Fixed
	// (wrong field, over capacity, more than K) are an *InvalidError.
	Fixed    []Pair
	Excluded []Conflict

	// MaxCandidates bounds the candidate experts kept per entry before the
	// flow runs (0 means DefaultMaxCandidates; negative keeps every eligible
	// expert). Entries that turn out infeasible are widened to all eligible
	// experts automatically, so this trades only affinity, never feasibility.
	MaxCandidates int
}

// DefaultMaxCandidates is the per-entry candidate bound when
// Problem.MaxCandidates is 0: three quarters best by affinity, the rest a
// seeded random sample of the other eligible experts.
const DefaultMaxCandidates = 64

// Result is an assignment: complete from Solve; from SolvePartial, as complete
// as the rules allow, with what is missing.
type Result struct {
	Pairs         []Pair         // every assignment, kept ones included, sorted by entry then expert
	Added         []Pair         // the assignments this run made, sorted
	Released      []Pair         // Fixed pairs dropped because excluded or conflicted, sorted
	TotalAffinity float64        // sum of affinities over Pairs
	Loads         map[string]int // expert ID → entries assigned (every expert, zeros too)
	MinLoad       int            // over all experts
	MaxLoad       int

	// SolvePartial only, when not every entry got K experts: the entries short
	// of experts (sorted by entry) and why.
	Unfilled []Unfilled
	Short    *InfeasibleError
}

// Unfilled is an entry that got fewer than K experts.
type Unfilled struct {
	Entry   string
	Missing int // K minus the experts it has
}
