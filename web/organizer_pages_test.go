package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/contesttest"
	"podium/contest/judging"
)

// nameInEnglish gives the scored world's round, tracks and groups English names.
func nameInEnglish(t *testing.T, h *harness, w scoredWorld) {
	t.Helper()
	ctx := context.Background()
	c, err := h.store.Contest(ctx, w.contest.ID)
	if err != nil {
		t.Fatal(err)
	}
	c.Rounds[0].NameEn = "Preliminary"
	english := map[string]string{"manufacturing": "Smart manufacturing", "materials": "New materials", "enterprise": "Enterprise", "team": "Team"}
	for _, cats := range [][]contest.Category{c.Tracks, c.Groups} {
		for i := range cats {
			cats[i].NameEn = english[cats[i].Key]
		}
	}
	if _, err := h.store.UpdateContest(ctx, w.org.ID, c.ID, c.Setup); err != nil {
		t.Fatal(err)
	}
}

// The ranking page speaks the reader's language: the round's name in the
// heading, the tracks and groups in the filters and in the table, by name, not key.
func TestRankingPageNamesInReadersLanguage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newScoredWorld(t, h)
	nameInEnglish(t, h, w)
	cl := h.loggedIn(w.org)

	en := cl.get(w.path("ranking?lang=en"))
	if en.status != http.StatusOK {
		t.Fatalf("English ranking page: %d %.500s", en.status, en.body)
	}
	for _, want := range []string{"<h1>Preliminary · ", `<option value="materials">New materials</option>`, `<option value="team">Team</option>`, "<td>New materials/Team</td>"} {
		if !strings.Contains(en.body, want) {
			t.Errorf("English ranking page lacks %q", want)
		}
	}
	for _, unwanted := range []string{"初赛", "新材料", "团队组", "<td>materials/team</td>"} {
		if strings.Contains(en.body, unwanted) {
			t.Errorf("English ranking page shows %q", unwanted)
		}
	}

	zh := cl.get(w.path("ranking?lang=zh-CN"))
	for _, want := range []string{"<h1>初赛 · ", `<option value="materials">新材料</option>`, "<td>新材料/团队组</td>"} {
		if !strings.Contains(zh.body, want) {
			t.Errorf("Chinese ranking page lacks %q", want)
		}
	}
	if strings.Contains(zh.body, "Preliminary") {
		t.Error("Chinese ranking page shows the English round name")
	}
}

// The combined ranking is offered only when some round has a final weight;
// without weights its page explains where they are set instead of failing, and
// its empty table spans every column, one per weighted round.
func TestCombinedRankingOnlyWithWeights(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("weights")
	final := setup.Rounds[0]
	final.Key, final.NameZh = "final", "决赛"
	setup.Rounds = append(setup.Rounds, final)
	c, err := h.store.CreateContest(ctx, org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	cl := h.loggedIn(org)
	combined := fmt.Sprintf("/organizer/contests/%d/combined", c.ID)
	ranking := fmt.Sprintf("/organizer/contests/%d/rounds/prelim/ranking", c.ID)

	if page := cl.get(ranking); page.status != http.StatusOK || strings.Contains(page.body, `href="`+combined+`"`) {
		t.Errorf("ranking page without weights offers the combined ranking: %d", page.status)
	}
	if page := cl.get(fmt.Sprintf("/organizer/contests/%d/rounds/prelim/advancement", c.ID)); strings.Contains(page.body, `href="`+combined+`"`) {
		t.Error("advancement page without weights offers the combined ranking")
	}
	page := cl.get(combined)
	if page.status != http.StatusOK || !strings.Contains(page.body, `id="combined-no-weights"`) || !strings.Contains(page.body, "赛事设置") ||
		!strings.Contains(page.body, fmt.Sprintf(`href="/organizer/contests/%d"`, c.ID)) || strings.Contains(page.body, `id="combined"`) {
		t.Fatalf("combined page without weights: %d %.1500s", page.status, page.body)
	}

	setup.Rounds[0].FinalWeight, setup.Rounds[1].FinalWeight = 30, 70
	if _, err := h.store.UpdateContest(ctx, org.ID, c.ID, setup); err != nil {
		t.Fatal(err)
	}
	if page := cl.get(ranking); !strings.Contains(page.body, `href="`+combined+`"`) {
		t.Error("ranking page with weights does not offer the combined ranking")
	}
	page = cl.get(combined)
	// Rank in pool, rank, title, organization, group/track, two rounds, score, explanation.
	if page.status != http.StatusOK || !strings.Contains(page.body, `<td colspan="9" class="empty">`) || strings.Contains(page.body, `id="combined-no-weights"`) {
		t.Fatalf("combined page with two weighted rounds and no scores: %d %.2000s", page.status, page.body)
	}
}

// selectedIn returns the option selected in the named select of a page, or "".
func selectedIn(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select name="` + regexp.QuoteMeta(name) + `"[^>]*>(.*?)</select>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no select %s", name)
	}
	if sel := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[1]); sel != nil {
		return sel[1]
	}
	return ""
}

