package contest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
)

// Store is Podium's PostgreSQL store. Every method takes its time from Now so that
// tests can move the clock (deadlines, session expiry, invite expiry).
type Store struct {
	DB *sqlx.DB
	// Now is the clock; time.Now unless a test injects another.
	Now func() time.Time
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

	prepared sync.Map // query text → *sqlx.Stmt, for the hot paths
	decoy    atomic.Pointer[decoy]
}

// NewStore returns a store on db with production defaults.
func NewStore(db *sqlx.DB) *Store {
	return &Store{DB: db, Now: time.Now, PasswordCost: 12, SessionTTL: 12 * time.Hour, InviteTTL: 7 * 24 * time.Hour}
}

func (s *Store) now() time.Time { return s.Now().UTC() }

// stmt returns query prepared once for the store's pool. The hot paths (a score
// submission) use it: PostgreSQL then neither parses the statement again nor,
// once it has settled on a generic plan, plans it again, and each execution is
// one round trip instead of two.
func (s *Store) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if st, ok := s.prepared.Load(query); ok {
		return st.(*sqlx.Stmt), nil
	}
	st, err := s.DB.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.prepared.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return prev.(*sqlx.Stmt), nil
	}
	return st, nil
}

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
