package judging

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/fault"
	"podium/scoring"
)

// The reasons of the two conflicts a judge's tablet tells apart: a submission
// still being processed (retry the same request later) and a sheet submitted
// already (by another request: the stored sheet is the result).
const (
	ReasonInProgress       = "in_progress"
	ReasonAlreadySubmitted = "already_submitted"
)

func errInProgress() error {
	return &fault.Error{Code: fault.CodeConflict, Message: "err.score.in_progress", Reason: ReasonInProgress}
}

func errAlreadySubmitted() error {
	return &fault.Error{Code: fault.CodeConflict, Message: "err.score.already_submitted", Reason: ReasonAlreadySubmitted}
}

// SheetInput is what a judge enters: a mark and a comment per criterion key, and
// an overall comment.
type SheetInput struct {
	Marks    Marks             `json:"marks"`
	Comments map[string]string `json:"comments"`
	Comment  string            `json:"comment"`
}

// Marks are a judge's points per criterion key. Decoded from JSON, a mark is
// exactly what the judge entered: null, or anything that is not a decimal
// number, is refused naming its criterion ("marks.<key>"), never stored as 0.
type Marks map[string]scoring.Points

// UnmarshalJSON reads the marks object, checking every mark.
func (m *Marks) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw == nil { // "marks": null is no marks at all
		*m = nil
		return nil
	}
	out, p := make(Marks, len(raw)), fault.Problems{}
	for key, v := range raw {
		if string(v) == "null" {
			p.Add("marks."+key, "err.score.missing")
			continue
		}
		var points scoring.Points
		if err := points.UnmarshalJSON(v); err != nil {
			p.Add("marks."+key, "err.json.points")
			continue
		}
		out[key] = points
	}
	if err := p.Err(); err != nil {
		return err
	}
	*m = out
	return nil
}

// Sheet is a judge's score sheet for one assignment.
type Sheet struct {
	AssignmentID int64                     `json:"assignment_id"`
	BlindCode    string                    `json:"blind_code"`
	State        SheetState                `json:"state"`
	Marks        map[string]scoring.Points `json:"marks"`
	Comments     map[string]string         `json:"comments"`
	Comment      string                    `json:"comment"`
	Total        *scoring.Points           `json:"total"`
	SubmittedAt  *time.Time                `json:"submitted_at"`
}

func loadSheet(ctx context.Context, q sqlx.QueryerContext, a judgeAssignment) (Sheet, error) {
	sh := Sheet{AssignmentID: a.ID, BlindCode: a.BlindCode, State: SheetNew, Marks: map[string]scoring.Points{}, Comments: map[string]string{}}
	var row struct {
		ID          int64           `db:"id"`
		State       SheetState      `db:"state"`
		Total       *scoring.Points `db:"total"`
		Comment     string          `db:"comment"`
		SubmittedAt *time.Time      `db:"submitted_at"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT id, state, total, comment, submitted_at FROM score_sheets WHERE assignment_id = $1`, a.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return sh, nil
	}
	if err != nil {
		return sh, err
	}
	sh.State, sh.Total, sh.Comment, sh.SubmittedAt = row.State, row.Total, row.Comment, contest.UTC(row.SubmittedAt)
	var marks []struct {
		Key     string         `db:"key"`
		Points  scoring.Points `db:"points"`
		Comment string         `db:"comment"`
	}
	if err := sqlx.SelectContext(ctx, q, &marks, `SELECT c.key, m.points, m.comment FROM marks m JOIN criteria c ON c.id = m.criterion_id WHERE m.sheet_id = $1`, row.ID); err != nil {
		return sh, err
	}
	for _, m := range marks {
		sh.Marks[m.Key] = m.Points
		if m.Comment != "" {
			sh.Comments[m.Key] = m.Comment
		}
	}
	return sh, nil
}

