package eligibility

import (
	"reflect"
	"testing"
	"time"

	"podium/fault"
)

func day(s string) *time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func yuan(n int64) *int64 { return &n }

// national is the 2026 preset with the contest's groups named.
func national() RuleSet {
	s := National(2026).Set
	s.StartupGroup, s.GrowthGroup = "startup", "growth"
	return s
}

// eligible are the facts of a startup that passes every rule of national().
func eligible() Facts {
	return Facts{Group: "startup", EstablishedOn: day("2025-03-01"), RevenuePrevYear: yuan(5_000_000), ContestYear: 2026}
}

func TestCheckBoundaries(t *testing.T) {
	disabled := func(k Kind) RuleSet {
		s := national()
		for i := range s.Rules {
			if s.Rules[i].Kind == k {
				s.Rules[i].Enabled = false
			}
		}
		return s
	}
	cases := []struct {
		name  string
		set   RuleSet
		facts func(*Facts)
		want  []Failure
	}{
		{"eligible startup", national(), func(*Facts) {}, nil},
		{"revenue exactly 200 million accepted", national(), func(f *Facts) { f.RevenuePrevYear = yuan(200_000_000) }, nil},
		{"revenue 200,000,001 refused", national(), func(f *Facts) { f.RevenuePrevYear = yuan(200_000_001) },
			[]Failure{{Rule: RevenueLimit, Field: FieldRevenue, Message: "elig.fail.revenue", Args: []string{"20000.0001", "20000"}, Amounts: []Yuan{200_000_001, 200_000_000}}}},
		{"revenue missing says so", national(), func(f *Facts) { f.RevenuePrevYear = nil },
			[]Failure{{Rule: RevenueLimit, Field: FieldRevenue, Message: "elig.missing.revenue_prev_year"}}},
		{"established 1 January of the previous year: startup", national(), func(f *Facts) { f.EstablishedOn = day("2025-01-01") }, nil},
		{"established 31 December before it: growth", national(), func(f *Facts) { f.EstablishedOn = day("2024-12-31") },
			[]Failure{{Rule: GroupByEstablishment, Field: FieldGroup, Message: "elig.fail.group_growth", Args: []string{"2024-12-31", "growth"}, Group: "growth"}}},
		{"growth entry registered in the previous year belongs in startup", national(), func(f *Facts) {
			f.Group, f.TechSMENumber = "growth", "202544010100012345"
		}, []Failure{{Rule: GroupByEstablishment, Field: FieldGroup, Message: "elig.fail.group_startup", Args: []string{"2025-03-01", "startup"}, Group: "startup"}}},
		{"growth entry on 31 December with a tech-SME number", national(), func(f *Facts) {
			f.Group, f.EstablishedOn, f.TechSMENumber = "growth", day("2024-12-31"), "202544010100012345"
		}, nil},
		{"growth entry with a high-tech certificate", national(), func(f *Facts) {
			f.Group, f.EstablishedOn, f.HighTechCertNumber = "growth", day("2010-05-05"), "GR202344001234"
		}, nil},
		{"growth entry without either number refused", national(), func(f *Facts) {
			f.Group, f.EstablishedOn = "growth", day("2010-05-05")
		}, []Failure{{Rule: GrowthCertificate, Field: FieldCertificates, Message: "elig.fail.certificate"}}},
		{"establishment missing says so", national(), func(f *Facts) { f.EstablishedOn = nil },
			[]Failure{{Rule: GroupByEstablishment, Field: FieldEstablishedOn, Message: "elig.missing.established_on"}}},
		{"listed refused", national(), func(f *Facts) { f.Listed = true },
			[]Failure{{Rule: NotListed, Field: FieldListed, Message: "elig.fail.listed"}}},
		{"prior top three refused", national(), func(f *Facts) { f.NationalTop3Before = true },
			[]Failure{{Rule: NoPriorTop3, Field: FieldTop3, Message: "elig.fail.top3"}}},
		{"disabled listing rule ignored", disabled(NotListed), func(f *Facts) { f.Listed = true }, nil},
		{"disabled revenue rule ignored", disabled(RevenueLimit), func(f *Facts) { f.RevenuePrevYear = yuan(900_000_000) }, nil},
		{"disabled top-three rule ignored", disabled(NoPriorTop3), func(f *Facts) { f.NationalTop3Before = true }, nil},
		{"disabled group rule ignored", disabled(GroupByEstablishment), func(f *Facts) { f.EstablishedOn = day("2001-01-01") }, nil},
		{"disabled certificate rule ignored", disabled(GrowthCertificate), func(f *Facts) {
			f.Group, f.EstablishedOn = "growth", day("2010-05-05")
		}, nil},
		{"another group (a team group) is not checked", national(), func(f *Facts) { f.Group, f.Listed, f.RevenuePrevYear = "team", true, nil }, nil},
		{"no groups named: every entry checked, group rules skipped", func() RuleSet { s := National(2026).Set; return s }(),
			func(f *Facts) { f.Group, f.EstablishedOn, f.Listed = "team", nil, true },
			[]Failure{{Rule: NotListed, Field: FieldListed, Message: "elig.fail.listed"}}},
		{"reference year from the contest's deadline", func() RuleSet { s := national(); s.ReferenceYear = 0; return s }(),
			func(f *Facts) { f.ContestYear, f.EstablishedOn = 2027, day("2025-03-01") },
			[]Failure{{Rule: GroupByEstablishment, Field: FieldGroup, Message: "elig.fail.group_growth", Args: []string{"2025-03-01", "growth"}, Group: "growth"}}},
		{"several failures in the set's order", national(), func(f *Facts) { f.Listed, f.NationalTop3Before = true, true },
			[]Failure{{Rule: NotListed, Field: FieldListed, Message: "elig.fail.listed"}, {Rule: NoPriorTop3, Field: FieldTop3, Message: "elig.fail.top3"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := eligible()
			c.facts(&f)
			if got := Check(c.set, f); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Check = %#v\nwant     %#v", got, c.want)
			}
		})
	}
}

