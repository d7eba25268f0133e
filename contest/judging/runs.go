package judging

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/assign"
	"podium/contest/audit"
	"podium/fault"
)

// AssignmentRun is one run of automatic assignment for a round.
type AssignmentRun struct {
	ID         int64      `db:"id" json:"id"`
	State      RunState   `db:"state" json:"state"` // running, done, partial, failed; infeasible in runs before partial runs
	Seed       int64      `db:"seed" json:"seed"`
	Done       int        `db:"done" json:"done"`
	Total      int        `db:"total" json:"total"`
	Added      int        `db:"added" json:"added"`
	Report     RunReport  `db:"report" json:"report"`
	StartedAt  time.Time  `db:"started_at" json:"started_at"`
	FinishedAt *time.Time `db:"finished_at" json:"finished_at"`
}

// RunReport is what an assignment run could not do, as data: pages tell it
// in the reader's language and name entries by code and title.
type RunReport struct {
	Unfilled []RunGap     `json:"unfilled,omitempty"`
	Capacity *RunCapacity `json:"capacity,omitempty"` // the panel's capacity left is below the reviews needed
	Failure  RunFailure   `json:"failure,omitempty"`
	Legacy   bool         `json:"legacy,omitempty"` // a diagnosis recorded as text by an earlier version
}

// RunGap is an entry a run could not give all its experts.
type RunGap struct {
	EntryID  int64     `json:"entry_id"`
	Code     string    `json:"code,omitempty"`  // filled when read
	Title    string    `json:"title,omitempty"` // filled when read
	Missing  int       `json:"missing"`         // reviews it is short of
	Required int       `json:"required"`        // reviews per entry in the round
	Reason   GapReason `json:"reason"`
	Pool     *RunPool  `json:"pool,omitempty"`    // with GapFewEligible
	Experts  int       `json:"experts,omitempty"` // with GapCapacity: the experts it could still turn to, all full
}

// RunPool counts the experts of an entry's track by the first rule that rules
// each one out (see assign.Pool); Organizations is how many organizations the
// eligible ones come from (one expert per organization reviews an entry).
type RunPool struct {
	WithField       int `json:"with_field"`
	Fieldless       int `json:"fieldless"`
	Recused         int `json:"recused"`
	Conflicted      int `json:"conflicted"`
	OwnOrg          int `json:"own_org"`
	AlreadyAssigned int `json:"already_assigned"`
	OrgTaken        int `json:"org_taken"`
	Full            int `json:"full"`
	Eligible        int `json:"eligible"`
	Organizations   int `json:"organizations"`
}

// RunCapacity is a panel whose capacity left is below the reviews still needed.
type RunCapacity struct {
	Capacity int `json:"capacity"`
	Needed   int `json:"needed"`
}

// Scan reads a report from its jsonb column.
func (r *RunReport) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("run report: unexpected %T", src)
	}
	return json.Unmarshal(b, r)
}

// Value writes a report to its jsonb column, without the codes and titles,
// which are read from the entries when shown.
func (r RunReport) Value() (driver.Value, error) {
	gaps := make([]RunGap, len(r.Unfilled))
	for i, g := range r.Unfilled {
		g.Code, g.Title = "", ""
		gaps[i] = g
	}
	r.Unfilled = gaps
	return json.Marshal(r)
}

// reportOf turns the solver's account of what it could not place into a
// run report about the round's entries.
func reportOf(res assign.Result, perEntry int) RunReport {
	var rep RunReport
	short := res.Short
	if short == nil {
		return rep
	}
	if short.Global != "" {
		rep.Capacity = &RunCapacity{Capacity: short.Capacity, Needed: short.Needed}
	}
	few := map[string]assign.Shortfall{}
	for _, sf := range short.Shortfalls {
		few[sf.Entry] = sf
	}
	full := map[string]int{}
	for _, g := range short.Groups {
		for _, e := range g.Entries {
			full[e] = len(g.Experts)
		}
	}
	for _, u := range res.Unfilled {
		id, _ := strconv.ParseInt(u.Entry, 10, 64)
		gap := RunGap{EntryID: id, Missing: u.Missing, Required: perEntry, Reason: GapCapacity, Experts: full[u.Entry]}
		if sf, ok := few[u.Entry]; ok {
			p := sf.Pool
			gap.Reason, gap.Experts = GapFewEligible, 0
			gap.Pool = &RunPool{WithField: p.WithField, Fieldless: p.Fieldless, Recused: p.Recused, Conflicted: p.Conflicted,
				OwnOrg: p.OwnOrg, AlreadyAssigned: p.AlreadyAssigned, OrgTaken: p.OrgTaken, Full: p.Full,
				Eligible: p.Eligible, Organizations: sf.Eligible}
		}
		rep.Unfilled = append(rep.Unfilled, gap)
	}
	return rep
}

