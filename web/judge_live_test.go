package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/live"
	"podium/files/blob"
	"podium/files/filecheck"
	"podium/files/pdftext"
)

// liveWorld is a contest whose final is live, in two rooms. Room 0 has four
// entries and judges 0, 1 and 2; judge 2 declared a conflict with entry 1's
// organization, so is recused for it. Room 1 has one entry and judge 3 (a
// judge of the contest who does not sit in room 0). Another contest's judge
// sits in a room of its own contest. Every entrant is distinctive: the
// identities list what no blind judge may ever read.
type liveWorld struct {
	h          *harness
	org        access.Account
	contest    contest.Contest
	rooms      []live.Room
	entries    []int64
	experts    []int64
	judges     []access.Account // by expert
	otherJudge access.Account   // seated in another contest's live room
	identities []string         // every entrant's names, contacts and file names
	titles     []string         // by entry
	orgs       []string         // by entry
}

func newLiveWorld(t *testing.T, h *harness, namesPublic bool) *liveWorld {
	t.Helper()
	ctx := context.Background()
	w := &liveWorld{h: h}
	w.org = contesttest.Account(t, h.store, access.RoleOrganizer, "live-org@example.com")
	var err error
	if w.contest, err = h.store.CreateContest(ctx, w.org.ID, liveSetup("live-final", namesPublic)); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		orgName := fmt.Sprintf("秘密星辰%d号量子科技有限公司", i)
		in := entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: orgName, USCC: []string{"91110000802100433B", "91330100799655058B", "9144030071526726XG", "91310000631696382C", "914403001922038216"}[i],
			ContactName: fmt.Sprintf("欧阳绝密%d", i), ContactPhone: fmt.Sprintf("1391234567%d", i), ContactEmail: fmt.Sprintf("secret.founder%d@example.com", i),
			Members: []entry.Member{{Name: fmt.Sprintf("司马隐名%d", i), Role: "CTO"}}}
		a := contesttest.Account(t, h.store, access.RoleEntrant, fmt.Sprintf("secret-login%d@example.com", i))
		if _, err := h.store.SaveOrganization(ctx, a.ID, in); err != nil {
			t.Fatal(err)
		}
		title := fmt.Sprintf("量子隐形项目%d", i)
		e, err := h.store.CreateEntry(ctx, a.ID, w.contest.ID, entry.Input{Track: "materials", Group: "enterprise", Title: title,
			Fields: entry.Fields{Summary: "一项新材料技术。"}})
		if err != nil {
			t.Fatal(err)
		}
		// A business plan whose file name names the entrant.
		pdf := pdftext.Generate([]string{"商业计划书"})
		key := blob.NewKey()
		size, sum, err := h.blobs.Put(ctx, key, bytes.NewReader(pdf), int64(len(pdf)))
		if err != nil {
			t.Fatal(err)
		}
		fileName := fmt.Sprintf("欧阳绝密%d的秘密星辰计划书.pdf", i)
		if _, err := h.store.AddUpload(ctx, a.ID, e.ID, entry.StoredUpload{Upload: entry.Upload{ID: uuid.NewString(), Kind: entry.UploadBusinessPlan,
			Name: fileName, ContentType: "application/pdf", Size: size, SHA256: sum}, Key: key}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.store.SubmitEntry(ctx, a.ID, e.ID, true); err != nil {
			t.Fatal(err)
		}
		w.identities = append(w.identities, fileName)
		w.entries, w.titles, w.orgs = append(w.entries, e.ID), append(w.titles, title), append(w.orgs, orgName)
		w.identities = append(w.identities, orgName, in.USCC, in.ContactName, in.ContactPhone, in.ContactEmail, in.Members[0].Name, title,
			*a.Email)
	}
	if _, err := h.store.ReviewEntries(ctx, w.org.ID, w.contest.ID, w.entries, true, ""); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		in := judging.ExpertInput{Name: fmt.Sprintf("现场评委%d", i), Organization: fmt.Sprintf("研究院%d", i)}
		if i == 2 {
			in.Conflicts = []string{w.orgs[1]}
		}
		x, err := h.store.SaveExpert(ctx, w.org.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		w.experts = append(w.experts, x.ID)
	}
	if err := h.store.SetPanel(ctx, w.org.ID, w.contest.ID, "final", w.experts); err != nil {
		t.Fatal(err)
	}
	run, err := h.store.StartAssignment(ctx, w.org.ID, w.contest.ID, "final", 1)
	if err == nil {
		_, err = h.store.RunAssignment(ctx, w.org.ID, w.contest.ID, "final", run.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range w.experts {
		inv, err := h.store.InviteExpert(ctx, w.org.ID, w.contest.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		a, err := h.store.Account(ctx, inv.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		w.judges = append(w.judges, a)
	}
	if err := h.store.SetRoundState(ctx, w.org.ID, w.contest.ID, "final", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	if w.rooms, err = h.store.Live.SetRooms(ctx, w.org.ID, w.contest.ID, "final", []live.RoomInput{
		{Name: "第一会场", Judges: w.experts[:3], Entries: w.entries[:4]},
		{Name: "第二会场", Judges: w.experts[3:], Entries: w.entries[4:]},
	}); err != nil {
		t.Fatal(err)
	}
	w.otherJudge = otherLiveContestJudge(t, h)
	return w
}

func liveSetup(slug string, namesPublic bool) contest.Setup {
	setup := contesttest.Setup(slug)
	r := &setup.Rounds[0]
	r.Key, r.NameZh, r.NameEn, r.Kind, r.ReviewsPerEntry, r.TrimMin = "final", "决赛", "Final", contest.KindLive, 3, 4
	r.PitchSeconds, r.QASeconds, r.NamesPublic = 300, 240, namesPublic
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	return setup
}

// otherLiveContestJudge is a judge seated in a live room of another contest.
func otherLiveContestJudge(t *testing.T, h *harness) access.Account {
	t.Helper()
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "other-live-org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, liveSetup("other-live", false))
	if err != nil {
		t.Fatal(err)
	}
	x, err := h.store.SaveExpert(ctx, org.ID, judging.ExpertInput{Name: "他赛评委", Organization: "他校"})
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "other-live-entrant@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	e, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: "materials", Group: "enterprise", Title: "他赛项目"})
	if err == nil {
		_, err = h.store.SubmitEntry(ctx, entrant.ID, e.ID, false)
	}
	if err == nil {
		_, err = h.store.ReviewEntries(ctx, org.ID, c.ID, []int64{e.ID}, true, "")
	}
	if err == nil {
		err = h.store.SetPanel(ctx, org.ID, c.ID, "final", []int64{x.ID})
	}
	if err != nil {
		t.Fatal(err)
	}
	run, err := h.store.StartAssignment(ctx, org.ID, c.ID, "final", 1)
	if err == nil {
		_, err = h.store.RunAssignment(ctx, org.ID, c.ID, "final", run.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	inv, err := h.store.InviteExpert(ctx, org.ID, c.ID, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetRoundState(ctx, org.ID, c.ID, "final", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Live.SetRooms(ctx, org.ID, c.ID, "final", []live.RoomInput{{Name: "他赛会场"}}); err != nil {
		t.Fatal(err)
	}
	a, err := h.store.Account(ctx, inv.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The judge's live page and stage: a judge seated in the room reads them; a
// judge of the contest seated elsewhere, a judge seated in another contest's
// room, an organizer of another contest and the contest's own organizer do not.
func TestJudgeLiveRoutesAuthorization(t *testing.T) {
	h := newHarness(t)
	w := newLiveWorld(t, h, false)
	otherOrg := contesttest.Account(t, h.store, access.RoleOrganizer, "someone-else@example.com")
	room := w.rooms[0].ID
	callers := []struct {
		name string
		cl   *client
		want int
	}{
		{"a judge seated in the room", h.loggedIn(w.judges[0]), http.StatusOK},
		{"the recused judge of the room", h.loggedIn(w.judges[2]), http.StatusOK},
		{"a judge of the contest seated in another room", h.loggedIn(w.judges[3]), http.StatusNotFound},
		{"another contest's judge", h.loggedIn(w.otherJudge), http.StatusNotFound},
		{"an organizer of another contest", h.loggedIn(otherOrg), http.StatusForbidden},
		{"the contest's organizer", h.loggedIn(w.org), http.StatusForbidden},
	}
	for _, path := range []string{fmt.Sprintf("/judge/live/rooms/%d", room), fmt.Sprintf("/api/v1/judge/live/rooms/%d", room)} {
		for _, c := range callers {
			if res := c.cl.get(path); res.status != c.want {
				t.Errorf("%s as %s: %d, want %d (%.200s)", path, c.name, res.status, c.want, res.body)
			}
		}
		anon := h.client().get(path)
		if want := map[bool]int{true: http.StatusUnauthorized, false: http.StatusSeeOther}[path[:5] == "/api/"]; anon.status != want {
			t.Errorf("%s anonymous: %d, want %d", path, anon.status, want)
		}
	}
	// The task list links each judge to the rooms they sit in, and only those.
	home := h.loggedIn(w.judges[0]).get("/judge")
	if want := fmt.Sprintf(`href="/judge/live/rooms/%d"`, room); home.status != http.StatusOK || !strings.Contains(home.body, want) ||
		strings.Contains(home.body, fmt.Sprintf(`href="/judge/live/rooms/%d"`, w.rooms[1].ID)) {
		t.Errorf("/judge does not link the judge's room only: %d %.500s", home.status, home.body)
	}
	if home := h.loggedIn(w.otherJudge).get("/judge"); !strings.Contains(home.body, "他赛会场") || strings.Contains(home.body, "第一会场") {
		t.Errorf("another contest's judge does not see their own room only: %.1000s", home.body)
	}
}
