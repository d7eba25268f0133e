package objections

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/audit"
	"podium/contest/judging"
	"podium/contest/notify"
	"podium/fault"
	"podium/files/intake"
)

// Summary is an objection as the organizers' list shows it.
type Summary struct {
	ID           int64        `db:"id" json:"id"`
	Reference    string       `db:"reference" json:"reference"`
	Display      string       `db:"-" json:"display"` // the reference grouped for reading
	RoundKey     string       `db:"round_key" json:"round"`
	RoundNameZh  string       `db:"round_zh" json:"round_name_zh"`
	RoundNameEn  string       `db:"round_en" json:"round_name_en"`
	Version      int          `db:"version" json:"version"`
	EntryCode    string       `db:"code" json:"entry"`
	EntryTitle   string       `db:"title" json:"entry_title"`
	Kind         ObjectorKind `db:"objector_kind" json:"kind"`
	Name         string       `db:"objector_name" json:"name"`
	Organization string       `db:"organization" json:"organization,omitempty"`
	IDHint       string       `db:"id_hint" json:"id_hint"`
	State        State        `db:"state" json:"state"`
	AssignedTo   *int64       `db:"assigned_to" json:"assigned_to"`
	AssigneeName string       `db:"assignee_name" json:"assignee_name,omitempty"`
	FiledAt      time.Time    `db:"filed_at" json:"filed_at"`
	DecidedAt    *time.Time   `db:"decided_at" json:"decided_at,omitempty"`
}

const summaryColumns = `
	o.id, o.reference, r.key AS round_key, r.name_zh AS round_zh, r.name_en AS round_en, p.version,
	pr.code, pr.title, o.objector_kind, o.objector_name, o.organization, o.id_hint, o.state, o.assigned_to,
	coalesce(a.display_name, '') AS assignee_name, o.filed_at, o.decided_at`

const summaryFrom = `
	FROM objections o JOIN rounds r ON r.id = o.round_id JOIN publications p ON p.id = o.publication_id
	JOIN publication_results pr ON pr.publication_id = o.publication_id AND pr.entry_id = o.entry_id
	LEFT JOIN accounts a ON a.id = o.assigned_to`

func (x *Summary) utc() {
	x.FiledAt, x.DecidedAt, x.Display = x.FiledAt.UTC(), contest.UTC(x.DecidedAt), DisplayReference(x.Reference)
}

// List is the contest's objections, newest first; state "" lists all.
func (s *Service) List(ctx context.Context, contestID int64, state State) ([]Summary, error) {
	if state != "" && !slices.Contains(States, state) {
		return nil, fault.Invalid("state", "err.objection.state")
	}
	out := []Summary{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+summaryColumns+summaryFrom+`
		WHERE o.contest_id = $1 AND ($2 = '' OR o.state = $2) ORDER BY o.filed_at DESC, o.id DESC`, contestID, string(state))
	for i := range out {
		out[i].utc()
	}
	return out, err
}

// File is a file kept with an objection, as listed.
type File struct {
	ID          int64     `db:"id" json:"id"`
	Purpose     Purpose   `db:"purpose" json:"purpose"`
	Name        string    `db:"name" json:"name"`
	ContentType string    `db:"content_type" json:"content_type"`
	Size        int64     `db:"size" json:"size"`
	AddedByName string    `db:"added_by_name" json:"added_by,omitempty"` // empty: the objector
	AddedAt     time.Time `db:"added_at" json:"added_at"`
	Key         string    `db:"-" json:"-"` // the blob's key (FileOf only)
}

// Note is an investigation note.
type Note struct {
	ID         int64     `db:"id" json:"id"`
	AuthorName string    `db:"author_name" json:"author"`
	Body       string    `db:"body" json:"body"`
	At         time.Time `db:"at" json:"at"`
}

// Detail is everything about an objection, for the contest's organizers
// only: the ID number in full, contacts, grounds, files, notes, decision.
type Detail struct {
	Summary
	IDType    IDType `json:"id_type"`
	IDNumber  string `json:"id_number"`
	Phone     string `json:"phone"`
	Email     string `json:"email"`
	Grounds   string `json:"grounds"`
	Reply     string `json:"reply"`
	Remedy    Remedy `json:"remedy,omitempty"`
	DecidedBy string `json:"decided_by,omitempty"`
	Files     []File `json:"files"`
	Notes     []Note `json:"notes"`
}

