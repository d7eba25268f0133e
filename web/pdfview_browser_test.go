package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/chromedp/chromedp"

	"podium/files/pdftext"
)

// A judge on a tablet opens an entry and its business plan: PDF.js draws the
// plan in the page (no frame: every response is framed 'none', and iPad Safari
// would show only page one of a framed PDF). Every page is there and drawn as
// the judge scrolls to it, at the width of the document area, in portrait and
// landscape, and on a phone nothing is wider than the screen. It runs under the
// site's strict CSP with nothing refused, and nothing of the PDF's metadata (a
// title and an author naming the entrant) shows. The test looks at pixels: a
// page counts as shown only when the screen shows its text.
//
// Screenshots are kept in $PODIUM_SCREENSHOT_DIR, or $TMPDIR/podium-screenshots
// when it is not set (the path is logged), for a person or a CI job to look at.
func TestBrowserJudgeReadsBusinessPlan(t *testing.T) {
	h := newHarness(t)
	const pages = 3
	var lines []string
	for p := 1; p <= pages; p++ {
		for l := 1; l <= 38; l++ { // 38 lines fill a page of pdftext.Generate
			lines = append(lines, fmt.Sprintf("第%d页 Business plan, page %d, line %d: market, team, finance.", p, p, l))
		}
	}
	const title, author = "星河智能科技有限公司 商业计划书", "张伟"
	w := newJudging(t, h, "pdf-view", 1, withInfo(pdftext.Generate(lines), title, author))
	seat := w.judges[0]
	entryPath := fmt.Sprintf("/judge/assignments/%d", seat.assignment)

	b := newBrowser(t, 1024, 1366)
	messages := console(t, b)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(b, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			keepScreenshot(t, b, "judge-pdf-failure.png")
			t.Fatalf("%s: %v\nconsole:\n%s", what, err, strings.Join(messages(), "\n"))
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
	poll := func(what, cond string) {
		t.Helper()
		do(what, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](cond, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second))(ctx, tg)
			return err
		}))
	}
	tablet := func(width, height int64, opts ...chromedp.EmulateViewportOption) chromedp.Action[chromedp.Void] {
		return chromedp.EmulateViewport(width, height, append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)...)
	}
	page := func(n int) string { return fmt.Sprintf(`.pdf-page[data-page="%d"]`, n) }
	// shown waits until page n, scrolled into view, is drawn for the width it
	// shows at, and checks that it shows text.
	shown := func(where string, n int) {
		t.Helper()
		eval(fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "start"}), ""`, page(n)))
		poll(fmt.Sprintf("%s: page %d drawn", where, n), fmt.Sprintf(`document.querySelector(%[1]q).dataset.rendered === "1" && %[2]s(document.querySelector(%[1]q + " canvas"))`, page(n), sharp))
		if ink := eval(fmt.Sprintf(inkOf, page(n)+" canvas")); ink != "text" {
			t.Errorf("%s: page %d's canvas shows %s", where, n, ink)
		}
	}
	// fits checks that the pages are drawn at the area's width (once the pages
	// near have been drawn again) and nothing is wider than the screen.
	fits := func(where string) {
		t.Helper()
		check := `(() => {
			const sharp = ` + sharp + `, bad = [];
			if (document.documentElement.scrollWidth > window.innerWidth) bad.push("page wider than the screen");
			const area = document.querySelector(".pdf-pages").getBoundingClientRect();
			if (area.left < 0 || area.right > window.innerWidth) bad.push("document area out of the screen");
			for (const c of document.querySelectorAll(".pdf-page[data-rendered='1'] canvas")) {
				if (c.getBoundingClientRect().width > area.width) bad.push("a page wider than the document area");
				if (!sharp(c)) bad.push("page drawn " + c.width + " px wide for " + c.getBoundingClientRect().width + " CSS px");
			}
			const open = document.querySelector(".pdf-bar a[href*='/files/']");
			if (!open || open.getBoundingClientRect().height < 44) bad.push("no open/download link 44 px tall");
			return bad.join("; ");
		})()`
		bad := eval(check)
		for deadline := time.Now().Add(10 * time.Second); bad != "" && time.Now().Before(deadline); bad = eval(check) {
			time.Sleep(100 * time.Millisecond)
		}
		if bad != "" {
			t.Errorf("%s: %s", where, bad)
		}
	}
	// looked checks the screen itself, in the document area where the judge
	// reads, and keeps the screenshot.
	looked := func(where, name string) {
		t.Helper()
		var area struct{ X, Y, W, H float64 }
		if err := json.Unmarshal([]byte(eval(`(() => {
			const r = document.querySelector(".pdf-pages").getBoundingClientRect(), s = devicePixelRatio;
			return JSON.stringify({x: r.left * s, y: r.top * s, w: r.width * s, h: r.height * s});
		})()`)), &area); err != nil {
			t.Fatal(err)
		}
		shot := keepScreenshot(t, b, name)
		if dark := darkShare(t, shot, image.Rect(int(area.X), int(area.Y), int(area.X+area.W), int(area.Y+area.H))); dark < 0.001 || dark > 0.5 {
			t.Errorf("%s: the document area on the screen is %.2f%% dark: no page of text shows", where, 100*dark)
		}
	}

	do("log in and open the entry",
		tablet(1024, 1366, chromedp.EmulatePortrait, chromedp.EmulateScale(2)),
		chromedp.Navigate(h.http.URL+"/invite/"+seat.token),
		chromedp.Click(`form[action^="/invite/"] button[type=submit]`),
		chromedp.WaitVisible(fmt.Sprintf(`a.task[href="%s"]`, entryPath)),
		chromedp.Navigate(h.http.URL+entryPath),
		chromedp.WaitVisible(`form.sheet[data-ready="1"]`),
	)
	if n := eval(`String(document.querySelectorAll("iframe, object, embed").length)`); n != "0" {
		t.Errorf("%s frames or embeds on the judge's page", n)
	}
	// Nothing is framed, so nothing needs framing: the page and the file keep
	// frame-ancestors 'none', and scripts stay strict ('self', no eval).
	policies := eval(`Promise.all([location.href, document.querySelector(".pdf-view").dataset.src].map(u =>
		fetch(u).then(r => r.headers.get("Content-Security-Policy")))).then(p => p.join("\n"))`, chromedp.EvalAwaitPromise)
	for _, csp := range strings.Split(policies, "\n") {
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "'unsafe-") {
			t.Errorf("Content-Security-Policy %q", csp)
		}
	}
	do("open the business plan", chromedp.Tap(`details.material summary`), chromedp.WaitVisible(page(1)))
	if n := eval(`String(document.querySelectorAll(".pdf-page").length)`); n != strconv.Itoa(pages) {
		t.Fatalf("the viewer has %s pages, want %d", n, pages)
	}
	shown("portrait", 1)
	eval(`document.querySelector("details.material").scrollIntoView({block: "start"}), ""`)
	fits("portrait")
	looked("portrait", "judge-pdf-portrait.png")
	for n := 2; n <= pages; n++ {
		shown("portrait, scrolled", n)
	}
	looked("portrait, last page", "judge-pdf-portrait-last.png")

	do("turn the tablet", tablet(1366, 1024, chromedp.EmulateLandscape, chromedp.EmulateScale(2)))
	shown("landscape", 1)
	eval(`document.querySelector("details.material").scrollIntoView({block: "start"}), ""`)
	fits("landscape")
	looked("landscape", "judge-pdf-landscape.png")

	do("a phone", tablet(390, 844, chromedp.EmulatePortrait, chromedp.EmulateScale(3)))
	shown("phone", 2)
	eval(`document.querySelector("details.material").scrollIntoView({block: "start"}), ""`)
	fits("phone")
	looked("phone", "judge-pdf-phone.png")

	// Blind: the page's title is the server's, and the PDF's metadata is nowhere on the page.
	if got := eval(`document.title`); strings.Contains(got, "星河") || strings.Contains(got, author) {
		t.Errorf("the page's title shows the PDF's metadata: %q", got)
	}
	if got := eval(`document.body.innerText`); strings.Contains(got, "星河") || strings.Contains(got, author) {
		t.Errorf("the page shows the PDF's metadata:\n%s", got)
	}
	for _, m := range messages() {
		if strings.Contains(m, "Content Security Policy") || strings.Contains(m, "Refused") || strings.Contains(m, "fake worker") || strings.HasPrefix(m, "exception") {
			t.Errorf("console: %s", m)
		}
	}
}

// sharp is a script's function telling whether a page's canvas is drawn for
// the width it shows at, in device pixels, up to the viewer's 5 Mpx a canvas.
const sharp = `(c => {
	const r = c.getBoundingClientRect();
	return Math.abs(c.width - Math.min(r.width * devicePixelRatio, Math.sqrt(5242880 * r.width / r.height))) <= 2;
})`

// inkOf is a script telling what the canvas matched by %q shows: "text" when
// some of it (not most) is dark, else what is wrong.
const inkOf = `(() => {
	const c = document.querySelector(%q);
	if (!c) return "no canvas";
	if (!c.width || !c.height) return "an empty canvas";
	const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
	let dark = 0;
	for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] + d[i + 1] + d[i + 2] < 384) dark++;
	const share = dark / (d.length / 4);
	return share > 0.001 && share < 0.5 ? "text" : "nothing readable (" + (100 * share).toFixed(2) + "%% dark)";
})()`

// darkShare is the share of dark pixels in the part of a PNG within rect.
func darkShare(t *testing.T, shot []byte, rect image.Rectangle) float64 {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	r := img.Bounds().Intersect(rect)
	if r.Empty() {
		return 0
	}
	dark := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if (cr+cg+cb)>>8 < 384 {
				dark++
			}
		}
	}
	return float64(dark) / float64(r.Dx()*r.Dy())
}

// keepScreenshot writes the page's screenshot to $PODIUM_SCREENSHOT_DIR, or to
// $TMPDIR/podium-screenshots, and logs where: unlike saveScreenshot it always
// keeps one, as the artifact of a test whose point is what the screen shows.
func keepScreenshot(t *testing.T, ctx context.Context, name string) []byte {
	t.Helper()
	dir := os.Getenv("PODIUM_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "podium-screenshots")
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name), shot, 0o644)
	}
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return nil
	}
	t.Logf("screenshot: %s", filepath.Join(dir, name))
	return shot
}

// console collects what the page writes to its console, the browser's own
// messages (such as a CSP refusal) among them, as "type: text" lines.
func console(t *testing.T, b context.Context) func() []string {
	ctx, cancel := context.WithCancel(b)
	var mu sync.Mutex
	var lines []string
	done := make(chan struct{})
	messages := chromedp.Console(ctx)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			lines = append(lines, m.String())
			mu.Unlock()
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), lines...)
	}
}

// withInfo appends to pdf an incremental update giving it a document
// information dictionary with a title and an author, as word processors write
// them (UTF-16 text strings).
func withInfo(pdf []byte, title, author string) []byte {
	last := func(re string) string {
		m := regexp.MustCompile(re).FindAllSubmatch(pdf, -1)
		return string(m[len(m)-1][1])
	}
	text := func(s string) string {
		var b strings.Builder
		b.WriteString("<FEFF")
		for _, u := range utf16.Encode([]rune(s)) {
			fmt.Fprintf(&b, "%04X", u)
		}
		return b.String() + ">"
	}
	size, _ := strconv.Atoi(last(`/Size (\d+)`))
	var b bytes.Buffer
	b.Write(pdf)
	obj := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Title %s /Author %s >>\nendobj\n", size, text(title), text(author))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Info %d 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n",
		size, obj, size+1, last(`/Root (\d+ \d+ R)`), size, last(`startxref\s+(\d+)`), xref)
	return b.Bytes()
}
