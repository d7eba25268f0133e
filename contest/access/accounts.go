package access

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"podium/contest"
	"podium/fault"
)

// Role is what an account may do in Podium.
type Role string

const (
	RoleOrganizer Role = "organizer"
	RoleJudge     Role = "judge"
	RoleEntrant   Role = "entrant"
	RoleInvestor  Role = "investor" // an investment institution (contest/showcase)
)

// Account is a person who can log in.
type Account struct {
	ID           int64      `db:"id" json:"id"`
	Role         Role       `db:"role" json:"role"`
	Email        *string    `db:"email" json:"email,omitempty"`
	Phone        *string    `db:"phone" json:"phone,omitempty"`
	DisplayName  string     `db:"display_name" json:"display_name"`
	PasswordHash *string    `db:"password_hash" json:"-"`
	Locale       string     `db:"locale" json:"locale"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
	DisabledAt   *time.Time `db:"disabled_at" json:"-"`
}

// NewAccount is what it takes to create an account with a password.
type NewAccount struct {
	Role        Role
	Email       string
	Phone       string
	DisplayName string
	Password    string
}

const accountColumns = `id, role, email, phone, display_name, password_hash, locale, created_at, disabled_at`

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

func (n *NewAccount) validate() error {
	p := fault.Problems{}
	switch n.Role {
	case RoleOrganizer, RoleJudge, RoleEntrant, RoleInvestor:
	default:
		p.Add("role", "err.account.role")
	}
	n.Email = contest.NormalizeLogin(n.Email)
	n.Phone = contest.NormalizeLogin(n.Phone)
	if n.Email == "" && n.Phone == "" {
		p.Add("email", "err.account.login_required")
	}
	if n.Email != "" {
		if a, err := mail.ParseAddress(n.Email); err != nil || a.Address != n.Email {
			p.Add("email", "err.account.email")
		}
	}
	if n.Phone != "" && !contest.ValidMobile(n.Phone) {
		p.Add("phone", "err.account.phone")
	}
	n.DisplayName = strings.TrimSpace(n.DisplayName)
	if n.DisplayName == "" || utf8.RuneCountInString(n.DisplayName) > 100 {
		p.Add("display_name", "err.account.display_name")
	}
	if utf8.RuneCountInString(n.Password) < MinPasswordLength {
		p.Add("password", "err.account.password_short")
	} else if len(n.Password) > 72 { // bcrypt's limit; longer input would be silently cut
		p.Add("password", "err.account.password_long")
	}
	return p.Err()
}

// CreateAccount creates an account with a hashed password.
func (s *Service) CreateAccount(ctx context.Context, n NewAccount) (Account, error) {
	return s.CreateAccountTx(ctx, s.db, n)
}

// CreateAccountTx is CreateAccount in the caller's transaction (or on any
// handle), for a room that creates an account with records of its own (an
// investor's institution, contest/showcase).
func (s *Service) CreateAccountTx(ctx context.Context, q sqlx.QueryerContext, n NewAccount) (Account, error) {
	if err := n.validate(); err != nil {
		return Account{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(n.Password), s.PasswordCost)
	if err != nil {
		return Account{}, err
	}
	var a Account
	err = sqlx.GetContext(ctx, q, &a, `
		INSERT INTO accounts (role, email, phone, display_name, password_hash)
		VALUES ($1, NULLIF($2, ''), NULLIF($3, ''), $4, $5)
		RETURNING `+accountColumns,
		n.Role, n.Email, n.Phone, n.DisplayName, string(hash))
	switch {
	case contest.IsUniqueViolation(err, "accounts_email_key"):
		return Account{}, &fault.Error{Code: fault.CodeConflict, Message: "err.invalid", Fields: map[string]string{"email": "err.account.email_taken"}}
	case contest.IsUniqueViolation(err, "accounts_phone_key"):
		return Account{}, &fault.Error{Code: fault.CodeConflict, Message: "err.invalid", Fields: map[string]string{"phone": "err.account.phone_taken"}}
	case err != nil:
		return Account{}, err
	}
	return a, nil
}

// Account returns the account with id.
func (s *Service) Account(ctx context.Context, id int64) (Account, error) {
	var a Account
	err := s.db.GetContext(ctx, &a, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, fault.NotFound("err.account.not_found")
	}
	return a, err
}

// decoy is a bcrypt hash of a password nobody knows, at a given cost.
type decoy struct {
	cost int
	hash []byte
}

// decoyHash is compared against when the login is unknown (or has no password),
// so that a wrong login takes as long as a wrong password and does not reveal
// which accounts exist. It has the service's PasswordCost, the cost of the hashes
// it stands in for; it is made on first use and again only if the cost changes.
func (s *Service) decoyHash() []byte {
	if d := s.decoy.Load(); d != nil && d.cost == s.PasswordCost {
		return d.hash
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // crypto/rand.Read never fails on supported platforms
	hash, err := bcrypt.GenerateFromPassword(secret, s.PasswordCost)
	if err != nil { // a cost out of bcrypt's range: CreateAccount fails the same way
		hash, _ = bcrypt.GenerateFromPassword(secret, bcrypt.DefaultCost)
	}
	s.decoy.Store(&decoy{cost: s.PasswordCost, hash: hash})
	return hash
}

// Authenticate checks a login (email or mobile number) and password.
func (s *Service) Authenticate(ctx context.Context, login, password string) (Account, error) {
	login = contest.NormalizeLogin(login)
	var a Account
	err := s.db.GetContext(ctx, &a, `SELECT `+accountColumns+` FROM accounts WHERE email = $1 OR phone = $1`, login)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Account{}, err
	}
	hash := s.decoyHash()
	if err == nil && a.PasswordHash != nil {
		hash = []byte(*a.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil || a.PasswordHash == nil {
		return Account{}, fault.Unauthorized("err.login.failed")
	}
	if a.DisabledAt != nil {
		return Account{}, fault.Forbidden("err.login.disabled")
	}
	return a, nil
}
