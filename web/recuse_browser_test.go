package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/judging"
)

// A judge opens an entry on the tablet, recognizes it and steps aside with a
// reason: the assignment is recused, the other panel judge takes the entry, and
// the judge is back on their list.
func TestBrowserJudgeRecusesAndIsReplaced(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("recuse")
	setup.Rounds[0].ReviewsPerEntry = 1
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
	var panel []int64
	for _, name := range []string{"甲评委", "乙评委"} {
		x, err := h.store.SaveExpert(ctx, org.ID, judging.ExpertInput{Name: name, Organization: name + "的大学"})
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
	if _, err := h.store.RunAssignment(ctx, org.ID, c.ID, "prelim", run.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetRoundState(ctx, org.ID, c.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	list, _ := h.store.Assignments(ctx, c.ID, "prelim")
	first := list[0]
	inv, err := h.store.InviteExpert(ctx, org.ID, c.ID, first.ExpertID)
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, 820, 1180)
	sctx, cancel := context.WithTimeout(b, 20*time.Second)
	defer cancel()
	err = chromedp.Do(sctx,
		chromedp.Navigate(h.http.URL+"/invite/"+inv.Token),
		chromedp.Click(`button.primary`),
		chromedp.WaitVisible(`ul.tasks`), // the judge's list: the invite was used and the session set
		chromedp.Navigate(fmt.Sprintf("%s/judge/assignments/%d", h.http.URL, first.ID)),
		chromedp.Click(`details.recuse-box summary`),
		chromedp.SendKeys(`form.recuse textarea[name=reason]`, "项目负责人是我以前的学生"),
		chromedp.Click(`form.recuse button[type=submit]`),
		chromedp.WaitVisible(`#recused`), // back on the judge's list, which says the entry was stepped aside from
	)
	if err != nil {
		saveScreenshot(t, b, "recuse-failure.png")
		t.Fatalf("browser: %v", err)
	}
	after, _ := h.store.Assignments(ctx, c.ID, "prelim")
	states := map[int64]judging.AssignmentState{}
	for _, a := range after {
		states[a.ExpertID] = a.State
	}
	if states[first.ExpertID] != "recused" || states[panel[0]+panel[1]-first.ExpertID] != "active" {
		t.Errorf("after recusing: %+v", after)
	}
}
