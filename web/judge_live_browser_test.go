package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/live"
)

// tablet is a judge's tablet in a live room: a Chromium at 1024×1366, logged in
// by the judge's invite link.
type tablet struct {
	t    *testing.T
	b    context.Context
	name string
}

func openTablet(t *testing.T, h *harness, w *liveWorld, judge int, name string) *tablet {
	t.Helper()
	inv, err := h.store.InviteExpert(context.Background(), w.org.ID, w.contest.ID, w.experts[judge])
	if err != nil {
		t.Fatal(err)
	}
	tb := &tablet{t: t, b: newBrowser(t, 1024, 1366), name: name}
	tb.do("redeem the invite and open the room",
		chromedp.EmulateViewport(1024, 1366, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(h.http.URL+"/invite/"+inv.Token),
		chromedp.Click(`form[action^="/invite/"] button[type=submit]`),
		chromedp.WaitVisible(fmt.Sprintf(`a.live-room[href="/judge/live/rooms/%d"]`, w.rooms[0].ID)),
		chromedp.Navigate(fmt.Sprintf("%s/judge/live/rooms/%d", h.http.URL, w.rooms[0].ID)),
		chromedp.WaitVisible(`#live-stage[data-ready="1"]`),
	)
	// A marker that only survives if the page is never reloaded or left.
	tb.eval(`window.podiumMarker = "same page", "set"`)
	return tb
}

func (tb *tablet) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	sctx, cancel := context.WithTimeout(tb.b, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		saveScreenshot(tb.t, tb.b, tb.name+"-failure.png")
		where, _ := chromedp.Run(tb.b, chromedp.Evaluate[string](`location.href + " " + JSON.stringify(document.getElementById("live-stage") ? document.getElementById("live-stage").dataset : {})`))
		tb.t.Fatalf("%s: %s: %v (page: %s)", tb.name, what, err, where)
	}
}

func (tb *tablet) eval(expr string) string {
	tb.t.Helper()
	v, err := chromedp.Run(tb.b, chromedp.Evaluate[string](expr))
	if err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.name, expr, err)
	}
	return v
}

// poll waits in the page for a JavaScript condition.
func (tb *tablet) poll(what, cond string) {
	tb.t.Helper()
	tb.do(what, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
		return err
	}))
}

func (tb *tablet) state() string {
	return tb.eval(`document.getElementById("live-stage").dataset.state || ""`)
}

func (tb *tablet) waitState(state string) {
	tb.t.Helper()
	tb.poll("stage state "+state, fmt.Sprintf(`document.getElementById("live-stage").dataset.state === %q`, state))
}

// sameDocument checks that no navigation happened since the tablet opened the room.
func (tb *tablet) sameDocument(when string) {
	tb.t.Helper()
	if got := tb.eval(`String(window.podiumMarker) + " " + location.pathname`); !strings.HasPrefix(got, "same page /judge/live/rooms/") {
		tb.t.Errorf("%s: %s: the page was reloaded or left: %s", tb.name, when, got)
	}
}

// layout lists what breaks the tablet rules: a control a finger uses below
// 44 CSS pixels, or a page wider than the screen.
func (tb *tablet) layout(when string) {
	tb.t.Helper()
	bad := tb.eval(`(() => {
		const bad = [...document.querySelectorAll("button.step, input[name^='mark.'], form.sheet button[type=submit], .live-head a.button")]
			.filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 60));
		if (document.documentElement.scrollWidth > window.innerWidth) bad.push("page wider than the screen: " + document.documentElement.scrollWidth);
		return bad.join("; ");
	})()`)
	if bad != "" {
		tb.t.Errorf("%s: %s: %s", tb.name, when, bad)
	}
}

func offline(down bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		rules := []*network.Conditions{}
		if down {
			rules = append(rules, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
		}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: down, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	})
}

