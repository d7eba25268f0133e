package objections

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/audit"
	"podium/contest/notify"
	"podium/fault"
	"podium/files/filecheck"
	"podium/files/intake"
)

// Upload is a file sent whole with an objection or a note.
type Upload struct {
	Name string // as its sender named it, made safe (no path, no control characters)
	File intake.File
	Size int64
}

// Filing is an objection as the public form sends it.
type Filing struct {
	Round        string // the round's key
	EntryID      int64  // the entry, as the round's publication names it
	Kind         ObjectorKind
	Name         string // the objector's real name (for an organization, the person acting for it)
	Organization string // an organization's name
	IDType       IDType
	IDNumber     string
	Phone        string
	Email        string
	Grounds      string
	Evidence     []Upload
	Letter       *Upload // an organization's letter with its stamp (required for one)
}

// Filed is what the objector is told: the reference that finds it again.
type Filed struct {
	Reference string    `json:"reference"` // canonical, e.g. "YY7K3M…"
	Display   string    `json:"display"`   // grouped for reading, e.g. "YY-7K3M-…"
	State     State     `json:"state"`
	FiledAt   time.Time `json:"filed_at"`
}

// Message keys of the refusals File gives beyond the common ones.
const (
	MsgAnonymous  = "err.objection.anonymous"
	MsgPeriodOver = "err.objection.period_over"
	MsgNotInRound = "err.objection.entry_not_published"
	MsgBadID      = "err.objection.id_number"
)

// clean is a filing with its text normalized.
func (f Filing) clean() Filing {
	f.Round = strings.TrimSpace(f.Round)
	f.Name = foldText(f.Name)
	f.Organization = foldText(f.Organization)
	f.IDNumber = foldCode(f.IDNumber)
	f.Phone = normalizePhone(f.Phone)
	f.Email = strings.ToLower(foldText(f.Email))
	f.Grounds = strings.TrimSpace(strings.ReplaceAll(f.Grounds, "\r\n", "\n"))
	return f
}

// check collects every problem of the typed fields at once.
func (f Filing) check() (fault.Problems, string) {
	p := fault.Problems{}
	message := "err.invalid"
	if f.Name == "" || f.IDNumber == "" {
		message = MsgAnonymous
		if f.Name == "" {
			p.Add("name", MsgAnonymous)
		}
		if f.IDNumber == "" {
			p.Add("id_number", MsgAnonymous)
		}
	}
	if runes(f.Name) > MaxNameRunes {
		p.Add("name", "err.too_long")
	}
	if !slices.Contains(ObjectorKinds, f.Kind) {
		p.Add("kind", "err.objection.kind")
	}
	if f.Kind == Organization {
		contest.CheckName(p, "organization", f.Organization, true)
		if f.Letter == nil || f.Letter.Size == 0 {
			p.Add("letter", "err.objection.letter_required")
		}
	}
	if !slices.Contains(IDTypesOf(f.Kind), f.IDType) {
		p.Add("id_type", "err.objection.id_type")
	} else if f.IDNumber != "" && !validID(f.IDType, f.IDNumber) {
		p.Add("id_number", MsgBadID)
	}
	switch {
	case f.Phone == "":
		p.Add("phone", "err.required")
	case !validPhone(f.Phone):
		p.Add("phone", "err.objection.phone")
	}
	switch {
	case f.Email == "":
		p.Add("email", "err.required")
	case !validEmail(f.Email):
		p.Add("email", "err.objection.email")
	}
	switch n := runes(f.Grounds); {
	case n == 0:
		p.Add("grounds", "err.required")
	case n > MaxGroundsRunes:
		p.Add("grounds", "err.too_long")
	}
	if f.Round == "" || f.EntryID <= 0 {
		p.Add("entry", "err.objection.entry_required")
	}
	if len(f.Evidence) > MaxEvidence {
		p.Add("evidence", "err.objection.too_many_files")
	}
	for _, u := range f.Evidence {
		if u.Size > MaxFileSize {
			p.Add("evidence", "err.upload.too_large")
		}
	}
	if f.Letter != nil && f.Letter.Size > MaxFileSize {
		p.Add("letter", "err.upload.too_large")
	}
	return p, message
}

