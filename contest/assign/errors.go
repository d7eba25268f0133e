package assign

import (
	"fmt"
	"strings"
)

// Issue is one problem with the input, Field naming where (e.g. "experts[3].capacity").
type Issue struct {
	Field   string
	Message string
}

// InvalidError reports malformed input: nothing was assigned.
type InvalidError struct{ Issues []Issue }

func (e *InvalidError) Error() string {
	var b strings.Builder
	b.WriteString("invalid assignment problem:")
	for _, is := range e.Issues {
		fmt.Fprintf(&b, "\n  %s: %s", is.Field, is.Message)
	}
	return b.String()
}

// Shortfall is an entry that cannot get K experts whatever the others get.
type Shortfall struct {
	Entry    string
	Track    string
	Need     int    // experts still to find (K minus kept ones)
	Eligible int    // experts it could get: eligible, at most one per organization
	Reason   string // e.g. "track 新材料: 5 experts with the field, 2 conflicted"
	Pool     Pool   // the same reason as numbers, for a reader in another language
}

// Pool counts the experts of an entry's track by the first rule that rules
// each one out: the numbers behind Shortfall.Reason.
type Pool struct {
	WithField       int // experts listing the entry's track
	Fieldless       int // experts with no fields (they judge any track)
	Recused         int
	Conflicted      int
	OwnOrg          int // of the entry's own organization
	AlreadyAssigned int // kept on this entry already
	OrgTaken        int // of the organization of an expert kept on the entry
	Full            int // no capacity left
	Eligible        int // left over (Shortfall.Eligible counts their organizations once each)
}

// Group is a set of entries that could each be served alone but not all
// together: the experts eligible for them run out of capacity.
type Group struct {
	Entries   []string // sorted
	Experts   []string // the eligible experts they could still turn to, all full; sorted
	Tracks    []string // tracks of the entries, sorted
	Need      int      // experts the entries still need
	Available int      // most that can be placed (a maximum flow)
}

// InfeasibleError says exactly why no assignment meets every hard rule.
type InfeasibleError struct {
	Global     string // e.g. "capacity: total capacity 480 < 500 needed"; may be empty
	Capacity   int    // with Global: the experts' total capacity left …
	Needed     int    // … and the reviews still needed
	Shortfalls []Shortfall
	Groups     []Group
}

func (e *InfeasibleError) Error() string {
	var b strings.Builder
	b.WriteString("assignment infeasible")
	if e.Global != "" {
		fmt.Fprintf(&b, "\n  %s", e.Global)
	}
	for _, s := range e.Shortfalls {
		fmt.Fprintf(&b, "\n  entry %s: needs %d experts, only %d eligible (%s)", s.Entry, s.Need, s.Eligible, s.Reason)
	}
	for _, g := range e.Groups {
		fmt.Fprintf(&b, "\n  entries %s (track %s) need %d experts together but at most %d can be placed: the %d experts they could still turn to (%s) are full",
			listSome(g.Entries, 8), strings.Join(g.Tracks, ", "), g.Need, g.Available, len(g.Experts), listSome(g.Experts, 8))
	}
	return b.String()
}

// listSome joins up to n ids and says how many more there are.
func listSome(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:n], ", "), len(ids)-n)
}
