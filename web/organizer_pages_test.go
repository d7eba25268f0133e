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
	"podium/contest/contesttest"
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
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, contest.RoleOrganizer, "org@example.com")
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
	h := newHarness(t)
	ctx := context.Background()
	w := newScoredWorld(t, h)
	c, _ := h.store.Contest(ctx, w.contest.ID)
	two := 2
	c.Rounds[0].AdvanceCount = &two // 75, then 60 and 60 for one seat
	if _, err := h.store.UpdateContest(ctx, w.org.ID, c.ID, c.Setup); err != nil {
		t.Fatal(err)
	}
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
	results, _ := h.store.RoundResults(ctx, w.contest.ID, "prelim")
	for _, r := range results {
		if r.Code == seed && !r.Advanced {
			t.Error("confirming the page again dropped the tied entry chosen before")
		}
	}

	page = cl.get(w.path("awards"))
	if got := selectedIn(t, page.body, "level."+seed); got != "" {
		t.Errorf("no award recorded yet, yet %q is selected", got)
	}
	if res := cl.form(w.path("awards"), url.Values{"level." + eagle: {"third"}, "level." + seed: {"second"}}); res.status != http.StatusSeeOther {
		t.Fatalf("confirm awards: %d %.500s", res.status, res.body)
	}
	page = cl.get(w.path("awards"))
	if got := selectedIn(t, page.body, "level."+seed); got != "second" {
		t.Errorf("awards page selects %q for %s, recorded second", got, seed)
	}
	if got := selectedIn(t, page.body, "level."+eagle); got != "third" {
		t.Errorf("awards page selects %q for %s, recorded third", got, eagle)
	}
}

var anchorHref = regexp.MustCompile(`<a\s[^>]*href="(/[^"]*)"`)

// Every organizer page of a round, the combined ranking and the audit log are
// reached by clicking from /organizer: the test follows the links of each page
// it reaches, breadth first, as an organizer would, and never types an address.
func TestOrganizerPagesReachableByLinks(t *testing.T) {
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