// Get is the contest's objection id in full. An objection of another
// contest is not found.
func (s *Service) Get(ctx context.Context, contestID, id int64) (Detail, error) {
	var row struct {
		Summary
		IDType    IDType `db:"id_type"`
		IDNumber  []byte `db:"id_number"`
		Phone     string `db:"phone"`
		Email     string `db:"email"`
		Grounds   string `db:"grounds"`
		Reply     string `db:"reply"`
		Remedy    Remedy `db:"remedy"`
		DecidedBy string `db:"decided_by_name"`
	}
	err := s.db.GetContext(ctx, &row, `SELECT `+summaryColumns+`, o.id_type, o.id_number, o.phone, o.email, o.grounds,
		o.reply, o.remedy, coalesce(d.display_name, '') AS decided_by_name`+summaryFrom+`
		LEFT JOIN accounts d ON d.id = o.decided_by
		WHERE o.contest_id = $1 AND o.id = $2`, contestID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Detail{}, fault.NotFound("err.objection.not_found")
	}
	if err != nil {
		return Detail{}, err
	}
	row.utc()
	number, err := s.box.Open(row.IDNumber, sealContext(row.Reference))
	if err != nil {
		return Detail{}, err // the data key changed or the row was tampered with: a failure to log, not to show
	}
	d := Detail{Summary: row.Summary, IDType: row.IDType, IDNumber: string(number), Phone: row.Phone, Email: row.Email,
		Grounds: row.Grounds, Reply: row.Reply, Remedy: row.Remedy, DecidedBy: row.DecidedBy, Files: []File{}, Notes: []Note{}}
	if err := s.db.SelectContext(ctx, &d.Files, `
		SELECT f.id, f.purpose, f.name, f.content_type, f.size, coalesce(a.display_name, '') AS added_by_name, f.added_at
		FROM objection_files f LEFT JOIN accounts a ON a.id = f.added_by
		WHERE f.objection_id = $1 ORDER BY f.added_at, f.id`, id); err != nil {
		return Detail{}, err
	}
	if err := s.db.SelectContext(ctx, &d.Notes, `
		SELECT n.id, a.display_name AS author_name, n.body, n.at FROM objection_notes n JOIN accounts a ON a.id = n.author_id
		WHERE n.objection_id = $1 ORDER BY n.at, n.id`, id); err != nil {
		return Detail{}, err
	}
	for i := range d.Files {
		d.Files[i].AddedAt = d.Files[i].AddedAt.UTC()
	}
	for i := range d.Notes {
		d.Notes[i].At = d.Notes[i].At.UTC()
	}
	return d, nil
}

// FileOf is a file of the contest's objection, with where its bytes are,
// for its organizers to download.
func (s *Service) FileOf(ctx context.Context, contestID, objectionID, fileID int64) (File, error) {
	var f File
	err := s.db.QueryRowxContext(ctx, `
		SELECT f.id, f.purpose, f.name, f.content_type, f.size, f.added_at, f.blob_key
		FROM objection_files f JOIN objections o ON o.id = f.objection_id
		WHERE o.contest_id = $1 AND o.id = $2 AND f.id = $3`, contestID, objectionID, fileID).
		Scan(&f.ID, &f.Purpose, &f.Name, &f.ContentType, &f.Size, &f.AddedAt, &f.Key)
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, fault.NotFound("err.objection.file_not_found")
	}
	return f, err
}

// Organizer is an organizer of the contest, whom an objection may be assigned to.
type Organizer struct {
	ID   int64  `db:"id" json:"id"`
	Name string `db:"display_name" json:"name"`
}

