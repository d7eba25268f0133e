package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/files/pdftext"
)

// An entrant on a phone finds the contest's public home, registers, fills in
// the organization's profile with a credit code that has a letter, creates an
// entry, uploads the business plan (the progress bar moving on a slow
// connection), submits, and sees the entry locked with a confirmation; the
// receipt e-mail waits in the outbox.
func TestJourneyEntrantOnPhone(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("journey-2026")
	setup.Description = "面向全市科技型企业和创业团队。"
	deadline := h.clock.T.Add(20 * 24 * time.Hour)
	setup.SubmissionDeadline = &deadline
	c, err := h.store.CreateContest(ctx, org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	// A business plan of about 2.8 MB, so that the upload takes a while on a slow line.
	var lines []string
	for i := range 9000 {
		lines = append(lines, fmt.Sprintf("第%d行 商业计划书 Business plan line %d: market, team, finance, technology.", i, i))
	}
	plan := filepath.Join(t.TempDir(), "商业计划书.pdf")
	if err := os.WriteFile(plan, pdftext.Generate(lines), 0o600); err != nil {
		t.Fatal(err)
	}

	j := newJourney(t, h, "entrant-phone", phone)
	j.goTo("/contests/journey-2026", `#enter`)
	j.look("contest home")
	j.do("go to register", chromedp.Tap(`#enter`), chromedp.WaitVisible(`form[action="/register"]`))
	j.look("register")
	j.do("register",
		chromedp.SendKeys(`input[name=display_name]`, "张伟"),
		chromedp.SendKeys(`input[name=email]`, "zhangwei@example.com"),
		chromedp.SendKeys(`input[name=phone]`, "13800138000"),
		chromedp.SendKeys(`input[name=password]`, "长城长城长城2026"),
		chromedp.Tap(`form[action="/register"] button[type=submit]`),
		chromedp.WaitNotPresent(`form[action="/register"]`),
	)
	j.look("registered")

	// Back to the contest: it asks for the profile first.
	j.goTo("/contests/journey-2026", `#enter[href="/entrant/profile"]`)
	j.look("contest home, logged in")
	j.do("open the profile", chromedp.Tap(`#enter`), chromedp.WaitVisible(`form[action="/entrant/profile"]`))
	j.look("profile")
	// First without a way to reach the contact: the page says so beside the field, and keeps what was typed.
	j.expect("/entrant/profile", 422)
	// The contact starts as who registered.
	if v := evalJ[string](j, `document.querySelector("input[name=contact_phone]").value`); v != "13800138000" {
		t.Errorf("the first profile's contact phone is %q, not the registrant's", v)
	}
	j.do("fill in the profile",
		chromedp.SetValue(`select[name=kind]`, "enterprise"),
		chromedp.SendKeys(`input[name=name]`, "星河智能科技有限公司"),
		chromedp.SendKeys(`input[name=uscc]`, "91440300708461136T"),
		chromedp.SetValue(`input[name=contact_name]`, "张伟"),
	)
	evalJ[string](j, `["contact_phone", "contact_email"].forEach(n => document.querySelector("input[name=" + n + "]").value = ""), "cleared"`)
	j.navigate("save without a phone or an e-mail", chromedp.Tap(`form[action="/entrant/profile"] button.primary[type=submit]`),
		chromedp.WaitVisible(`.field-error`))
	j.look("profile with a mistake")
	if v := evalJ[string](j, `document.querySelector("input[name=uscc]").value`); v != "91440300708461136T" {
		t.Errorf("the credit code typed is lost after a mistake: %q", v)
	}
	j.navigate("save the profile",
		chromedp.Steps(chromedp.SendKeys(`input[name=contact_phone]`, "13800138000"), chromedp.Tap(`form[action="/entrant/profile"] button.primary[type=submit]`)),
		chromedp.WaitVisible(`#profile-saved`),
	)
	j.look("profile saved")
	j.goTo("/entrant/profile", `input[name=uscc]`)
	if v := evalJ[string](j, `document.querySelector("input[name=uscc]").value`); v != "91440300708461136T" {
		t.Errorf("credit code after saving: %q", v)
	}

	// The contest's way in is now a new entry.
	j.goTo("/contests/journey-2026", fmt.Sprintf(`#enter[href="/entrant/contests/%d/entries/new"]`, c.ID))
	j.do("start an entry", chromedp.Tap(`#enter`), chromedp.WaitVisible(`#entry-form`))
	j.look("new entry")
	j.do("create the entry",
		chromedp.SendKeys(`#entry-form input[name=title]`, "柔性电子皮肤传感器"),
		chromedp.SetValue(`#entry-form select[name=track]`, "materials"),
		chromedp.SetValue(`#entry-form select[name=group]`, "enterprise"),
		chromedp.Tap(`#entry-form button.primary[type=submit]`),
		chromedp.WaitVisible(`input[data-upload-kind=business_plan]`),
	)
	j.look("draft entry")
	entryPath := j.location()

	// A slow line (512 KB/s up): the progress bar shows the upload moving.
	slow := func(on bool) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			rules := []*network.Conditions{}
			if on {
				rules = append(rules, &network.Conditions{DownloadThroughput: -1, UploadThroughput: 512 * 1024})
			}
			_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules})
			return err
		})
	}
	bar := `document.querySelector("input[data-upload-kind=business_plan]").nextElementSibling` // upload.js puts its bar after the input
	j.do("upload on a slow line", slow(true), chromedp.SetUploadFiles(`input[data-upload-kind=business_plan]`, []string{plan}))
	j.poll("the progress bar moves", bar+`.hidden === false && `+bar+`.value > 0 && `+bar+`.value < 100`)
	j.look("uploading")
	j.do("back to a fast line", slow(false))
	j.poll("the upload is done", `document.body.innerText.includes("商业计划书.pdf") || !!document.querySelector(".upload .upload-done")`)
	if strings.Contains(evalJ[string](j, `location.pathname`), "uploads") {
		t.Errorf("the upload left the entry page")
	}
	j.goTo(entryPath, `#submit-entry`)
	j.look("uploaded")
	if !strings.Contains(evalJ[string](j, `document.body.innerText`), "商业计划书.pdf") {
		t.Error("the uploaded plan is not listed on the entry")
	}

	// Submitting locks the materials: the page asks first.
	j.do("submit", chromedp.Tap(`#submit-entry`), chromedp.WaitVisible(`#confirm-submit-yes`))
	j.look("confirm")
	if ask := evalJ[string](j, `document.querySelector("[role=alertdialog]:not([hidden])").innerText`); !strings.Contains(ask, "锁定") {
		t.Errorf("the confirmation does not say the materials lock: %q", ask)
	}
	j.do("confirm", chromedp.Tap(`#confirm-submit-yes`), chromedp.WaitVisible(`#entry-notice`), chromedp.WaitNotPresent(`#submit-entry`))
	j.look("submitted")
	notice := evalJ[string](j, `document.querySelector("#entry-notice").innerText`)
	state := evalJ[string](j, `document.querySelector(".badge").innerText`)
	editable := evalJ[int](j, `[...document.querySelectorAll("#entry-form input:not([type=hidden]), #entry-form select, #entry-form textarea, input[type=file]")].filter(e => !e.disabled).length`)
	if notice == "" || !strings.Contains(state, "已提交") || editable != 0 {
		t.Errorf("after submitting: notice %q, state %q, %d fields still editable", notice, state, editable)
	}
	j.english("submitted")
	if text := evalJ[string](j, `document.body.innerText`); !strings.Contains(text, "星河智能科技有限公司 (91440300708461136T)") || strings.Contains(text, "（") {
		t.Errorf("the English page writes the entrant as %q: ASCII punctuation wanted", text)
	}

	// The receipt is recorded in the outbox, to the entrant, in Chinese.
	var receipts []struct {
		Recipient string `db:"recipient"`
		Locale    string `db:"locale"`
		Data      string `db:"data"`
	}
	if err := h.store.DB.Select(&receipts, `SELECT recipient, locale, data::text AS data FROM outbox WHERE kind = 'entry.submitted' AND contest_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	if len(receipts) != 1 || receipts[0].Recipient != "zhangwei@example.com" || receipts[0].Locale != "zh-CN" || !strings.Contains(receipts[0].Data, "柔性电子皮肤传感器") {
		t.Errorf("receipts in the outbox: %+v", receipts)
	}
}