// received is a file that passed the content checks and is in the blob
// store, waiting for its record.
type received struct {
	purpose Purpose
	name    string
	rec     intake.Received
}

// File records an objection to an entry of a round's current publication
// while its publicity period runs. Refusals are *fault.Error of code invalid
// naming every field at fault: anonymous (no name or ID number), an ID number
// that is not one, after the period (MsgPeriodOver), an entry the publication
// does not name (MsgNotInRound), a file that fails the content checks every
// upload gets. Nothing partial is kept: the objection, its files and its audit
// record commit together, and a refused filing leaves no blob behind.
func (s *Service) File(ctx context.Context, contestID int64, f Filing) (Filed, error) {
	f = f.clean()
	p, message := f.check()
	if _, bad := p["entry"]; !bad {
		pub, err := s.Publications.CurrentPublication(ctx, s.db, contestID, f.Round)
		if err != nil && fault.ErrorCode(err) != fault.CodeNotFound {
			return Filed{}, err
		}
		switch {
		case err != nil:
			p.Add("entry", MsgNotInRound)
		case !pub.PeriodOpen(s.now()):
			p.Add("entry", MsgPeriodOver)
			message = MsgPeriodOver
		default:
			if _, ok := pub.ResultOf(f.EntryID); !ok {
				p.Add("entry", MsgNotInRound)
			}
		}
	}
	if len(p) > 0 {
		return Filed{}, &fault.Error{Code: fault.CodeInvalid, Message: message, Fields: p}
	}
	files, err := s.receive(ctx, f)
	if err != nil {
		return Filed{}, err
	}
	filed, err := s.record(ctx, contestID, f, files)
	if err != nil {
		s.discard(ctx, files)
		return Filed{}, err
	}
	return filed, nil
}

// receive checks and stores the filing's files; on any refusal it deletes
// those already stored and names the field at fault (and the file).
func (s *Service) receive(ctx context.Context, f Filing) ([]received, error) {
	type one struct {
		purpose Purpose
		field   string
		u       Upload
	}
	var all []one
	for _, u := range f.Evidence {
		all = append(all, one{Evidence, "evidence", u})
	}
	if f.Kind == Organization && f.Letter != nil {
		all = append(all, one{StampedLetter, "letter", *f.Letter})
	}
	out := make([]received, 0, len(all))
	for _, o := range all {
		r, err := s.receiveOne(ctx, o.u)
		if err != nil {
			s.discard(ctx, out)
			return nil, intake.EvidenceRefusal(err, o.field, o.u.Name)
		}
		out = append(out, received{o.purpose, o.u.Name, r})
	}
	return out, nil
}

// receiveOne runs one file through the content checks entrants' uploads get
// and stores it. Nobody but the organizers reads it, so a PDF's judge copy is
// not kept.
func (s *Service) receiveOne(ctx context.Context, u Upload) (intake.Received, error) {
	if s.blobs == nil {
		return intake.Received{}, errors.New("objections: no blob store")
	}
	r, err := intake.Receive(ctx, s.blobs, filecheck.Evidence, u.File, u.Size)
	if err != nil {
		return r, err
	}
	if r.JudgeKey != "" {
		if err := s.blobs.Delete(context.WithoutCancel(ctx), r.JudgeKey); err != nil {
			s.Log.WarnContext(ctx, "deleting an unneeded judge copy", slog.String("key", r.JudgeKey), slog.Any("err", err))
		}
		r.JudgeKey = ""
	}
	return r, nil
}

// discard deletes the blobs of files whose records were refused.
func (s *Service) discard(ctx context.Context, files []received) {
	for _, f := range files {
		if err := intake.Discard(ctx, s.blobs, f.rec); err != nil {
			s.Log.ErrorContext(ctx, "deleting the blobs of a refused objection", slog.Any("err", err))
		}
	}
}

