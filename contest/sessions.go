package contest

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
)

// Session is a logged-in browser or tablet. The cookie holds a random token; the
// database holds its hash and the CSRF token that state-changing requests must echo.
type Session struct {
	Account   Account
	CSRFToken string
	ExpiresAt time.Time
}

// CreateSession logs account in and returns the cookie token.
func (s *Store) CreateSession(ctx context.Context, accountID int64) (string, Session, error) {
	return s.createSession(ctx, s.DB, accountID)
}

func (s *Store) createSession(ctx context.Context, q sqlx.ExtContext, accountID int64) (string, Session, error) {
	token, hash := newToken()
	csrf, _ := newToken()
	now := s.now()
	sess := Session{CSRFToken: csrf, ExpiresAt: now.Add(s.SessionTTL)}
	_, err := q.ExecContext(ctx, `
		INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at, last_seen_at)
		VALUES ($1, $2, $3, $4, $5, $4)`, hash, accountID, csrf, now, sess.ExpiresAt)
	if err != nil {
		return "", Session{}, err
	}
	if err := sqlx.GetContext(ctx, q, &sess.Account, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, accountID); err != nil {
		return "", Session{}, err
	}
	return token, sess, nil
}

// SessionByToken returns the live session for a cookie token. An unknown, expired
// or disabled account's session is CodeUnauthorized.
func (s *Store) SessionByToken(ctx context.Context, token string) (Session, error) {
	var row struct {
		Account
		CSRFToken string    `db:"csrf_token"`
		ExpiresAt time.Time `db:"expires_at"`
	}
	// Every signed-in request asks this: prepared once.
	st, err := s.stmt(ctx, `
		SELECT a.id, a.role, a.email, a.phone, a.display_name, a.password_hash, a.locale, a.created_at, a.disabled_at,
		       s.csrf_token, s.expires_at
		FROM sessions s JOIN accounts a ON a.id = s.account_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL`)
	if err == nil {
		err = st.GetContext(ctx, &row, hashToken(token), s.now())
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, Unauthorized("err.session.expired")
	}
	if err != nil {
		return Session{}, err
	}
	return Session{Account: row.Account, CSRFToken: row.CSRFToken, ExpiresAt: row.ExpiresAt}, nil
}

// DeleteSession logs a session out. Deleting an unknown session is not an error.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(token))
	return err
}

// DeleteExpiredSessions removes sessions past their expiry and returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, s.now())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
