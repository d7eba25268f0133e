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
	"podium/contest/live"
)

// An organizer at a desktop sets up a live final in the browser — two rooms,
// judges and entries in each — opens the first room's console, generates a
// seed, commits to it and reveals it, starts the pitch (the timer counts down),
// opens scoring; a judge submits (through the domain, as a tablet would) and
// the console shows them submitted without a reload, over the organizer's
// websocket; the organizer closes scoring, shows the result and calls the
// next entry. Then the console on a portrait tablet: freeze and reveal.
func TestBrowserLiveConsole(t *testing.T) {
	store, clock := contesttest.NewStore(t)
	rdb, prefix := contesttest.NewRedis(t)
	h := liveInstance(t, store, clock, rdb, prefix)
	w := newConsoleWorld(t, h)
	ctx := context.Background()

	b := newBrowser(t, 1440, 900)
	sctx, cancel := context.WithTimeout(b, 90*time.Second)
	defer cancel()
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		err := chromedp.Do(sctx, steps...)
		if err != nil && strings.Contains(err.Error(), "Could not find node") {
			// The console redrew a region between finding a button and clicking it: press again.
			time.Sleep(300 * time.Millisecond)
			err = chromedp.Do(sctx, steps...)
		}
		if err != nil {
			saveScreenshot(t, b, "live-console-failure.png")
			t.Fatalf("browser, %s: %v", what, err)
		}
	}
	// text reads an element's visible text in one step in the page: the console
	// redraws regions as updates arrive, so a node found a moment before may be gone.
	text := func(c context.Context, sel string) string {
		t.Helper()
		for range 50 {
			s, err := chromedp.Run(c, chromedp.Evaluate[*string](fmt.Sprintf(`(document.querySelector(%q) || {innerText: null}).innerText`, sel)))
			if err != nil {
				t.Fatalf("text of %s: %v", sel, err)
			}
			if s != nil {
				return *s
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("text of %s: no such element", sel)
		return ""
	}
	shot := func(c context.Context, name string) {
		t.Helper()
		if dir := os.Getenv("PODIUM_SCREENSHOT_DIR"); dir != "" {
			png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
			if err == nil {
				err = os.WriteFile(dir+"/"+name, png, 0o644)
			}
			if err != nil {
				t.Error(err)
			}
		}
	}
	login := func(c context.Context) {
		t.Helper()
		if err := chromedp.Do(c,
			chromedp.Navigate(h.http.URL+"/login"),
			chromedp.SendKeys(`input[name=login]`, "live-org@example.com"),
			chromedp.SendKeys(`input[name=password]`, contesttest.Password),
			chromedp.Submit(`input[name=password]`),
			chromedp.WaitVisible(`a[href="/organizer/contests/new"]`)); err != nil {
			t.Fatalf("login: %v", err)
		}
	}
	login(sctx)

	// The contest's page links the live setup of its live round.
	step("setup", chromedp.Navigate(fmt.Sprintf("%s/organizer/contests/%d", h.http.URL, w.contest.ID)),
		chromedp.Click(`a.live-link`), chromedp.WaitVisible(`#live-setup`))
	seat := []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(`input[name="rooms.0.name"]`, "第一会场"),
		chromedp.SetValue(`input[name="rooms.1.name"]`, "第二会场"),
	}
	for i := 3; i < 6; i++ {
		seat = append(seat, chromedp.SetValue(fmt.Sprintf(`select[name="judge.%d"]`, w.experts[i]), "2"),
			chromedp.SetValue(fmt.Sprintf(`select[name="entry.%d"]`, w.entries[i]), "2"))
	}
	seat = append(seat, chromedp.Click(`#live-setup button.primary`), chromedp.WaitVisible(`#live-rooms`))
	step("seat two rooms", seat...)
	shot(sctx, "live-setup-desktop.png")
	rooms, err := h.store.Live.Rooms(ctx, w.contest.ID, "final")
	if err != nil || len(rooms) != 2 || len(rooms[0].Judges) != 3 || len(rooms[1].Judges) != 3 || len(rooms[1].Slots) != 3 {
		t.Fatalf("rooms set in the browser: %+v %v", rooms, err)
	}
	room := rooms[0]
	setupText := text(sctx, `main`)
	wantIn(t, "setup page", setupText, "第一会场", "第二会场", "大屏", "手机页面", "控制台", "路演时长（分钟）")

	// The draw: generate (in the page), commit, reveal.
	step("console", chromedp.Click(fmt.Sprintf(`tr[data-room="%d"] a.button.primary`, room.ID)), chromedp.WaitVisible(`#draw`))
	var seed string
	step("generate", chromedp.Click(`#generate-seed`), chromedp.WaitVisible(`#seed-secret`))
	seed, err = chromedp.Run(sctx, chromedp.Evaluate[string](`document.getElementById("seed").value`))
	if err != nil {
		t.Fatal(err)
	}
	if len(seed) < 20 {
		t.Fatalf("generated seed %q", seed)
	}
	shot(sctx, "live-console-draw-generated.png")
	step("commit", chromedp.Click(`#commit-seed`), chromedp.WaitVisible(`#commitment`))
	if got := text(sctx, `#commitment`); got != live.Commitment(seed) {
		t.Fatalf("commitment shown %q, want SHA-256 of the seed", got)
	}
	shot(sctx, "live-console-committed.png")
	step("reveal", chromedp.SendKeys(`#reveal-seed`, seed), chromedp.Click(`#reveal-draw`), chromedp.WaitVisible(`#current[data-slot]`))

	// The pitch: the timer runs in the page.
	step("start pitch", chromedp.Click(`#op-start_pitch`), chromedp.WaitVisible(`#timer .timer-clock`),
		chromedp.WaitVisible(`#connection.live`))
	first := text(sctx, `#clock`)
	time.Sleep(2100 * time.Millisecond)
	second := text(sctx, `#clock`)
	if first == second || !strings.HasPrefix(first, "5:") && !strings.HasPrefix(first, "4:5") {
		t.Errorf("the pitch timer shows %q then %q: not counting down from 5:00", first, second)
	}
	shot(sctx, "live-console-pitch.png")

	// Scoring: a judge submits; the console shows it without a reload.
	step("open scoring", chromedp.Click(`#op-open_scoring`), chromedp.WaitVisible(`#phase.phase-scoring`),
		chromedp.WaitVisible(`#connection.live`), chromedp.Evaluate[chromedp.Void](`window.podiumMarker = 42`))
	if err := submitLive(t, h, w, room.ID, 0, "85.50"); err != nil {
		t.Fatal(err)
	}
	step("submitted shows live", chromedp.WaitVisible(`#judges tr[data-state="submitted"]`))
	marker, err := chromedp.Run(sctx, chromedp.Evaluate[int](`window.podiumMarker || 0`))
	if err != nil {
		t.Fatal(err)
	}
	if marker != 42 {
		t.Errorf("the console reloaded to show the submission")
	}
	judges := text(sctx, `#judges`)
	wantIn(t, "judges on the console", judges, "已提交 1 / 3", "评委1", "评审专家0", "未提交")
	shot(sctx, "live-console-scoring.png")
	for _, i := range []int{1, 2} {
		if err := submitLive(t, h, w, room.ID, i, "80.00"); err != nil {
			t.Fatal(err)
		}
	}
	step("all submitted", chromedp.WaitVisible(`#submitted-count`), chromedp.Poll[chromedp.Void](`document.querySelectorAll('#judges tr[data-state="submitted"]').length === 3`))
	// press clicks a stage button until the console shows the phase it leads to:
	// a live redraw may replace the button under the click, which is then lost
	// (a person would press again). A press that went through reloads the page,
	// which interrupts the script: that is read as "not yet".
	press := func(op, phase string) {
		t.Helper()
		js := fmt.Sprintf(`(() => {
			const ph = document.querySelector('#phase');
			if (ph && ph.classList.contains('phase-%s')) return true;
			const b = document.querySelector('#op-%s');
			if (b && !b.disabled && (!window.__pressed || Date.now() - window.__pressed > 3000)) { window.__pressed = Date.now(); b.click(); }
			return false;
		})()`, phase, op)
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if done, err := chromedp.Run(sctx, chromedp.Evaluate[bool](js)); err == nil && done {
				return
			}
		}
		saveScreenshot(t, b, "live-console-failure.png")
		t.Fatalf("browser: %s did not lead to the %s phase", op, phase)
	}
	press("close_scoring", "closed")
	press("show_result", "result")
	step("result shown", chromedp.WaitVisible(`#final`))
	shot(sctx, "live-console-result.png")
	final := text(sctx, `#final`)
	if final != "81.83" {
		t.Errorf("final %q, want the mean 81.83", final)
	}
	firstSlot := text(sctx, `#current strong`)
	press("next", "waiting")
	if now := text(sctx, `#current strong`); now == firstSlot {
		t.Errorf("next kept %q on stage", now)
	}
	shot(sctx, "live-console-next.png")

	// The console on a portrait tablet: freeze, then reveal what was shown since.
	tab := newBrowser(t, 1024, 1366)
	tctx, tcancel := context.WithTimeout(tab, 120*time.Second)
	defer tcancel()
	login(tctx)
	if err := chromedp.Do(tctx,
		chromedp.Navigate(fmt.Sprintf("%s/organizer/contests/%d/live/rooms/%d", h.http.URL, w.contest.ID, room.ID)),
		chromedp.WaitVisible(`#stage`),
		chromedp.Click(`#op-freeze`), chromedp.WaitVisible(`#frozen.warn`),
		chromedp.Click(`#op-start_pitch`), chromedp.WaitVisible(`#phase.phase-pitch`),
	); err != nil {
		saveScreenshot(t, tctx, "live-console-tablet-failure.png")
		t.Fatalf("tablet: %v", err)
	}
	shot(tctx, "live-console-tablet.png")
	if overflow, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || overflow {
		t.Errorf("the console scrolls sideways on a tablet (%v)", err)
	}
	if r, _ := h.store.Live.Room(ctx, w.contest.ID, room.ID); !r.Frozen || r.Phase != live.PhasePitch {
		t.Errorf("after the tablet: frozen %v phase %s", r.Frozen, r.Phase)
	}
}
