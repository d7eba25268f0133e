package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest/access"
	"podium/contest/contesttest"
)

// An entrant on a phone (390×844) forgot her password: from the login page
// she asks for a link, opens it, types a new password twice (a mismatch is
// shown beside the field), and is back on the login page, told it worked.
func TestBrowserPasswordResetOnPhone(t *testing.T) {
	h := newHarness(t)
	contesttest.Account(t, h.store, access.RoleEntrant, "zhao.min@example.cn")
	phone := newBrowser(t, 390, 844)
	do := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		for i, step := range steps {
			sctx, cancel := context.WithTimeout(phone, 15*time.Second)
			err := chromedp.Do(sctx, step)
			cancel()
			if err != nil {
				saveFullScreenshot(t, phone, "reset-failure.png")
				t.Fatalf("%s, step %d: %v", name, i, err)
			}
		}
		saveFullScreenshot(t, phone, "reset-"+name+".png")
		if wide, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || wide {
			t.Errorf("%s: the page is wider than the phone (%v)", name, err)
		}
	}
	do("login",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(h.http.URL+"/login"),
		chromedp.WaitVisible(`a[href="/password/forgot"]`),
		chromedp.Click(`a[href="/password/forgot"]`),
		chromedp.WaitVisible(`input[name=login]`))
	do("sent",
		chromedp.SendKeys(`input[name=login]`, "zhao.min@example.cn"),
		chromedp.Submit(`input[name=login]`),
		chromedp.WaitVisible(`#reset-sent`))
	var link string
	if err := h.store.DB.Get(&link, `SELECT data->>'Link' FROM outbox WHERE kind = 'account.reset'`); err != nil {
		t.Fatal(err)
	}
	do("mismatch",
		chromedp.Navigate(h.http.URL+link),
		chromedp.WaitVisible(`input[name=password_again]`),
		chromedp.SendKeys(`input[name=password]`, "新密码-2026-abc"),
		chromedp.SendKeys(`input[name=password_again]`, "新密码-2026-abd"),
		chromedp.Submit(`input[name=password_again]`),
		chromedp.WaitVisible(`.field-error`))
	msg, err := chromedp.Run(phone, chromedp.Text(`.field-error`))
	if err != nil || !strings.Contains(msg, "两次输入的密码不一致") {
		t.Errorf("mismatch message %q (%v)", msg, err)
	}
	do("done",
		chromedp.SendKeys(`input[name=password]`, "新密码-2026-abc"),
		chromedp.SendKeys(`input[name=password_again]`, "新密码-2026-abc"),
		chromedp.Submit(`input[name=password_again]`),
		chromedp.WaitVisible(`#reset-done`))
	if _, err := h.store.Authenticate(context.Background(), "zhao.min@example.cn", "新密码-2026-abc"); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
}
