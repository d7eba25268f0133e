package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A judge on a tablet types marks the page cannot take (above the maximum,
// off the step): the page says which criterion to fix. The wifi drops, the
// tablet reloads the page: what the judge typed is still there, valid or not,
// with the same messages, and the page still refuses to submit it; the server
// holds the valid marks only. Before, the draft acknowledged by the server
// (which leaves invalid marks out) replaced what was typed after a reload.
func TestBrowserJudgeDraftKeepsInvalidMarks(t *testing.T) {
	h := newHarness(t)
	w := newJudging(t, h, "judge-draft-invalid", 1)
	judge := w.judges[0]
	j := newJourney(t, h, "judge-draft-invalid", tabletPortrait)
	mark := func(key string) string { return fmt.Sprintf(`input[name="mark.%s"]`, key) }
	errorOf := func(key string) string {
		return evalJ[string](j, fmt.Sprintf(`(document.querySelector('.field-error[data-field="marks.%s"]') || {textContent: ""}).textContent`, key))
	}
	ready := chromedp.WaitVisible(`form.sheet[data-ready="1"]`)
	page := fmt.Sprintf("/judge/assignments/%d", judge.assignment)

	j.do("redeem the invite",
		chromedp.Navigate(j.origin+"/invite/"+judge.token),
		chromedp.Click(`form[action^="/invite/"] button[type=submit]`),
		chromedp.WaitVisible(fmt.Sprintf(`a.task[href="%s"]`, page)),
	)
	j.goTo(page, `form.sheet[data-ready="1"]`)
	// The rubric: tech up to 40, market and team up to 30, in steps of 0.5.
	j.do("type marks, two of them wrong",
		chromedp.SendKeys(mark("tech"), "41"),
		chromedp.SendKeys(mark("market"), "20.3"),
		chromedp.SendKeys(mark("team"), "25"),
		chromedp.SendKeys(`textarea[name=comment]`, "市场部分再核实"),
	)
	techErr, marketErr := errorOf("tech"), errorOf("market")
	if techErr == "" || marketErr == "" || techErr == marketErr {
		t.Fatalf("messages as typed: tech %q, market %q", techErr, marketErr)
	}
	if errorOf("team") != "" {
		t.Errorf("a valid mark has a message: %q", errorOf("team"))
	}
	// The server acknowledges the draft (the valid mark and the comment only).
	key := fmt.Sprintf("podium.judge.%d.draft", judge.assignment)
	j.poll("the draft is saved", fmt.Sprintf(`(() => { const d = JSON.parse(localStorage.getItem(%q) || "null"); return d && d.at > 0 && d.saved === d.at; })()`, key))
	var marks []string
	if err := h.store.DB.Select(&marks, `
		SELECT c.key || '=' || m.points FROM marks m JOIN score_sheets s ON s.id = m.sheet_id JOIN criteria c ON c.id = m.criterion_id
		WHERE s.assignment_id = $1 ORDER BY 1`, judge.assignment); err != nil {
		t.Fatal(err)
	}
	if strings.Join(marks, " ") != "team=2500" {
		t.Errorf("the server's draft holds %v, want the valid mark only", marks)
	}
	j.look("marks typed, two wrong")

	j.do("reload the page", chromedp.Reload(), ready)
	for key, want := range map[string]string{"tech": "41", "market": "20.3"} {
		if got := evalJ[string](j, fmt.Sprintf(`document.querySelector(%q).value`, mark(key))); got != want {
			t.Errorf("after the reload %s shows %q, want %q as typed", key, got, want)
		}
	}
	if got := evalJ[string](j, fmt.Sprintf(`document.querySelector(%q).value`, mark("team"))); got != "25.00" && got != "25" {
		t.Errorf("after the reload team shows %q", got)
	}
	if got := evalJ[string](j, `document.querySelector("textarea[name=comment]").value`); got != "市场部分再核实" {
		t.Errorf("after the reload the comment is %q", got)
	}
	if got, got2 := errorOf("tech"), errorOf("market"); got != techErr || got2 != marketErr {
		t.Errorf("after the reload the messages are %q and %q, want %q and %q", got, got2, techErr, marketErr)
	}
	if got := evalJ[string](j, `document.querySelector("output[name=total]").textContent.trim()`); got != "—" {
		t.Errorf("a total of invalid marks: %q", got)
	}
	j.look("reloaded: the wrong marks and their messages are back")

	// It still refuses to submit, naming the criteria to fix.
	j.do("try to submit", chromedp.Click(`form.sheet button[type=submit]`),
		chromedp.WaitVisible(`.sheet-status.error`))
	status := evalJ[string](j, `document.querySelector(".sheet-status").textContent`)
	for _, name := range []string{"技术", "市场"} {
		if !strings.Contains(status, name) {
			t.Errorf("the refusal %q does not name %s", status, name)
		}
	}
	var submitted int
	if err := h.store.DB.Get(&submitted, `SELECT count(*) FROM score_sheets WHERE assignment_id = $1 AND state = 'submitted'`, judge.assignment); err != nil {
		t.Fatal(err)
	}
	if submitted != 0 {
		t.Error("a sheet with invalid marks was submitted")
	}
	j.look("submission refused")

	// Fixed, the marks replace the kept ones: a reload shows the fixed marks.
	for _, key := range []string{"tech", "market"} {
		evalJ[bool](j, fmt.Sprintf(`(() => { const i = document.querySelector(%q); i.value = ""; i.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`, mark(key)))
	}
	j.do("fix the marks", chromedp.SendKeys(mark("tech"), "38"), chromedp.SendKeys(mark("market"), "20.5"))
	j.poll("the fixed draft is saved", fmt.Sprintf(`(() => { const d = JSON.parse(localStorage.getItem(%q) || "null"); return d && d.saved === d.at && d.marks.tech.startsWith("38") && d.marks.market.startsWith("20.5"); })()`, key))
	j.do("reload again", chromedp.Reload(), ready)
	if got := evalJ[string](j, fmt.Sprintf(`document.querySelector(%q).value`, mark("tech"))); got != "38.00" {
		t.Errorf("after fixing and reloading tech shows %q", got)
	}
	if got := errorOf("tech") + errorOf("market"); got != "" {
		t.Errorf("messages after fixing: %q", got)
	}
	j.look("fixed and reloaded")
}
