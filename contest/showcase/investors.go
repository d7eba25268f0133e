package showcase

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/fault"
	"podium/uscc"
)

// InvestorInput is what an investment institution registers with: the
// institution, its USCC, the contact person (the account's name) and the
// login (the contact's mobile number and/or e-mail), and a password.
type InvestorInput struct {
	Institution string `json:"institution"`
	USCC        string `json:"uscc"`
	ContactName string `json:"contact_name"`
	Phone       string `json:"phone"`
	Email       string `json:"email"`
	Password    string `json:"password"`
}

// Investor is an investment institution with its account.
type Investor struct {
	AccountID    int64     `db:"account_id" json:"account_id"`
	Institution  string    `db:"institution" json:"institution"`
	USCC         string    `db:"uscc" json:"uscc"`
	ContactName  string    `db:"contact_name" json:"contact_name"`
	ContactPhone string    `db:"contact_phone" json:"contact_phone,omitempty"`
	ContactEmail string    `db:"contact_email" json:"contact_email,omitempty"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
}

func (in *InvestorInput) validate() fault.Problems {
	p := fault.Problems{}
	in.Institution = strings.TrimSpace(in.Institution)
	if in.Institution == "" || utf8.RuneCountInString(in.Institution) > 200 {
		p.Add("institution", "err.investor.institution")
	}
	in.USCC = uscc.Normalize(in.USCC)
	if !uscc.Valid(in.USCC) {
		p.Add("uscc", "err.investor.uscc")
	}
	return p
}

// Register creates an investor's account and institution in one
// transaction, or nothing. The account's problems (login, password, contact
// name) and the institution's come back together.
func (s *Service) Register(ctx context.Context, in InvestorInput) (access.Account, error) {
	p := in.validate()
	n := access.NewAccount{Role: access.RoleInvestor, Email: in.Email, Phone: in.Phone, DisplayName: in.ContactName, Password: in.Password}
	var acct access.Account
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if len(p) > 0 {
			// Check the account's fields too, so that every problem is reported at once.
			if _, err := s.accounts.CreateAccountTx(ctx, tx, n); err != nil {
				var fe *fault.Error
				if errors.As(err, &fe) {
					for k, v := range fe.Fields {
						p.Add(renameField(k), v)
					}
				} else {
					return err
				}
			}
			return p.Err()
		}
		var err error
		if acct, err = s.accounts.CreateAccountTx(ctx, tx, n); err != nil {
			var fe *fault.Error
			if errors.As(err, &fe) && len(fe.Fields) > 0 {
				fields := map[string]string{}
				for k, v := range fe.Fields {
					fields[renameField(k)] = v
				}
				fe.Fields = fields
			}
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO investors (account_id, institution, uscc, contact_name, contact_phone, contact_email, created_at)
			VALUES ($1, $2, $3, $4, coalesce($5, ''), coalesce($6, ''), $7)`,
			acct.ID, in.Institution, in.USCC, acct.DisplayName, acct.Phone, acct.Email, s.db.NowUTC())
		if contest.IsUniqueViolation(err, "investors_uscc_key") {
			return fault.Taken("uscc", "err.investor.uscc_taken")
		}
		return err
	})
	return acct, err
}

// renameField names the account's display name as the form does: the contact person.
func renameField(k string) string {
	if k == "display_name" {
		return "contact_name"
	}
	return k
}

// Investor is the institution of an investor account.
func (s *Service) Investor(ctx context.Context, accountID int64) (Investor, error) {
	var v Investor
	err := s.db.GetContext(ctx, &v, `SELECT account_id, institution, uscc, contact_name, contact_phone, contact_email, created_at
		FROM investors WHERE account_id = $1`, accountID)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fault.NotFound("err.investor.not_found")
	}
	return v, err
}

// Application is an investor's application to a contest's showcase.
type Application struct {
	ContestID   int64            `db:"contest_id" json:"contest_id"`
	ContestSlug string           `db:"slug" json:"contest_slug"`
	ContestZh   string           `db:"name_zh" json:"contest_name_zh"`
	ContestEn   string           `db:"name_en" json:"contest_name_en"`
	InvestorID  int64            `db:"investor_id" json:"investor_id"`
	Institution string           `db:"institution" json:"institution"`
	USCC        string           `db:"uscc" json:"uscc"`
	ContactName string           `db:"contact_name" json:"contact_name"`
	State       ApplicationState `db:"state" json:"state"`
	AppliedAt   *time.Time       `db:"applied_at" json:"applied_at,omitempty"`
	DecidedAt   *time.Time       `db:"decided_at" json:"decided_at,omitempty"`
	Reason      string           `db:"reason" json:"reason,omitempty"`
}

// ContestChoice is a contest an investor may apply to, with the
// application's state ("" when it has not applied) and whether the showcase
// is open (results final).
type ContestChoice struct {
	Application
	Final bool `json:"final"`
}

// visibleContest is the SQL condition on contests c that investors see one:
// past its draft, or with results published (public anyway).
const visibleContest = `(c.state <> 'draft' OR EXISTS (SELECT 1 FROM publications p WHERE p.contest_id = c.id))`