// plain writes points as a judge reads a limit: "30", "0.5", "2.25".
func plain(p scoring.Points) string {
	return strings.TrimSuffix(strings.TrimRight(p.String(), "0"), ".")
}

// checkMarks validates marks against the rubric: range, step, known criteria,
// and (for a submission) every criterion present. It returns the total.
func checkMarks(rubric []contest.Criterion, in SheetInput, complete bool) (scoring.Points, error) {
	p := fault.Problems{}
	args := map[string][]any{} // the limits a range or step problem names
	byKey := map[string]contest.Criterion{}
	for _, c := range rubric {
		byKey[c.Key] = c
	}
	for _, key := range slices.Sorted(maps.Keys(in.Marks)) {
		c, ok := byKey[key]
		mark := in.Marks[key]
		switch {
		case !ok:
			p.Add("marks."+key, "err.score.unknown_criterion")
		case mark < 0 || mark > c.Max:
			p.Add("marks."+key, "err.score.range_of")
			args["marks."+key] = []any{contest.Category{NameZh: c.NameZh, NameEn: c.NameEn}, plain(c.Max)}
		case mark%c.Step != 0:
			p.Add("marks."+key, "err.score.step_of")
			args["marks."+key] = []any{contest.Category{NameZh: c.NameZh, NameEn: c.NameEn}, plain(c.Step)}
		}
	}
	for key, text := range in.Comments {
		if _, ok := byKey[key]; !ok {
			p.Add("comments."+key, "err.score.unknown_criterion")
		} else if utf8.RuneCountInString(text) > 2000 {
			p.Add("comments."+key, "err.too_long")
		}
	}
	if utf8.RuneCountInString(in.Comment) > 5000 {
		p.Add("comment", "err.too_long")
	}
	if complete {
		for _, c := range rubric {
			if _, ok := in.Marks[c.Key]; !ok {
				p.Add("marks."+c.Key, "err.score.missing")
			}
		}
	}
	if err := p.Err(); err != nil {
		fe, _ := errors.AsType[*fault.Error](err)
		fe.FieldArgs = args
		return 0, fe
	}
	if !complete {
		return 0, nil
	}
	r := scoring.Rubric{}
	for _, c := range rubric {
		r.Criteria = append(r.Criteria, scoring.Criterion{Key: c.Key, Name: c.NameZh, Max: c.Max, Weight: c.Weight})
	}
	return r.Total(in.Marks)
}

// writeDraft stores a draft (or a reopened sheet being changed) and its marks
// in tx. A sheet submitted meanwhile is left alone: err.score.already_submitted.
func writeDraft(ctx context.Context, tx *sqlx.Tx, a judgeAssignment, in SheetInput, state SheetState, now time.Time) error {
	var sheetID int64
	err := tx.GetContext(ctx, &sheetID, `
		INSERT INTO score_sheets AS sh (assignment_id, state, comment, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (assignment_id) DO UPDATE SET state = EXCLUDED.state, total = NULL, comment = EXCLUDED.comment,
		    submitted_at = NULL, updated_at = EXCLUDED.updated_at
		WHERE sh.state <> 'submitted'
		RETURNING id`, a.ID, state, strings.TrimSpace(in.Comment), now)
	if errors.Is(err, sql.ErrNoRows) {
		return errAlreadySubmitted()
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM marks WHERE sheet_id = $1`, sheetID); err != nil {
		return err
	}
	for key, points := range in.Marks {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO marks (sheet_id, criterion_id, points, comment)
			SELECT $1, id, $3, $4 FROM criteria WHERE round_id = $2 AND key = $5`,
			sheetID, a.RoundID, points, strings.TrimSpace(in.Comments[key]), key); err != nil {
			return err
		}
	}
	return nil
}

