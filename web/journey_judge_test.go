package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/files/pdftext"
)

// A judge on a tablet, held upright and turned sideways: the invite link, the
// list of entries, an entry with its business plan drawn by PDF.js, scoring
// with the steppers, recusing from one entry and submitting another after the
// page asks to confirm.
func TestJourneyJudgeOnTablet(t *testing.T) {
	for _, dev := range []device{tabletPortrait, tabletLandscape} {
		t.Run(dev.name, func(t *testing.T) { judgeJourney(t, dev) })
	}
}

func judgeJourney(t *testing.T, dev device) {
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	// Two entries, two judges, each entry reviewed by both: the journey's judge has both.
	setup := contesttest.Setup("journey-judge")
	setup.Rounds[0].ReviewsPerEntry = 2
	c, err := h.store.CreateContest(ctx, org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i := range 60 {
		lines = append(lines, fmt.Sprintf("第%d行 商业计划书：市场、团队、技术与财务。Business plan line %d.", i+1, i+1))
	}
	var entries []int64
	for i, email := range []string{"a@example.com", "b@example.com"} {
		entrant := contesttest.Account(t, h.store, access.RoleEntrant, email)
		o := testOrganization()
		if i > 0 { // a team: a credit code is one organization's
			o.Kind, o.Name, o.USCC = entry.OrgTeam, "柔性材料创业团队", ""
		}
		if _, err := h.store.SaveOrganization(ctx, entrant.ID, o); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, submittedEntry(t, h, entrant, c.ID, pdftext.Generate(lines)))
	}
	if _, err := h.store.ReviewEntries(ctx, org.ID, c.ID, entries, true, ""); err != nil {
		t.Fatal(err)
	}
	var panel []int64
	for _, name := range []string{"王教授", "李研究员"} {
		x, err := h.store.SaveExpert(ctx, org.ID, judging.ExpertInput{Name: name, Organization: name + "所在大学"})
		if err != nil {
			t.Fatal(err)
		}
		panel = append(panel, x.ID)
	}
	if err := h.store.SetPanel(ctx, org.ID, c.ID, "prelim", panel); err != nil {
		t.Fatal(err)
	}
	run, err := h.store.StartAssignment(ctx, org.ID, c.ID, "prelim", 1)
	if err != nil {
		t.Fatal(err)
	}
	if run, err = h.store.RunAssignment(ctx, org.ID, c.ID, "prelim", run.ID); err != nil || run.Added != 4 {
		t.Fatalf("run %+v %v", run, err)
	}
	if err := h.store.SetRoundState(ctx, org.ID, c.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	inv, err := h.store.InviteExpert(ctx, org.ID, c.ID, panel[0])
	if err != nil {
		t.Fatal(err)
	}
	list, err := h.store.Assignments(ctx, c.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	var mine []int64
	for _, a := range list {
		if a.ExpertID == panel[0] {
			mine = append(mine, a.ID)
		}
	}
	if len(mine) != 2 {
		t.Fatalf("the judge's assignments: %v", mine)
	}
	scored, recused := mine[0], mine[1]

	j := newJourney(t, h, "judge-"+dev.name, dev)
	j.goTo("/invite/"+inv.Token, `form[action^="/invite/"] button[type=submit]`)
	j.look("invite")
	j.do("accept the invite",
		chromedp.Tap(`form[action^="/invite/"] button[type=submit]`),
		chromedp.WaitVisible(fmt.Sprintf(`a.task[href="/judge/assignments/%d"]`, scored)),
	)
	j.look("list")
	if n := evalJ[int](j, `document.querySelectorAll("a.task").length`); n != 2 {
		t.Errorf("the judge's list shows %d entries, want 2", n)
	}

	// The first entry: the plan drawn, then scored with the steppers.
	j.do("open the first entry",
		chromedp.Tap(fmt.Sprintf(`a.task[href="/judge/assignments/%d"]`, scored)),
		chromedp.WaitVisible(`form.sheet[data-ready="1"]`),
		chromedp.Tap(`details.material summary`),
		chromedp.WaitVisible(`.pdf-page[data-page="1"]`),
	)
	j.poll("the plan's first page drawn", `!!document.querySelector('.pdf-page[data-page="1"][data-rendered="1"] canvas')`)
	j.look("entry with the plan")
	step := func(key, delta string) chromedp.Action[chromedp.Void] {
		return chromedp.Tap(fmt.Sprintf(`fieldset[data-key=%s] button.step[data-delta="%s"]`, key, delta))
	}
	mark := func(key string) string { return fmt.Sprintf(`input[name="mark.%s"]`, key) }
	j.do("score with the steppers",
		chromedp.ScrollIntoView(`form.sheet`),
		chromedp.SendKeys(mark("tech"), "35"), // a step is 0.50
		step("tech", "1"), step("tech", "1"), step("tech", "-1"),
		chromedp.SendKeys(mark("market"), "25"),
		step("market", "1"),
		chromedp.SendKeys(mark("team"), "20"),
		step("team", "-1"), step("team", "-1"),
	)
	j.poll("the total", `document.querySelector("output[name=total]").textContent === "80.00"`)
	j.look("scored")
	for key, want := range map[string]string{"tech": "35.50", "market": "25.50", "team": "19.00"} {
		if got := evalJ[string](j, fmt.Sprintf(`document.querySelector(%q).value`, mark(key))); got != want {
			t.Errorf("mark %s shows %q after the steppers, want %s", key, got, want)
		}
	}
	j.do("ask before submitting", chromedp.Tap(`form.sheet button[type=submit]`), chromedp.WaitVisible(`.confirm-submit .confirm-yes`))
	j.look("confirm the submission")
	j.do("confirm", chromedp.Tap(`.confirm-submit .confirm-yes`))
	j.poll("submitted", `document.querySelector("form.sheet").dataset.state === "submitted"`)
	j.look("submitted")
	if offered := evalJ[bool](j, `!!document.querySelector("details.recuse-box") && document.querySelector("details.recuse-box").getClientRects().length > 0`); offered {
		t.Error("recusal is offered on a submitted sheet")
	}

	// The second entry: recused, with the reason.
	j.goTo("/judge", fmt.Sprintf(`a.task[href="/judge/assignments/%d"]`, recused))
	j.do("open the second entry",
		chromedp.Tap(fmt.Sprintf(`a.task[href="/judge/assignments/%d"]`, recused)),
		chromedp.WaitVisible(`form.sheet[data-ready="1"]`),
		chromedp.ScrollIntoView(`details.recuse-box summary`),
		chromedp.Tap(`details.recuse-box summary`),
		chromedp.WaitVisible(`form.recuse textarea[name=reason]`),
	)
	j.look("recuse")
	j.do("recuse",
		chromedp.SendKeys(`form.recuse textarea[name=reason]`, "项目负责人是我以前的学生"),
		chromedp.Tap(`form.recuse button[type=submit]`),
		chromedp.WaitVisible(`ul.tasks, p.empty`),
	)
	j.look("list after recusing")
	// The invite link, once used, says so before any button, and leads to the list.
	j.goTo("/invite/"+inv.Token, `#invite-problem`)
	j.look("the used invite link")
	if n := evalJ[int](j, `document.querySelectorAll("form[action^='/invite/']").length`); n != 0 {
		t.Error("a used invite link still offers its button")
	}
	j.navigate("back to the list", chromedp.Tap(`a.button[href="/judge"]`), chromedp.WaitVisible(`ul.tasks, p.empty`))
	j.english("list after recusing")

	var states []string
	if err := h.store.DB.Select(&states, `SELECT a.state || ':' || coalesce(s.state, '') FROM assignments a
		LEFT JOIN score_sheets s ON s.assignment_id = a.id WHERE a.id = ANY($1) ORDER BY a.id = $2 DESC`, pq.Array([]int64{scored, recused}), scored); err != nil {
		t.Fatal(err)
	}
	if strings.Join(states, " ") != "active:submitted recused:" {
		t.Errorf("after the journey: %v, want the first submitted and the second recused", states)
	}
}
