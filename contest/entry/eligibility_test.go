package entry_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/eligibility"
	"podium/fault"
	"podium/files/filecheck"
)

// eligWorld is a contest of 2026 with a startup, a growth and a team group,
// the national rules set, and an entrant whose company passes them.
type eligWorld struct {
	s         *contesttest.Stores
	contest   contest.Contest
	organizer access.Account
	entrant   access.Account
	org       entry.OrganizationInput
}

func yuan(n int64) *int64 { return &n }

func newEligWorld(t *testing.T) eligWorld {
	t.Helper()
	s, clock := contesttest.NewStore(t)
	ctx := context.Background()
	organizer := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("elig")
	setup.Groups = []contest.Category{{Key: "startup", NameZh: "初创组", NameEn: "Startup"}, {Key: "growth", NameZh: "成长组", NameEn: "Growth"}, {Key: "team", NameZh: "团队组", NameEn: "Team"}}
	opens, deadline := clock.T.Add(-time.Hour), clock.T.Add(72*time.Hour)
	setup.RegistrationOpensAt, setup.SubmissionDeadline = &opens, &deadline
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	c, err := s.CreateContest(ctx, organizer.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	rules := eligibility.National(2026).Set
	rules.StartupGroup, rules.GrowthGroup = "startup", "growth"
	if _, err := s.SetEligibilityRules(ctx, organizer.ID, c.ID, rules); err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, s, access.RoleEntrant, "founder@example.com")
	org := entry.OrganizationInput{
		Kind: entry.OrgEnterprise, Name: "星河智能科技有限公司", USCC: "91440300708461136T",
		ContactName: "张伟", ContactPhone: "13800138000",
		CompanyFacts: entry.CompanyFacts{EstablishedOn: "2025-03-01", RegisteredCapital: yuan(5_000_000), RevenuePrevYear: yuan(200_000_000)},
	}
	w := eligWorld{s: s, contest: c, organizer: organizer, entrant: entrant, org: org}
	w.saveOrg(t, func(*entry.CompanyFacts) {})
	return w
}

func (w eligWorld) saveOrg(t *testing.T, edit func(*entry.CompanyFacts)) {
	t.Helper()
	o := w.org
	edit(&o.CompanyFacts)
	if _, err := w.s.SaveOrganization(context.Background(), w.entrant.ID, o); err != nil {
		t.Fatal(err)
	}
}

