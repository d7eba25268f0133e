package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"podium/contest/contesttest"
)

// A journey is one person's way through Podium in a real browser, at the size
// of the device that person uses. Every page the journey looks at (look) is
// checked for what a person must never meet, and kept as a screenshot:
//
//   - a console error, an uncaught exception or a browser error (a refused
//     script, say), from the page or anything it loaded;
//   - a 4xx or 5xx answer to a request of the page to Podium itself;
//   - a catalog key shown instead of its text ("entry.state.submitted");
//   - a page wider than the screen;
//   - on a phone or a tablet, a control smaller than a finger: 44 CSS pixels
//     tall (and wide, for a button with a symbol or a word of two letters). A
//     link inside a sentence is exempt, as WCAG 2.5.8 exempts inline targets:
//     its size is the line's, and making it 44 px tall would break the text.
//
// Screenshots go to $PODIUM_SCREENSHOT_DIR/<journey>/NN-step.png, or to the
// test's temporary directory when that is not set.

// device is a screen a journey runs on.
type device struct {
	name          string
	width, height int64
	touch         bool // a phone or a tablet: emulated as mobile, with touch
}

var (
	phone           = device{"phone", 390, 844, true}
	tabletPortrait  = device{"tablet-portrait", 1024, 1366, true}
	tabletLandscape = device{"tablet-landscape", 1366, 1024, true}
	desktop         = device{"desktop", 1440, 900, false}
	projector       = device{"projector", 1920, 1080, false}
)

func (d device) emulate() chromedp.Action[chromedp.Void] {
	if !d.touch {
		return chromedp.EmulateViewport(d.width, d.height)
	}
	orientation := chromedp.EmulatePortrait
	if d.width > d.height {
		orientation = chromedp.EmulateLandscape
	}
	return chromedp.EmulateViewport(d.width, d.height, orientation, chromedp.EmulateMobile, chromedp.EmulateTouch)
}

type journey struct {
	t      *testing.T
	h      *harness
	b      context.Context
	dev    device
	name   string
	dir    string
	origin string
	step   int

	mu       sync.Mutex
	problems []string         // since the last look
	expected map[string]int64 // path substring → a status the journey provokes on purpose
}

// newJourney opens a browser for the journey on the device, listening to
// everything the pages say.
func newJourney(t *testing.T, h *harness, name string, dev device) *journey {
	t.Helper()
	return openJourney(t, h, name, dev, newBrowser(t, int(dev.width), int(dev.height)))
}

// alongside opens another person's journey in the same Chromium as j, with
// cookies of its own (a new browser context, as a second profile would be):
// a second person costs a tab, not the start of a browser.
func (j *journey) alongside(name string, dev device) *journey {
	j.t.Helper()
	b, cancel := chromedp.NewContext(j.b, chromedp.WithNewBrowserContext())
	j.t.Cleanup(cancel)
	if err := chromedp.Do(b); err != nil {
		j.t.Fatalf("open a browser context for %s: %v", name, err)
	}
	return openJourney(j.t, j.h, name, dev, b)
}

