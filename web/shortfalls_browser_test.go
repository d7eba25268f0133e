package web_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest/contesttest"
	"podium/contest/judging"
)

// An organizer at a desktop meets a round that could not be fully assigned:
// the assignments page tells why in Chinese, naming entries by code and title;
// the progress page lists the entries short of reviews with their decision
// forms; accepting one with a reason in the browser records it; the ranking
// shows the rule applied and the entry not scored; publication is refused
// naming the entry still undecided; the organizer's home lists it too.
func TestBrowserShortfallPages(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	w := newShortWorld(t, h, 4)
	run, err := h.store.StartAssignment(ctx, w.org.ID, w.contest.ID, "prelim", 3)
	if err != nil {
		t.Fatal(err)
	}
	if run, err = h.store.RunAssignment(ctx, w.org.ID, w.contest.ID, "prelim", run.ID); err != nil || run.State != judging.RunPartial {
		t.Fatalf("run %+v %v", run, err)
	}
	w.score(t, h)
	if res := h.loggedIn(w.org).api("POST", w.api("advancement"), nil); res.status != 200 {
		t.Fatalf("advancement %d %s", res.status, res.body)
	}
	base := h.http.URL + w.path("")
	few := fmt.Sprint(w.entries["可降解包装材料"])

	b := newBrowser(t, 1440, 900)
	sctx, cancel := context.WithTimeout(b, 45*time.Second)
	defer cancel()
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(sctx, steps...); err != nil {
			saveScreenshot(t, b, "shortfall-failure.png")
			t.Fatalf("browser, %s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(sctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	shot := func(name string) {
		t.Helper()
		if dir := os.Getenv("PODIUM_SCREENSHOT_DIR"); dir != "" {
			png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
			if err == nil {
				err = os.WriteFile(dir+"/"+name, png, 0o644)
			}
			if err != nil {
				t.Error(err)
			}
		}
	}
	step("login",
		chromedp.Navigate(h.http.URL+"/login"),
		chromedp.SendKeys(`input[name=login]`, "org@example.com"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`a[href="/organizer/contests/new"]`))
	step("assignments", chromedp.Navigate(fmt.Sprintf("%sassignments?run=%d", base, run.ID)), chromedp.WaitVisible(`#run-report`))
	report := text(`#run-report`)
	shot("shortfall-assignments.png")
	step("progress", chromedp.Navigate(base+"progress"), chromedp.WaitVisible(`#reviews`))
	progress := text(`#reviews`)
	shot("shortfall-progress.png")
	step("accept",
		chromedp.SendKeys(`tr[data-entry="`+few+`"] form[action$="/accept"] input[name=reason]`, "仅 4 位专家可评，组委会同意按 4 份计分"),
		chromedp.Click(`tr[data-entry="`+few+`"] form[action$="/accept"] button`),
		chromedp.WaitVisible(`#reviews p.notice`))
	shot("shortfall-progress-accepted.png")
	step("ranking", chromedp.Navigate(base+"ranking"), chromedp.WaitVisible(`tr.not-scored`))
	ranking := text(`table.list`)
	shot("shortfall-ranking.png")
	step("publish",
		chromedp.Navigate(base+"publish"),
		chromedp.Click(`#publish-form input[name=confirm]`),
		chromedp.Click(`#publish-form button[type=submit]`),
		chromedp.WaitVisible(`p.error[role=alert]`))
	publish := text(`main`)
	shot("shortfall-publish-refused.png")
	step("home", chromedp.Navigate(h.http.URL+"/organizer"), chromedp.WaitVisible(`a[href="/organizer/contests/new"]`))
	home := text(`main`)
	shot("shortfall-organizer-home.png")
	step("English", chromedp.Navigate(fmt.Sprintf("%sassignments?run=%d&lang=en", base, run.ID)), chromedp.WaitVisible(`#run-report`))
	english := text(`#run-report`)
	shot("shortfall-assignments-en.png")

	none := w.codes["校园共享储能"] + "《校园共享储能》"
	wantIn(t, "run report", report, none, "还差 5 位专家")
	wantNotIn(t, "run report", report, "entry ", "needs ")
	wantIn(t, "reviews on the progress page", progress, w.codes["校园共享储能"], "校园共享储能", "未评分，待处理", "缺额，待处理")
	wantIn(t, "ranking", ranking, "未评分", "只收到 4 份，因此取算术平均", "缺额已由 赵组织 于")
	wantIn(t, "refused publication", publish, "不能公示", none)
	wantNotIn(t, "refused publication", publish, "可降解包装材料》、") // accepted: no longer listed
	wantIn(t, "organizer home", home, none)
	wantIn(t, "English run report", english, w.codes["校园共享储能"]+" “校园共享储能”: 5 of its 5 experts missing")
	if e := reviewsOfEntry(t, h, w, "可降解包装材料"); e.Status != judging.ReviewsAccepted || !strings.Contains(e.Decision.Reason, "组委会") {
		t.Errorf("after accepting in the browser: %+v", e)
	}
}

func reviewsOfEntry(t *testing.T, h *harness, w shortWorld, title string) judging.EntryReviews {
	t.Helper()
	all, err := h.store.RoundReviews(context.Background(), w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.EntryID == w.entries[title] {
			return e
		}
	}
	t.Fatalf("%s not in the round", title)
	return judging.EntryReviews{}
}