func (w eligWorld) draft(t *testing.T, title, group string) entry.Entry {
	t.Helper()
	e, err := w.s.CreateEntry(context.Background(), w.entrant.ID, w.contest.ID, entry.Input{Track: "materials", Group: group, Title: title,
		Fields: entry.Fields{Summary: "石墨烯散热膜"}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// refused checks a submission is refused for exactly the fields given, with
// nothing written: the entry is still a draft without snapshot or blind code.
func (w eligWorld) refused(t *testing.T, e entry.Entry, fields ...string) *fault.Error {
	t.Helper()
	ctx := context.Background()
	_, err := w.s.SubmitEntry(ctx, w.entrant.ID, e.ID, false)
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code != fault.CodeInvalid || fe.Message != "err.entry.ineligible" {
		t.Fatalf("submission: %v, want err.entry.ineligible", err)
	}
	for _, f := range fields {
		if fe.Fields[f] == "" {
			t.Errorf("no problem with %s: %v", f, fe)
		}
	}
	if len(fe.Fields) != len(fields) {
		t.Errorf("problems %v, want %v", fe.Fields, fields)
	}
	var state string
	var snap, codes int
	if err := w.s.DB.GetContext(ctx, &state, `SELECT state FROM entries WHERE id = $1`, e.ID); err != nil {
		t.Fatal(err)
	}
	_ = w.s.DB.GetContext(ctx, &snap, `SELECT count(*) FROM entries WHERE id = $1 AND (snapshot IS NOT NULL OR submitted_at IS NOT NULL)`, e.ID)
	_ = w.s.DB.GetContext(ctx, &codes, `SELECT count(*) FROM blind_codes WHERE entry_id = $1`, e.ID)
	if state != "draft" || snap != 0 || codes != 0 {
		t.Errorf("refused submission wrote: state %s, snapshot %d, blind codes %d", state, snap, codes)
	}
	return fe
}

func (w eligWorld) accepted(t *testing.T, e entry.Entry) {
	t.Helper()
	got, err := w.s.SubmitEntry(context.Background(), w.entrant.ID, e.ID, false)
	if err != nil || got.State != entry.Submitted {
		t.Fatalf("submission: %v (%s)", err, got.State)
	}
}

func TestSubmissionRevenueBoundary(t *testing.T) {
	t.Parallel()
	w := newEligWorld(t)
	e := w.draft(t, "散热膜", "startup")
	w.saveOrg(t, func(f *entry.CompanyFacts) { f.RevenuePrevYear = yuan(200_000_001) })
	fe := w.refused(t, e, "organization.revenue_prev_year")
	if fe.Fields["organization.revenue_prev_year"] != "elig.fail.revenue" ||
		len(fe.FieldArgs["organization.revenue_prev_year"]) != 2 || fe.FieldArgs["organization.revenue_prev_year"][0] != eligibility.Yuan(200_000_001) {
		t.Errorf("revenue failure: %v %v", fe.Fields, fe.FieldArgs)
	}
	w.saveOrg(t, func(f *entry.CompanyFacts) { f.RevenuePrevYear = yuan(200_000_000) })
	w.accepted(t, e)
}

func TestSubmissionGroupBoundary(t *testing.T) {
	t.Parallel()
	w := newEligWorld(t)
	// Registered 1 January 2025: the startup group of the 2026 contest.
	w.saveOrg(t, func(f *entry.CompanyFacts) { f.EstablishedOn, f.TechSMENumber = "2025-01-01", "202544010100012345" })
	growth := w.draft(t, "成长组项目", "growth")
	fe := w.refused(t, growth, "group")
	if fe.Fields["group"] != "elig.fail.group_startup" {
		t.Errorf("group failure %q", fe.Fields["group"])
	}
	args := fe.FieldArgs["group"]
	if len(args) != 2 || args[0] != "2025-01-01" || args[1].(contest.Category).NameZh != "初创组" {
		t.Errorf("group failure args %#v: want the date and the startup group by name", args)
	}
	w.accepted(t, w.draft(t, "初创组项目", "startup"))

	// Registered 31 December 2024: growth; a startup entry is refused.
	w.saveOrg(t, func(f *entry.CompanyFacts) { f.EstablishedOn = "2024-12-31" })
	startup := w.draft(t, "另一个初创组项目", "startup")
	if fe := w.refused(t, startup, "group"); fe.Fields["group"] != "elig.fail.group_growth" {
		t.Errorf("group failure %q", fe.Fields["group"])
	}
	// The growth group needs a certificate number: refused without, accepted with one.
	w.saveOrg(t, func(f *entry.CompanyFacts) { f.EstablishedOn, f.TechSMENumber = "2024-12-31", "" })
	w.refused(t, growth, "organization.tech_sme_number")
	w.saveOrg(t, func(f *entry.CompanyFacts) { f.EstablishedOn, f.HighTechCertNumber = "2024-12-31", "GR202344001234" })
	w.accepted(t, growth)
}

func TestSubmissionListedTop3AndMissingFacts(t *testing.T) {
	t.Parallel()
	w := newEligWorld(t)
	e := w.draft(t, "项目", "startup")
	w.saveOrg(t, func(f *entry.CompanyFacts) { f.Listed, f.NationalTop3Before = true, true })
	w.refused(t, e, "organization.listed", "organization.national_top3_before")
	// A company that left its facts empty is told which are missing.
	w.saveOrg(t, func(f *entry.CompanyFacts) { *f = entry.CompanyFacts{} })
	fe := w.refused(t, e, "organization.revenue_prev_year", "organization.established_on")
	if fe.Fields["organization.revenue_prev_year"] != "elig.missing.revenue_prev_year" {
		t.Errorf("missing revenue: %v", fe.Fields)
	}
	// A team in the team group is not the national rules' business.
	team := w.draft(t, "团队项目", "team")
	w.accepted(t, team)
	// Rules removed: anything goes.
	if _, err := w.s.SetEligibilityRules(context.Background(), w.organizer.ID, w.contest.ID, eligibility.RuleSet{}); err != nil {
		t.Fatal(err)
	}
	w.accepted(t, e)
}

func TestEligibilityRulesSavedAndAudited(t *testing.T) {
	t.Parallel()
	w := newEligWorld(t)
	ctx := context.Background()
	got, err := w.s.EligibilityRulesOf(ctx, w.contest.ID)
	if err != nil || got.Set.Preset != "national-2026" || got.Set.StartupGroup != "startup" || got.Set.GrowthGroup != "growth" || len(got.Set.Rules) != 5 {
		t.Fatalf("stored rules: %#v %v", got, err)
	}
	set := got.Set
	set.Rules[1].MaxRevenue, set.Rules[0].Enabled, set.ReferenceYear = 100_000_000, false, 2027
	if got, err = w.s.SetEligibilityRules(ctx, w.organizer.ID, w.contest.ID, set); err != nil {
		t.Fatal(err)
	}
	if r, _ := got.Set.Rule(eligibility.RevenueLimit); r.MaxRevenue != 100_000_000 || got.Set.ReferenceYear != 2027 {
		t.Errorf("adjusted: %#v", got.Set)
	}
	if r, _ := got.Set.Rule(eligibility.NotListed); r.Enabled {
		t.Error("listing rule still enabled")
	}
	// A group not the contest's is refused, nothing changed.
	bad := got.Set
	bad.GrowthGroup = "nope"
	if _, err := w.s.SetEligibilityRules(ctx, w.organizer.ID, w.contest.ID, bad); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Errorf("unknown group: %v", err)
	}
	var audited int
	if err := w.s.DB.GetContext(ctx, &audited, `SELECT count(*) FROM audit_log WHERE action = 'eligibility.rules_set' AND contest_id = $1`, w.contest.ID); err != nil || audited != 2 {
		t.Errorf("audit records: %d %v", audited, err)
	}
	// None: the row goes, still audited.
	if got, err = w.s.SetEligibilityRules(ctx, w.organizer.ID, w.contest.ID, eligibility.RuleSet{}); err != nil || got.Set.Enabled() || got.UpdatedAt != nil {
		t.Errorf("none: %#v %v", got, err)
	}
}

func TestReviewShowsFailures(t *testing.T) {
	t.Parallel()
	w := newEligWorld(t)
	ctx := context.Background()
	e := w.draft(t, "项目", "startup")
	w.accepted(t, e)
	other := w.draft(t, "团队项目", "team")
	w.accepted(t, other)
	// The organizer lowers the revenue limit after the submission.
	set := eligibility.National(2026).Set
	set.StartupGroup, set.GrowthGroup = "startup", "growth"
	set.Rules[1].MaxRevenue = 100_000_000
	if _, err := w.s.SetEligibilityRules(ctx, w.organizer.ID, w.contest.ID, set); err != nil {
		t.Fatal(err)
	}
	list, err := w.s.EntriesInContest(ctx, w.contest.ID, entry.Filter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %v %v", list, err)
	}
	for _, s := range list {
		if want := s.ID == e.ID; (len(s.Ineligible) == 1 && s.Ineligible[0].Rule == eligibility.RevenueLimit) != want {
			t.Errorf("entry %d fails %#v", s.ID, s.Ineligible)
		}
	}
	only, err := w.s.EntriesInContest(ctx, w.contest.ID, entry.Filter{Ineligible: true})
	if err != nil || len(only) != 1 || only[0].ID != e.ID {
		t.Errorf("ineligible only: %v %v", only, err)
	}
	got, err := w.s.EntryInContest(ctx, w.contest.ID, e.ID)
	if err != nil || len(got.Ineligible) != 1 || got.Ineligible[0].Message != "elig.fail.revenue" {
		t.Errorf("entry: %#v %v", got.Ineligible, err)
	}
}

func TestProfileFactsValidated(t *testing.T) {
	t.Parallel()
	w := newEligWorld(t)
	ctx := context.Background()
	o := w.org
	bad, cert := "12.345", "证书#1"
	o.CompanyFacts = entry.CompanyFacts{EstablishedOn: "2025-02-30", RevenueWan: &bad, TechSMENumber: cert}
	_, err := w.s.SaveOrganization(ctx, w.entrant.ID, o)
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Fields["established_on"] == "" || fe.Fields["revenue_prev_year"] != "err.org.amount_wan" || fe.Fields["tech_sme_number"] == "" {
		t.Fatalf("bad facts: %v", err)
	}
	future := "2027-01-01"
	o.CompanyFacts = entry.CompanyFacts{EstablishedOn: future}
	if _, err := w.s.SaveOrganization(ctx, w.entrant.ID, o); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Errorf("future establishment: %v", err)
	}
	capital, revenue := "1,234.5", "20000.00"
	o.CompanyFacts = entry.CompanyFacts{EstablishedOn: "2025-01-01", CapitalWan: &capital, RevenueWan: &revenue, Listed: true, HighTechCertNumber: " gr2023 44001234 "}
	saved, err := w.s.SaveOrganization(ctx, w.entrant.ID, o)
	if err != nil {
		t.Fatal(err)
	}
	f := saved.CompanyFacts
	if f.EstablishedOn != "2025-01-01" || *f.RegisteredCapital != 12_345_000 || *f.RevenuePrevYear != 200_000_000 || !f.Listed || f.HighTechCertNumber != "GR202344001234" {
		t.Errorf("saved facts: %+v", f)
	}
	// A team leaves them empty.
	o.Kind, o.USCC, o.CompanyFacts = entry.OrgTeam, "", entry.CompanyFacts{}
	saved, err = w.s.SaveOrganization(ctx, w.entrant.ID, o)
	if err != nil || saved.RevenuePrevYear != nil || saved.EstablishedOn != "" {
		t.Errorf("team: %+v %v", saved.CompanyFacts, err)
	}
}

// A group the rules name removed from the setup: the group rules are not
// checked (the organizer's page warns), the others still are.
func TestRulesWhenAGroupIsRemoved(t *testing.T) {
	t.Parallel()
	w := newEligWorld(t)
	ctx := context.Background()
	setup := w.contest.Setup
	setup.Groups = []contest.Category{setup.Groups[0], setup.Groups[2]} // growth removed
	if _, err := w.s.UpdateContest(ctx, w.organizer.ID, w.contest.ID, setup); err != nil {
		t.Fatal(err)
	}
	r, err := w.s.EligibilityRulesOf(ctx, w.contest.ID)
	if err != nil || r.Set.StartupGroup != "startup" || r.Set.GrowthGroup != "" {
		t.Fatalf("rules after the growth group went: %#v %v", r.Set, err)
	}
	w.saveOrg(t, func(f *entry.CompanyFacts) { f.EstablishedOn, f.RevenuePrevYear = "2010-01-01", yuan(300_000_000) })
	e := w.draft(t, "老企业", "startup")
	w.refused(t, e, "organization.revenue_prev_year") // not the group: that rule is off until the groups are chosen again
	w.saveOrg(t, func(f *entry.CompanyFacts) { f.EstablishedOn = "2010-01-01" })
	w.accepted(t, e)
}

// Imported entries carry the facts their rows give (amounts in 万元); review
// shows the rules each fails, and a rule that needs a fact a row left out
// says the fact is missing.
func TestImportedEntriesInReview(t *testing.T) {
	t.Parallel()
	w := newEligWorld(t)
	ctx := context.Background()
	csv := "项目名称,赛道,组别,单位名称,统一社会信用代码,联系人,联系电话,成立日期,上一年度营业收入（万元）,是否上市,科技型中小企业入库登记编号\n" +
		"合格项目,新材料,初创组,甲科技有限公司,914403001922038216,张三,13800138000,2025/1/1,20000,否,\n" +
		"已上市项目,新材料,成长组,乙科技有限公司,91440300708461136T,李四,13800138001,2010年5月5日,20000.01,是,202344010100012345\n" +
		"缺信息项目,新材料,初创组,丙团队,,王五,13800138002,,,,\n"
	res, err := w.s.ImportEntries(ctx, w.organizer.ID, w.contest.ID, strings.NewReader(csv), contest.ImportOptions{})
	if err != nil || res.Imported != 3 {
		t.Fatalf("import: %+v %v", res, err)
	}
	list, err := w.s.EntriesInContest(ctx, w.contest.ID, entry.Filter{Sort: entry.ByTitle})
	if err != nil {
		t.Fatal(err)
	}
	fails := map[string][]string{}
	for _, e := range list {
		for _, f := range e.Ineligible {
			fails[e.Title] = append(fails[e.Title], f.Message)
		}
	}
	want := map[string][]string{
		"已上市项目": {"elig.fail.listed", "elig.fail.revenue"},
		"缺信息项目": {"elig.missing.revenue_prev_year", "elig.missing.established_on"},
	}
	if !reflect.DeepEqual(fails, want) {
		t.Errorf("review: %v\nwant %v", fails, want)
	}
	// A date or a yes/no a row gets wrong is a problem of that row and column.
	bad := "项目名称,赛道,组别,单位名称,成立日期,是否上市,注册资本\n坏行,新材料,初创组,丁团队,去年,也许,1.234\n"
	res, err = w.s.ImportEntries(ctx, w.organizer.ID, w.contest.ID, strings.NewReader(bad), contest.ImportOptions{})
	cols := map[string]string{}
	for _, p := range res.Problems {
		cols[p.Column] = p.Message
	}
	if err != nil || res.Imported != 0 || cols["established_on"] != "err.import.date" || cols["listed"] != "err.import.yes_no" {
		t.Errorf("bad facts: %+v %v", res, err)
	}
}