// openJourney starts a journey in the browser (or browser context) b.
func openJourney(t *testing.T, h *harness, name string, dev device, b context.Context) *journey {
	t.Helper()
	dir := os.Getenv("PODIUM_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	dir = filepath.Join(dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	j := &journey{t: t, h: h, dev: dev, name: name, dir: dir, origin: h.http.URL, expected: map[string]int64{}}
	j.b = b
	if err := chromedp.Listen(j.b, j.listen); err != nil {
		t.Fatal(err)
	}
	j.do("emulate the "+dev.name, dev.emulate())
	t.Cleanup(func() {
		if left := j.take(); len(left) > 0 {
			t.Errorf("%s, after the last page looked at:\n  %s", name, strings.Join(left, "\n  "))
		}
	})
	return j
}

// listen runs on the browser's reading goroutine: it only records.
func (j *journey) listen(ev any) {
	var p string
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range e.Args {
				if a.Type == runtime.RemoteObjectTypeString {
					var s string
					if json.Unmarshal(a.Value, &s) == nil {
						parts = append(parts, s)
						continue
					}
				}
				parts = append(parts, a.Description)
			}
			p = "console." + string(e.Type) + ": " + strings.Join(parts, " ")
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		p = "uncaught exception: " + d.Text
		if d.Exception != nil {
			desc, _, _ := strings.Cut(d.Exception.Description, "\n")
			p += " " + desc
		}
		p += " (" + d.URL + ")"
	case *log.EventEntryAdded:
		// A load answered with an error status is checked by its status below, where an
		// expected one can be told apart; any other failure (a socket refused, say) counts.
		statusOnly := e.Entry.Source == log.EntrySourceNetwork && strings.HasPrefix(e.Entry.Text, "Failed to load resource: the server responded with a status of")
		if e.Entry.Level == log.EntryLevelError && !statusOnly {
			p = "browser " + string(e.Entry.Source) + " error: " + e.Entry.Text + " (" + e.Entry.URL + ")"
		}
	case *network.EventResponseReceived:
		r := e.Response
		// The browser's own guess at /favicon.ico is not a request of the page.
		if r.Status >= 400 && strings.HasPrefix(r.URL, j.origin) && !strings.HasSuffix(r.URL, "/favicon.ico") {
			j.mu.Lock()
			defer j.mu.Unlock()
			for path, status := range j.expected {
				if status == r.Status && strings.Contains(r.URL, path) {
					return
				}
			}
			j.problems = append(j.problems, fmt.Sprintf("%d %s (%s)", r.Status, strings.TrimPrefix(r.URL, j.origin), e.Type))
			return
		}
	}
	if p != "" {
		j.mu.Lock()
		j.problems = append(j.problems, p)
		j.mu.Unlock()
	}
}

// expect tells the journey that a request whose URL contains path will be
// answered with status on purpose (a user's mistake the journey makes).
func (j *journey) expect(path string, status int64) {
	j.mu.Lock()
	j.expected[path] = status
	j.mu.Unlock()
}

func (j *journey) take() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	p := j.problems
	j.problems = nil
	return p
}

// do runs the steps; a step that fails ends the journey, with a screenshot.
func (j *journey) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	ctx, cancel := context.WithTimeout(j.b, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		j.fail(what, err)
	}
}

// navigate runs trigger (a click or a tap that submits a form or follows a
// link), waits for the new page's load event, and runs the steps after it: a
// selector that the old page also has cannot be mistaken for the new page's.
func (j *journey) navigate(what string, trigger chromedp.Action[chromedp.Void], then ...chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	load := func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.WaitEvent(page.LoadEventFired, nil, trigger)(ctx, tg)
		return chromedp.Void{}, err
	}
	j.do(what, append([]chromedp.Action[chromedp.Void]{load}, then...)...)
}

