package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/contesttest"
	"podium/contest/judging"
	"podium/scoring"
)

// A judge on a tablet redeems the invite link, scores an entry with the stepper
// buttons and by typing, and sees the exact total. The draft reaches the server
// and survives reloads, also when the page goes away before the draft is sent.
// Then the network drops: the submission is queued on the tablet and the server
// has nothing; when the network returns the page submits it by itself, exactly
// once, and cannot submit again.
func TestBrowserJudgeScoresOfflineExactlyOnce(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("judge-offline")
	setup.Rounds[0].ReviewsPerEntry = 1
	// Weights that differ from the maxima, so that the total needs exact arithmetic:
	// 30.50×35/40 + 20.50×35/30 + 30.00×30/30 = 80.6041…, shown as 80.60 (rounding
	// each term first would give 80.61).
	setup.Rounds[0].Criteria[0].Weight = 3500
	setup.Rounds[0].Criteria[1].Weight = 3500
	c, err := h.store.CreateContest(ctx, org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	entryID, _ := submittedEntryWithFile(t, h, entrant, c.ID)
	if _, err := h.store.ReviewEntries(ctx, org.ID, c.ID, []int64{entryID}, true, ""); err != nil {
		t.Fatal(err)
	}
	x, err := h.store.SaveExpert(ctx, org.ID, judging.ExpertInput{Name: "平板评委", Organization: "某大学"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetPanel(ctx, org.ID, c.ID, "prelim", []int64{x.ID}); err != nil {
		t.Fatal(err)
	}
	run, err := h.store.StartAssignment(ctx, org.ID, c.ID, "prelim", 1)
	if err != nil {
		t.Fatal(err)
	}
	if run, err = h.store.RunAssignment(ctx, org.ID, c.ID, "prelim", run.ID); err != nil || run.Added != 1 {
		t.Fatalf("run %+v %v", run, err)
	}
	inv, err := h.store.InviteExpert(ctx, org.ID, c.ID, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetRoundState(ctx, org.ID, c.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	list, err := h.store.Assignments(ctx, c.ID, "prelim")
	if err != nil || len(list) != 1 {
		t.Fatalf("assignments %+v %v", list, err)
	}
	assignment := list[0].ID
	want := map[string]scoring.Points{"tech": 3050, "market": 2050, "team": 3000}
	rubric := scoring.Rubric{}
	for _, cr := range c.Setup.Rounds[0].Criteria {
		rubric.Criteria = append(rubric.Criteria, scoring.Criterion{Key: cr.Key, Name: cr.NameZh, Max: cr.Max, Weight: cr.Weight})
	}
	if total, err := rubric.Total(want); err != nil || total != 8060 {
		t.Fatalf("the test's expected total: %v %v", total, err) // the world is not what this test assumes
	}

	b := newBrowser(t, 820, 1180)
	mark := func(key string) string { return fmt.Sprintf(`input[name="mark.%s"]`, key) }
	step := func(key, delta string) string {
		return fmt.Sprintf(`fieldset[data-key=%s] button.step[data-delta="%s"]`, key, delta)
	}
	ready := chromedp.WaitVisible(`form.sheet[data-ready="1"]`)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(b, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			saveScreenshot(t, b, "judge-offline-failure.png")
			where, _ := chromedp.Run(b, chromedp.Evaluate[string](`location.href + " " + (document.querySelector("form.sheet") ? JSON.stringify(document.querySelector("form.sheet").dataset) : "(no sheet)")`))
			t.Logf("the page: %s", where)
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
	text := func(sel string) string {
		return eval(fmt.Sprintf(`document.querySelector(%q).textContent.trim()`, sel))
	}
	value := func(sel string) string { return eval(fmt.Sprintf(`document.querySelector(%q).value`, sel)) }
	// poll waits in the page for a JavaScript condition.
	poll := func(what, cond string) {
		t.Helper()
		do(what, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(8*time.Second))(ctx, tg)
			return err
		}))
	}
	sheets := func(state string) (n int) {
		t.Helper()
		if err := h.store.DB.Get(&n, `SELECT count(*) FROM score_sheets WHERE assignment_id = $1 AND state = $2`, assignment, state); err != nil {
			t.Fatal(err)
		}
		return n
	}
	audited := func() (n int) {
		t.Helper()
		if err := h.store.DB.Get(&n, `SELECT count(*) FROM audit_log WHERE action = $1`, audit.ScoreSubmitted); err != nil {
			t.Fatal(err)
		}
		return n
	}
	setOffline := func(down bool) chromedp.Action[chromedp.Void] {
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

	// The invite link logs the judge in, and lands on the task list.
	// A touch tablet: with EmulateMobile the page's viewport applies, so quick taps
	// are taps (not a double-tap zoom).
	do("redeem the invite",
		chromedp.EmulateViewport(820, 1180, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(h.http.URL+"/invite/"+inv.Token),
		chromedp.Click(`form[action^="/invite/"] button[type=submit]`),
		chromedp.WaitVisible(fmt.Sprintf(`a.task[href="/judge/assignments/%d"]`, assignment)),
		chromedp.Navigate(fmt.Sprintf("%s/judge/assignments/%d", h.http.URL, assignment)),
		ready,
	)
	// Touch-first in both orientations: nothing wider than the screen, and every
	// control a finger uses at least 44 CSS pixels tall (Apple's and Google's guides).
	layout := `(() => {
		const bad = [...document.querySelectorAll("button.step, input[name^='mark.'], form.sheet button[type=submit]")]
			.filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 60));
		if (document.documentElement.scrollWidth > window.innerWidth) bad.push("page wider than the screen");
		return bad.join("; ");
	})()`
	if bad := eval(layout); bad != "" {
		t.Errorf("portrait tablet: %s", bad)
	}
	do("turn the tablet", chromedp.EmulateViewport(1180, 820, chromedp.EmulateLandscape, chromedp.EmulateMobile, chromedp.EmulateTouch), ready)
	if bad := eval(layout); bad != "" {
		t.Errorf("landscape tablet: %s", bad)
	}
	do("turn it back", chromedp.EmulateViewport(820, 1180, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch), ready)
	if got := text("output[name=total]"); got != "—" {
		t.Errorf("total of an empty sheet: %q", got)
	}
	// Typing and the stepper, tapped quickly: 30 then +, 19 then + + + + −, 29.5 then + + (held at the maximum 30).
	do("score",
		chromedp.SendKeys(mark("tech"), "30"),
		chromedp.Tap(step("tech", "1")),
		chromedp.SendKeys(mark("market"), "19"),
		chromedp.Tap(step("market", "1")),
		chromedp.Tap(step("market", "1")),
		chromedp.Tap(step("market", "1")),
		chromedp.Tap(step("market", "1")),
		chromedp.Tap(step("market", "-1")),
	)
	if got := text("output[name=total]"); got != "—" {
		t.Errorf("total with a criterion missing: %q", got)
	}
	do("score the last criterion",
		chromedp.SendKeys(mark("team"), "29.5"),
		chromedp.Tap(step("team", "1")),
		chromedp.Tap(step("team", "1")),
		chromedp.SendKeys(`textarea[name=comment]`, "技术扎实，市场待验证"),
	)
	for key, v := range map[string]string{"tech": "30.50", "market": "20.50", "team": "30.00"} {
		if got := value(mark(key)); got != v {
			t.Errorf("mark %s shows %q, want %q", key, got, v)
		}
		if got := value(fmt.Sprintf(`fieldset[data-key=%s] input[type=range]`, key)); got != strings.TrimSuffix(strings.TrimSuffix(v, "0"), ".0") {
			t.Errorf("slider %s at %q, want %s", key, got, v)
		}
	}
	if got := text("output[name=total]"); got != "80.60" {
		t.Errorf("live total %q, want 80.60", got)
	}

	// The draft reaches the server.
	var draft judging.BlindEntry
	deadline := time.Now().Add(8 * time.Second)
	for {
		draft, err = h.store.JudgeEntry(ctx, access.EveryContest(inv.AccountID), assignment)
		if err != nil {
			t.Fatal(err)
		}
		if draft.Sheet.State == "draft" && len(draft.Sheet.Marks) == 3 && draft.Sheet.Comment != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no draft on the server: %+v", draft.Sheet)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for key, v := range want {
		if draft.Sheet.Marks[key] != v {
			t.Errorf("draft mark %s = %s, want %s", key, draft.Sheet.Marks[key], v)
		}
	}
	if draft.Sheet.Comment != "技术扎实，市场待验证" || draft.Sheet.Total != nil {
		t.Errorf("draft %+v", draft.Sheet)
	}

	// A comment typed just before the page goes away is not lost either.
	do("comment and reload at once",
		chromedp.SendKeys(`textarea[name="comment.tech"]`, "工艺成熟"),
		chromedp.Reload(),
		ready,
	)
	for key, v := range map[string]string{"tech": "30.50", "market": "20.50", "team": "30.00"} {
		if got := value(mark(key)); got != v {
			t.Errorf("after reload mark %s shows %q, want %q", key, got, v)
		}
	}
	if got := value(`textarea[name="comment.tech"]`); got != "工艺成熟" {
		t.Errorf("after reload the criterion's comment is %q", got)
	}
	if got := text("output[name=total]"); got != "80.60" {
		t.Errorf("after reload the total is %q", got)
	}
	poll("the comment reaches the server", `document.querySelector(".sheet-status").textContent.includes("草稿已保存")`)

	// A mark off the step: pressing submit sends nothing and says which mark, by name.
	setMark := func(key, v string) {
		t.Helper()
		eval(fmt.Sprintf(`(() => { const i = document.querySelector(%q); i.value = %q; i.dispatchEvent(new Event("input", {bubbles: true})); return "set"; })()`, mark(key), v))
	}
	setMark("team", "12.3")
	do("a mark off the step", chromedp.Tap(`form.sheet button[type=submit]`))
	if got := text(".sheet-status"); !strings.Contains(got, "尚未提交，请先修正标红的评分项：团队") {
		t.Errorf("the status after a mark off the step says %q", got)
	}
	setMark("team", "30")

	// The network drops: the submission waits on the tablet.
	do("go offline", setOffline(true), chromedp.WaitVisible(`.connection.offline`))
	if got := text(".connection"); !strings.Contains(got, "网络已断开") {
		t.Errorf("connection notice %q", got)
	}
	// Submitting cannot be undone: the page asks first, with the total, and "not yet" sends nothing.
	do("ask before submitting", chromedp.Tap(`form.sheet button[type=submit]`), chromedp.WaitVisible(`.confirm-submit .confirm-no`))
	if got := eval(`document.querySelector(".confirm-submit").textContent`); !strings.Contains(got, "提交后不能再修改") ||
		!strings.Contains(got, eval(`document.querySelector("output[name=total]").textContent`)) {
		t.Errorf("the confirmation says %q", got)
	}
	do("not yet", chromedp.Tap(`.confirm-submit .confirm-no`), chromedp.WaitNotVisible(`.confirm-submit`))
	if eval(`String(localStorage.getItem("podium.judge.`+fmt.Sprint(assignment)+`.pending"))`) != "null" {
		t.Error("\"not yet\" queued the submission")
	}
	do("submit offline", chromedp.Tap(`form.sheet button[type=submit]`), chromedp.WaitVisible(`.confirm-submit .confirm-yes`), chromedp.Tap(`.confirm-submit .confirm-yes`))
	poll("queued", `document.querySelector(".sheet-status").textContent.includes("等待联网后提交")`)
	var pending struct{ Key, Body string }
	stored := eval(fmt.Sprintf(`localStorage.getItem("podium.judge.%d.pending") || ""`, assignment))
	if err := json.Unmarshal([]byte(stored), &pending); err != nil || pending.Key == "" || !strings.Contains(pending.Body, `"tech":30.50`) {
		t.Errorf("pending submission in localStorage: %s (%v)", stored, err)
	}
	if n, a := sheets("submitted"), audited(); n != 0 || a != 0 {
		t.Fatalf("offline, yet the server has %d submitted sheets and %d audit records", n, a)
	}

	// The network returns and the page submits by itself, but the server's answer
	// is lost on the way back (the sheet is stored all the same): the page sends
	// the same bytes with the same key again, and gets the original answer.
	pctx, cancel := context.WithTimeout(b, 10*time.Second)
	defer cancel()
	paused := chromedp.Events(pctx, fetch.RequestPaused)
	if _, err := chromedp.Call(pctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: "*/sheet", RequestStage: fetch.RequestStageResponse}}}); err != nil {
		t.Fatal(err)
	}
	do("go online", setOffline(false))
	var tries []string
	for ev, err := range paused {
		if err != nil {
			t.Fatalf("waiting for the submission: %v (tries %q)", err, tries)
		}
		var sent []byte
		for _, e := range ev.Request.PostDataEntries {
			sent = append(sent, e.Bytes...)
		}
		tries = append(tries, fmt.Sprint(ev.Request.Headers["Idempotency-Key"], " ", ev.ResponseStatusCode, " ", string(sent)))
		if len(tries) == 1 {
			if n := sheets("submitted"); n != 1 {
				t.Errorf("the server answered 201 but has %d submitted sheets", n)
			}
			_, err = chromedp.Call(pctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionReset})
		} else {
			_, err = chromedp.Call(pctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(tries) == 2 {
			break
		}
	}
	if _, err := chromedp.Call(pctx, fetch.Disable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if want := pending.Key + " 201 " + pending.Body; tries[0] != want || tries[1] != want {
		t.Errorf("the tries are not the stored submission, with its key and exact bytes:\n%s\n%s\nstored %s", tries[0], tries[1], stored)
	}
	poll("submitted", `document.querySelector("form.sheet").dataset.state === "submitted"`)
	if got := text(".sheet-status"); !strings.Contains(got, "已提交") {
		t.Errorf("status after submitting: %q", got)
	}
	if got := text("output[name=total]"); got != "80.60" {
		t.Errorf("total after submitting: %q", got)
	}
	if got := text(".connection"); got != "" {
		t.Errorf("connection notice still shown: %q", got)
	}
	saveScreenshot(t, b, "judge-submitted-tablet.png")
	if n, a := sheets("submitted"), audited(); n != 1 || a != 1 {
		t.Errorf("%d submitted sheets and %d score.submitted records, want 1 and 1", n, a)
	}
	var keys int
	if err := h.store.DB.Get(&keys, `SELECT count(*) FROM idempotency_keys WHERE account_id = $1`, inv.AccountID); err != nil || keys != 1 {
		t.Errorf("%d idempotency keys used (%v), want 1: every try must carry the same key", keys, err)
	}
	final, err := h.store.JudgeEntry(ctx, access.EveryContest(inv.AccountID), assignment)
	if err != nil || final.Sheet.Total == nil || *final.Sheet.Total != 8060 || final.Sheet.Comments["tech"] != "工艺成熟" {
		t.Errorf("submitted sheet %+v %v", final.Sheet, err)
	}
	for key, v := range want {
		if final.Sheet.Marks[key] != v {
			t.Errorf("submitted mark %s = %s, want %s", key, final.Sheet.Marks[key], v)
		}
	}
	if left := eval(fmt.Sprintf(`(localStorage.getItem("podium.judge.%[1]d.pending") || "") + (localStorage.getItem("podium.judge.%[1]d.draft") || "")`, assignment)); left != "" {
		t.Errorf("left in localStorage after submitting: %s", left)
	}

	// Submitting again is impossible: the button is disabled, and a forced submit sends nothing.
	if eval(`String(document.querySelector("form.sheet button[type=submit]").disabled)`) != "true" {
		t.Error("the submit button is enabled after submitting")
	}
	eval(`document.querySelector("form.sheet").requestSubmit(), "sent"`)
	do("reload the submitted sheet", chromedp.Reload(), ready)
	if eval(`String(document.querySelector("form.sheet button[type=submit]").disabled && document.querySelector('input[name="mark.tech"]').disabled)`) != "true" {
		t.Error("the submitted sheet can be edited after a reload")
	}
	if n, a := sheets("submitted"), audited(); n != 1 || a != 1 {
		t.Errorf("after trying again: %d submitted sheets and %d score.submitted records", n, a)
	}
}