// lockOpenSheet locks the judge's assignment and checks that it may be scored now.
func (s *Service) lockOpenSheet(ctx context.Context, tx *sqlx.Tx, j access.JudgeSession, assignmentID int64) (judgeAssignment, Sheet, []contest.Criterion, error) {
	a, err := s.judgeAssignment(ctx, tx, j, assignmentID, true)
	if err != nil {
		return a, Sheet{}, nil, err
	}
	if a.RoundState != contest.RoundOpen {
		return a, Sheet{}, nil, fault.Conflict("err.score.round_not_open")
	}
	var liveOpen bool
	if err := tx.GetContext(ctx, &liveOpen, `SELECT live_scoring_open($1)`, a.ID); err != nil {
		return a, Sheet{}, nil, err
	}
	if !liveOpen {
		return a, Sheet{}, nil, ErrLiveScoringClosed()
	}
	sheet, err := loadSheet(ctx, tx, a)
	if err != nil {
		return a, sheet, nil, err
	}
	if sheet.State == SheetSubmitted {
		return a, sheet, nil, errAlreadySubmitted()
	}
	rubric, err := contest.RoundCriteria(ctx, tx, a.RoundID)
	return a, sheet, rubric, err
}

// SaveDraft keeps what a judge has typed so far (validated as far as it goes).
func (s *Service) SaveDraft(ctx context.Context, j access.JudgeSession, assignmentID int64, in SheetInput) (Sheet, error) {
	var out Sheet
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		a, sheet, rubric, err := s.lockOpenSheet(ctx, tx, j, assignmentID)
		if err != nil {
			return err
		}
		if _, err := checkMarks(rubric, in, false); err != nil {
			return err
		}
		state := SheetDraft
		if sheet.State == SheetReopened {
			state = SheetReopened
		}
		if err := writeDraft(ctx, tx, a, in, state, s.now()); err != nil {
			return err
		}
		out, err = loadSheet(ctx, tx, a)
		return err
	})
	return out, err
}

// RequestHash identifies a submission's content for its idempotency key: the
// SHA-256 of the assignment's id and the request's exact bytes. A retry with
// the same key must send the same bytes for the same assignment.
func RequestHash(assignmentID int64, body []byte) []byte {
	h := sha256.New()
	fmt.Fprintf(h, "%d\n", assignmentID)
	h.Write(body)
	return h.Sum(nil)
}

// SubmitSheet submits a judge's sheet exactly once. key is the client-made
// idempotency key (scoped to the judge) and requestHash identifies the request's
// content: a retry with the same key and content returns the stored original
// response; the same key with other content is refused (err.score.key_reused);
// a key whose first request is still being processed is err.score.in_progress.
//
// Everything is checked first, without locks; then one statement writes the
// sheet, its marks, the key with the response (the sheet as submitted, in
// JSON) and the audit record, and re-checks what a concurrent change could
// have broken. The contest's audit chain is therefore held only for that
// statement's end and the commit.
func (s *Service) SubmitSheet(ctx context.Context, j access.JudgeSession, assignmentID int64, in SheetInput, key string, requestHash []byte) (json.RawMessage, error) {
	if key == "" || len(key) > 200 {
		return nil, fault.Invalid("idempotency_key", "err.score.key_required")
	}
	judgeID := j.AccountID
	t, err := s.submitTarget(ctx, j, assignmentID, key)
	if err != nil {
		return nil, err
	}
	if !t.Reached {
		return nil, fault.NotFound("err.assign.not_found") // as another judge's assignment
	}
	if replay, err := t.replay(requestHash); replay != nil || err != nil {
		return replay, err
	}
	if err := t.open(); err != nil {
		return nil, err
	}
	total, err := checkMarks(t.rubric(), in, true)
	if err != nil {
		return nil, err
	}
	now := s.now().Truncate(time.Microsecond)
	sheet := submittedSheet(assignmentID, t.BlindCode, in, total, now)
	response, err := json.Marshal(sheet)
	if err != nil {
		return nil, err
	}
	ent, err := audit.NewPending(s.now(), &t.ContestID.Int64, &judgeID, audit.ScoreSubmitted, t.BlindCode,
		map[string]any{"assignment": assignmentID, "entry": t.EntryID.Int64, "marks": in.Marks, "total": total})
	if err != nil {
		return nil, err
	}
	written, err := s.writeSubmission(ctx, judgeID, key, requestHash, t, sheet, response, ent)
	switch {
	case err != nil && pq.As(err, sheetClosed) == nil:
		return nil, err
	case err == nil && !written.Free:
		return nil, errInProgress()
	case err == nil && written.Written:
		s.sheetChanged(ctx, SheetChange{ContestID: t.ContestID.Int64, RoundID: t.RoundID.Int64, EntryID: t.EntryID.Int64,
			AssignmentID: assignmentID, Submitted: true})
		return response, nil
	}
	// Not written: something changed since the checks above (a twin request
	// committed, the sheet was submitted, the round closed, the assignment
	// ended): check again and say which.
	if t, err = s.submitTarget(ctx, j, assignmentID, key); err != nil {
		return nil, err
	}
	if replay, err := t.replay(requestHash); replay != nil || err != nil {
		return replay, err
	}
	if err := t.open(); err != nil {
		return nil, err
	}
	return nil, errInProgress()
}

