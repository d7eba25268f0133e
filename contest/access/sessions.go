package access

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/fault"
)

// Session is a logged-in browser or tablet. The cookie holds a random token; the
// database holds its hash and the CSRF token that state-changing requests must echo.
type Session struct {
	Account   Account
	CSRFToken string
	ExpiresAt time.Time
	Reach     Reach // what the session may reach as a judge
}

// Reach is the contests a judge's session may act in. An invite is issued by a
// contest's organizer, so the session it gives reaches that contest only: an
// organizer who invites a judge also serving another organizer's contest gets
// nothing of that contest. A password login is the account holder's own secret
// and reaches every contest the judge serves. The zero Reach reaches nothing.
type Reach struct {
	Every    bool    // a password login
	Contests []int64 // an invite session: the contests whose invites it redeemed
}

// Arg is the reach as a bigint[] query parameter: NULL for every contest.
func (r Reach) Arg() any {
	if r.Every {
		return nil
	}
	return pq.Int64Array(append([]int64{}, r.Contests...))
}

// ReachSQL limits a contest id column to the reach passed as parameter n.
func ReachSQL(column, n string) string {
	return `(` + n + `::bigint[] IS NULL OR ` + column + ` = ANY(` + n + `::bigint[]))`
}

// JudgeSession is whom a judge-facing call acts for: the judge's account and
// what its session reaches. The judge reads and writes only the intersection
// of their assignments and the reach; anything else is simply not found.
type JudgeSession struct {
	AccountID int64
	Reach     Reach
}

// Judge is the session as a judge-facing call sees it.
func (s Session) Judge() JudgeSession { return JudgeSession{AccountID: s.Account.ID, Reach: s.Reach} }

// EveryContest acts for a judge in every contest the judge serves, as a
// password login does: for tools acting on the judge's behalf (demo data, load
// tests), never for a session made from an invite.
func EveryContest(accountID int64) JudgeSession {
	return JudgeSession{AccountID: accountID, Reach: Reach{Every: true}}
}

// CreateSession logs account in with its own credentials (a password) and
// returns the cookie token. The session reaches every contest of the account.
func (s *Service) CreateSession(ctx context.Context, accountID int64) (string, Session, error) {
	return s.createSession(ctx, s.db, accountID, Reach{Every: true})
}

func (s *Service) createSession(ctx context.Context, q sqlx.ExtContext, accountID int64, reach Reach) (string, Session, error) {
	token, hash := newToken()
	csrf, _ := newToken()
	now := s.now()
	sess := Session{CSRFToken: csrf, ExpiresAt: now.Add(s.SessionTTL), Reach: reach}
	_, err := q.ExecContext(ctx, `
		INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at, last_seen_at, contests)
		VALUES ($1, $2, $3, $4, $5, $4, $6)`, hash, accountID, csrf, now, sess.ExpiresAt, reach.Arg())
	if err != nil {
		return "", Session{}, err
	}
	if err := sqlx.GetContext(ctx, q, &sess.Account, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, accountID); err != nil {
		return "", Session{}, err
	}
	return token, withReach(sess, reach), nil
}

// sessionRow is a live session as stored.
type sessionRow struct {
	Account
	CSRFToken string        `db:"csrf_token"`
	ExpiresAt time.Time     `db:"expires_at"`
	Contests  pq.Int64Array `db:"contests"`
}

func (r sessionRow) session() Session {
	reach := Reach{Every: r.Contests == nil, Contests: []int64(r.Contests)}
	return withReach(Session{Account: r.Account, CSRFToken: r.CSRFToken, ExpiresAt: r.ExpiresAt}, reach)
}

// withReach gives a session its reach. An invite session does not carry the
// account's email and phone: the organizer who made the link may redeem it
// too, and must not learn the contacts of a judge it cannot see in the pool.
func withReach(s Session, reach Reach) Session {
	s.Reach = reach
	if !reach.Every {
		s.Account.Email, s.Account.Phone = nil, nil
	}
	return s
}

const sessionByTokenSQL = `
		SELECT a.id, a.role, a.email, a.phone, a.display_name, a.password_hash, a.locale, a.created_at, a.disabled_at,
		       s.csrf_token, s.expires_at, s.contests
		FROM sessions s JOIN accounts a ON a.id = s.account_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL`

// SessionByToken returns the live session for a cookie token. An unknown, expired
// or disabled account's session is fault.CodeUnauthorized.
func (s *Service) SessionByToken(ctx context.Context, token string) (Session, error) {
	var row sessionRow
	// Every signed-in request asks this: prepared once.
	st, err := s.db.Stmt(ctx, sessionByTokenSQL)
	if err == nil {
		err = st.GetContext(ctx, &row, hashToken(token), s.now())
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fault.Unauthorized("err.session.expired")
	}
	if err != nil {
		return Session{}, err
	}
	return row.session(), nil
}

// DeleteSession logs a session out. Deleting an unknown session is not an error.
func (s *Service) DeleteSession(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(token))
	return err
}

// DeleteExpiredSessions removes sessions past their expiry and returns how many.
func (s *Service) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, s.now())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
