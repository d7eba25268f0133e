package judging

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/audit"
	"podium/fault"
)

// This file holds the rule that no entry is short of reviews, or left out of
// a round, without its organizers deciding it. A round requires a number of
// reviews per entry (the round's reviews per entry; for an entry in a live
// room, its room's judges who may score it). An entry below that — a recusal nobody could replace, an
// assignment run that could not serve it, a judge who never submitted — is
// shown on the progress page, the ranking, the export and the organizer home
// until the organizers assign another expert, accept the shortfall with a
// reason, or withdraw the entry from the round with a reason (both audited).
// Publication is refused while any entry is undecided.

// ReviewStatus says where an entry of a round stands against the reviews the
// round requires.
type ReviewStatus string

const (
	ReviewsComplete  ReviewStatus = "complete"  // as many reviews as required
	ReviewsShort     ReviewStatus = "short"     // fewer, undecided
	ReviewsUnscored  ReviewStatus = "unscored"  // none at all, undecided
	ReviewsAccepted  ReviewStatus = "accepted"  // fewer, accepted by the organizers
	ReviewsWithdrawn ReviewStatus = "withdrawn" // withdrawn from the round by the organizers
)

// EntryReviews is an entry of a round with the reviews it has and the round
// requires. Reviews counts the active assignments while the round is not yet
// closed (the reviews it will get) and the submitted sheets once it is (the
// reviews it got).
type EntryReviews struct {
	EntryID   int64           `json:"entry_id"`
	Code      string          `json:"code"`
	Title     string          `json:"title"`
	Required  int             `json:"required"`
	Assigned  int             `json:"assigned"`
	Submitted int             `json:"submitted"`
	Reviews   int             `json:"reviews"`
	Status    ReviewStatus    `json:"status"`
	Decision  *ReviewDecision `json:"decision,omitempty"`
}

// Undecided reports whether the entry waits for the organizers' decision.
func (e EntryReviews) Undecided() bool {
	return e.Status == ReviewsShort || e.Status == ReviewsUnscored
}

// Ref names the entry for a message.
func (e EntryReviews) Ref() contest.EntryRef { return contest.EntryRef{Code: e.Code, Title: e.Title} }

// ReviewDecision is the organizers' decision on an entry short of reviews.
type ReviewDecision struct {
	Kind     DecisionKind `json:"kind" db:"kind"`
	Reviews  int          `json:"reviews" db:"reviews"`   // the reviews it had then
	Required int          `json:"required" db:"required"` // the reviews the round required then
	Reason   string       `json:"reason" db:"reason"`
	By       string       `json:"by" db:"by"` // the organizer's display name
	At       time.Time    `json:"at" db:"at"`
}

// roundReviewsSQL lists a round's entries — accepted ones the round takes
// (advancedFilter), and any other entry holding an active assignment in it —
// with their reviews and decision. $1 is the round. An entry placed in a
// room of a live round (contest/live) counts only the assignments of the
// judges seated in its room, and requires as many reviews as they are
// (room_judges).
const roundReviewsSQL = `
	SELECT e.id AS entry_id, coalesce(b.code, '') AS code, e.title,
	       count(a.id) FILTER (WHERE a.state = 'active' AND ` + seatedInRoom + `) AS assigned,
	       count(a.id) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted' AND ` + seatedInRoom + `) AS submitted,
	       (SELECT count(*) FROM live_slots ls JOIN live_room_judges lj ON lj.room_id = ls.room_id
	        WHERE ls.round_id = rr.id AND ls.entry_id = e.id) AS room_judges,
	       EXISTS (SELECT FROM live_slots ls WHERE ls.round_id = rr.id AND ls.entry_id = e.id) AS in_room,
	       d.kind, d.reviews, d.required, d.reason, acc.display_name AS by, d.decided_at AS at
	FROM rounds rr JOIN entries e ON e.contest_id = rr.contest_id
	LEFT JOIN blind_codes b ON b.round_id = rr.id AND b.entry_id = e.id
	LEFT JOIN assignments a ON a.round_id = rr.id AND a.entry_id = e.id
	LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
	LEFT JOIN review_decisions d ON d.round_id = rr.id AND d.entry_id = e.id
	LEFT JOIN accounts acc ON acc.id = d.decided_by
	WHERE rr.id = $1 AND ((e.state = 'accepted' ` + advancedFilter + `)
	      OR EXISTS (SELECT 1 FROM assignments x WHERE x.round_id = rr.id AND x.entry_id = e.id AND x.state = 'active'))
	GROUP BY rr.id, e.id, b.code, d.round_id, d.entry_id, acc.display_name
	ORDER BY b.code, e.id`

