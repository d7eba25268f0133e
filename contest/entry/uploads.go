package entry

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"slices"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/fault"
	"podium/files/intake"
)

// maxAttachments bounds the "other attachments" of one entry.
const maxAttachments = 10

// UploadLimit authorizes an entrant to upload a file of kind to their entry and
// returns the contest's size limit for it.
func (s *Service) UploadLimit(ctx context.Context, accountID, entryID int64, kind UploadKind) (int64, error) {
	if !slices.Contains(UploadKinds, kind) {
		return 0, fault.Invalid("kind", "err.upload.kind")
	}
	var limit int64
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		settings, err := s.checkUploadable(ctx, tx, accountID, entryID)
		limit = settings.UploadLimit(kind)
		return err
	})
	return limit, err
}

// checkUploadable locks the entrant's entry and checks that files may change now.
func (s *Service) checkUploadable(ctx context.Context, tx *sqlx.Tx, accountID, entryID int64) (contest.EntrySettings, error) {
	contestID, state, err := lockOwnEntry(ctx, tx, accountID, entryID)
	if err != nil {
		return contest.EntrySettings{}, err
	}
	if err := editable(state); err != nil {
		return contest.EntrySettings{}, err
	}
	return s.openForChanges(ctx, tx, contestID)
}

// StoredUpload is an upload with where its bytes are and, for PDFs, their text,
// their judge copy and the metadata that copy lacks.
type StoredUpload struct {
	Upload
	Key  string
	Text string
	// JudgeKey is the blob of the copy judges are served: for a PDF, the same
	// document without its metadata (intake.JudgeCopies); empty for other types,
	// which judges get as uploaded, and for a PDF whose copy is not made yet.
	JudgeKey string `db:"judge_key"`
	// Metadata is what the judge copy lacks, one "Key: value" a line
	// (pdfmeta.Metadata): the document's title, author, XMP packet, ….
	Metadata string `db:"metadata"`
}

// needsJudgeCopy reports whether judges must be served a copy of the upload
// rather than its bytes: PDFs carry their author's name in metadata that no
// viewer shows but any can read.
func (u StoredUpload) needsJudgeCopy() bool { return u.ContentType == "application/pdf" }

// maxStoredText caps the extracted text kept per document; maxStoredMetadata its metadata.
const (
	maxStoredText     = 1 << 20
	maxStoredMetadata = 64 << 10
)

// capText cuts s to at most n bytes without splitting a character.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// NewUpload is a file an entrant sent whole, to be accepted onto an entry.
type NewUpload struct {
	Kind UploadKind
	Name string // as the entrant named it, made safe (no path, no control characters)
	File intake.File
	Size int64
}

// AcceptUpload accepts a file onto the entrant's entry: it checks the file by
// content for its kind, stores it and, for a PDF, its text and judge copy
// (intake.Receive), and records it, re-checking what must hold then (the
// entry may change, the deadline has not passed: a long upload may end after
// it). A business plan, deck or video replaces the entry's previous one of
// its kind, whose blobs are deleted once the record has committed. Refused,
// it leaves nothing behind in the blob store.
func (s *Service) AcceptUpload(ctx context.Context, accountID, entryID int64, u NewUpload) error {
	if s.Blobs == nil {
		return errors.New("entry: no blob store for uploads")
	}
	rec, err := intake.Receive(ctx, s.Blobs, u.Kind, u.File, u.Size)
	if err != nil {
		return err
	}
	if rec.TextErr != nil {
		s.Log.InfoContext(ctx, "no text from a PDF", slog.Int64("entry", entryID), slog.Any("err", rec.TextErr))
	}
	replaced, err := s.AddUpload(ctx, accountID, entryID, StoredUpload{
		Upload: Upload{ID: uuid.NewString(), Kind: u.Kind, Name: u.Name, ContentType: rec.ContentType, Size: rec.Size, SHA256: rec.SHA256},
		Key:    rec.Key, Text: rec.Text, JudgeKey: rec.JudgeKey, Metadata: rec.Metadata,
	})
	if err != nil {
		if derr := intake.Discard(ctx, s.Blobs, rec); derr != nil {
			s.Log.ErrorContext(ctx, "deleting the blobs of a refused upload", slog.Any("err", derr))
		}
		return err
	}
	s.deleteBlobs(ctx, "a replaced upload", replaced) // after the commit: no record points at them
	return nil
}

