package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/eligibility"
)

// An entrant on a phone submits a growth-group entry although the company was
// established in the previous year and earned more than the national limit:
// the page says the entry belongs in the startup group right under the group
// field, and what is wrong with the company's facts right above the submit
// button, with the way to the profile. The organizer's pages (the rules, the
// review) are captured on a desktop for a person to look at.
func TestBrowserEligibilityRefusal(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	organizer := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c := eligibilityContest(t, h, organizer, "elig-browser")
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	org := testOrganization()
	revenue := int64(250_000_000)
	org.CompanyFacts = entry.CompanyFacts{EstablishedOn: "2025-03-01", RevenuePrevYear: &revenue}
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, org); err != nil {
		t.Fatal(err)
	}
	// An entry submitted before the contest had rules: review will show what it fails.
	early, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: "materials", Group: "startup", Title: "早先提交的项目", Fields: entry.Fields{Summary: "散热"}})
	if err == nil {
		_, err = h.store.SubmitEntry(ctx, entrant.ID, early.ID, false)
	}
	if err != nil {
		t.Fatal(err)
	}
	set := eligibility.National(2026).Set
	set.StartupGroup, set.GrowthGroup = "startup", "growth"
	if _, err := h.store.SetEligibilityRules(ctx, organizer.ID, c.ID, set); err != nil {
		t.Fatal(err)
	}
	ent, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: "materials", Group: "growth", Title: "石墨烯散热膜", Fields: entry.Fields{Summary: "散热"}})
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, 390, 844)
	err = chromedp.Do(b,
		chromedp.Navigate(h.http.URL+"/login"),
		chromedp.SendKeys(`input[name=login]`, "e@example.com"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`a[href="/entrant/profile"]`),
		chromedp.Navigate(fmt.Sprintf("%s/entrant/entries/%d", h.http.URL, ent.ID)),
		chromedp.Click(`#submit-entry`),
		chromedp.WaitVisible(`#confirm-submit-yes`), // submitting asks first
		chromedp.Click(`#confirm-submit-yes`),
		chromedp.WaitVisible(`#eligibility-problems`),
	)
	if err != nil {
		saveScreenshot(t, b, "eligibility-refusal-failure.png")
		t.Fatalf("browser: %v", err)
	}
	saveScreenshot(t, b, "eligibility-refusal-phone.png")
	groupMsg, err := chromedp.Run(b, chromedp.Text(`select[name=group] + .field-error`))
	if err != nil || groupMsg != "成立于 2025-03-01，应报名初创组。" {
		t.Errorf("under the group field: %q %v", groupMsg, err)
	}
	facts, err := chromedp.Run(b, chromedp.Text(`#eligibility-problems`))
	if err != nil || !strings.Contains(facts, "上一年度营业收入 25000 万元，超过 20000 万元的上限。") || !strings.Contains(facts, "修改单位信息") {
		t.Errorf("the company's facts: %q %v", facts, err)
	}
	alert, err := chromedp.Run(b, chromedp.Text(`p.error[role=alert]`))
	if err != nil || !strings.Contains(alert, "不符合本大赛的资格条件") {
		t.Errorf("the page's message: %q %v", alert, err)
	}
	// The facts' problems sit right above the submit button, both on screen after scrolling there.
	gap, err := chromedp.Run(b, chromedp.Evaluate[float64](`document.querySelector('.actions-row button.primary').getBoundingClientRect().top -
		document.querySelector('#eligibility-problems').getBoundingClientRect().bottom`))
	if err != nil || gap < 0 || gap > 80 {
		t.Errorf("gap between the problems and the submit button: %v px %v", gap, err)
	}
	if err := chromedp.Do(b, chromedp.ScrollIntoView(`#eligibility-problems`)); err == nil {
		saveScreenshot(t, b, "eligibility-refusal-phone-facts.png")
	}
	if got, _ := h.store.EntryOfEntrant(ctx, entrant.ID, ent.ID); got.State != entry.Draft {
		t.Errorf("refused entry is %s", got.State)
	}
	if err := chromedp.Do(b, chromedp.Navigate(h.http.URL+"/entrant/profile"), chromedp.ScrollIntoView(`#company-facts`)); err == nil {
		saveScreenshot(t, b, "eligibility-profile-phone.png")
	}

	// The organizer's side, on a desktop: only captured (TestEligibilityOverHTTP checks the content).
	o := newBrowser(t, 1280, 1500)
	if err := chromedp.Do(o,
		chromedp.Navigate(h.http.URL+"/login"),
		chromedp.SendKeys(`input[name=login]`, "org@example.com"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`a[href="/organizer/contests/new"]`),
		chromedp.Navigate(fmt.Sprintf("%s/organizer/contests/%d/eligibility", h.http.URL, c.ID)),
		chromedp.WaitVisible(`#elig-rules`),
	); err != nil {
		t.Fatalf("organizer browser: %v", err)
	}
	saveScreenshot(t, o, "eligibility-rules-desktop.png")
	if err := chromedp.Do(o,
		chromedp.Navigate(fmt.Sprintf("%s/organizer/contests/%d/entries", h.http.URL, c.ID)),
		chromedp.WaitVisible(`td.ineligible .badge`),
	); err != nil {
		t.Fatalf("entries list: %v", err)
	}
	saveScreenshot(t, o, "eligibility-entries-desktop.png")
	badge, err := chromedp.Run(o, chromedp.Text(`td.ineligible`))
	if err != nil || !strings.Contains(badge, "上一年度营业收入上限") {
		t.Errorf("the list names the failed rule: %q %v", badge, err)
	}
	if err := chromedp.Do(o,
		chromedp.Navigate(fmt.Sprintf("%s/organizer/contests/%d/entries/%d", h.http.URL, c.ID, early.ID)),
		chromedp.WaitVisible(`#ineligible`),
	); err != nil {
		t.Fatalf("entry review: %v", err)
	}
	saveScreenshot(t, o, "eligibility-review-desktop.png")
	if err := chromedp.Do(o,
		chromedp.Navigate(fmt.Sprintf("%s/organizer/contests/%d/eligibility?lang=en", h.http.URL, c.ID)),
		chromedp.WaitVisible(`#elig-rules`),
	); err != nil {
		t.Fatalf("rules in English: %v", err)
	}
	saveScreenshot(t, o, "eligibility-rules-desktop-en.png")
	if err := chromedp.Do(b, chromedp.Navigate(fmt.Sprintf("%s/entrant/entries/%d?lang=en", h.http.URL, ent.ID)),
		chromedp.Click(`#submit-entry`), chromedp.WaitVisible(`#confirm-submit-yes`), chromedp.Click(`#confirm-submit-yes`),
		chromedp.WaitVisible(`#eligibility-problems`)); err != nil {
		t.Fatalf("refusal in English: %v", err)
	}
	saveScreenshot(t, b, "eligibility-refusal-phone-en.png")
	if msg, err := chromedp.Run(b, chromedp.Text(`select[name=group] + .field-error`)); err != nil || msg != "Established 2025-03-01: this entry belongs in the Startup group." {
		t.Errorf("under the group field, in English: %q %v", msg, err)
	}
}