// seatedInRoom holds for an assignment a of an entry e in no live room, or
// of a judge seated in e's room.
const seatedInRoom = `(NOT EXISTS (SELECT FROM live_slots ls WHERE ls.round_id = rr.id AND ls.entry_id = e.id)
	     OR EXISTS (SELECT FROM live_slots ls JOIN live_room_judges lj ON lj.room_id = ls.room_id
	                WHERE ls.round_id = rr.id AND ls.entry_id = e.id AND lj.expert_id = a.expert_id))`

// SeatedInRoomSQL is seatedInRoom for other rooms' queries (printable score
// sheets): which assignments of a live round count, in SQL over the aliases
// rr (the round), e (the entry) and a (the assignment).
const SeatedInRoomSQL = seatedInRoom

// roundReviews computes every entry's standing in a round.
func ReviewsOf(ctx context.Context, q sqlx.QueryerContext, r contest.RoundRef) ([]EntryReviews, error) {
	required := r.PerEntry
	if r.Kind == contest.KindLive {
		if err := sqlx.GetContext(ctx, q, &required, `SELECT count(*) FROM panel_members WHERE round_id = $1`, r.ID); err != nil {
			return nil, err
		}
	}
	var rows []struct {
		EntryID    int64          `db:"entry_id"`
		Code       string         `db:"code"`
		Title      string         `db:"title"`
		Assigned   int            `db:"assigned"`
		Submitted  int            `db:"submitted"`
		RoomJudges int            `db:"room_judges"`
		InRoom     bool           `db:"in_room"`
		Kind       sql.NullString `db:"kind"`
		Reviews    sql.NullInt64  `db:"reviews"`
		Required   sql.NullInt64  `db:"required"`
		Reason     sql.NullString `db:"reason"`
		By         sql.NullString `db:"by"`
		At         sql.NullTime   `db:"at"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, roundReviewsSQL, r.ID); err != nil {
		return nil, err
	}
	closed := r.State == contest.RoundClosed || r.State == contest.RoundPublished
	out := make([]EntryReviews, len(rows))
	for i, row := range rows {
		e := EntryReviews{EntryID: row.EntryID, Code: row.Code, Title: row.Title, Required: required,
			Assigned: row.Assigned, Submitted: row.Submitted, Reviews: row.Assigned}
		if row.InRoom && row.RoomJudges > 0 {
			// On stage a judge conflicted with the entry sits it out and the
			// score is the others' (the live rule): it requires the sheets of
			// the room's judges who may score it, all of them if none may.
			e.Required = row.RoomJudges
			if row.Assigned > 0 {
				e.Required = row.Assigned
			}
		}
		if closed {
			e.Reviews = row.Submitted
		}
		if row.Kind.Valid {
			e.Decision = &ReviewDecision{Kind: DecisionKind(row.Kind.String), Reviews: int(row.Reviews.Int64), Required: int(row.Required.Int64),
				Reason: row.Reason.String, By: row.By.String, At: row.At.Time.UTC()}
		}
		e.Status = reviewStatus(e)
		out[i] = e
	}
	return out, nil
}

// reviewStatus is the rule: withdrawn stays withdrawn; enough reviews is
// complete; none is unscored (a score needs at least one); fewer is accepted
// only while the entry keeps the reviews it was accepted with.
func reviewStatus(e EntryReviews) ReviewStatus {
	d := e.Decision
	switch {
	case d != nil && d.Kind == DecisionWithdrawn:
		return ReviewsWithdrawn
	case e.Reviews >= e.Required:
		return ReviewsComplete
	case e.Reviews == 0:
		return ReviewsUnscored
	case d != nil && d.Kind == DecisionAccepted && e.Reviews >= d.Reviews:
		return ReviewsAccepted
	default:
		return ReviewsShort
	}
}

// RoundReviews lists every entry of a round with its reviews, the reviews the
// round requires and where it stands, by blind code.
func (s *Service) RoundReviews(ctx context.Context, contestID int64, roundKey string) ([]EntryReviews, error) {
	r, err := contest.RoundByKey(ctx, s.db, contestID, roundKey)
	if err != nil {
		return nil, err
	}
	return ReviewsOf(ctx, s.db, r)
}

// ReviewGaps lists the entries of a round that are not complete: short or
// unscored (undecided) first, then accepted and withdrawn ones, by blind code.
func (s *Service) ReviewGaps(ctx context.Context, contestID int64, roundKey string) ([]EntryReviews, error) {
	all, err := s.RoundReviews(ctx, contestID, roundKey)
	return gapsOf(all), err
}

func gapsOf(all []EntryReviews) []EntryReviews {
	out := []EntryReviews{}
	for _, e := range all {
		if e.Status != ReviewsComplete {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b EntryReviews) int {
		switch {
		case a.Undecided() && !b.Undecided():
			return -1
		case b.Undecided() && !a.Undecided():
			return 1
		}
		return 0
	})
	return out
}

// undecidedRefusal refuses what a round's undecided entries block (publication),
// naming them by code and title; nil when there are none.
func RefuseUndecided(all []EntryReviews, message string) error {
	var refs contest.EntryRefs
	for _, e := range all {
		if e.Undecided() {
			refs = append(refs, e.Ref())
		}
	}
	if len(refs) == 0 {
		return nil
	}
	return &fault.Error{Code: fault.CodeConflict, Message: message, Args: []any{refs}}
}

// AcceptShortfall records the organizers' decision that an entry goes on with
// the reviews it has, fewer than the round requires, for the reason given
// (audited in the same transaction). Only assigning an expert to the entry
// undoes it. An entry with no review at all cannot be accepted: it is assigned
// or withdrawn from the round.
func (s *Service) AcceptShortfall(ctx context.Context, actorID, contestID int64, roundKey string, entryID int64, reason string) (EntryReviews, error) {
	return s.decideReviews(ctx, actorID, contestID, roundKey, entryID, DecisionAccepted, reason)
}

// WithdrawFromRound records the organizers' decision that an entry short of
// reviews (or with none) takes no part in the round: it is not assigned,
// ranked or published there. The reason is audited in the same transaction;
// assigning an expert to the entry by hand brings it back.
func (s *Service) WithdrawFromRound(ctx context.Context, actorID, contestID int64, roundKey string, entryID int64, reason string) (EntryReviews, error) {
	return s.decideReviews(ctx, actorID, contestID, roundKey, entryID, DecisionWithdrawn, reason)
}

func (s *Service) decideReviews(ctx context.Context, actorID, contestID int64, roundKey string, entryID int64, kind DecisionKind, reason string) (EntryReviews, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return EntryReviews{}, fault.Invalid("reason", "err.shortfall.reason")
	}
	var decided EntryReviews
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, e, err := lockEntryReviews(ctx, tx, contestID, roundKey, entryID)
		if err != nil {
			return err
		}
		switch {
		case e.Status == ReviewsComplete:
			return fault.Conflict("err.shortfall.none")
		case e.Status == ReviewsWithdrawn:
			return fault.Conflict("err.shortfall.withdrawn")
		case kind == DecisionAccepted && e.Reviews == 0:
			return fault.Conflict("err.shortfall.unscored")
		case kind == DecisionAccepted && e.Status == ReviewsAccepted:
			return fault.Conflict("err.shortfall.accepted")
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO review_decisions (round_id, entry_id, kind, reviews, required, reason, decided_by, decided_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (round_id, entry_id) DO UPDATE SET kind = $3, reviews = $4, required = $5, reason = $6, decided_by = $7, decided_at = $8`,
			r.ID, entryID, kind, e.Reviews, e.Required, reason, actorID, s.now()); err != nil {
			return err
		}
		action := audit.ShortfallAccepted
		if kind == DecisionWithdrawn {
			action = audit.EntryWithdrawn
		}
		if err := audit.Append(ctx, tx, s.now(), &contestID, &actorID, action, roundKey, map[string]any{
			"entry": entryID, "code": e.Code, "reviews": e.Reviews, "required": e.Required, "reason": reason}); err != nil {
			return err
		}
		all, err := ReviewsOf(ctx, tx, r)
		if err != nil {
			return err
		}
		decided = all[slices.IndexFunc(all, func(e EntryReviews) bool { return e.EntryID == entryID })]
		return nil
	})
	return decided, err
}