// submissionWritten is what submitSQL reports.
type submissionWritten struct {
	Free    bool `db:"free"`    // no twin request held the key
	Marks   int  `db:"marks"`   // marks written
	Keys    int  `db:"keys"`    // idempotency keys written
	Written bool `db:"written"` // the audit record, and so everything, was written
}

// writeSubmission runs submitSQL for a checked sheet. One statement is its own
// transaction: the chain is held from the moment it is taken to the commit,
// with no round trip in between.
func (s *Service) writeSubmission(ctx context.Context, judgeID int64, key string, requestHash []byte, t submitTarget,
	sheet Sheet, response []byte, ent audit.Pending) (submissionWritten, error) {
	var w submissionWritten
	keys := slices.Sorted(maps.Keys(sheet.Marks))
	points, comments := make(pq.Int64Array, len(keys)), make(pq.StringArray, len(keys))
	for i, k := range keys {
		points[i], comments[i] = int64(sheet.Marks[k]), sheet.Comments[k]
	}
	args := append([]any{judgeID, key, requestHash, sheet.AssignmentID, t.RoundID.Int64, *sheet.Total, sheet.Comment,
		*sheet.SubmittedAt, response, pq.StringArray(keys), points, comments}, ent.Args()...)
	st, err := s.db.Stmt(ctx, submitSQL)
	if err != nil {
		return w, err
	}
	err = st.GetContext(ctx, &w, args...)
	return w, err
}

// sheetClosed is the SQLSTATE of assert_sheet_open (migration 00006): the
// round closed or the assignment ended while the submission was being written.
const sheetClosed pqerror.Code = "PD002"

