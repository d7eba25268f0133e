package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/transparency"
	"podium/transparency/transparencytest"
)

// shotsDir is where the verify page's screenshots go, for a person to look at.
const shotsDir = "/tmp/shots-transparency"

// pageCheck is what a person sees of one check on the page.
type pageCheck struct {
	Name  string `json:"name"`
	State string `json:"state"`
	Text  string `json:"text"`
}

type pageView struct {
	Verdict string      `json:"verdict"`
	OK      string      `json:"ok"`
	Checks  []pageCheck `json:"checks"`
	Body    string      `json:"body"`
}

const readView = `(() => ({
	verdict: document.getElementById('verify-verdict').innerText,
	ok: document.getElementById('verify-verdict').dataset.ok,
	checks: Array.from(document.querySelectorAll('#verify-checks li'), li => ({name: li.dataset.check, state: li.dataset.state, text: li.innerText})),
	body: document.body.innerText,
}))()`

// verifyWorld serves the verify page with receipts written by Go beside it
// (on the same site, as the entrant's receipt download will be) and a
// stand-in for the public heads API: 503 until heads are set.
type verifyWorld struct {
	w     *transparencytest.World
	cases []transparencytest.Case
	// shapes are receipts of another log (another key) whose proofs take
	// every shape, and junk: malformed receipts.
	shapes []transparencytest.Case
	url    string
	heads  atomic.Pointer[[]byte]
}

func newVerifyWorld(t *testing.T) *verifyWorld {
	t.Helper()
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	if _, err := h.store.CreateContest(context.Background(), org.ID, contesttest.Setup(transparencytest.Slug)); err != nil {
		t.Fatal(err)
	}
	w, err := transparencytest.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	shapes, err := transparencytest.ProofShapes()
	if err != nil {
		t.Fatal(err)
	}
	vw := &verifyWorld{w: w, cases: w.Cases(), shapes: append(shapes, w.Junk()...)}
	files := map[string][]byte{}
	for _, c := range append(vw.cases, vw.shapes...) {
		files[c.Name+".json"] = receiptJSON(t, c.Receipt)
		for i, e := range c.Earlier {
			files[fmt.Sprintf("%s-earlier-%d.json", c.Name, i)] = receiptJSON(t, e)
		}
	}
	app := h.server.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/test-receipts/"):
			b, ok := files[strings.TrimPrefix(r.URL.Path, "/test-receipts/")]
			if !ok {
				http.NotFound(rw, r)
				return
			}
			rw.Header().Set("Content-Type", "application/json")
			rw.Write(b)
		case r.URL.Path == "/api/v1/public/results/"+transparencytest.Slug+"/heads":
			p := vw.heads.Load()
			if p == nil {
				http.Error(rw, "not yet", http.StatusServiceUnavailable)
				return
			}
			rw.Header().Set("Content-Type", "application/json")
			rw.Write(*p)
		default:
			app.ServeHTTP(rw, r)
		}
	}))
	t.Cleanup(srv.Close)
	vw.url = srv.URL
	return vw
}

func receiptJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// publish sets the public heads API's answer: the honest log's two heads.
func (vw *verifyWorld) publish(t *testing.T) {
	b := receiptJSON(t, vw.w.Published())
	vw.heads.Store(&b)
}

func (vw *verifyWorld) pageURL(c transparencytest.Case, lang string) string {
	q := url.Values{"receipt": {"/test-receipts/" + c.Name + ".json"}}
	for i := range c.Earlier {
		q.Add("earlier", fmt.Sprintf("/test-receipts/%s-earlier-%d.json", c.Name, i))
	}
	if lang != "" {
		q.Set("lang", lang)
	}
	return vw.url + "/results/" + transparencytest.Slug + "/verify?" + q.Encode()
}

// view waits for the page's verdict and reads what a person sees.
func verifyView(t *testing.T, ctx context.Context) pageView {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.WaitVisible(`#receipt-verify[data-state=done] #verify-verdict`)); err != nil {
		t.Fatalf("no verdict: %v", err)
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[pageView](readView))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func verifyShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if err := os.MkdirAll(shotsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(shotsDir, name), b, 0o644); err != nil {
		t.Error(err)
	}
}