// clearDecisions forgets the decisions on entries that were just given an
// expert: assigning is how a decision is undone. It returns the entries
// whose decision was forgotten, for the audit record of the assignment.
func clearDecisions(ctx context.Context, tx *sqlx.Tx, roundID int64, entryIDs []int64) ([]int64, error) {
	cleared := []int64{}
	if len(entryIDs) == 0 {
		return cleared, nil
	}
	err := tx.SelectContext(ctx, &cleared, `DELETE FROM review_decisions WHERE round_id = $1 AND entry_id = ANY($2) RETURNING entry_id`,
		roundID, pq.Int64Array(entryIDs))
	slices.Sort(cleared)
	return cleared, err
}

// notWithdrawn is a filter on entries e of round rr: not withdrawn from it.
const notWithdrawn = `
	AND NOT EXISTS (SELECT 1 FROM review_decisions wd WHERE wd.round_id = rr.id AND wd.entry_id = e.id AND wd.kind = 'withdrawn')`

// RoundGaps is a round, in one of the organizer's contests, with entries
// waiting for the organizers' decision.
type RoundGaps struct {
	ContestID   int64          `json:"contest_id"`
	ContestName string         `json:"contest_name"`
	ContestEn   string         `json:"contest_name_en"`
	RoundKey    string         `json:"round"`
	RoundName   string         `json:"round_name"`
	RoundEn     string         `json:"round_name_en"`
	Undecided   []EntryReviews `json:"undecided"`
}

