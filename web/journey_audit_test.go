package web_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest"
)

// An organizer at a desktop, an hour after publishing, sets the nomination
// quota and then reads the contest's audit log: the newest record is what was
// just done, named and timed to the second in Beijing time; the log is
// filtered by an action's name, paged, its chain verified; and the same in
// English.
func TestJourneyAudit(t *testing.T) {
	h := newHarness(t)
	w := newPublishedWorld(t, h)
	h.clock.Advance(time.Hour)
	stamp := regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)

	j := newJourney(t, h, "audit-desktop", desktop)
	j.login("org@example.com")
	j.look("organizer home")
	j.navigate("open the contest", chromedp.Click(fmt.Sprintf(`article.dash[data-contest="%d"] h2 a`, w.contest.ID)),
		chromedp.WaitVisible(`a[href$="/audit"]`))
	j.navigate("the nominations", chromedp.Click(`a[href$="/nominations"]`), chromedp.WaitVisible(`#quota`))
	j.do("set the quota", chromedp.SetValue(`#quota input[name=quota]`, ""), chromedp.SendKeys(`#quota input[name=quota]`, "2"))
	j.navigate("save the quota", chromedp.Click(`#quota button[type=submit]`), chromedp.WaitVisible(`#done`))
	j.navigate("back to the contest", chromedp.Click(`section.nominations > p a:first-child`), chromedp.WaitVisible(`a[href$="/audit"]`))
	j.navigate("the audit log", chromedp.Click(`a[href$="/audit"]`), chromedp.WaitVisible(`table.audit-log`))
	j.look("audit log")

	type row struct {
		At     string `json:"at"`
		Actor  string `json:"actor"`
		Action string `json:"action"`
		Name   string `json:"name"`
	}
	rows := func() []row {
		return evalJ[[]row](j, `[...document.querySelectorAll("table.audit-log tbody tr[data-seq]")].map(r => ({
			at: r.children[1].innerText.trim(), actor: r.children[2].innerText.trim(),
			action: r.querySelector("td.action").dataset.action, name: r.querySelector("td.action").innerText.trim()}))`)
	}
	all := rows()
	if len(all) < 5 {
		t.Fatalf("the audit log shows %d records: %+v", len(all), all)
	}
	now := h.clock.Now().In(contest.Beijing).Format("2006-01-02 15:04:05")
	if top := all[0]; top.Action != "nomination.quota_set" || top.Name != "设定推荐名额" || top.At != now || top.Actor == "系统" {
		t.Errorf("the newest record: %+v, want the quota set just now (%s) by the organizer", top, now)
	}
	names := map[string]string{}
	for _, r := range all {
		if !stamp.MatchString(r.At) {
			t.Errorf("the record %q is timed %q", r.Name, r.At)
		}
		if r.Name == "" || r.Name == r.Action {
			t.Errorf("the action %s is shown as %q, not by its name", r.Action, r.Name)
		}
		names[r.Action] = r.Name
	}
	if names["results.published"] != "公示结果" || names["score.submitted"] != "提交评分" {
		t.Errorf("the actions' names: %v", names)
	}

	// Only the score sheets, chosen by name.
	value := evalJ[string](j, `[...document.querySelectorAll(".audit-filter select[name=action] option")].find(o => o.text === "提交评分").value`)
	j.do("filter by the action", chromedp.SetValue(`.audit-filter select[name=action]`, value))
	j.navigate("filter", chromedp.Click(`.audit-filter button[type=submit]`), chromedp.WaitVisible(`table.audit-log`))
	j.look("score sheets only")
	sheets := rows()
	if len(sheets) != 8 {
		t.Errorf("%d score sheets shown, want 8", len(sheets))
	}
	for _, r := range sheets {
		if r.Name != "提交评分" {
			t.Errorf("the filter shows %+v", r)
		}
	}

	// Five a page: the older ones on the next.
	j.do("five a page", chromedp.SetValue(`.audit-filter input[name=limit]`, "5"))
	j.navigate("filter", chromedp.Click(`.audit-filter button[type=submit]`), chromedp.WaitVisible(`a.button.older`))
	first := rows()
	j.navigate("older records", chromedp.Click(`a.button.older`), chromedp.WaitVisible(`a.button.newest`))
	j.look("older score sheets")
	older := rows()
	if len(first) != 5 || len(older) != 3 || older[0].Name != "提交评分" {
		t.Errorf("paged: %d then %d records (%+v)", len(first), len(older), older)
	}

	j.navigate("verify the chain", chromedp.Click(`a.button.verify`), chromedp.WaitVisible(`.verify-result`))
	j.look("chain verified")
	if got := evalJ[string](j, `document.querySelector(".verify-result").innerText`); !strings.HasPrefix(got, "链条完好：已校验全部") {
		t.Errorf("after verifying: %q", got)
	}

	j.english("chain verified")
	if got := evalJ[string](j, `document.querySelector(".verify-result").innerText`); !strings.HasPrefix(got, "The chain holds") {
		t.Errorf("after verifying, in English: %q", got)
	}
	for _, r := range rows() {
		if r.Name != "Score sheet submitted" || !stamp.MatchString(r.At) {
			t.Errorf("in English: %+v", r)
		}
	}
	j.do("every action, fifty a page", chromedp.SetValue(`.audit-filter select[name=action]`, ""), chromedp.SetValue(`.audit-filter input[name=limit]`, "50"))
	j.navigate("filter", chromedp.Click(`.audit-filter button[type=submit]`), chromedp.WaitVisible(`table.audit-log`))
	j.look("audit log in English")
	if top := rows()[0]; top.Action != "nomination.quota_set" || top.At != now || top.Name == "设定推荐名额" || top.Name == "" {
		t.Errorf("the newest record in English: %+v", top)
	}
}
