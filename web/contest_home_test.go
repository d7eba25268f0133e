package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest/access"
	"podium/contest/contesttest"
)

// A contest's public home, as a newcomer, an entrant without a profile and
// an entrant with one see it while registration is open: names, not keys;
// the phase; the way in that fits who is looking.
func TestContestHomeWhileRegistrationIsOpen(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("home-2026")
	setup.Description = "面向全市科技型企业和创业团队。"
	deadline := h.clock.T.Add(20 * 24 * time.Hour)
	setup.SubmissionDeadline = &deadline
	c, err := h.store.CreateContest(ctx, org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	anon := h.client().get("/contests/home-2026")
	if anon.status != http.StatusOK {
		t.Fatalf("home: %d %s", anon.status, anon.body)
	}
	for _, want := range []string{"测试大赛 home-2026", "报名中", "面向全市科技型企业", "智能制造", "新材料", "企业组", "团队组",
		"初赛 · 网络评审", deadline.In(shanghai(t)).Format("2006-01-02 15:04"), `href="/register"`, "如何参赛"} {
		if !strings.Contains(anon.body, want) {
			t.Errorf("the home page lacks %q", want)
		}
	}
	for _, key := range []string{">manufacturing<", ">materials<", ">enterprise<", "contest.phase", "home."} {
		if strings.Contains(anon.body, key) {
			t.Errorf("the home page shows the key %q", key)
		}
	}
	if strings.Contains(anon.body, `id="results"`) {
		t.Error("a results link before anything is published")
	}
	if byID := h.client().get("/contests/" + itoa(c.ID)); byID.status != http.StatusOK {
		t.Errorf("by id: %d", byID.status)
	}
	if en := h.client().get("/contests/home-2026?lang=en"); !strings.Contains(en.body, "Registration open") || !strings.Contains(en.body, "How to take part") {
		t.Errorf("English home page: %s", en.body)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	page := h.loggedIn(entrant).get("/contests/home-2026")
	if !strings.Contains(page.body, `href="/entrant/profile"`) || strings.Contains(page.body, `href="/register"`) {
		t.Errorf("an entrant without a profile is not sent to fill it in")
	}
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	page = h.loggedIn(entrant).get("/contests/home-2026")
	if !strings.Contains(page.body, `href="/entrant/contests/`+itoa(c.ID)+`/entries/new"`) {
		t.Errorf("an entrant with a profile cannot enter from the home page")
	}
	// A round judged early (the preliminary opened before the deadline) does
	// not close the door: until the deadline the page still lets people in.
	if _, err := h.store.DB.Exec(`UPDATE rounds SET state = 'open' WHERE contest_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	if early := h.client().get("/contests/home-2026"); !strings.Contains(early.body, "评审中") || !strings.Contains(early.body, `href="/register"`) {
		t.Errorf("registration open while a round is judged: no way in: %s", early.body)
	}
	if missing := h.client().get("/contests/no-such-contest"); missing.status != http.StatusNotFound {
		t.Errorf("an unknown contest: %d", missing.status)
	}
}

// After the results are published, the home page is in publicity and links
// to them; registration is over.
func TestContestHomeAfterPublication(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newPublishedWorld(t, h)
	if _, err := h.store.DB.Exec(`UPDATE contests SET submission_deadline = $2 WHERE id = $1`, w.contest.ID, h.clock.T.Add(-30*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	page := h.client().get("/contests/" + w.contest.Slug)
	// No way to enter any more (the 注册并报名 button); a visitor may still sign in (or make an account).
	if !strings.Contains(page.body, "结果公示中") || !strings.Contains(page.body, `href="/results/`+w.contest.Slug+`"`) ||
		strings.Contains(page.body, `id="enter"`) || !strings.Contains(page.body, `id="login" href="/login?next=/entrant"`) {
		t.Errorf("home page after publication: %s", page.body)
	}
}

// The home page on a phone: nothing wider than the screen, and the way in
// is a big button.
func TestBrowserContestHomeOnPhone(t *testing.T) {
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("dandong-2026")
	setup.NameZh, setup.NameEn = "2026年丹东市创新创业大赛", "Dandong Innovation and Entrepreneurship Contest 2026"
	setup.Description = "由丹东市科学技术局主办，面向全市科技型中小企业和创业团队，优秀项目推荐参加辽宁省赛和全国赛。"
	if _, err := h.store.CreateContest(context.Background(), org.ID, setup); err != nil {
		t.Fatal(err)
	}
	phone := newBrowser(t, 390, 844)
	if err := chromedp.Do(phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(h.http.URL+"/contests/dandong-2026"), chromedp.WaitVisible(`#enter`)); err != nil {
		t.Fatal(err)
	}
	saveFullScreenshot(t, phone, "contest-home-phone.png")
	wide, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || wide {
		t.Errorf("the page is wider than the phone (%v)", err)
	}
	height, err := chromedp.Run(phone, chromedp.Evaluate[float64](`document.querySelector('#enter').getBoundingClientRect().height`))
	if err != nil || height < 44 {
		t.Errorf("the register button is %.0f px tall (%v)", height, err)
	}
}
