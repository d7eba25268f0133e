package contest_test

import (
	"context"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/results"
)

func wantPhase(t *testing.T, s *contesttest.Stores, id int64, want contest.Phase) {
	t.Helper()
	got, err := s.PhaseOf(context.Background(), id)
	if err != nil || got != want {
		t.Fatalf("phase %q (%v), want %q", got, err, want)
	}
}

// A contest's phase follows its dates: before registration opens, during
// it, after the deadline.
func TestPhaseFollowsTheDates(t *testing.T) {
	t.Parallel()
	s, clock := contesttest.NewStore(t)
	ctx := context.Background()
	org := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("phases")
	opens, deadline := clock.T.Add(24*time.Hour), clock.T.Add(30*24*time.Hour)
	setup.RegistrationOpensAt, setup.SubmissionDeadline = &opens, &deadline
	c, err := s.CreateContest(ctx, org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	wantPhase(t, s, c.ID, contest.PhasePreparing)
	clock.Advance(24 * time.Hour)
	wantPhase(t, s, c.ID, contest.PhaseRegistration)
	list, err := s.ContestsOrganizedBy(ctx, org.ID)
	if err != nil || len(list) != 1 || list[0].Phase != contest.PhaseRegistration {
		t.Fatalf("the organizer's list: %+v %v", list, err)
	}
	clock.Advance(29 * 24 * time.Hour)
	wantPhase(t, s, c.ID, contest.PhaseJudging)
}

// Then it follows the rounds and the publications: judging while the round
// is closed, publicity while its results are in their period, final when the
// last (here the only) round's results are final.
func TestPhaseFollowsRoundsAndPublications(t *testing.T) {
	t.Parallel()
	w, clock := publishedPrelim(t)
	ctx := context.Background()
	wantPhase(t, w.s, w.contest.ID, contest.PhaseJudging) // the preliminary is closed, not yet published
	if _, _, err := w.s.Publish(ctx, w.organizer.ID, w.contest.ID, "prelim", results.PublishOptions{PeriodDays: 3}); err != nil {
		t.Fatal(err)
	}
	wantPhase(t, w.s, w.contest.ID, contest.PhasePublicity)
	clock.Advance(3*24*time.Hour + time.Minute)
	if _, err := w.s.SettleFinality(ctx, w.contest.ID); err != nil {
		t.Fatal(err)
	}
	wantPhase(t, w.s, w.contest.ID, contest.PhaseFinal)
}
