package contest_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/judging"
	"podium/fault"
	"podium/scoring"
)

// scoringWorld is assignWorld after an assignment run, with the first
// assignment's judge invited and the round open.
type scoringWorld struct {
	assignWorld
	judge      access.JudgeSession // the judge of target, logged in with an invite
	target     judging.Assignment
	otherJudge access.JudgeSession
	other      judging.Assignment
}

func newScoringWorld(t *testing.T) scoringWorld {
	t.Helper()
	ctx := context.Background()
	w := scoringWorld{assignWorld: newAssignWorld(t)}
	w.panel(t, "prelim", "赵专家", "钱专家", "孙专家", "李专家", "周专家", "吴专家")
	w.run(t, "prelim")
	list, err := w.s.Assignments(ctx, w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	w.target = list[0]
	for _, a := range list {
		if a.ExpertID != w.target.ExpertID {
			w.other = a
			break
		}
	}
	for _, p := range []struct {
		expert int64
		into   *access.JudgeSession
	}{{w.target.ExpertID, &w.judge}, {w.other.ExpertID, &w.otherJudge}} {
		inv, err := w.s.InviteExpert(ctx, w.organizer.ID, w.contest.ID, p.expert)
		if err != nil {
			t.Fatal(err)
		}
		_, sess, err := w.s.RedeemInvite(ctx, inv.Token, access.Redemption{})
		if err != nil {
			t.Fatal(err)
		}
		*p.into = sess.Judge()
	}
	return w
}

func marks(tech, market, team string) judging.SheetInput {
	p := func(s string) scoring.Points {
		v, err := scoring.ParsePoints(s)
		if err != nil {
			panic(err)
		}
		return v
	}
	return judging.SheetInput{Marks: map[string]scoring.Points{"tech": p(tech), "market": p(market), "team": p(team)}}
}

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func TestJudgeSeesOnlyABlindEntry(t *testing.T) {
	t.Parallel()
	w := newScoringWorld(t)
	ctx := context.Background()
	// Before the round opens, nothing is visible.
	if _, err := w.s.JudgeEntry(ctx, w.judge, w.target.ID); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("entry of a draft round: %v", err)
	}
	if err := w.s.SetRoundState(ctx, w.organizer.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	b, err := w.s.JudgeEntry(ctx, w.judge, w.target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.BlindCode == "" || b.BlindCode != w.target.BlindCode || len(b.Rubric) != 3 || b.Sheet.State != "new" {
		t.Errorf("blind entry %+v", b)
	}
	out, _ := json.Marshal(b)
	for _, secret := range []string{"项目", "联系人", "星河", "鹰眼", "绿种", "芯算", "@example.com", w.target.EntryTitle} {
		if strings.Contains(string(out), secret) {
			t.Errorf("the judge's view carries %q: %s", secret, out)
		}
	}
	// Another judge's assignment does not exist for this judge.
	if _, err := w.s.JudgeEntry(ctx, w.judge, w.other.ID); w.other.ExpertID != w.target.ExpertID && fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("another judge's assignment: %v", err)
	}
}

func TestSubmitExactlyOnce(t *testing.T) {
	t.Parallel()
	w := newScoringWorld(t)
	ctx := context.Background()
	in := marks("30.5", "20", "25")
	// Closed (draft) round: nothing is accepted.
	if _, err := w.s.SubmitSheet(ctx, w.judge, w.target.ID, in, "k1", hash("a")); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("submit in a draft round: %v", err)
	}
	if err := w.s.SetRoundState(ctx, w.organizer.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	// Drafts keep partial work, validated as far as it goes.
	draft, err := w.s.SaveDraft(ctx, w.judge, w.target.ID, judging.SheetInput{Marks: map[string]scoring.Points{"tech": 3050}, Comments: map[string]string{"tech": "技术扎实"}})
	if err != nil || draft.State != "draft" || draft.Marks["tech"] != 3050 || draft.Comments["tech"] != "技术扎实" {
		t.Fatalf("draft %+v %v", draft, err)
	}
	// Validation: above max, off-step, unknown and missing criteria, all at once.
	bad := judging.SheetInput{Marks: map[string]scoring.Points{"tech": 4100, "market": 2025, "luck": 100}}
	_, err = w.s.SubmitSheet(ctx, w.judge, w.target.ID, bad, "k0", hash("bad"))
	e, _ := err.(*fault.Error)
	if e == nil || e.Fields["marks.tech"] != "err.score.range_of" || e.Fields["marks.market"] != "err.score.step_of" ||
		e.Fields["marks.luck"] != "err.score.unknown_criterion" || e.Fields["marks.team"] != "err.score.missing" {
		t.Fatalf("invalid sheet: %v", err)
	}
	// The range and step problems carry the limits they state: the criterion and its max or step.
	if got := fmt.Sprint(e.FieldArgs["marks.tech"], e.FieldArgs["marks.market"]); got != "[{ 技术 } 40] [{ 市场 } 0.5]" {
		t.Errorf("limits of the problems: %s", got)
	}
	// Ten retries of the same submission race: one sheet, identical responses.
	var wg sync.WaitGroup
	responses := make([]string, 10)
	errs := make([]error, 10)
	for i := range 10 {
		wg.Go(func() {
			r, err := w.s.SubmitSheet(ctx, w.judge, w.target.ID, in, "k1", hash("a"))
			responses[i], errs[i] = string(r), err
		})
	}
	wg.Wait()
	var first string
	for i := range 10 {
		switch {
		case errs[i] == nil && first == "":
			first = responses[i]
		case errs[i] == nil && responses[i] != first:
			t.Errorf("replay %d differs (err %v):\n%q\n%s", i, errs[i], responses[i], first)
		case errs[i] != nil && fault.ErrorCode(errs[i]) != fault.CodeConflict: // in progress
			t.Errorf("retry %d: %v", i, errs[i])
		}
	}
	var sheet judging.Sheet
	if err := json.Unmarshal([]byte(first), &sheet); err != nil || sheet.State != "submitted" || sheet.Total == nil || *sheet.Total != 7550 {
		t.Fatalf("submitted sheet %s %v", first, err)
	}
	// Replaying later returns the original; the same key with another body is refused.
	if r, err := w.s.SubmitSheet(ctx, w.judge, w.target.ID, in, "k1", hash("a")); err != nil || string(r) != first {
		t.Errorf("replay: %s %v", r, err)
	}
	if _, err := w.s.SubmitSheet(ctx, w.judge, w.target.ID, marks("10", "10", "10"), "k1", hash("b")); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Errorf("key reused with another body: %v", err)
	}
	// A new key on a submitted sheet is refused: submitted is final for the judge.
	if _, err := w.s.SubmitSheet(ctx, w.judge, w.target.ID, in, "k2", hash("a")); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("second submission: %v", err)
	}
	var sheets int
	_ = w.s.DB.Get(&sheets, `SELECT count(*) FROM score_sheets WHERE assignment_id = $1`, w.target.ID)
	var audited int
	_ = w.s.DB.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'score.submitted'`)
	if sheets != 1 || audited != 1 {
		t.Errorf("%d sheets and %d audit records for one submission", sheets, audited)
	}
	// The organizer reopens it with a reason (audited); the judge resubmits with a new key.
	if err := w.s.ReopenSheet(ctx, w.organizer.ID, w.contest.ID, w.target.ID, " "); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Errorf("reopen without a reason: %v", err)
	}
	if err := w.s.ReopenSheet(ctx, w.organizer.ID, w.contest.ID, w.target.ID, "评委笔误"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.SubmitSheet(ctx, w.judge, w.target.ID, marks("30", "20", "25"), "k3", hash("c")); err != nil {
		t.Fatalf("resubmission after reopening: %v", err)
	}
	// Once the round closes nothing more is accepted.
	if err := w.s.SetRoundState(ctx, w.organizer.ID, w.contest.ID, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.SaveDraft(ctx, w.otherJudge, w.other.ID, in); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("draft in a closed round: %v", err)
	}
	judges, entries, err := w.s.Progress(ctx, w.contest.ID, "prelim")
	if err != nil || len(judges) == 0 || len(entries) != 4 {
		t.Fatalf("progress %v %v %v", judges, entries, err)
	}
	submitted := 0
	for _, e := range entries {
		submitted += e.Submitted
	}
	if submitted != 1 {
		t.Errorf("progress counts %d submitted sheets, want 1", submitted)
	}
	if _, problems, err := w.s.Verify(ctx, &w.contest.ID); err != nil || len(problems) != 0 {
		t.Errorf("audit: %v %v", problems, err)
	}
}

// The sheet of an assignment the organizers removed is not one the round
// counts: it is neither offered for reopening nor reopened, whichever way the
// organizer asks.
func TestRemovedAssignmentsSheetIsNotReopened(t *testing.T) {
	t.Parallel()
	w := newScoringWorld(t)
	ctx := context.Background()
	if err := w.s.SetRoundState(ctx, w.organizer.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.SubmitSheet(ctx, w.otherJudge, w.other.ID, marks("30", "20", "25"), "k1", hash("a")); err != nil {
		t.Fatal(err)
	}
	if err := w.s.RemoveAssignment(ctx, w.organizer.ID, w.contest.ID, w.other.ID, "换人"); err != nil {
		t.Fatal(err)
	}
	sheets, err := w.s.SubmittedSheets(ctx, w.contest.ID, "prelim")
	if err != nil || slices.ContainsFunc(sheets, func(s judging.SubmittedSheet) bool { return s.AssignmentID == w.other.ID }) {
		t.Errorf("a removed assignment's sheet offered for reopening: %v %v", sheets, err)
	}
	if err := w.s.ReopenSheet(ctx, w.organizer.ID, w.contest.ID, w.other.ID, "改分"); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("reopening a removed assignment's sheet: %v", err)
	}
	if err := w.s.ReopenSheetInRound(ctx, w.organizer.ID, w.contest.ID, "prelim", w.other.ID, "改分"); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("reopening a removed assignment's sheet in its round: %v", err)
	}
}

func TestAdvancementIsConfirmedAndFeedsTheNextRound(t *testing.T) {
	t.Parallel()
	w := newScoringWorld(t)
	ctx := context.Background()
	// One entry per track and group advances.
	c, _ := w.s.Contest(ctx, w.contest.ID)
	one := 1
	c.Rounds[0].AdvanceCount = &one
	if _, err := w.s.UpdateContest(ctx, w.organizer.ID, c.ID, c.Setup); err != nil {
		t.Fatal(err)
	}
	if err := w.s.SetRoundState(ctx, w.organizer.ID, c.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	list, _ := w.s.Assignments(ctx, c.ID, "prelim")
	judges := map[int64]int64{}
	for _, a := range list {
		if _, ok := judges[a.ExpertID]; !ok {
			inv, err := w.s.InviteExpert(ctx, w.organizer.ID, c.ID, a.ExpertID)
			if err != nil {
				t.Fatal(err)
			}
			judges[a.ExpertID] = inv.AccountID
		}
		// Entries score by their id, so the ranking is known: higher id, higher score.
		m := scoring.Points(a.EntryID * 100)
		in := judging.SheetInput{Marks: map[string]scoring.Points{"tech": m, "market": m, "team": m}}
		if _, err := w.s.SubmitSheet(ctx, access.EveryContest(judges[a.ExpertID]), a.ID, in, fmt.Sprint(a.ID), hash(fmt.Sprint(a.ID))); err != nil {
			t.Fatal(err)
		}
	}
	plan, _, err := w.s.AdvancementPlan(ctx, c.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	certain := 0
	for _, p := range plan {
		certain += len(p.Advanced)
		if p.Seats != 1 || len(p.Tied) != 0 {
			t.Errorf("pool %+v", p)
		}
	}
	// Two materials/team entries and two manufacturing/team entries: one of each advances.
	if certain != 2 {
		t.Fatalf("plan %+v", plan)
	}
	// While judges may still score, nothing is confirmed and the semifinal takes no one.
	_, err = w.s.ConfirmAdvancement(ctx, w.organizer.ID, c.ID, "prelim", nil)
	wantError(t, err, fault.CodeConflict, "err.results.round_not_closed")
	if results, _ := w.s.RoundResults(ctx, c.ID, "prelim"); len(results) != 0 {
		t.Fatalf("advancement of an open round recorded %+v", results)
	}
	if err := w.s.SetRoundState(ctx, w.organizer.ID, c.ID, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.ConfirmAdvancement(ctx, w.organizer.ID, c.ID, "prelim", []string{"XX-NOPE"}); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Errorf("choosing an entry that is not tied: %v", err)
	}
	advanced, err := w.s.ConfirmAdvancement(ctx, w.organizer.ID, c.ID, "prelim", nil)
	if err != nil || len(advanced) != 2 {
		t.Fatalf("confirmed %v %v", advanced, err)
	}
	// The semifinal takes only those two.
	w.panel(t, "semi", "周专家", "吴专家", "李专家", "孙专家", "钱专家")
	setup, _ := w.s.Contest(ctx, c.ID)
	setup.Rounds[1].ReviewsPerEntry = 2
	if _, err := w.s.UpdateContest(ctx, w.organizer.ID, c.ID, setup.Setup); err != nil {
		t.Fatal(err)
	}
	run := w.run(t, "semi")
	if run.State != "done" || run.Added != 4 {
		t.Errorf("semifinal run %+v", run)
	}
	log, _ := w.s.Records(ctx, c.ID)
	found := false
	for _, r := range log {
		found = found || r.Action == audit.AdvancementConfirmed
	}
	if !found {
		t.Error("advancement not audited")
	}
}

func TestAwardsFollowRankAndQuotas(t *testing.T) {
	t.Parallel()
	w := newScoringWorld(t)
	ctx := context.Background()
	c, _ := w.s.Contest(ctx, w.contest.ID)
	c.Rounds = c.Rounds[:1] // the preliminary is the last round: it gives the contest's prizes
	c.Awards = []contest.AwardQuota{{Group: "team", Level: "first", Count: 1}, {Group: "team", Level: "second", Count: 2}}
	if _, err := w.s.UpdateContest(ctx, w.organizer.ID, c.ID, c.Setup); err != nil {
		t.Fatal(err)
	}
	if err := w.s.SetRoundState(ctx, w.organizer.ID, c.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	list, _ := w.s.Assignments(ctx, c.ID, "prelim")
	judges := map[int64]int64{}
	for _, a := range list {
		if _, ok := judges[a.ExpertID]; !ok {
			inv, err := w.s.InviteExpert(ctx, w.organizer.ID, c.ID, a.ExpertID)
			if err != nil {
				t.Fatal(err)
			}
			judges[a.ExpertID] = inv.AccountID
		}
		m := scoring.Points(a.EntryID * 100) // higher id, higher score
		in := judging.SheetInput{Marks: map[string]scoring.Points{"tech": m, "market": m, "team": m}}
		if _, err := w.s.SubmitSheet(ctx, access.EveryContest(judges[a.ExpertID]), a.ID, in, fmt.Sprint(a.ID), hash(fmt.Sprint(a.ID))); err != nil {
			t.Fatal(err)
		}
	}
	_, err := w.s.ConfirmAwards(ctx, w.organizer.ID, c.ID, "prelim", nil)
	wantError(t, err, fault.CodeConflict, "err.results.round_not_closed")
	if err := w.s.SetRoundState(ctx, w.organizer.ID, c.ID, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	given, err := w.s.ConfirmAwards(ctx, w.organizer.ID, c.ID, "prelim", nil)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, level := range given {
		counts[level]++
	}
	// Four entries in the team group, all across tracks: one first prize, two second.
	if counts["first"] != 1 || counts["second"] != 2 || len(given) != 3 {
		t.Fatalf("awards %v", given)
	}
	var best string
	_ = w.s.DB.Get(&best, `SELECT b.code FROM results r JOIN blind_codes b ON b.entry_id = r.entry_id AND b.round_id = r.round_id
		WHERE r.award_level = 'first'`)
	rk, _, _ := w.s.Ranking(ctx, c.ID, "prelim")
	if best != rk.Entries[0].Entry {
		t.Errorf("first prize went to %s, the top-ranked entry is %s", best, rk.Entries[0].Entry)
	}
	if _, err := w.s.ConfirmAwards(ctx, w.organizer.ID, c.ID, "prelim", map[string]string{"XX-NOPE": "first"}); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Errorf("a level chosen for an entry not tied: %v", err)
	}
}

// The stored response is the sheet exactly as the judge reads it back.
func TestSubmittedResponseIsTheStoredSheet(t *testing.T) {
	t.Parallel()
	w := newScoringWorld(t)
	ctx := context.Background()
	if err := w.s.SetRoundState(ctx, w.organizer.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	// A draft with a comment on a criterion the submission leaves uncommented.
	if _, err := w.s.SaveDraft(ctx, w.judge, w.target.ID, judging.SheetInput{Marks: map[string]scoring.Points{"team": 500},
		Comments: map[string]string{"team": "团队待加强"}}); err != nil {
		t.Fatal(err)
	}
	in := marks("30.5", "20", "25")
	in.Comments = map[string]string{"tech": "  技术领先 ", "market": ""}
	in.Comment = " 总体良好 "
	response, err := w.s.SubmitSheet(ctx, w.judge, w.target.ID, in, "k1", hash("a"))
	if err != nil {
		t.Fatal(err)
	}
	ent, err := w.s.JudgeEntry(ctx, w.judge, w.target.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := json.Marshal(ent.Sheet)
	if string(stored) != string(response) {
		t.Errorf("response and stored sheet differ:\n%s\n%s", response, stored)
	}
	if ent.Sheet.Comments["tech"] != "技术领先" || ent.Sheet.Comment != "总体良好" || ent.Sheet.Comments["team"] != "" {
		t.Errorf("comments %q, %q", ent.Sheet.Comments, ent.Sheet.Comment)
	}
}

// A key whose first request is still being written answers 409 at once.
func TestSubmissionInProgressIsAConflict(t *testing.T) {
	t.Parallel()
	w := newScoringWorld(t)
	ctx := context.Background()
	if err := w.s.SetRoundState(ctx, w.organizer.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	// The first request holds its key's lock, as SubmitSheet's statement does
	// while it runs (the lock is keyed by the key and the judge).
	first := w.s.DB.MustBegin()
	defer first.Rollback()
	first.MustExec(`SELECT pg_advisory_xact_lock(hashtextextended($1, $2))`, "k1", w.judge.AccountID)
	if _, err := w.s.SubmitSheet(ctx, w.judge, w.target.ID, marks("30", "20", "25"), "k1", hash("a")); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("twin of a request in flight: %v", err)
	}
	var sheets int
	_ = w.s.DB.Get(&sheets, `SELECT count(*) FROM score_sheets WHERE assignment_id = $1`, w.target.ID)
	if sheets != 0 {
		t.Errorf("%d sheets written by the refused twin", sheets)
	}
}

// A submission whose statement started before the round closed, but reached
// the contest's audit chain after, is refused: nothing is accepted once the
// round is closed, and the chain never shows a score after the close.
func TestSubmissionOvertakenByTheRoundClosingIsRefused(t *testing.T) {
	t.Parallel()
	w := newScoringWorld(t)
	ctx := context.Background()
	if err := w.s.SetRoundState(ctx, w.organizer.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	// The close as SetRoundState makes it: the round's state, then its audit
	// record, which holds the chain's head until commit.
	closing := w.s.DB.MustBegin()
	defer closing.Rollback()
	closing.MustExec(`UPDATE rounds SET state = 'closed' WHERE contest_id = $1 AND key = 'prelim'`, w.contest.ID)
	closing.MustExec(`UPDATE audit_heads SET seq = seq WHERE chain = $1`, w.contest.ID)
	done := make(chan error, 1)
	go func() {
		_, err := w.s.SubmitSheet(ctx, w.judge, w.target.ID, marks("30", "20", "25"), "k1", hash("a"))
		done <- err
	}()
	// Wait until the submission is queued behind the close on the chain's head.
	for {
		var waiting int
		_ = w.s.DB.Get(&waiting, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
		if waiting > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the submission did not wait for the closing round: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := closing.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("submission after the close: %v", err)
	}
	var sheets, keys int
	_ = w.s.DB.Get(&sheets, `SELECT count(*) FROM score_sheets WHERE assignment_id = $1`, w.target.ID)
	_ = w.s.DB.Get(&keys, `SELECT count(*) FROM idempotency_keys WHERE account_id = $1`, w.judge.AccountID)
	if sheets != 0 || keys != 0 {
		t.Errorf("refused submission left %d sheets and %d keys", sheets, keys)
	}
}
