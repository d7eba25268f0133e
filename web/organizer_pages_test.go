package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"podium/contest"
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
