package contest

import (
	"bytes"
	"context"
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

	"podium/contest/redact"
	"podium/scoring"
)

// Audit actions of scoring.
const (
	AuditRoundState     = "round.state"
	AuditScoreSubmitted = "score.submitted"
	AuditScoreReopened  = "score.reopened"
)

// The reasons of the two conflicts a judge's tablet tells apart: a submission
// still being processed (retry the same request later) and a sheet submitted
// already (by another request: the stored sheet is the result).
const (
	ReasonInProgress       = "in_progress"
	ReasonAlreadySubmitted = "already_submitted"
)

func errInProgress() error {
	return &Error{Code: CodeConflict, Message: "err.score.in_progress", Reason: ReasonInProgress}
}

func errAlreadySubmitted() error {
	return &Error{Code: CodeConflict, Message: "err.score.already_submitted", Reason: ReasonAlreadySubmitted}
}

// SetRoundState opens a round for scoring, closes it, or opens it again.
func (s *Store) SetRoundState(ctx context.Context, actorID, contestID int64, roundKey, state string) error {
	allowed := map[string][]string{RoundOpen: {RoundDraft, RoundClosed}, RoundClosed: {RoundOpen}}
	from, ok := allowed[state]
	if !ok {
		return Invalid("state", "err.round.state")
	}
	return inTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		r, err := roundByKey(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE rounds SET state = $2 WHERE id = $1 AND state = ANY($3)`, r.ID, state, pq.StringArray(from))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Conflict("err.round.state_change")
		}
		// The record takes the contest's chain head until commit; a submission
		// re-checks the round once it holds the head (assert_sheet_open), so it
		// is either recorded before the round closed or refused.
		return s.audit(ctx, tx, &contestID, &actorID, AuditRoundState, roundKey, map[string]string{"state": state})
	})
}

// BlindEntry is an entry as a judge sees it: its blind code and the submitted
// fields, with every name of the entrant blacked out. It has no identity fields
// at all — no title, organization, contacts, members or file names — so no
// judge-facing page or message can carry them.
type BlindEntry struct {
	AssignmentID int64       `json:"assignment_id"`
	BlindCode    string      `json:"blind_code"`
	ContestName  string      `json:"contest_name"`
	RoundName    string      `json:"round_name"`
	RoundState   string      `json:"round_state"`
	ClosesAt     *time.Time  `json:"closes_at"`
	Track        string      `json:"track"`
	Fields       EntryFields `json:"fields"`
	Materials    []BlindFile `json:"materials"`
	Rubric       []Criterion `json:"rubric"`
	Sheet        Sheet       `json:"sheet"`
}

// BlindFile is a submitted file as a judge sees it: named by the blind code.
type BlindFile struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Name        string `json:"name"` // e.g. "MA-4K7Q-business_plan.pdf"
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
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
	out, p := make(Marks, len(raw)), Problems{}
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
	State        string                    `json:"state"` // new, draft, submitted, reopened
	Marks        map[string]scoring.Points `json:"marks"`
	Comments     map[string]string         `json:"comments"`
	Comment      string                    `json:"comment"`
	Total        *scoring.Points           `json:"total"`
	SubmittedAt  *time.Time                `json:"submitted_at"`
}

// judgeAssignment is an active assignment of the judge with what scoring needs.
type judgeAssignment struct {
	ID          int64      `db:"id"`
	RoundID     int64      `db:"round_id"`
	ContestID   int64      `db:"contest_id"`
	EntryID     int64      `db:"entry_id"`
	RoundState  string     `db:"round_state"`
	RoundName   string     `db:"round_name"`
	ContestName string     `db:"contest_name"`
	ClosesAt    *time.Time `db:"closes_at"`
	BlindCode   string     `db:"blind_code"`
	Track       string     `db:"track"`
}

// judgeAssignmentSQL selects the active assignments of judge $1 in the
// contests the session reaches ($2).
var judgeAssignmentSQL = `
	SELECT a.id, a.round_id, r.contest_id, a.entry_id, r.state AS round_state, r.name_zh AS round_name,
	       c.name_zh AS contest_name, r.closes_at, coalesce(b.code, '') AS blind_code, t.name_zh AS track
	FROM assignments a
	JOIN experts x ON x.id = a.expert_id
	JOIN rounds r ON r.id = a.round_id
	JOIN contests c ON c.id = r.contest_id
	JOIN entries e ON e.id = a.entry_id
	JOIN tracks t ON t.id = e.track_id
	LEFT JOIN blind_codes b ON b.round_id = a.round_id AND b.entry_id = a.entry_id
	WHERE x.account_id = $1 AND a.state = 'active' AND ` + reachSQL("r.contest_id", "$2")

func (s *Store) judgeAssignment(ctx context.Context, q sqlx.QueryerContext, j JudgeSession, assignmentID int64, lock bool) (judgeAssignment, error) {
	query := judgeAssignmentSQL + ` AND a.id = $3`
	if lock {
		query += ` FOR UPDATE OF a`
	}
	var a judgeAssignment
	err := sqlx.GetContext(ctx, q, &a, query, j.AccountID, j.Reach.arg(), assignmentID)
	if errors.Is(err, sql.ErrNoRows) {
		// Another judge's assignment, or one in a contest the session does not
		// reach, is simply not there.
		return a, NotFound("err.assign.not_found")
	}
	return a, err
}

// JudgeTask is one line of a judge's list of work.
type JudgeTask struct {
	AssignmentID int64           `json:"assignment_id"`
	BlindCode    string          `json:"blind_code"`
	ContestName  string          `json:"contest_name"`
	RoundName    string          `json:"round_name"`
	RoundState   string          `json:"round_state"`
	ClosesAt     *time.Time      `json:"closes_at"`
	Track        string          `json:"track"`
	SheetState   string          `json:"sheet_state"` // new, draft, submitted, reopened
	Total        *scoring.Points `json:"total"`
}

// JudgeTasks lists a judge's assignments in rounds that are open or closed, in
// the contests the session reaches.
func (s *Store) JudgeTasks(ctx context.Context, j JudgeSession) ([]JudgeTask, error) {
	var rows []struct {
		judgeAssignment
		SheetState string          `db:"sheet_state"`
		Total      *scoring.Points `db:"total"`
	}
	err := s.DB.SelectContext(ctx, &rows, `
		SELECT j.*, coalesce(sh.state, 'new') AS sheet_state, sh.total
		FROM (`+judgeAssignmentSQL+`) j LEFT JOIN score_sheets sh ON sh.assignment_id = j.id
		WHERE j.round_state IN ('open', 'closed', 'published')
		ORDER BY j.contest_id, j.round_id, j.blind_code`, j.AccountID, j.Reach.arg())
	tasks := make([]JudgeTask, len(rows))
	for i, r := range rows {
		tasks[i] = JudgeTask{AssignmentID: r.ID, BlindCode: r.BlindCode, ContestName: r.ContestName, RoundName: r.RoundName,
			RoundState: r.RoundState, ClosesAt: utc(r.ClosesAt), Track: r.Track, SheetState: r.SheetState, Total: r.Total}
	}
	return tasks, err
}

// JudgeEntry is the judge's view of one assigned entry, with the rubric and the
// judge's own sheet (never another judge's).
func (s *Store) JudgeEntry(ctx context.Context, j JudgeSession, assignmentID int64) (BlindEntry, error) {
	a, err := s.judgeAssignment(ctx, s.DB, j, assignmentID, false)
	if err != nil {
		return BlindEntry{}, err
	}
	if a.RoundState == RoundDraft {
		return BlindEntry{}, NotFound("err.assign.not_found")
	}
	var row struct {
		Snapshot []byte `db:"snapshot"`
	}
	if err := s.DB.GetContext(ctx, &row, `SELECT snapshot FROM entries WHERE id = $1`, a.EntryID); err != nil {
		return BlindEntry{}, err
	}
	var snap Snapshot
	if row.Snapshot != nil {
		if err := json.Unmarshal(row.Snapshot, &snap); err != nil {
			return BlindEntry{}, err
		}
	}
	b := BlindEntry{AssignmentID: a.ID, BlindCode: a.BlindCode, ContestName: a.ContestName, RoundName: a.RoundName,
		RoundState: a.RoundState, ClosesAt: utc(a.ClosesAt), Track: a.Track,
		Fields: redactFields(snap.Fields, snap.Organization.redactedNames()), Materials: []BlindFile{}}
	for _, u := range snap.Uploads {
		b.Materials = append(b.Materials, BlindFile{ID: u.ID, Kind: u.Kind, Name: blindFileName(a.BlindCode, u),
			ContentType: u.ContentType, Size: u.Size})
	}
	if b.Rubric, err = roundCriteria(ctx, s.DB, a.RoundID); err != nil {
		return BlindEntry{}, err
	}
	if b.Sheet, err = loadSheet(ctx, s.DB, a); err != nil {
		return BlindEntry{}, err
	}
	return b, nil
}

// blindFileName names a material by the blind code and its kind, never by the uploaded name.
func blindFileName(code string, u Upload) string {
	ext := ""
	switch u.ContentType {
	case "application/pdf":
		ext = ".pdf"
	case "video/mp4":
		ext = ".mp4"
	case "application/vnd.openxmlformats-officedocument.presentationml.presentation":
		ext = ".pptx"
	}
	return fmt.Sprintf("%s-%s-%s%s", code, u.Kind, u.ID[:8], ext)
}

// redactFields blacks out, in every text field, the entrant's organization and
// people's names in any spelling (case, full-width or half-width forms, spaces
// inside; the organization's short forms too) and anyone's phone numbers,
// e-mail addresses and credit codes.
func redactFields(f EntryFields, names []string) EntryFields {
	r := redact.New(names).String
	f.Summary, f.Technology, f.Market, f.Team, f.Financing = r(f.Summary), r(f.Technology), r(f.Market), r(f.Team), r(f.Financing)
	kw := make([]string, len(f.Keywords))
	for i, k := range f.Keywords {
		kw[i] = r(k)
	}
	f.Keywords = kw
	return f
}

func roundCriteria(ctx context.Context, q sqlx.QueryerContext, roundID int64) ([]Criterion, error) {
	var cs []Criterion
	err := sqlx.SelectContext(ctx, q, &cs, `
		SELECT key, name_zh, name_en, description_zh, description_en, max_points AS max, weight, step
		FROM criteria WHERE round_id = $1 ORDER BY position`, roundID)
	return cs, err
}

func loadSheet(ctx context.Context, q sqlx.QueryerContext, a judgeAssignment) (Sheet, error) {
	sh := Sheet{AssignmentID: a.ID, BlindCode: a.BlindCode, State: "new", Marks: map[string]scoring.Points{}, Comments: map[string]string{}}
	var row struct {
		ID          int64           `db:"id"`
		State       string          `db:"state"`
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
	sh.State, sh.Total, sh.Comment, sh.SubmittedAt = row.State, row.Total, row.Comment, utc(row.SubmittedAt)
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

// checkMarks validates marks against the rubric: range, step, known criteria,
// and (for a submission) every criterion present. It returns the total.
func checkMarks(rubric []Criterion, in SheetInput, complete bool) (scoring.Points, error) {
	p := Problems{}
	byKey := map[string]Criterion{}
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
			p.Add("marks."+key, "err.score.range")
		case mark%c.Step != 0:
			p.Add("marks."+key, "err.score.step")
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
	if err := p.Err(); err != nil || !complete {
		return 0, err
	}
	r := scoring.Rubric{}
	for _, c := range rubric {
		r.Criteria = append(r.Criteria, scoring.Criterion{Key: c.Key, Name: c.NameZh, Max: c.Max, Weight: c.Weight})
	}
	return r.Total(in.Marks)
}

// writeDraft stores a draft (or a reopened sheet being changed) and its marks
// in tx. A sheet submitted meanwhile is left alone: err.score.already_submitted.
func writeDraft(ctx context.Context, tx *sqlx.Tx, a judgeAssignment, in SheetInput, state string, now time.Time) error {
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
func (s *Store) lockOpenSheet(ctx context.Context, tx *sqlx.Tx, j JudgeSession, assignmentID int64) (judgeAssignment, Sheet, []Criterion, error) {
	a, err := s.judgeAssignment(ctx, tx, j, assignmentID, true)
	if err != nil {
		return a, Sheet{}, nil, err
	}
	if a.RoundState != RoundOpen {
		return a, Sheet{}, nil, Conflict("err.score.round_not_open")
	}
	sheet, err := loadSheet(ctx, tx, a)
	if err != nil {
		return a, sheet, nil, err
	}
	if sheet.State == "submitted" {
		return a, sheet, nil, errAlreadySubmitted()
	}
	rubric, err := roundCriteria(ctx, tx, a.RoundID)
	return a, sheet, rubric, err
}

// SaveDraft keeps what a judge has typed so far (validated as far as it goes).
func (s *Store) SaveDraft(ctx context.Context, j JudgeSession, assignmentID int64, in SheetInput) (Sheet, error) {
	var out Sheet
	err := inTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		a, sheet, rubric, err := s.lockOpenSheet(ctx, tx, j, assignmentID)
		if err != nil {
			return err
		}
		if _, err := checkMarks(rubric, in, false); err != nil {
			return err
		}
		state := "draft"
		if sheet.State == "reopened" {
			state = "reopened"
		}
		if err := writeDraft(ctx, tx, a, in, state, s.now()); err != nil {
			return err
		}
		out, err = loadSheet(ctx, tx, a)
		return err
	})
	return out, err
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
func (s *Store) SubmitSheet(ctx context.Context, j JudgeSession, assignmentID int64, in SheetInput, key string, requestHash []byte) (json.RawMessage, error) {
	if key == "" || len(key) > 200 {
		return nil, Invalid("idempotency_key", "err.score.key_required")
	}
	judgeID := j.AccountID
	t, err := s.submitTarget(ctx, j, assignmentID, key)
	if err != nil {
		return nil, err
	}
	if !t.Reached {
		return nil, NotFound("err.assign.not_found") // as another judge's assignment
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
	entry, err := s.newAuditEntry(&t.ContestID.Int64, &judgeID, AuditScoreSubmitted, t.BlindCode,
		map[string]any{"assignment": assignmentID, "entry": t.EntryID.Int64, "marks": in.Marks, "total": total})
	if err != nil {
		return nil, err
	}
	written, err := s.writeSubmission(ctx, judgeID, key, requestHash, t, sheet, response, entry)
	switch {
	case err != nil && pq.As(err, sheetClosed) == nil:
		return nil, err
	case err == nil && !written.Free:
		return nil, errInProgress()
	case err == nil && written.Written:
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
func (s *Store) writeSubmission(ctx context.Context, judgeID int64, key string, requestHash []byte, t submitTarget,
	sheet Sheet, response []byte, entry auditEntry) (submissionWritten, error) {
	var w submissionWritten
	keys := slices.Sorted(maps.Keys(sheet.Marks))
	points, comments := make(pq.Int64Array, len(keys)), make(pq.StringArray, len(keys))
	for i, k := range keys {
		points[i], comments[i] = int64(sheet.Marks[k]), sheet.Comments[k]
	}
	args := append([]any{judgeID, key, requestHash, sheet.AssignmentID, t.RoundID.Int64, *sheet.Total, sheet.Comment,
		*sheet.SubmittedAt, response, pq.StringArray(keys), points, comments}, entry.args()...)
	st, err := s.stmt(ctx, submitSQL)
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
		RETURNING 1),` + auditCTEs(13, "FROM sheet", "assert_sheet_open($4)") + `
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
	Keys        pq.StringArray `db:"keys"`
	Names       pq.StringArray `db:"names"`
	Max         pq.Int64Array  `db:"maxes"`
	Weight      pq.Int64Array  `db:"weights"`
	Step        pq.Int64Array  `db:"steps"`
}

func (s *Store) submitTarget(ctx context.Context, j JudgeSession, assignmentID int64, key string) (submitTarget, error) {
	var t submitTarget
	st, err := s.stmt(ctx, submitTargetSQL)
	if err != nil {
		return t, err
	}
	err = st.GetContext(ctx, &t, j.AccountID, assignmentID, key, j.Reach.arg())
	return t, err
}

// submitTargetSQL reads a submitTarget: $1 judge, $2 assignment, $3 key, $4
// the contests the session reaches. An assignment out of reach is reported
// before the key is, so a key's stored response never crosses contests.
var submitTargetSQL = `
		SELECT k.request_hash, k.response,
		       EXISTS (SELECT FROM assignments ra JOIN rounds rr ON rr.id = ra.round_id
		               WHERE ra.id = $2 AND ` + reachSQL("rr.contest_id", "$4") + `) AS reached,
		       a.round_id, r.contest_id, a.entry_id, r.state AS round_state,
		       coalesce(b.code, '') AS blind_code, sh.state AS sheet_state, c.keys, c.names, c.maxes, c.weights, c.steps
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
		return nil, Invalid("idempotency_key", "err.score.key_reused")
	case t.KeyResponse == nil:
		return nil, errInProgress()
	}
	return t.KeyResponse, nil
}