// submitSQL writes a submission: $1 judge, $2 key, $3 request hash,
// $4 assignment, $5 round, $6 total, $7 comment, $8 time, $9 response,
// $10–$12 the marks' keys, points and comments, $13– the audit record. It
// writes nothing when the key is in use by a request in flight (free false)
// or already stored, or when the assignment, round or sheet are no longer
// open to it (written false). The marks and the key are written before the
// chain's head is taken (the target list is evaluated in order), to hold the
// head for as short a time as possible.
var submitSQL = `
	WITH guard AS (
		SELECT pg_try_advisory_xact_lock(hashtextextended($2, $1)) AS free),
	sheet AS (
		INSERT INTO score_sheets AS sh (assignment_id, state, total, comment, submitted_at, updated_at)
		SELECT a.id, 'submitted', $6, $7, $8, $8
		FROM guard, assignments a JOIN rounds r ON r.id = a.round_id JOIN experts x ON x.id = a.expert_id
		WHERE guard.free AND a.id = $4 AND a.state = 'active' AND x.account_id = $1 AND r.state = 'open'
		  AND NOT EXISTS (SELECT FROM idempotency_keys WHERE account_id = $1 AND key = $2)
		ON CONFLICT (assignment_id) DO UPDATE SET state = 'submitted', total = EXCLUDED.total, comment = EXCLUDED.comment,
		    submitted_at = EXCLUDED.submitted_at, updated_at = EXCLUDED.updated_at
		WHERE sh.state <> 'submitted'
		RETURNING id),
	new_marks AS (
		INSERT INTO marks (sheet_id, criterion_id, points, comment)
		SELECT sheet.id, c.id, v.points, v.comment
		FROM sheet, unnest($10::text[], $11::int[], $12::text[]) AS v (key, points, comment)
		JOIN criteria c ON c.round_id = $5 AND c.key = v.key
		ON CONFLICT (sheet_id, criterion_id) DO UPDATE SET points = EXCLUDED.points, comment = EXCLUDED.comment
		RETURNING 1),
	idempotency AS (
		INSERT INTO idempotency_keys (account_id, key, request_hash, status, response, created_at, completed_at)
		SELECT $1, $2, $3, 201, $9, $8, $8 FROM sheet
		RETURNING 1),` + audit.CTEs(13, "FROM sheet", "assert_sheet_open($4)") + `
	SELECT g.free, (SELECT count(*) FROM new_marks) AS marks, (SELECT count(*) FROM idempotency) AS keys,
	       EXISTS (SELECT FROM audit_record) AS written
	FROM guard g`

// submitTarget is what a submission is checked against: the key's earlier use,
// the judge's active assignment, its round, the sheet's state and the rubric.
type submitTarget struct {
	KeyHash     []byte         `db:"request_hash"`
	KeyResponse []byte         `db:"response"`
	Reached     bool           `db:"reached"`  // the assignment is in a contest the session reaches
	RoundID     sql.NullInt64  `db:"round_id"` // NULL: no such active assignment of the judge
	ContestID   sql.NullInt64  `db:"contest_id"`
	EntryID     sql.NullInt64  `db:"entry_id"`
	RoundState  sql.NullString `db:"round_state"`
	BlindCode   string         `db:"blind_code"`
	SheetState  sql.NullString `db:"sheet_state"`
	LiveOpen    bool           `db:"live_open"` // see live_scoring_open (migration 00013)
	Keys        pq.StringArray `db:"keys"`
	Names       pq.StringArray `db:"names"`
	Max         pq.Int64Array  `db:"maxes"`
	Weight      pq.Int64Array  `db:"weights"`
	Step        pq.Int64Array  `db:"steps"`
}

func (s *Service) submitTarget(ctx context.Context, j access.JudgeSession, assignmentID int64, key string) (submitTarget, error) {
	var t submitTarget
	st, err := s.db.Stmt(ctx, submitTargetSQL)
	if err != nil {
		return t, err
	}
	err = st.GetContext(ctx, &t, j.AccountID, assignmentID, key, j.Reach.Arg())
	return t, err
}

// submitTargetSQL reads a submitTarget: $1 judge, $2 assignment, $3 key, $4
// the contests the session reaches. An assignment out of reach is reported
// before the key is, so a key's stored response never crosses contests.
var submitTargetSQL = `
		SELECT k.request_hash, k.response,
		       EXISTS (SELECT FROM assignments ra JOIN rounds rr ON rr.id = ra.round_id
		               WHERE ra.id = $2 AND ` + access.ReachSQL("rr.contest_id", "$4") + `) AS reached,
		       a.round_id, r.contest_id, a.entry_id, r.state AS round_state,
		       coalesce(b.code, '') AS blind_code, sh.state AS sheet_state,
		       coalesce(live_scoring_open(a.id), true) AS live_open, c.keys, c.names, c.maxes, c.weights, c.steps
		FROM (SELECT) AS one
		LEFT JOIN idempotency_keys k ON k.account_id = $1 AND k.key = $3
		LEFT JOIN assignments a ON a.id = $2 AND a.state = 'active'
		     AND EXISTS (SELECT FROM experts x WHERE x.id = a.expert_id AND x.account_id = $1)
		LEFT JOIN rounds r ON r.id = a.round_id
		LEFT JOIN blind_codes b ON b.round_id = a.round_id AND b.entry_id = a.entry_id
		LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
		LEFT JOIN LATERAL (
			SELECT array_agg(key ORDER BY position) AS keys, array_agg(name_zh ORDER BY position) AS names,
			       array_agg(max_points ORDER BY position) AS maxes, array_agg(weight ORDER BY position) AS weights,
			       array_agg(step ORDER BY position) AS steps
			FROM criteria WHERE round_id = a.round_id) c ON true`

