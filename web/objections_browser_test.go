package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest/contesttest"
)

// saveFullScreenshot saves the whole page (not only the viewport) under
// $PODIUM_SCREENSHOT_DIR, when set.
func saveFullScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("PODIUM_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), shot, 0o644); err != nil {
		t.Error(err)
	}
}

// An objector on a phone (390×844) opens the form from the entry's link,
// sends it with a wrong ID number and sees the error beside the field with
// what was typed kept, corrects it, attaches an evidence PDF and sees the
// reference; the organizer opens the objection on a desktop (1440×900).
func TestBrowserObjectionFromPhone(t *testing.T) {
	h := newHarness(t)
	w := newPublishedWorld(t, h)
	code := w.entryID(t, h, "可降解包装材料")
	evidence := filepath.Join(t.TempDir(), "评审记录.pdf")
	if err := os.WriteFile(evidence, testPDF(), 0o644); err != nil {
		t.Fatal(err)
	}

	phone := newBrowser(t, 390, 844)
	form := fmt.Sprintf("%s/results/%s/objections/new?round=prelim&entry=%s", h.http.URL, w.contest.Slug, code)
	steps := []chromedp.Action[chromedp.Void]{
		// Headless windows are at least 500 wide: the phone's viewport is emulated.
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(form),
		chromedp.WaitVisible(`form.objection-form`),
		chromedp.SendKeys(`input[name=name]`, "王小明"),
		chromedp.SendKeys(`input[name=id_number]`, "110105194912310021"), // wrong check digit
		chromedp.SendKeys(`input[name=phone]`, "138 0013 8000"),
		chromedp.SendKeys(`input[name=email]`, "wang@example.com"),
		chromedp.SendKeys(`textarea[name=grounds]`, "该项目的两位评委评分相差悬殊，请核查评分记录。"),
		chromedp.Click(`form.objection-form button[type=submit]`),
		chromedp.WaitVisible(`#id_number-error`),
	}
	run := func(ctx context.Context, steps []chromedp.Action[chromedp.Void], failShot string) {
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
	run(phone, steps, "objection-phone-failure.png")
	saveFullScreenshot(t, phone, "objection-phone-errors.png")
	kept, err := chromedp.Run(phone, chromedp.Evaluate[string](`document.querySelector('input[name=name]').value + "|" + document.querySelector('select[name=entry]').value`))
	if err != nil || kept != "王小明|prelim:"+code {
		t.Errorf("typed values kept: %q %v", kept, err)
	}
	run(phone, []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(`input[name=id_number]`, "11010519491231002x"),
		chromedp.SetUploadFiles(`input[name=evidence]`, []string{evidence}),
		chromedp.Click(`form.objection-form button[type=submit]`),
		chromedp.WaitVisible(`#reference`),
	}, "objection-phone-failure.png")
	saveFullScreenshot(t, phone, "objection-phone-filed.png")
	ref, err := chromedp.Run(phone, chromedp.Text(`#reference`))
	if err != nil || !strings.HasPrefix(ref, "YY-") {
		t.Fatalf("reference %q %v", ref, err)
	}
	// The page fits the phone: nothing wider than the screen.
	wide, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || wide {
		t.Errorf("the status page is wider than the phone (%v)", err)
	}
	var files int
	if err := h.store.DB.Get(&files, `SELECT count(*) FROM objection_files f JOIN objections o ON o.id = f.objection_id
		WHERE o.reference = $1 AND f.purpose = 'evidence' AND f.content_type = 'application/pdf'`, strings.ReplaceAll(ref, "-", "")); err != nil || files != 1 {
		t.Errorf("evidence recorded: %d %v", files, err)
	}

	desk := newBrowser(t, 1440, 900)
	var id int64
	if err := h.store.DB.Get(&id, `SELECT id FROM objections`); err != nil {
		t.Fatal(err)
	}
	run(desk, []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(1440, 900),
		chromedp.Navigate(h.http.URL + "/login"),
		chromedp.SendKeys(`input[name=login]`, "org@example.com"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`a[href="/organizer/contests/new"]`),
		chromedp.Navigate(fmt.Sprintf("%s/organizer/contests/%d/objections", h.http.URL, w.contest.ID)),
		chromedp.WaitVisible(`#objections`),
	}, "objection-desk-failure.png")
	saveFullScreenshot(t, desk, "objection-org-list.png")
	run(desk, []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(fmt.Sprintf("%s/organizer/contests/%d/objections/%d", h.http.URL, w.contest.ID, id)),
		chromedp.WaitVisible(`#decide`),
		chromedp.SendKeys(`#note textarea[name=body]`, "已调取两位评委的评分表，正在核实。"),
		chromedp.Click(`#note button[type=submit]`),
		chromedp.WaitVisible(`#done`),
	}, "objection-desk-failure.png")
	saveFullScreenshot(t, desk, "objection-org-detail.png")
	number, err := chromedp.Run(desk, chromedp.Text(`#id-number`))
	if err != nil || number != "11010519491231002X" {
		t.Errorf("the organizer sees %q (%v)", number, err)
	}
	run(desk, []chromedp.Action[chromedp.Void]{
		chromedp.Click(`#decide input[value=upheld]`),
		chromedp.SetValue(`#decide select[name=remedy]`, "rescore"),
		chromedp.SendKeys(`#decide textarea[name=reply]`, "经核查，一位评委误填市场分，异议成立，该评分表将重新评分。"),
		chromedp.Click(`#decide button[type=submit]`),
		chromedp.WaitVisible(`#decision`),
	}, "objection-desk-failure.png")
	saveFullScreenshot(t, desk, "objection-org-decided.png")
	var state string
	if err := h.store.DB.Get(&state, `SELECT state FROM rounds WHERE contest_id = $1 AND key = 'prelim'`, w.contest.ID); err != nil || state != "closed" {
		t.Errorf("after upholding, the round is %s (%v)", state, err)
	}

	// The objector's page shows the decision; the form reads in English on request.
	run(phone, []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(h.http.URL + "/objections/" + ref + "?lang=en"),
		chromedp.WaitVisible(`#reply`),
	}, "objection-phone-failure.png")
	saveFullScreenshot(t, phone, "objection-phone-decided-en.png")
	run(phone, []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(form),
		chromedp.WaitVisible(`form.objection-form`),
		chromedp.Click(`input[name=kind][value=organization]`),
		chromedp.WaitVisible(`input[name=letter]`),
	}, "objection-phone-failure.png")
	if v, err := chromedp.Run(phone, chromedp.Value(`select[name=id_type]`)); err != nil || v != "uscc" {
		t.Errorf("choosing an organization selects %q as the ID type (%v)", v, err)
	}
	saveFullScreenshot(t, phone, "objection-phone-form-en-organization.png")
}
