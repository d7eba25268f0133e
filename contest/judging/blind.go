package judging

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/entry"
	"podium/fault"
	"podium/redact"
	"podium/scoring"
)

// BlindEntry is an entry as a judge sees it: its blind code and the submitted
// fields, with every name of the entrant blacked out. It has no identity fields
// at all — no title, organization, contacts, members or file names — so no
// judge-facing page or message can carry them.
type BlindEntry struct {
	AssignmentID int64              `json:"assignment_id"`
	BlindCode    string             `json:"blind_code"`
	ContestName  string             `json:"contest_name"`
	RoundName    string             `json:"round_name"`
	RoundState   contest.RoundState `json:"round_state"`
	ClosesAt     *time.Time         `json:"closes_at"`
	Track        string             `json:"track"`
	// The English names, where the contest has them (pages pick by language).
	ContestNameEn string              `json:"contest_name_en"`
	RoundNameEn   string              `json:"round_name_en"`
	TrackEn       string              `json:"track_en"`
	Fields        entry.Fields        `json:"fields"`
	Materials     []BlindFile         `json:"materials"`
	Rubric        []contest.Criterion `json:"rubric"`
	Sheet         Sheet               `json:"sheet"`
}

// BlindFile is a submitted file as a judge sees it: named by the blind code.
type BlindFile struct {
	ID          string           `json:"id"`
	Kind        entry.UploadKind `json:"kind"`
	Name        string           `json:"name"` // e.g. "MA-4K7Q-business_plan.pdf"
	ContentType string           `json:"content_type"`
	Size        int64            `json:"size"`
}

// judgeAssignment is an active assignment of the judge with what scoring needs.
type judgeAssignment struct {
	ID          int64              `db:"id"`
	RoundID     int64              `db:"round_id"`
	ContestID   int64              `db:"contest_id"`
	EntryID     int64              `db:"entry_id"`
	RoundState  contest.RoundState `db:"round_state"`
	RoundName   string             `db:"round_name"`
	ContestName string             `db:"contest_name"`
	ClosesAt    *time.Time         `db:"closes_at"`
	BlindCode   string             `db:"blind_code"`
	Track       string             `db:"track"`
	ContestEn   string             `db:"contest_name_en"`
	RoundEn     string             `db:"round_name_en"`
	TrackEn     string             `db:"track_en"`
}

// judgeAssignmentSQL selects the active assignments of judge $1 in the
// contests the session reaches ($2).
var judgeAssignmentSQL = `
	SELECT a.id, a.round_id, r.contest_id, a.entry_id, r.state AS round_state, r.name_zh AS round_name,
	       c.name_zh AS contest_name, r.closes_at, coalesce(b.code, '') AS blind_code, t.name_zh AS track,
	       c.name_en AS contest_name_en, r.name_en AS round_name_en, t.name_en AS track_en
	FROM assignments a
	JOIN experts x ON x.id = a.expert_id
	JOIN rounds r ON r.id = a.round_id
	JOIN contests c ON c.id = r.contest_id
	JOIN entries e ON e.id = a.entry_id
	JOIN tracks t ON t.id = e.track_id
	LEFT JOIN blind_codes b ON b.round_id = a.round_id AND b.entry_id = a.entry_id
	WHERE x.account_id = $1 AND a.state = 'active' AND ` + access.ReachSQL("r.contest_id", "$2")

func (s *Service) judgeAssignment(ctx context.Context, q sqlx.QueryerContext, j access.JudgeSession, assignmentID int64, lock bool) (judgeAssignment, error) {
	query := judgeAssignmentSQL + ` AND a.id = $3`
	if lock {
		query += ` FOR UPDATE OF a`
	}
	var a judgeAssignment
	err := sqlx.GetContext(ctx, q, &a, query, j.AccountID, j.Reach.Arg(), assignmentID)
	if errors.Is(err, sql.ErrNoRows) {
		// Another judge's assignment, or one in a contest the session does not
		// reach, is simply not there.
		return a, fault.NotFound("err.assign.not_found")
	}
	return a, err
}

// JudgeTask is one line of a judge's list of work.
type JudgeTask struct {
	AssignmentID int64              `json:"assignment_id"`
	BlindCode    string             `json:"blind_code"`
	ContestName  string             `json:"contest_name"`
	RoundName    string             `json:"round_name"`
	RoundState   contest.RoundState `json:"round_state"`
	ClosesAt     *time.Time         `json:"closes_at"`
	Track        string             `json:"track"`
	// The English names, where the contest has them.
	ContestNameEn string          `json:"contest_name_en"`
	RoundNameEn   string          `json:"round_name_en"`
	TrackEn       string          `json:"track_en"`
	SheetState    SheetState      `json:"sheet_state"`
	Total         *scoring.Points `json:"total"`
}

