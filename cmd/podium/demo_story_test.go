package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/eligibility"
	"podium/uscc"
)

// demoContestIDs are the demo organizer's contests by slug: exactly the
// two the demo seeds (this year's, whose final is live, and last year's).
func demoContestIDs(t *testing.T, m *Main) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	organizer, err := m.Accounts.Authenticate(ctx, demoOrganizerEmail, demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	list, err := storesOf(m).ContestsOrganizedBy(ctx, organizer.ID)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, c := range list {
		if strings.HasPrefix(c.Slug, demoSlug) || c.Slug == demoPublishedSlug {
			ids[c.Slug] = c.ID
		}
	}
	if len(ids) != 2 || ids[demoSlug] == 0 || ids[demoPublishedSlug] == 0 {
		t.Fatalf("demo contests %+v", list)
	}
	return ids
}

// checkDemoStory checks this year's demo contest tells the story:
// seven tracks; about 120 entries of generated organizations with valid
// credit codes (with and without letters) and business plans, one flagged
// for naming its team; about 25 experts, conflicts avoided; the preliminary
// fully scored, its advancement confirmed per track and group and
// published; the semifinal open on the advanced entries, part scored, two
// judges behind; the final ahead.
func checkDemoStory(t *testing.T, m *Main, contestID int64) {
	t.Helper()
	ctx := context.Background()
	store := storesOf(m)
	c, err := store.Contest(ctx, contestID)
	if err != nil {
		t.Fatal(err)
	}
	var tracks []string
	for _, tr := range c.Tracks {
		tracks = append(tracks, tr.NameZh)
	}
	if strings.Join(tracks, " ") != "智能制造 新材料 生物医药 仪器仪表 防护纺织 现代农业 医疗科技" || len(c.Groups) != 3 {
		t.Errorf("demo tracks %v, groups %+v", tracks, c.Groups)
	}
	if len(c.Rounds) != 3 || c.Rounds[0].State != contest.RoundPublished || c.Rounds[1].State != contest.RoundOpen ||
		c.Rounds[2].Kind != contest.KindLive {
		t.Fatalf("demo rounds %+v", c.Rounds)
	}
	now := time.Now()
	if r := c.Rounds; !r[0].ClosesAt.Before(now) || !r[1].OpensAt.Before(now) || !r[1].ClosesAt.After(now) ||
		!r[2].OpensAt.After(now) || !c.SubmissionDeadline.Before(*r[0].OpensAt) {
		t.Errorf("demo dates: deadline %v, rounds %v–%v, %v–%v, %v", c.SubmissionDeadline, r[0].OpensAt, r[0].ClosesAt,
			r[1].OpensAt, r[1].ClosesAt, r[2].OpensAt)
	}
	rules, err := m.Entries.EligibilityRulesOf(ctx, contestID)
	if err != nil || !rules.Set.Enabled() || rules.Set.StartupGroup != "startup" || rules.Set.GrowthGroup != "growth" {
		t.Errorf("demo eligibility rules %+v %v", rules, err)
	}

	// The field: ~120 entries, the submitted ones accepted, valid credit codes.
	var entries, accepted int
	if err := m.DB.GetContext(ctx, &entries, `SELECT count(*) FROM entries WHERE contest_id = $1`, contestID); err != nil ||
		entries != len(demoEntrants)+demoGeneratedCount {
		t.Fatalf("demo entries %d %v", entries, err)
	}
	if err := m.DB.GetContext(ctx, &accepted, `SELECT count(*) FROM entries WHERE contest_id = $1 AND state = 'accepted'`, contestID); err != nil ||
		accepted < 90 || accepted >= entries {
		t.Errorf("accepted demo entries %d %v", accepted, err)
	}
	var codes []string
	if err := m.DB.SelectContext(ctx, &codes, `SELECT o.uscc FROM entries e JOIN organizations o ON o.id = e.organization_id
		WHERE e.contest_id = $1 AND o.uscc IS NOT NULL`, contestID); err != nil {
		t.Fatal(err)
	}
	letters, digits := 0, 0
	for _, code := range codes {
		switch {
		case !uscc.Valid(code):
			t.Errorf("invalid credit code %s", code)
		case regexp.MustCompile(`^[0-9]{18}$`).MatchString(code):
			digits++
		default:
			letters++
		}
	}
	if len(codes) < 60 || letters < 20 || digits < 20 {
		t.Errorf("demo credit codes: %d, %d with letters, %d all digits", len(codes), letters, digits)
	}
	var plans int
	if err := m.DB.GetContext(ctx, &plans, `SELECT count(*) FROM blobs b JOIN entries e ON e.id = b.entry_id
		WHERE e.contest_id = $1 AND b.kind = 'business_plan'`, contestID); err != nil || plans != entries {
		t.Errorf("demo business plans %d %v", plans, err)
	}
	// One company's revenue, corrected after it submitted, is over the national
	// limit: the review names the rule, and the entry was rejected under it.
	ineligible, err := store.EntriesInContest(ctx, contestID, entry.Filter{Ineligible: true})
	if err != nil || len(ineligible) != 1 || ineligible[0].Title != "高精度激光干涉测量仪" || ineligible[0].State != entry.Rejected ||
		len(ineligible[0].Ineligible) != 1 || ineligible[0].Ineligible[0].Rule != eligibility.RevenueLimit {
		t.Errorf("ineligible demo entries %+v %v", ineligible, err)
	} else if e, err := m.Entries.EntryInContest(ctx, contestID, ineligible[0].ID); err != nil || e.ReviewReason != demoIneligibleReason {
		t.Errorf("the ineligible entry's review %q %v", e.ReviewReason, err)
	}
	flagged, err := store.EntriesInContest(ctx, contestID, entry.Filter{Flag: entry.FlagIdentityLeak})
	if err != nil || len(flagged) != 1 || flagged[0].Title != "软体抓取机器人" {
		t.Errorf("flagged demo entries %+v %v", flagged, err)
	}

	// The preliminary: every accepted entry reviewed three times, the
	// conflicted experts never on their entrants, every sheet submitted.
	prelim, err := store.Assignments(ctx, contestID, demoRound)
	if err != nil || len(prelim) != accepted*c.Rounds[0].ReviewsPerEntry {
		t.Fatalf("demo preliminary assignments %d %v", len(prelim), err)
	}
	pool := demoPool(demoGenerate(c.SubmissionDeadline.Year()))
	experts := map[string]bool{}
	for _, a := range prelim {
		experts[a.ExpertName] = true
		if !a.Active() || a.ExpertName == "陈立华" && a.EntryTitle == "高导热石墨烯散热膜" {
			t.Errorf("demo assignment %+v", a)
		}
	}
	var conflicted int
	if err := m.DB.GetContext(ctx, &conflicted, `SELECT count(*) FROM assignments a JOIN experts x ON x.id = a.expert_id
		JOIN entries e ON e.id = a.entry_id JOIN organizations o ON o.id = e.organization_id
		WHERE e.contest_id = $1 AND (x.organization_norm = o.name_norm OR o.name_norm = ANY(x.declared_orgs_norm))`, contestID); err != nil || conflicted != 0 {
		t.Errorf("conflicted demo assignments %d %v", conflicted, err)
	}
	if len(pool) < 25 || len(experts) < 20 {
		t.Errorf("demo pool %d, %d experts reviewing", len(pool), len(experts))
	}
	var sheets int
	if err := m.DB.GetContext(ctx, &sheets, `SELECT count(*) FROM score_sheets sh JOIN assignments a ON a.id = sh.assignment_id
		JOIN rounds r ON r.id = a.round_id WHERE r.contest_id = $1 AND r.key = $2 AND sh.state = 'submitted'`, contestID, demoRound); err != nil ||
		sheets != len(prelim) {
		t.Errorf("submitted preliminary sheets %d of %d %v", sheets, len(prelim), err)
	}

	// Advancement: per track and group, within the quotas, published.
	published, err := m.Results.PublishedResults(ctx, contestID)
	if err != nil || len(published) != 1 || len(published[0].Current.Results) != accepted {
		t.Fatalf("published demo preliminary %+v %v", published, err)
	}
	var advanced []struct {
		Track string `db:"track"`
		Group string `db:"grp"`
		N     int    `db:"n"`
	}
	if err := m.DB.SelectContext(ctx, &advanced, `SELECT t.key AS track, g.key AS grp, count(*) AS n FROM results r
		JOIN entries e ON e.id = r.entry_id JOIN tracks t ON t.id = e.track_id JOIN contest_groups g ON g.id = e.group_id
		JOIN rounds ro ON ro.id = r.round_id WHERE ro.contest_id = $1 AND ro.key = $2 AND r.advanced AND r.published_at IS NOT NULL
		GROUP BY 1, 2`, contestID, demoRound); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, a := range advanced {
		quota := 2
		if a.Group == "growth" && (a.Track == "manufacturing" || a.Track == "materials") {
			quota = 3
		}
		if a.N > quota {
			t.Errorf("%s/%s: %d advanced, quota %d", a.Track, a.Group, a.N, quota)
		}
		total += a.N
	}
	if len(advanced) < 15 || total < 30 {
		t.Errorf("demo advancement: %d entries in %d pools", total, len(advanced))
	}

	// The semifinal: the advanced entries, part scored, two judges behind.
	semi, err := store.Assignments(ctx, contestID, demoSemiRound)
	if err != nil || len(semi) != total*c.Rounds[1].ReviewsPerEntry {
		t.Fatalf("demo semifinal assignments %d (%d advanced) %v", len(semi), total, err)
	}
	semiSheets, err := store.SubmittedSheets(ctx, contestID, demoSemiRound)
	if err != nil || len(semiSheets) < len(semi)/2 || len(semiSheets) >= len(semi) {
		t.Errorf("submitted semifinal sheets %d of %d %v", len(semiSheets), len(semi), err)
	}
	judges, _, err := store.Progress(ctx, contestID, demoSemiRound)
	if err != nil {
		t.Fatal(err)
	}
	drafts, behind := 0, 0
	for _, j := range judges {
		drafts += j.Drafts
		if j.Missing > 0 {
			behind++
		}
		switch j.Name {
		case demoJudge.Name:
			want := judging.JudgeProgress{ExpertID: j.ExpertID, Name: j.Name, Assigned: j.Assigned, Drafts: 1, Missing: j.Assigned - 1}
			if j != want || j.Assigned < 2 {
				t.Errorf("demo judge's semifinal %+v, want %+v", j, want)
			}
		case demoSlowJudge:
			if j.Submitted == 0 || j.Missing == 0 {
				t.Errorf("%s's semifinal %+v", j.Name, j)
			}
		}
	}
	if drafts < 3 || behind < 2 {
		t.Errorf("semifinal progress: %d drafts, %d judges behind: %+v", drafts, behind, judges)
	}

	// The final: its panel chosen (the live final's judges), its entries to come.
	var finalPanel int
	if err := m.DB.GetContext(ctx, &finalPanel, `SELECT count(*) FROM panel_members p JOIN rounds r ON r.id = p.round_id
		WHERE r.contest_id = $1 AND r.key = 'final'`, contestID); err != nil || finalPanel != len(demoLiveExperts) {
		t.Errorf("demo final panel %d %v", finalPanel, err)
	}

	// The investor, approved for the showcase.
	investor, err := m.Accounts.Authenticate(ctx, demoInvestorEmail, demoPassword)
	var state string
	if err == nil {
		err = m.DB.GetContext(ctx, &state, `SELECT state FROM showcase_investors WHERE contest_id = $1 AND investor_id = $2`, contestID, investor.ID)
	}
	if err != nil || investor.Role != access.RoleInvestor || state != "approved" {
		t.Errorf("demo investor %+v %q %v", investor, state, err)
	}

	// Every chain of the database verifies, as `podium audit verify` checks it.
	if n, problems, err := m.Audit.Verify(ctx, nil); err != nil || len(problems) > 0 || n == 0 {
		t.Errorf("audit chains: %d records, %v, %v", n, problems, err)
	}

	// Seeded once: two eligibility decisions (accepted, rejected), two assignment runs, every sheet audited.
	log, err := store.Records(ctx, contestID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[audit.Action]int{}
	for _, r := range log {
		count[r.Action]++
	}
	if count[audit.EntriesReviewed] != 2 || count[audit.AssignmentsRun] != 2 || count[audit.AdvancementConfirmed] != 1 ||
		count[audit.ScoreSubmitted] != sheets+len(semiSheets) {
		t.Errorf("demo audit actions %v", count)
	}
}

// checkDemoJudgeLink redeems a printed invite link: it logs in the demo
// judge, who has the semifinal's entries to score, one of them drafted.
func checkDemoJudgeLink(t *testing.T, store *contesttest.Stores, token string) {
	t.Helper()
	ctx := context.Background()
	_, sess, err := store.RedeemInvite(ctx, token, access.Redemption{})
	if err != nil || sess.Account.Role != access.RoleJudge || sess.Account.DisplayName != demoJudge.Name {
		t.Fatalf("redeem the demo judge link: %+v %v", sess.Account, err)
	}
	tasks, err := store.JudgeTasks(ctx, sess.Judge())
	if err != nil {
		t.Fatal(err)
	}
	states := map[judging.SheetState]int{}
	open := 0
	for _, task := range tasks {
		switch {
		case task.RoundState == contest.RoundOpen && strings.Contains(task.RoundName, "复赛"):
			states[task.SheetState]++
			open++
		case task.SheetState != "submitted": // the preliminary: done
			t.Errorf("demo judge task %+v", task)
		}
	}
	if open < 3 || states["draft"] != 1 || states["new"] != open-1 {
		t.Errorf("demo judge tasks %+v", tasks)
	}
}

// TestDemoReset: `podium demo --reset` removes the demo's contests (and
// only those) and seeds fresh ones: new ids, the same story, an audit log
// that verifies.
func TestDemoReset(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := &Main{Config: testConfig(t)}
	t.Cleanup(func() { m.Close() })
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	storesOf(m).PasswordCost = bcrypt.MinCost
	start := time.Now()
	if _, err := seedDemo(ctx, m.Domain, "http://localhost"); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded in %v", time.Since(start))
	before := demoContestIDs(t, m)
	// The demo organizer's own contest, and another organizer's, are not the demo's.
	organizer, err := m.Accounts.Authenticate(ctx, demoOrganizerEmail, demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	mine := demoSetup(m.DB.Now())
	mine.Slug, mine.NameZh = "my-own-2026", "组织方自己的大赛"
	own, err := m.Contests.CreateContest(ctx, organizer.ID, mine)
	if err != nil {
		t.Fatal(err)
	}
	// A live final an earlier version of the demo seeded apart is the demo's.
	old := demoSetup(m.DB.Now())
	old.Slug = demoOldLiveSlug + "-2"
	if _, err := m.Contests.CreateContest(ctx, organizer.ID, old); err != nil {
		t.Fatal(err)
	}
	before[old.Slug] = 0
	other, err := m.Accounts.CreateAccount(ctx, access.NewAccount{Role: access.RoleOrganizer, Email: "other@example.com",
		DisplayName: "其他组织方", Password: demoPassword})
	if err != nil {
		t.Fatal(err)
	}
	theirs := demoSetup(m.DB.Now())
	theirs.Slug = "demo-2026-live-theirs"
	if _, err := m.Contests.CreateContest(ctx, other.ID, theirs); err != nil {
		t.Fatal(err)
	}

	start = time.Now()
	n, err := resetDemo(ctx, m.Domain)
	if err != nil || n != 3 {
		t.Fatalf("reset: %d contests, %v", n, err)
	}
	t.Logf("reset in %v", time.Since(start))
	for slug := range before {
		if _, err := m.Contests.ContestIDBySlug(ctx, slug); err == nil {
			t.Errorf("%s survived the reset", slug)
		}
	}
	for _, slug := range []string{"my-own-2026", "demo-2026-live-theirs"} {
		if _, err := m.Contests.ContestIDBySlug(ctx, slug); err != nil {
			t.Errorf("the reset removed %s: %v", slug, err)
		}
	}
	logins, err := seedDemo(ctx, m.Domain, "http://localhost")
	if err != nil {
		t.Fatal(err)
	}
	after := demoContestIDs(t, m)
	for _, want := range []string{"http://localhost/contests/" + demoSlug, "http://localhost/results/" + demoSlug,
		fmt.Sprintf("http://localhost/live/%d ", after[demoSlug]), "http://localhost/invite/", demoOrganizerEmail,
		demoInvestorEmail, demoEntrantEmail, "Entrant:    http://localhost/login  entrant", "entries?ineligible=1", "podium demo --reset"} {
		if !strings.Contains(logins, want) {
			t.Errorf("the logins text has no %q:\n%s", want, logins)
		}
	}
	for slug, id := range after {
		if id == before[slug] || id <= own.ID {
			t.Errorf("%s: id %d after the reset, %d before", slug, id, before[slug])
		}
	}
	checkDemoStory(t, m, after[demoSlug])
	checkDemoPublished(t, m, after[demoPublishedSlug])

	dsn := m.Config.DatabaseURL
	var stdout, stderr bytes.Buffer
	env := func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}
	if code := run(ctx, []string{"audit", "verify"}, nil, &stdout, &stderr, env); code != 0 || !strings.HasPrefix(stdout.String(), "ok: ") {
		t.Fatalf("audit verify after the reset: %d %q %q", code, stdout.String(), stderr.String())
	}
}

// TestDemoNames: the generated organizations read like real ones on public
// pages: unique without numbers appended, no word doubled (科技科技), and
// titles spaced consistently (no "X 射线"); the same names every time.
func TestDemoNames(t *testing.T) {
	t.Parallel()
	gen := demoGenerate(2026)
	seen := map[string]bool{}
	for i, g := range gen {
		name := g.org.Name
		if seen[name] {
			t.Errorf("%d: %s twice", i, name)
		}
		seen[name] = true
		if regexp.MustCompile(`[0-9０-９()（）]`).MatchString(name) {
			t.Errorf("%d: %s has a number or brackets", i, name)
		}
		runes := []rune(name)
		for k := 0; k+4 <= len(runes); k++ {
			if string(runes[k:k+2]) == string(runes[k+2:k+4]) {
				t.Errorf("%d: %s doubles %s", i, name, string(runes[k:k+2]))
			}
		}
		if regexp.MustCompile(`\p{Han}[A-Za-z0-9]+ |（\d+期）`).MatchString(g.entry.Title) {
			t.Errorf("%d: title %q", i, g.entry.Title)
		}
	}
	again := demoGenerate(2026)
	for i := range gen {
		if gen[i].org.Name != again[i].org.Name || gen[i].entry.Title != again[i].entry.Title || gen[i].org.USCC != again[i].org.USCC {
			t.Fatalf("%d: generated twice differently: %+v, %+v", i, gen[i].demoEntrant, again[i].demoEntrant)
		}
	}
	t.Logf("e.g. %s, %s, %s", gen[0].org.Name, gen[1].org.Name, gen[5].org.Name)
}
