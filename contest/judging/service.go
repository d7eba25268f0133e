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
	// SheetChanged, when set, is told of every score sheet submitted or
	// reopened, after the change has committed to PostgreSQL (see
	// SheetChange). It is called on the request's goroutine: it must return
	// quickly (hand the work to a queue) and its failure cannot undo the
	// change. The web layer sets it once, before serving, to republish the
	// live board of the sheet's room (contest/live.Service.RoomsOfEntry).
	SheetChanged func(ctx context.Context, ch SheetChange)

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

// SheetChange is a score sheet that changed: submitted, or reopened by the organizers.
type SheetChange struct {
	ContestID    int64
	RoundID      int64
	EntryID      int64
	AssignmentID int64
	Submitted    bool // false: reopened
}

func (s *Service) sheetChanged(ctx context.Context, ch SheetChange) {
	if s.SheetChanged != nil {
		s.SheetChanged(ctx, ch)
	}
}

// sheetChangedByAssignment tells SheetChanged of a reopened sheet, reading
// its round and entry.
func (s *Service) sheetChangedByAssignment(ctx context.Context, assignmentID int64) {
	if s.SheetChanged == nil {
		return
	}
	var ch SheetChange
	if err := s.db.GetContext(ctx, &ch, `
		SELECT r.contest_id AS "contestid", a.round_id AS "roundid", a.entry_id AS "entryid", a.id AS "assignmentid"
		FROM assignments a JOIN rounds r ON r.id = a.round_id WHERE a.id = $1`, assignmentID); err != nil {
		s.Log.Warn("sheet changed: its round not read", slog.Int64("assignment", assignmentID), slog.Any("err", err))
		return
	}
	s.SheetChanged(ctx, ch)
}
