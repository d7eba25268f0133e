package web_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"podium/contest/contesttest"
	"podium/files/blob"
	"podium/files/pdftext"
)

// An organizer on a desktop (1440×900) finds the downloads where they look
// for them: the round's materials on its progress and ranking pages, each
// judge's and each entry's score sheets on the progress page, the entry's
// materials on its review page, every round's on the contest page; each
// link answers with the file it promises.
func TestBrowserMaterialsAndScoreSheetLinks(t *testing.T) {
	h := newHarness(t)
	lf := contesttest.NewLiveFinal(t, h.store)
	ctx := context.Background()
	plan := pdftext.Generate([]string{"商业计划书"})
	key := blob.NewKey()
	size, sum, err := h.blobs.Put(ctx, key, bytes.NewReader(plan), int64(len(plan)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.DB.Exec(`INSERT INTO blobs (id, entry_id, kind, storage_key, original_name, content_type, size_bytes, sha256)
		VALUES ($1, $2, 'business_plan', $3, '计划书.pdf', 'application/pdf', $4, $5)`, uuid.NewString(), lf.Entries[0], key, size, sum); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, 1440, 900)
	contestURL := fmt.Sprintf("%s/organizer/contests/%d", h.http.URL, lf.Contest.ID)
	// fetched is what a link's address answers: status and Content-Type.
	fetched := func(sel string) chromedp.Action[string] {
		return chromedp.Evaluate[string](fmt.Sprintf(`(async () => { const a = document.querySelector(%q);
			if (!a) return "no link"; const r = await fetch(a.href); return r.status + " " + r.headers.get("content-type"); })()`, sel),
			chromedp.EvalAwaitPromise)
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		for i, s := range steps {
			sctx, cancel := context.WithTimeout(b, 15*time.Second)
			err := chromedp.Do(sctx, s)
			cancel()
			if err != nil {
				saveFullScreenshot(t, b, "materials-failure.png")
				t.Fatalf("%s, step %d: %v", what, i, err)
			}
		}
	}
	expect := func(what, sel, want string) {
		t.Helper()
		got, err := chromedp.Run(b, fetched(sel))
		if err != nil || got != want {
			t.Errorf("%s (%s): %q, %v; want %q", what, sel, got, err, want)
		}
	}
	do("log in",
		chromedp.Navigate(h.http.URL+"/login"),
		chromedp.SendKeys(`input[name=login]`, "live-org@example.com"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`a[href="/organizer/contests/new"]`))

	do("progress", chromedp.Navigate(contestURL+"/rounds/final/progress"), chromedp.WaitVisible(`#print-sheets`))
	saveFullScreenshot(t, b, "materials-progress-desktop.png")
	expect("the round's materials", `#materials-zip`, "200 application/zip")
	expect("a judge's sheets", fmt.Sprintf(`tr[data-expert="%d"] a.sheets-link`, lf.Experts[0]), "200 application/pdf")
	expect("an entry's sheets", fmt.Sprintf(`tr[data-entry="%d"] a.sheets-link`, lf.Entries[0]), "200 application/pdf")

	do("ranking", chromedp.Navigate(contestURL+"/rounds/final/ranking"), chromedp.WaitVisible(`#exports`))
	saveScreenshot(t, b, "materials-ranking-desktop.png")
	expect("the round's materials", `#exports #materials-zip`, "200 application/zip")

	do("entry review", chromedp.Navigate(fmt.Sprintf("%s/entries/%d", contestURL, lf.Entries[0])), chromedp.WaitVisible(`#materials-zip`))
	saveScreenshot(t, b, "materials-entry-desktop.png")
	expect("the entry's materials", `#materials-zip`, "200 application/zip")

	do("contest", chromedp.Navigate(contestURL), chromedp.WaitVisible(`#materials-exports`))
	saveScreenshot(t, b, "materials-contest-desktop.png")
	expect("every round's materials", `#materials-exports a`, "200 application/zip")

	// The entrant, on a phone, downloads their own entry's files.
	b = newBrowser(t, 390, 844)
	do("entrant logs in",
		chromedp.Navigate(h.http.URL+"/login"),
		chromedp.SendKeys(`input[name=login]`, "live-e0@example.com"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(fmt.Sprintf(`a[href="/entrant/entries/%d"]`, lf.Entries[0])))
	do("entrant's entry", chromedp.Navigate(fmt.Sprintf("%s/entrant/entries/%d", h.http.URL, lf.Entries[0])), chromedp.WaitVisible(`#materials-zip`),
		chromedp.ScrollIntoView(`#materials-zip`))
	saveScreenshot(t, b, "materials-entrant-phone.png")
	expect("the entrant's own files", `#materials-zip`, "200 application/zip")
}
