package onward

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest/audit"
	"podium/fault"
	"podium/files/filecheck"
	"podium/files/intake"
)

// Due diligence (尽职调查) of nominations: the city checks at least a third
// of its nominees, and at least two per track, before it submits them; a
// failed check withdraws the nomination in the check's transaction.

// CheckOutcome is a due diligence's outcome.
type CheckOutcome string

// The outcomes.
const (
	CheckPass CheckOutcome = "pass"
	CheckFail CheckOutcome = "fail" // withdraws the nomination
)

// Limits of a due-diligence record.
const (
	MaxCheckersRunes = 200
	MaxFindingsRunes = 5000
	MaxCheckFiles    = 10
	MaxCheckFileSize = 20 << 20
	// MinCheckedPerTrack is the checks each track needs (fewer when it has fewer nominees).
	MinCheckedPerTrack = 2
)

// Check is one due diligence of a nomination.
type Check struct {
	ID           int64        `db:"id" json:"id"`
	NominationID int64        `db:"nomination_id" json:"-"`
	Checkers     string       `db:"checkers" json:"checkers"`
	CheckedOn    time.Time    `db:"checked_on" json:"checked_on"`
	Findings     string       `db:"findings" json:"findings"`
	Outcome      CheckOutcome `db:"outcome" json:"outcome"`
	RecordedAt   time.Time    `db:"recorded_at" json:"recorded_at"`
	Files        []CheckFile  `db:"-" json:"files"`
}

// Day is the check's date as written: 2026-11-20.
func (c Check) Day() string { return c.CheckedOn.Format(time.DateOnly) }

// CheckFile is a file of a due diligence (a report, a photo of the site).
type CheckFile struct {
	ID          int64  `db:"id" json:"id"`
	CheckID     int64  `db:"check_id" json:"-"`
	Key         string `db:"blob_key" json:"-"`
	Name        string `db:"name" json:"name"`
	ContentType string `db:"content_type" json:"content_type"`
	Size        int64  `db:"size" json:"size"`
}

// Upload is a file sent whole with a due diligence.
type Upload struct {
	Name string // as its sender named it, made safe (no path, no control characters)
	File intake.File
	Size int64
}

// CheckInput is a due diligence as the organizer records it.
type CheckInput struct {
	Checkers  string // who checked
	CheckedOn string // when: 2006-01-02
	Findings  string
	Outcome   CheckOutcome
	Files     []Upload
}

func checksOf(ctx context.Context, q sqlx.QueryerContext, nominationIDs []int64) ([]Check, error) {
	var checks []Check
	if err := sqlx.SelectContext(ctx, q, &checks, `
		SELECT id, nomination_id, checkers, checked_on, findings, outcome, recorded_at
		FROM nomination_checks WHERE nomination_id = ANY($1) ORDER BY recorded_at, id`, pq.Int64Array(nominationIDs)); err != nil {
		return nil, err
	}
	if len(checks) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(checks))
	at := map[int64]int{}
	for i := range checks {
		ids[i], at[checks[i].ID] = checks[i].ID, i
		checks[i].Files = []CheckFile{}
		checks[i].RecordedAt = checks[i].RecordedAt.UTC()
	}
	var files []CheckFile
	if err := sqlx.SelectContext(ctx, q, &files, `
		SELECT id, check_id, blob_key, name, content_type, size FROM nomination_check_files
		WHERE check_id = ANY($1) ORDER BY id`, pq.Int64Array(ids)); err != nil {
		return nil, err
	}
	for _, f := range files {
		checks[at[f.CheckID]].Files = append(checks[at[f.CheckID]].Files, f)
	}
	return checks, nil
}

// check validates the input's typed fields, every problem at once.
func (in *CheckInput) check(today time.Time) (time.Time, error) {
	in.Checkers = strings.TrimSpace(in.Checkers)
	in.Findings = strings.TrimSpace(strings.ReplaceAll(in.Findings, "\r\n", "\n"))
	p := fault.Problems{}
	switch n := utf8.RuneCountInString(in.Checkers); {
	case n == 0:
		p.Add("checkers", "err.required")
	case n > MaxCheckersRunes:
		p.Add("checkers", "err.too_long")
	}
	switch n := utf8.RuneCountInString(in.Findings); {
	case n == 0:
		p.Add("findings", "err.required")
	case n > MaxFindingsRunes:
		p.Add("findings", "err.too_long")
	}
	var day time.Time
	if strings.TrimSpace(in.CheckedOn) == "" {
		p.Add("checked_on", "err.required")
	} else if d, err := time.Parse(time.DateOnly, strings.TrimSpace(in.CheckedOn)); err != nil {
		p.Add("checked_on", "err.nomination.check_date")
	} else if d.After(today) {
		p.Add("checked_on", "err.nomination.check_future")
	} else {
		day = d
	}
	if in.Outcome != CheckPass && in.Outcome != CheckFail {
		p.Add("outcome", "err.nomination.outcome")
	}
	if len(in.Files) > MaxCheckFiles {
		p.Add("files", "err.nomination.too_many_files")
	}
	for _, f := range in.Files {
		if f.Size > MaxCheckFileSize {
			p.Add("files", "err.upload.too_large")
		}
	}
	return day, p.Err()
}