// replay answers a key seen before: its stored response, or why not.
func (t submitTarget) replay(requestHash []byte) (json.RawMessage, error) {
	switch {
	case t.KeyHash == nil:
		return nil, nil
	case !bytes.Equal(t.KeyHash, requestHash):
		return nil, fault.Invalid("idempotency_key", "err.score.key_reused")
	case t.KeyResponse == nil:
		return nil, errInProgress()
	}
	return t.KeyResponse, nil
}

// open says why the sheet cannot be submitted now, if it cannot.
func (t submitTarget) open() error {
	switch {
	case !t.RoundID.Valid:
		return fault.NotFound("err.assign.not_found") // another judge's assignment is simply not there
	case contest.RoundState(t.RoundState.String) != contest.RoundOpen:
		return fault.Conflict("err.score.round_not_open")
	case SheetState(t.SheetState.String) == SheetSubmitted:
		return errAlreadySubmitted()
	case !t.LiveOpen:
		return ErrLiveScoringClosed()
	}
	return nil
}

func (t submitTarget) rubric() []contest.Criterion {
	cs := make([]contest.Criterion, len(t.Keys))
	for i := range cs {
		cs[i] = contest.Criterion{Key: t.Keys[i], NameZh: t.Names[i], Max: scoring.Points(t.Max[i]),
			Weight: scoring.Points(t.Weight[i]), Step: scoring.Points(t.Step[i])}
	}
	return cs
}

// submittedSheet is the sheet as a submission stores it, as loadSheet would read it back.
func submittedSheet(assignmentID int64, blindCode string, in SheetInput, total scoring.Points, at time.Time) Sheet {
	sh := Sheet{AssignmentID: assignmentID, BlindCode: blindCode, State: SheetSubmitted, Marks: map[string]scoring.Points{},
		Comments: map[string]string{}, Comment: strings.TrimSpace(in.Comment), Total: &total, SubmittedAt: contest.UTC(&at)}
	for k, p := range in.Marks {
		sh.Marks[k] = p
		if c := strings.TrimSpace(in.Comments[k]); c != "" {
			sh.Comments[k] = c
		}
	}
	return sh
}

// ReopenSheet lets a judge change a submitted sheet again, for a reason the
// organizer gives (audited). The sheet is the submitted one of an active
// assignment in a round of the contest; another (a sheet not submitted, or of
// an assignment the organizers removed, which the round no longer counts) is
// not found, and a published round's sheets are final.
func (s *Service) ReopenSheet(ctx context.Context, actorID, contestID, assignmentID int64, reason string) error {
	return s.reopenSheet(ctx, actorID, contestID, "", assignmentID, reason)
}

// ErrLiveScoringClosed is the refusal of a live round's sheet while scoring is
// not open for its entry in its judge's room (contest/live): a judge cannot
// score ahead, nor after the organizer closed scoring.
func ErrLiveScoringClosed() error {
	return &fault.Error{Code: fault.CodeConflict, Message: "err.live.scoring_not_open", Reason: "live_scoring_closed"}
}

