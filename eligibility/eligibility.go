// Package eligibility holds the rules a higher contest sets on who may enter
// (the national 中国创新创业大赛's: not listed, revenue under a limit, the group
// that follows the registration date, certificates for the growth group, no
// earlier national top-three winner) as data: a RuleSet of rules, each a Kind
// with its parameters, enabled or not; the Facts of an organization and its
// entry; and Check, which names every rule the facts fail. It does no I/O and
// imports nothing of Podium's but fault, like scoring: the contest/entry room
// stores a contest's rule set and calls Check on submission and in review.
package eligibility

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Kind is what a rule checks. The kinds are declared here, once.
type Kind string

// Rule kinds.
const (
	// NotListed refuses an organization listed on a stock exchange.
	NotListed Kind = "not_listed"
	// RevenueLimit refuses a prior-year revenue above Rule.MaxRevenue yuan
	// (exactly the limit is allowed).
	RevenueLimit Kind = "revenue_limit"
	// GroupByEstablishment puts an organization registered on or after 1
	// January of the year before the reference year in the startup group,
	// every other in the growth group.
	GroupByEstablishment Kind = "group_by_establishment"
	// GrowthCertificate asks a growth-group entry for a technology-SME
	// registration number or a high-tech enterprise certificate number.
	GrowthCertificate Kind = "growth_certificate"
	// NoPriorTop3 refuses an organization that won a top-three place at the
	// national contest before.
	NoPriorTop3 Kind = "no_prior_top3"
)

// Kinds lists every kind, in the order pages show them.
var Kinds = []Kind{NotListed, RevenueLimit, GroupByEstablishment, GrowthCertificate, NoPriorTop3}

// Known reports whether k is one of Kinds.
func (k Kind) Known() bool { return slices.Contains(Kinds, k) }

// UsesGroups reports whether the rule needs the rule set's startup and growth groups.
func (k Kind) UsesGroups() bool { return k == GroupByEstablishment || k == GrowthCertificate }

// Rule is one rule of a set: its kind, whether it is checked, and its parameters.
type Rule struct {
	Kind    Kind `json:"kind"`
	Enabled bool `json:"enabled"`
	// MaxRevenue is RevenueLimit's limit on the prior year's revenue, in yuan.
	MaxRevenue int64 `json:"max_revenue,omitempty"`
}

// RuleSet is a contest's eligibility rules.
type RuleSet struct {
	// Preset names the shipped set it started from ("national-2026"), "" for none.
	Preset string `json:"preset"`
	// ReferenceYear is the year the "previous year" of GroupByEstablishment
	// counts from; 0 means the year of the contest's submission deadline
	// (Facts.ContestYear).
	ReferenceYear int `json:"reference_year,omitempty"`
	// StartupGroup and GrowthGroup are the keys of the contest's groups that
	// stand for 初创组 and 成长组. When both are set, the rules apply to entries
	// in these two groups only (a city contest's team group is not the national
	// contest's business); when neither is, to every entry, and the rules that
	// need them (Kind.UsesGroups) are not checked.
	StartupGroup string `json:"startup_group,omitempty"`
	GrowthGroup  string `json:"growth_group,omitempty"`
	Rules        []Rule `json:"rules"`
}

// Rule returns the set's rule of kind k.
func (s RuleSet) Rule(k Kind) (Rule, bool) {
	for _, r := range s.Rules {
		if r.Kind == k {
			return r, true
		}
	}
	return Rule{}, false
}

// Enabled reports whether any rule of the set is checked.
func (s RuleSet) Enabled() bool {
	return slices.ContainsFunc(s.Rules, func(r Rule) bool { return r.Enabled })
}

// Marshal writes the set as JSON.
func (s RuleSet) Marshal() []byte {
	b, err := json.Marshal(s)
	if err != nil { // a RuleSet holds only strings, numbers and booleans
		panic(err)
	}
	return b
}

// Unmarshal reads a set written by Marshal.
func Unmarshal(b []byte) (RuleSet, error) {
	var s RuleSet
	if err := json.Unmarshal(b, &s); err != nil {
		return RuleSet{}, fmt.Errorf("eligibility rule set: %w", err)
	}
	if s.Rules == nil {
		s.Rules = []Rule{}
	}
	return s, nil
}

// Facts are what the rules look at: the organization's declared facts and the
// entry's group. A fact not known is nil (or the zero time); a rule that needs
// it fails with a "missing" message rather than guessing.
type Facts struct {
	Group              string     // the entry's group key
	EstablishedOn      *time.Time // registration date; only the date counts
	RevenuePrevYear    *int64     // yuan
	Listed             bool
	TechSMENumber      string
	HighTechCertNumber string
	NationalTop3Before bool
	// ContestYear is the year of the contest's submission deadline: the
	// reference year when the set names none.
	ContestYear int
}

