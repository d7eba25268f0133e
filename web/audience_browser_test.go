package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest/contesttest"
	"podium/contest/live"
	fanout "podium/web/live"
)

// screenMetrics is what a person at the back of the hall would check: no
// scrollbars, large type, strong contrast.
type screenMetrics struct {
	ScrollW, ScrollH, InnerW, InnerH  float64
	TitlePx, FinalPx, TotalPx, RankPx float64
	TitleContrast, TotalContrast      float64
	RankContrast, FinalContrast       float64
	TitleLines                        float64
}

// metricsJS measures the page: sizes, font sizes, and WCAG contrast ratios
// of the main text against the background it sits on.
const metricsJS = `(() => {
  const lum = c => { const m = c.match(/[\d.]+/g).map(Number);
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]); };
  const ground = e => { for (; e; e = e.parentElement) { const b = getComputedStyle(e).backgroundColor;
    if (b && !/rgba\(.*,\s*0\)$/.test(b) && b !== 'transparent') return b; } return 'rgb(255, 255, 255)'; };
  const ratio = sel => { const e = document.querySelector(sel); if (!e) return 0;
    const a = lum(getComputedStyle(e).color), b = lum(ground(e));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
  const px = sel => { const e = document.querySelector(sel); return e ? parseFloat(getComputedStyle(e).fontSize) : 0; };
  const title = document.querySelector('#title');
  return {ScrollW: document.documentElement.scrollWidth, ScrollH: document.documentElement.scrollHeight,
    InnerW: innerWidth, InnerH: innerHeight,
    TitlePx: px('#title'), FinalPx: px('#final'), TotalPx: px('#judges .total'), RankPx: px('#ranking li .name b'),
    TitleContrast: ratio('#title'), TotalContrast: ratio('#judges li.scored .total'),
    RankContrast: ratio('#ranking li .name b'), FinalContrast: ratio('#final'),
    TitleLines: Math.round(title.getBoundingClientRect().height / parseFloat(getComputedStyle(title).lineHeight))};
})()`

// waitFor polls a JavaScript condition in the page until it holds.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(sctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		saveScreenshot(t, ctx, "live-failure.png")
		page, _ := chromedp.Run(ctx, chromedp.Text(`body`))
		t.Fatalf("waiting for %s (%s): %v\npage: %s", what, cond, err, page)
	}
}

func evalIn[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return out
}

func jsString(s string) string { return fmt.Sprintf("%q", s) }

// shot saves a screenshot once the page's animations (a line sliding into
// place, a total arriving) have finished.
func shot(t *testing.T, b context.Context, name string) {
	t.Helper()
	waitFor(t, b, "the animations to finish", `document.getAnimations().length === 0`)
	saveScreenshot(t, b, name)
}