// Coming back to the advancement and awards pages shows the choices recorded
// for tied entries, so confirming again keeps them rather than dropping them.
func TestDecisionPagesShowRecordedTieChoices(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	w := newScoredWorldWithTwoSeats(t, h)
	cl := h.loggedIn(w.org)
	eagle, seed := w.codes["工业视觉质检"], w.codes["可降解包装材料"]
	box := func(code string) string { return `name="chosen" value="` + code + `"` }

	page := cl.get(w.path("advancement"))
	if !strings.Contains(page.body, box(eagle)+">") || !strings.Contains(page.body, box(seed)+">") {
		t.Fatalf("nothing recorded yet, yet a tied entry is ticked: %.2000s", page.body)
	}
	// A refused form comes back as it was sent.
	if res := cl.form(w.path("advancement"), url.Values{"chosen": {eagle, seed}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, box(eagle)+" checked>") || !strings.Contains(res.body, box(seed)+" checked>") {
		t.Errorf("refused advancement: %d %.2000s", res.status, res.body)
	}
	if res := cl.form(w.path("advancement"), url.Values{"chosen": {seed}}); res.status != http.StatusSeeOther {
		t.Fatalf("confirm advancement: %d %.500s", res.status, res.body)
	}
	page = cl.get(w.path("advancement"))
	if !strings.Contains(page.body, box(seed)+" checked>") || strings.Contains(page.body, box(eagle)+" checked>") {
		t.Errorf("advancement page does not show the recorded choice: %.2000s", page.body)
	}
	// Confirming again as the page stands keeps the tied entry advanced.
	ticked := regexp.MustCompile(`name="chosen" value="([^"]+)" checked>`).FindAllStringSubmatch(page.body, -1)
	var again []string
	for _, m := range ticked {
		again = append(again, m[1])
	}
	if res := cl.form(w.path("advancement"), url.Values{"chosen": again}); res.status != http.StatusSeeOther {
		t.Fatalf("confirm again: %d %.500s", res.status, res.body)
	}
	recorded, _ := h.store.RoundResults(ctx, w.contest.ID, "prelim")
	for _, r := range recorded {
		if r.Code == seed && !r.Advanced {
			t.Error("confirming the page again dropped the tied entry chosen before")
		}
	}

	page = cl.get(w.path("awards"))
	if got := selectedIn(t, page.body, "level."+seed); got != "" {
		t.Errorf("no award recorded yet, yet %q is selected", got)
	}
	// Advancement alone records no prize: still nothing selected.
	if got := selectedIn(t, page.body, "level."+eagle); got != "" {
		t.Errorf("no award recorded yet, yet %q is selected", got)
	}
	if res := cl.form(w.path("awards"), url.Values{"level." + eagle: {"none"}, "level." + seed: {"second"}}); res.status != http.StatusSeeOther {
		t.Fatalf("confirm awards: %d %.500s", res.status, res.body)
	}
	page = cl.get(w.path("awards"))
	chosen := url.Values{}
	for code, want := range map[string]string{seed: "second", eagle: "none"} {
		got := selectedIn(t, page.body, "level."+code)
		if got != want {
			t.Errorf("awards page selects %q for %s, recorded %s", got, code, want)
		}
		chosen.Set("level."+code, got)
	}
	// Confirming the page as it stands records the same awards again.
	if res := cl.form(w.path("awards"), chosen); res.status != http.StatusSeeOther {
		t.Fatalf("confirm awards again: %d %.500s", res.status, res.body)
	}
	recorded, _ = h.store.RoundResults(ctx, w.contest.ID, "prelim")
	for _, r := range recorded {
		if r.Code == seed && r.AwardLevel != "second" || r.Code == eagle && r.AwardLevel != "" {
			t.Errorf("after confirming again %s has %q", r.Code, r.AwardLevel)
		}
	}
}

var anchorHref = regexp.MustCompile(`<a\s[^>]*href="(/[^"]*)"`)

// Every organizer page of a round, the combined ranking and the audit log are
// reached by clicking from /organizer: the test follows the links of each page
// it reaches, breadth first, as an organizer would, and never types an address.
func TestOrganizerPagesReachableByLinks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newScoredWorld(t, h)
	cl := h.loggedIn(w.org)
	contestPath := fmt.Sprintf("/organizer/contests/%d", w.contest.ID)
	want := []string{w.path("assignments"), w.path("progress"), w.path("ranking"), w.path("advancement"), w.path("awards"),
		w.path("publish"), contestPath + "/combined", contestPath + "/audit"}

	from := map[string]string{"/organizer": ""} // page → the page whose link led to it
	queue := []string{"/organizer"}
	for len(queue) > 0 && len(from) < 300 {
		page := queue[0]
		queue = queue[1:]
		res := cl.get(page)
		if res.status != http.StatusOK {
			t.Errorf("%s (linked from %s): %d", page, from[page], res.status)
			continue
		}
		for _, m := range anchorHref.FindAllStringSubmatch(res.body, -1) {
			link := html.UnescapeString(m[1])
			if !strings.HasPrefix(link, "/organizer") {
				continue // public results, API downloads, other areas
			}
			if _, seen := from[link]; !seen {
				from[link] = page
				queue = append(queue, link)
			}
		}
	}
	for _, target := range want {
		if _, ok := from[target]; !ok {
			t.Errorf("no link leads from /organizer to %s", target)
			continue
		}
		var trail []string
		for p := target; p != ""; p = from[p] {
			trail = append([]string{p}, trail...)
		}
		t.Logf("%s", strings.Join(trail, " → "))
	}
}

