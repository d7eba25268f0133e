package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/results"
	"podium/files/filecheck"
	"podium/scoring"
)

// scoredWorld is a contest whose preliminary round is scored and closed: four
// team-group entries scored 75, 60, 60 and 30 by two judges each, with one
// first, one second and one third prize, so the two entries at 60 are tied
// across the second/third boundary.
type scoredWorld struct {
	org     access.Account
	contest contest.Contest
	codes   map[string]string // entry title → blind code
	judges  []string          // the judges' names, which the public must never see
}

var scoredEntries = []struct{ title, org, mark string }{
	{"智能巡检机器人", "芯算团队", "25"},
	{"可降解包装材料", "绿种团队", "20"},
	{"工业视觉质检", "鹰眼团队", "20"},
	{"校园共享储能", "星河团队", "10"},
}

func newScoredWorld(t *testing.T, h *harness) scoredWorld {
	t.Helper()
	ctx := context.Background()
	w := scoredWorld{org: contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com"), codes: map[string]string{}}
	setup := contesttest.Setup("results")
	setup.Rounds[0].ReviewsPerEntry = 2
	setup.Rounds[0].FinalWeight = 100
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	setup.Awards = []contest.AwardQuota{{Group: "team", Level: "first", Count: 1}, {Group: "team", Level: "second", Count: 1},
		{Group: "team", Level: "third", Count: 1}}
	var err error
	if w.contest, err = h.store.CreateContest(ctx, w.org.ID, setup); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	mark := map[int64]string{}
	for i, e := range scoredEntries {
		a := contesttest.Account(t, h.store, access.RoleEntrant, fmt.Sprintf("e%d@example.com", i))
		if _, err := h.store.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: e.org,
			ContactName: "联系人", ContactEmail: fmt.Sprintf("c%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		ent, err := h.store.CreateEntry(ctx, a.ID, w.contest.ID, entry.Input{Track: "materials", Group: "team", Title: e.title})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.store.SubmitEntry(ctx, a.ID, ent.ID, true); err != nil {
			t.Fatal(err)
		}
		ids, mark[ent.ID] = append(ids, ent.ID), e.mark
	}
	if _, err := h.store.ReviewEntries(ctx, w.org.ID, w.contest.ID, ids, true, ""); err != nil {
		t.Fatal(err)
	}
	var panel []int64
	for _, name := range []string{"甲评委", "乙评委"} {
		x, err := h.store.SaveExpert(ctx, w.org.ID, judging.ExpertInput{Name: name, Organization: name + "所在大学"})
		if err != nil {
			t.Fatal(err)
		}
		panel, w.judges = append(panel, x.ID), append(w.judges, name)
	}
	if err := h.store.SetPanel(ctx, w.org.ID, w.contest.ID, "prelim", panel); err != nil {
		t.Fatal(err)
	}
	run, err := h.store.StartAssignment(ctx, w.org.ID, w.contest.ID, "prelim", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.RunAssignment(ctx, w.org.ID, w.contest.ID, "prelim", run.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetRoundState(ctx, w.org.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	list, _ := h.store.Assignments(ctx, w.contest.ID, "prelim")
	for _, a := range list {
		inv, err := h.store.InviteExpert(ctx, w.org.ID, w.contest.ID, a.ExpertID)
		if err != nil {
			t.Fatal(err)
		}
		// 甲 marks one point above the entry's mark and 乙 one below: the scores
		// are the marks', and 甲 is flagged lenient, 乙 severe.
		m, _ := scoring.ParsePoints(mark[a.EntryID])
		if a.ExpertName == w.judges[0] {
			m += 100
		} else {
			m -= 100
		}
		in := judging.SheetInput{Marks: map[string]scoring.Points{"tech": m, "market": m, "team": m}}
		key := fmt.Sprint("sheet-", a.ID)
		if _, err := h.store.SubmitSheet(ctx, access.EveryContest(inv.AccountID), a.ID, in, key, []byte(key)); err != nil {
			t.Fatal(err)
		}
		w.codes[a.EntryTitle] = a.BlindCode
	}
	if err := h.store.SetRoundState(ctx, w.org.ID, w.contest.ID, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	return w
}

// newScoredWorldWithTwoSeats is newScoredWorld advancing two entries: 75, then
// 60 and 60 for one seat, a tie across the cut.
func newScoredWorldWithTwoSeats(t *testing.T, h *harness) scoredWorld {
	t.Helper()
	w := newScoredWorld(t, h)
	ctx := context.Background()
	c, _ := h.store.Contest(ctx, w.contest.ID)
	two := 2
	c.Rounds[0].AdvanceCount = &two
	if _, err := h.store.UpdateContest(ctx, w.org.ID, c.ID, c.Setup); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w scoredWorld) path(rest string) string {
	return fmt.Sprintf("/organizer/contests/%d/rounds/prelim/%s", w.contest.ID, rest)
}

// An organizer decides the tie on the awards page, publishes the round through
// its confirmation step, and the public sees the results; afterwards nothing
// can change them, and every refusal says why.
func TestAwardsPublicationAndPublicResultsPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newScoredWorld(t, h)
	cl := h.loggedIn(w.org)
	eagle, seed := w.codes["工业视觉质检"], w.codes["可降解包装材料"]

	page := cl.get(w.path("awards"))
	if page.status != http.StatusOK || !strings.Contains(page.body, `name="level.`+eagle+`"`) || !strings.Contains(page.body, `name="level.`+seed+`"`) ||
		strings.Contains(page.body, `name="level.`+w.codes["智能巡检机器人"]+`"`) {
		t.Fatalf("awards page %d: %.2000s", page.status, page.body)
	}
	for _, bad := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"level." + eagle: {"second"}, "level." + seed: {""}}, "请为每个并列项目选择"},
		{url.Values{"level." + eagle: {"second"}, "level." + seed: {"second"}}, "超过了该等级的名额"},
	} {
		res := cl.form(w.path("awards"), bad.form)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, bad.want) || !strings.Contains(res.body, `id="awards-form"`) {
			t.Errorf("refused awards %v: %d %.300s", bad.form, res.status, res.body)
		}
	}
	if recorded, _ := h.store.RoundResults(context.Background(), w.contest.ID, "prelim"); len(recorded) != 0 {
		t.Fatalf("a refused confirmation recorded %+v", recorded)
	}
	res := cl.form(w.path("awards"), url.Values{"level." + eagle: {"third"}, "level." + seed: {"second"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != w.path("awards?confirmed=1") {
		t.Fatalf("confirm awards: %d %s", res.status, res.header.Get("Location"))
	}
	if page := cl.get(w.path("awards?confirmed=1")); !strings.Contains(page.body, `id="awards-confirmed"`) {
		t.Errorf("no confirmation shown: %.500s", page.body)
	}

	// Publication needs the box ticked.
	if res := cl.form(w.path("publish"), nil); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "公示后成绩不可更改") {
		t.Errorf("publish without confirming: %d %.300s", res.status, res.body)
	}
	res = cl.form(w.path("publish"), url.Values{"confirm": {"yes"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("publish: %d %.500s", res.status, res.body)
	}
	if page := cl.get(w.path("publish?published=1")); !strings.Contains(page.body, `id="published"`) || strings.Contains(page.body, `id="publish-form"`) {
		t.Errorf("publish page after publication: %.500s", page.body)
	}

	// The public page, without logging in: projects, organizations and prizes, no judges.
	public := h.client().get(fmt.Sprintf("/results/%d", w.contest.ID))
	if public.status != http.StatusOK {
		t.Fatalf("public results: %d %.300s", public.status, public.body)
	}
	for _, want := range []string{"智能巡检机器人", "芯算团队", "一等奖", "二等奖", "三等奖", "75.00", "团队组"} {
		if !strings.Contains(public.body, want) {
			t.Errorf("public results lack %q", want)
		}
	}
	// It states the publication's signed tree head, which receipts are checked against.
	var head struct {
		Size int64  `db:"tree_size"`
		Root []byte `db:"tree_root"`
	}
	if err := h.store.DB.Get(&head, `SELECT tree_size, tree_root FROM publications WHERE contest_id = $1`, w.contest.ID); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d · <code>%x</code>", head.Size, head.Root); !strings.Contains(public.body, want) {
		t.Errorf("public results lack the tree head %q", want)
	}
	// In plain words, with a full-width colon in Chinese and the way to check it.
	for _, want := range []string{fmt.Sprintf("公示记录指纹（共 %d 条审计记录），可公开核验", head.Size), "签名树头（记录数 · 根哈希）：",
		fmt.Sprintf(`<a href="/results/%s/verify">如何核验回执</a>`, w.contest.Slug),
		// The two entries at 60 share the group rank, and say so; the rule is stated.
		`<td data-label="组内名次">2 <span class="badge">并列</span></td>`, "得分相同的项目名次并列。",
		// One table per track, named.
		"<h4>新材料"} {
		if !strings.Contains(public.body, want) {
			t.Errorf("public results lack %q", want)
		}
	}
	if n := strings.Count(public.body, `<span class="badge">并列</span>`); n != 2 {
		t.Errorf("%d entries marked tied, want the two at 60", n)
	}
	for _, secret := range append(slices.Clone(w.judges), "J01", "J02", eagle, seed) {
		if strings.Contains(public.body, secret) {
			t.Errorf("public results show %q", secret)
		}
	}
	if en := h.client().get(fmt.Sprintf("/results/%d?lang=en", w.contest.ID)); !strings.Contains(en.body, "First prize") || !strings.Contains(en.body, "Rank in group") {
		t.Errorf("English public results: %.500s", en.body)
	}

	// Published means final, with a clear reason everywhere.
	reopen := cl.form(w.path("state"), url.Values{"state": {"open"}})
	if reopen.status != http.StatusConflict || !strings.Contains(reopen.body, "本轮成绩已公示") {
		t.Errorf("reopening a published round: %d %.300s", reopen.status, reopen.body)
	}
	api := cl.api(http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/rounds/prelim/state", w.contest.ID), map[string]string{"state": "open"})
	if api.status != http.StatusConflict || api.errorBody(t).Message != "本轮成绩已公示，不能再更改。" {
		t.Errorf("API reopening a published round: %d %s", api.status, api.body)
	}
	list, _ := h.store.Assignments(context.Background(), w.contest.ID, "prelim")
	api = cl.api(http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/assignments/%d/reopen", w.contest.ID, list[0].ID), map[string]string{"reason": "改分"})
	if api.status != http.StatusConflict {
		t.Errorf("reopening a sheet of a published round: %d %s", api.status, api.body)
	}
	if again := cl.form(w.path("awards"), url.Values{"level." + eagle: {"second"}, "level." + seed: {"third"}}); again.status != http.StatusConflict {
		t.Errorf("awards after publication: %d", again.status)
	}
	api = cl.api(http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/rounds/prelim/publish", w.contest.ID), nil)
	if api.status != http.StatusConflict {
		t.Errorf("publishing twice: %d %s", api.status, api.body)
	}
	var recorded struct {
		Results []results.RoundResult `json:"results"`
	}
	cl.get(fmt.Sprintf("/api/v1/contests/%d/rounds/prelim/results", w.contest.ID)).json(t, &recorded)
	if len(recorded.Results) != 4 || recorded.Results[0].AwardLevel != "first" || recorded.Results[0].PublishedAt == nil {
		t.Errorf("recorded results %+v", recorded.Results)
	}
}

// A pool's cut line falls inside a tie: the organizer ticks one of the tied
// entries on the advancement page; ticking both is refused with the reason.
func TestAdvancementPageDecidesTies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	w := newScoredWorldWithTwoSeats(t, h)
	cl := h.loggedIn(w.org)
	eagle, seed := w.codes["工业视觉质检"], w.codes["可降解包装材料"]
	page := cl.get(w.path("advancement"))
	if page.status != http.StatusOK || !strings.Contains(page.body, `name="chosen" value="`+eagle+`"`) || !strings.Contains(page.body, "至多 1 个") {
		t.Fatalf("advancement page %d: %.1500s", page.status, page.body)
	}
	res := cl.form(w.path("advancement"), url.Values{"chosen": {eagle, seed}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "超过剩余名额") && !strings.Contains(res.body, "多于剩余名额") {
		t.Errorf("two chosen for one seat: %d %.300s", res.status, res.body)
	}
	res = cl.form(w.path("advancement"), url.Values{"chosen": {seed}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != w.path("advancement?confirmed=1") {
		t.Fatalf("confirm advancement: %d %s", res.status, res.header.Get("Location"))
	}
	recorded, _ := h.store.RoundResults(ctx, w.contest.ID, "prelim")
	advanced := map[string]bool{}
	for _, r := range recorded {
		advanced[r.Code] = r.Advanced
	}
	if !advanced[seed] || advanced[eagle] || !advanced[w.codes["智能巡检机器人"]] || len(recorded) != 4 {
		t.Errorf("advanced %v", advanced)
	}
}

// The combined ranking page and API explain each entry's weighted score. With the
// preliminary weighing 100% the combined score is its score: 3 × 25 = 75.00.
func TestCombinedRankingPageAndAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newScoredWorld(t, h)
	cl := h.loggedIn(w.org)
	page := cl.get(fmt.Sprintf("/organizer/contests/%d/combined", w.contest.ID))
	if page.status != http.StatusOK || !strings.Contains(page.body, "100% × 75.00 = 75.00 → 75.00") || !strings.Contains(page.body, "芯算团队") {
		t.Fatalf("combined page %d: %.2000s", page.status, page.body)
	}
	var got results.CombinedRanking
	res := cl.get(fmt.Sprintf("/api/v1/contests/%d/combined-ranking", w.contest.ID))
	res.json(t, &got)
	if res.status != http.StatusOK || len(got.Entries) != 4 || got.Entries[0].Score != 7500 || got.Entries[1].Rank != 2 || got.Entries[2].Rank != 2 ||
		!slices.Equal(got.Ties, []int{2}) {
		t.Errorf("combined API %d %+v", res.status, got)
	}
}

// Prizes are the contest's: once a semifinal follows, the preliminary's awards
// page and API refuse plainly (409 with the reason, never a 500), and nothing is
// recorded. Confirming while the round is open for scoring is refused likewise.
func TestAwardsRefusedOnANonFinalOrOpenRound(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	w := newScoredWorld(t, h)
	cl := h.loggedIn(w.org)
	eagle, seed := w.codes["工业视觉质检"], w.codes["可降解包装材料"]
	choice := url.Values{"level." + eagle: {"third"}, "level." + seed: {"second"}}

	if err := h.store.SetRoundState(ctx, w.org.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	res := cl.form(w.path("awards"), choice)
	if res.status != http.StatusConflict || !strings.Contains(res.body, "本轮评审尚未结束") || !strings.Contains(res.body, `id="awards-form"`) {
		t.Errorf("awards on an open round: %d %.500s", res.status, res.body)
	}
	res = cl.form(w.path("advancement"), nil)
	if res.status != http.StatusConflict || !strings.Contains(res.body, "本轮评审尚未结束") {
		t.Errorf("advancement on an open round: %d %.500s", res.status, res.body)
	}
	if err := h.store.SetRoundState(ctx, w.org.ID, w.contest.ID, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}

	c, _ := h.store.Contest(ctx, w.contest.ID)
	semi := c.Rounds[0]
	semi.Key, semi.NameZh, semi.FinalWeight = "semi", "复赛", 0
	c.Rounds = append(c.Rounds, semi)
	c.Rounds[0].FinalWeight = 100
	if _, err := h.store.UpdateContest(ctx, w.org.ID, c.ID, c.Setup); err != nil {
		t.Fatal(err)
	}
	page := cl.get(w.path("awards"))
	if page.status != http.StatusConflict || !strings.Contains(page.body, "只能在最后一轮") {
		t.Errorf("awards page of a preliminary: %d %.500s", page.status, page.body)
	}
	// Only the last round's pages link to its awards.
	awardsLink := func(round string) string {
		return fmt.Sprintf(`href="/organizer/contests/%d/rounds/%s/awards"`, w.contest.ID, round)
	}
	if ranking := cl.get(w.path("ranking")); strings.Contains(ranking.body, awardsLink("prelim")) {
		t.Error("the preliminary's pages link to its awards")
	}
	semiPage := cl.get(fmt.Sprintf("/organizer/contests/%d/rounds/semi/progress", w.contest.ID))
	if !strings.Contains(semiPage.body, awardsLink("semi")) {
		t.Errorf("the last round's pages do not link to its awards: %.1500s", semiPage.body)
	}
	res = cl.form(w.path("awards"), choice)
	if res.status != http.StatusConflict || !strings.Contains(res.body, "只能在最后一轮") {
		t.Errorf("confirming a preliminary's awards: %d %.500s", res.status, res.body)
	}
	api := cl.api(http.MethodGet, fmt.Sprintf("/api/v1/contests/%d/rounds/prelim/awards", w.contest.ID), nil)
	if api.status != http.StatusConflict || api.errorBody(t).Code != "conflict" {
		t.Errorf("API award plan of a preliminary: %d %s", api.status, api.body)
	}
	if recorded, _ := h.store.RoundResults(ctx, w.contest.ID, "prelim"); len(recorded) != 0 {
		t.Errorf("refused awards recorded %+v", recorded)
	}
	// The preliminary's advancement is still confirmed as before.
	if res := cl.form(w.path("advancement"), nil); res.status != http.StatusSeeOther {
		t.Errorf("advancement of the preliminary: %d %.500s", res.status, res.body)
	}
	if en := cl.get(w.path("awards?lang=en")); en.status != http.StatusConflict || !strings.Contains(en.body, "last round") {
		t.Errorf("English awards page of a preliminary: %d %.500s", en.status, en.body)
	}
}