// Organizers are the contest's organizers, by name.
func (s *Service) Organizers(ctx context.Context, contestID int64) ([]Organizer, error) {
	out := []Organizer{}
	err := s.db.SelectContext(ctx, &out, `
		SELECT a.id, a.display_name FROM contest_organizers co JOIN accounts a ON a.id = co.account_id
		WHERE co.contest_id = $1 AND a.disabled_at IS NULL ORDER BY a.display_name, a.id`, contestID)
	return out, err
}

// lockOpen locks the contest's objection id, which must still await its decision.
func lockOpen(ctx context.Context, tx *sqlx.Tx, contestID, id int64) (ref string, roundID int64, err error) {
	var row struct {
		Reference string `db:"reference"`
		RoundID   int64  `db:"round_id"`
		State     State  `db:"state"`
	}
	err = tx.GetContext(ctx, &row, `SELECT reference, round_id, state FROM objections WHERE contest_id = $1 AND id = $2 FOR UPDATE`, contestID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, fault.NotFound("err.objection.not_found")
	}
	if err != nil {
		return "", 0, err
	}
	if !row.State.Open() {
		return "", 0, fault.Conflict("err.objection.decided")
	}
	return row.Reference, row.RoundID, nil
}

// Assign gives the objection to an organizer of the contest to investigate;
// a received objection is then under investigation.
func (s *Service) Assign(ctx context.Context, actorID, contestID, id, assigneeID int64) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		ref, _, err := lockOpen(ctx, tx, contestID, id)
		if err != nil {
			return err
		}
		var ok bool
		if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM contest_organizers co JOIN accounts a ON a.id = co.account_id
			WHERE co.contest_id = $1 AND co.account_id = $2 AND a.disabled_at IS NULL)`, contestID, assigneeID); err != nil {
			return err
		}
		if !ok {
			return fault.Invalid("assignee", "err.objection.assignee")
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE objections SET assigned_to = $2, state = $3 WHERE id = $1`,
			id, assigneeID, Investigating); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, &contestID, &actorID, audit.ObjectionAssigned, ref,
			map[string]any{"reference": ref, "assignee": assigneeID})
	})
}

// AddNote records the investigation: a note, files, or both. The objection is
// then under investigation. Refused files leave nothing behind.
func (s *Service) AddNote(ctx context.Context, actorID, contestID, id int64, body string, files []Upload) error {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	p := fault.Problems{}
	switch {
	case body == "" && len(files) == 0:
		p.Add("body", "err.objection.note_empty")
	case runes(body) > MaxGroundsRunes:
		p.Add("body", "err.too_long")
	}
	if len(files) > MaxNoteFiles {
		p.Add("files", "err.objection.too_many_files")
	}
	for _, u := range files {
		if u.Size > MaxFileSize {
			p.Add("files", "err.upload.too_large")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	// Refuse before storing anything when the objection is not there or decided.
	if err := s.db.InTx(ctx, func(tx *sqlx.Tx) error { _, _, err := lockOpen(ctx, tx, contestID, id); return err }); err != nil {
		return err
	}
	var got []received
	for _, u := range files {
		r, err := s.receiveOne(ctx, u)
		if err != nil {
			s.discard(ctx, got)
			return intake.EvidenceRefusal(err, "files", u.Name)
		}
		got = append(got, received{Investigation, u.Name, r})
	}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		ref, _, err := lockOpen(ctx, tx, contestID, id)
		if err != nil {
			return err
		}
		now := s.now()
		if body != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO objection_notes (objection_id, author_id, body, at) VALUES ($1, $2, $3, $4)`,
				id, actorID, body, now); err != nil {
				return err
			}
		}
		for _, f := range got {
			if err := insertFile(ctx, tx, id, f, &actorID, now); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE objections SET state = $2 WHERE id = $1 AND state = $3`, id, Investigating, Received); err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(body))
		return audit.Append(ctx, tx, now, &contestID, &actorID, audit.ObjectionNote, ref,
			map[string]any{"reference": ref, "note_sha256": hex.EncodeToString(sum[:]), "files": len(got)})
	})
	if err != nil {
		s.discard(ctx, got)
	}
	return err
}

// Decision is the organizers' verdict on an objection.
type Decision struct {
	Outcome Outcome `json:"outcome"` // Rejected or Upheld
	Reply   string  `json:"reply"`   // to the objector; required
	Remedy  Remedy  `json:"remedy"`  // for Upheld: required
}