// An organizer reopens a submitted sheet from the progress page: without a
// reason nothing changes and the page says why; with one the sheet is
// reopened and audited. A published round offers no reopening.
func TestReopenSheetFromProgressPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	w := newScoredWorld(t, h)
	cl := h.loggedIn(w.org)
	list, err := h.store.Assignments(ctx, w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	target := list[0]
	sheetState := func() string {
		var state string
		if err := h.store.DB.Get(&state, `SELECT state FROM score_sheets WHERE assignment_id = $1`, target.ID); err != nil {
			t.Fatal(err)
		}
		return state
	}
	reopenedRecords := func() int {
		recs, err := h.store.Records(ctx, w.contest.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range recs {
			if r.Action == audit.ScoreReopened {
				n++
			}
		}
		return n
	}

	page := cl.get(w.path("progress"))
	form := fmt.Sprintf(`action="/organizer/contests/%d/rounds/prelim/reopen"`, w.contest.ID)
	option := fmt.Sprintf(`<option value="%d">%s</option>`, target.ID, target.ExpertName)
	if page.status != http.StatusOK || !strings.Contains(page.body, form) || !strings.Contains(page.body, option) {
		t.Fatalf("progress page offers no reopening of sheet %d by %s: %d %.3000s", target.ID, target.ExpertName, page.status, page.body)
	}

	res := cl.form(w.path("reopen"), url.Values{"assignment": {itoa(target.ID)}, "reason": {"  "}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="reopen-error"`) || !strings.Contains(res.body, "请填写退回理由") {
		t.Errorf("reopen without a reason: %d %.2000s", res.status, res.body)
	}
	if state := sheetState(); state != "submitted" || reopenedRecords() != 0 {
		t.Fatalf("a refused reopen changed the sheet (%s) or the audit log", state)
	}

	// A form posted under another round's address does not reach this round's sheet.
	other := fmt.Sprintf("/organizer/contests/%d/rounds/semi/reopen", w.contest.ID)
	if res := cl.form(other, url.Values{"assignment": {itoa(target.ID)}, "reason": {"换个轮次"}}); res.status < 400 {
		t.Errorf("reopen under another round: %d", res.status)
	}
	if state := sheetState(); state != "submitted" || reopenedRecords() != 0 {
		t.Fatalf("a reopen under another round changed the sheet (%s) or the audit log", state)
	}

	res = cl.form(w.path("reopen"), url.Values{"assignment": {itoa(target.ID)}, "reason": {"评委误填市场分"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != w.path("progress?reopened=1") {
		t.Fatalf("reopen: %d %s %.500s", res.status, res.header.Get("Location"), res.body)
	}
	if state := sheetState(); state != "reopened" || reopenedRecords() != 1 {
		t.Errorf("after reopening the sheet is %s, with %d score.reopened records", state, reopenedRecords())
	}
	page = cl.get(w.path("progress?reopened=1"))
	if !strings.Contains(page.body, `id="reopened"`) || strings.Contains(page.body, option) {
		t.Errorf("progress page after reopening: %.3000s", page.body)
	}
	// The same form sent again (a stale page) is refused on the page, not with an error page.
	res = cl.form(w.path("reopen"), url.Values{"assignment": {itoa(target.ID)}, "reason": {"again"}})
	if res.status != http.StatusConflict || !strings.Contains(res.body, `id="reopen-error"`) || !strings.Contains(res.body, "该评分表尚未提交") {
		t.Errorf("reopening twice: %d %.1000s", res.status, res.body)
	}

	// Published rounds are final: no form, and a forged one is refused with the reason.
	w2h := newHarness(t)
	w2 := newScoredWorld(t, w2h)
	cl2 := w2h.loggedIn(w2.org)
	tie := map[string]string{w2.codes["工业视觉质检"]: "third", w2.codes["可降解包装材料"]: "second"}
	if _, err := w2h.store.ConfirmAwards(ctx, w2.org.ID, w2.contest.ID, "prelim", tie); err != nil {
		t.Fatal(err)
	}
	if _, err := w2h.store.PublishResults(ctx, w2.org.ID, w2.contest.ID, "prelim"); err != nil {
		t.Fatal(err)
	}
	if page := cl2.get(w2.path("progress")); page.status != http.StatusOK || strings.Contains(page.body, `/reopen"`) {
		t.Errorf("published round's progress page offers reopening: %d", page.status)
	}
	list2, _ := w2h.store.Assignments(ctx, w2.contest.ID, "prelim")
	res = cl2.form(w2.path("reopen"), url.Values{"assignment": {itoa(list2[0].ID)}, "reason": {"改分"}})
	if res.status != http.StatusConflict || !strings.Contains(res.body, "本轮成绩已公示") {
		t.Errorf("reopening in a published round: %d %.1000s", res.status, res.body)
	}
}

// The API reopens a sheet by the progress page's rule: the sheet of an
// assignment the organizers removed is not one the round counts, so it is not
// there to reopen (the form, too, refuses it), and a published round's sheets
// are final.
func TestReopenSheetOverTheAPIKeepsTheFormsRule(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	w := newScoredWorld(t, h)
	cl := h.loggedIn(w.org)
	list, err := h.store.Assignments(ctx, w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	removed := list[0]
	if err := h.store.RemoveAssignment(ctx, w.org.ID, w.contest.ID, removed.ID, "换人"); err != nil {
		t.Fatal(err)
	}
	sheetState := func(assignment int64) string {
		var state string
		if err := h.store.DB.Get(&state, `SELECT state FROM score_sheets WHERE assignment_id = $1`, assignment); err != nil {
			t.Fatal(err)
		}
		return state
	}
	reopen := func(assignment int64) response {
		return cl.api(http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/assignments/%d/reopen", w.contest.ID, assignment),
			map[string]string{"reason": "改分"})
	}
	res := reopen(removed.ID)
	if d := res.errorBody(t); res.status != http.StatusNotFound || d.Message != "该评分表尚未提交。" {
		t.Errorf("API reopening a removed assignment's sheet: %d %s", res.status, res.body)
	}
	if res := cl.form(w.path("reopen"), url.Values{"assignment": {itoa(removed.ID)}, "reason": {"改分"}}); res.status != http.StatusConflict {
		t.Errorf("form reopening a removed assignment's sheet: %d", res.status)
	}
	if state := sheetState(removed.ID); state != "submitted" {
		t.Errorf("a refused reopen left the sheet %s", state)
	}

	// The entry goes on with the review it has left, and the round is published.
	if _, err := h.store.AcceptShortfall(ctx, w.org.ID, w.contest.ID, "prelim", removed.EntryID, "一位评委的评分作废"); err != nil {
		t.Fatal(err)
	}
	plan, _, err := h.store.AwardPlan(ctx, w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	tie := map[string]string{} // any tie's places left vacant
	for _, p := range plan {
		for _, t := range p.Ties {
			for _, code := range t.Entries {
				tie[code] = "none"
			}
		}
	}
	if _, err := h.store.ConfirmAwards(ctx, w.org.ID, w.contest.ID, "prelim", tie); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.PublishResults(ctx, w.org.ID, w.contest.ID, "prelim"); err != nil {
		t.Fatal(err)
	}
	var kept int64
	for _, a := range list[1:] {
		if a.State == judging.AssignmentActive {
			kept = a.ID
			break
		}
	}
	res = reopen(kept)
	if d := res.errorBody(t); res.status != http.StatusConflict || d.Message != "本轮成绩已公示，不能再更改。" {
		t.Errorf("API reopening in a published round: %d %s", res.status, res.body)
	}
	if state := sheetState(kept); state != "submitted" {
		t.Errorf("a refused reopen left the sheet %s", state)
	}
}

// A judge flagged as lenient or severe is named for the organizers (the
// aliases stay in exports and explanations), so someone can speak to them.
func TestRankingPageNamesFlaggedJudges(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newScoredWorld(t, h) // 甲 marks every entry one point high, 乙 one point low
	page := h.loggedIn(w.org).get(w.path("ranking"))
	for _, judge := range w.judges {
		if !regexp.MustCompile(`<li data-judge="J0[12]" data-kind="(lenient|severe)">J0[12] \(` + judge + `\)：`).MatchString(page.body) {
			t.Errorf("the flag on %s does not name them:\n%.2000s", judge, page.body)
		}
	}
}
