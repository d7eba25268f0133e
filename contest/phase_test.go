package contest_test

import (
	"context"
	"testing"
	"time"

	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/live"
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

// A live final on stage is "live" only once it has begun: while its round is
// open with no draw made and nobody pitched, it is ready, not under way; the
// revealed draw makes it live, and so does a pitch begun without one.
func TestPhaseOfALiveFinalFollowsTheStage(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	w := contesttest.NewLiveFinal(t, s) // both draws revealed, room 0 scoring
	wantPhase(t, s, w.Contest.ID, contest.PhaseLive)

	// The same stage before anything happened on it.
	if _, err := s.DB.Exec(`UPDATE live_rooms SET current_slot = NULL, phase = 'waiting', phase_started_at = NULL,
		seed = NULL, revealed_at = NULL, seed_hash = NULL, committed_at = NULL WHERE round_id IN (SELECT id FROM rounds WHERE contest_id = $1)`, w.Contest.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE live_slots SET position = NULL, drawn = NULL WHERE room_id = ANY($1)`, pq.Int64Array{w.Rooms[0].ID, w.Rooms[1].ID}); err != nil {
		t.Fatal(err)
	}
	wantPhase(t, s, w.Contest.ID, contest.PhaseLiveReady)
	list, err := s.ContestsOrganizedBy(ctx, w.Organizer.ID)
	if err != nil || len(list) != 1 || list[0].Phase != contest.PhaseLiveReady {
		t.Fatalf("the organizer's list: %+v %v", list, err)
	}
	// Only committed to a seed: still not drawn.
	if _, err := s.Live.CommitDraw(ctx, w.Organizer.ID, w.Contest.ID, w.Rooms[1].ID, live.Commitment("seed")); err != nil {
		t.Fatal(err)
	}
	wantPhase(t, s, w.Contest.ID, contest.PhaseLiveReady)
	// The draw revealed in one room: under way.
	if _, err := s.Live.RevealDraw(ctx, w.Organizer.ID, w.Contest.ID, w.Rooms[1].ID, "seed"); err != nil {
		t.Fatal(err)
	}
	wantPhase(t, s, w.Contest.ID, contest.PhaseLive)
	// A pitch done, the draw notwithstanding, is under way too.
	if _, err := s.DB.Exec(`UPDATE live_rooms SET seed = NULL, revealed_at = NULL, current_slot = NULL, phase = 'waiting' WHERE id = $1`, w.Rooms[1].ID); err != nil {
		t.Fatal(err)
	}
	wantPhase(t, s, w.Contest.ID, contest.PhaseLiveReady)
	if _, err := s.DB.Exec(`UPDATE live_slots SET status = 'done' WHERE id = (SELECT min(id) FROM live_slots WHERE room_id = $1)`, w.Rooms[0].ID); err != nil {
		t.Fatal(err)
	}
	wantPhase(t, s, w.Contest.ID, contest.PhaseLive)
}

// A live round without rooms is scored like an online one: judging.
func TestPhaseOfALiveRoundWithoutAStage(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	w := contesttest.NewLiveFinal(t, s)
	if _, err := s.DB.Exec(`UPDATE live_rooms SET current_slot = NULL WHERE round_id IN (SELECT id FROM rounds WHERE contest_id = $1)`, w.Contest.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`DELETE FROM live_rooms WHERE round_id IN (SELECT id FROM rounds WHERE contest_id = $1)`, w.Contest.ID); err != nil {
		t.Fatal(err)
	}
	wantPhase(t, s, w.Contest.ID, contest.PhaseJudging)
}
