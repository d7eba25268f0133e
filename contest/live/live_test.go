package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/live"
	"podium/fault"
	"podium/files/filecheck"
	"podium/scoring"
)

// world is a contest whose final is live: eight entries in two rooms of five
// judges each, every judge logged in. 专家3 declares a conflict with 甲3's
// organization, which pitches in his room.
type world struct {
	s         *contesttest.Stores
	live      *live.Service
	clock     *contesttest.Clock
	contest   contest.Contest
	organizer access.Account
	entries   []int64 // 甲0 … 甲7
	experts   []int64 // 专家0 … 专家9
	judges    map[int64]access.JudgeSession
	rooms     []live.Room
}

func newWorld(t *testing.T) *world {
	t.Helper()
	s, clock := contesttest.NewStore(t)
	ctx := context.Background()
	w := &world{s: s, live: live.New(s.DB, s.Judging), clock: clock, judges: map[int64]access.JudgeSession{}}
	w.organizer = contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("final")
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	r := &setup.Rounds[0]
	r.Key, r.NameZh, r.Kind, r.TrimMin, r.ReviewsPerEntry = "final", "决赛", contest.KindLive, 4, 5
	r.PitchSeconds, r.QASeconds = 300, 240
	r.Criteria = []contest.Criterion{
		{Key: "tech", NameZh: "技术", Max: 4000, Weight: 4000, Step: 25},
		{Key: "market", NameZh: "市场", Max: 3000, Weight: 3000, Step: 25},
		{Key: "team", NameZh: "团队", Max: 3000, Weight: 3000, Step: 25},
	}
	var err error
	if w.contest, err = s.CreateContest(ctx, w.organizer.ID, setup); err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		a := contesttest.Account(t, s, access.RoleEntrant, fmt.Sprintf("e%d@example.com", i))
		if _, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: fmt.Sprintf("甲%d团队", i),
			ContactName: "联系人", ContactEmail: fmt.Sprintf("c%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		e, err := s.CreateEntry(ctx, a.ID, w.contest.ID, entry.Input{Track: "materials", Group: "team", Title: fmt.Sprintf("甲%d项目", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitEntry(ctx, a.ID, e.ID, false); err != nil {
			t.Fatal(err)
		}
		w.entries = append(w.entries, e.ID)
	}
	if _, err := s.ReviewEntries(ctx, w.organizer.ID, w.contest.ID, w.entries, true, ""); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		in := judging.ExpertInput{Name: fmt.Sprintf("专家%d", i), Organization: fmt.Sprintf("研究院%d", i)}
		if i == 3 {
			in.Conflicts = []string{"甲3团队"}
		}
		x, err := s.SaveExpert(ctx, w.organizer.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		w.experts = append(w.experts, x.ID)
	}
	if err := s.SetPanel(ctx, w.organizer.ID, w.contest.ID, "final", w.experts); err != nil {
		t.Fatal(err)
	}
	run, err := s.StartAssignment(ctx, w.organizer.ID, w.contest.ID, "final", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunAssignment(ctx, w.organizer.ID, w.contest.ID, "final", run.ID); err != nil {
		t.Fatal(err)
	}
	for _, x := range w.experts {
		inv, err := s.InviteExpert(ctx, w.organizer.ID, w.contest.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		_, sess, err := s.RedeemInvite(ctx, inv.Token, access.Redemption{})
		if err != nil {
			t.Fatal(err)
		}
		w.judges[x] = sess.Judge()
	}
	if err := s.SetRoundState(ctx, w.organizer.ID, w.contest.ID, "final", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	w.rooms, err = w.live.SetRooms(ctx, w.organizer.ID, w.contest.ID, "final", []live.RoomInput{
		{Name: "第一会场", Judges: w.experts[:5], Entries: w.entries[:4]},
		{Name: "第二会场", Judges: w.experts[5:], Entries: w.entries[4:]},
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) apply(t *testing.T, room int, ops ...live.Op) live.Room {
	t.Helper()
	var r live.Room
	var err error
	for _, op := range ops {
		if r, err = w.live.Apply(context.Background(), w.organizer.ID, w.contest.ID, w.rooms[room].ID, op); err != nil {
			t.Fatalf("%s in room %d: %v", op, room, err)
		}
	}
	return r
}

// draw commits to a seed and reveals it.
func (w *world) draw(t *testing.T, room int, seed string) live.Room {
	t.Helper()
	ctx := context.Background()
	if _, err := w.live.CommitDraw(ctx, w.organizer.ID, w.contest.ID, w.rooms[room].ID, live.Commitment(seed)); err != nil {
		t.Fatal(err)
	}
	r, err := w.live.RevealDraw(ctx, w.organizer.ID, w.contest.ID, w.rooms[room].ID, seed)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// stage returns the judge's stage in the room they sit in.
func (w *world) stage(t *testing.T, expert int, room int) live.JudgeStage {
	t.Helper()
	st, err := w.live.JudgeStage(context.Background(), w.judges[w.experts[expert]], w.rooms[room].ID)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// sheet is a sheet whose total is total (points): technology first, then market, then team.
func sheet(total string) judging.SheetInput {
	p, err := scoring.ParsePoints(total)
	if err != nil {
		panic(err)
	}
	tech := min(p, 4000)
	market := min(p-tech, 3000)
	return judging.SheetInput{Marks: judging.Marks{"tech": tech, "market": market, "team": p - tech - market}}
}

func (w *world) submit(t *testing.T, expert, room int, total string) error {
	t.Helper()
	st := w.stage(t, expert, room)
	if st.Current == nil || st.Current.AssignmentID == 0 {
		t.Fatalf("专家%d has nothing to score: %+v", expert, st.Current)
	}
	return w.submitTo(expert, st.Current.AssignmentID, total)
}

// submitTo submits a sheet for an assignment of the expert (safe on any goroutine).
func (w *world) submitTo(expert int, assignmentID int64, total string) error {
	key := fmt.Sprintf("k-%d-%d-%s-%d", expert, assignmentID, total, time.Now().UnixNano())
	_, err := w.s.SubmitSheet(context.Background(), w.judges[w.experts[expert]], assignmentID, sheet(total), key, []byte(key))
	return err
}

func (w *world) board(t *testing.T, room int, aud live.Audience) live.Board {
	t.Helper()
	b, err := w.live.Board(context.Background(), w.contest.ID, w.rooms[room].ID, aud)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func codesOf(r live.Room) []string {
	var out []string
	for _, sl := range r.Slots {
		out = append(out, sl.Code)
	}
	return out
}

func TestDrawIsCommittedThenRevealed(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	room := w.rooms[0].ID
	if _, err := w.live.RevealDraw(ctx, w.organizer.ID, w.contest.ID, room, "seed"); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("a reveal before any commitment: %v", err)
	}
	committed, err := w.live.CommitDraw(ctx, w.organizer.ID, w.contest.ID, room, live.Commitment("第一会场 2026-12-07 抽签"))
	if err != nil || committed.Commitment != live.Commitment("第一会场 2026-12-07 抽签") || committed.Seed != "" {
		t.Fatalf("commit %+v %v", committed, err)
	}
	// Neither another commitment nor a changed seed is accepted.
	if _, err := w.live.CommitDraw(ctx, w.organizer.ID, w.contest.ID, room, live.Commitment("another")); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("a second commitment: %v", err)
	}
	_, err = w.live.RevealDraw(ctx, w.organizer.ID, w.contest.ID, room, "第一会场 2026-12-07 抽签!")
	if fe, ok := err.(*fault.Error); !ok || fe.Reason != live.ReasonSeedMismatch {
		t.Fatalf("a changed seed: %v", err)
	}
	// Rooms can no longer be changed once a draw is committed.
	if _, err := w.live.SetRooms(ctx, w.organizer.ID, w.contest.ID, "final", []live.RoomInput{{Name: "一"}}); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("rooms changed after the commitment: %v", err)
	}
	r, err := w.live.RevealDraw(ctx, w.organizer.ID, w.contest.ID, room, "第一会场 2026-12-07 抽签")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, e := range w.entries[:4] {
		codes = append(codes, live.EntryCode(e))
	}
	var want []string
	for _, d := range live.DrawOrder("第一会场 2026-12-07 抽签", codes) {
		want = append(want, d.Code)
	}
	if got := codesOf(r); !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	if r.Current == nil || *r.Current != r.Slots[0].ID || r.Phase != live.PhaseWaiting {
		t.Errorf("after the draw the first is called: %+v", r)
	}
	pub, err := w.live.Board(ctx, w.contest.ID, room, live.AudiencePublic)
	if err != nil || pub.Commitment != committed.Commitment || pub.Seed != "第一会场 2026-12-07 抽签" || len(pub.Order) != 4 {
		t.Errorf("the big screen shows the commitment, the seed and the order: %+v %v", pub, err)
	}
	if _, err := w.live.RevealDraw(ctx, w.organizer.ID, w.contest.ID, room, "第一会场 2026-12-07 抽签"); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("a second reveal: %v", err)
	}
	// Absent and moved to the end, each with its reason; audited.
	if _, err := w.live.MarkAbsent(ctx, w.organizer.ID, w.contest.ID, room, r.Slots[2].ID, ""); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Errorf("absent without a reason: %v", err)
	}
	if r, err = w.live.MarkAbsent(ctx, w.organizer.ID, w.contest.ID, room, r.Slots[2].ID, "未到场"); err != nil {
		t.Fatal(err)
	}
	first := r.Slots[0]
	if r, err = w.live.MoveToEnd(ctx, w.organizer.ID, w.contest.ID, room, first.ID, "路上堵车"); err != nil {
		t.Fatal(err)
	}
	last := r.Slots[len(r.Slots)-1]
	if last.ID != first.ID || !last.MovedToEnd || *last.Position != 5 || *last.Drawn != 1 || r.Current == nil || *r.Current != r.Slots[0].ID {
		t.Errorf("moved to the end: %+v, current %v", r.Slots, r.Current)
	}
	page, _, err := w.s.Page(ctx, w.contest.ID, audit.Query{Limit: audit.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[audit.Action]bool{}
	for _, rec := range page {
		seen[rec.Action] = true
	}
	for _, a := range []audit.Action{audit.LiveRoomsSet, audit.LiveDrawCommitted, audit.LiveDrawRevealed, audit.LiveSlotAbsent, audit.LiveSlotMoved} {
		if !seen[a] {
			t.Errorf("no %s in the audit log", a)
		}
	}
}

// Two rooms of the final run at once; a judge scores only the entry on
// stage in their own room, only while scoring is open; a conflicted judge is
// recused and the trimmed mean takes the four others.
func TestTwoRoomsScoreAtOnce(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// Room 1's order is fixed so that 甲3 (专家3's conflict) comes first.
	var a, b live.Room
	for i := 0; ; i++ {
		seed := "seed-" + strconv.Itoa(i)
		var codes []string
		for _, e := range w.entries[:4] {
			codes = append(codes, live.EntryCode(e))
		}
		if live.DrawOrder(seed, codes)[0].Code == live.EntryCode(w.entries[3]) {
			a = w.draw(t, 0, seed)
			break
		}
	}
	b = w.draw(t, 1, "room-two")
	// A judge's task list holds no entry of a live round in rooms: those are
	// scored on stage, and half of them pitch in the other room.
	if tasks, err := w.s.Judging.JudgeTasks(ctx, w.judges[w.experts[0]]); err != nil || len(tasks) != 0 {
		t.Errorf("live entries listed as tasks: %d, %v", len(tasks), err)
	}
	// Nothing can be scored before scoring opens.
	if err := w.submit(t, 0, 0, "80.00"); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("scored before scoring opened: %v", err)
	}
	w.apply(t, 0, live.OpStartPitch)
	w.clock.Advance(100 * time.Second)
	r := w.apply(t, 0, live.OpPause)
	if !r.Timer.Paused || r.Timer.Remaining != 200_000 || r.Timer.Seconds != 300 {
		t.Errorf("paused timer %+v", r.Timer)
	}
	w.clock.Advance(time.Hour)
	r = w.apply(t, 0, live.OpResume)
	if r.Timer.Paused || r.Timer.Remaining != 200_000 {
		t.Errorf("resumed timer %+v", r.Timer)
	}
	w.apply(t, 0, live.OpStartQA, live.OpOpenScoring)
	w.apply(t, 1, live.OpOpenScoring)
	// 专家3 is recused for 甲3 and cannot score it.
	if st := w.stage(t, 3, 0); !st.Current.Recused || st.Current.AssignmentID != 0 || st.ScoringOpen {
		t.Errorf("conflicted judge's stage %+v", st.Current)
	}
	if st := w.stage(t, 0, 0); st.Current.Recused || !st.ScoringOpen || st.Current.Names != nil {
		t.Errorf("judge's stage %+v (blind: no names)", st.Current)
	}
	// Blind: nothing of the entrant's identity reaches the tablet.
	blind, err := json.Marshal(w.stage(t, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(blind), "甲3") {
		t.Errorf("a blind round's stage names the entrant: %s", blind)
	}
	// Unless the round's rules make names public (the organizer sees the setting).
	if _, err := w.s.DB.Exec(`UPDATE rounds SET names_public = true WHERE contest_id = $1`, w.contest.ID); err != nil {
		t.Fatal(err)
	}
	if st := w.stage(t, 0, 0); st.Current.Names == nil || st.Current.Names.Title != "甲3项目" || st.Current.Names.Organization != "甲3团队" {
		t.Errorf("names public: %+v", st.Current)
	}
	if r, _ := w.live.Room(ctx, w.contest.ID, a.ID); !r.NamesPublic {
		t.Error("the organizer does not see that names are public")
	}
	// A judge of room 2 sees room 1 as not theirs.
	if _, err := w.live.JudgeStage(ctx, w.judges[w.experts[5]], a.ID); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("a judge of room 2 reads room 1: %v", err)
	}
	// Nor does a judge of room 2 score room 1's entry, though the seated
	// panel gives them an assignment for it.
	list, err := w.s.Assignments(ctx, w.contest.ID, "final")
	if err != nil {
		t.Fatal(err)
	}
	for _, as := range list {
		if as.ExpertID == w.experts[5] && as.EntryID == w.entries[3] {
			_, err := w.s.SubmitSheet(ctx, w.judges[w.experts[5]], as.ID, sheet("80.00"), "k-other-room", []byte("x"))
			if fe, ok := err.(*fault.Error); !ok || fe.Message != "err.live.scoring_not_open" {
				t.Errorf("a judge of room 2 scored room 1's entry: %v", err)
			}
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i, total := range map[int]string{0: "88.00", 1: "91.50", 2: "79.25", 4: "85.00"} {
		id := w.stage(t, i, 0).Current.AssignmentID
		wg.Go(func() { errs <- w.submitTo(i, id, total) })
	}
	for i, total := range map[int]string{5: "88.00", 6: "91.50", 7: "79.25", 8: "85.00", 9: "90.00"} {
		id := w.stage(t, i, 1).Current.AssignmentID
		wg.Go(func() { errs <- w.submitTo(i, id, total) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	org := w.board(t, 0, live.AudienceOrganizer)
	// 88.00, 91.50, 79.25, 85.00 (专家3 recused) → strike 91.50 and 79.25 → (88 + 85) / 2 = 86.50
	if org.Current.Final != "86.50" || org.Current.Rule != "trimmed" || !org.Current.Judges[3].Recused ||
		!org.Current.Judges[1].Struck || !org.Current.Judges[2].Struck {
		t.Errorf("room 1: final %s, judges %+v", org.Current.Final, org.Current.Judges)
	}
	var states []string
	for _, j := range org.Judges {
		states = append(states, j.State)
	}
	if !slices.Equal(states, []string{"submitted", "submitted", "submitted", "recused", "submitted"}) {
		t.Errorf("who submitted: %v", states)
	}
	// The public sees the totals but no score until the result is shown.
	pub := w.board(t, 0, live.AudiencePublic)
	if pub.Current.Final != "" || pub.Current.Judges[0].Total != "88.00" || pub.Current.Judges[1].Struck || pub.Judges != nil {
		t.Errorf("public board while scoring %+v", pub.Current)
	}
	w.apply(t, 0, live.OpCloseScoring)
	if err := w.submit(t, 4, 0, "80.00"); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("a judge scored after scoring closed: %v", err)
	}
	w.apply(t, 0, live.OpShowResult)
	w.apply(t, 1, live.OpCloseScoring, live.OpShowResult)
	pub = w.board(t, 1, live.AudiencePublic)
	if pub.Current.Final != "87.67" || !pub.Current.Judges[1].Struck || !pub.Current.Judges[2].Struck || pub.Current.Judges[0].Struck {
		t.Errorf("room 2's worked example: %+v", pub.Current)
	}
	if len(pub.Ranking) != 1 || pub.Ranking[0].Score != "87.67" || pub.Ranking[0].Code != b.Slots[0].Code {
		t.Errorf("room 2's ranking %+v", pub.Ranking)
	}
	// The next entry is called; the judge's sheet of the previous one cannot be changed.
	w.apply(t, 0, live.OpNext)
	if st := w.stage(t, 3, 0); st.Current == nil || st.Current.Recused || st.ScoringOpen {
		t.Errorf("next entry on 专家3's tablet: %+v", st)
	}
	// A room's entry requires its room's judges' reviews, not the whole panel's,
	// and on stage a conflicted judge sits the entry out: 甲3 requires the four
	// who may score it and is not short of the fifth.
	reviews, err := w.s.RoundReviews(ctx, w.contest.ID, "final")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range reviews {
		want := 5
		if e.EntryID == w.entries[3] {
			want = 4
		}
		if e.Required != want || e.Assigned != want || e.Undecided() {
			t.Errorf("entry %d: %d of %d reviews required (%s), want %d of %d, not short", e.EntryID, e.Assigned, e.Required, e.Status, want, want)
		}
	}
	if pub.Version <= a.Version {
		t.Errorf("versions do not increase: %d then %d", a.Version, pub.Version)
	}
}

func TestFreezeAndRevealStepByStep(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.draw(t, 1, "freeze")
	totals := [][]string{
		{"70.00", "70.00", "70.00", "70.00", "70.00"},
		{"90.00", "90.00", "90.00", "90.00", "90.00"},
		{"80.00", "80.00", "80.00", "80.00", "80.00"},
		{"60.00", "60.00", "60.00", "60.00", "60.00"},
	}
	score := func(n int) {
		w.apply(t, 1, live.OpOpenScoring)
		for i, total := range totals[n] {
			if err := w.submit(t, 5+i, 1, total); err != nil {
				t.Fatal(err)
			}
		}
		w.apply(t, 1, live.OpCloseScoring, live.OpShowResult)
	}
	score(0)
	w.apply(t, 1, live.OpNext)
	w.apply(t, 1, live.OpFreeze)
	for n := 1; n < 4; n++ {
		score(n)
		w.apply(t, 1, live.OpNext)
	}
	pub := w.board(t, 1, live.AudiencePublic)
	org := w.board(t, 1, live.AudienceOrganizer)
	if !pub.Frozen || len(pub.Ranking) != 1 || pub.Ranking[0].Score != "70.00" {
		t.Errorf("frozen public ranking %+v", pub.Ranking)
	}
	if len(org.Ranking) != 4 || org.Ranking[0].Score != "90.00" {
		t.Errorf("the organizer's board stays live: %+v", org.Ranking)
	}
	// The reveal goes from the bottom of the ranking up: 60, then 80, then 90.
	for _, want := range []string{"60.00", "80.00", "90.00"} {
		w.apply(t, 1, live.OpRevealNext)
		pub = w.board(t, 1, live.AudiencePublic)
		found := false
		for _, line := range pub.Ranking {
			found = found || line.Score == want
		}
		if !found {
			t.Errorf("revealed %s: public ranking %+v", want, pub.Ranking)
		}
	}
	if len(pub.Ranking) != 4 || pub.Ranking[0].Score != "90.00" || pub.Ranking[0].Rank != 1 {
		t.Errorf("after the reveal %+v", pub.Ranking)
	}
	if _, err := w.live.Apply(ctx, w.organizer.ID, w.contest.ID, w.rooms[1].ID, live.OpRevealNext); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("a reveal with nothing left: %v", err)
	}
	if r := w.apply(t, 1, live.OpUnfreeze); r.Frozen {
		t.Error("still frozen")
	}
}

func TestReopenOneJudgesSheet(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	var changes []judging.SheetChange
	w.s.Judging.SheetChanged = func(_ context.Context, ch judging.SheetChange) { changes = append(changes, ch) }
	w.draw(t, 1, "reopen")
	w.apply(t, 1, live.OpOpenScoring)
	for i, total := range []string{"88.00", "91.50", "79.25", "85.00", "90.00"} {
		if err := w.submit(t, 5+i, 1, total); err != nil {
			t.Fatal(err)
		}
	}
	if len(changes) != 5 || !changes[0].Submitted {
		t.Errorf("sheet changes told: %+v", changes)
	}
	rooms, err := w.live.RoomsOfEntry(ctx, changes[0].RoundID, changes[0].EntryID)
	if err != nil || len(rooms) != 1 || rooms[0] != w.rooms[1].ID {
		t.Errorf("rooms of the entry %v %v", rooms, err)
	}
	w.apply(t, 1, live.OpCloseScoring, live.OpShowResult)
	if _, err := w.live.ReopenSheet(ctx, w.organizer.ID, w.contest.ID, w.rooms[1].ID, 3, " "); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Errorf("reopen without a reason: %v", err)
	}
	r, err := w.live.ReopenSheet(ctx, w.organizer.ID, w.contest.ID, w.rooms[1].ID, 3, "评委误触")
	if err != nil || r.Phase != live.PhaseScoring {
		t.Fatalf("reopen %+v %v", r.Phase, err)
	}
	pub := w.board(t, 1, live.AudiencePublic)
	if pub.Current.Final != "" || pub.Current.Judges[2].Total != "" || len(pub.Ranking) != 0 {
		t.Errorf("after the reopening the result is taken back: %+v %+v", pub.Current, pub.Ranking)
	}
	if err := w.submit(t, 7, 1, "86.00"); err != nil {
		t.Fatal(err)
	}
	w.apply(t, 1, live.OpCloseScoring, live.OpShowResult)
	// 88.00, 91.50, 86.00, 85.00, 90.00 → strike 91.50 and 85.00 → (88 + 86 + 90) / 3 = 88.00
	if pub = w.board(t, 1, live.AudiencePublic); pub.Current.Final != "88.00" {
		t.Errorf("after the new sheet: %+v", pub.Current)
	}
	page, _, err := w.s.Page(ctx, w.contest.ID, audit.Query{Action: audit.ScoreReopened, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	reopened := false
	for _, rec := range page {
		reopened = reopened || rec.Action == audit.ScoreReopened
	}
	if !reopened {
		t.Error("the reopening is not audited")
	}
	if n, problems, err := w.s.Verify(ctx, &w.contest.ID); err != nil || len(problems) != 0 || n == 0 {
		t.Errorf("audit chain: %d records, %v %v", n, problems, err)
	}
}
