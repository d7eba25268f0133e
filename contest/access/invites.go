package access

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/notify"
	"podium/fault"
)

// Invite is a one-time login link for a judge's tablet.
type Invite struct {
	Token     string    `json:"token"` // shown once; only its hash is stored
	AccountID int64     `json:"-"`     // not sent: it would tie a typed email to an expert whose contacts are hidden
	ContestID int64     `json:"contest_id"`
	ExpiresAt time.Time `json:"expires_at"`
}

// NewJudge names the judge an invite is for. A judge with the same email who is
// already known is reused, so one person keeps one account across contests.
type NewJudge struct {
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
}

// CreateInvite adds a judge to the contest (creating the judge's account if needed)
// and issues a one-time invite link for them.
//
// The judge may already serve contests of other organizers: the expert pool is
// the bureau's, and one person may judge in two contests run by different
// organizers, so the invite is not refused. What keeps the other contests safe
// is that an invite's session reaches only the contest that issued it (Reach):
// whoever redeems it can neither read nor score anything else of the judge's.
func (s *Service) CreateInvite(ctx context.Context, actorID, contestID int64, j NewJudge) (Invite, error) {
	var inv Invite
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if inv, err = s.InviteJudgeTx(ctx, tx, actorID, contestID, j); err != nil {
			return err
		}
		return MailInviteTx(ctx, tx, inv)
	})
	return inv, err
}

// MailInviteTx records, in tx, the e-mail that gives the judge the invite
// link, when the judge's account has an address. The link is the secret:
// the outbox forgets it once the message is sent (notify).
func MailInviteTx(ctx context.Context, tx *sqlx.Tx, inv Invite) error {
	var to struct {
		Email   string `db:"email"`
		Name    string `db:"display_name"`
		Locale  string `db:"locale"`
		Contest string `db:"name_zh"`
		En      string `db:"name_en"`
	}
	if err := tx.GetContext(ctx, &to, `SELECT coalesce(a.email, '') AS email, a.display_name, a.locale, c.name_zh, c.name_en
		FROM accounts a, contests c WHERE a.id = $1 AND c.id = $2`, inv.AccountID, inv.ContestID); err != nil {
		return err
	}
	name := to.Contest
	if notify.Locale(to.Locale) == "en" && to.En != "" {
		name = to.En
	}
	_, err := notify.Enqueue(ctx, tx, notify.Message{ContestID: inv.ContestID, To: to.Email, Name: to.Name, Locale: to.Locale,
		Kind: notify.JudgeInvited, Data: map[string]any{"Contest": name, "Link": "/invite/" + inv.Token,
			"ExpiresAt": inv.ExpiresAt.In(contest.Beijing).Format("2006-01-02 15:04")}})
	return err
}

// InviteJudgeTx is CreateInvite inside tx, the caller's transaction.
func (s *Service) InviteJudgeTx(ctx context.Context, tx *sqlx.Tx, actorID, contestID int64, j NewJudge) (Invite, error) {
	j.DisplayName = strings.TrimSpace(j.DisplayName)
	j.Email = contest.NormalizeLogin(j.Email)
	p := fault.Problems{}
	if j.DisplayName == "" || utf8.RuneCountInString(j.DisplayName) > 100 {
		p.Add("display_name", "err.account.display_name")
	}
	if j.Email != "" && !strings.Contains(j.Email, "@") {
		p.Add("email", "err.account.email")
	}
	if err := p.Err(); err != nil {
		return Invite{}, err
	}
	token, hash := newToken()
	inv := Invite{Token: token, ContestID: contestID, ExpiresAt: s.now().Add(s.InviteTTL)}
	var role Role
	err := tx.QueryRowxContext(ctx, `SELECT id, role FROM accounts WHERE email = $1 AND $1 <> ''`, j.Email).Scan(&inv.AccountID, &role)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.GetContext(ctx, &inv.AccountID, `
			INSERT INTO accounts (role, email, display_name) VALUES ('judge', NULLIF($1, ''), $2) RETURNING id`,
			j.Email, j.DisplayName)
		if err != nil {
			return Invite{}, err
		}
	case err != nil:
		return Invite{}, err
	case role != RoleJudge:
		return Invite{}, &fault.Error{Code: fault.CodeConflict, Message: "err.invalid", Fields: map[string]string{"email": "err.invite.not_a_judge"}}
	}
	return inv, s.issueInvite(ctx, tx, actorID, &inv, hash)
}

