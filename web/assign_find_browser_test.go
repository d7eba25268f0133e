package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"podium/contest/contesttest"
)

// An organizer finds an entry to assign by typing part of its code: the
// list narrows to it and it is chosen.
func TestBrowserAssignFindsEntryByCode(t *testing.T) {
	h := newHarness(t)
	w := newJudging(t, h, "find-entry", 2)
	var code string
	if err := h.store.DB.Get(&code, `SELECT code FROM blind_codes b JOIN rounds r ON r.id = b.round_id WHERE r.contest_id = $1 LIMIT 1`, w.contest.ID); err != nil {
		t.Fatal(err)
	}
	desk := newBrowser(t, 1440, 900)
	page := fmt.Sprintf("%s/organizer/contests/%d/rounds/prelim/assignments", h.http.URL, w.contest.ID)
	if err := chromedp.Do(desk, chromedp.EmulateViewport(1440, 900),
		chromedp.Navigate(h.http.URL+"/login"),
		chromedp.SendKeys(`input[name=login]`, "org@example.com"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`a[href="/organizer/contests/new"]`),
		chromedp.Navigate(page),
		chromedp.WaitVisible(`input[data-filter-select=entry]`),
		chromedp.SendKeys(`input[data-filter-select=entry]`, code[len(code)-3:])); err != nil {
		t.Fatal(err)
	}
	chosen, err := chromedp.Run(desk, chromedp.Evaluate[string](`(() => { const s = document.querySelector("select[name=entry]"); return s.options[s.selectedIndex].textContent; })()`))
	if err != nil || len(chosen) == 0 || !strings.Contains(chosen, code) {
		t.Errorf("typing %q chose %q (%v), want the entry %s", code[len(code)-3:], chosen, err, code)
	}
	saveScreenshot(t, desk, "assign-find-entry.png")
}
