package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/showcase"
	"podium/files/blob"
	"podium/files/pdftext"
)

// The organizer's home says what waits for them, per contest, with the way
// to do it: an entry to review, a round's outstanding sheets, a failed
// notification; and each round's progress.
func TestOrganizerDashboard(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "dash", 2) // the round is open, two sheets outstanding
	late := contesttest.Account(t, h.store, access.RoleEntrant, "late@example.com")
	if _, err := h.store.SaveOrganization(t.Context(), late.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: "晚到团队",
		ContactName: "王芳", ContactEmail: "late@example.com"}); err != nil {
		t.Fatal(err)
	}
	submittedEntry(t, h, late, w.contest.ID) // not reviewed yet
	if _, err := h.store.DB.Exec(`UPDATE outbox SET state = 'failed', last_error = '550' WHERE id = (SELECT min(id) FROM outbox WHERE contest_id = $1)`, w.contest.ID); err != nil {
		t.Fatal(err)
	}
	// An investor applied to see the showcase: the organizers decide. (The
	// contest is published as open, as one investors can see.)
	if _, err := h.store.DB.Exec(`UPDATE contests SET state = 'open' WHERE id = $1`, w.contest.ID); err != nil {
		t.Fatal(err)
	}
	sc := showcase.New(h.store.DB, h.store.Accounts, h.store.Results)
	investor, err := sc.Register(t.Context(), showcase.InvestorInput{Institution: "阿尔法创投", USCC: "91310115MA1K427762",
		ContactName: "李经理", Email: "alpha@example.com", Password: contesttest.Password})
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Apply(t.Context(), investor.ID, w.contest.ID); err != nil {
		t.Fatal(err)
	}
	page := h.loggedIn(w.org).get("/organizer")
	if page.status != http.StatusOK {
		t.Fatalf("organizer home: %d", page.status)
	}
	id := itoa(w.contest.ID)
	for _, want := range []string{
		`<article class="dash" data-contest="` + id + `">`,
		`href="/organizer/contests/` + id + `/entries?state=submitted">1 个项目等待资格审查</a>`,
		`href="/organizer/contests/` + id + `/rounds/prelim/progress">初赛：还有 2 份评分未提交`,
		`href="/organizer/contests/` + id + `/messages?state=failed">1 封通知发送失败</a>`,
		`href="/organizer/contests/` + id + `/showcase">1 家投资机构申请查看路演展示，待审核</a>`,
		`<progress max="100" value="0"`, "已提交评分 0 / 2",
		"已提交 1", "资格审查通过 1", // entries by state
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the dashboard lacks %s", want)
		}
	}
	// Another organizer's home shows none of it.
	other := contesttest.Account(t, h.store, access.RoleOrganizer, "other@example.com")
	if page := h.loggedIn(other).get("/organizer"); strings.Contains(page.body, `data-contest="`+id+`"`) {
		t.Error("another organizer sees this contest's dashboard")
	}
}

// The awards page says why it has nothing to award: no quotas in the
// contest, or nothing ranked yet — not the one for the other.
func TestAwardsPageSaysWhyItIsEmpty(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "awards-empty", 2) // open round, no sheet submitted
	org := h.loggedIn(w.org)
	path := "/organizer/contests/" + itoa(w.contest.ID) + "/rounds/prelim/awards"
	if page := org.get(path); !strings.Contains(page.body, "本赛事未设置奖项名额") {
		t.Errorf("without quotas: %s", page.body)
	}
	c, err := h.store.Contest(t.Context(), w.contest.ID)
	if err != nil {
		t.Fatal(err)
	}
	c.Awards = []contest.AwardQuota{{Group: "enterprise", Level: "first", Count: 1}}
	if _, err := h.store.UpdateContest(t.Context(), w.org.ID, c.ID, c.Setup); err != nil {
		t.Fatal(err)
	}
	page := org.get(path)
	if !strings.Contains(page.body, "本轮还没有可排名的项目") || strings.Contains(page.body, "本赛事未设置奖项名额") {
		t.Errorf("with quotas, nothing ranked: %s", page.body)
	}
}

// An entry flagged for naming its entrant shows the organizers what was
// found, and where, on its review page.
func TestIdentityFlagShowsWhatWasFound(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(t.Context(), org.ID, contesttest.Setup("leaks"))
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	if _, err := h.store.SaveOrganization(t.Context(), entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	e, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: "materials", Group: "enterprise", Title: "散热膜"})
	if err != nil {
		t.Fatal(err)
	}
	pdf := pdftext.Generate([]string{"星河智能科技有限公司 商业计划书", "联系人 张伟"})
	key := blob.NewKey()
	size, sum, err := h.blobs.Put(ctx, key, bytes.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.AddUpload(ctx, entrant.ID, e.ID, entry.StoredUpload{
		Upload: entry.Upload{ID: uuid.NewString(), Kind: entry.UploadBusinessPlan, Name: "计划书.pdf", ContentType: "application/pdf", Size: size, SHA256: sum},
		Key:    key, Text: "星河智能科技有限公司 商业计划书 联系人 张伟"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.SubmitEntry(ctx, entrant.ID, e.ID, true); err != nil {
		t.Fatal(err)
	}
	page := h.loggedIn(org).get("/organizer/contests/" + itoa(c.ID) + "/entries/" + itoa(e.ID))
	for _, want := range []string{`id="identity-leaks"`, "<mark>星河智能科技有限公司</mark>", "<mark>张伟</mark>", "（正文中）", "商业计划书："} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the review page lacks %s", want)
		}
	}
}
