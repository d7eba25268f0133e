package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Assigning by hand: an expert already on the entry is refused for that
// reason (not for the reviews the entry already has), with or without
// override; a successful assignment is confirmed by the expert's name and
// the entry's code, in both languages.
func TestHandAssignmentSaysWhyAndConfirms(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "hand", 2) // one entry, both judges on it: its 2 reviews
	org := h.loggedIn(w.org)
	base := fmt.Sprintf("/organizer/contests/%d/rounds/prelim/assignments", w.contest.ID)
	var entry int64
	var code string
	if err := h.store.DB.QueryRow(`SELECT b.entry_id, b.code FROM blind_codes b JOIN rounds r ON r.id = b.round_id WHERE r.contest_id = $1`, w.contest.ID).Scan(&entry, &code); err != nil {
		t.Fatal(err)
	}
	for _, override := range []string{"", "1"} {
		res := org.form(base, url.Values{"entry": {fmt.Sprint(entry)}, "expert": {fmt.Sprint(w.judges[0].expert)}, "override": {override}})
		if res.status != http.StatusConflict || !strings.Contains(res.body, "该专家已评审此项目。") || strings.Contains(res.body, "份评审。") {
			t.Errorf("the same expert again (override %q): %d %.3000s", override, res.status, res.body)
		}
	}
	// Taken off, then assigned again by hand: the page confirms it by name and code.
	if res := org.form(fmt.Sprintf("%s/%d/remove", base, w.judges[1].assignment), url.Values{"reason": {"换人"}}); res.status != http.StatusSeeOther {
		t.Fatalf("remove: %d %.2000s", res.status, res.body)
	}
	res := org.form(base, url.Values{"entry": {fmt.Sprint(entry)}, "expert": {fmt.Sprint(w.judges[1].expert)}})
	if res.status != http.StatusSeeOther || !strings.HasSuffix(res.header.Get("Location"), "#hand-assign") {
		t.Fatalf("assign: %d %s %.2000s", res.status, res.header.Get("Location"), res.body)
	}
	page := org.get(res.header.Get("Location"))
	if want := fmt.Sprintf(`<p class="notice" role="status" id="assign-added">已分配：评委2号 评审 %s（`, code); !strings.Contains(page.body, want) {
		t.Errorf("no confirmation %q: %.6000s", want, page.body)
	}
	en := org.get(res.header.Get("Location"), "Accept-Language", "en")
	if want := fmt.Sprintf(`Assigned: 评委2号 reviews %s (`, code); !strings.Contains(en.body, want) {
		t.Errorf("no English confirmation %q: %.6000s", want, en.body)
	}
	// The pair just made cannot be made twice.
	if res := org.form(base, url.Values{"entry": {fmt.Sprint(entry)}, "expert": {fmt.Sprint(w.judges[1].expert)}}); res.status != http.StatusConflict {
		t.Fatalf("again: %d", res.status)
	}
	// Without a fresh assignment, no confirmation.
	if page := org.get(base); strings.Contains(page.body, `id="assign-added"`) {
		t.Error("a confirmation with nothing assigned")
	}
}
