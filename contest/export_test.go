package contest

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// Exported for the external tests only.

// DigestV1 is the scheme-1 hash of r, so tests can write records as the code
// before migration 00006 did.
func (r AuditRecord) DigestV1() ([]byte, error) { return r.digestV1() }

// BodyDigest is the SHA-256 of r's content.
func (r AuditRecord) BodyDigest() ([]byte, error) { return r.bodyDigest() }

// Audit appends a record to a chain in a transaction of its own.
func (s *Store) Audit(ctx context.Context, contestID, actorID *int64, action, subject string, payload any) error {
	return inTx(ctx, s.DB, func(tx *sqlx.Tx) error { return s.audit(ctx, tx, contestID, actorID, action, subject, payload) })
}

// DecoyHash is the hash an unknown login's password is compared against.
func (s *Store) DecoyHash() []byte { return s.decoyHash() }