// open says why the sheet cannot be submitted now, if it cannot.
func (t submitTarget) open() error {
	switch {
	case !t.RoundID.Valid:
		return NotFound("err.assign.not_found") // another judge's assignment is simply not there
	case t.RoundState.String != RoundOpen:
		return Conflict("err.score.round_not_open")
	case t.SheetState.String == "submitted":
		return errAlreadySubmitted()
	}
	return nil
}

func (t submitTarget) rubric() []Criterion {
	cs := make([]Criterion, len(t.Keys))
	for i := range cs {
		cs[i] = Criterion{Key: t.Keys[i], NameZh: t.Names[i], Max: scoring.Points(t.Max[i]),
			Weight: scoring.Points(t.Weight[i]), Step: scoring.Points(t.Step[i])}
	}
	return cs
}

// submittedSheet is the sheet as a submission stores it, as loadSheet would read it back.
func submittedSheet(assignmentID int64, blindCode string, in SheetInput, total scoring.Points, at time.Time) Sheet {
	sh := Sheet{AssignmentID: assignmentID, BlindCode: blindCode, State: "submitted", Marks: map[string]scoring.Points{},
		Comments: map[string]string{}, Comment: strings.TrimSpace(in.Comment), Total: &total, SubmittedAt: utc(&at)}
	for k, p := range in.Marks {
		sh.Marks[k] = p
		if c := strings.TrimSpace(in.Comments[k]); c != "" {
			sh.Comments[k] = c
		}
	}
	return sh
}

