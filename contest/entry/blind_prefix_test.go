package entry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/files/filecheck"
)

// demoTracks are the seven tracks of the demo contest; two of them (智能制造,
// 新材料) have keys starting with the same two letters.
var demoTracks = []contest.Category{
	{Key: "manufacturing", NameZh: "智能制造"}, {Key: "materials", NameZh: "新材料"}, {Key: "biomed", NameZh: "生物医药"},
	{Key: "instruments", NameZh: "仪器仪表"}, {Key: "textiles", NameZh: "防护纺织"}, {Key: "agriculture", NameZh: "现代农业"},
	{Key: "medtech", NameZh: "医疗科技"},
}

func TestBlindPrefixesAreDistinctPerTrack(t *testing.T) {
	var keys []string
	for _, tr := range demoTracks {
		keys = append(keys, tr.Key)
	}
	got := entry.BlindPrefixes(keys)
	want := map[string]string{"manufacturing": "MA", "materials": "MT", "biomed": "BI", "instruments": "IN",
		"textiles": "TE", "agriculture": "AG", "medtech": "ME"}
	for k, p := range want {
		if got[k] != p {
			t.Errorf("prefix of %s = %q, want %q", k, got[k], p)
		}
	}
	// Keys without letters, or whose every candidate is taken, still get a distinct prefix.
	odd := entry.BlindPrefixes([]string{"aa", "a", "ab", "12", "x1", "", "ma"})
	seen := map[string]string{}
	for k, p := range odd {
		if len(p) != 2 || seen[p] != "" {
			t.Errorf("prefix of %q = %q (also %q)", k, p, seen[p])
		}
		seen[p] = k
	}
	// A track added later does not move the earlier tracks' prefixes.
	more := entry.BlindPrefixes(append(keys, "marine"))
	for k, p := range want {
		if more[k] != p {
			t.Errorf("after adding a track, prefix of %s = %q, want %q", k, more[k], p)
		}
	}
}

// Submitting an entry in each of the demo's seven tracks codes them with seven
// different prefixes; a code given before (an old "MA-" for 新材料) is kept.
func TestBlindCodesTellTheTrack(t *testing.T) {
	t.Parallel()
	s, clock := contesttest.NewStore(t)
	ctx := context.Background()
	organizer := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("blind")
	setup.Tracks = demoTracks
	opens, deadline := clock.T.Add(-time.Hour), clock.T.Add(72*time.Hour)
	setup.RegistrationOpensAt, setup.SubmissionDeadline = &opens, &deadline
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	c, err := s.CreateContest(ctx, organizer.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, s, access.RoleEntrant, "founder@example.com")
	if _, err := s.SaveOrganization(ctx, entrant.ID, entry.OrganizationInput{
		Kind: entry.OrgEnterprise, Name: "星河智能科技有限公司", USCC: "91440300708461136T", ContactName: "张伟", ContactPhone: "13800138000",
		CompanyFacts: entry.CompanyFacts{EstablishedOn: "2020-03-01", RegisteredCapital: yuan(5_000_000), RevenuePrevYear: yuan(20_000_000)},
	}); err != nil {
		t.Fatal(err)
	}
	submit := func(track, title string) int64 {
		t.Helper()
		e, err := s.CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: track, Group: "enterprise", Title: title, Fields: entry.Fields{Summary: title}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitEntry(ctx, entrant.ID, e.ID, false); err != nil {
			t.Fatalf("submit %s: %v", title, err)
		}
		return e.ID
	}
	code := func(entryID int64) string {
		t.Helper()
		var code string
		if err := s.DB.GetContext(ctx, &code, `SELECT code FROM blind_codes WHERE entry_id = $1`, entryID); err != nil {
			t.Fatal(err)
		}
		return code
	}
	// An entry coded before prefixes were distinct: 新材料 with "MA-".
	old := submit("materials", "旧项目")
	if _, err := s.DB.ExecContext(ctx, `UPDATE blind_codes SET code = 'MA-2222' WHERE entry_id = $1`, old); err != nil {
		t.Fatal(err)
	}
	byPrefix := map[string]string{}
	for _, tr := range demoTracks {
		id := submit(tr.Key, "项目 "+tr.NameZh)
		p, _, _ := strings.Cut(code(id), "-")
		if other, ok := byPrefix[p]; ok {
			t.Errorf("%s and %s share the blind code prefix %s", other, tr.NameZh, p)
		}
		byPrefix[p] = tr.NameZh
	}
	if byPrefix["MA"] != "智能制造" || byPrefix["MT"] != "新材料" {
		t.Errorf("prefixes %v", byPrefix)
	}
	// Withdrawing and submitting again keeps the code already given.
	if _, err := s.WithdrawEntry(ctx, entrant.ID, old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitEntry(ctx, entrant.ID, old, false); err != nil {
		t.Fatal(err)
	}
	if got := code(old); got != "MA-2222" {
		t.Errorf("resubmitted entry recoded: %s", got)
	}
}