// StartAssignment opens a run for an online round; RunAssignment then does the
// work (in the background, for the web) and records its progress on the run.
func (s *Service) StartAssignment(ctx context.Context, actorID, contestID int64, roundKey string, seed int64) (AssignmentRun, error) {
	r, err := contest.RoundByKey(ctx, s.db, contestID, roundKey)
	if err != nil {
		return AssignmentRun{}, err
	}
	if r.State == contest.RoundClosed || r.State == contest.RoundPublished {
		return AssignmentRun{}, fault.Conflict("err.assign.round_closed")
	}
	// A run whose instance stopped mid-way never finishes: after an hour it is
	// marked failed so that the round can be assigned again.
	if _, err := s.db.ExecContext(ctx, `UPDATE assignment_runs SET state = 'failed', report = $3, finished_at = $2
		WHERE round_id = $1 AND state = 'running' AND started_at < $2::timestamptz - interval '1 hour'`,
		r.ID, s.now(), RunReport{Failure: RunInterrupted}); err != nil {
		return AssignmentRun{}, err
	}
	var run AssignmentRun
	err = s.db.GetContext(ctx, &run, `
		INSERT INTO assignment_runs (round_id, state, seed, started_by, started_at) VALUES ($1, 'running', $2, $3, $4)
		RETURNING id, state, seed, done, total, added, report, started_at, finished_at`, r.ID, seed, actorID, s.now())
	if contest.IsUniqueViolation(err, "assignment_runs_one_running") {
		return AssignmentRun{}, fault.Conflict("err.assign.running")
	}
	return run, err
}

// AssignmentRunByID returns a run of the contest, its report naming entries
// by blind code and title.
func (s *Service) AssignmentRunByID(ctx context.Context, contestID, runID int64) (AssignmentRun, error) {
	var run struct {
		AssignmentRun
		RoundID int64 `db:"round_id"`
	}
	err := s.db.GetContext(ctx, &run, `
		SELECT a.id, a.round_id, a.state, a.seed, a.done, a.total, a.added, a.report, a.started_at, a.finished_at
		FROM assignment_runs a JOIN rounds r ON r.id = a.round_id WHERE a.id = $1 AND r.contest_id = $2`, runID, contestID)
	if errors.Is(err, sql.ErrNoRows) {
		return run.AssignmentRun, fault.NotFound("err.assign.run_not_found")
	}
	if err != nil || len(run.Report.Unfilled) == 0 {
		return run.AssignmentRun, err
	}
	ids := make([]int64, len(run.Report.Unfilled))
	for i, g := range run.Report.Unfilled {
		ids[i] = g.EntryID
	}
	var names []struct {
		ID    int64  `db:"id"`
		Code  string `db:"code"`
		Title string `db:"title"`
	}
	if err := s.db.SelectContext(ctx, &names, `
		SELECT e.id, coalesce(b.code, '') AS code, e.title FROM entries e
		LEFT JOIN blind_codes b ON b.entry_id = e.id AND b.round_id = $2 WHERE e.id = ANY($1)`, pq.Int64Array(ids), run.RoundID); err != nil {
		return run.AssignmentRun, err
	}
	for _, n := range names {
		for i := range run.Report.Unfilled {
			if g := &run.Report.Unfilled[i]; g.EntryID == n.ID {
				g.Code, g.Title = n.Code, n.Title
			}
		}
	}
	slices.SortStableFunc(run.Report.Unfilled, func(a, b RunGap) int { return strings.Compare(a.Code, b.Code) })
	return run.AssignmentRun, nil
}

