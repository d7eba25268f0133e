package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
)

// An organizer at 1440×900 reviews a list in bulk: "select all" ticks every
// entry, one untick shows the box as partly ticked, and the accepted entries
// are exactly those ticked.
func TestBrowserSelectAllEntries(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("select-all"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := range 3 {
		e := contesttest.Account(t, h.store, access.RoleEntrant, fmt.Sprintf("e%d@example.com", i))
		if _, err := h.store.SaveOrganization(ctx, e.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: fmt.Sprintf("第%d团队", i+1),
			ContactName: "联系人", ContactEmail: fmt.Sprintf("e%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, submittedEntry(t, h, e, c.ID))
	}
	desk := newBrowser(t, 1440, 900)
	count := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(desk, chromedp.Evaluate[int](js))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := chromedp.Do(desk, chromedp.EmulateViewport(1440, 900),
		chromedp.Navigate(h.http.URL+"/login"),
		chromedp.SendKeys(`input[name=login]`, "org@example.com"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`a[href="/organizer/contests/new"]`),
		chromedp.Navigate(fmt.Sprintf("%s/organizer/contests/%d/entries", h.http.URL, c.ID)),
		chromedp.WaitVisible(`input[data-select-all="entry"]`),
		chromedp.Click(`input[data-select-all="entry"]`)); err != nil {
		t.Fatal(err)
	}
	if n := count(`document.querySelectorAll('input[name=entry]:checked').length`); n != 3 {
		t.Fatalf("select all ticked %d of 3", n)
	}
	if err := chromedp.Do(desk, chromedp.Click(fmt.Sprintf(`input[name=entry][value="%d"]`, ids[1]))); err != nil {
		t.Fatal(err)
	}
	if n := count(`document.querySelector('input[data-select-all]').indeterminate ? 1 : 0`); n != 1 {
		t.Error("one box unticked: select all is not shown as partly ticked")
	}
	saveScreenshot(t, desk, "entries-select-all.png")
	if err := chromedp.Do(desk, chromedp.Click(`form[action$="/entries/review"] button.primary`), chromedp.WaitVisible(`p.notice[role=status]`)); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		e, err := h.store.EntryInContest(ctx, c.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]entry.State{true: entry.Accepted, false: entry.Submitted}[i != 1]; e.State != want {
			t.Errorf("entry %d: %s, want %s", i, e.State, want)
		}
	}
}
