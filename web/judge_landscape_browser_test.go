package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"podium/contest/access"
)

// A judge on a tablet in landscape (1366×1024) reads the business plan beside
// the score form: the plan is open from the start, on the left, the form on
// the right, both in view at once. A mark out of range or off the step says
// the limit, and the slider follows what is typed. Once the sheet is in, a
// link leads to the next entry still to score, and from the last one back to
// the list.
func TestBrowserJudgeScoresSideBySideInLandscape(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	w := newJudging(t, h, "landscape", 1)
	seat := w.judges[0]
	// A second entry for the same judge.
	var entrantID int64
	if err := h.store.DB.GetContext(ctx, &entrantID, `SELECT id FROM accounts WHERE email = 'e@example.com'`); err != nil {
		t.Fatal(err)
	}
	entrant, err := h.store.Account(ctx, entrantID)
	if err != nil {
		t.Fatal(err)
	}
	second := submittedEntry(t, h, entrant, w.contest.ID)
	if _, err := h.store.ReviewEntries(ctx, w.org.ID, w.contest.ID, []int64{second}, true, ""); err != nil {
		t.Fatal(err)
	}
	if err := h.store.AddAssignment(ctx, w.org.ID, w.contest.ID, "prelim", second, seat.expert, false); err != nil {
		t.Fatal(err)
	}
	tasks, err := h.store.JudgeTasks(ctx, access.EveryContest(seat.account.ID))
	if err != nil || len(tasks) != 2 {
		t.Fatalf("tasks %+v %v", tasks, err)
	}
	first, next := tasks[0].AssignmentID, tasks[1].AssignmentID

	j := newJourney(t, h, "judge-landscape", tabletLandscape)
	j.navigate("accept the invitation", chromedp.Navigate(j.origin+"/invite/"+seat.token))
	j.navigate("log in", chromedp.Click(`form[action^="/invite/"] button[type=submit]`), chromedp.WaitVisible(`ul.tasks`))
	j.goTo(fmt.Sprintf("/judge/assignments/%d", first), `form.sheet[data-ready="1"]`)
	j.poll("the plan is open and drawn", `document.querySelector("details.material").open && document.querySelector(".pdf-page[data-rendered='1']") !== null`)
	layout := evalJ[string](j, `(() => {
		const p = document.querySelector(".materials-pane").getBoundingClientRect(), f = document.querySelector(".rubric-pane").getBoundingClientRect();
		const bad = [];
		if (p.right > f.left) bad.push("the plan (right " + p.right + ") is not left of the form (left " + f.left + ")");
		if (Math.abs(p.top - f.top) > 2) bad.push("plan and form start at " + p.top + " and " + f.top);
		if (p.top > innerHeight / 2) bad.push("the plan starts below half the screen: " + p.top);
		if (f.width < 400 || p.width < 500) bad.push("columns " + p.width + " and " + f.width + " wide");
		return bad.join("; ");
	})()`)
	if layout != "" {
		t.Errorf("landscape: %s", layout)
	}
	// Beside the form the plan stays open: its heading does not fold it away.
	j.do("tap the plan's heading", chromedp.Tap(`details.material summary`))
	if !evalJ[bool](j, `document.querySelector("details.material").open`) {
		t.Error("tapping the plan's heading closed the plan beside the form")
	}
	j.look("entry side by side")

	tech := `fieldset[data-key=tech]`
	typeMark := func(sel, v string) {
		in := sel + ` input[name^="mark."]`
		evalJ[string](j, `document.querySelector('`+in+`').value = "", ""`)
		j.do("type "+v, chromedp.SendKeys(in, v))
	}
	typeMark(tech, "45")
	j.poll("the range is named", `(document.querySelector("`+tech+` .field-error") || {}).textContent === "技术：须在 0–40 之间。"`)
	if got := evalJ[string](j, `document.querySelector("`+tech+` input[type=range]").value`); got != "40" {
		t.Errorf("slider at %s after typing 45, want at its end, 40", got)
	}
	typeMark(tech, "12.3")
	j.poll("the step is named", `(document.querySelector("`+tech+` .field-error") || {}).textContent === "技术：须为 0.5 的整数倍。"`)
	if got := evalJ[string](j, `document.querySelector("`+tech+` input[type=range]").value`); got != "12.5" && got != "12" {
		t.Errorf("slider at %s after typing 12.3, want next to it", got)
	}
	j.look("marks refused with their limits")

	submit := func() {
		typeMark(tech, "30")
		typeMark(`fieldset[data-key=market]`, "20")
		typeMark(`fieldset[data-key=team]`, "20.5")
		j.do("submit and confirm", chromedp.Click(`form.sheet button[type=submit]`), chromedp.WaitVisible(`.confirm-yes`), chromedp.Click(`.confirm-yes`))
		j.poll("submitted", `document.querySelector("form.sheet").dataset.state === "submitted"`)
	}
	submit()
	j.poll("the next entry is offered", `!document.querySelector(".next-entry").hidden`)
	if href := evalJ[string](j, `document.querySelector(".next-entry a").getAttribute("href")`); href != fmt.Sprintf("/judge/assignments/%d", next) {
		t.Errorf("next entry links to %s, want assignment %d", href, next)
	}
	j.look("submitted, next entry offered")
	j.navigate("go to the next entry", chromedp.Click(`.next-entry a`), chromedp.WaitVisible(`form.sheet[data-ready="1"]`))
	if got := j.location(); got != fmt.Sprintf("/judge/assignments/%d", next) {
		t.Fatalf("at %s", got)
	}
	j.poll("the plan is open again", `document.querySelector("details.material").open`)
	submit()
	j.poll("back to the list offered", `!document.querySelector(".next-entry").hidden`)
	if a := evalJ[string](j, `document.querySelector(".next-entry a").getAttribute("href") + " " + document.querySelector(".next-entry a").textContent.trim()`); !strings.HasPrefix(a, "/judge 没有待评的项目了") {
		t.Errorf("after the last entry the link is %q", a)
	}
	j.look("last entry submitted")
}
