package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jmoiron/sqlx"

	"podium/contest/access"
	"podium/contest/judging"
	"podium/scoring"
)

// The tablet acts on a 409's reason: a submission still being processed
// ("in_progress") is sent again later, as is, without asking for the sheet; a
// sheet already submitted by another device ("already_submitted") is done:
// the page fetches the stored sheet, shows it, and sends nothing more.
//
// The server sees every request the page makes (its service worker's too), so
// the test watches them there, in front of the real handler.
func TestBrowserJudgeActsOnConflictReasons(t *testing.T) {
	h := newHarness(t)
	w := newJudging(t, h, "conflict-browser", 2)
	ctx := context.Background()

	var (
		mu   sync.Mutex
		seen []string              // "METHOD path" of the judge API requests, in order
		hold func(r *http.Request) // runs before a request is served
	)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/v1/judge/assignments/") {
			mu.Lock()
			seen = append(seen, r.Method+" "+r.URL.Path)
			f := hold
			mu.Unlock()
			if f != nil {
				f(r)
			}
		}
		h.server.Handler().ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	requests := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}

	b := newBrowser(t, 820, 1180)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(b, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			saveScreenshot(t, b, "judge-conflict-failure.png")
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(b, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	poll := func(what, cond string) {
		t.Helper()
		do(what, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(8*time.Second))(ctx, tg)
			return err
		}))
	}
	// open logs the judge in with the invite link and types marks on the sheet.
	open := func(seat judgeSeat) {
		t.Helper()
		do("open the sheet",
			chromedp.Navigate(srv.URL+"/invite/"+seat.token),
			chromedp.Click(`form[action^="/invite/"] button[type=submit]`),
			chromedp.WaitVisible(fmt.Sprintf(`a.task[href="/judge/assignments/%d"]`, seat.assignment)),
			chromedp.Navigate(fmt.Sprintf("%s/judge/assignments/%d", srv.URL, seat.assignment)),
			chromedp.WaitVisible(`form.sheet[data-ready="1"]`),
			chromedp.SendKeys(`input[name="mark.tech"]`, "30"),
			chromedp.SendKeys(`input[name="mark.market"]`, "20"),
			chromedp.SendKeys(`input[name="mark.team"]`, "25"),
		)
	}
	submit := chromedp.Tap(`form.sheet button[type=submit]`)
	// after returns the requests made since the first n.
	after := func(n int) []string { return requests()[n:] }
	count := func(list []string, req string) (k int) {
		for _, s := range list {
			if s == req {
				k++
			}
		}
		return k
	}

	t.Run("in_progress", func(t *testing.T) {
		seat := w.judges[0]
		open(seat)
		sheet := fmt.Sprintf("POST /api/v1/judge/assignments/%d/sheet", seat.assignment)
		// The first try meets a twin still being processed: the key's lock is
		// taken, as the submission's statement takes it, until the page tries again.
		var (
			twin *sqlx.Tx
			keys []string
		)
		mu.Lock()
		hold = func(r *http.Request) {
			if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/sheet") {
				return
			}
			key := r.Header.Get("Idempotency-Key")
			keys = append(keys, key)
			if len(keys) == 1 {
				twin = h.store.DB.MustBeginTx(ctx, nil)
				twin.MustExec(`SELECT pg_advisory_xact_lock(hashtextextended($1, $2))`, key, seat.account.ID)
			} else if twin != nil {
				_ = twin.Rollback()
				twin = nil
			}
		}
		mu.Unlock()
		start := len(requests())
		do("submit", submit, chromedp.WaitVisible(`.confirm-submit .confirm-yes`), chromedp.Tap(`.confirm-submit .confirm-yes`))
		poll("submitted", `document.querySelector("form.sheet").dataset.state === "submitted"`)
		mu.Lock()
		hold = nil
		mu.Unlock()

		got := after(start)
		if count(got, sheet) != 2 || len(keys) != 2 || keys[0] != keys[1] || keys[0] == "" {
			t.Fatalf("want two tries with one key, got %q (keys %q)", got, keys)
		}
		for _, s := range got[slices.Index(got, sheet):] {
			if s == fmt.Sprintf("GET /api/v1/judge/assignments/%d", seat.assignment) {
				t.Errorf("an in-progress submission made the page fetch the sheet: %q", got)
			}
		}
	})

	t.Run("already_submitted", func(t *testing.T) {
		seat := w.judges[1]
		open(seat)
		// Another device of the judge submits first, with other marks.
		other := map[string]scoring.Points{"tech": 1000, "market": 1100, "team": 1200}
		if _, err := h.store.SubmitSheet(ctx, access.EveryContest(seat.account.ID), seat.assignment, judging.SheetInput{Marks: other}, "other-device", []byte("other")); err != nil {
			t.Fatal(err)
		}
		start := len(requests())
		do("submit", submit, chromedp.WaitVisible(`.confirm-submit .confirm-yes`), chromedp.Tap(`.confirm-submit .confirm-yes`))
		poll("submitted", `document.querySelector("form.sheet").dataset.state === "submitted"`)
		if got := eval(`["tech","market","team"].map(k => document.querySelector('input[name="mark.' + k + '"]').value).join(" ")`); got != "10.00 11.00 12.00" {
			t.Errorf("the page shows marks %q, not the stored sheet's", got)
		}
		time.Sleep(1500 * time.Millisecond) // longer than the page's first retry delay
		got := after(start)
		sheet := fmt.Sprintf("POST /api/v1/judge/assignments/%d/sheet", seat.assignment)
		fetched := fmt.Sprintf("GET /api/v1/judge/assignments/%d", seat.assignment)
		if count(got, sheet) != 1 || slices.Index(got, fetched) < slices.Index(got, sheet) {
			t.Errorf("want one submission, then the sheet fetched; got %q", got)
		}
		if left := eval(fmt.Sprintf(`localStorage.getItem("podium.judge.%d.pending") || ""`, seat.assignment)); left != "" {
			t.Errorf("a pending submission is left: %s", left)
		}
	})
}