// InviteAccountTx adds the judge account to the contest and issues a new
// invite link for it inside tx, the caller's transaction.
func (s *Service) InviteAccountTx(ctx context.Context, tx *sqlx.Tx, actorID, contestID, accountID int64) (Invite, error) {
	token, hash := newToken()
	inv := Invite{Token: token, AccountID: accountID, ContestID: contestID, ExpiresAt: s.now().Add(s.InviteTTL)}
	return inv, s.issueInvite(ctx, tx, actorID, &inv, hash)
}

// issueInvite adds the invite's judge to its contest and stores the token's hash.
func (s *Service) issueInvite(ctx context.Context, tx *sqlx.Tx, actorID int64, inv *Invite, hash []byte) error {
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO contest_judges (contest_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		inv.ContestID, inv.AccountID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO invites (token_hash, contest_id, account_id, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, hash, inv.ContestID, inv.AccountID, actorID, s.now(), inv.ExpiresAt)
	return err
}

// InviteRetryWindow is how long after an invite was used the same redemption
// (the same key) may be retried.
const InviteRetryWindow = 10 * time.Minute

// Redemption is how a device redeems an invite link.
type Redemption struct {
	// Key names this redemption attempt (a tablet's Idempotency-Key, or a key
	// the invite page embeds in its form). Sent again within InviteRetryWindow
	// it gets a session again, so a reply lost on bad wifi, a double tap or a
	// reloaded form does not lock the judge out; any other key, or none, is
	// refused as before. Empty: the redemption cannot be retried.
	Key string
	// Session is the cookie token of the device's current session, if any. A
	// session of the same judge keeps what it reaches, so a judge on the panels
	// of two organizers redeems one invite from each on one tablet and sees both.
	Session string
}

// maxRedemptionKey is the longest redemption key accepted.
const maxRedemptionKey = 200

// RedeemInvite uses an invite link once and logs its judge in, with a session
// that reaches the invite's contest (and what r.Session of the same judge
// reached). A retry of the same redemption gets a new session token, never the
// first one: only the tokens' hashes are stored, and a token whose reply was
// lost was never seen by anyone, so it does no harm until it expires.
func (s *Service) RedeemInvite(ctx context.Context, token string, r Redemption) (string, Session, error) {
	if len(r.Key) > maxRedemptionKey {
		return "", Session{}, fault.Invalid("idempotency_key", "err.invite.key_too_long")
	}
	var (
		sessToken string
		sess      Session
		key       []byte // NULL when there is no key: such a redemption matches no retry
	)
	if r.Key != "" {
		key = hashToken(r.Key)
	}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		now := s.now()
		var inv struct {
			AccountID int64 `db:"account_id"`
			ContestID int64 `db:"contest_id"`
		}
		// The conditional UPDATE is what makes the link single-use under
		// concurrency: of two simultaneous redemptions, only one finds used_at
		// still NULL; the other waits for it, and PostgreSQL re-checks the
		// updated row, which lets it in only as a retry of the same redemption.
		// A retry keeps the first use's time, so the window never stretches.
		err := tx.GetContext(ctx, &inv, `
			UPDATE invites SET used_at = coalesce(used_at, $2), used_key = CASE WHEN used_at IS NULL THEN $3 ELSE used_key END
			WHERE token_hash = $1
			  AND (used_at IS NULL AND expires_at > $2 OR used_key = $3 AND used_at > $4)
			RETURNING account_id, contest_id`, hashToken(token), now, key, now.Add(-InviteRetryWindow))
		if errors.Is(err, sql.ErrNoRows) {
			return s.inviteProblem(ctx, tx, token)
		}
		if err != nil {
			return err
		}
		reach, err := s.reachWith(ctx, tx, r.Session, inv.AccountID, inv.ContestID)
		if err != nil {
			return err
		}
		sessToken, sess, err = s.createSession(ctx, tx, inv.AccountID, reach)
		return err
	})
	return sessToken, sess, err
}