// agree compares the page with Go's Verify on the same receipts: each of
// the five checks in the same state, and the verdict stated as Go's.
func agreeWithGo(t *testing.T, v pageView, rep transparency.Report, okVerdict, failVerdict string) {
	t.Helper()
	if len(v.Checks) != 6 {
		t.Fatalf("page shows %d checks: %+v", len(v.Checks), v)
	}
	for i, c := range rep.Checks {
		want := map[bool]string{true: "ok", false: "fail"}[c.OK]
		if v.Checks[i].Name != c.Name || v.Checks[i].State != want {
			t.Errorf("check %d: page %s %s, Go %s %s (%s)\npage says: %s", i, v.Checks[i].Name, v.Checks[i].State, c.Name, want, c.Detail, v.Checks[i].Text)
		}
	}
	if rep.OK && (v.OK != "true" || v.Verdict != okVerdict) {
		t.Errorf("Go: matches; page: %q (%s)", v.Verdict, v.OK)
	}
	if !rep.OK && (v.OK != "false" || !strings.HasPrefix(v.Verdict, failVerdict)) {
		t.Errorf("Go: does not match; page: %q (%s)", v.Verdict, v.OK)
	}
	if strings.Contains(v.Body, "verify.") {
		t.Errorf("a raw message key is shown:\n%s", v.Body)
	}
}

// For every receipt Go writes, intact and tampered in each way, the page
// (in the browser, on a phone) says what `podium verify-receipt` says:
// the same checks hold and fail, and the verdict states it plainly. The
// public heads cannot be fetched yet, and the page says so without
// letting it change the verdict.
func TestBrowserVerifyReceiptAgreesWithGo(t *testing.T) {
	vw := newVerifyWorld(t)
	ctx := newBrowser(t, 390, 844)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, c := range vw.cases {
		t.Run(c.Name, func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.Navigate(vw.pageURL(c, ""))); err != nil {
				t.Fatal(err)
			}
			v := verifyView(t, ctx)
			agreeWithGo(t, v, transparency.Verify(c.Receipt, c.Earlier...), "这份回执与公示结果一致", "这份回执与公示结果不一致")
			if p := v.Checks[5]; p.Name != "published" || p.State != "unknown" || !strings.Contains(p.Text, "无法获取本竞赛公示的树头") {
				t.Errorf("published heads unavailable: %+v", p)
			}
			switch c.Name {
			case "intact":
				verifyShot(t, ctx, "phone-intact-zh.png")
				// What a person sees first, without scrolling.
				if b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
					_ = os.WriteFile(filepath.Join(shotsDir, "phone-intact-zh-first-screen.png"), b, 0o644)
				}
			case "changed-mark":
				verifyShot(t, ctx, "phone-changed-mark-zh.png")
			}
		})
	}
	// Proofs of every shape (the page's RFC 9162 verification agrees with
	// tlog's), and malformed receipts.
	for _, c := range vw.shapes {
		t.Run(c.Name, func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.Navigate(vw.pageURL(c, ""))); err != nil {
				t.Fatal(err)
			}
			agreeWithGo(t, verifyView(t, ctx), transparency.Verify(c.Receipt, c.Earlier...), "这份回执与公示结果一致", "这份回执与公示结果不一致")
		})
	}
}

