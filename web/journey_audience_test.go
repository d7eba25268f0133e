package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"podium/contest/contesttest"
	"podium/contest/live"
)

// The audience of a live final, on the hall's projector (1920×1080) and on a
// phone: from the contest's home to the room's board, which follows the stage
// as the judges' totals arrive, the result is shown and the ranking moves.
func TestJourneyAudienceLiveBoard(t *testing.T) {
	store, clock := contesttest.NewStore(t)
	rdb, prefix := contesttest.NewRedis(t)
	h := liveInstance(t, store, clock, rdb, prefix)
	w := newAudienceWorld(t, h)
	ctx := context.Background()
	publish := func() {
		t.Helper()
		h.server.WaitLive()
		h.server.PublishRoom(ctx, w.contest.ID, w.room.ID, false)
	}
	w.draw(t)
	w.apply(t, live.OpStartPitch)
	publish()

	big := newJourney(t, h, "audience-projector", projector)
	small := newJourney(t, h, "audience-phone", phone)
	screens := []*journey{big, small}
	for _, j := range screens {
		j.goTo("/contests/"+w.contest.Slug, `#live`)
		j.look("contest home")
		j.navigate("the live page", chromedp.Click(`#live`), chromedp.WaitVisible(`a.live-room-phone`))
		j.look("live rooms")
	}
	big.navigate("the room's screen", chromedp.Click(`a.live-room-screen`), chromedp.WaitVisible(`#live`))
	small.navigate("the room's phone view", chromedp.Tap(`a.live-room-phone`), chromedp.WaitVisible(`#live`))
	first := w.current(t)
	for _, j := range screens {
		j.poll("the entry on stage", `document.querySelector('#title').textContent === `+jsString(first))
		j.poll("the socket", `document.querySelector('#catching-banner').hidden`)
		evalJ[bool](j, `window.journeyNotReloaded = true`)
		j.look("pitch")
	}

	w.apply(t, live.OpStartQA, live.OpOpenScoring)
	publish()
	totals := []string{"88.00", "91.50", "79.25", "85.00", "90.00"}
	for i, total := range totals {
		w.submit(t, i+1, total)
		publish()
		for _, j := range screens {
			j.poll(fmt.Sprintf("judge %d's total", i+1), fmt.Sprintf(`document.querySelector('#judges li[data-seat="%d"] .total').textContent === %q`, i+1, total))
		}
		if i == 2 {
			for _, j := range screens {
				j.poll("the animations", `document.getAnimations().length === 0`)
				j.look("three totals in")
			}
		}
	}
	w.apply(t, live.OpCloseScoring, live.OpShowResult)
	publish()
	for _, j := range screens {
		j.poll("the final score", `document.querySelector('#final').textContent === "87.67"`)
		j.poll("the animations", `document.getAnimations().length === 0`)
		j.look("result")
	}

	// The second entry scores higher and moves above the first.
	w.apply(t, live.OpNext)
	second := w.current(t)
	w.apply(t, live.OpOpenScoring)
	for i, total := range []string{"92.00", "93.00", "94.00", "95.00", "96.00"} {
		w.submit(t, i+1, total)
	}
	w.apply(t, live.OpCloseScoring, live.OpShowResult)
	publish()
	for _, j := range screens {
		j.poll("the second result", `document.querySelector('#final').textContent === "94.00"`)
		j.poll("the animations", `document.getAnimations().length === 0`)
		order := evalJ[[]string](j, `[...document.querySelectorAll('#ranking li[data-key] .name b')].map(e => e.textContent)`)
		if len(order) != 2 || order[0] != second || order[1] != first {
			t.Errorf("%s: ranking %v, want %s above %s", j.name, order, second, first)
		}
		if !evalJ[bool](j, `window.journeyNotReloaded === true`) {
			t.Errorf("%s: the board reloaded; updates should arrive on its socket", j.name)
		}
		j.look("ranking moved")
	}
	// The projector shows everything without scrolling.
	if m := evalJ[screenMetrics](big, metricsJS); m.ScrollH > m.InnerH {
		t.Errorf("the projector's board scrolls: %v in %v", m.ScrollH, m.InnerH)
	}
}

// The public results page, on a phone and on a desktop: the ranking and the
// awards, nothing wider than the screen.
func TestJourneyAudienceResults(t *testing.T) {
	h := newHarness(t)
	w := newPublishedWorld(t, h)
	for _, dev := range []device{phone, desktop} {
		j := newJourney(t, h, "results-"+dev.name, dev)
		j.goTo("/contests/"+w.contest.Slug, `#results`)
		j.look("contest home")
		j.navigate("the results", chromedp.Click(`#results`), chromedp.WaitVisible(`main table, main .results`))
		j.look("results")
		text := evalJ[string](j, `document.body.innerText`)
		for _, want := range []string{"智能巡检机器人", "可降解包装材料", "一等奖"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the results page lacks %q", dev.name, want)
			}
		}
		for _, judge := range w.judges {
			if strings.Contains(text, judge) {
				t.Errorf("%s: the results page names the judge %s", dev.name, judge)
			}
		}
		j.english("results")
	}
}
