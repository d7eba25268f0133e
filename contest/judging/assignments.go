package judging

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/assign"
	"podium/contest/audit"
	"podium/fault"
)

// Assignment is one expert's review of one entry in a round.
type Assignment struct {
	ID            int64           `db:"id" json:"id"`
	EntryID       int64           `db:"entry_id" json:"entry_id"`
	BlindCode     string          `db:"blind_code" json:"blind_code"`
	EntryTitle    string          `db:"entry_title" json:"entry_title"`
	ExpertID      int64           `db:"expert_id" json:"expert_id"`
	ExpertName    string          `db:"expert_name" json:"expert_name"`
	State         AssignmentState `db:"state" json:"state"`
	RecusalReason string          `db:"recusal_reason" json:"recusal_reason"`
	CreatedAt     time.Time       `db:"created_at" json:"created_at"`
}

// Active reports whether the assignment counts: its judge reviews the entry.
func (a Assignment) Active() bool { return a.State == AssignmentActive }

// Assignments lists a round's assignments (all states), by entry then expert.
func (s *Service) Assignments(ctx context.Context, contestID int64, roundKey string) ([]Assignment, error) {
	r, err := contest.RoundByKey(ctx, s.db, contestID, roundKey)
	if err != nil {
		return nil, err
	}
	list := []Assignment{}
	err = s.db.SelectContext(ctx, &list, `
		SELECT a.id, a.entry_id, coalesce(b.code, '') AS blind_code, e.title AS entry_title, a.expert_id, x.name AS expert_name,
		       a.state, a.recusal_reason, a.created_at
		FROM assignments a JOIN entries e ON e.id = a.entry_id JOIN experts x ON x.id = a.expert_id
		LEFT JOIN blind_codes b ON b.round_id = a.round_id AND b.entry_id = a.entry_id
		WHERE a.round_id = $1 ORDER BY a.entry_id, x.name, a.id`, r.ID)
	return list, err
}