// RecordCheck records a due diligence of a draft or submitted nomination,
// with its files (PDF, JPEG or PNG, checked by content as evidence is). A
// failed one withdraws the nomination in the same transaction, audited.
// Nothing partial is kept: a refused file or record leaves no blob behind.
func (s *Service) RecordCheck(ctx context.Context, actorID, contestID, nominationID int64, in CheckInput) (Check, error) {
	now := s.db.NowUTC()
	today := time.Date(now.In(s.loc).Year(), now.In(s.loc).Month(), now.In(s.loc).Day(), 0, 0, 0, 0, time.UTC)
	day, err := in.check(today)
	if err != nil {
		return Check{}, err
	}
	// Refuse a closed nomination before any file is stored.
	var status NominationStatus
	if err := s.db.GetContext(ctx, &status, `SELECT status FROM nominations WHERE contest_id = $1 AND id = $2`, contestID, nominationID); err != nil {
		if isNoRows(err) {
			return Check{}, fault.NotFound(MsgNotFound)
		}
		return Check{}, err
	}
	if status != StatusDraft && status != StatusSubmitted {
		return Check{}, fault.Conflict(MsgCheckClosed)
	}
	files, err := s.receiveFiles(ctx, in.Files)
	if err != nil {
		return Check{}, err
	}
	c := Check{Checkers: in.Checkers, CheckedOn: day, Findings: in.Findings, Outcome: in.Outcome, RecordedAt: now, NominationID: nominationID}
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		n, err := s.nomination(ctx, tx, contestID, nominationID)
		if err != nil {
			return err
		}
		if n.Status != StatusDraft && n.Status != StatusSubmitted {
			return fault.Conflict(MsgCheckClosed)
		}
		if err := tx.GetContext(ctx, &c.ID, `
			INSERT INTO nomination_checks (nomination_id, checkers, checked_on, findings, outcome, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			nominationID, c.Checkers, day, c.Findings, c.Outcome, actorID, now); err != nil {
			return err
		}
		c.Files = []CheckFile{}
		for _, f := range files {
			cf := CheckFile{CheckID: c.ID, Key: f.rec.Key, Name: f.name, ContentType: f.rec.ContentType, Size: f.rec.Size}
			if err := tx.GetContext(ctx, &cf.ID, `
				INSERT INTO nomination_check_files (check_id, blob_key, name, content_type, size, sha256)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.ID, cf.Key, cf.Name, cf.ContentType, cf.Size, f.rec.SHA256); err != nil {
				return err
			}
			c.Files = append(c.Files, cf)
		}
		subject := nominationSubject(nominationID)
		if err := audit.Append(ctx, tx, now, &contestID, &actorID, audit.NominationCheckAdded, subject, map[string]any{
			"check": c.ID, "checkers": c.Checkers, "checked_on": c.Day(), "outcome": c.Outcome, "files": len(c.Files)}); err != nil {
			return err
		}
		if c.Outcome != CheckFail {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE nominations SET status = 'withdrawn', withdrawn_at = $2, updated_at = $2 WHERE id = $1`,
			nominationID, now); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, &contestID, &actorID, audit.NominationWithdrawn, subject, map[string]any{
			"from": n.Status, "check": c.ID, "level": n.Level, "entry": n.EntryID, "title": n.Title})
	})
	if err != nil {
		s.discardFiles(ctx, files)
		return Check{}, err
	}
	return c, nil
}

type receivedFile struct {
	name string
	rec  intake.Received
}

// receiveFiles checks and stores a check's files; a refused one deletes
// those already stored and is named in the error.
func (s *Service) receiveFiles(ctx context.Context, uploads []Upload) ([]receivedFile, error) {
	out := make([]receivedFile, 0, len(uploads))
	for _, u := range uploads {
		if s.Blobs == nil {
			return nil, errors.New("onward: no blob store for due-diligence files")
		}
		r, err := intake.Receive(ctx, s.Blobs, filecheck.Evidence, u.File, u.Size)
		if err == nil && r.JudgeKey != "" { // nobody but the organizers reads it: no judge copy
			if derr := s.Blobs.Delete(context.WithoutCancel(ctx), r.JudgeKey); derr != nil {
				s.logger().WarnContext(ctx, "deleting an unneeded judge copy", slog.String("key", r.JudgeKey), slog.Any("err", derr))
			}
			r.JudgeKey = ""
		}
		if err != nil {
			s.discardFiles(ctx, out)
			return nil, intake.EvidenceRefusal(err, "files", u.Name)
		}
		name := u.Name
		if name == "" || utf8.RuneCountInString(name) > 200 {
			name = "file" + r.Ext
		}
		out = append(out, receivedFile{name, r})
	}
	return out, nil
}

func (s *Service) discardFiles(ctx context.Context, files []receivedFile) {
	for _, f := range files {
		if err := intake.Discard(context.WithoutCancel(ctx), s.Blobs, f.rec); err != nil {
			s.logger().ErrorContext(ctx, "deleting the blobs of a refused due diligence", slog.Any("err", err))
		}
	}
}

// CheckFileOf is a due-diligence file of a nomination of the contest, for download.
func (s *Service) CheckFileOf(ctx context.Context, contestID, nominationID, fileID int64) (CheckFile, error) {
	var f CheckFile
	err := s.db.GetContext(ctx, &f, `
		SELECT f.id, f.check_id, f.blob_key, f.name, f.content_type, f.size
		FROM nomination_check_files f JOIN nomination_checks c ON c.id = f.check_id JOIN nominations n ON n.id = c.nomination_id
		WHERE n.contest_id = $1 AND n.id = $2 AND f.id = $3`, contestID, nominationID, fileID)
	if isNoRows(err) {
		return f, fault.NotFound("err.nomination.file_not_found")
	}
	return f, err
}

// TrackCoverage is the due diligence of one track's nominees.
type TrackCoverage struct {
	Track    Names `json:"track"`
	Nominees int   `json:"nominees"`
	Checked  int   `json:"checked"`
	Required int   `json:"required"`
	OK       bool  `json:"ok"`
}

// Coverage is how far due diligence covers a level's nominees (those not
// withdrawn): at least a third of them, and at least two per track (all of a
// track's when it has fewer), must have passed a check before the level's
// nominations are submitted.
type Coverage struct {
	Level    Level           `json:"level"`
	Nominees int             `json:"nominees"`
	Checked  int             `json:"checked"`
	Required int             `json:"required"`
	Tracks   []TrackCoverage `json:"tracks"`
	OK       bool            `json:"ok"`
}

// Lacking are the tracks whose nominees are not checked enough.
func (c Coverage) Lacking() NameList {
	var out NameList
	for _, t := range c.Tracks {
		if !t.OK {
			out = append(out, t.Track)
		}
	}
	return out
}

// CoverageOf computes the coverage of a level from its nominations (in
// track order, as Nominations lists them).
func CoverageOf(level Level, list []Nomination) Coverage {
	c := Coverage{Level: level, Tracks: []TrackCoverage{}}
	at := map[int64]int{}
	for _, n := range list {
		if n.Level != level || !n.Status.Current() {
			continue
		}
		i, ok := at[n.TrackID]
		if !ok {
			i = len(c.Tracks)
			at[n.TrackID] = i
			c.Tracks = append(c.Tracks, TrackCoverage{Track: n.Track})
		}
		c.Nominees++
		c.Tracks[i].Nominees++
		if n.Checked() {
			c.Checked++
			c.Tracks[i].Checked++
		}
	}
	c.Required = (c.Nominees + 2) / 3
	c.OK = c.Checked >= c.Required
	for i := range c.Tracks {
		t := &c.Tracks[i]
		t.Required = min(MinCheckedPerTrack, t.Nominees)
		t.OK = t.Checked >= t.Required
		c.OK = c.OK && t.OK
	}
	return c
}

// refusal is the error Submit gives when the coverage is short.
func (c Coverage) refusal() error {
	return &fault.Error{Code: fault.CodeConflict, Message: MsgCoverage, Args: []any{c.Checked, c.Nominees, c.Required, c.Lacking()}}
}

// Coverage is the due diligence's coverage of a level's nominations.
func (s *Service) Coverage(ctx context.Context, contestID int64, level Level) (Coverage, error) {
	list, err := s.Nominations(ctx, contestID, level)
	if err != nil {
		return Coverage{}, err
	}
	return CoverageOf(level, list), nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// logger is the service's log, or the default one.
func (s *Service) logger() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}
