package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
)

// On a phone: the profile takes full-width certificate numbers and comes back
// from a mistake with no extra member row; 提交项目 asks before it locks the
// materials; with no business plan the submission is refused beside the
// materials, which come into view; with it, the entry is submitted and its
// view shows the declared conflicts and the materials once.
func TestJourneyEntrantSubmitConfirmsAndNeedsThePlan(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("confirm-2026")
	deadline := h.clock.T.Add(20 * 24 * time.Hour)
	setup.SubmissionDeadline = &deadline
	c, err := h.store.CreateContest(ctx, org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "founder@example.com")

	j := newJourney(t, h, "entrant-confirm-phone", phone)
	j.login("founder@example.com")
	j.goTo("/entrant/profile", `form[action="/entrant/profile"]`)
	j.expect("/entrant/profile", 422)
	j.do("fill in the profile with full-width numbers and a wrong credit code",
		chromedp.SendKeys(`input[name=name]`, "星河智能科技有限公司"),
		chromedp.SendKeys(`input[name=uscc]`, "91440300708461136X"),
		chromedp.SetValue(`input[name=tech_sme_number]`, "２０２１２１０６０３Ａ０００１２３"),
		chromedp.SetValue(`input[name=high_tech_cert_number]`, "ＧＲ２０２１２１０００１２３"),
		chromedp.SetValue(`input[name=contact_name]`, "张伟"),
		chromedp.SetValue(`input[name=contact_phone]`, "13800138000"),
		chromedp.SetValue(`input[name=member_name]`, "李娜"),
		chromedp.SetValue(`input[name=member_role]`, "CTO"),
	)
	j.navigate("save with a mistake", chromedp.Tap(`form[action="/entrant/profile"] button.primary[type=submit]`), chromedp.WaitVisible(`.field-error`))
	j.look("profile with a mistake")
	if n := evalJ[int](j, `document.querySelectorAll("input[name=member_name]").length`); n != 2 {
		t.Errorf("%d member rows after a mistake, want 2", n)
	}
	if errs := evalJ[string](j, `[...document.querySelectorAll(".field-error")].map(e => e.closest("label") ? e.closest("label").querySelector("input").name : "?").join(",")`); errs != "uscc" {
		t.Errorf("fields flagged: %q, want only the credit code", errs)
	}
	j.navigate("save the profile", chromedp.Steps(chromedp.SetValue(`input[name=uscc]`, "91440300708461136T"),
		chromedp.Tap(`form[action="/entrant/profile"] button.primary[type=submit]`)), chromedp.WaitVisible(`#profile-saved`))
	if o, err := h.store.OrganizationOf(ctx, entrant.ID); err != nil || o.TechSMENumber != "2021210603A000123" || len(o.Members) != 1 {
		t.Fatalf("profile saved as %+v %v", o, err)
	}

	e, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: "materials", Group: "enterprise", Title: "柔性电子皮肤传感器",
		Conflicts: []entry.DeclaredConflict{{Kind: entry.ConflictExpert, Name: "林晓雯", Reason: "曾任本公司顾问"}}})
	if err != nil {
		t.Fatal(err)
	}
	entryPath := "/entrant/entries/" + itoa(e.ID)
	j.goTo(entryPath, `#submit-entry`)
	j.do("tap submit", chromedp.Tap(`#submit-entry`), chromedp.WaitVisible(`#confirm-submit-entry`))
	j.look("asked to confirm")
	if got, _ := h.store.EntryOfEntrant(ctx, entrant.ID, e.ID); got.State != entry.Draft {
		t.Fatalf("the first tap submitted: %s", got.State)
	}
	j.do("not yet", chromedp.Tap(`#confirm-submit-entry [data-confirm-no]`), chromedp.WaitNotVisible(`#confirm-submit-entry`))
	j.expect(entryPath+"/submit", 422)
	j.do("tap submit again", chromedp.Tap(`#submit-entry`), chromedp.WaitVisible(`#confirm-submit-yes`))
	j.navigate("confirm without a business plan", chromedp.Tap(`#confirm-submit-yes`), chromedp.WaitVisible(`#uploads-error`))
	j.look("refused: no business plan")
	if text := evalJ[string](j, `document.querySelector("#uploads-error").innerText`); !strings.Contains(text, "商业计划书") {
		t.Errorf("the refusal beside the materials reads %q", text)
	}
	if in := evalJ[bool](j, `(() => { const r = document.querySelector("#uploads-error").getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`); !in {
		t.Error("the refusal beside the materials is not in view")
	}
	if got, _ := h.store.EntryOfEntrant(ctx, entrant.ID, e.ID); got.State != entry.Draft {
		t.Fatalf("submitted without the plan: %s", got.State)
	}

	addBusinessPlan(t, h, entrant, e.ID)
	j.goTo(entryPath, `#submit-entry`)
	j.do("tap submit", chromedp.Tap(`#submit-entry`), chromedp.WaitVisible(`#confirm-submit-yes`))
	j.navigate("confirm", chromedp.Tap(`#confirm-submit-yes`), chromedp.WaitVisible(`#entry-notice`), chromedp.WaitNotPresent(`#submit-entry`))
	j.look("submitted")
	text := evalJ[string](j, `document.body.innerText`)
	if !strings.Contains(text, "专家：林晓雯（曾任本公司顾问）") || strings.Count(text, "计划书.pdf") != 1 {
		t.Errorf("the submitted view: %s", text)
	}
	j.english("submitted")
	if text := evalJ[string](j, `document.body.innerText`); !strings.Contains(text, "Expert: 林晓雯 (曾任本公司顾问)") {
		t.Errorf("the English submitted view: %s", text)
	}
}

// A visitor on the home of a contest whose registration is over, and on the
// reset page, on a phone.
func TestJourneyVisitorSignsInFromAContestHome(t *testing.T) {
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("closed-2026")
	setup.Description = "报名已结束的大赛。"
	deadline := h.clock.T.Add(-24 * time.Hour)
	setup.SubmissionDeadline = &deadline
	if _, err := h.store.CreateContest(context.Background(), org.ID, setup); err != nil {
		t.Fatal(err)
	}
	contesttest.Account(t, h.store, access.RoleEntrant, "founder@example.com")
	j := newJourney(t, h, "visitor-home-phone", phone)
	j.goTo("/contests/closed-2026", `#login`)
	j.look("closed contest home")
	j.navigate("sign in from the home", chromedp.Tap(`#login`), chromedp.WaitVisible(`input[name=login]`))
	j.look("sign in")
	j.goTo("/password/forgot", `input[name=login]`)
	j.look("forgot password")
}