func (j *journey) fail(what string, err error) {
	j.t.Helper()
	j.screenshot("failure-" + slug(what))
	where, _ := chromedp.Run(j.b, chromedp.Location())
	text, _ := chromedp.Run(j.b, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 1500) : ""`))
	j.t.Fatalf("%s, %s: %v\nat %s\nproblems: %q\npage:\n%s", j.name, what, err, where, j.take(), text)
}

// poll waits until the JavaScript condition holds in the page.
func (j *journey) poll(what, cond string) {
	j.t.Helper()
	j.do(what, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))(ctx, tg)
		return err
	}))
}

// evalJ evaluates JavaScript in the journey's page.
func evalJ[T any](j *journey, expr string) T {
	j.t.Helper()
	v, err := chromedp.Run(j.b, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		j.fail("evaluate "+expr, err)
	}
	return v
}

// goTo navigates to a path of the server and waits for sel to show.
func (j *journey) goTo(path, sel string) {
	j.t.Helper()
	j.do("open "+path, chromedp.Navigate(j.origin+path), chromedp.WaitVisible(sel))
}

// login logs in through the login page.
func (j *journey) login(login string) {
	j.t.Helper()
	j.do("log in as "+login,
		chromedp.Navigate(j.origin+"/login"),
		chromedp.WaitVisible(`input[name=login]`),
		chromedp.SendKeys(`input[name=login]`, login),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitNotPresent(`input[name=password]`),
	)
}

// english switches the page to English with its language link and looks at
// it: English pages show names too, never keys.
func (j *journey) english(step string) {
	j.t.Helper()
	j.navigate("switch to English", chromedp.Click(`a.lang[hreflang=en]`), chromedp.WaitVisible(`html[lang=en] body`))
	j.look(step + " in English")
}

// location is the page's path and query.
func (j *journey) location() string {
	j.t.Helper()
	return strings.TrimPrefix(evalJ[string](j, `location.href`), j.origin)
}

// pageReport is what the checks found on a page.
type pageReport struct {
	Keys     []string `json:"keys"`
	Overflow string   `json:"overflow"`
	Small    []string `json:"small"`
}

// pageCheckJS finds catalog keys shown to the user, horizontal overflow and,
// when touch is set, controls too small for a finger. %s is the keys' regular
// expression, %t whether to check targets, %d the device's width. The width is
// the device's, not innerWidth: an emulated phone zooms out to show a page
// wider than itself, and innerWidth grows with it.
const pageCheckJS = `(() => {
  const keyRE = new RegExp(%s, "g"), touch = %t, vw = %d;
  const out = {keys: [], overflow: "", small: []};
  const shown = e => {
    if (e.closest("[hidden], [aria-hidden=true]")) return false;
    const s = getComputedStyle(e);
    if (s.visibility === "hidden" || s.display === "none") return false;
    const r = e.getBoundingClientRect();
    return r.width >= 2 && r.height >= 2;
  };
  const texts = [document.title, document.body.innerText];
  for (const e of document.querySelectorAll("[placeholder], [title], [aria-label], img[alt], input[type=submit], input[type=button]")) {
    if (!shown(e)) continue;
    for (const a of ["placeholder", "title", "aria-label", "alt", "value"]) {
      if (a === "value" && e.tagName !== "INPUT") continue;
      const v = e.getAttribute(a); if (v) texts.push(v);
    }
  }
  for (const t of texts) for (const m of t.matchAll(keyRE)) if (!out.keys.includes(m[0])) out.keys.push(m[0]);

  const sw = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  if (sw > vw) {
    const wide = [...document.body.querySelectorAll("*")].filter(e => shown(e) && e.getBoundingClientRect().right > vw + 1)
      .slice(-3).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "") +
        " right=" + Math.round(e.getBoundingClientRect().right));
    out.overflow = "page " + sw + " px wide in a " + vw + " px screen: " + wide.join(", ");
  }
  if (touch) {
    const inSentence = a => {
      const p = a.parentElement && a.parentElement.closest("p, li, td, dd");
      if (!p || p.tagName !== "P") return false;
      return p.textContent.replace(a.textContent, "").trim().length > 0;
    };
    for (const e of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, summary, label.check")) {
      if (!shown(e)) continue;
      if (e.matches("label.check input, input[type=checkbox], input[type=radio]") && e.closest("label")) continue; // the label is the target
      if (e.tagName === "A" && inSentence(e)) continue;
      const r = e.getBoundingClientRect();
      const label = (e.innerText || e.value || e.getAttribute("aria-label") || "").trim();
      const icon = (e.tagName === "BUTTON" || e.matches("a.button")) && !/[\p{L}\p{N}]/u.test(label); // a symbol: "+", "×"
      if (r.height < 43.5 || (icon && r.width < 43.5)) {
        out.small.push(e.outerHTML.replace(/\s+/g, " ").slice(0, 100) + " " + Math.round(r.width) + "×" + Math.round(r.height));
      }
    }
  }
  return out;
})()`

var (
	keyPatternOnce sync.Once
	keyPattern     string
)

// catalogKeyPattern is a regular expression for the shape of the catalogs'
// keys: one of their namespaces (the part before the first dot), a dot, and
// lower-case words.
func catalogKeyPattern(t *testing.T) string {
	t.Helper()
	keyPatternOnce.Do(func() {
		b, err := os.ReadFile("i18n/zh-CN.json")
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]any
		if err := json.Unmarshal(b, &cat); err != nil {
			t.Fatal(err)
		}
		var ns []string
		for k := range cat {
			if first, _, ok := strings.Cut(k, "."); ok && !slices.Contains(ns, first) {
				ns = append(ns, regexp.QuoteMeta(first))
			}
		}
		slices.Sort(ns)
		keyPattern = `\b(?:` + strings.Join(ns, "|") + `)\.[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*\b`
	})
	if keyPattern == "" {
		t.Fatal("no catalog keys")
	}
	return keyPattern
}

// look checks the page as it is now and keeps its screenshot: every problem
// met since the last look fails the test, named by the step.
func (j *journey) look(step string) {
	j.t.Helper()
	if bad := j.check(step); len(bad) > 0 {
		j.t.Errorf("%s on the %s, step %d %q (%s):\n  %s", j.name, j.dev.name, j.step, step, j.location(), strings.Join(bad, "\n  "))
	}
}

// check is look without failing: it returns what it found.
func (j *journey) check(step string) []string {
	j.t.Helper()
	j.poll(step+": page loaded", `document.readyState === "complete"`)
	pattern, _ := json.Marshal(catalogKeyPattern(j.t))
	report := evalJ[pageReport](j, fmt.Sprintf(pageCheckJS, pattern, j.dev.touch, j.dev.width))
	j.step++
	j.screenshot(fmt.Sprintf("%02d-%s", j.step, slug(step)))
	var bad []string
	for _, k := range report.Keys {
		bad = append(bad, "a catalog key shown: "+k)
	}
	if report.Overflow != "" {
		bad = append(bad, report.Overflow)
	}
	for _, s := range report.Small {
		bad = append(bad, "smaller than a finger: "+s)
	}
	return append(bad, j.take()...)
}

// screenshot keeps the whole page as name.png in the journey's directory.
func (j *journey) screenshot(name string) {
	j.t.Helper()
	ctx, cancel := context.WithTimeout(j.b, 20*time.Second)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		j.t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(j.dir, name+".png"), shot, 0o644); err != nil {
		j.t.Error(err)
	}
}

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(notSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 50 {
		s = s[:50]
	}
	return s
}

// The harness itself: a page with every problem it looks for is reported
// for each, and a link inside a sentence is not.
func TestJourneyHarnessCatchesProblems(t *testing.T) {
	h := newHarness(t)
	j := newJourney(t, h, "harness-self-test", phone)
	j.goTo("/login", `input[name=login]`)
	if bad := j.check("a clean page"); len(bad) > 0 {
		t.Fatalf("the login page: %q", bad)
	}
	// Styles set through the CSSOM: the site's CSP refuses inline style attributes.
	evalJ[bool](j, `(async () => {
		const root = document.querySelector("main") || document.body;
		root.insertAdjacentHTML("beforeend", '<p id="k">状态：entry.state.bogus</p><div id="wide"></div>' +
			'<button id="tiny">+</button><p><a id="lone" href="#lone">单独的链接</a></p>' +
			'<p>请先阅读<a id="inline" href="#inline">参赛规则</a>再报名。</p>');
		Object.assign(document.getElementById("wide").style, {width: "480px", height: "4px"});
		Object.assign(document.getElementById("tiny").style, {minHeight: "0", height: "20px", width: "20px", padding: "0"});
		for (const id of ["lone", "inline"]) Object.assign(document.getElementById(id).style, {display: "inline", minHeight: "0"});
		console.error("self-test: an error");
		setTimeout(() => { throw new Error("self-test: uncaught"); });
		await fetch("/no-such-page");
		new WebSocket(location.origin.replace("http", "ws") + "/no-such-socket");
		await new Promise(r => setTimeout(r, 100));
		return true;
	})()`)
	bad := strings.Join(j.check("a page with every problem"), "\n")
	for _, want := range []string{"catalog key shown: entry.state.bogus", "px wide in a 390 px screen", `id="tiny"`, `id="lone"`,
		"console.error: self-test: an error", "uncaught exception", "self-test: uncaught", "404 /no-such-page", "/no-such-socket"} {
		if !strings.Contains(bad, want) {
			t.Errorf("the harness missed %q; it found:\n%s", want, bad)
		}
	}
	if strings.Contains(bad, `id="inline"`) {
		t.Errorf("a link inside a sentence was counted as a finger's target:\n%s", bad)
	}
}
