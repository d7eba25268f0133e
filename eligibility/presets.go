package eligibility

import (
	"fmt"
	"slices"
	"strings"

	"podium/fault"
)

// NationalRevenueLimit is the national contest's limit on prior-year revenue:
// ¥200 million (exactly that much is allowed).
const NationalRevenueLimit int64 = 200_000_000

// Preset is a shipped rule set, named and versioned by the year of the
// contest whose published rules it encodes.
type Preset struct {
	ID   string // "national-2026"
	Name string // catalog key of its name, e.g. "elig.preset.national" (the year is its argument)
	Year int
	Set  RuleSet
}

// National is the rule set of the national 中国创新创业大赛 of year: every rule
// enabled, the ¥200 million revenue limit, the reference year that year.
// The organizer names the startup and growth groups among the contest's own.
func National(year int) Preset {
	return Preset{ID: fmt.Sprintf("national-%d", year), Name: "elig.preset.national", Year: year, Set: RuleSet{
		Preset: fmt.Sprintf("national-%d", year), ReferenceYear: year,
		Rules: []Rule{
			{Kind: NotListed, Enabled: true},
			{Kind: RevenueLimit, Enabled: true, MaxRevenue: NationalRevenueLimit},
			{Kind: GroupByEstablishment, Enabled: true},
			{Kind: GrowthCertificate, Enabled: true},
			{Kind: NoPriorTop3, Enabled: true},
		},
	}}
}

// PresetYears are the years of the national contest whose rules ship.
var PresetYears = []int{2025, 2026, 2027}

// Presets lists the shipped rule sets, newest first.
func Presets() []Preset {
	var out []Preset
	for _, y := range slices.Backward(PresetYears) {
		out = append(out, National(y))
	}
	return out
}

// PresetByID finds a shipped rule set.
func PresetByID(id string) (Preset, bool) {
	for _, p := range Presets() {
		if p.ID == id {
			return p, true
		}
	}
	return Preset{}, false
}

// Normalize puts every kind of rule in the set once, in the order of Kinds:
// a kind the set lacks is added disabled, and a disabled revenue rule without
// a limit gets the national one, so that an organizer's page can offer each.
func (s *RuleSet) Normalize() {
	rules := make([]Rule, 0, len(Kinds))
	for _, k := range Kinds {
		r, ok := s.Rule(k)
		if !ok {
			r = Rule{Kind: k}
		}
		if k == RevenueLimit && r.MaxRevenue == 0 && !r.Enabled {
			r.MaxRevenue = NationalRevenueLimit
		}
		rules = append(rules, r)
	}
	s.Rules = rules
	s.StartupGroup, s.GrowthGroup = strings.TrimSpace(s.StartupGroup), strings.TrimSpace(s.GrowthGroup)
}

// Validate checks a set against the contest's group keys: known kinds, each
// once; a revenue limit of at least one yuan; a plausible reference year;
// the startup and growth groups both set or both empty, distinct, and the
// contest's, and set when an enabled rule needs them. Field paths:
// preset, reference_year, startup_group, growth_group, rules[i].kind,
// rules[i].max_revenue.
func Validate(s RuleSet, groups []string) error {
	p := fault.Problems{}
	if s.Preset != "" {
		if _, ok := PresetByID(s.Preset); !ok {
			p.Add("preset", "err.elig.preset")
		}
	}
	if s.ReferenceYear != 0 && (s.ReferenceYear < 2000 || s.ReferenceYear > 2100) {
		p.Add("reference_year", "err.elig.reference_year")
	}
	seen := map[Kind]bool{}
	needGroups := false
	for i, r := range s.Rules {
		if !r.Kind.Known() || seen[r.Kind] {
			p.Add(fmt.Sprintf("rules[%d].kind", i), "err.elig.kind")
			continue
		}
		seen[r.Kind] = true
		if r.Kind == RevenueLimit && (r.MaxRevenue < 1 || r.MaxRevenue > MaxMoney) {
			p.Add(fmt.Sprintf("rules[%d].max_revenue", i), "err.elig.max_revenue")
		}
		needGroups = needGroups || r.Enabled && r.Kind.UsesGroups()
	}
	for _, g := range []struct{ field, key string }{{"startup_group", s.StartupGroup}, {"growth_group", s.GrowthGroup}} {
		switch {
		case g.key == "" && (needGroups || s.StartupGroup != "" || s.GrowthGroup != ""):
			p.Add(g.field, "err.elig.group_required")
		case g.key != "" && !slices.Contains(groups, g.key):
			p.Add(g.field, "err.elig.group_unknown")
		}
	}
	if s.StartupGroup != "" && s.StartupGroup == s.GrowthGroup {
		p.Add("growth_group", "err.elig.group_same")
	}
	return p.Err()
}