// UndecidedGaps lists, for the organizer's home, every round of their
// contests with entries short of reviews or unscored and not decided: rounds
// in play (open or closed, or with assignments), not yet published.
func (s *Service) UndecidedGaps(ctx context.Context, organizerID int64) ([]RoundGaps, error) {
	var rounds []struct {
		ContestID   int64              `db:"contest_id"`
		ContestName string             `db:"contest_name"`
		ContestEn   string             `db:"contest_name_en"`
		RoundID     int64              `db:"round_id"`
		Key         string             `db:"key"`
		NameZh      string             `db:"name_zh"`
		NameEn      string             `db:"name_en"`
		Kind        contest.RoundKind  `db:"kind"`
		State       contest.RoundState `db:"state"`
		PerEntry    int                `db:"reviews_per_entry"`
	}
	if err := s.db.SelectContext(ctx, &rounds, `
		SELECT c.id AS contest_id, c.name_zh AS contest_name, c.name_en AS contest_name_en, r.id AS round_id, r.key,
		       r.name_zh, r.name_en, r.kind, r.state, r.reviews_per_entry
		FROM contest_organizers co JOIN contests c ON c.id = co.contest_id JOIN rounds r ON r.contest_id = c.id
		WHERE co.account_id = $1 AND r.state <> 'published'
		  AND (r.state <> 'draft' OR EXISTS (SELECT 1 FROM assignments a WHERE a.round_id = r.id AND a.state = 'active'))
		ORDER BY c.id, r.position`, organizerID); err != nil {
		return nil, err
	}
	out := []RoundGaps{}
	for _, r := range rounds {
		all, err := ReviewsOf(ctx, s.db, contest.RoundRef{ID: r.RoundID, ContestID: r.ContestID, Kind: r.Kind, State: r.State, PerEntry: r.PerEntry})
		if err != nil {
			return nil, err
		}
		g := RoundGaps{ContestID: r.ContestID, ContestName: r.ContestName, ContestEn: r.ContestEn,
			RoundKey: r.Key, RoundName: r.NameZh, RoundEn: r.NameEn}
		for _, e := range all {
			if e.Undecided() {
				g.Undecided = append(g.Undecided, e)
			}
		}
		if len(g.Undecided) > 0 {
			out = append(out, g)
		}
	}
	return out, nil
}