func TestStartupCutoff(t *testing.T) {
	s := national()
	for _, c := range []struct {
		day, want string
		ref       int
	}{
		{"2025-01-01", "startup", 2026}, {"2024-12-31", "growth", 2026}, {"2026-06-30", "startup", 2026},
		{"2024-01-01", "startup", 2025}, {"2023-12-31", "growth", 2025},
	} {
		s.ReferenceYear = c.ref
		if got := s.DerivedGroup(*day(c.day), Facts{}); got != c.want {
			t.Errorf("registered %s, reference year %d: %s, want %s", c.day, c.ref, got, c.want)
		}
	}
	// Only the date counts, whatever the time of day or zone it comes in.
	s.ReferenceYear = 2026
	late := time.Date(2024, 12, 31, 23, 59, 0, 0, time.FixedZone("CST", 8*3600))
	if got := s.DerivedGroup(late, Facts{}); got != "growth" {
		t.Errorf("31 December late in the day: %s", got)
	}
}

func TestRuleSetJSONRoundTrip(t *testing.T) {
	s := national()
	s.Rules[1].MaxRevenue = 150_000_000
	s.Rules[0].Enabled = false
	back, err := Unmarshal(s.Marshal())
	if err != nil || !reflect.DeepEqual(back, s) {
		t.Fatalf("round trip: %v\n%#v\n%#v", err, back, s)
	}
	if _, err := Unmarshal([]byte(`{"rules": 3}`)); err == nil {
		t.Error("malformed JSON read")
	}
	empty, err := Unmarshal([]byte(`{}`))
	if err != nil || empty.Rules == nil || empty.Enabled() {
		t.Errorf("empty set: %#v %v", empty, err)
	}
}

func TestPresets(t *testing.T) {
	p, ok := PresetByID("national-2026")
	if !ok || p.Year != 2026 || p.Set.ReferenceYear != 2026 || len(p.Set.Rules) != len(Kinds) {
		t.Fatalf("national-2026: %#v %v", p, ok)
	}
	for _, r := range p.Set.Rules {
		if !r.Enabled {
			t.Errorf("%s disabled in the national preset", r.Kind)
		}
	}
	if r, _ := p.Set.Rule(RevenueLimit); r.MaxRevenue != 200_000_000 {
		t.Errorf("revenue limit %d", r.MaxRevenue)
	}
	if _, ok := PresetByID("national-1999"); ok {
		t.Error("unknown preset found")
	}
}

func TestValidate(t *testing.T) {
	groups := []string{"startup", "growth", "team"}
	if err := Validate(national(), groups); err != nil {
		t.Fatalf("national: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*RuleSet)
		field string
	}{
		{"no groups while group rules are on", func(s *RuleSet) { s.StartupGroup, s.GrowthGroup = "", "" }, "startup_group"},
		{"one group only", func(s *RuleSet) { s.GrowthGroup = "" }, "growth_group"},
		{"same group twice", func(s *RuleSet) { s.GrowthGroup = "startup" }, "growth_group"},
		{"not the contest's group", func(s *RuleSet) { s.StartupGroup = "nope" }, "startup_group"},
		{"revenue limit zero", func(s *RuleSet) { s.Rules[1].MaxRevenue = 0 }, "rules[1].max_revenue"},
		{"reference year absurd", func(s *RuleSet) { s.ReferenceYear = 1900 }, "reference_year"},
		{"unknown kind", func(s *RuleSet) { s.Rules[0].Kind = "shoe_size" }, "rules[0].kind"},
		{"kind twice", func(s *RuleSet) { s.Rules[0].Kind = RevenueLimit }, "rules[1].kind"},
		{"unknown preset", func(s *RuleSet) { s.Preset = "provincial-2026" }, "preset"},
	}
	for _, c := range cases {
		s := national()
		s.Rules = append([]Rule(nil), s.Rules...)
		c.edit(&s)
		err := Validate(s, groups)
		if e, ok := err.(*fault.Error); !ok || e.Fields[c.field] == "" {
			t.Errorf("%s: %v, want a problem with %s", c.name, err, c.field)
		}
	}
	// Group rules off: no groups needed.
	s := national()
	s.StartupGroup, s.GrowthGroup = "", ""
	s.Rules[2].Enabled, s.Rules[3].Enabled = false, false
	if err := Validate(s, groups); err != nil {
		t.Errorf("group rules off: %v", err)
	}
}

func TestWan(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"20000", 200_000_000, true}, {"20000.00", 200_000_000, true}, {"20,000.5", 200_005_000, true},
		{"0.01", 100, true}, {"123.45万元", 1_234_500, true}, {" 7 ", 70_000, true}, {"0", 0, true},
		{"", 0, false}, {"-1", 0, false}, {"1.234", 0, false}, {"1.", 0, false}, {".5", 0, false},
		{"５００", 5_000_000, true}, {"１２５０．５万元", 12_505_000, true}, // a Chinese keyboard's full-width digits
		{"abc", 0, false}, {"1e3", 0, false}, {"999999999999999", 0, false},
	} {
		got, ok := ParseWan(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseWan(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	for yuan, want := range map[int64]string{200_000_000: "20000", 200_000_001: "20000.0001", 1_234_500: "123.45", 0: "0", 100: "0.01"} {
		if got := FormatWan(yuan); got != want {
			t.Errorf("FormatWan(%d) = %q, want %q", yuan, got, want)
		}
	}
}