// AddAssignment assigns an expert of the panel to an entry by hand. The hard
// rules always hold: the expert on the panel, the entry accepted, no conflict,
// no second assignment of the same pair. The solver's softer rules (the
// entry's track in the expert's fields, the expert's capacity, the reviews
// the round asks for) hold unless override says the organizer means it
// (resolving a shortfall with an expert from another field, an extra review);
// the audit record says which was overridden.
func (s *Service) AddAssignment(ctx context.Context, actorID, contestID int64, roundKey string, entryID, expertID int64, override bool) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, err := contest.RoundByKey(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		overridden, err := s.refuseUnfit(ctx, tx, r, contestID, entryID, expertID, override)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO assignments (round_id, entry_id, expert_id, state, created_at) VALUES ($1, $2, $3, 'active', $4)
			ON CONFLICT (round_id, entry_id, expert_id) DO UPDATE SET state = 'active' WHERE assignments.state = 'removed'`, r.ID, entryID, expertID, s.now())
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil {
			return err
		} else if k == 0 {
			return fault.Conflict("err.assign.exists")
		}
		cleared, err := clearDecisions(ctx, tx, r.ID, []int64{entryID})
		if err != nil {
			return err
		}
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.AssignmentAdded, roundKey,
			map[string]any{"entry": entryID, "expert": expertID, "decision_cleared": len(cleared) > 0, "overridden": overridden})
	})
}

// fitness is what decides whether an expert may review an entry by hand.
type fitness struct {
	OnPanel     bool           `db:"on_panel"`
	Accepted    bool           `db:"accepted"`
	Fields      pq.StringArray `db:"fields"`
	Track       string         `db:"track"`
	TrackName   string         `db:"track_name"`
	Capacity    int            `db:"capacity"`
	Load        int            `db:"load"`
	Reviews     int            `db:"reviews"`
	Conflict    string         `db:"conflict"`
	ConflictWhy string         `db:"conflict_reason"`
	PerEntry    int            `db:"per_entry"`
	Assigned    bool           `db:"assigned"` // the expert already reviews the entry in this round
}

// conflictRefusals say, by a conflict's source, why a hand assignment is refused.
var conflictRefusals = map[string]string{
	"organization": "err.assign.conflicted_organization",
	"entrant":      "err.assign.conflicted_entrant",
	"expert":       "err.assign.conflicted_expert",
	"organizer":    "err.assign.conflicted_organizer",
	"recusal":      "err.assign.conflicted_recusal",
}

// refuseUnfit refuses a hand assignment the solver would not make, saying
// which rule it breaks: the expert not on the round's panel, the entry not
// accepted, the expert already reviewing the entry, a conflict of interest
// (and its source); and, unless override,
// the entry's track outside the expert's fields, the expert at capacity, the
// entry with all the reviews the round asks for. It returns the soft rules
// overridden, for the audit record.
func (s *Service) refuseUnfit(ctx context.Context, tx *sqlx.Tx, r contest.RoundRef, contestID, entryID, expertID int64, override bool) ([]string, error) {
	var n int
	if err := computeConflicts(ctx, tx, contestID, &n); err != nil {
		return nil, err
	}
	var f fitness
	err := tx.GetContext(ctx, &f, `
		SELECT EXISTS (SELECT 1 FROM panel_members WHERE round_id = $1 AND expert_id = $2) AS on_panel,
		       coalesce(e.state = 'accepted', false) AS accepted, x.fields, t.key AS track, t.name_zh AS track_name,
		       coalesce((SELECT pm.capacity FROM panel_members pm WHERE pm.round_id = $1 AND pm.expert_id = $2), x.capacity) AS capacity,
		       (SELECT count(*) FROM assignments a WHERE a.round_id = $1 AND a.expert_id = $2 AND a.state = 'active') AS load,
		       (SELECT count(*) FROM assignments a WHERE a.round_id = $1 AND a.entry_id = $3 AND a.state = 'active') AS reviews,
		       coalesce((SELECT c.source FROM conflicts c WHERE c.contest_id = $4 AND c.expert_id = $2 AND c.entry_id = $3 ORDER BY c.id LIMIT 1), '') AS conflict,
		       coalesce((SELECT c.reason FROM conflicts c WHERE c.contest_id = $4 AND c.expert_id = $2 AND c.entry_id = $3 ORDER BY c.id LIMIT 1), '') AS conflict_reason,
		       (SELECT reviews_per_entry FROM rounds WHERE id = $1) AS per_entry,
		       EXISTS (SELECT 1 FROM assignments a WHERE a.round_id = $1 AND a.entry_id = $3 AND a.expert_id = $2 AND a.state = 'active') AS assigned
		FROM experts x, entries e JOIN tracks t ON t.id = e.track_id
		WHERE x.id = $2 AND e.id = $3 AND e.contest_id = $4`, r.ID, expertID, entryID, contestID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.Invalid("assignment", "err.assign.not_eligible")
	}
	if err != nil {
		return nil, err
	}
	switch {
	case !f.OnPanel:
		return nil, fault.Invalid("expert", "err.assign.not_on_panel")
	case !f.Accepted:
		return nil, fault.Invalid("entry", "err.assign.entry_not_accepted")
	case f.Assigned:
		// Said before the soft rules: an override cannot add a second review
		// by the same expert, so "the entry has its reviews" would mislead.
		return nil, fault.Conflict("err.assign.exists")
	case f.Conflict != "":
		// Said by its source (same organization, declared by the entrant or the
		// expert, recorded by the organizers, an earlier recusal), with its reason.
		msg, ok := conflictRefusals[f.Conflict]
		if !ok {
			return nil, fault.Conflict("err.assign.conflicted")
		}
		return nil, &fault.Error{Code: fault.CodeConflict, Message: msg, Args: []any{f.ConflictWhy}}
	}
	var soft []string
	var refusal *fault.Error
	if len(f.Fields) > 0 && !slices.Contains(f.Fields, f.Track) {
		soft = append(soft, "field")
		refusal = &fault.Error{Code: fault.CodeConflict, Message: "err.assign.out_of_field", Args: []any{f.TrackName}}
	}
	if f.Load >= f.Capacity {
		soft = append(soft, "capacity")
		if refusal == nil {
			refusal = &fault.Error{Code: fault.CodeConflict, Message: "err.assign.over_capacity", Args: []any{f.Capacity}}
		}
	}
	if f.Reviews >= f.PerEntry {
		soft = append(soft, "reviews")
		if refusal == nil {
			refusal = &fault.Error{Code: fault.CodeConflict, Message: "err.assign.enough_reviews", Args: []any{f.PerEntry}}
		}
	}
	if refusal != nil && !override {
		return nil, refusal
	}
	return soft, nil
}

// RemoveAssignment takes an assignment away by hand, with a reason.
func (s *Service) RemoveAssignment(ctx context.Context, actorID, contestID, assignmentID int64, reason string) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var a struct {
			EntryID  int64  `db:"entry_id"`
			ExpertID int64  `db:"expert_id"`
			RoundKey string `db:"round_key"`
		}
		err := tx.GetContext(ctx, &a, `
			UPDATE assignments a SET state = 'removed' FROM rounds r
			WHERE a.id = $1 AND r.id = a.round_id AND r.contest_id = $2 AND a.state = 'active'
			RETURNING a.entry_id, a.expert_id, r.key AS round_key`, assignmentID, contestID)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.NotFound("err.assign.not_found")
		}
		if err != nil {
			return err
		}
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.AssignmentRemoved, a.RoundKey,
			map[string]any{"assignment": assignmentID, "entry": a.EntryID, "expert": a.ExpertID, "reason": strings.TrimSpace(reason)})
	})
}

// Recuse records that the judge behind an assignment recognized the entry and
// steps aside: the assignment is recused (audited) and a replacement from the
// round's panel is assigned at once, the recused judge never again on that entry.
// It returns the replacement's expert id (0 when none could be found: then the
// organizer sees the entry short of reviews).
func (s *Service) Recuse(ctx context.Context, j access.JudgeSession, assignmentID int64, reason string) (int64, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return 0, fault.Invalid("reason", "err.assign.recusal_reason")
	}
	var replacement int64
	judgeAccountID := j.AccountID
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var a struct {
			RoundID   int64  `db:"round_id"`
			ContestID int64  `db:"contest_id"`
			RoundKey  string `db:"round_key"`
			EntryID   int64  `db:"entry_id"`
			ExpertID  int64  `db:"expert_id"`
		}
		err := tx.GetContext(ctx, &a, `
			UPDATE assignments a SET state = 'recused', recusal_reason = $3 FROM rounds r, experts x
			WHERE a.id = $1 AND r.id = a.round_id AND x.id = a.expert_id AND x.account_id = $2 AND a.state = 'active'
			  AND `+access.ReachSQL("r.contest_id", "$4")+`
			RETURNING a.round_id, r.contest_id, r.key AS round_key, a.entry_id, a.expert_id`, assignmentID, judgeAccountID, reason, j.Reach.Arg())
		if errors.Is(err, sql.ErrNoRows) {
			return fault.NotFound("err.assign.not_found")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO conflicts (contest_id, expert_id, entry_id, source, reason) VALUES ($1, $2, $3, 'recusal', $4)
			ON CONFLICT DO NOTHING`, a.ContestID, a.ExpertID, a.EntryID, reason); err != nil {
			return err
		}
		var seed int64
		if err := tx.GetContext(ctx, &seed, `SELECT coalesce(max(seed), 1) FROM assignment_runs WHERE round_id = $1`, a.RoundID); err != nil {
			return err
		}
		p, err := loadProblem(ctx, tx, a.ContestID, contest.RoundRef{ID: a.RoundID, PerEntry: 0}, seed)
		if err != nil {
			return err
		}
		// Fill only this entry's gap: keep everything else as it is.
		var per int
		if err := tx.GetContext(ctx, &per, `SELECT reviews_per_entry FROM rounds WHERE id = $1`, a.RoundID); err != nil {
			return err
		}
		p.PerEntry = per
		p.Entries = onlyEntry(p.Entries, strconv.FormatInt(a.EntryID, 10))
		p.Fixed = fixedOf(p.Fixed, strconv.FormatInt(a.EntryID, 10))
		p.Excluded = excludedOf(p.Excluded, strconv.FormatInt(a.EntryID, 10))
		p.Conflicts = excludedOf(p.Conflicts, strconv.FormatInt(a.EntryID, 10))
		if p.Experts, err = withRemainingCapacity(ctx, tx, a.RoundID, a.EntryID, p.Experts); err != nil {
			return err
		}
		// One entry's gap: a solve of a few candidates, inside the transaction
		// that holds the assignment (an assignment run solves outside any).
		res, err := assign.Solve(ctx, p, nil)
		if err == nil && len(res.Added) == 1 {
			if replacement, err = strconv.ParseInt(res.Added[0].Expert, 10, 64); err != nil {
				return fmt.Errorf("recusal: replacement %q: %w", res.Added[0].Expert, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO assignments (round_id, entry_id, expert_id, state, created_at) VALUES ($1, $2, $3, 'active', $4)
				ON CONFLICT (round_id, entry_id, expert_id) DO UPDATE SET state = 'active'`, a.RoundID, a.EntryID, replacement, s.now()); err != nil {
				return err
			}
		} else if _, infeasible := errors.AsType[*assign.InfeasibleError](err); err != nil && !infeasible {
			return err
		}
		return audit.Append(ctx, tx, s.now(), &a.ContestID, &judgeAccountID, audit.AssignmentRecused, a.RoundKey,
			map[string]any{"assignment": assignmentID, "entry": a.EntryID, "expert": a.ExpertID, "reason": reason, "replacement": replacement})
	})
	return replacement, err
}

func onlyEntry(entries []assign.Entry, id string) []assign.Entry {
	for _, e := range entries {
		if e.ID == id {
			return []assign.Entry{e}
		}
	}
	return nil
}

func fixedOf(pairs []assign.Pair, ent string) []assign.Pair {
	var out []assign.Pair
	for _, p := range pairs {
		if p.Entry == ent {
			out = append(out, p)
		}
	}
	return out
}

func excludedOf(cs []assign.Conflict, ent string) []assign.Conflict {
	var out []assign.Conflict
	for _, c := range cs {
		if c.Entry == ent {
			out = append(out, c)
		}
	}
	return out
}

// withRemainingCapacity lowers each panel expert's capacity by the reviews they
// already hold in the round on other entries, for a solve about one entry.
func withRemainingCapacity(ctx context.Context, tx *sqlx.Tx, roundID, entryID int64, experts []assign.Expert) ([]assign.Expert, error) {
	var loads []struct {
		Expert int64 `db:"expert_id"`
		N      int   `db:"n"`
	}
	if err := tx.SelectContext(ctx, &loads, `SELECT expert_id, count(*) AS n FROM assignments WHERE round_id = $1 AND state = 'active' AND entry_id <> $2 GROUP BY expert_id`, roundID, entryID); err != nil {
		return nil, err
	}
	held := map[string]int{}
	for _, l := range loads {
		held[strconv.FormatInt(l.Expert, 10)] = l.N
	}
	out := make([]assign.Expert, 0, len(experts))
	for _, x := range experts {
		x.Capacity = max(x.Capacity-held[x.ID], 0)
		out = append(out, x)
	}
	return out, nil
}