// advancedFilter restricts a round's entries to those that advanced from the
// round before it (the first round takes every eligible entry).
const advancedFilter = `
	AND (NOT EXISTS (SELECT 1 FROM rounds p WHERE p.contest_id = e.contest_id AND p.position < rr.position)
	     OR EXISTS (SELECT 1 FROM results res JOIN rounds p ON p.id = res.round_id
	                WHERE res.entry_id = e.id AND res.advanced AND p.contest_id = e.contest_id
	                  AND p.position = (SELECT max(p2.position) FROM rounds p2 WHERE p2.contest_id = e.contest_id AND p2.position < rr.position)))`

// lockEntryReviews locks a round that is not published — the round's row
// lock orders a decision with a publication — and reads an entry's reviews there.
func lockEntryReviews(ctx context.Context, tx *sqlx.Tx, contestID int64, roundKey string, entryID int64) (contest.RoundRef, EntryReviews, error) {
	r, err := contest.LockRound(ctx, tx, contestID, roundKey)
	if err != nil {
		return r, EntryReviews{}, err
	}
	if r.State == contest.RoundPublished {
		return r, EntryReviews{}, fault.Conflict("err.results.published")
	}
	all, err := ReviewsOf(ctx, tx, r)
	if err != nil {
		return r, EntryReviews{}, err
	}
	i := slices.IndexFunc(all, func(e EntryReviews) bool { return e.EntryID == entryID })
	if i < 0 {
		return r, EntryReviews{}, fault.NotFound("err.entry.not_found")
	}
	return r, all[i], nil
}

// DisqualifyTx withdraws an entry from a round that is being corrected, in
// the caller's transaction, whatever its reviews: an objection upheld because
// the entry should not have been ranked (its eligibility found false). It is
// then not ranked or published in the round, as an entry withdrawn for want
// of reviews; the decision is audited with the reason and marked so. The
// round must not be published (an upheld objection has reopened it).
func DisqualifyTx(ctx context.Context, tx *sqlx.Tx, now time.Time, actorID, contestID, roundID, entryID int64, reason string) error {
	var key string
	if err := tx.GetContext(ctx, &key, `SELECT key FROM rounds WHERE id = $1 AND contest_id = $2`, roundID, contestID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fault.NotFound("err.round.not_found")
		}
		return err
	}
	r, e, err := lockEntryReviews(ctx, tx, contestID, key, entryID)
	if err != nil {
		return err
	}
	if e.Status == ReviewsWithdrawn {
		return nil // out of the round already
	}
	required := max(e.Required, 1)
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO review_decisions (round_id, entry_id, kind, reviews, required, reason, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (round_id, entry_id) DO UPDATE SET kind = $3, reviews = $4, required = $5, reason = $6, decided_by = $7, decided_at = $8`,
		r.ID, entryID, DecisionWithdrawn, e.Reviews, required, reason, actorID, now); err != nil {
		return err
	}
	return audit.Append(ctx, tx, now, &contestID, &actorID, audit.EntryWithdrawn, key, map[string]any{
		"entry": entryID, "code": e.Code, "reviews": e.Reviews, "required": required, "reason": reason, "disqualified": true})
}
