package contest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync/atomic"
	"time"
)

// Store is Podium's PostgreSQL store. Every method takes its time from Now so that
// tests can move the clock (deadlines, session expiry, invite expiry).
type Store struct {
	db *DB
	// PasswordCost is the bcrypt cost for new password hashes.
	PasswordCost int
	// SessionTTL is how long a login session lasts.
	SessionTTL time.Duration
	// InviteTTL is how long a judge's invite link stays usable.
	InviteTTL time.Duration
	// FindIdentity finds an entrant's names in a document's text; nil disables
	// the identity-leak check.
	FindIdentity IdentityFinder
	// JudgeCopies makes the judge copy of a PDF that has none when a judge
	// opens it; nil serves such a PDF to no judge (err.upload.no_judge_copy).
	JudgeCopies JudgeCopier

	decoy atomic.Pointer[decoy]
}

// NewStore returns a store on db with production defaults.
func NewStore(db *DB) *Store {
	return &Store{db: db, PasswordCost: 12, SessionTTL: 12 * time.Hour, InviteTTL: 7 * 24 * time.Hour}
}

func (s *Store) now() time.Time { return s.db.NowUTC() }

// newToken returns a random URL-safe token and the SHA-256 that is stored in its place,
// so that a leaked database does not leak usable sessions or invite links.
func newToken() (token string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
