// Package access is who may do what: accounts and their passwords, login
// sessions, judges' invite links and what a judge's session reaches, and the
// questions authorization asks of the database (is this account an organizer
// of this contest?). It imports contest; the rooms that act for a judge
// (judging) import it.
package access

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync/atomic"
	"time"

	"podium/contest"
)

// Service holds accounts, sessions and invites.
type Service struct {
	db *contest.DB
	// PasswordCost is the bcrypt cost for new password hashes.
	PasswordCost int
	// SessionTTL is how long a login session lasts.
	SessionTTL time.Duration
	// InviteTTL is how long a judge's invite link stays usable.
	InviteTTL time.Duration

	decoy atomic.Pointer[decoy]
}

// New returns the service on db with production defaults.
func New(db *contest.DB) *Service {
	return &Service{db: db, PasswordCost: 12, SessionTTL: 12 * time.Hour, InviteTTL: 7 * 24 * time.Hour}
}

func (s *Service) now() time.Time { return s.db.NowUTC() }

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
