package audit

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// Exported for the external tests only.

// DigestV1 is the scheme-1 hash of r, so tests can write records as the code
// before migration 00006 did.
func (r Record) DigestV1() ([]byte, error) { return r.digestV1() }

// BodyDigest is the SHA-256 of r's content.
func (r Record) BodyDigest() ([]byte, error) { return r.bodyDigest() }

// AppendAlone appends a record to a chain in a transaction of its own.
func AppendAlone(ctx context.Context, db *sqlx.DB, contestID, actorID *int64, action Action, subject string, payload any) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := Append(ctx, tx, time.Now(), contestID, actorID, action, subject, payload); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
