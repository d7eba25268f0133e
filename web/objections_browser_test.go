package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/judging"
	"podium/scoring"
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

	// The organizers correct the round: 乙评委 (one below every mark) re-scores
	// 可降解包装材料 25, 25, 25 = 75.00, so its mean goes from (63 + 57) / 2 = 60.00
	// to (63 + 75) / 2 = 69.00: second alone, and 工业视觉质检 (60.00) third alone.
	rescore(t, h, w.scoredWorld, "可降解包装材料", w.judges[1], "25")
	// Before the awards are confirmed again the publication page says so; after, it previews the change.
	org := h.loggedIn(w.org)
	if page := org.get(w.path("publish")); !strings.Contains(page.body, `id="stale"`) {
		t.Errorf("the publication page does not say the awards must be confirmed again: %.2000s", page.body)
	}
	if _, err := h.store.ConfirmAwards(context.Background(), w.org.ID, w.contest.ID, "prelim", nil); err != nil {
		t.Fatal(err)
	}
	if page := org.get(w.path("publish")); strings.Contains(page.body, `id="stale"`) || !strings.Contains(page.body, `id="preview"`) ||
		strings.Count(page.body, `<td data-label=""><strong>`) != 2 || !strings.Contains(page.body, "第 2 名 · 69.00 · 二等奖") {
		t.Errorf("the publication page's preview: %.3000s", page.body)
	}
	// The organizer publishes version 2 on the desktop, with the reason.
	run(desk, []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(h.http.URL + w.path("publish")),
		chromedp.WaitVisible(`#preview`),
	}, "objection-desk-failure.png")
	saveFullScreenshot(t, desk, "publish-v2-desk.png")
	run(desk, []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(`#publish-form textarea[name=reason]`, "异议 "+ref+" 成立：重新评分"),
		chromedp.Click(`#publish-form input[name=confirm]`),
		chromedp.Click(`#publish-form button[type=submit]`),
		chromedp.WaitVisible(`#published`),
	}, "objection-desk-failure.png")
	// The public, on the phone: version 2, its reason, and exactly the two entries that moved.
	run(phone, []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(h.http.URL + "/results/" + w.contest.Slug),
		chromedp.WaitVisible(`section.public-results[data-version="2"] .history`),
	}, "objection-phone-failure.png")
	saveFullScreenshot(t, phone, "publication-v2-phone.png")
	history, err := chromedp.Run(phone, chromedp.Text(`section.public-results .history`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"第 2 版", "异议 " + ref + " 成立：重新评分", "可降解包装材料", "第 2 名 · 60.00 · 二等奖", "第 2 名 · 69.00 · 二等奖",
		"工业视觉质检", "第 2 名 · 60.00 · 三等奖", "第 3 名 · 60.00 · 三等奖", "首次公示"} {
		if !strings.Contains(history, want) {
			t.Errorf("the history lacks %q:\n%s", want, history)
		}
	}
	if rows, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.querySelectorAll('table.diff tbody tr').length`)); err != nil || rows != 2 {
		t.Errorf("changed entries shown: %d (%v)", rows, err)
	}
	if wide, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || wide {
		t.Errorf("the public page is wider than the phone (%v)", err)
	}

	// 可降解包装材料's entrant reads the new result on the phone and checks its
	// receipt in the browser: the receipt of version 2 holds against the heads.
	run(phone, []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(h.http.URL + "/login"),
		chromedp.SendKeys(`input[name=login]`, "e1@example.com"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`a[href="/entrant/profile"]`),
		chromedp.Navigate(fmt.Sprintf("%s/entrant/entries/%s/result", h.http.URL, code)),
		chromedp.WaitVisible(`#score-prelim`),
	}, "objection-phone-failure.png")
	if score, err := chromedp.Run(phone, chromedp.Text(`#score-prelim`)); err != nil || score != "69.00" {
		t.Errorf("the entrant reads %q (%v)", score, err)
	}
	saveFullScreenshot(t, phone, "entrant-result-v2-phone.png")
	run(phone, []chromedp.Action[chromedp.Void]{
		chromedp.Click(`a[href*="/verify?receipt="]`),
		chromedp.WaitVisible(`#receipt-verify[data-state=done] #verify-verdict`),
	}, "objection-phone-failure.png")
	saveFullScreenshot(t, phone, "entrant-receipt-checked-phone.png")
	if verdict, err := chromedp.Run(phone, chromedp.Text(`#verify-verdict`)); err != nil || !strings.Contains(verdict, "这份回执与公示结果一致") {
		t.Errorf("the receipt checked in the browser: %q (%v)", verdict, err)
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

// rescore has judge re-score an entry of the preliminary with mark on every
// criterion, as the organizers do after an upheld objection: the sheet is
// reopened, the round opened, the sheet submitted and the round closed again.
func rescore(t *testing.T, h *harness, w scoredWorld, title, judge, mark string) {
	t.Helper()
	ctx := context.Background()
	list, err := h.store.Assignments(ctx, w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(list, func(a judging.Assignment) bool {
		return a.EntryTitle == title && a.ExpertName == judge && a.State == "active"
	})
	if i < 0 {
		t.Fatalf("no sheet of %s by %s", title, judge)
	}
	a := list[i]
	if err := h.store.ReopenSheet(ctx, w.org.ID, w.contest.ID, a.ID, "异议成立，重新评分"); err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetRoundState(ctx, w.org.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	inv, err := h.store.InviteExpert(ctx, w.org.ID, w.contest.ID, a.ExpertID)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := scoring.ParsePoints(mark)
	in := judging.SheetInput{Marks: map[string]scoring.Points{"tech": m, "market": m, "team": m}}
	key := fmt.Sprint("rescore-", a.ID)
	if _, err := h.store.SubmitSheet(ctx, access.EveryContest(inv.AccountID), a.ID, in, key, []byte(key)); err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetRoundState(ctx, w.org.ID, w.contest.ID, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
}