// Contests are the contests an investor may apply to (visibleContest),
// newest first, each with the investor's application.
func (s *Service) Contests(ctx context.Context, investorID int64) ([]ContestChoice, error) {
	var rows []Application
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT c.id AS contest_id, c.slug, c.name_zh, c.name_en, $1::bigint AS investor_id, '' AS institution, '' AS uscc, '' AS contact_name,
		       coalesce(si.state, '') AS state, si.applied_at, si.decided_at, coalesce(si.reason, '') AS reason
		FROM contests c LEFT JOIN showcase_investors si ON si.contest_id = c.id AND si.investor_id = $1
		WHERE `+visibleContest+` ORDER BY c.id DESC`, investorID); err != nil {
		return nil, err
	}
	out := make([]ContestChoice, len(rows))
	for i, r := range rows {
		final, err := s.IsFinal(ctx, r.ContestID)
		if err != nil {
			return nil, err
		}
		r.AppliedAt, r.DecidedAt = contest.UTC(r.AppliedAt), contest.UTC(r.DecidedAt)
		out[i] = ContestChoice{Application: r, Final: final}
	}
	return out, nil
}

// Apply records an investor's application to a contest's showcase, audited
// in the contest's chain. Applying again while pending or approved changes
// nothing; after a rejection it applies anew.
func (s *Service) Apply(ctx context.Context, investorID, contestID int64) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var visible bool
		err := tx.GetContext(ctx, &visible, `SELECT `+visibleContest+` FROM contests c WHERE c.id = $1 FOR SHARE`, contestID)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !visible {
			return fault.NotFound("err.contest.not_found")
		}
		if err != nil {
			return err
		}
		if _, err := s.investorTx(ctx, tx, investorID); err != nil {
			return err
		}
		now := s.db.NowUTC()
		res, err := tx.ExecContext(ctx, `
			INSERT INTO showcase_investors (contest_id, investor_id, applied_at) VALUES ($1, $2, $3)
			ON CONFLICT (contest_id, investor_id) DO UPDATE
			SET state = 'pending', applied_at = EXCLUDED.applied_at, decided_at = NULL, decided_by = NULL, reason = ''
			WHERE showcase_investors.state = 'rejected'`, contestID, investorID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit.Append(ctx, tx, now, &contestID, &investorID, audit.ShowcaseInvestorApplied, fmt.Sprintf("investor %d", investorID), nil)
	})
}

func (s *Service) investorTx(ctx context.Context, q sqlx.QueryerContext, accountID int64) (Investor, error) {
	var v Investor
	err := sqlx.GetContext(ctx, q, &v, `SELECT account_id, institution, uscc, contact_name, contact_phone, contact_email, created_at
		FROM investors WHERE account_id = $1`, accountID)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fault.NotFound("err.investor.not_found")
	}
	return v, err
}

// ContestApplications are every application to a contest's showcase,
// pending first, then by time.
func (s *Service) ContestApplications(ctx context.Context, contestID int64) ([]Application, error) {
	out := []Application{}
	err := s.db.SelectContext(ctx, &out, `
		SELECT si.contest_id, c.slug, c.name_zh, c.name_en, si.investor_id, i.institution, i.uscc, i.contact_name,
		       si.state, si.applied_at, si.decided_at, si.reason
		FROM showcase_investors si JOIN investors i ON i.account_id = si.investor_id JOIN contests c ON c.id = si.contest_id
		WHERE si.contest_id = $1 ORDER BY si.state <> 'pending', si.applied_at, si.investor_id`, contestID)
	for i := range out {
		out[i].AppliedAt, out[i].DecidedAt = contest.UTC(out[i].AppliedAt), contest.UTC(out[i].DecidedAt)
	}
	return out, err
}

// DecideInvestor approves or rejects an investor's application to the
// contest's showcase (a rejection needs a reason), audited. An approved
// investor may be rejected later, which hides the showcase from it again.
func (s *Service) DecideInvestor(ctx context.Context, organizerID, contestID, investorID int64, approve bool, reason string) error {
	reason = strings.TrimSpace(reason)
	if !approve && reason == "" {
		return fault.Invalid("reason", "err.showcase.reason_required")
	}
	if utf8.RuneCountInString(reason) > 500 {
		return fault.Invalid("reason", "err.showcase.reason_long")
	}
	state := ApplicationRejected
	if approve {
		state = ApplicationApproved
	}
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		now := s.db.NowUTC()
		res, err := tx.ExecContext(ctx, `
			UPDATE showcase_investors SET state = $3, decided_at = $4, decided_by = $5, reason = $6
			WHERE contest_id = $1 AND investor_id = $2`, contestID, investorID, state, now, organizerID, reason)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.NotFound("err.showcase.application_not_found")
		}
		return audit.Append(ctx, tx, now, &contestID, &organizerID, audit.ShowcaseInvestorDecided, fmt.Sprintf("investor %d", investorID),
			map[string]any{"state": state, "reason": reason})
	})
}

// approved checks that the investor is approved for the contest's showcase:
// anything else (no application, pending, rejected, another contest's) is
// forbidden, and shows nothing.
func approved(ctx context.Context, q sqlx.QueryerContext, contestID, investorID int64) error {
	var state string
	err := sqlx.GetContext(ctx, q, &state, `SELECT state FROM showcase_investors WHERE contest_id = $1 AND investor_id = $2`, contestID, investorID)
	if errors.Is(err, sql.ErrNoRows) || err == nil && state != string(ApplicationApproved) {
		return fault.Forbidden("err.showcase.not_approved")
	}
	return err
}
