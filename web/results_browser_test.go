package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest/contesttest"
)

// An organizer logs in, decides the tie at the second/third prize boundary on the
// awards page, confirms, publishes the round through its confirmation step and
// opens the public results page: the prizes chosen are the ones published.
func TestBrowserOrganizerDecidesTieAndPublishes(t *testing.T) {
	h := newHarness(t)
	w := newScoredWorld(t, h)
	eagle, seed := w.codes["工业视觉质检"], w.codes["可降解包装材料"]

	b := newBrowser(t, 1280, 900)
	sctx, cancel := context.WithTimeout(b, 40*time.Second)
	defer cancel()
	err := chromedp.Do(sctx,
		chromedp.Navigate(h.http.URL+"/login"),
		chromedp.SendKeys(`input[name=login]`, "org@example.com"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`a[href="/organizer/contests/new"]`), // the organizer's home: logged in
		chromedp.Navigate(h.http.URL+w.path("awards")),
		chromedp.WaitVisible(`#awards-form`),
		chromedp.SetValue(`select[name="level.`+eagle+`"]`, "third"),
		chromedp.SetValue(`select[name="level.`+seed+`"]`, "second"),
		chromedp.Click(`#awards-form button[type=submit]`),
		chromedp.WaitVisible(`#awards-confirmed`),
		chromedp.Click(`a[href$="/publish"]`),
		chromedp.WaitVisible(`#publish-form`),
		chromedp.Click(`#publish-form input[name=confirm]`),
		chromedp.Click(`#publish-form button[type=submit]`),
		chromedp.WaitVisible(`#published`),
		chromedp.Click(`a[href="/results/`+w.contest.Slug+`"]`),
		chromedp.WaitVisible(`section.public-results`),
	)
	if err != nil {
		saveScreenshot(t, b, "publish-failure.png")
		t.Fatalf("browser: %v", err)
	}
	saveScreenshot(t, b, "public-results.png")
	table, err := chromedp.Run(b, chromedp.Text(`section.public-results table`))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"2 并列\t可降解包装材料\t绿种团队\t60.00\t二等奖", "2 并列\t工业视觉质检\t鹰眼团队\t60.00\t三等奖"} {
		if !strings.Contains(table, line) {
			t.Errorf("public table lacks %q:\n%s", line, table)
		}
	}
	recorded, _ := h.store.RoundResults(context.Background(), w.contest.ID, "prelim")
	levels := map[string]string{}
	for _, r := range recorded {
		levels[r.Code] = r.AwardLevel
		if r.PublishedAt == nil {
			t.Errorf("result %s not published", r.Code)
		}
	}
	if levels[eagle] != "third" || levels[seed] != "second" {
		t.Errorf("recorded levels %v", levels)
	}
}