// With the public heads published, the page compares the receipt's head
// with them: a receipt of a rewritten log is caught without any earlier
// receipt, and so is one signed with another key. On a desktop, in English,
// a receipt picked as a file and one pasted are checked alike.
func TestBrowserVerifyReceiptPublishedHeads(t *testing.T) {
	vw := newVerifyWorld(t)
	vw.publish(t)
	ctx := newBrowser(t, 1440, 900)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)); err != nil {
		t.Fatal(err)
	}
	byName := map[string]transparencytest.Case{}
	for _, c := range vw.cases {
		byName[c.Name] = c
	}
	const okEN, failEN = "This receipt matches the published results", "This receipt does NOT match the published results"
	// Every receipt on its own against the published heads: the page's sixth
	// line agrees with transparency.VerifyPublished, the verdict with both.
	for _, c := range vw.cases {
		c.Earlier = nil
		if err := chromedp.Do(ctx, chromedp.Navigate(vw.pageURL(c, "en"))); err != nil {
			t.Fatal(err)
		}
		v := verifyView(t, ctx)
		rep := transparency.Verify(c.Receipt)
		pub := transparency.VerifyPublished(c.Receipt, vw.w.Published())
		rep.Checks = append(rep.Checks, pub)
		rep.OK = rep.OK && pub.OK
		t.Run(c.Name, func(t *testing.T) {
			if p := v.Checks[5]; p.Name != "published" || p.State != map[bool]string{true: "ok", false: "fail"}[pub.OK] {
				t.Errorf("published heads: page %+v, Go %+v", p, pub)
			}
			agreeWithGo(t, v, rep, okEN, failEN)
		})
		switch c.Name {
		case "intact":
			verifyShot(t, ctx, "desktop-intact-en.png")
			// The language switch reruns the same check in Chinese.
			href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('a.lang').getAttribute('href')`))
			if err != nil || !strings.Contains(href, "receipt=%2Ftest-receipts%2Fintact.json") || !strings.Contains(href, "lang=zh-CN") {
				t.Errorf("language switch %q %v", href, err)
			}
		case "rewritten-history-resigned":
			verifyShot(t, ctx, "desktop-rewritten-en.png")
			if !strings.Contains(v.Checks[5].Text, "History rewritten: the contest published a head of 6 records with another root.") {
				t.Errorf("rewritten history not stated: %q", v.Checks[5].Text)
			}
		}
	}

	// A file picked, with an earlier receipt: the rewritten history.
	dir := t.TempDir()
	rw := byName["rewritten-history"]
	receiptPath, earlierPath := filepath.Join(dir, "receipt.json"), filepath.Join(dir, "old.json")
	if err := os.WriteFile(receiptPath, receiptJSON(t, rw.Receipt), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(earlierPath, receiptJSON(t, rw.Earlier[0]), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(vw.url+"/results/"+transparencytest.Slug+"/verify?lang=en"),
		chromedp.WaitVisible(`#verify-form`),
		chromedp.SetUploadFiles(`#receipt-file`, []string{receiptPath}),
		chromedp.SetUploadFiles(`#earlier-files`, []string{earlierPath}),
		chromedp.Click(`#verify-form button[type=submit]`),
	); err != nil {
		t.Fatal(err)
	}
	v := verifyView(t, ctx)
	agreeWithGo(t, v, transparency.Verify(rw.Receipt, rw.Earlier...), okEN, failEN)
	if !strings.Contains(v.Checks[3].Text, "History rewritten") || !strings.Contains(v.Checks[4].Text, "History rewritten") {
		t.Errorf("rewritten history not stated: %+v", v.Checks)
	}
	verifyShot(t, ctx, "desktop-file-rewritten-en.png")

	// Pasted, on a fresh page: the intact receipt.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(vw.url+"/results/"+transparencytest.Slug+"/verify?lang=en"),
		chromedp.WaitVisible(`#receipt-text`),
		chromedp.SetValue(`#receipt-text`, string(receiptJSON(t, vw.w.Receipt2))),
		chromedp.Click(`#verify-form button[type=submit]`),
	); err != nil {
		t.Fatal(err)
	}
	v = verifyView(t, ctx)
	agreeWithGo(t, v, transparency.Verify(vw.w.Receipt2), okEN, failEN)
	if v.Checks[5].State != "ok" {
		t.Errorf("pasted intact receipt against the published heads: %+v", v.Checks[5])
	}

	// Not a receipt at all.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(vw.url+"/results/"+transparencytest.Slug+"/verify?lang=en"),
		chromedp.WaitVisible(`#receipt-text`),
		chromedp.SetValue(`#receipt-text`, `{"format": [1, 2]`),
		chromedp.Click(`#verify-form button[type=submit]`),
	); err != nil {
		t.Fatal(err)
	}
	if v = verifyView(t, ctx); v.OK != "false" || !strings.Contains(v.Verdict, "not a receipt") {
		t.Errorf("unreadable: %q", v.Verdict)
	}
}