// RunAssignment assigns the round's accepted entries to its panel with the
// assign package, keeping the assignments already made and filling only what is
// missing. It assigns what the rules allow even when that is not every review
// (a partial run), records progress on the run, and what it could not assign,
// and why, as a report; new assignments and the run are audited. Entries
// withdrawn from the round are left out; a decision on an entry that gets a
// new expert is forgotten (assigning undoes it).
//
// The solver runs outside any transaction: the problem is read in one, and
// the result written in another that locks the round and reads the problem
// again; if anything the problem is made of changed meanwhile (the panel,
// the entries, the conflicts, the assignments) the run solves the new
// problem, and after maxRunAttempts it gives up (RunChanged). A run whose ctx
// ends is recorded failed as interrupted; any other failure as internal.
func (s *Service) RunAssignment(ctx context.Context, actorID, contestID int64, roundKey string, runID int64) (AssignmentRun, error) {
	finish := func(state RunState, added int, report RunReport) (AssignmentRun, error) {
		_, err := s.db.ExecContext(context.WithoutCancel(ctx), `
			UPDATE assignment_runs SET state = $2, added = $3, report = $4, finished_at = $5 WHERE id = $1`,
			runID, state, added, report, s.now())
		if err != nil {
			return AssignmentRun{}, err
		}
		return s.AssignmentRunByID(context.WithoutCancel(ctx), contestID, runID)
	}
	fail := func(err error, failure RunFailure) (AssignmentRun, error) {
		if ctx.Err() != nil {
			failure = RunInterrupted
		}
		if _, ferr := finish(RunFailed, 0, RunReport{Failure: failure}); ferr != nil {
			return AssignmentRun{}, errors.Join(err, ferr)
		}
		return AssignmentRun{}, err
	}
	var seed int64
	if err := s.db.GetContext(ctx, &seed, `SELECT seed FROM assignment_runs WHERE id = $1`, runID); err != nil {
		return fail(err, RunInternal)
	}
	r, err := contest.RoundByKey(ctx, s.db, contestID, roundKey)
	if err != nil {
		return fail(err, RunInternal)
	}
	if r.Kind == contest.KindLive {
		added, err := s.seatPanel(ctx, actorID, contestID, roundKey, runID)
		if err != nil {
			return fail(err, RunInternal)
		}
		return finish(RunDone, added, RunReport{})
	}
	// The problem, read in a transaction of its own, conflicts computed first
	// so that it sees them all.
	var p assign.Problem
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		p, err = currentProblem(ctx, tx, contestID, r, seed)
		return err
	})
	if err != nil {
		return fail(err, RunInternal)
	}
	for attempt := 1; ; attempt++ {
		res, err := assign.SolvePartial(ctx, p, s.progress(ctx, runID))
		if err != nil {
			return fail(err, RunInternal)
		}
		if s.afterSolve != nil {
			s.afterSolve(attempt)
		}
		var report RunReport
		written, err := s.writeRun(ctx, actorID, contestID, roundKey, runID, seed, &p, res, &report)
		switch {
		case err != nil:
			return fail(err, RunInternal)
		case !written && attempt < maxRunAttempts:
			continue // p is the new problem
		case !written:
			return fail(fmt.Errorf("assignment run %d: the round's problem changed %d times while it was solved", runID, attempt), RunChanged)
		case len(report.Unfilled) > 0 || report.Capacity != nil:
			return finish(RunPartial, len(res.Added), report)
		}
		return finish(RunDone, len(res.Added), report)
	}
}

// maxRunAttempts bounds how often a run solves again a problem that changed
// while it was solved.
const maxRunAttempts = 3

// currentProblem computes the contest's conflicts in tx and reads the round's
// assignment problem.
func currentProblem(ctx context.Context, tx *sqlx.Tx, contestID int64, r contest.RoundRef, seed int64) (assign.Problem, error) {
	var n int
	if err := computeConflicts(ctx, tx, contestID, &n); err != nil {
		return assign.Problem{}, err
	}
	return loadProblem(ctx, tx, contestID, r, seed)
}

// progress records a run's progress as the solver reports it. Progress is for
// the organizers' page only: a failure to record it is logged, once, and the
// run goes on.
func (s *Service) progress(ctx context.Context, runID int64) func(done, total int) {
	var logged bool
	return func(done, total int) {
		_, err := s.db.ExecContext(ctx, `UPDATE assignment_runs SET done = $2, total = $3 WHERE id = $1`, runID, done, total)
		if err != nil && !logged && ctx.Err() == nil {
			logged = true
			s.Log.WarnContext(ctx, "recording an assignment run's progress", slog.Int64("run", runID), slog.Any("err", err))
		}
	}
}