// A judge's tablet in a live room, portrait 1024×1366. The judge opens the
// room's page before the draw; the organizer reveals the draw (the first entry
// is called) and opens scoring: the tablet shows the entry and then its
// scoring form by itself, without a reload or a navigation. The judge scores
// and submits: one sheet. The next entry is called and its form replaces the
// first; a judge conflicted with it sees they are recused. The network drops
// while the judge submits the second entry: the submission waits on the
// tablet and goes in, once, when the network returns.
func TestBrowserJudgeLiveTablet(t *testing.T) {
	store, clock := contesttest.NewStore(t)
	rdb, prefix := contesttest.NewRedis(t)
	h := liveInstance(t, store, clock, rdb, prefix)
	w := newLiveWorld(t, h, false)
	ctx := context.Background()
	room := w.rooms[0].ID
	// A seed whose order puts entry 1 (judge 2's conflict) second.
	seed := ""
	var codes []string
	for _, e := range w.entries[:4] {
		codes = append(codes, live.EntryCode(e))
	}
	for i := 0; seed == ""; i++ {
		s := fmt.Sprint("tablet-", i)
		if order := live.DrawOrder(s, codes); order[1].Code == live.EntryCode(w.entries[1]) {
			seed = s
		}
	}
	stage := func(op ...live.Op) {
		t.Helper()
		for _, o := range op {
			if _, err := store.Live.Apply(ctx, w.org.ID, w.contest.ID, room, o); err != nil {
				t.Fatalf("%s: %v", o, err)
			}
		}
		h.server.PublishRoom(ctx, w.contest.ID, room, false)
	}
	judgeStage := func(judge int) live.JudgeStage {
		t.Helper()
		st, err := store.Live.JudgeStage(ctx, access.EveryContest(w.judges[judge].ID), room)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	sheets := func(assignment int64) (n int) {
		t.Helper()
		if err := store.DB.Get(&n, `SELECT count(*) FROM score_sheets WHERE assignment_id = $1 AND state = 'submitted'`, assignment); err != nil {
			t.Fatal(err)
		}
		return n
	}

	tb := openTablet(t, h, w, 0, "judge-live")
	if got := tb.state(); got != "waiting" {
		t.Errorf("before the draw the tablet shows %q, want waiting", got)
	}
	tb.poll("connected", `document.getElementById("live-stage").dataset.connected === "1"`)
	if got := tb.eval(`document.querySelector(".live-message").textContent`); !strings.Contains(got, "等待下一个项目") {
		t.Errorf("waiting message %q", got)
	}
	saveScreenshot(t, tb.b, "judge-live-waiting.png")

	// The draw is revealed: the first entry is called; scoring is not open.
	if _, err := store.Live.CommitDraw(ctx, w.org.ID, w.contest.ID, room, live.Commitment(seed)); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Live.RevealDraw(ctx, w.org.ID, w.contest.ID, room, seed); err != nil {
		t.Fatal(err)
	}
	h.server.PublishRoom(ctx, w.contest.ID, room, false)
	first := judgeStage(0)
	tb.waitState("not_open")
	if got := tb.eval(`document.querySelector(".live-code").textContent`); got != first.Current.BlindCode {
		t.Errorf("the tablet shows entry %q, want %q", got, first.Current.BlindCode)
	}
	if tb.eval(`String(document.querySelector("form.sheet button[type=submit]").disabled)`) != "true" {
		t.Error("the form can be submitted before scoring opens")
	}
	stage(live.OpStartPitch)
	tb.poll("the pitch timer", `!document.querySelector(".live-timer").hidden && /^0[45]:\d\d$/.test(document.querySelector(".live-timer").textContent)`)
	saveScreenshot(t, tb.b, "judge-live-pitch.png")
	stage(live.OpStartQA, live.OpOpenScoring)
	tb.waitState("scoring")
	tb.poll("the form is open", `document.querySelector("form.sheet[data-ready='1']") && !document.querySelector("form.sheet button[type=submit]").disabled`)
	if got := tb.eval(`document.querySelector("form.sheet").dataset.assignment`); got != fmt.Sprint(first.Current.AssignmentID) {
		t.Errorf("the form is for assignment %s, want %d", got, first.Current.AssignmentID)
	}
	tb.sameDocument("scoring opened")
	tb.layout("portrait")
	saveScreenshot(t, tb.b, "judge-live-scoring-portrait.png")
	tb.do("turn the tablet", chromedp.EmulateViewport(1366, 1024, chromedp.EmulateLandscape, chromedp.EmulateMobile, chromedp.EmulateTouch))
	tb.layout("landscape")
	saveScreenshot(t, tb.b, "judge-live-scoring-landscape.png")
	tb.do("turn it back", chromedp.EmulateViewport(1024, 1366, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch))

	// The judge scores and submits.
	tb.do("score and submit",
		chromedp.SendKeys(`input[name="mark.tech"]`, "35"),
		chromedp.SendKeys(`input[name="mark.market"]`, "25"),
		chromedp.SendKeys(`input[name="mark.team"]`, "20"),
		chromedp.Tap(`form.sheet button[type=submit]`),
		chromedp.WaitVisible(`.confirm-submit .confirm-yes`), chromedp.Tap(`.confirm-submit .confirm-yes`),
	)
	tb.waitState("submitted")
	tb.poll("the form shows it submitted", `document.querySelector("form.sheet").dataset.state === "submitted"`)
	if n := sheets(first.Current.AssignmentID); n != 1 {
		t.Errorf("%d submitted sheets for the first entry, want 1", n)
	}
	saveScreenshot(t, tb.b, "judge-live-submitted.png")

	// Scoring closes, the result is shown, the next entry is called: its form replaces the first's.
	stage(live.OpCloseScoring, live.OpShowResult, live.OpNext)
	second := judgeStage(0)
	if second.Current == nil || second.Current.AssignmentID == first.Current.AssignmentID {
		t.Fatalf("the next entry: %+v", second.Current)
	}
	tb.waitState("not_open")
	tb.poll("the second entry's form", fmt.Sprintf(`!!document.querySelector("form.sheet[data-assignment='%d'][data-ready='1']")`, second.Current.AssignmentID))
	if n := tb.eval(`String(document.querySelectorAll("form.sheet").length)`); n != "1" {
		t.Errorf("%s forms on the page", n)
	}
	tb.sameDocument("the next entry")

	// Judge 2 is conflicted with this entry: their tablet says they are recused.
	if st := judgeStage(2); st.Current == nil || !st.Current.Recused {
		t.Fatalf("judge 2 is not recused for the second entry: %+v", st.Current)
	}
	rec := openTablet(t, h, w, 2, "judge-live-recused")
	rec.waitState("recused")
	if got := rec.eval(`document.querySelector(".live-message").textContent`); !strings.Contains(got, "回避") {
		t.Errorf("recused message %q", got)
	}
	if n := rec.eval(`String(document.querySelectorAll("form.sheet").length)`); n != "0" {
		t.Errorf("the recused judge has %s forms", n)
	}
	saveScreenshot(t, rec.b, "judge-live-recused.png")

	// Scoring opens; the judge scores; the network drops as they submit.
	stage(live.OpStartPitch, live.OpStartQA, live.OpOpenScoring)
	tb.waitState("scoring")
	rec.waitState("recused")
	tb.poll("the form is open", `!document.querySelector("form.sheet button[type=submit]").disabled`)
	tb.do("score", chromedp.SendKeys(`input[name="mark.tech"]`, "30"), chromedp.SendKeys(`input[name="mark.market"]`, "20"),
		chromedp.SendKeys(`input[name="mark.team"]`, "25"))
	tb.do("go offline", offline(true))
	tb.poll("the connection is lost", `document.getElementById("live-stage").dataset.connected === "0" || !!document.querySelector(".connection.offline")`)
	tb.do("submit offline", chromedp.Tap(`form.sheet button[type=submit]`), chromedp.WaitVisible(`.confirm-submit .confirm-yes`), chromedp.Tap(`.confirm-submit .confirm-yes`))
	tb.poll("queued", `document.querySelector(".sheet-status").textContent.includes("等待联网后提交")`)
	saveScreenshot(t, tb.b, "judge-live-offline-queued.png")
	if n := sheets(second.Current.AssignmentID); n != 0 {
		t.Fatalf("offline, yet %d sheets", n)
	}
	tb.do("come back online", offline(false))
	tb.waitState("submitted")
	tb.poll("reconnected", `document.getElementById("live-stage").dataset.connected === "1" && document.querySelector(".live-banner").hidden`)
	if n := sheets(second.Current.AssignmentID); n != 1 {
		t.Errorf("%d submitted sheets for the second entry, want exactly 1", n)
	}
	var keys int
	if err := store.DB.Get(&keys, `SELECT count(*) FROM idempotency_keys WHERE account_id = $1`, w.judges[0].ID); err != nil || keys != 2 {
		t.Errorf("%d idempotency keys (%v), want 2: one per entry", keys, err)
	}
	tb.sameDocument("after the offline submission")

	// Scoring closes: the submitted sheet stays shown, locked.
	stage(live.OpCloseScoring)
	tb.poll("phase closed", `document.querySelector(".live-phase").dataset.phase === "closed"`)
	if tb.state() != "submitted" || tb.eval(`String(document.querySelector('input[name="mark.tech"]').disabled)`) != "true" {
		t.Errorf("after closing: state %s", tb.state())
	}
	saveScreenshot(t, tb.b, "judge-live-closed.png")
	tb.sameDocument("the end")
	// The room's result takes the other judges' marks, judge 2 recused.
	org, err := store.Live.Board(ctx, w.contest.ID, room, live.AudienceOrganizer)
	if err != nil {
		t.Fatal(err)
	}
	if org.Current == nil || !slices.ContainsFunc(org.Current.Judges, func(j live.BoardJudge) bool { return j.Recused }) {
		t.Errorf("the organizer's board does not show the recused judge: %+v", org.Current)
	}
	if res := h.loggedIn(w.judges[0]).get(fmt.Sprintf("/api/v1/judge/live/rooms/%d", room)); res.status != http.StatusOK {
		t.Errorf("stage: %d", res.status)
	}
}
