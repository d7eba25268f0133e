package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest/contesttest"
)

// The showcase as people use it: the entrant on a phone (390×844) opts the
// entry in from its page; an approved investor on a phone browses, asks for
// contact and sees it pending; the entrant accepts; the investor then sees
// the contact; the organizer reads the report on a desktop (1440×900).
func TestBrowserShowcaseJourney(t *testing.T) {
	h := newHarness(t)
	w := newShowcaseWorld(t, h, true)
	id := w.entryID(t, h, shownTitle)
	run := func(ctx context.Context, failShot string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		for i, step := range steps {
			sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			err := chromedp.Do(sctx, step)
			cancel()
			if err != nil {
				saveFullScreenshot(t, ctx, failShot)
				t.Fatalf("browser step %d: %v", i, err)
			}
		}
	}
	login := func(ctx context.Context, who, landing string) {
		t.Helper()
		run(ctx, "showcase-login-failure.png",
			chromedp.Navigate(h.http.URL+"/login"),
			chromedp.SendKeys(`input[name=login]`, who),
			chromedp.SendKeys(`input[name=password]`, contesttest.Password),
			chromedp.Submit(`input[name=password]`),
			chromedp.WaitVisible(landing))
	}
	fits := func(ctx context.Context, what string) {
		t.Helper()
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil || wide {
			t.Errorf("%s is wider than the phone (%v)", what, err)
		}
	}
	text := func(ctx context.Context, sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	// The entrant opts in from the entry page.
	entrant := newBrowser(t, 390, 844)
	run(entrant, "showcase-entrant-failure.png", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	login(entrant, "e0@example.com", `a[href="/entrant/profile"]`)
	run(entrant, "showcase-entrant-failure.png",
		chromedp.Navigate(h.http.URL+"/entrant/entries/"+id),
		chromedp.WaitVisible(`#showcase-link`),
		chromedp.Navigate(h.http.URL+"/entrant/entries/"+id+"/showcase"),
		chromedp.WaitVisible(`#opt-in`),
		chromedp.SetValue(`select[name=round_raised]`, "a"),
		chromedp.SendKeys(`input[name=amount_sought]`, "800"),
		chromedp.Click(`#opt-in button[type=submit]`),
		chromedp.WaitVisible(`#done`),
	)
	saveFullScreenshot(t, entrant, "showcase-entrant-opted-in.png")
	fits(entrant, "the entrant's showcase page")
	if s := text(entrant, `#preview`); !strings.Contains(s, "800万元") || !strings.Contains(s, "A轮") || !strings.Contains(s, "一等奖") {
		t.Errorf("preview: %q", s)
	}

	// The investor browses and asks.
	investor := newBrowser(t, 390, 844)
	run(investor, "showcase-investor-failure.png", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	login(investor, "investor0@example.com", `#contests`)
	saveFullScreenshot(t, investor, "showcase-investor-home.png")
	fits(investor, "the investor's home")
	card := fmt.Sprintf(`#entry-%s`, id)
	run(investor, "showcase-investor-failure.png",
		chromedp.Navigate(fmt.Sprintf("%s/investor/contests/%d/showcase", h.http.URL, w.contest.ID)),
		chromedp.WaitVisible(card),
		chromedp.SendKeys(card+` textarea[name=message]`, "我们专注工业机器人领域，希望与贵团队交流本轮融资。"),
		chromedp.Click(card+` button[type=submit]`),
		chromedp.WaitVisible(card+` .request-state`),
	)
	saveFullScreenshot(t, investor, "showcase-investor-asked.png")
	fits(investor, "the showcase")
	if s := text(investor, card); strings.Contains(s, shownEmail) || strings.Contains(s, shownOrg) || !strings.Contains(s, "等待回复") {
		t.Errorf("pending card: %q", s)
	}

	// The entrant accepts.
	run(entrant, "showcase-entrant-failure.png",
		chromedp.Navigate(h.http.URL+"/entrant/entries/"+id+"/showcase"),
		chromedp.WaitVisible(`#requests button[value=accept]`),
	)
	saveFullScreenshot(t, entrant, "showcase-entrant-request.png")
	if s := text(entrant, `#requests`); !strings.Contains(s, "阿尔法创投") || !strings.Contains(s, "希望与贵团队交流") {
		t.Errorf("the request as the entrant sees it: %q", s)
	}
	run(entrant, "showcase-entrant-failure.png",
		chromedp.Click(`#requests button[value=accept]`),
		chromedp.WaitVisible(`#done`),
	)
	saveFullScreenshot(t, entrant, "showcase-entrant-accepted.png")

	// The investor sees the contact.
	run(investor, "showcase-investor-failure.png",
		chromedp.Navigate(fmt.Sprintf("%s/investor/contests/%d/showcase", h.http.URL, w.contest.ID)),
		chromedp.WaitVisible(`#contact-`+id),
	)
	saveFullScreenshot(t, investor, "showcase-investor-contact.png")
	if s := text(investor, `#contact-`+id); !strings.Contains(s, shownEmail) || !strings.Contains(s, shownOrg) {
		t.Errorf("contact: %q", s)
	}
	// The same in English.
	run(investor, "showcase-investor-failure.png",
		chromedp.Navigate(fmt.Sprintf("%s/investor/contests/%d/showcase?lang=en", h.http.URL, w.contest.ID)),
		chromedp.WaitVisible(`#contact-`+id),
	)
	saveFullScreenshot(t, investor, "showcase-investor-contact-en.png")
	if s := text(investor, card); !strings.Contains(s, "Contact") || !strings.Contains(s, "Accepted") || !strings.Contains(s, "First") {
		t.Errorf("the card in English: %q", s)
	}
	fits(investor, "the showcase in English")

	// The organizer reads the report on a desktop.
	desk := newBrowser(t, 1440, 900)
	run(desk, "showcase-desk-failure.png", chromedp.EmulateViewport(1440, 900))
	login(desk, "org@example.com", `a[href="/organizer/contests/new"]`)
	run(desk, "showcase-desk-failure.png",
		chromedp.Navigate(fmt.Sprintf("%s/organizer/contests/%d", h.http.URL, w.contest.ID)),
		chromedp.WaitVisible(`#showcase-link`),
		chromedp.Navigate(fmt.Sprintf("%s/organizer/contests/%d/showcase", h.http.URL, w.contest.ID)),
		chromedp.WaitVisible(`#requests`),
	)
	saveFullScreenshot(t, desk, "showcase-organizer-report.png")
	if s := text(desk, `#requests`); !strings.Contains(s, "阿尔法创投") || !strings.Contains(s, shownTitle) || !strings.Contains(s, "已同意") || strings.Contains(s, shownEmail) {
		t.Errorf("report: %q", s)
	}
	// And in English.
	run(desk, "showcase-desk-failure.png",
		chromedp.Navigate(fmt.Sprintf("%s/organizer/contests/%d/showcase?lang=en", h.http.URL, w.contest.ID)),
		chromedp.WaitVisible(`#requests`),
	)
	saveFullScreenshot(t, desk, "showcase-organizer-report-en.png")
	if s := text(desk, `#applications`); !strings.Contains(s, "Approved") || !strings.Contains(s, "Pending") {
		t.Errorf("report in English: %q", s)
	}
}

// An investment institution registers on a phone: a mistyped USCC is shown
// beside the field with what was typed kept; corrected (in lower case, as
// typed on a phone), it lands on its home and applies to the contest.
func TestBrowserInvestorRegisters(t *testing.T) {
	h := newHarness(t)
	w := newShowcaseWorld(t, h, true)
	phone := newBrowser(t, 390, 844)
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(h.http.URL + "/login"),
		chromedp.WaitVisible(`#investor-register-link`),
		chromedp.Navigate(h.http.URL + "/investor/register"),
		chromedp.WaitVisible(`#investor-register`),
		chromedp.SendKeys(`input[name=institution]`, "新锐资本管理有限公司"),
		chromedp.SendKeys(`input[name=uscc]`, "91110108MA01G0FB0X"),
		chromedp.SendKeys(`input[name=contact_name]`, "赵经理"),
		chromedp.SendKeys(`input[name=phone]`, "13912345678"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Click(`#investor-register button[type=submit]`),
		chromedp.WaitVisible(`.field-error`),
	}
	for i, step := range steps {
		sctx, cancel := context.WithTimeout(phone, 15*time.Second)
		err := chromedp.Do(sctx, step)
		cancel()
		if err != nil {
			saveFullScreenshot(t, phone, "investor-register-failure.png")
			t.Fatalf("browser step %d: %v", i, err)
		}
	}
	saveFullScreenshot(t, phone, "investor-register-error.png")
	kept, err := chromedp.Run(phone, chromedp.Evaluate[string](`document.querySelector('input[name=institution]').value + "|" + document.querySelector('.field-error').textContent`))
	if err != nil || !strings.HasPrefix(kept, "新锐资本管理有限公司|") || !strings.Contains(kept, "校验位") {
		t.Errorf("after a wrong USCC: %q %v", kept, err)
	}
	card := fmt.Sprintf("#contest-%d", w.contest.ID)
	for i, step := range []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(`input[name=uscc]`, "91110108ma01g0fb09"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Click(`#investor-register button[type=submit]`),
		chromedp.WaitVisible(`#contests`),
		chromedp.Click(card + ` button[type=submit]`),
		chromedp.WaitVisible(card + ` .application-pending`),
	} {
		sctx, cancel := context.WithTimeout(phone, 15*time.Second)
		err := chromedp.Do(sctx, step)
		cancel()
		if err != nil {
			saveFullScreenshot(t, phone, "investor-register-failure.png")
			t.Fatalf("browser step %d: %v", i, err)
		}
	}
	saveFullScreenshot(t, phone, "investor-applied.png")
	wide, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || wide {
		t.Errorf("the investor's home is wider than the phone (%v)", err)
	}
}