// deleteBlobs deletes blobs no record points at any more. A failure leaves an
// unreferenced file, which is logged, never a record pointing at nothing.
func (s *Service) deleteBlobs(ctx context.Context, what string, keys []string) {
	if s.Blobs == nil {
		return
	}
	for _, key := range keys {
		if err := s.Blobs.Delete(context.WithoutCancel(ctx), key); err != nil {
			s.Log.WarnContext(ctx, "deleting the blob of "+what, slog.String("key", key), slog.Any("err", err))
		}
	}
}

// AddUpload records a finished upload on the entrant's entry, re-checking the
// deadline (a long upload may end after it). A business plan, deck or video
// replaces the previous one of its kind; the replaced files' keys are returned for
// the caller to delete from the blob store once this has committed (judge
// copies included).
func (s *Service) AddUpload(ctx context.Context, accountID, entryID int64, u StoredUpload) (replaced []string, err error) {
	u.Text, u.Metadata = capText(u.Text, maxStoredText), capText(u.Metadata, maxStoredMetadata)
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := s.checkUploadable(ctx, tx, accountID, entryID); err != nil {
			return err
		}
		if u.Kind == UploadAttachment {
			var n int
			if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM blobs WHERE entry_id = $1 AND kind = 'attachment'`, entryID); err != nil {
				return err
			}
			if n >= maxAttachments {
				return fault.Conflict("err.upload.too_many")
			}
		} else {
			if err := tx.SelectContext(ctx, &replaced, `
				WITH d AS (DELETE FROM blobs WHERE entry_id = $1 AND kind = $2 RETURNING storage_key, judge_key)
				SELECT k FROM d, unnest(ARRAY[d.storage_key, d.judge_key]) k WHERE k IS NOT NULL`, entryID, u.Kind); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO blobs (id, entry_id, kind, storage_key, original_name, content_type, size_bytes, sha256, uploaded_by, text,
			                   created_at, judge_key, metadata)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, nullif($12, ''), $13)`,
			u.ID, entryID, u.Kind, u.Key, u.Name, u.ContentType, u.Size, u.SHA256, accountID, u.Text, s.now(), u.JudgeKey, u.Metadata)
		return err
	})
	return replaced, err
}

// DeleteUpload removes a file from the entrant's entry while it may change:
// the record first (where the deadline and state are checked), then, once
// that has committed, its blobs (its judge copy's too).
func (s *Service) DeleteUpload(ctx context.Context, accountID, entryID int64, uploadID string) error {
	keys, err := s.deleteUploadRecord(ctx, accountID, entryID, uploadID)
	if err != nil {
		return err
	}
	s.deleteBlobs(ctx, "a removed upload", keys)
	return nil
}

// deleteUploadRecord deletes the upload's record and returns its blobs' keys.
func (s *Service) deleteUploadRecord(ctx context.Context, accountID, entryID int64, uploadID string) ([]string, error) {
	var keys []string
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := s.checkUploadable(ctx, tx, accountID, entryID); err != nil {
			return err
		}
		var row struct {
			Key      string         `db:"storage_key"`
			JudgeKey sql.NullString `db:"judge_key"`
		}
		err := tx.GetContext(ctx, &row, `DELETE FROM blobs WHERE id = $1 AND entry_id = $2 RETURNING storage_key, judge_key`, uploadID, entryID)
		if errors.Is(err, sql.ErrNoRows) || contest.IsInvalidUUID(err) {
			return fault.NotFound("err.upload.not_found")
		}
		if err != nil {
			return err
		}
		keys = append(keys, row.Key)
		if row.JudgeKey.Valid {
			keys = append(keys, row.JudgeKey.String)
		}
		return nil
	})
	return keys, err
}

