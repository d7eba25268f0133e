package contest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/contesttest"
	"podium/contest/judging"
	"podium/fault"
)

func TestRemindersReachBehindJudgesOnly(t *testing.T) {
	t.Parallel()
	w := newScoringWorld(t)
	ctx := context.Background()
	clock := &contesttest.Clock{T: w.s.DB.Now()}
	w.s.DB.Now = clock.Now
	org, cid := w.organizer.ID, w.contest.ID

	if _, err := w.s.RemindBehindJudges(ctx, org, cid, "prelim"); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("reminding in a round not yet open: %v", err)
	}
	if err := w.s.SetRoundState(ctx, org, cid, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.RemindBehindJudges(ctx, org, cid, "nosuch"); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("reminding in a round that does not exist: %v", err)
	}
	judges, _, err := w.s.Progress(ctx, cid, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	// The pool has an address for one judge: that one is also reminded by e-mail.
	if _, err := w.s.DB.Exec(`UPDATE experts SET email = 'judge.one@example.cn' WHERE id = $1`, w.target.ExpertID); err != nil {
		t.Fatal(err)
	}
	res, err := w.s.RemindBehindJudges(ctx, org, cid, "prelim")
	if err != nil || res.Sent != len(judges) || res.Skipped != 0 {
		t.Fatalf("remind all: %+v %v, want %d sent", res, err, len(judges))
	}
	var mails []struct {
		To   string `db:"recipient"`
		Kind string `db:"kind"`
		Data string `db:"data"`
	}
	if err := w.s.DB.Select(&mails, `SELECT recipient, kind, data::text FROM outbox WHERE contest_id = $1 AND kind = 'judge.reminded'`, cid); err != nil {
		t.Fatal(err)
	}
	if len(mails) != 1 || mails[0].To != "judge.one@example.cn" || mails[0].Kind != "judge.reminded" || !strings.Contains(mails[0].Data, `"Pending"`) {
		t.Fatalf("reminder e-mails %+v, want one to the judge with an address", mails)
	}
	// A second click reminds no one twice.
	if res, err := w.s.RemindBehindJudges(ctx, org, cid, "prelim"); err != nil || res.Sent != 0 || res.Skipped != len(judges) {
		t.Errorf("remind all again at once: %+v %v", res, err)
	}
	if err := w.s.RemindJudge(ctx, org, cid, "prelim", w.target.ExpertID); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("reminding one judge again at once: %v", err)
	}
	last, err := w.s.LastReminders(ctx, cid, "prelim")
	if err != nil || len(last) != len(judges) || !last[w.target.ExpertID].Equal(clock.T) {
		t.Errorf("last reminders %v %v, want %d at %s", last, err, len(judges), clock.T)
	}

	// The judge sees one reminder: the round and how many sheets are left, no entry.
	tasks, err := w.s.JudgeTasks(ctx, w.judge)
	if err != nil || len(tasks) == 0 {
		t.Fatalf("tasks %v %v", tasks, err)
	}
	got, err := w.s.JudgeReminders(ctx, w.judge)
	if err != nil || len(got) != 1 || got[0].Pending != len(tasks) || got[0].RoundName != tasks[0].RoundName {
		t.Fatalf("the judge's reminders %+v %v, want one with %d pending", got, err, len(tasks))
	}
	if err := w.s.DismissReminder(ctx, w.otherJudge, got[0].ID); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("another judge dismissing it: %v", err)
	}
	if other, _ := w.s.JudgeReminders(ctx, w.otherJudge); len(other) != 1 || other[0].ID == got[0].ID {
		t.Errorf("the other judge's reminders %+v", other)
	}
	for range 2 { // dismissing twice is harmless
		if err := w.s.DismissReminder(ctx, w.judge, got[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	if left, err := w.s.JudgeReminders(ctx, w.judge); err != nil || len(left) != 0 {
		t.Errorf("after dismissing: %+v %v", left, err)
	}

	// After the cooldown the judge can be reminded again; submitting every sheet
	// retires the reminder, and a judge with nothing due cannot be reminded.
	clock.Advance(judging.ReminderCooldown)
	if err := w.s.RemindJudge(ctx, org, cid, "prelim", w.target.ExpertID); err != nil {
		t.Fatal(err)
	}
	if again, _ := w.s.JudgeReminders(ctx, w.judge); len(again) != 1 {
		t.Errorf("reminded again: %+v", again)
	}
	for i, task := range tasks {
		if _, err := w.s.SubmitSheet(ctx, w.judge, task.AssignmentID, marks("30", "20", "25"), fmt.Sprint("k", i), hash(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	if done, _ := w.s.JudgeReminders(ctx, w.judge); len(done) != 0 {
		t.Errorf("reminders of a judge with everything submitted: %+v", done)
	}
	clock.Advance(time.Hour)
	if err := w.s.RemindJudge(ctx, org, cid, "prelim", w.target.ExpertID); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("reminding a judge with nothing due: %v", err)
	}
	if res, err := w.s.RemindBehindJudges(ctx, org, cid, "prelim"); err != nil || res.Sent != len(judges)-1 {
		t.Errorf("remind all after the target finished: %+v %v, want %d", res, err, len(judges)-1)
	}
	if err := w.s.RemindJudge(ctx, org, cid, "prelim", 999999); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("reminding someone not judging the round: %v", err)
	}
	// Closing the round retires every reminder of it.
	if err := w.s.SetRoundState(ctx, org, cid, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	if closed, _ := w.s.JudgeReminders(ctx, w.otherJudge); len(closed) != 0 {
		t.Errorf("reminders of a closed round: %+v", closed)
	}
}
