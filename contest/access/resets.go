package access

import (
	"context"
	"database/sql"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"podium/contest"
	"podium/contest/notify"
	"podium/fault"
)

// ResetTTL is how long a password reset link works.
const ResetTTL = time.Hour

// resetsPerHour bounds the links one account is sent in an hour, so that a
// stranger who knows an address cannot flood its inbox.
const resetsPerHour = 3

// RequestPasswordReset sends a single-use link that sets a new password to
// the account with this login (an e-mail address or a mobile number), in the
// account's language: by e-mail to the account's address; to an account
// registered with a mobile number only, by SMS to that number, and by e-mail
// too when its organization's profile gives a contact address. It answers
// the same whether or not such an account exists, so that nobody learns
// which do; accounts without a password (judges who sign in by invite) and
// disabled ones get nothing.
func (s *Service) RequestPasswordReset(ctx context.Context, login string) error {
	login = contest.NormalizeLogin(login)
	if login == "" {
		return fault.Invalid("login", "err.required")
	}
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var a Account
		err := tx.GetContext(ctx, &a, `SELECT `+accountColumns+` FROM accounts WHERE (email = $1 OR phone = $1) FOR UPDATE`, login)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if a.PasswordHash == nil || a.DisabledAt != nil {
			return nil
		}
		to, err := resetRecipients(ctx, tx, a)
		if err != nil || len(to) == 0 {
			return err
		}
		now := s.now()
		var recent int
		if err := tx.GetContext(ctx, &recent, `SELECT count(*) FROM password_resets WHERE account_id = $1 AND created_at > $2`,
			a.ID, now.Add(-time.Hour)); err != nil {
			return err
		}
		if recent >= resetsPerHour {
			return nil // the links already sent still work
		}
		token, hash := newToken()
		if _, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hash, a.ID, now, now.Add(ResetTTL)); err != nil {
			return err
		}
		for _, m := range to {
			m.Name, m.Locale, m.Kind = a.DisplayName, a.Locale, notify.PasswordResetSent
			m.Data = map[string]any{"Link": "/password/reset/" + token, "Minutes": int(ResetTTL / time.Minute), "SMS": m.Channel == notify.SMS}
			if _, err := notify.Enqueue(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// resetRecipients are where a reset link for a goes: its e-mail address; or,
// for an account with a mobile number only, an SMS to the number and the
// contact address of its organization's profile, if it gives one.
func resetRecipients(ctx context.Context, tx *sqlx.Tx, a Account) ([]notify.Message, error) {
	if a.Email != nil && *a.Email != "" {
		return []notify.Message{{Channel: notify.Email, To: *a.Email}}, nil
	}
	var to []notify.Message
	if a.Phone != nil && *a.Phone != "" {
		to = append(to, notify.Message{Channel: notify.SMS, To: *a.Phone})
	}
	var contact string
	err := tx.GetContext(ctx, &contact, `
		SELECT o.contact_email FROM accounts a JOIN organizations o ON o.id = a.organization_id WHERE a.id = $1`, a.ID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if contact != "" {
		to = append(to, notify.Message{Channel: notify.Email, To: contact})
	}
	return to, nil
}

// CheckPasswordReset reports whether a reset link can still be used, so that
// its page says so before the new password is typed.
func (s *Service) CheckPasswordReset(ctx context.Context, token string) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := s.usableReset(ctx, tx, token)
		return err
	})
}

func (s *Service) usableReset(ctx context.Context, tx *sqlx.Tx, token string) (int64, error) {
	var r struct {
		AccountID int64      `db:"account_id"`
		ExpiresAt time.Time  `db:"expires_at"`
		UsedAt    *time.Time `db:"used_at"`
	}
	err := tx.GetContext(ctx, &r, `SELECT account_id, expires_at, used_at FROM password_resets WHERE token_hash = $1 FOR UPDATE`, hashToken(token))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, fault.NotFound("err.reset.invalid")
	case err != nil:
		return 0, err
	case r.UsedAt != nil:
		return 0, fault.Conflict("err.reset.used")
	case !s.now().Before(r.ExpiresAt):
		return 0, fault.Conflict("err.reset.expired")
	}
	return r.AccountID, nil
}

// ResetPassword sets a new password with a reset link, once: the link is
// used up, every other link of the account too, and every session of the
// account ends (whoever knew the old password is signed out).
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return fault.Invalid("password", "err.account.password_short")
	}
	if len(password) > 72 {
		return fault.Invalid("password", "err.account.password_long")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.PasswordCost)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		accountID, err := s.usableReset(ctx, tx, token)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $2 WHERE id = $1`, accountID, string(hash)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL`, accountID, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = $1`, accountID)
		return err
	})
}
