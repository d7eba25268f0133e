package contest_test

import (
	"context"
	"slices"
	"testing"

	"podium/contest"
	"podium/contest/contesttest"
)

// An organizer of another contest can invite a judge of this one (the pool is
// shared), but the session the link gives reaches only the inviting contest:
// nothing of the judge's work here can be read or written through it.
func TestJudgeSessionReachesOnlyItsContests(t *testing.T) {
	w := newScoringWorld(t)
	ctx := context.Background()
	x := w.contest.ID
	if err := w.s.SetRoundState(ctx, w.organizer.ID, x, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	other := contesttest.Account(t, w.s, contest.RoleOrganizer, "other@example.com")
	y, err := w.s.CreateContest(ctx, other.ID, contesttest.Setup("other"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w.judge.Reach.Contests, []int64{x}) || w.judge.Reach.Every {
		t.Fatalf("an invite session of contest %d reaches %+v", x, w.judge.Reach)
	}
	// The organizers of x remind the judge, who sees it.
	if err := w.s.RemindJudge(ctx, w.organizer.ID, x, "prelim", w.target.ExpertID); err != nil {
		t.Fatal(err)
	}
	reminders, err := w.s.JudgeReminders(ctx, w.judge)
	if err != nil || len(reminders) != 1 {
		t.Fatalf("the judge's reminders %+v %v", reminders, err)
	}
	// The judge submits a sheet in x.
	in := marks("30", "20", "25")
	if _, err := w.s.SubmitSheet(ctx, w.judge, w.target.ID, in, "kx", hash("x")); err != nil {
		t.Fatal(err)
	}

	// The other organizer invites the same judge to y and uses the link itself.
	inv, err := w.s.InviteExpert(ctx, other.ID, y.ID, w.target.ExpertID)
	if err != nil {
		t.Fatal(err)
	}
	_, sess, err := w.s.RedeemInvite(ctx, inv.Token, contest.Redemption{})
	if err != nil {
		t.Fatal(err)
	}
	taken := sess.Judge()
	if taken.AccountID != w.judge.AccountID || taken.Reach.Every || !slices.Equal(taken.Reach.Contests, []int64{y.ID}) {
		t.Fatalf("the other organizer's session %+v", taken)
	}
	if tasks, err := w.s.JudgeTasks(ctx, taken); err != nil || len(tasks) != 0 {
		t.Errorf("tasks of x through y's invite: %+v %v", tasks, err)
	}
	if r, err := w.s.JudgeReminders(ctx, taken); err != nil || len(r) != 0 {
		t.Errorf("reminders of x through y's invite: %+v %v", r, err)
	}
	notFound := func(what string, err error) {
		t.Helper()
		if contest.ErrorCode(err) != contest.CodeNotFound {
			t.Errorf("%s through y's invite: %v, want not found", what, err)
		}
	}
	_, err = w.s.JudgeEntry(ctx, taken, w.target.ID)
	notFound("entry", err)
	_, _, err = w.s.JudgeFile(ctx, taken, w.target.ID, "00000000-0000-0000-0000-000000000001")
	notFound("file", err)
	_, err = w.s.SaveDraft(ctx, taken, w.other.ID, in)
	notFound("draft", err)
	_, err = w.s.SubmitSheet(ctx, taken, w.target.ID, in, "ky", hash("y"))
	notFound("sheet", err)
	// Not even a replay: the key and body of the judge's own submission in x
	// do not return the stored sheet.
	_, err = w.s.SubmitSheet(ctx, taken, w.target.ID, in, "kx", hash("x"))
	notFound("replayed sheet", err)
	_, err = w.s.Recuse(ctx, taken, w.target.ID, "认识")
	notFound("recusal", err)
	notFound("dismissing a reminder", w.s.DismissReminder(ctx, taken, reminders[0].ID))

	// The judge's own tablet, logged in to x, redeems y's next invite: that
	// session reaches both; a session of someone else on the device adds nothing.
	invX, err := w.s.InviteExpert(ctx, w.organizer.ID, x, w.target.ExpertID)
	if err != nil {
		t.Fatal(err)
	}
	tokX, _, err := w.s.RedeemInvite(ctx, invX.Token, contest.Redemption{})
	if err != nil {
		t.Fatal(err)
	}
	invY, err := w.s.InviteExpert(ctx, other.ID, y.ID, w.target.ExpertID)
	if err != nil {
		t.Fatal(err)
	}
	tokXY, both, err := w.s.RedeemInvite(ctx, invY.Token, contest.Redemption{Session: tokX})
	if err != nil || !slices.Equal(both.Reach.Contests, []int64{x, y.ID}) {
		t.Fatalf("a second contest's invite on the judge's tablet: %+v %v", both.Reach, err)
	}
	if stored, err := w.s.SessionByToken(ctx, tokXY); err != nil || !slices.Equal(stored.Reach.Contests, []int64{x, y.ID}) {
		t.Errorf("stored reach %+v %v", stored.Reach, err)
	}
	if tasks, err := w.s.JudgeTasks(ctx, both.Judge()); err != nil || len(tasks) == 0 {
		t.Errorf("tasks of the judge on both panels: %+v %v", tasks, err)
	}
	if _, err := w.s.JudgeEntry(ctx, both.Judge(), w.target.ID); err != nil {
		t.Errorf("entry of x through the merged session: %v", err)
	}
	otherTok, _, err := w.s.CreateSession(ctx, other.ID)
	if err != nil {
		t.Fatal(err)
	}
	invY2, err := w.s.InviteExpert(ctx, other.ID, y.ID, w.target.ExpertID)
	if err != nil {
		t.Fatal(err)
	}
	if _, s, err := w.s.RedeemInvite(ctx, invY2.Token, contest.Redemption{Session: otherTok}); err != nil ||
		!slices.Equal(s.Reach.Contests, []int64{y.ID}) {
		t.Errorf("an invite redeemed over another account's session reaches %+v %v", s.Reach, err)
	}
	// A password login is the judge's own secret and reaches all their contests.
	if tasks, err := w.s.JudgeTasks(ctx, contest.EveryContest(w.judge.AccountID)); err != nil || len(tasks) == 0 {
		t.Errorf("tasks of a password session: %+v %v", tasks, err)
	}
	if _, err := w.s.JudgeEntry(ctx, contest.JudgeSession{AccountID: w.judge.AccountID}, w.target.ID); contest.ErrorCode(err) != contest.CodeNotFound {
		t.Errorf("a session that reaches nothing read an entry: %v", err)
	}
}