const storedUploadSelect = `
	SELECT b.id, b.kind, b.original_name, b.content_type, b.size_bytes, b.sha256, b.created_at, b.storage_key AS key,
	       coalesce(b.judge_key, '') AS judge_key, b.metadata
	FROM blobs b JOIN entries e ON e.id = b.entry_id`

// UploadOfEntrant returns a file of the entrant's own entries.
func (s *Service) UploadOfEntrant(ctx context.Context, accountID int64, uploadID string) (StoredUpload, error) {
	return s.storedUpload(ctx, storedUploadSelect+` WHERE b.id = $1 AND e.account_id = $2`, uploadID, accountID)
}

// UploadInContest returns a file of an entry of the contest, for its organizers.
func (s *Service) UploadInContest(ctx context.Context, contestID int64, uploadID string) (StoredUpload, error) {
	return s.storedUpload(ctx, storedUploadSelect+` WHERE b.id = $1 AND e.contest_id = $2`, uploadID, contestID)
}

func (s *Service) storedUpload(ctx context.Context, query string, args ...any) (StoredUpload, error) {
	var u StoredUpload
	err := s.db.GetContext(ctx, &u, query, args...)
	if errors.Is(err, sql.ErrNoRows) || contest.IsInvalidUUID(err) {
		return StoredUpload{}, fault.NotFound("err.upload.not_found")
	}
	return u, err
}

// FileForJudges returns an upload of the entry as judges may read it: its Key
// is, for a PDF, the judge copy (without the metadata that can name the
// entrant), made now if the upload has none yet; never the uploaded bytes of
// a PDF. Which entries a judge may open is judging's to decide.
func (s *Service) FileForJudges(ctx context.Context, entryID int64, uploadID string) (StoredUpload, error) {
	u, err := s.storedUpload(ctx, storedUploadSelect+` WHERE b.id = $1 AND e.id = $2`, uploadID, entryID)
	if err != nil {
		return StoredUpload{}, err
	}
	if u.needsJudgeCopy() {
		if u.JudgeKey == "" {
			if u.JudgeKey, err = s.makeJudgeCopy(ctx, u); err != nil {
				return StoredUpload{}, err
			}
		}
		u.Key = u.JudgeKey
	}
	return u, nil
}

// makeJudgeCopy makes and records the judge copy of an upload that has none
// (one from before judge copies, or recorded by a path that made none). Two
// judges opening it at once may both make one: the first recorded wins and
// the other is discarded.
func (s *Service) makeJudgeCopy(ctx context.Context, u StoredUpload) (string, error) {
	if s.Blobs == nil {
		return "", &fault.Error{Code: fault.CodeConflict, Message: "err.upload.no_judge_copy", Err: errors.New("no blob store")}
	}
	copies := intake.JudgeCopies{Blobs: s.Blobs}
	key, meta, err := copies.JudgeCopy(ctx, u.Key)
	if fault.ErrorCode(err) == fault.CodeInvalid { // the file cannot be read as a PDF: judges get nothing rather than the original
		return "", &fault.Error{Code: fault.CodeConflict, Message: "err.upload.no_judge_copy", Err: err}
	}
	if err != nil {
		return "", err
	}
	var recorded string
	err = s.db.GetContext(ctx, &recorded, `
		UPDATE blobs SET judge_key = coalesce(judge_key, $2), metadata = CASE WHEN judge_key IS NULL THEN $3 ELSE metadata END
		WHERE id = $1 RETURNING judge_key`, u.ID, key, capText(meta, maxStoredMetadata))
	if err != nil || recorded != key {
		// Not recorded: an unreferenced copy would only take space.
		s.deleteBlobs(ctx, "a judge copy not recorded", []string{key})
	}
	if errors.Is(err, sql.ErrNoRows) { // the upload was deleted meanwhile
		return "", fault.NotFound("err.upload.not_found")
	}
	return recorded, err
}