// Failure is one rule the facts fail: the rule, the fact it is about (the
// name of the profile or entry field an entrant corrects), and a catalog
// message key with its arguments.
type Failure struct {
	Rule  Kind   `json:"rule"`
	Field string `json:"field"`
	// Message is a catalog key (elig.fail.*, elig.missing.*).
	Message string   `json:"message"`
	Args    []string `json:"args,omitempty"`
	// Amounts are, for a message about money, its arguments in whole yuan
	// (Args hold them in 万元), for the reader's language to write them.
	Amounts []Yuan `json:"amounts,omitempty"`
	// Group is, for GroupByEstablishment, the key of the group the entry
	// belongs in (the message's second argument names it).
	Group string `json:"group,omitempty"`
}

// The fields failures are about.
const (
	FieldListed        = "listed"
	FieldRevenue       = "revenue_prev_year"
	FieldEstablishedOn = "established_on"
	FieldGroup         = "group"
	FieldCertificates  = "tech_sme_number"
	FieldTop3          = "national_top3_before"
)

// StartupCutoff is the first registration date of the startup group: 1
// January of the year before the reference year.
func StartupCutoff(referenceYear int) time.Time {
	return time.Date(referenceYear-1, time.January, 1, 0, 0, 0, 0, time.UTC)
}

// ReferenceYear is the year the set's "previous year" counts from.
func (s RuleSet) referenceYear(f Facts) int {
	if s.ReferenceYear != 0 {
		return s.ReferenceYear
	}
	return f.ContestYear
}

// DerivedGroup is the group key GroupByEstablishment gives an organization
// registered on day: StartupGroup on or after StartupCutoff, GrowthGroup before.
func (s RuleSet) DerivedGroup(day time.Time, f Facts) string {
	y, m, d := day.Date()
	if !time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Before(StartupCutoff(s.referenceYear(f))) {
		return s.StartupGroup
	}
	return s.GrowthGroup
}

// groupsSet reports whether the set names both groups.
func (s RuleSet) groupsSet() bool { return s.StartupGroup != "" && s.GrowthGroup != "" }

// Applies reports whether the set checks an entry of group: every group when
// the set names no startup and growth group, only those two when it does.
func (s RuleSet) Applies(group string) bool {
	return !s.groupsSet() || group == s.StartupGroup || group == s.GrowthGroup
}

// Check returns every enabled rule of the set that f fails, in the set's
// order; none when f is eligible. Disabled rules and rules of an unknown kind
// are ignored.
func Check(s RuleSet, f Facts) []Failure {
	if !s.Applies(f.Group) {
		return nil
	}
	var out []Failure
	for _, r := range s.Rules {
		if !r.Enabled {
			continue
		}
		if fail, ok := check(s, r, f); !ok {
			out = append(out, fail)
		}
	}
	return out
}

func check(s RuleSet, r Rule, f Facts) (Failure, bool) {
	fail := Failure{Rule: r.Kind}
	switch r.Kind {
	case NotListed:
		if f.Listed {
			fail.Field, fail.Message = FieldListed, "elig.fail.listed"
			return fail, false
		}
	case RevenueLimit:
		switch {
		case f.RevenuePrevYear == nil:
			fail.Field, fail.Message = FieldRevenue, "elig.missing.revenue_prev_year"
			return fail, false
		case *f.RevenuePrevYear > r.MaxRevenue:
			fail.Field, fail.Message = FieldRevenue, "elig.fail.revenue"
			fail.Args = []string{FormatWan(*f.RevenuePrevYear), FormatWan(r.MaxRevenue)}
			fail.Amounts = []Yuan{Yuan(*f.RevenuePrevYear), Yuan(r.MaxRevenue)}
			return fail, false
		}
	case GroupByEstablishment:
		if !s.groupsSet() {
			return fail, true
		}
		if f.EstablishedOn == nil {
			fail.Field, fail.Message = FieldEstablishedOn, "elig.missing.established_on"
			return fail, false
		}
		if want := s.DerivedGroup(*f.EstablishedOn, f); want != f.Group {
			fail.Field, fail.Message, fail.Group = FieldGroup, "elig.fail.group_startup", want
			if want == s.GrowthGroup {
				fail.Message = "elig.fail.group_growth"
			}
			fail.Args = []string{f.EstablishedOn.Format(time.DateOnly), want}
			return fail, false
		}
	case GrowthCertificate:
		if s.groupsSet() && f.Group == s.GrowthGroup && f.TechSMENumber == "" && f.HighTechCertNumber == "" {
			fail.Field, fail.Message = FieldCertificates, "elig.fail.certificate"
			return fail, false
		}
	case NoPriorTop3:
		if f.NationalTop3Before {
			fail.Field, fail.Message = FieldTop3, "elig.fail.top3"
			return fail, false
		}
	}
	return fail, true
}