// record writes the objection, its files and its audit record in one
// transaction, checking again that the period runs and the entry is named.
func (s *Service) record(ctx context.Context, contestID int64, f Filing, files []received) (Filed, error) {
	ref := NewReference()
	now := s.now()
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		pub, err := s.Publications.CurrentPublication(ctx, tx, contestID, f.Round)
		if err != nil {
			return err
		}
		if !pub.PeriodOpen(now) {
			return &fault.Error{Code: fault.CodeInvalid, Message: MsgPeriodOver, Fields: map[string]string{"entry": MsgPeriodOver}}
		}
		res, ok := pub.ResultOf(f.EntryID)
		if !ok {
			return fault.Invalid("entry", MsgNotInRound)
		}
		hint := f.IDNumber[max(0, len(f.IDNumber)-4):]
		var id int64
		if err := tx.GetContext(ctx, &id, `
			INSERT INTO objections (contest_id, round_id, publication_id, entry_id, reference, objector_kind, objector_name,
				organization, id_type, id_number, id_hint, phone, email, grounds, filed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
			contestID, pub.RoundID, pub.ID, res.EntryID, ref, f.Kind, f.Name, f.Organization, f.IDType,
			s.box.Seal([]byte(f.IDNumber), sealContext(ref)), hint, f.Phone, f.Email, f.Grounds, now); err != nil {
			return err
		}
		for _, file := range files {
			if err := insertFile(ctx, tx, id, file, nil, now); err != nil {
				return err
			}
		}
		// No personal data in the log: the grounds only as their digest.
		sum := sha256.Sum256([]byte(f.Grounds))
		if err := audit.Append(ctx, tx, now, &contestID, nil, audit.ObjectionFiled, ref, map[string]any{
			"reference": ref, "round": f.Round, "entry": res.Code, "kind": f.Kind, "version": pub.Version,
			"grounds_sha256": hex.EncodeToString(sum[:]), "files": len(files)}); err != nil {
			return err
		}
		// The objector gets the reference by e-mail too: it is how they follow
		// the objection, and a page closed too soon must not lose it.
		var contestName string
		if err := tx.GetContext(ctx, &contestName, `SELECT name_zh FROM contests WHERE id = $1`, contestID); err != nil {
			return err
		}
		_, mailErr := notify.Enqueue(ctx, tx, notify.Message{ContestID: contestID, To: f.Email, Name: f.Name, Kind: notify.ObjectionFiled,
			Data: map[string]any{"Contest": contestName, "Reference": DisplayReference(ref), "Link": "/objections/" + DisplayReference(ref)}})
		return mailErr
	})
	if err != nil {
		return Filed{}, err
	}
	return Filed{Reference: ref, Display: DisplayReference(ref), State: Received, FiledAt: now}, nil
}

func insertFile(ctx context.Context, tx *sqlx.Tx, objectionID int64, f received, addedBy *int64, at time.Time) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO objection_files (objection_id, purpose, blob_key, name, content_type, size, sha256, added_by, added_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		objectionID, f.purpose, f.rec.Key, safeName(f.name, f.rec.Ext), f.rec.ContentType, f.rec.Size, f.rec.SHA256, addedBy, at)
	return err
}

// safeName is a file's name for lists and downloads: its own, or a neutral
// one with the extension its content has.
func safeName(name, ext string) string {
	name = strings.TrimSpace(name)
	if name == "" || runes(name) > 200 {
		return "file" + ext
	}
	return name
}

// sealContext binds a sealed ID number to its objection: copied onto another
// row it does not open.
func sealContext(ref string) []byte { return []byte("podium/objection/id_number/" + ref) }

// crockford is Crockford's base32 alphabet: no I, L, O, U.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// referenceLen is a reference's random part: 12 characters, 60 bits.
const referenceLen = 12

// NewReference returns an unguessable reference: "YY" and 12 characters of
// Crockford base32 from crypto/rand.
func NewReference() string {
	var b [referenceLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("objections: crypto/rand failed: %v", err)) // never happens on supported platforms
	}
	out := make([]byte, 2, 2+referenceLen)
	out[0], out[1] = 'Y', 'Y'
	for _, c := range b {
		out = append(out, crockford[c&31])
	}
	return string(out)
}

// DisplayReference groups a reference for reading aloud and copying: YY-XXXX-XXXX-XXXX.
func DisplayReference(ref string) string {
	if len(ref) != 2+referenceLen {
		return ref
	}
	return ref[:2] + "-" + ref[2:6] + "-" + ref[6:10] + "-" + ref[10:]
}

// ParseReference reads a reference as people type it: any case, full-width,
// grouped with spaces or dashes, I and L for 1, O for 0. ok is false for
// anything that cannot be one.
func ParseReference(s string) (string, bool) {
	s = foldCode(s)
	if len(s) != 2+referenceLen || s[:2] != "YY" {
		return "", false
	}
	b := []byte(s)
	for i := 2; i < len(b); i++ {
		switch b[i] {
		case 'I', 'L':
			b[i] = '1'
		case 'O':
			b[i] = '0'
		}
		if strings.IndexByte(crockford, b[i]) < 0 {
			return "", false
		}
	}
	return string(b), true
}

// Status is an objection as its objector sees it with the reference.
type Status struct {
	Reference    string       `db:"reference" json:"reference"`
	Display      string       `db:"-" json:"display"`
	ContestID    int64        `db:"contest_id" json:"-"`
	ContestZh    string       `db:"contest_zh" json:"contest_name_zh"`
	ContestEn    string       `db:"contest_en" json:"contest_name_en"`
	RoundKey     string       `db:"round_key" json:"round"`
	RoundNameZh  string       `db:"round_zh" json:"round_name_zh"`
	RoundNameEn  string       `db:"round_en" json:"round_name_en"`
	Version      int          `db:"version" json:"version"`
	EntryID      int64        `db:"entry_id" json:"entry"`
	EntryTitle   string       `db:"title" json:"entry_title"`
	EntryOrg     string       `db:"entry_organization" json:"entry_organization"`
	Kind         ObjectorKind `db:"objector_kind" json:"kind"`
	Name         string       `db:"objector_name" json:"name"` // masked
	Organization string       `db:"organization" json:"organization,omitempty"`
	State        State        `db:"state" json:"state"`
	FiledAt      time.Time    `db:"filed_at" json:"filed_at"`
	DecidedAt    *time.Time   `db:"decided_at" json:"decided_at,omitempty"`
	Reply        string       `db:"reply" json:"reply,omitempty"`
	Remedy       Remedy       `db:"remedy" json:"remedy,omitempty"`
}

// Lookup is the objection under reference as its objector sees it: its
// state, when it was filed, and once decided the reply. The name is masked;
// no other personal data is shown, and the entry is named as the public
// results name it (never by its blind code).
func (s *Service) Lookup(ctx context.Context, reference string) (Status, error) {
	ref, ok := ParseReference(reference)
	if !ok {
		return Status{}, fault.NotFound("err.objection.not_found")
	}
	var st Status
	err := s.db.GetContext(ctx, &st, `
		SELECT o.reference, o.contest_id, c.name_zh AS contest_zh, c.name_en AS contest_en, r.key AS round_key,
		       r.name_zh AS round_zh, r.name_en AS round_en, p.version, o.entry_id, pr.title, pr.organization AS entry_organization, o.objector_kind,
		       o.objector_name, o.organization, o.state, o.filed_at, o.decided_at, o.reply, o.remedy
		FROM objections o JOIN contests c ON c.id = o.contest_id JOIN rounds r ON r.id = o.round_id
		JOIN publications p ON p.id = o.publication_id
		JOIN publication_results pr ON pr.publication_id = o.publication_id AND pr.entry_id = o.entry_id
		WHERE o.reference = $1`, ref)
	if errors.Is(err, sql.ErrNoRows) {
		return Status{}, fault.NotFound("err.objection.not_found")
	}
	if err != nil {
		return Status{}, err
	}
	st.Display, st.Name = DisplayReference(st.Reference), MaskName(st.Name)
	st.FiledAt, st.DecidedAt = st.FiledAt.UTC(), contest.UTC(st.DecidedAt)
	if st.State.Open() { // a reply is written with the decision; nothing to show before
		st.Reply, st.Remedy = "", ""
	}
	return st, nil
}
