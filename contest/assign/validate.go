package assign

import (
	"fmt"
	"slices"
)

// maxCount bounds K and capacities so that flows fit in int32 arithmetic.
const maxCount = 1 << 24

// ValidateProblem checks the input without solving. It returns an
// *InvalidError listing every issue, or nil. Solve calls it first.
func ValidateProblem(p Problem) error {
	var issues []Issue
	add := func(field, format string, args ...any) {
		issues = append(issues, Issue{field, fmt.Sprintf(format, args...)})
	}
	if p.PerEntry < 1 || p.PerEntry > maxCount {
		add("perEntry", "must be between 1 and %d, got %d", maxCount, p.PerEntry)
	}
	entries := make(map[string]int, len(p.Entries))
	for i, e := range p.Entries {
		if e.ID == "" {
			add(fmt.Sprintf("entries[%d].id", i), "is empty")
		} else if j, dup := entries[e.ID]; dup {
			add(fmt.Sprintf("entries[%d].id", i), "duplicates entries[%d] (%q)", j, e.ID)
		} else {
			entries[e.ID] = i
		}
	}
	experts := make(map[string]int, len(p.Experts))
	for i, x := range p.Experts {
		if x.ID == "" {
			add(fmt.Sprintf("experts[%d].id", i), "is empty")
		} else if j, dup := experts[x.ID]; dup {
			add(fmt.Sprintf("experts[%d].id", i), "duplicates experts[%d] (%q)", j, x.ID)
		} else {
			experts[x.ID] = i
		}
		if x.Capacity < 0 || x.Capacity > maxCount {
			add(fmt.Sprintf("experts[%d].capacity", i), "must be between 0 and %d, got %d", maxCount, x.Capacity)
		}
	}
	checkRefs := func(list string, i int, expert, entry string) bool {
		ok := true
		if _, found := experts[expert]; !found {
			add(fmt.Sprintf("%s[%d].expert", list, i), "unknown expert %q", expert)
			ok = false
		}
		if _, found := entries[entry]; !found {
			add(fmt.Sprintf("%s[%d].entry", list, i), "unknown entry %q", entry)
			ok = false
		}
		return ok
	}
	banned := make(map[Pair]bool, len(p.Conflicts)+len(p.Excluded))
	for i, c := range p.Conflicts {
		checkRefs("conflicts", i, c.Expert, c.Entry)
		banned[Pair{c.Entry, c.Expert}] = true
	}
	for i, c := range p.Excluded {
		checkRefs("excluded", i, c.Expert, c.Entry)
		banned[Pair{c.Entry, c.Expert}] = true
	}

	// Kept fixed pairs must satisfy every rule that releasing cannot fix.
	seen := make(map[Pair]int, len(p.Fixed))
	perEntry := map[string]int{}
	perExpert := map[string]int{}
	orgOnEntry := map[[2]string]string{} // (entry, org) → expert
	for i, f := range p.Fixed {
		field := fmt.Sprintf("fixed[%d]", i)
		if !checkRefs("fixed", i, f.Expert, f.Entry) {
			continue
		}
		if j, dup := seen[f]; dup {
			add(field, "duplicates fixed[%d] (%s, %s)", j, f.Entry, f.Expert)
			continue
		}
		seen[f] = i
		e, x := p.Entries[entries[f.Entry]], p.Experts[experts[f.Expert]]
		org := NormalizeOrg(x.Org)
		if banned[f] || (org != "" && org == NormalizeOrg(e.Org)) {
			continue // released, not an error
		}
		if !fieldAllows(x.Fields, e.Track) {
			add(field, "expert %s has no field for track %q of entry %s", x.ID, e.Track, e.ID)
		}
		if org != "" {
			key := [2]string{e.ID, org}
			if other, dup := orgOnEntry[key]; dup {
				add(field, "experts %s and %s on entry %s are of the same organization", other, x.ID, e.ID)
			}
			orgOnEntry[key] = x.ID
		}
		perEntry[e.ID]++
		if perEntry[e.ID] == p.PerEntry+1 && p.PerEntry >= 1 {
			add(field, "entry %s has more than %d fixed experts", e.ID, p.PerEntry)
		}
		perExpert[x.ID]++
		if perExpert[x.ID] == x.Capacity+1 && x.Capacity >= 0 {
			add(field, "expert %s has more fixed entries than capacity %d", x.ID, x.Capacity)
		}
	}
	if len(issues) > 0 {
		return &InvalidError{Issues: issues}
	}
	return nil
}

// fieldAllows reports whether an expert with these fields may judge track.
func fieldAllows(fields []string, track string) bool {
	folded := make([]string, 0, len(fields))
	for _, f := range fields {
		if f = fold(f); f != "" {
			folded = append(folded, f)
		}
	}
	return len(folded) == 0 || slices.Contains(folded, fold(track))
}