// ReopenSheet lets a judge change a submitted sheet again, for a reason the
// organizer gives (audited).
func (s *Store) ReopenSheet(ctx context.Context, actorID, contestID, assignmentID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Invalid("reason", "err.score.reopen_reason")
	}
	return inTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE score_sheets sh SET state = 'reopened', updated_at = $3
			FROM assignments a JOIN rounds r ON r.id = a.round_id
			WHERE sh.assignment_id = $1 AND a.id = sh.assignment_id AND r.contest_id = $2 AND sh.state = 'submitted'`,
			assignmentID, contestID, s.now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return NotFound("err.score.not_submitted")
		}
		return s.audit(ctx, tx, &contestID, &actorID, AuditScoreReopened, fmt.Sprint(assignmentID),
			map[string]any{"assignment": assignmentID, "reason": reason})
	})
}

// SubmittedSheet is a submitted sheet an organizer may reopen: its assignment and judge.
type SubmittedSheet struct {
	EntryID      int64  `db:"entry_id"`
	AssignmentID int64  `db:"assignment_id"`
	Judge        string `db:"judge"`
}

// SubmittedSheets lists a round's submitted sheets of active assignments, by
// entry and judge name.
func (s *Store) SubmittedSheets(ctx context.Context, contestID int64, roundKey string) ([]SubmittedSheet, error) {
	out := []SubmittedSheet{}
	err := s.DB.SelectContext(ctx, &out, `
		SELECT a.entry_id, a.id AS assignment_id, x.name AS judge
		FROM assignments a JOIN rounds r ON r.id = a.round_id JOIN experts x ON x.id = a.expert_id
		JOIN score_sheets sh ON sh.assignment_id = a.id
		WHERE r.contest_id = $1 AND r.key = $2 AND a.state = 'active' AND sh.state = 'submitted'
		ORDER BY a.entry_id, x.name, a.id`, contestID, roundKey)
	return out, err
}

// JudgeFile returns a material of an entry the judge is assigned, for serving
// under its blind name. Its Key is what judges may read: for a PDF the judge
// copy (without the metadata that can name the entrant), made now if the
// upload has none yet; never the uploaded bytes of a PDF.
func (s *Store) JudgeFile(ctx context.Context, j JudgeSession, assignmentID int64, uploadID string) (StoredUpload, string, error) {
	a, err := s.judgeAssignment(ctx, s.DB, j, assignmentID, false)
	if err != nil || a.RoundState == RoundDraft {
		return StoredUpload{}, "", NotFound("err.upload.not_found")
	}
	u, err := s.storedUpload(ctx, storedUploadSelect+` WHERE b.id = $1 AND e.id = $2`, uploadID, a.EntryID)
	if err != nil {
		return StoredUpload{}, "", err
	}
	if u.needsJudgeCopy() {
		if u.JudgeKey == "" {
			if u.JudgeKey, err = s.makeJudgeCopy(ctx, u); err != nil {
				return StoredUpload{}, "", err
			}
		}
		u.Key = u.JudgeKey
	}
	return u, blindFileName(a.BlindCode, u.Upload), nil
}

// makeJudgeCopy makes and records the judge copy of an upload that has none
// (one from before judge copies, or recorded by a path that made none). Two
// judges opening it at once may both make one: the first recorded wins and
// the other is discarded.
func (s *Store) makeJudgeCopy(ctx context.Context, u StoredUpload) (string, error) {
	if s.JudgeCopies == nil {
		return "", &Error{Code: CodeConflict, Message: "err.upload.no_judge_copy", Err: errors.New("no JudgeCopier")}
	}
	key, meta, err := s.JudgeCopies.JudgeCopy(ctx, u.Key)
	if ErrorCode(err) == CodeInvalid { // the file cannot be read as a PDF: judges get nothing rather than the original
		return "", &Error{Code: CodeConflict, Message: "err.upload.no_judge_copy", Err: err}
	}
	if err != nil {
		return "", err
	}
	var recorded string
	err = s.DB.GetContext(ctx, &recorded, `
		UPDATE blobs SET judge_key = coalesce(judge_key, $2), metadata = CASE WHEN judge_key IS NULL THEN $3 ELSE metadata END
		WHERE id = $1 RETURNING judge_key`, u.ID, key, capText(meta, maxStoredMetadata))
	if err != nil || recorded != key {
		// Not recorded: an unreferenced copy would only take space.
		_ = s.JudgeCopies.Discard(context.WithoutCancel(ctx), key)
	}
	if errors.Is(err, sql.ErrNoRows) { // the upload was deleted meanwhile
		return "", NotFound("err.upload.not_found")
	}
	return recorded, err
}

// JudgeProgress is how far one judge is in a round.
type JudgeProgress struct {
	ExpertID  int64  `db:"expert_id" json:"expert_id"`
	Name      string `db:"name" json:"name"`
	Assigned  int    `db:"assigned" json:"assigned"`
	Submitted int    `db:"submitted" json:"submitted"`
	Drafts    int    `db:"drafts" json:"drafts"`
	Missing   int    `db:"missing" json:"missing"`
}

// EntryProgress is how far one entry's reviews are, against the reviews the
// round requires, and how far apart its totals are.
type EntryProgress struct {
	EntryID   int64           `db:"entry_id" json:"entry_id"`
	BlindCode string          `db:"blind_code" json:"blind_code"`
	Title     string          `db:"title" json:"title"`
	Assigned  int             `db:"assigned" json:"assigned"`
	Submitted int             `db:"submitted" json:"submitted"`
	Required  int             `db:"-" json:"required"`
	Status    ReviewStatus    `db:"-" json:"status"` // see EntryReviews
	Lowest    *scoring.Points `db:"lowest" json:"lowest"`
	Highest   *scoring.Points `db:"highest" json:"highest"`
}

// Spread is the distance between the highest and lowest submitted totals.
func (e EntryProgress) Spread() scoring.Points {
	if e.Lowest == nil || e.Highest == nil {
		return 0
	}
	return *e.Highest - *e.Lowest
}

// Progress reports a round's scoring per judge and per entry, for its organizers.
func (s *Store) Progress(ctx context.Context, contestID int64, roundKey string) ([]JudgeProgress, []EntryProgress, error) {
	r, err := roundByKey(ctx, s.DB, contestID, roundKey)
	if err != nil {
		return nil, nil, err
	}
	judges := []JudgeProgress{}
	err = s.DB.SelectContext(ctx, &judges, `
		SELECT x.id AS expert_id, x.name, count(*) AS assigned,
		       count(*) FILTER (WHERE sh.state = 'submitted') AS submitted,
		       count(*) FILTER (WHERE sh.state IN ('draft', 'reopened')) AS drafts,
		       count(*) FILTER (WHERE sh.state IS NULL) AS missing
		FROM assignments a JOIN experts x ON x.id = a.expert_id LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
		WHERE a.round_id = $1 AND a.state = 'active' GROUP BY x.id ORDER BY missing DESC, x.name`, r.ID)
	if err != nil {
		return nil, nil, err
	}
	entries := []EntryProgress{}
	// Every entry of the round, assigned or not (see roundReviewsSQL).
	err = s.DB.SelectContext(ctx, &entries, `
		SELECT e.id AS entry_id, coalesce(b.code, '') AS blind_code, e.title,
		       count(a.id) FILTER (WHERE a.state = 'active') AS assigned,
		       count(a.id) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted') AS submitted,
		       min(sh.total) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted') AS lowest,
		       max(sh.total) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted') AS highest
		FROM rounds rr JOIN entries e ON e.contest_id = rr.contest_id
		LEFT JOIN blind_codes b ON b.round_id = rr.id AND b.entry_id = e.id
		LEFT JOIN assignments a ON a.round_id = rr.id AND a.entry_id = e.id
		LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
		WHERE rr.id = $1 AND ((e.state = 'accepted' `+advancedFilter+`)
		      OR EXISTS (SELECT 1 FROM assignments x WHERE x.round_id = rr.id AND x.entry_id = e.id AND x.state = 'active'))
		GROUP BY e.id, b.code
		ORDER BY (max(sh.total) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted') -
		          min(sh.total) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted')) DESC NULLS LAST, e.id`, r.ID)
	if err != nil {
		return nil, nil, err
	}
	reviews, err := roundReviews(ctx, s.DB, r)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]EntryReviews, len(reviews))
	for _, e := range reviews {
		byID[e.EntryID] = e
	}
	for i, e := range entries {
		entries[i].Required, entries[i].Status = byID[e.EntryID].Required, byID[e.EntryID].Status
	}
	return judges, entries, nil
}
