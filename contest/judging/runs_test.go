package judging_test

import (
	"context"
	"fmt"
	"testing"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/fault"
	"podium/files/filecheck"
)

// runWorld is a round of four accepted entries, two reviews each, and a
// panel of three experts from other organizations.
type runWorld struct {
	s       *contesttest.Stores
	org     access.Account
	contest contest.Contest
	entries []int64
	experts []int64
}

func newRunWorld(t *testing.T) runWorld {
	t.Helper()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	w := runWorld{s: s, org: contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")}
	setup := contesttest.Setup("runs")
	setup.Rounds[0].ReviewsPerEntry = 2
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	var err error
	if w.contest, err = s.CreateContest(ctx, w.org.ID, setup); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		a := contesttest.Account(t, s, access.RoleEntrant, fmt.Sprintf("e%d@example.com", i))
		if _, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: fmt.Sprintf("团队%d", i),
			ContactName: "联系人", ContactEmail: fmt.Sprintf("c%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		e, err := s.CreateEntry(ctx, a.ID, w.contest.ID, entry.Input{Track: "materials", Group: "team", Title: fmt.Sprintf("项目%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitEntry(ctx, a.ID, e.ID, false); err != nil {
			t.Fatal(err)
		}
		w.entries = append(w.entries, e.ID)
	}
	if _, err := s.ReviewEntries(ctx, w.org.ID, w.contest.ID, w.entries, true, ""); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		x, err := s.SaveExpert(ctx, w.org.ID, judging.ExpertInput{Name: fmt.Sprintf("专家%d", i), Organization: fmt.Sprintf("大学%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		w.experts = append(w.experts, x.ID)
	}
	if err := s.SetPanel(ctx, w.org.ID, w.contest.ID, "prelim", w.experts); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w runWorld) active(t *testing.T) []judging.Assignment {
	t.Helper()
	list, err := w.s.Assignments(context.Background(), w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	var out []judging.Assignment
	for _, a := range list {
		if a.Active() {
			out = append(out, a)
		}
	}
	return out
}

// A run started by a request belongs to the service: it finishes in the
// background, Wait waits for it, and a closed service starts none.
func TestRunBelongsToTheService(t *testing.T) {
	t.Parallel()
	w := newRunWorld(t)
	ctx := context.Background()
	run, err := w.s.StartRun(ctx, w.org.ID, w.contest.ID, "prelim", 1)
	if err != nil || run.State != judging.RunRunning {
		t.Fatalf("start: %+v %v", run, err)
	}
	w.s.Wait()
	if run, err = w.s.AssignmentRunByID(ctx, w.contest.ID, run.ID); err != nil || run.State != judging.RunDone || run.Added != 8 {
		t.Fatalf("after Wait: %+v %v", run, err)
	}
	if n := len(w.active(t)); n != 8 {
		t.Errorf("%d active assignments, want 8", n)
	}
	if err := w.s.Judging.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.StartRun(ctx, w.org.ID, w.contest.ID, "prelim", 2); fault.ErrorCode(err) != fault.CodeUnavailable {
		t.Errorf("a run started on a closed service: %v", err)
	}
}

// A run whose instance shuts down mid-way records itself failed, interrupted,
// and the round can be assigned again at once.
func TestInterruptedRunIsRecorded(t *testing.T) {
	t.Parallel()
	w := newRunWorld(t)
	ctx := context.Background()
	run, err := w.s.StartAssignment(ctx, w.org.ID, w.contest.ID, "prelim", 1)
	if err != nil {
		t.Fatal(err)
	}
	stopped, stop := context.WithCancel(ctx)
	stop()
	if _, err := w.s.RunAssignment(stopped, w.org.ID, w.contest.ID, "prelim", run.ID); err == nil {
		t.Fatal("an interrupted run succeeded")
	}
	if run, err = w.s.AssignmentRunByID(ctx, w.contest.ID, run.ID); err != nil || run.State != judging.RunFailed || run.Report.Failure != judging.RunInterrupted {
		t.Fatalf("interrupted run: %+v %v", run, err)
	}
	if _, err := w.s.StartAssignment(ctx, w.org.ID, w.contest.ID, "prelim", 2); err != nil {
		t.Errorf("the round after an interrupted run: %v", err)
	}
}

// The solver works outside any transaction; what it solved is written only if
// it is still the round's problem. A conflict recorded while it solved makes
// the run solve again, and the conflict holds in what it writes.
func TestRunSolvesAgainWhatChangedUnderneath(t *testing.T) {
	t.Parallel()
	w := newRunWorld(t)
	ctx := context.Background()
	solves := 0
	judging.SetAfterSolve(w.s.Judging, func(attempt int) {
		solves++
		if attempt == 1 { // every expert now conflicts with the first entry but one
			for _, x := range w.experts[1:] {
				if err := w.s.AddConflict(ctx, w.org.ID, w.contest.ID, x, w.entries[0], "合作过"); err != nil {
					t.Error(err)
				}
			}
		}
	})
	run, err := w.s.StartAssignment(ctx, w.org.ID, w.contest.ID, "prelim", 1)
	if err != nil {
		t.Fatal(err)
	}
	if run, err = w.s.RunAssignment(ctx, w.org.ID, w.contest.ID, "prelim", run.ID); err != nil || run.State != judging.RunPartial {
		t.Fatalf("run: %+v %v", run, err)
	}
	if solves != 2 {
		t.Errorf("solved %d times, want 2", solves)
	}
	for _, a := range w.active(t) {
		if a.EntryID == w.entries[0] && a.ExpertID != w.experts[0] {
			t.Errorf("a conflicted pair was assigned: %+v", a)
		}
	}

	// A round that keeps changing fails the run, and writes nothing.
	before := len(w.active(t))
	judging.SetAfterSolve(w.s.Judging, func(attempt int) {
		x, err := w.s.SaveExpert(ctx, w.org.ID, judging.ExpertInput{Name: fmt.Sprintf("新专家%d", attempt), Organization: fmt.Sprintf("研究院%d", attempt)})
		if err == nil {
			err = w.s.SetPanel(ctx, w.org.ID, w.contest.ID, "prelim", append(w.experts, x.ID))
		}
		if err != nil {
			t.Error(err)
		}
	})
	if run, err = w.s.StartAssignment(ctx, w.org.ID, w.contest.ID, "prelim", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.RunAssignment(ctx, w.org.ID, w.contest.ID, "prelim", run.ID); err == nil {
		t.Fatal("a run over a round that kept changing succeeded")
	}
	if run, err = w.s.AssignmentRunByID(ctx, w.contest.ID, run.ID); err != nil || run.State != judging.RunFailed || run.Report.Failure != judging.RunChanged {
		t.Errorf("run over a changing round: %+v %v", run, err)
	}
	if after := len(w.active(t)); after != before {
		t.Errorf("%d active assignments after a failed run, %d before", after, before)
	}
}