// writeRun writes a run's result in one transaction, with the round locked,
// if the problem it solved (*p) is still the round's. If not, it writes
// nothing, sets *p to the round's problem now and returns false.
func (s *Service) writeRun(ctx context.Context, actorID, contestID int64, roundKey string, runID, seed int64,
	p *assign.Problem, res assign.Result, report *RunReport) (bool, error) {
	var stale bool
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		// The round's lock queues this write behind other runs' and the
		// organizers' decisions on the round.
		r, err := contest.LockRound(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		now, err := currentProblem(ctx, tx, contestID, r, seed)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(now, *p) {
			*p, stale = now, true
			return errStaleProblem // roll back the conflicts computed just now; they are computed again
		}
		for _, pair := range res.Released {
			if _, err := tx.ExecContext(ctx, `UPDATE assignments SET state = 'removed' WHERE round_id = $1 AND entry_id = $2 AND expert_id = $3`,
				r.ID, pair.Entry, pair.Expert); err != nil {
				return err
			}
		}
		var served []int64
		for _, pair := range res.Added {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO assignments (round_id, entry_id, expert_id, state, created_at) VALUES ($1, $2, $3, 'active', $4)
				ON CONFLICT (round_id, entry_id, expert_id) DO UPDATE SET state = 'active'`, r.ID, pair.Entry, pair.Expert, s.now()); err != nil {
				return err
			}
			id, err := strconv.ParseInt(pair.Entry, 10, 64)
			if err != nil {
				return fmt.Errorf("assignment run %d: entry %q: %w", runID, pair.Entry, err)
			}
			served = append(served, id)
		}
		slices.Sort(served)
		cleared, err := clearDecisions(ctx, tx, r.ID, slices.Compact(served))
		if err != nil {
			return err
		}
		*report = reportOf(res, r.PerEntry)
		unfilled := make([]map[string]any, len(report.Unfilled))
		for i, g := range report.Unfilled {
			unfilled[i] = map[string]any{"entry": g.EntryID, "missing": g.Missing, "reason": g.Reason}
		}
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.AssignmentsRun, roundKey, map[string]any{
			"run": runID, "seed": seed, "added": len(res.Added), "released": len(res.Released),
			"total_affinity": fmt.Sprintf("%.4f", res.TotalAffinity), "min_load": res.MinLoad, "max_load": res.MaxLoad,
			"unfilled": unfilled, "decisions_cleared": cleared})
	})
	if stale {
		return false, nil
	}
	return err == nil, err
}

// errStaleProblem rolls back a run's write whose problem changed underneath.
var errStaleProblem = errors.New("the round's assignment problem changed")

// seatPanel seats a live round's panel, in one transaction: no solver runs.
// It returns how many assignments it added.
func (s *Service) seatPanel(ctx context.Context, actorID, contestID int64, roundKey string, runID int64) (int, error) {
	var added int
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, err := contest.LockRound(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		var n int
		if err := computeConflicts(ctx, tx, contestID, &n); err != nil {
			return err
		}
		entries, err := s.seatLivePanel(ctx, tx, contestID, r)
		if err != nil {
			return err
		}
		added = len(entries)
		cleared, err := clearDecisions(ctx, tx, r.ID, slices.Compact(entries))
		if err != nil {
			return err
		}
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.AssignmentsRun, roundKey,
			map[string]any{"run": runID, "live_panel": true, "added": added, "decisions_cleared": cleared})
	})
	return added, err
}

// seatLivePanel makes every panel member judge every eligible entry of a live
// round, except where they conflict: that judge's mark is simply absent for the
// entry (and the entry short of its panel, for the organizers to decide). It
// returns the entries of the assignments it added, sorted.
func (s *Service) seatLivePanel(ctx context.Context, tx *sqlx.Tx, contestID int64, r contest.RoundRef) ([]int64, error) {
	entries := []int64{}
	err := tx.SelectContext(ctx, &entries, `
		INSERT INTO assignments (round_id, entry_id, expert_id, state, created_at)
		SELECT $1, e.id, p.expert_id, 'active', $3
		FROM entries e CROSS JOIN panel_members p JOIN rounds rr ON rr.id = $1
		WHERE e.contest_id = $2 AND e.state = 'accepted' AND p.round_id = $1`+advancedFilter+notWithdrawn+`
		  AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.contest_id = $2 AND c.expert_id = p.expert_id AND c.entry_id = e.id)
		ON CONFLICT (round_id, entry_id, expert_id) DO NOTHING
		RETURNING entry_id`, r.ID, contestID, s.now())
	slices.Sort(entries)
	return entries, err
}

// loadProblem reads an assignment problem for a round from the database: its
// accepted entries, its panel, the contest's conflicts, and the assignments
// already made (kept) or recused (never again).
func loadProblem(ctx context.Context, tx *sqlx.Tx, contestID int64, r contest.RoundRef, seed int64) (assign.Problem, error) {
	p := assign.Problem{PerEntry: r.PerEntry, Seed: seed}
	var entries []struct {
		ID       int64  `db:"id"`
		Track    string `db:"track"`
		Org      string `db:"org"`
		Keywords []byte `db:"keywords"`
	}
	if err := tx.SelectContext(ctx, &entries, `
		SELECT e.id, t.key AS track, coalesce(o.name, '') AS org, coalesce(e.fields->'keywords', '[]') AS keywords
		FROM entries e JOIN tracks t ON t.id = e.track_id LEFT JOIN organizations o ON o.id = e.organization_id
		JOIN rounds rr ON rr.id = $2
		WHERE e.contest_id = $1 AND e.state = 'accepted' `+advancedFilter+notWithdrawn+` ORDER BY e.id`, contestID, r.ID); err != nil {
		return p, err
	}
	for _, e := range entries {
		var kw []string
		if err := json.Unmarshal(e.Keywords, &kw); err != nil {
			return p, err
		}
		p.Entries = append(p.Entries, assign.Entry{ID: strconv.FormatInt(e.ID, 10), Track: e.Track, Org: e.Org, Keywords: kw})
	}
	// Experts' fields may name tracks by key or by Chinese name: map names to keys.
	var tracks []struct {
		Key    string `db:"key"`
		NameZh string `db:"name_zh"`
	}
	if err := tx.SelectContext(ctx, &tracks, `SELECT key, name_zh FROM tracks WHERE contest_id = $1`, contestID); err != nil {
		return p, err
	}
	trackKey := map[string]string{}
	for _, t := range tracks {
		trackKey[t.Key], trackKey[t.NameZh] = t.Key, t.Key
	}
	var experts []struct {
		expertRow
		RoundCapacity *int `db:"round_capacity"`
	}
	if err := tx.SelectContext(ctx, &experts, `
		SELECT x.id, x.account_id, x.name, x.organization, coalesce(x.uscc, '') AS uscc, x.title, x.fields, x.keywords,
		       x.region, x.phone, x.email, x.capacity, x.declared_orgs, x.created_at, p.capacity AS round_capacity
		FROM panel_members p JOIN experts x ON x.id = p.expert_id WHERE p.round_id = $1 ORDER BY x.id`, r.ID); err != nil {
		return p, err
	}
	for _, x := range experts {
		capacity := x.Capacity
		if x.RoundCapacity != nil {
			capacity = *x.RoundCapacity
		}
		var fields []string
		for _, f := range x.Fields {
			if k, ok := trackKey[f]; ok {
				fields = append(fields, k)
			} else {
				fields = append(fields, "unknown:"+f) // a field of no track here: judges nothing by it
			}
		}
		p.Experts = append(p.Experts, assign.Expert{ID: strconv.FormatInt(x.ID, 10), Org: x.Organization, Fields: fields,
			Keywords: x.Keywords, Capacity: capacity})
	}
	onPanel := map[string]bool{}
	for _, x := range p.Experts {
		onPanel[x.ID] = true
	}
	inRound := map[string]bool{}
	for _, e := range p.Entries {
		inRound[e.ID] = true
	}
	// The solver wants references to this round's entries and panel only.
	relevant := func(expert, ent int64) bool {
		return onPanel[strconv.FormatInt(expert, 10)] && inRound[strconv.FormatInt(ent, 10)]
	}
	var conflicts []struct {
		Expert int64 `db:"expert_id"`
		Entry  int64 `db:"entry_id"`
	}
	if err := tx.SelectContext(ctx, &conflicts, `
		SELECT DISTINCT expert_id, entry_id FROM conflicts WHERE contest_id = $1 AND entry_id IS NOT NULL
		ORDER BY expert_id, entry_id`, contestID); err != nil {
		return p, err
	}
	for _, c := range conflicts {
		if relevant(c.Expert, c.Entry) {
			p.Conflicts = append(p.Conflicts, assign.Conflict{Expert: strconv.FormatInt(c.Expert, 10), Entry: strconv.FormatInt(c.Entry, 10)})
		}
	}
	var existing []struct {
		Expert int64           `db:"expert_id"`
		Entry  int64           `db:"entry_id"`
		State  AssignmentState `db:"state"`
	}
	if err := tx.SelectContext(ctx, &existing, `
		SELECT expert_id, entry_id, state FROM assignments WHERE round_id = $1 AND state <> 'removed'
		ORDER BY expert_id, entry_id`, r.ID); err != nil {
		return p, err
	}
	for _, a := range existing {
		if !relevant(a.Expert, a.Entry) {
			continue
		}
		pair := assign.Pair{Entry: strconv.FormatInt(a.Entry, 10), Expert: strconv.FormatInt(a.Expert, 10)}
		if a.State == AssignmentRecused {
			p.Excluded = append(p.Excluded, assign.Conflict{Expert: pair.Expert, Entry: pair.Entry})
		} else {
			p.Fixed = append(p.Fixed, pair)
		}
	}
	return p, nil
}