// reachWith is what a new session of the judge reaches: the contest, and what
// the device's current session reached if it is a live session of the same judge.
func (s *Service) reachWith(ctx context.Context, tx *sqlx.Tx, current string, accountID, contestID int64) (Reach, error) {
	reach := Reach{Contests: []int64{contestID}}
	if current == "" {
		return reach, nil
	}
	var cur struct {
		AccountID int64         `db:"account_id"`
		Contests  pq.Int64Array `db:"contests"`
	}
	err := tx.GetContext(ctx, &cur, `SELECT account_id, contests FROM sessions WHERE token_hash = $1 AND expires_at > $2`,
		hashToken(current), s.now())
	switch {
	case errors.Is(err, sql.ErrNoRows) || err == nil && cur.AccountID != accountID:
		return reach, nil
	case err != nil:
		return reach, err
	case cur.Contests == nil:
		return Reach{Every: true}, nil
	}
	for _, id := range cur.Contests {
		if !slices.Contains(reach.Contests, id) {
			reach.Contests = append(reach.Contests, id)
		}
	}
	slices.Sort(reach.Contests)
	return reach, nil
}

// inviteProblem says why an invite cannot be redeemed.
// CheckInvite says whether an invite link can still be used, so that its
// page says so before the judge presses anything: nil, or the reason it
// cannot (not found, used, expired) as RedeemInvite would give it.
func (s *Service) CheckInvite(ctx context.Context, token string) error {
	var ok bool
	if err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM invites WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2)`,
		hashToken(token), s.now()); err != nil || ok {
		return err
	}
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error { return s.inviteProblem(ctx, tx, token) })
}

func (s *Service) inviteProblem(ctx context.Context, tx *sqlx.Tx, token string) error {
	var used *time.Time
	err := tx.GetContext(ctx, &used, `SELECT used_at FROM invites WHERE token_hash = $1`, hashToken(token))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fault.NotFound("err.invite.not_found")
	case err != nil:
		return err
	case used != nil:
		return fault.Conflict("err.invite.used")
	default:
		return fault.Conflict("err.invite.expired")
	}
}

// IsContestJudge reports whether account judges in contest.
func (s *Service) IsContestJudge(ctx context.Context, contestID, accountID int64) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM contest_judges WHERE contest_id = $1 AND account_id = $2)`, contestID, accountID)
	return ok, err
}

// Judge is a judge taking part in a contest, as organizers see them.
type Judge struct {
	AccountID   int64      `db:"account_id" json:"account_id"`
	DisplayName string     `db:"display_name" json:"display_name"`
	Email       *string    `db:"email" json:"email,omitempty"`
	LastInvite  *time.Time `db:"last_invite" json:"last_invite,omitempty"`
	LastLogin   *time.Time `db:"last_login" json:"last_login,omitempty"`
}

// ContestJudges lists a contest's judges with when they were last invited and
// last used an invite.
func (s *Service) ContestJudges(ctx context.Context, contestID int64) ([]Judge, error) {
	judges := []Judge{}
	err := s.db.SelectContext(ctx, &judges, `
		SELECT a.id AS account_id, a.display_name, a.email,
		       max(i.created_at) AS last_invite, max(i.used_at) AS last_login
		FROM contest_judges j
		JOIN accounts a ON a.id = j.account_id
		LEFT JOIN invites i ON i.account_id = j.account_id AND i.contest_id = j.contest_id
		WHERE j.contest_id = $1
		GROUP BY a.id ORDER BY a.display_name`, contestID)
	return judges, err
}
