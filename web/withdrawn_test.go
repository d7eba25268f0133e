package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"podium/contest/judging"
)

// An entry withdrawn from the round after a judge scored it shows its own
// state, with the reason, on the ranking page and in the API, not "not scored".
func TestWithdrawnEntryShowsItsOwnState(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newShortWorld(t, h, 4)
	org := h.loggedIn(w.org)
	if res := org.form(w.path("runs"), url.Values{"seed": {"3"}}); res.status != http.StatusSeeOther {
		t.Fatalf("run: %d %s", res.status, res.body)
	}
	waitForRuns(t, h)
	w.score(t, h)
	short, code := fmt.Sprint(w.entries["可降解包装材料"]), w.codes["可降解包装材料"] // 4 of 5 reviews, scored
	const reason = "经组委会研究不参加本轮"
	if res := org.api(http.MethodPost, w.api("reviews/"+short+"/withdraw"), map[string]string{"reason": reason}); res.status != http.StatusOK {
		t.Fatalf("withdrawal: %d %s", res.status, res.body)
	}
	row := regexp.MustCompile(`(?s)<tr class="[^"]*" data-code="` + code + `".*?</tr>`)
	page := org.get(w.path("ranking"))
	got := row.FindString(page.body)
	wantIn(t, "the withdrawn entry's row", got, `data-status="withdrawn"`, "已撤出本轮", "决定退出本轮："+reason)
	wantNotIn(t, "the withdrawn entry's row", got, "未评分")
	en := h.loggedIn(w.org).get(w.path("ranking") + "?lang=en")
	wantIn(t, "the withdrawn entry's row in English", row.FindString(en.body), "Withdrawn from the round", reason)

	var api struct {
		NotScored []judging.EntryReviews `json:"not_scored"`
		Withdrawn []judging.EntryReviews `json:"withdrawn"`
	}
	org.get(w.api("ranking")).json(t, &api)
	if len(api.Withdrawn) != 1 || api.Withdrawn[0].Code != code || api.Withdrawn[0].Decision.Reason != reason {
		t.Errorf("ranking API: withdrawn %+v", api.Withdrawn)
	}
	for _, e := range api.NotScored {
		if e.Code == code {
			t.Errorf("ranking API: the withdrawn entry is not scored: %+v", e)
		}
	}
	// The progress page says the same.
	wantIn(t, "progress page", org.get(w.path("progress")).body, "已撤出本轮")
}