// Decide rejects the objection with a reply, or upholds it with a reply and
// a remedy. Upholding reopens the round for correction (published → closed,
// the current publication marked revised, results.revised audited) in the
// same transaction, unless an earlier upheld objection already did; the
// organizers then correct it with the usual tools and publish the next version.
func (s *Service) Decide(ctx context.Context, actorID, contestID, id int64, d Decision) error {
	d.Reply = strings.TrimSpace(strings.ReplaceAll(d.Reply, "\r\n", "\n"))
	p := fault.Problems{}
	switch d.Outcome {
	case Rejected:
		if d.Remedy != "" {
			p.Add("remedy", "err.objection.remedy_on_reject")
		}
	case Upheld:
		if !slices.Contains(Remedies, d.Remedy) {
			p.Add("remedy", "err.objection.remedy")
		}
	default:
		p.Add("outcome", "err.objection.outcome")
	}
	switch n := runes(d.Reply); {
	case n == 0:
		p.Add("reply", "err.required")
	case n > MaxReplyRunes:
		p.Add("reply", "err.too_long")
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		ref, roundID, err := lockOpen(ctx, tx, contestID, id)
		if err != nil {
			return err
		}
		now := s.now()
		revised := false
		if d.Outcome == Upheld {
			var state contest.RoundState
			if err := tx.GetContext(ctx, &state, `SELECT state FROM rounds WHERE id = $1 FOR UPDATE`, roundID); err != nil {
				return err
			}
			if state == contest.RoundPublished { // otherwise it is already reopened for correction
				if s.Revise == nil {
					return errors.New("objections: no results.ReviseTx wired")
				}
				if err := s.Revise(ctx, tx, now, actorID, contestID, roundID, d.Reply); err != nil {
					return err
				}
				revised = true
			}
			// Disqualified: the entry leaves the round in the same step, so
			// that confirming and publishing again drops it from the results.
			if d.Remedy == Disqualify {
				var entryID int64
				if err := tx.GetContext(ctx, &entryID, `SELECT entry_id FROM objections WHERE id = $1`, id); err != nil {
					return err
				}
				if err := judging.DisqualifyTx(ctx, tx, now, actorID, contestID, roundID, entryID,
					DisplayReference(ref)+": "+d.Reply); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE objections SET state = $2, reply = $3, remedy = $4, decided_at = $5, decided_by = $6
			WHERE id = $1`, id, d.Outcome, d.Reply, d.Remedy, now, actorID); err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(d.Reply))
		if err := audit.Append(ctx, tx, now, &contestID, &actorID, audit.ObjectionDecided, ref, map[string]any{
			"reference": ref, "outcome": d.Outcome, "remedy": d.Remedy, "round_revised": revised,
			"reply_sha256": hex.EncodeToString(sum[:])}); err != nil {
			return err
		}
		return tellObjector(ctx, tx, id, ref, d)
	})
}

// tellObjector records the e-mail that gives the objector the decision and
// the reply, in the decision's transaction.
func tellObjector(ctx context.Context, tx *sqlx.Tx, id int64, ref string, d Decision) error {
	var to struct {
		ContestID int64  `db:"contest_id"`
		Name      string `db:"objector_name"`
		Email     string `db:"email"`
		Contest   string `db:"contest"`
	}
	if err := tx.GetContext(ctx, &to, `SELECT o.contest_id, o.objector_name, o.email, c.name_zh AS contest
		FROM objections o JOIN contests c ON c.id = o.contest_id WHERE o.id = $1`, id); err != nil {
		return err
	}
	_, err := notify.Enqueue(ctx, tx, notify.Message{ContestID: to.ContestID, To: to.Email, Name: to.Name, Kind: notify.ObjectionReplied,
		Data: map[string]any{"Contest": to.Contest, "Reference": DisplayReference(ref), "Upheld": d.Outcome == Upheld,
			"Reply": d.Reply, "Link": "/objections/" + DisplayReference(ref)}})
	return err
}
