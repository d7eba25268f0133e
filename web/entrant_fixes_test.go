package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
)

// An entrant who taps 提交项目 with no material at all: the submission is
// refused beside the materials, naming the business plan, and the entry stays
// a draft. The button asks before submitting (an in-page confirmation). Once
// submitted, the view shows the declared conflicts and lists the materials
// once, with Chinese punctuation in Chinese and ASCII in English.
func TestEntrantSubmissionNamesTheMissingMaterial(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("missing-plan")) // says nothing of materials: the plan is required
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	in := entry.Input{Track: "materials", Group: "enterprise", Title: "高导热石墨烯复合散热膜",
		Conflicts: []entry.DeclaredConflict{{Kind: entry.ConflictExpert, Name: "林晓雯", Reason: "曾任本公司顾问"}, {Kind: entry.ConflictOrganization, Name: "某某研究院"}}}
	e, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	me := h.loggedIn(entrant)
	path := "/entrant/entries/" + itoa(e.ID)
	page := me.get(path)
	for _, want := range []string{`id="submit-entry" data-confirm="confirm-submit-entry"`, `id="confirm-submit-entry" role="alertdialog"`,
		`formaction="` + path + `/submit" id="confirm-submit-yes"`, "确认提交？提交后材料将被锁定", "商业计划书 *"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the draft's page lacks %s", want)
		}
	}

	res := me.form(path+"/submit", url.Values{})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("submitting with no material: %d %s", res.status, res.body)
	}
	materials := res.body[strings.Index(res.body, `id="materials"`):]
	if !strings.HasPrefix(materials, `id="materials">`+"\n  <h2>项目材料</h2>\n  "+`<p class="error" role="alert" id="uploads-error" data-error-here>未提交：还缺少必需的材料（商业计划书），请上传后再提交。</p>`) {
		t.Errorf("the materials section does not say what is missing: %.400s", materials)
	}
	if got, _ := h.store.EntryOfEntrant(ctx, entrant.ID, e.ID); got.State != entry.Draft || got.Snapshot != nil {
		t.Fatalf("a refused submission wrote: %+v", got)
	}
	var receipts int
	if err := h.store.DB.Get(&receipts, `SELECT count(*) FROM outbox WHERE kind = 'entry.submitted'`); err != nil || receipts != 0 {
		t.Errorf("a receipt for a refused submission: %d %v", receipts, err)
	}
	if en := me.form(path+"/submit?lang=en", url.Values{}); !strings.Contains(en.body, "a required material is missing (Business plan)") {
		t.Errorf("the English refusal: %s", en.body)
	}

	addBusinessPlan(t, h, entrant, e.ID)
	if res := me.form(path+"/submit", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("with the plan: %d %s", res.status, res.body)
	}
	done := me.get(path + "?lang=zh-CN&submitted=1") // the English refusal above made English the language
	for _, want := range []string{"<dt>申请回避</dt>", "<div>专家：林晓雯（曾任本公司顾问）</div>", "<div>单位：某某研究院</div>"} {
		if !strings.Contains(done.body, want) {
			t.Errorf("the submitted view lacks %s: %s", want, done.body)
		}
	}
	if n := strings.Count(done.body, "计划书.pdf"); n != 1 {
		t.Errorf("the materials are listed %d times, want once", n)
	}
	if strings.Count(done.body, "<dt>项目材料</dt>") != 0 {
		t.Error("the snapshot lists the materials again")
	}
	en := me.get(path + "?lang=en")
	if !strings.Contains(en.body, "<div>Expert: 林晓雯 (曾任本公司顾问)</div>") || strings.Contains(en.body, "：") {
		t.Errorf("the English view's punctuation: %s", en.body)
	}
	// The organizers' review shows the same snapshot, materials included, in Chinese punctuation.
	review := h.loggedIn(org).get("/organizer/contests/" + itoa(c.ID) + "/entries/" + itoa(e.ID))
	if review.status != http.StatusOK || !strings.Contains(review.body, "商业计划书：计划书.pdf（") {
		t.Errorf("the review's materials: %s", review.body)
	}
}

