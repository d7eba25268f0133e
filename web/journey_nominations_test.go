package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An organizer at a desktop sends the city's best to the provincial contest:
// from the contest's page to its nominations, sets the quota and reads the
// suggestions (a tie at the quota's edge is suggested too; the organizer
// leaves it out), nominates, records a due diligence with its report for each
// nominee, submits the nominations, downloads the package and records the
// provincial contest's answer.
func TestJourneyNominations(t *testing.T) {
	h := newHarness(t)
	w := newPublishedWorld(t, h)
	report := filepath.Join(t.TempDir(), "尽调报告.pdf")
	if err := os.WriteFile(report, testPDF(), 0o644); err != nil {
		t.Fatal(err)
	}

	j := newJourney(t, h, "nominations-desktop", desktop)
	j.login("org@example.com")
	j.look("organizer home")
	j.navigate("open the contest", chromedp.Click(fmt.Sprintf(`article.dash[data-contest="%d"] h2 a`, w.contest.ID)),
		chromedp.WaitVisible(`a[href$="/nominations"]`))
	j.navigate("the nominations", chromedp.Click(`a[href$="/nominations"]`), chromedp.WaitVisible(`#quota`))
	j.look("nominations before a quota")
	if got := evalJ[string](j, `document.querySelector("nav.round-nav [aria-current=page]").innerText`); got != "省赛" {
		t.Errorf("the page opens on %q, want 省赛", got)
	}
	j.do("set the quota", chromedp.SetValue(`#quota input[name=quota]`, ""), chromedp.SendKeys(`#quota input[name=quota]`, "2"))
	j.navigate("save the quota", chromedp.Click(`#quota button[type=submit]`), chromedp.WaitVisible(`#done`))
	j.look("suggestions")
	suggested := evalJ[[]string](j, `[...document.querySelectorAll("#candidates tr.suggested")].map(r => r.children[3].innerText)`)
	slices.Sort(suggested)
	if want := []string{"可降解包装材料", "工业视觉质检", "智能巡检机器人"}; !slices.Equal(suggested, want) {
		t.Errorf("suggested %v: the quota's two and the one tied with the second", suggested)
	}
	if got := evalJ[string](j, `document.querySelector("#candidates tr.suggested .badge").innerText`); got != "建议" {
		t.Errorf("the suggestion's badge reads %q", got)
	}
	j.do("leave out the tie", chromedp.Click(`#candidates input[aria-label="工业视觉质检"]`))
	j.navigate("nominate", chromedp.Click(`#nominate button.primary`), chromedp.WaitVisible(`article.nomination`))
	j.look("nominated")
	ids := nominationIDs(t, h, w.contest.ID)
	if len(ids) != 2 {
		t.Fatalf("nominations %v", ids)
	}
	for _, title := range []string{"智能巡检机器人", "可降解包装材料"} {
		card := fmt.Sprintf("#n-%d", ids[title])
		if got := evalJ[string](j, `document.querySelector("`+card+` [data-role=status]").innerText`); got != "草稿" {
			t.Errorf("%s is %q after nominating, want 草稿", title, got)
		}
	}
	if got := evalJ[string](j, `document.querySelector("#coverage-summary").innerText`); !strings.Contains(got, "已核查通过 0 / 2 个推荐项目") {
		t.Errorf("the coverage before any check: %q", got)
	}

	// Due diligence, passed, with the checkers' report, for each nominee.
	for i, title := range []string{"智能巡检机器人", "可降解包装材料"} {
		card := fmt.Sprintf("#n-%d", ids[title])
		j.do("open the due diligence of "+title,
			chromedp.Click(card+` details.check-form summary`),
			chromedp.WaitVisible(card+` input[name=checkers]`),
			chromedp.SendKeys(card+` input[name=checkers]`, "张三、李四"),
			chromedp.SendKeys(card+` textarea[name=findings]`, "实地走访，经营正常，与申报材料一致。"),
			chromedp.Click(card+` input[name=outcome][value=pass]`),
			chromedp.SetUploadFiles(card+` input[name=files]`, []string{report}),
		)
		if i == 0 {
			j.look("due diligence filled in")
		}
		j.navigate("record the due diligence of "+title, chromedp.Click(card+` details.check-form button[type=submit]`), chromedp.WaitVisible(`#done`))
		checks := evalJ[string](j, `document.querySelector("`+card+` .checks-list").innerText`)
		if !strings.Contains(checks, "通过") || !strings.Contains(checks, "尽调报告.pdf") || !strings.Contains(checks, "张三、李四") {
			t.Errorf("the check of %s as shown: %q", title, checks)
		}
	}
	j.look("both checked")
	if got := evalJ[string](j, `document.querySelector("#coverage-summary").innerText`); !strings.Contains(got, "已核查通过 2 / 2 个推荐项目") {
		t.Errorf("the coverage after the checks: %q", got)
	}

	// Marking them submitted cannot be undone: the page asks once more.
	j.do("open the submission", chromedp.Click(`details:has(#submit) > summary`), chromedp.WaitVisible(`#submit button.danger`))
	j.look("submission asked")
	j.navigate("submit the nominations", chromedp.Click(`#submit button.danger`), chromedp.WaitVisible(`#done`))
	j.look("nominations submitted")
	if got := evalJ[string](j, `document.querySelector("#done").innerText`); got != "已标记为已推荐（提交上级赛事）。" {
		t.Errorf("after submitting: %q", got)
	}
	for _, title := range []string{"智能巡检机器人", "可降解包装材料"} {
		if got := evalJ[string](j, fmt.Sprintf(`document.querySelector("#n-%d [data-role=status]").innerText`, ids[title])); got != "已推荐" {
			t.Errorf("%s is %q after submitting, want 已推荐", title, got)
		}
	}
	pkg := evalJ[download](j, `fetch(document.querySelector("#package").href).then(r => ({status: r.status, type: r.headers.get("Content-Type"), body: ""}))`)
	if got := evalJ[string](j, `document.querySelector("#package").innerText`); pkg.Status != 200 || pkg.ContentType != "application/zip" || got != "下载省赛推荐材料包" {
		t.Errorf("the package link %q gives %d %q", got, pkg.Status, pkg.ContentType)
	}

	// The provincial contest accepts the first.
	card := fmt.Sprintf("#n-%d", ids["智能巡检机器人"])
	j.do("open the decision",
		chromedp.Click(card+` details:not(.check-form) summary`),
		chromedp.WaitVisible(card+` select[name=status]`),
		chromedp.SetValue(card+` select[name=status]`, "accepted"),
		chromedp.SendKeys(card+` input[name=result]`, "省赛金奖"),
	)
	j.look("decision filled in")
	j.navigate("record the decision", chromedp.Click(card+` form[action*="/decision"] button[type=submit]`), chromedp.WaitVisible(`#done`))
	j.look("accepted")
	got := evalJ[string](j, `document.querySelector("`+card+` [data-role=status]").innerText + "|" + document.querySelector("`+card+` [data-role=result]").innerText`)
	if got != "已获接收|省赛金奖" {
		t.Errorf("the accepted nomination reads %q", got)
	}
	j.english("accepted")
	if got := evalJ[string](j, `document.querySelector("`+card+` [data-role=status]").innerText`); got != "Accepted" {
		t.Errorf("in English the status reads %q", got)
	}
}