// JudgeTasks lists a judge's assignments in rounds that are open or closed, in
// the contests the session reaches.
func (s *Service) JudgeTasks(ctx context.Context, j access.JudgeSession) ([]JudgeTask, error) {
	var rows []struct {
		judgeAssignment
		SheetState SheetState      `db:"sheet_state"`
		Total      *scoring.Points `db:"total"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT j.*, coalesce(sh.state, 'new') AS sheet_state, sh.total
		FROM (`+judgeAssignmentSQL+`) j LEFT JOIN score_sheets sh ON sh.assignment_id = j.id
		WHERE j.round_state IN ('open', 'closed', 'published')
		  -- A live round split into rooms is scored on stage, from the room's live
		  -- page: its seated panel's assignments are not tasks to pick from a list.
		  AND NOT EXISTS (SELECT 1 FROM live_rooms lr WHERE lr.round_id = j.round_id)
		ORDER BY j.contest_id, j.round_id, j.blind_code`, j.AccountID, j.Reach.Arg())
	tasks := make([]JudgeTask, len(rows))
	for i, r := range rows {
		tasks[i] = JudgeTask{AssignmentID: r.ID, BlindCode: r.BlindCode, ContestName: r.ContestName, RoundName: r.RoundName,
			RoundState: r.RoundState, ClosesAt: contest.UTC(r.ClosesAt), Track: r.Track, SheetState: r.SheetState, Total: r.Total,
			ContestNameEn: r.ContestEn, RoundNameEn: r.RoundEn, TrackEn: r.TrackEn}
	}
	return tasks, err
}

// JudgeEntry is the judge's view of one assigned entry, with the rubric and the
// judge's own sheet (never another judge's).
func (s *Service) JudgeEntry(ctx context.Context, j access.JudgeSession, assignmentID int64) (BlindEntry, error) {
	a, err := s.judgeAssignment(ctx, s.db, j, assignmentID, false)
	if err != nil {
		return BlindEntry{}, err
	}
	if a.RoundState == contest.RoundDraft {
		return BlindEntry{}, fault.NotFound("err.assign.not_found")
	}
	snap, err := entry.SnapshotOf(ctx, s.db, a.EntryID)
	if err != nil {
		return BlindEntry{}, err
	}
	b := BlindEntry{AssignmentID: a.ID, BlindCode: a.BlindCode, ContestName: a.ContestName, RoundName: a.RoundName,
		RoundState: a.RoundState, ClosesAt: contest.UTC(a.ClosesAt), Track: a.Track,
		ContestNameEn: a.ContestEn, RoundNameEn: a.RoundEn, TrackEn: a.TrackEn,
		Fields: redactFields(snap.Fields, snap.Organization.RedactedNames()), Materials: []BlindFile{}}
	for _, u := range snap.Uploads {
		b.Materials = append(b.Materials, BlindFile{ID: u.ID, Kind: u.Kind, Name: blindFileName(a.BlindCode, u),
			ContentType: u.ContentType, Size: u.Size})
	}
	if b.Rubric, err = contest.RoundCriteria(ctx, s.db, a.RoundID); err != nil {
		return BlindEntry{}, err
	}
	if b.Sheet, err = loadSheet(ctx, s.db, a); err != nil {
		return BlindEntry{}, err
	}
	return b, nil
}

// blindFileName names a material by the blind code and its kind, never by the uploaded name.
func blindFileName(code string, u entry.Upload) string {
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
func redactFields(f entry.Fields, names []string) entry.Fields {
	r := redact.New(names).String
	f.Summary, f.Technology, f.Market, f.Team, f.Financing = r(f.Summary), r(f.Technology), r(f.Market), r(f.Team), r(f.Financing)
	kw := make([]string, len(f.Keywords))
	for i, k := range f.Keywords {
		kw[i] = r(k)
	}
	f.Keywords = kw
	return f
}

// JudgeFile returns a material of an entry the judge is assigned, for serving
// under its blind name. Its Key is what judges may read: for a PDF the judge
// copy (without the metadata that can name the entrant), made now if the
// upload has none yet; never the uploaded bytes of a PDF.
func (s *Service) JudgeFile(ctx context.Context, j access.JudgeSession, assignmentID int64, uploadID string) (entry.StoredUpload, string, error) {
	a, err := s.judgeAssignment(ctx, s.db, j, assignmentID, false)
	if err != nil || a.RoundState == contest.RoundDraft {
		return entry.StoredUpload{}, "", fault.NotFound("err.upload.not_found")
	}
	u, err := s.entries.FileForJudges(ctx, a.EntryID, uploadID)
	if err != nil {
		return entry.StoredUpload{}, "", err
	}
	return u, blindFileName(a.BlindCode, u.Upload), nil
}
