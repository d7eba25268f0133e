// Package judging is the experts' room: the expert pool and its imports,
// round panels, conflicts of interest, assignment runs (the solver is
// contest/assign), a round's opening and closing, the blind view judges read,
// score sheets from draft to submission and reopening, the files judges
// open, progress, reminders, and the entries short of reviews. It imports
// contest, contest/audit, access (whom a judge's session reaches) and entry
// (an entry's snapshot and files); results reads it.
package judging

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/entry"
	"podium/fault"
)

// Service holds experts, panels, assignments and score sheets. It owns the
// assignment runs it starts in the background (StartRun): Wait waits for
// them, Close interrupts them and waits for each to record itself.
type Service struct {
	db       *contest.DB
	accounts *access.Service
	entries  *entry.Service
	// Log takes what goes wrong where no caller hears it: a background run
	// that failed, a run's progress that could not be recorded.
	Log *slog.Logger

	afterSolve func(attempt int) // tests change the round here, between a run's solve and its write

	runCtx   context.Context // the background runs'; cancelled by Close
	stopRuns context.CancelFunc
	mu       sync.Mutex // guards closed and the start of a run against Close
	closed   bool
	runs     sync.WaitGroup
}

// New returns the service on db; invites go through accounts and judges'
// files through entries.
func New(db *contest.DB, accounts *access.Service, entries *entry.Service) *Service {
	ctx, cancel := context.WithCancel(context.Background())
	return &Service{db: db, accounts: accounts, entries: entries, Log: slog.Default(), runCtx: ctx, stopRuns: cancel}
}

// StartRun opens an assignment run for the round (StartAssignment) and does
// the work in the background (RunAssignment), so that a large round does not
// hold the request; the run's record shows its progress. The run belongs to
// the service, not to the request: it goes on after the request ends, and
// Close interrupts it. A service closing starts no run (CodeUnavailable: the
// client tries again, on another instance).
func (s *Service) StartRun(ctx context.Context, actorID, contestID int64, roundKey string, seed int64) (AssignmentRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return AssignmentRun{}, &fault.Error{Code: fault.CodeUnavailable, Message: "err.unavailable", Err: errors.New("judging: closed")}
	}
	run, err := s.StartAssignment(ctx, actorID, contestID, roundKey, seed)
	if err != nil {
		return run, err
	}
	s.runs.Go(func() {
		if _, err := s.RunAssignment(s.runCtx, actorID, contestID, roundKey, run.ID); err != nil {
			s.Log.Error("assignment run failed", slog.Int64("run", run.ID), slog.Any("err", err))
		}
	})
	return run, nil
}

// Wait blocks until every run started so far has finished and recorded its
// outcome. Tests wait here rather than polling a run's record.
func (s *Service) Wait() { s.runs.Wait() }

// Close interrupts the runs in flight, which record themselves failed
// (interrupted: their instance stopped), waits for them to do so or for ctx
// to end, and starts no more.
func (s *Service) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.stopRuns()
	done := make(chan struct{})
	go func() {
		s.runs.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("judging: runs still recording after shutdown: %w", ctx.Err())
	}
}

func (s *Service) now() time.Time { return s.db.NowUTC() }
