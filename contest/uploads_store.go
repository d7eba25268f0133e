package contest

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/jmoiron/sqlx"
)

// maxAttachments bounds the "other attachments" of one entry.
const maxAttachments = 10

// UploadLimit authorizes an entrant to upload a file of kind to their entry and
// returns the contest's size limit for it.
func (s *Store) UploadLimit(ctx context.Context, accountID, entryID int64, kind string) (int64, error) {
	if !slices.Contains(UploadKinds, kind) {
		return 0, Invalid("kind", "err.upload.kind")
	}
	var limit int64
	err := inTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		settings, err := s.checkUploadable(ctx, tx, accountID, entryID)
		limit = settings.UploadLimit(kind)
		return err
	})
	return limit, err
}

// checkUploadable locks the entrant's entry and checks that files may change now.
func (s *Store) checkUploadable(ctx context.Context, tx *sqlx.Tx, accountID, entryID int64) (EntrySettings, error) {
	contestID, state, err := lockOwnEntry(ctx, tx, accountID, entryID)
	if err != nil {
		return EntrySettings{}, err
	}
	if err := editable(state); err != nil {
		return EntrySettings{}, err
	}
	return s.openForChanges(ctx, tx, contestID)
}

// StoredUpload is an upload with where its bytes are and, for PDFs, their text.
type StoredUpload struct {
	Upload
	Key  string
	Text string
}

// maxStoredText caps the extracted text kept per document.
const maxStoredText = 1 << 20

// AddUpload records a finished upload on the entrant's entry, re-checking the
// deadline (a long upload may end after it). A business plan, deck or video
// replaces the previous one of its kind; the replaced files' keys are returned for
// the caller to delete from the blob store once this has committed.
func (s *Store) AddUpload(ctx context.Context, accountID, entryID int64, u StoredUpload) (replaced []string, err error) {
	if len(u.Text) > maxStoredText {
		u.Text = u.Text[:maxStoredText]
	}
	err = inTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := s.checkUploadable(ctx, tx, accountID, entryID); err != nil {
			return err
		}
		if u.Kind == UploadAttachment {
			var n int
			if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM blobs WHERE entry_id = $1 AND kind = 'attachment'`, entryID); err != nil {
				return err
			}
			if n >= maxAttachments {
				return Conflict("err.upload.too_many")
			}
		} else {
			if err := tx.SelectContext(ctx, &replaced, `DELETE FROM blobs WHERE entry_id = $1 AND kind = $2 RETURNING storage_key`, entryID, u.Kind); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO blobs (id, entry_id, kind, storage_key, original_name, content_type, size_bytes, sha256, uploaded_by, text, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			u.ID, entryID, u.Kind, u.Key, u.Name, u.ContentType, u.Size, u.SHA256, accountID, u.Text, s.now())
		return err
	})
	return replaced, err
}

// DeleteUpload removes a file from the entrant's entry while it may change,
// returning the key to delete from the blob store.
func (s *Store) DeleteUpload(ctx context.Context, accountID, entryID int64, uploadID string) (string, error) {
	var key string
	err := inTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := s.checkUploadable(ctx, tx, accountID, entryID); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &key, `DELETE FROM blobs WHERE id = $1 AND entry_id = $2 RETURNING storage_key`, uploadID, entryID)
		if errors.Is(err, sql.ErrNoRows) || isInvalidUUID(err) {
			return NotFound("err.upload.not_found")
		}
		return err
	})
	return key, err
}

const storedUploadSelect = `
	SELECT b.id, b.kind, b.original_name, b.content_type, b.size_bytes, b.sha256, b.created_at, b.storage_key AS key
	FROM blobs b JOIN entries e ON e.id = b.entry_id`

// UploadOfEntrant returns a file of the entrant's own entries.
func (s *Store) UploadOfEntrant(ctx context.Context, accountID int64, uploadID string) (StoredUpload, error) {
	return s.storedUpload(ctx, storedUploadSelect+` WHERE b.id = $1 AND e.account_id = $2`, uploadID, accountID)
}

// UploadInContest returns a file of an entry of the contest, for its organizers.
func (s *Store) UploadInContest(ctx context.Context, contestID int64, uploadID string) (StoredUpload, error) {
	return s.storedUpload(ctx, storedUploadSelect+` WHERE b.id = $1 AND e.contest_id = $2`, uploadID, contestID)
}

func (s *Store) storedUpload(ctx context.Context, query string, args ...any) (StoredUpload, error) {
	var u StoredUpload
	err := s.DB.GetContext(ctx, &u, query, args...)
	if errors.Is(err, sql.ErrNoRows) || isInvalidUUID(err) {
		return StoredUpload{}, NotFound("err.upload.not_found")
	}
	return u, err
}
