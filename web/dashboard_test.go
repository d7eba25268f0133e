package web_test

import (
	"net/http"
	"strings"
	"testing"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
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