// A visitor on the public home of a contest whose registration is over can
// still sign in or register; the steps link both.
func TestContestHomeOffersSignInToVisitors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("closed-2026")
	deadline := h.clock.T.Add(-24 * time.Hour)
	setup.SubmissionDeadline = &deadline
	if _, err := h.store.CreateContest(ctx, org.ID, setup); err != nil {
		t.Fatal(err)
	}
	anon := h.client().get("/contests/closed-2026")
	for _, want := range []string{`<a class="button" id="login" href="/login?next=/entrant">登录</a>`, `<a class="button" id="register" href="/register">注册参赛账户</a>`,
		`<li><p>注册参赛账户（邮箱或手机号）。 <a href="/register">注册参赛账户</a> · <a href="/login?next=/entrant">已有账户，登录</a></p></li>`} {
		if !strings.Contains(anon.body, want) {
			t.Errorf("the closed contest's home lacks %s", want)
		}
	}
	if en := h.client().get("/contests/closed-2026?lang=en"); !strings.Contains(en.body, `id="login"`) {
		t.Error("the English home has no sign-in")
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	if page := h.loggedIn(entrant).get("/contests/closed-2026"); strings.Contains(page.body, `id="login"`) || strings.Contains(page.body, `href="/register"`) {
		t.Error("a signed-in entrant is offered to sign in")
	}
}

// Someone who registered with a mobile number only asks for a reset: the
// link goes by SMS, and the page answers as it does for a number nobody has.
func TestPasswordForgotByPhone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.client()
	if res := c.form("/register", url.Values{"display_name": {"赵敏"}, "phone": {"13912345678"}, "password": {"long-enough-1"}}); res.status != http.StatusSeeOther {
		t.Fatalf("register: %d %s", res.status, res.body)
	}
	anon := h.client()
	unknown := anon.form("/password/forgot", url.Values{"login": {"13900000000"}})
	known := anon.form("/password/forgot", url.Values{"login": {"13912345678"}})
	if known.status != http.StatusOK || !strings.Contains(known.body, "或手机短信") ||
		strings.ReplaceAll(unknown.body, "13900000000", "13912345678") != known.body {
		t.Fatalf("forgot by phone: %d %s", known.status, known.body)
	}
	var sms struct {
		Channel, Recipient, Link string
	}
	if err := h.store.DB.QueryRow(`SELECT channel, recipient, data->>'Link' FROM outbox WHERE kind = 'account.reset'`).Scan(&sms.Channel, &sms.Recipient, &sms.Link); err != nil {
		t.Fatalf("no reset SMS recorded: %v", err)
	}
	if sms.Channel != "sms" || sms.Recipient != "13912345678" {
		t.Fatalf("the reset went %+v", sms)
	}
	if r := anon.form(sms.Link, url.Values{"password": {"new-password-1"}, "password_again": {"new-password-1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("the SMS link: %d %s", r.status, r.body)
	}
	if r := anon.form("/login", url.Values{"login": {"13912345678"}, "password": {"new-password-1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("signing in with the new password: %d", r.status)
	}
}

// The profile takes certificate numbers typed in full width, and a form sent
// back with a mistake has exactly the member rows typed plus one blank row.
func TestProfileFullWidthNumbersAndMemberRows(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	me := h.loggedIn(entrant)
	form := url.Values{"kind": {"enterprise"}, "name": {"星河智能科技有限公司"}, "uscc": {"91440300708461136X"},
		"contact_name": {"张伟"}, "contact_phone": {"13800138000"},
		"tech_sme_number": {"２０２１２１０６０３Ａ０００１２３"}, "high_tech_cert_number": {"ＧＲ２０２１２１０００１２３"},
		"member_name": {"李娜", ""}, "member_role": {"CTO", ""}, "listed": {"no"}, "national_top3_before": {"no"}}
	res := me.form("/entrant/profile", form)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad credit code: %d %s", res.status, res.body)
	}
	if n := strings.Count(res.body, `name="member_name"`); n != 2 {
		t.Errorf("%d member rows after a mistake, want 2 (李娜 and the blank one)", n)
	}
	if strings.Contains(res.body, "编号只能包含") || strings.Count(res.body, `class="field-error"`) != 1 {
		t.Errorf("full-width numbers refused, or more than the credit code flagged: %s", res.body)
	}
	form.Set("uscc", "９１４４０３００７０８４６１１３６Ｔ")
	if res := me.form("/entrant/profile", form); res.status != http.StatusSeeOther {
		t.Fatalf("full-width codes: %d %s", res.status, res.body)
	}
	o, err := h.store.OrganizationOf(context.Background(), entrant.ID)
	if err != nil || o.TechSMENumber != "2021210603A000123" || o.HighTechCertNumber != "GR202121000123" || o.USCC != "91440300708461136T" || len(o.Members) != 1 {
		t.Errorf("stored %+v %v", o, err)
	}
}

// A contest made in the editor requires the business plan unless the
// organizer clears its box: the new contest's form has it ticked.
func TestNewContestFormRequiresTheBusinessPlan(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	page := h.loggedIn(org).get("/organizer/contests/new")
	if !strings.Contains(page.body, `name="entry.required_uploads" value="business_plan" checked`) ||
		strings.Contains(page.body, `name="entry.required_uploads" value="deck" checked`) {
		t.Errorf("the new contest's required materials: %s", page.body)
	}
}