// The audience's views of a live room, at 1920×1080 and on a phone: the
// draw's commitment and seed, each judge's total as it arrives, the highest
// and lowest struck through and the final score once shown, the ranking
// reordering, the frozen board holding a result back until it is revealed;
// large type, strong contrast and no scrollbars on the projector.
func TestBrowserLiveAudienceViews(t *testing.T) {
	store, clock := contesttest.NewStore(t)
	rdb, prefix := contesttest.NewRedis(t)
	h := liveInstance(t, store, clock, rdb, prefix)
	w := newAudienceWorld(t, h)
	ctx := context.Background()

	// The contest's live page lists the room with its two views.
	index := h.client().get(fmt.Sprintf("/live/%d", w.contest.ID))
	if index.status != 200 || !strings.Contains(index.body, w.screenPath()+"/phone") || !strings.Contains(index.body, "第一会场") {
		t.Fatalf("live index: %d %s", index.status, index.body)
	}

	// publish publishes the room's boards after a stage operation, as the
	// stage console does; a sheet publishes them itself (judging.SheetChanged).
	publish := func() {
		t.Helper()
		h.server.WaitLive()
		h.server.PublishRoom(ctx, w.contest.ID, w.room.ID, false)
	}
	big := newBrowser(t, 1920, 1080)
	phone := newBrowser(t, 390, 844)
	screens := []context.Context{big, phone}
	// The page's own size, not the window's: a projector's 1920×1080 and a phone's 390×844.
	if err := chromedp.Do(big, chromedp.EmulateViewport(1920, 1080)); err != nil {
		t.Fatal(err)
	}
	// Before the draw: the screen names the contest, the room and the round,
	// and says once that the order is still to be drawn.
	publish()
	if err := chromedp.Do(big, chromedp.Navigate(h.http.URL+w.screenPath()), chromedp.WaitVisible(`#live`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, big, "the board before the draw", `document.querySelector('#ranking li.empty') !== null`)
	if got := evalIn[string](t, big, `document.querySelector('#contest').textContent + " | " + document.querySelector('#room').textContent`); got != w.contest.NameZh+" | 第一会场" {
		t.Errorf("before the draw the screen's head says %q", got)
	}
	if n := evalIn[int](t, big, `document.body.innerText.split("出场顺序待抽签").length - 1`); n != 1 {
		t.Errorf("before the draw the screen says %d times that the order is to be drawn, want once", n)
	}
	shot(t, big, "live-screen-before-draw.png")
	w.draw(t)
	w.apply(t, live.OpStartPitch)
	publish()
	// The contest's live page links the room's two views.
	if err := chromedp.Do(big, chromedp.Navigate(fmt.Sprintf("%s/live/%d", h.http.URL, w.contest.ID)), chromedp.WaitVisible(`a.live-room-phone`)); err != nil {
		t.Fatal(err)
	}
	shot(t, big, "live-index.png")
	if err := chromedp.Do(phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for i, b := range screens {
		path := w.screenPath()
		if i == 1 {
			path += "/phone"
		}
		if err := chromedp.Do(b, chromedp.Navigate(h.http.URL+path), chromedp.WaitVisible(`#live`)); err != nil {
			t.Fatal(err)
		}
	}
	first := w.current(t)
	for _, b := range screens {
		waitFor(t, b, "the entry on stage", `document.querySelector('#title').textContent === `+jsString(first))
		waitFor(t, b, "the pitch timer", `/^0[45]:\d\d$/.test(document.querySelector('#timer').textContent)`)
		waitFor(t, b, "the draw in plain words", `document.querySelector('#draw .verifiable').textContent.includes("公开可验证")`)
	}
	// The phone keeps the draw's data one tap away; the big screen shows no command line but points to the phone page.
	waitFor(t, phone, "the seed and how to check it", `document.querySelector('#draw details .command').textContent.startsWith("podium draw --seed '`+w.seed+`' --entries ")`)
	if got := evalIn[string](t, big, `document.querySelector('#draw').textContent + " | " + document.querySelector('#draw a.phone-link').getAttribute("href")`); strings.Contains(got, "podium draw") || !strings.HasSuffix(got, w.screenPath()+"/phone") {
		t.Errorf("the big screen's footer: %q", got)
	}
	// Once the font is in, every line of the order shown is whole and every title shows in full (two lines at most).
	waitFor(t, big, "the font", `document.fonts.status === "loaded" && document.getAnimations().length === 0`)
	if bad := evalIn[string](t, big, `(() => {
		const ol = document.querySelector('#ranking').getBoundingClientRect(), bad = [];
		for (const li of document.querySelectorAll('#ranking li[data-key]:not([hidden])')) {
			const r = li.getBoundingClientRect(), b = li.querySelector('.name b');
			if (r.bottom > ol.bottom + 1) bad.push(b.textContent + " cut at the bottom");
			if (b.scrollHeight > b.clientHeight + 1 || b.scrollWidth > b.clientWidth + 1) bad.push(b.textContent + " cut");
		}
		return bad.join("; ");
	})()`); bad != "" {
		t.Errorf("the big screen's order: %s", bad)
	}
	// Twelve entries in the pitch order: the big screen shows those that fit and "+k more".
	more := evalIn[string](t, big, `document.querySelector('#more').hidden ? '' : document.querySelector('#more').textContent`)
	lines := evalIn[int](t, big, `[...document.querySelectorAll('#ranking li[data-key]')].filter(li => !li.hidden).length`)
	if lines < 5 || more != fmt.Sprintf("另有 %d 个项目", 12-lines) {
		t.Errorf("the pitch order shows %d lines and %q", lines, more)
	}
	if n := evalIn[int](t, phone, `document.querySelectorAll('#ranking li[data-key]:not([hidden])').length`); n != 12 {
		t.Errorf("the phone shows %d lines of the order, want all 12 (it scrolls)", n)
	}
	commitment := live.Commitment(w.seed)
	if got := evalIn[string](t, phone, `document.querySelector('#draw details .full').textContent`); got != commitment {
		t.Errorf("the commitment's full value %q, want %q", got, commitment)
	}
	shot(t, big, "live-screen-pitch.png")
	shot(t, phone, "live-phone-pitch.png")

	// The screens follow the room's websocket: nothing reloads them.
	for _, b := range screens {
		evalIn[bool](t, b, `window.podiumNotReloaded = true`)
		waitFor(t, b, "the socket", `document.querySelector('#catching-banner').hidden`)
	}
	w.apply(t, live.OpStartQA, live.OpOpenScoring)
	publish()
	totals := []string{"88.00", "91.50", "79.25", "85.00", "90.00"}
	for i, total := range totals {
		w.submit(t, i+1, total)
		publish()
		for _, b := range screens {
			waitFor(t, b, "评委"+fmt.Sprint(i+1)+"'s total", fmt.Sprintf(`document.querySelector('#judges li[data-seat="%d"] .total').textContent === %q`, i+1, total))
		}
		if i == 2 {
			shot(t, big, "live-screen-three-totals.png")
			shot(t, phone, "live-phone-three-totals.png")
		}
	}
	// Nothing struck, no score while the judges may still change their minds.
	if n := evalIn[int](t, big, `document.querySelectorAll('#judges li.struck').length`); n != 0 {
		t.Errorf("%d totals struck before the result is shown", n)
	}
	w.apply(t, live.OpCloseScoring, live.OpShowResult)
	publish()
	for _, b := range screens {
		waitFor(t, b, "the final score", `document.querySelector('#final').textContent === "87.67"`)
		struck := evalIn[[]string](t, b, `[...document.querySelectorAll('#judges li')].filter(li =>
			getComputedStyle(li.querySelector('.total')).textDecorationLine.includes('line-through')).map(li => li.querySelector('.total').textContent)`)
		if strings.Join(struck, " ") != "91.50 79.25" {
			t.Errorf("struck through: %v, want the highest and the lowest, 91.50 and 79.25", struck)
		}
		rule := evalIn[string](t, b, `document.querySelector('#rule').textContent`)
		if !strings.Contains(rule, "去掉一个最高分和一个最低分") || !strings.Contains(rule, "四舍五入") {
			t.Errorf("rule %q", rule)
		}
		waitFor(t, b, "the ranking", `document.querySelector('#side-title').textContent === "实时排名" && document.querySelectorAll('#ranking li[data-key]').length === 1`)
	}
	shot(t, big, "live-screen-result.png")
	shot(t, phone, "live-phone-result.png")

	m := evalIn[screenMetrics](t, big, metricsJS)
	t.Logf("big screen: %+v", m)
	if m.ScrollW > m.InnerW || m.ScrollH > m.InnerH {
		t.Errorf("the big screen scrolls: %vx%v in %vx%v", m.ScrollW, m.ScrollH, m.InnerW, m.InnerH)
	}
	if m.TitlePx < 48 || m.FinalPx < 96 || m.TotalPx < 48 || m.RankPx < 36 {
		t.Errorf("type too small for a hall: title %vpx, final %vpx, totals %vpx, ranking %vpx", m.TitlePx, m.FinalPx, m.TotalPx, m.RankPx)
	}
	for name, c := range map[string]float64{"title": m.TitleContrast, "totals": m.TotalContrast, "ranking": m.RankContrast, "final": m.FinalContrast} {
		if c < 7 {
			t.Errorf("contrast of the %s %.2f:1, want at least 7:1", name, c)
		}
	}
	if m.TitleLines > 2 {
		t.Errorf("the title takes %v lines", m.TitleLines)
	}
	pm := evalIn[screenMetrics](t, phone, metricsJS)
	t.Logf("phone: %+v", pm)
	if pm.ScrollW > pm.InnerW {
		t.Errorf("the phone view scrolls sideways: %v in %v", pm.ScrollW, pm.InnerW)
	}
	if pm.TitlePx < 24 || pm.FinalPx < 48 || pm.TitleContrast < 7 || pm.FinalContrast < 7 {
		t.Errorf("phone type or contrast: %+v", pm)
	}

	// The second entry scores higher: it moves above the first, the first's
	// line sliding down (the same element, not a new one).
	evalIn[bool](t, big, `document.querySelector('#ranking li[data-key]').podiumMark = true`)
	w.apply(t, live.OpNext)
	second := w.current(t)
	w.apply(t, live.OpOpenScoring)
	for i, total := range []string{"92.00", "93.00", "94.00", "95.00", "96.00"} {
		w.submit(t, i+1, total)
	}
	w.apply(t, live.OpCloseScoring, live.OpShowResult)
	publish()
	for _, b := range screens {
		waitFor(t, b, "the second result", `document.querySelector('#final').textContent === "94.00"`)
		order := evalIn[[]string](t, b, `[...document.querySelectorAll('#ranking li[data-key] .name b')].map(e => e.textContent)`)
		if len(order) != 2 || order[0] != second || order[1] != first {
			t.Errorf("ranking %v, want %s above %s", order, second, first)
		}
	}
	if !evalIn[bool](t, big, `document.querySelectorAll('#ranking li[data-key]')[1].podiumMark === true`) {
		t.Error("the first entry's line was replaced, not moved")
	}
	shot(t, big, "live-screen-ranking.png")

	// Frozen: the third result stays hidden until it is revealed.
	w.apply(t, live.OpFreeze, live.OpNext)
	third := w.current(t)
	w.apply(t, live.OpOpenScoring)
	for i, total := range []string{"99.00", "98.00", "97.00", "99.50", "98.50"} {
		w.submit(t, i+1, total)
	}
	w.apply(t, live.OpCloseScoring, live.OpShowResult)
	publish()
	for _, b := range screens {
		waitFor(t, b, "the frozen banner", `!document.querySelector('#frozen-banner').hidden && document.querySelector('#title').textContent === `+jsString(third))
		if got := evalIn[string](t, b, `document.querySelector('#final-box').hidden ? '' : document.querySelector('#final').textContent`); got != "" {
			t.Errorf("a frozen board shows the score %q", got)
		}
		if got := evalIn[string](t, b, `document.querySelector('#judges li[data-seat="1"] .total').textContent`); got != "待揭晓" {
			t.Errorf("a frozen board shows 评委1's total as %q", got)
		}
		if n := evalIn[int](t, b, `document.querySelectorAll('#ranking li[data-key]').length`); n != 2 {
			t.Errorf("a frozen board ranks %d entries, want the 2 shown before the freeze", n)
		}
	}
	shot(t, big, "live-screen-frozen.png")
	shot(t, phone, "live-phone-frozen.png")
	w.apply(t, live.OpRevealNext)
	publish()
	for _, b := range screens {
		waitFor(t, b, "the revealed result", `document.querySelectorAll('#ranking li[data-key]').length === 3 && document.querySelector('#ranking li[data-key] .name b').textContent === `+jsString(third))
	}
	shot(t, big, "live-screen-revealed.png")
	for _, b := range screens {
		if !evalIn[bool](t, b, `window.podiumNotReloaded === true`) {
			t.Error("a screen reloaded: updates should arrive on its socket")
		}
	}

	// Redis away: the server says the board is catching up, and the screens say so.
	h.server.LiveHub().SetStatus(fanout.StatusCatchingUp)
	for _, b := range screens {
		waitFor(t, b, "the catching-up banner", `!document.querySelector('#catching-banner').hidden`)
	}
	shot(t, big, "live-screen-catching-up.png")
	h.server.LiveHub().SetStatus(fanout.StatusLive)
	for _, b := range screens {
		waitFor(t, b, "the banner gone", `document.querySelector('#catching-banner').hidden`)
	}

	// In English, judges are still 评委1 …, with Judge 1 beside.
	if err := chromedp.Do(phone, chromedp.Navigate(h.http.URL+w.screenPath()+"/phone?lang=en"), chromedp.WaitVisible(`#live`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, phone, "the English phone view", `document.querySelector('#judges li[data-seat="1"] .label').textContent === "评委1" && document.querySelector('#judges li[data-seat="1"] .label-en').textContent === "Judge 1"`)
	shot(t, phone, "live-phone-en.png")

	// The socket down: the screen says it is catching up (and keeps trying).
	h.server.LiveHub().Close()
	waitFor(t, big, "the catching-up banner without a socket", `!document.querySelector('#catching-banner').hidden`)
}
