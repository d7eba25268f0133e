package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"podium/contest/access"
	"podium/contest/audit"
	"podium/files/pdftext"
)

// wifi stands between the tablet and Podium: when it is down, every request is
// dropped without an answer, as when a hall's wifi is gone. (The browser's own
// offline emulation is switched too, so the page hears "offline"; the switch
// makes sure the service worker's requests fail as well.)
type wifi struct {
	down    atomic.Bool
	dropped atomic.Int64
	next    http.Handler
}

func (w *wifi) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if !w.down.Load() {
		w.next.ServeHTTP(rw, r)
		return
	}
	w.dropped.Add(1)
	if hj, ok := rw.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// keptList lists what the page's caches hold, one "METHOD /path" a line.
const keptList = `caches.keys().then(ns => Promise.all(ns.map(n => caches.open(n).then(c => c.keys()))))
	.then(all => all.flat().map(r => r.method + " " + new URL(r.url).pathname).join("\n"))`

// A judge's tablet loses the network and restarts the page: the task list and
// the entry page it had opened still show (from the service worker's copies),
// with the marks kept on the tablet, though the kept copy predates them; a page
// never opened shows the offline notice. The judge submits offline: it is
// queued, the server gets nothing; back online it is stored exactly once. The
// copy is refreshed to the submitted sheet, nothing written is ever cached,
// and logging out clears every copy.
func TestBrowserJudgePagesWorkOffline(t *testing.T) {
	h := newHarness(t)
	var lines []string // text enough for the test to see on the page it draws
	for i := 1; i <= 20; i++ {
		lines = append(lines, fmt.Sprintf("商业计划书 Business plan, line %d: market, team, finance.", i))
	}
	w := newJudging(t, h, "offline-sw", 1, pdftext.Generate(lines))
	seat := w.judges[0]
	link := &wifi{next: h.server.Handler()}
	srv := httptest.NewServer(link) // http://127.0.0.1: a secure context, so service workers run
	t.Cleanup(srv.Close)
	entryPath := fmt.Sprintf("/judge/assignments/%d", seat.assignment)

	b := newBrowser(t, 820, 1180)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(b, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			saveScreenshot(t, b, "judge-offline-sw-failure.png")
			where, _ := chromedp.Run(b, chromedp.Evaluate[string](`location.href + " " + document.title`))
			t.Fatalf("%s: %v (at %s)", what, err, where)
		}
	}
	eval := func(expr string, opts ...chromedp.EvaluateOption) string {
		t.Helper()
		v, err := chromedp.Run(b, chromedp.Evaluate[string](expr, opts...))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	// await evaluates a promise of a string, such as a question to the caches.
	await := func(expr string) string { t.Helper(); return eval(expr, chromedp.EvalAwaitPromise) }
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %s", what)
			}
		}
	}
	poll := func(what, cond string) {
		t.Helper()
		waitFor(what, func() bool { return eval("String(Boolean("+cond+"))") == "true" })
	}
	mark := func(key string) float64 {
		t.Helper()
		v, err := strconv.ParseFloat(eval(fmt.Sprintf(`document.querySelector('input[name="mark.%s"]').value`, key)), 64)
		if err != nil {
			t.Fatalf("mark %s: %v", key, err)
		}
		return v
	}
	setOffline := func(down bool) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			link.down.Store(down)
			_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: down, DownloadThroughput: -1, UploadThroughput: -1})
			return err
		})
	}
	ready := chromedp.WaitVisible(`form.sheet[data-ready="1"]`)
	kept := chromedp.WaitVisible(`html[data-offline-ready="1"]`)
	sheets := func(state string) (n int) {
		t.Helper()
		if err := h.store.DB.Get(&n, `SELECT count(*) FROM score_sheets WHERE assignment_id = $1 AND state = $2`, seat.assignment, state); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Online: the invite logs the judge in; the task list and the entry are opened.
	do("redeem the invite and open the entry",
		chromedp.Navigate(srv.URL+"/invite/"+seat.token),
		chromedp.Click(`form[action^="/invite/"] button[type=submit]`),
		chromedp.WaitVisible(fmt.Sprintf(`a.task[href="%s"]`, entryPath)),
		kept,
		chromedp.Navigate(srv.URL+entryPath),
		ready, kept,
	)
	if eval(`String(navigator.serviceWorker.controller !== null)`) != "true" {
		t.Fatal("the entry page is not controlled by the service worker")
	}
	do("score", chromedp.SendKeys(`input[name="mark.tech"]`, "30.5"), chromedp.SendKeys(`input[name="mark.market"]`, "20"),
		chromedp.SendKeys(`input[name="mark.team"]`, "25"), chromedp.SendKeys(`textarea[name="comment.tech"]`, "工艺成熟"))
	poll("the draft reaches the server", `document.querySelector(".sheet-status").textContent.includes("草稿已保存")`)
	// The judge opens the business plan (a PDF, drawn in the page) while online.
	plan := eval(`document.querySelector(".pdf-view").dataset.src`)
	openPlan := fmt.Sprintf(`fetch(%q).then(r => r.status + " " + r.headers.get("Content-Type"))`, plan)
	readPlan := func(when string) {
		t.Helper()
		do(when+": open the business plan", chromedp.Click(`details.material summary`), chromedp.WaitVisible(`.pdf-page[data-page="1"][data-rendered="1"] canvas`))
		if ink := eval(fmt.Sprintf(inkOf, `.pdf-page[data-page="1"] canvas`)); ink != "text" {
			t.Errorf("%s: the business plan's first page shows %s", when, ink)
		}
	}
	readPlan("online")
	if got := await(openPlan); got != "200 application/pdf" {
		t.Fatalf("the business plan online: %q", got)
	}
	waitFor("the business plan to be kept", func() bool { return strings.Contains(await(keptList), "GET "+plan) })

	// The network goes and the page restarts: the kept copy is from before the
	// marks, which the server had acknowledged; the tablet's draft fills them in.
	do("go offline and reload", setOffline(true), chromedp.WaitVisible(`.connection.offline`), chromedp.Reload(), ready)
	if eval(`String(document.querySelector('meta[name="podium-offline"]') !== null)`) != "true" {
		t.Error("the reloaded page is not the kept copy")
	}
	if link.dropped.Load() == 0 {
		t.Error("no request tried the network while offline: the page was not fetched network-first")
	}
	if got := await(openPlan); got != "200 application/pdf" {
		t.Errorf("the business plan offline: %q, want the kept copy", got)
	}
	// PDF.js, its worker and the cMap the plan's Chinese font needs were kept too.
	readPlan("offline")
	comment := ""
	check := func(when string) {
		t.Helper()
		if tech, market, team := mark("tech"), mark("market"), mark("team"); tech != 30.5 || market != 20 || team != 25 {
			t.Errorf("%s: marks %v %v %v, want the tablet's 30.5 20 25", when, tech, market, team)
		}
		if got := eval(`document.querySelector('textarea[name="comment.tech"]').value`); got != "工艺成熟" {
			t.Errorf("%s: the criterion's comment is %q", when, got)
		}
		if got := eval(`document.querySelector("textarea[name=comment]").value`); got != comment {
			t.Errorf("%s: overall comment %q, want %q", when, got, comment)
		}
		if got := eval(`document.querySelector("output[name=total]").textContent`); got == "—" {
			t.Errorf("%s: no total", when)
		}
	}
	check("offline after a reload")
	// What is typed offline survives a restart too.
	comment = "离线补充"
	do("comment offline and reload", chromedp.SendKeys(`textarea[name=comment]`, comment), chromedp.Reload(), ready)
	check("offline after typing and a reload")
	do("the task list offline", chromedp.Navigate(srv.URL+"/judge"), chromedp.WaitVisible(fmt.Sprintf(`a.task[href="%s"]`, entryPath)))
	do("a page never opened, offline", chromedp.Navigate(srv.URL+"/judge/assignments/999999"), chromedp.WaitVisible(`.offline-page`))
	do("back to the entry, offline", chromedp.Navigate(srv.URL+entryPath), ready)
	check("offline, opened again")

	// Submitting offline queues it on the tablet.
	do("submit offline", chromedp.Click(`form.sheet button[type=submit]`), chromedp.WaitVisible(`.confirm-submit .confirm-yes`), chromedp.Click(`.confirm-submit .confirm-yes`))
	poll("queued", `document.querySelector(".sheet-status").textContent.includes("等待联网后提交")`)
	if n := sheets("submitted"); n != 0 {
		t.Fatalf("offline, yet the server has %d submitted sheets", n)
	}

	// Back online: the queued submission goes through, once.
	do("go online", setOffline(false))
	poll("submitted", `document.querySelector("form.sheet").dataset.state === "submitted"`)
	var audited, keys int
	if err := h.store.DB.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = $1`, audit.ScoreSubmitted); err != nil {
		t.Fatal(err)
	}
	if err := h.store.DB.Get(&keys, `SELECT count(*) FROM idempotency_keys WHERE account_id = $1`, seat.account.ID); err != nil {
		t.Fatal(err)
	}
	if n := sheets("submitted"); n != 1 || audited != 1 || keys != 1 {
		t.Errorf("%d submitted sheets, %d audit records, %d idempotency keys; want 1 each", n, audited, keys)
	}
	final, err := h.store.JudgeEntry(context.Background(), access.EveryContest(seat.account.ID), seat.assignment)
	if err != nil || final.Sheet.Marks["tech"] != 3050 || final.Sheet.Marks["market"] != 2000 || final.Sheet.Marks["team"] != 2500 ||
		final.Sheet.Comment != "离线补充" || final.Sheet.Comments["tech"] != "工艺成熟" {
		t.Errorf("stored sheet %+v %v", final.Sheet, err)
	}

	// The kept copy is refreshed to the submitted sheet; only GETs were ever kept.
	copyOf := fmt.Sprintf(`caches.match(%q).then(r => r ? r.text() : "")`, entryPath)
	waitFor("the kept copy to show the submitted sheet", func() bool { return strings.Contains(await(copyOf), `data-state="submitted"`) })
	keptURLs := await(keptList)
	for _, want := range []string{"GET /judge", "GET " + entryPath, "GET /judge/offline", "GET /static/judge.js"} {
		if !strings.Contains(keptURLs+"\n", want+"\n") {
			t.Errorf("%s is not kept; kept:\n%s", want, keptURLs)
		}
	}
	for _, line := range strings.Split(keptURLs, "\n") {
		if !strings.HasPrefix(line, "GET ") || (strings.Contains(line, "/files/") && line != "GET "+plan) || strings.HasSuffix(line, "/draft") || strings.HasSuffix(line, "/sheet") {
			t.Errorf("kept what must not be: %s", line)
		}
	}

	// Logging out clears every copy of the judge's pages (the login page's own
	// style and script may be kept again: they carry nothing of anyone's).
	do("log out", chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible(`input[name=login]`))
	waitFor("the copies to be cleared", func() bool {
		left := await(keptList)
		return !strings.Contains(left, "/judge") && !strings.Contains(left, "/api/")
	})
}