// ReopenSheetInRound is ReopenSheet for a sheet of the round named: a sheet
// of another round is not found.
func (s *Service) ReopenSheetInRound(ctx context.Context, actorID, contestID int64, roundKey string, assignmentID int64, reason string) error {
	if roundKey == "" {
		return fault.NotFound("err.score.not_submitted")
	}
	return s.reopenSheet(ctx, actorID, contestID, roundKey, assignmentID, reason)
}

// reopenSheet is the one rule of both: roundKey "" is any round of the contest.
func (s *Service) reopenSheet(ctx context.Context, actorID, contestID int64, roundKey string, assignmentID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fault.Invalid("reason", "err.score.reopen_reason")
	}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := s.ReopenSheetTx(ctx, tx, actorID, contestID, roundKey, assignmentID, reason)
		return err
	})
	if err == nil {
		s.sheetChangedByAssignment(ctx, assignmentID)
	}
	return err
}

// ReopenSheetTx is the reopening rule of ReopenSheetInRound (roundKey ""
// for any round of the contest) in the caller's transaction, audited there;
// the live stage reopens a judge's sheet this way together with its own
// change. It returns the sheet's entry. SheetChanged is not called: the
// caller tells its own listeners after its commit.
func (s *Service) ReopenSheetTx(ctx context.Context, tx *sqlx.Tx, actorID, contestID int64, roundKey string, assignmentID int64, reason string) (int64, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return 0, fault.Invalid("reason", "err.score.reopen_reason")
	}
	var entryID int64
	err := func() error {
		// The round's row lock orders the reopening with a publication.
		var round struct {
			State contest.RoundState `db:"state"`
			Entry int64              `db:"entry_id"`
		}
		err := tx.GetContext(ctx, &round, `
			SELECT r.state, a.entry_id FROM score_sheets sh JOIN assignments a ON a.id = sh.assignment_id JOIN rounds r ON r.id = a.round_id
			WHERE sh.assignment_id = $1 AND r.contest_id = $2 AND ($3 = '' OR r.key = $3)
			  AND a.state = 'active' AND sh.state = 'submitted'
			FOR UPDATE OF sh, r`, assignmentID, contestID, roundKey)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fault.NotFound("err.score.not_submitted")
		case err != nil:
			return err
		case round.State == contest.RoundPublished:
			return fault.Conflict("err.results.published")
		}
		entryID = round.Entry
		if _, err := tx.ExecContext(ctx, `UPDATE score_sheets SET state = 'reopened', updated_at = $2 WHERE assignment_id = $1`,
			assignmentID, s.now()); err != nil {
			return err
		}
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.ScoreReopened, fmt.Sprint(assignmentID),
			map[string]any{"assignment": assignmentID, "reason": reason})
	}()
	return entryID, err
}

// SubmittedSheet is a submitted sheet an organizer may reopen: its assignment and judge.
type SubmittedSheet struct {
	EntryID      int64  `db:"entry_id"`
	AssignmentID int64  `db:"assignment_id"`
	Judge        string `db:"judge"`
}

// SubmittedSheets lists the round's sheets an organizer may reopen (see
// ReopenSheet): the submitted sheets of active assignments, by entry and
// judge name; none once the round is published.
func (s *Service) SubmittedSheets(ctx context.Context, contestID int64, roundKey string) ([]SubmittedSheet, error) {
	out := []SubmittedSheet{}
	err := s.db.SelectContext(ctx, &out, `
		SELECT a.entry_id, a.id AS assignment_id, x.name AS judge
		FROM assignments a JOIN rounds r ON r.id = a.round_id JOIN experts x ON x.id = a.expert_id
		JOIN score_sheets sh ON sh.assignment_id = a.id
		WHERE r.contest_id = $1 AND r.key = $2 AND a.state = 'active' AND sh.state = 'submitted' AND r.state <> 'published'
		ORDER BY a.entry_id, x.name, a.id`, contestID, roundKey)
	return out, err
}
