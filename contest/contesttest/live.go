package contesttest

import (
	"context"
	"fmt"
	"testing"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/live"
	"podium/files/filecheck"
)

// LiveFinal is a contest with a live final, for the tests of screens and
// tools: room 0 (第一会场) seats experts 0–4 and holds three entries, room 1
// seats expert 5 and holds one; every expert reviews every entry. Both draws
// are revealed, and room 0 is scoring its first entry (pitch and questions
// done). Another organizer has a contest of their own (OtherContest).
type LiveFinal struct {
	Organizer, OtherOrganizer access.Account
	Contest, OtherContest     contest.Contest
	Entries                   []int64
	Experts                   []int64
	Judges                    []access.Account // by expert: their judge accounts (invites redeemed)
	Rooms                     []live.Room
}

// NewLiveFinal sets up the live final on s.
func NewLiveFinal(t testing.TB, s *Stores) *LiveFinal {
	t.Helper()
	ctx := context.Background()
	w := &LiveFinal{
		Organizer:      Account(t, s, access.RoleOrganizer, "live-org@example.com"),
		OtherOrganizer: Account(t, s, access.RoleOrganizer, "live-other@example.com"),
	}
	var err error
	if w.OtherContest, err = s.CreateContest(ctx, w.OtherOrganizer.ID, Setup("other-live")); err != nil {
		t.Fatal(err)
	}
	setup := Setup("live-final")
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	r := &setup.Rounds[0]
	r.Key, r.NameZh, r.Kind, r.ReviewsPerEntry = "final", "决赛", contest.KindLive, 6
	r.PitchSeconds, r.QASeconds = 300, 240
	if w.Contest, err = s.CreateContest(ctx, w.Organizer.ID, setup); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		a := Account(t, s, access.RoleEntrant, fmt.Sprintf("live-e%d@example.com", i))
		if _, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: fmt.Sprintf("乙%d团队", i),
			ContactName: "联系人", ContactEmail: fmt.Sprintf("lc%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		e, err := s.CreateEntry(ctx, a.ID, w.Contest.ID, entry.Input{Track: "materials", Group: "team", Title: fmt.Sprintf("乙%d项目", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitEntry(ctx, a.ID, e.ID, false); err != nil {
			t.Fatal(err)
		}
		w.Entries = append(w.Entries, e.ID)
	}
	if _, err := s.ReviewEntries(ctx, w.Organizer.ID, w.Contest.ID, w.Entries, true, ""); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		x, err := s.SaveExpert(ctx, w.Organizer.ID, judging.ExpertInput{Name: fmt.Sprintf("现场专家%d", i), Organization: fmt.Sprintf("学院%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		w.Experts = append(w.Experts, x.ID)
	}
	if err := s.SetPanel(ctx, w.Organizer.ID, w.Contest.ID, "final", w.Experts); err != nil {
		t.Fatal(err)
	}
	run, err := s.StartAssignment(ctx, w.Organizer.ID, w.Contest.ID, "final", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunAssignment(ctx, w.Organizer.ID, w.Contest.ID, "final", run.ID); err != nil {
		t.Fatal(err)
	}
	for _, x := range w.Experts {
		inv, err := s.InviteExpert(ctx, w.Organizer.ID, w.Contest.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		_, sess, err := s.RedeemInvite(ctx, inv.Token, access.Redemption{})
		if err != nil {
			t.Fatal(err)
		}
		w.Judges = append(w.Judges, sess.Account)
	}
	if err := s.SetRoundState(ctx, w.Organizer.ID, w.Contest.ID, "final", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	if w.Rooms, err = s.Live.SetRooms(ctx, w.Organizer.ID, w.Contest.ID, "final", []live.RoomInput{
		{Name: "第一会场", Judges: w.Experts[:5], Entries: w.Entries[:3]},
		{Name: "第二会场", Judges: w.Experts[5:], Entries: w.Entries[3:]},
	}); err != nil {
		t.Fatal(err)
	}
	for i, room := range w.Rooms {
		seed := fmt.Sprintf("live-web-seed-%d", i)
		if _, err := s.Live.CommitDraw(ctx, w.Organizer.ID, w.Contest.ID, room.ID, live.Commitment(seed)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Live.RevealDraw(ctx, w.Organizer.ID, w.Contest.ID, room.ID, seed); err != nil {
			t.Fatal(err)
		}
	}
	for _, op := range []live.Op{live.OpStartPitch, live.OpStartQA, live.OpOpenScoring} {
		if _, err := s.Live.Apply(ctx, w.Organizer.ID, w.Contest.ID, w.Rooms[0].ID, op); err != nil {
			t.Fatal(err)
		}
	}
	return w
}
