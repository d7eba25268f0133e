package entry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"golang.org/x/text/width"

	"podium/contest"
	"podium/contest/assign"
	"podium/eligibility"
	"podium/fault"
	"podium/redact"
	"podium/uscc"
)

// OrgKind is what an entrant is: a company or a team.
type OrgKind string

// Organization kinds.
const (
	OrgEnterprise OrgKind = "enterprise" // a registered company: needs a valid USCC
	OrgTeam       OrgKind = "team"       // a team not (yet) incorporated
)

// Member is one person of an entrant's team.
type Member struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// OrganizationInput is the profile an entrant fills in.
type OrganizationInput struct {
	Kind         OrgKind  `json:"kind"`
	Name         string   `json:"name"`
	USCC         string   `json:"uscc"`
	ContactName  string   `json:"contact_name"`
	ContactPhone string   `json:"contact_phone"`
	ContactEmail string   `json:"contact_email"`
	Members      []Member `json:"members"`
	CompanyFacts
}

// CompanyFacts are what the higher contests ask of a company and check
// (package eligibility): all optional in the profile, since a team has none;
// a contest's rule that needs one the entrant left empty says so at
// submission. Amounts are whole yuan.
type CompanyFacts struct {
	EstablishedOn      string `json:"established_on"`     // 成立日期, YYYY-MM-DD, "" when not given
	RegisteredCapital  *int64 `json:"registered_capital"` // 注册资本, yuan
	RevenuePrevYear    *int64 `json:"revenue_prev_year"`  // 上一年度营业收入, yuan
	Listed             bool   `json:"listed"`             // listed on any stock exchange
	TechSMENumber      string `json:"tech_sme_number"`    // 科技型中小企业入库登记编号
	HighTechCertNumber string `json:"high_tech_cert_number"`
	NationalTop3Before bool   `json:"national_top3_before"` // won a national top-three place before
	// CapitalWan and RevenueWan are the amounts as a form gives them, in 万元
	// (eligibility.ParseWan); when set they replace RegisteredCapital and
	// RevenuePrevYear, and a malformed one is a field error of its own.
	CapitalWan *string `json:"-"`
	RevenueWan *string `json:"-"`
}

// certificatePattern is what a certificate or registration number may hold.
var certificatePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{3,39}$`)

// normalize checks the facts, reading amounts typed in 万元.
func (f *CompanyFacts) normalize(p fault.Problems, today time.Time) {
	f.EstablishedOn = strings.TrimSpace(f.EstablishedOn)
	if f.EstablishedOn != "" {
		d, err := time.Parse(time.DateOnly, f.EstablishedOn)
		switch {
		case err != nil || d.Year() < 1900:
			p.Add("established_on", "err.org.established_on")
		case d.After(today):
			p.Add("established_on", "err.org.established_future")
		}
	}
	for _, m := range []struct {
		field string
		wan   *string
		yuan  **int64
	}{{"registered_capital", f.CapitalWan, &f.RegisteredCapital}, {"revenue_prev_year", f.RevenueWan, &f.RevenuePrevYear}} {
		if m.wan != nil {
			*m.yuan = nil
			if strings.TrimSpace(*m.wan) != "" {
				yuan, ok := eligibility.ParseWan(*m.wan)
				if !ok {
					p.Add(m.field, "err.org.amount_wan")
					continue
				}
				*m.yuan = &yuan
			}
		}
		if *m.yuan != nil && (**m.yuan < 0 || **m.yuan > eligibility.MaxMoney) {
			p.Add(m.field, "err.org.amount")
		}
	}
	for _, n := range []struct {
		field string
		v     *string
	}{{"tech_sme_number", &f.TechSMENumber}, {"high_tech_cert_number", &f.HighTechCertNumber}} {
		// A Chinese keyboard types full-width letters and digits ("２０２１…Ａ"): folded, they are the number.
		*n.v = strings.ToUpper(strings.Join(strings.Fields(width.Fold.String(*n.v)), ""))
		if *n.v != "" && !certificatePattern.MatchString(*n.v) {
			p.Add(n.field, "err.org.certificate_number")
		}
	}
}

// Organization is a saved entrant organization.
type Organization struct {
	ID        int64     `json:"id"`
	UpdatedAt time.Time `json:"updated_at"`
	OrganizationInput
}

// normalize trims the profile and checks it: an enterprise needs a valid USCC,
// contacts must be reachable, team members named.
func (o *OrganizationInput) normalize(today time.Time) error {
	p := fault.Problems{}
	o.CompanyFacts.normalize(p, today)
	o.Name = strings.TrimSpace(o.Name)
	o.USCC = uscc.Normalize(o.USCC)
	o.ContactName = strings.TrimSpace(o.ContactName)
	o.ContactPhone = contest.NormalizeLogin(o.ContactPhone)
	o.ContactEmail = strings.ToLower(strings.TrimSpace(width.Fold.String(o.ContactEmail)))
	switch o.Kind {
	case OrgEnterprise:
		if o.USCC == "" {
			p.Add("uscc", "err.org.uscc_required")
		} else if !uscc.Valid(o.USCC) {
			p.Add("uscc", "err.org.uscc")
		}
	case OrgTeam:
		if o.USCC != "" && !uscc.Valid(o.USCC) {
			p.Add("uscc", "err.org.uscc")
		}
	default:
		p.Add("kind", "err.org.kind")
	}
	contest.CheckName(p, "name", o.Name, true)
	contest.CheckName(p, "contact_name", o.ContactName, true)
	if o.ContactPhone != "" && !contest.ValidMobile(o.ContactPhone) {
		p.Add("contact_phone", "err.account.phone")
	}
	if o.ContactEmail != "" {
		if a, err := mail.ParseAddress(o.ContactEmail); err != nil || a.Address != o.ContactEmail {
			p.Add("contact_email", "err.account.email")
		}
	}
	if o.ContactPhone == "" && o.ContactEmail == "" {
		p.Add("contact_phone", "err.org.contact_required")
	}
	if len(o.Members) > 50 {
		p.Add("members", "err.too_long")
	}
	members := o.Members[:0:0]
	for i, m := range o.Members {
		m.Name, m.Role = strings.TrimSpace(m.Name), strings.TrimSpace(m.Role)
		if m.Name == "" && m.Role == "" {
			continue
		}
		if m.Name == "" || utf8.RuneCountInString(m.Name) > 50 || utf8.RuneCountInString(m.Role) > 50 {
			p.Add(fmt.Sprintf("members[%d].name", i), "err.org.member")
		}
		members = append(members, m)
	}
	o.Members = members
	return p.Err()
}

// identityNames are the names that must not appear in blind-review materials.
func (o OrganizationInput) identityNames() []string {
	names := []string{o.Name, o.ContactName}
	for _, m := range o.Members {
		names = append(names, m.Name)
	}
	return slices.DeleteFunc(names, func(n string) bool { return n == "" })
}

// RedactedNames are the names blacked out for judges: identityNames, and the
// organization's name as entrants shorten it (its brand, its short name in
// each script; see redact.Cores).
func (o OrganizationInput) RedactedNames() []string {
	return append(o.identityNames(), redact.Cores(o.Name)...)
}

const organizationColumns = `o.id, o.kind, o.name, coalesce(o.uscc, '') AS uscc, o.contact_name, o.contact_phone, o.contact_email, o.members, o.updated_at,
	coalesce(to_char(o.established_on, 'YYYY-MM-DD'), '') AS established_on, o.registered_capital, o.revenue_prev_year, o.listed,
	o.tech_sme_number, o.high_tech_cert_number, o.national_top3_before`

type organizationRow struct {
	ID           int64         `db:"id"`
	Kind         OrgKind       `db:"kind"`
	Name         string        `db:"name"`
	USCC         string        `db:"uscc"`
	ContactName  string        `db:"contact_name"`
	ContactPhone string        `db:"contact_phone"`
	ContactEmail string        `db:"contact_email"`
	Members      []byte        `db:"members"`
	UpdatedAt    sql.NullTime  `db:"updated_at"`
	Established  string        `db:"established_on"`
	Capital      sql.NullInt64 `db:"registered_capital"`
	Revenue      sql.NullInt64 `db:"revenue_prev_year"`
	Listed       bool          `db:"listed"`
	TechSME      string        `db:"tech_sme_number"`
	HighTech     string        `db:"high_tech_cert_number"`
	Top3         bool          `db:"national_top3_before"`
}

func nullableInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

func (r organizationRow) organization() (Organization, error) {
	o := Organization{ID: r.ID, UpdatedAt: r.UpdatedAt.Time, OrganizationInput: OrganizationInput{
		Kind: r.Kind, Name: r.Name, USCC: r.USCC, ContactName: r.ContactName, ContactPhone: r.ContactPhone, ContactEmail: r.ContactEmail,
		CompanyFacts: CompanyFacts{EstablishedOn: r.Established, RegisteredCapital: nullableInt(r.Capital), RevenuePrevYear: nullableInt(r.Revenue),
			Listed: r.Listed, TechSMENumber: r.TechSME, HighTechCertNumber: r.HighTech, NationalTop3Before: r.Top3},
	}}
	err := json.Unmarshal(r.Members, &o.Members)
	return o, err
}

// OrganizationOf returns the entrant's organization profile, fault.CodeNotFound when it has none yet.
func (s *Service) OrganizationOf(ctx context.Context, accountID int64) (Organization, error) {
	var row organizationRow
	err := s.db.GetContext(ctx, &row, `
		SELECT `+organizationColumns+` FROM organizations o JOIN accounts a ON a.organization_id = o.id WHERE a.id = $1`, accountID)
	if errors.Is(err, sql.ErrNoRows) {
		return Organization{}, fault.NotFound("err.org.missing")
	}
	if err != nil {
		return Organization{}, err
	}
	return row.organization()
}

// SaveOrganization creates or updates the entrant's organization profile. Entries
// already submitted keep the profile of their snapshot.
func (s *Service) SaveOrganization(ctx context.Context, accountID int64, in OrganizationInput) (Organization, error) {
	if err := in.normalize(s.now().In(contest.Beijing)); err != nil {
		return Organization{}, err
	}
	members, _ := json.Marshal(NonNilMembers(in.Members))
	var id int64
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var current sql.NullInt64
		if err := tx.GetContext(ctx, &current, `SELECT organization_id FROM accounts WHERE id = $1 AND role = 'entrant' FOR UPDATE`, accountID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fault.Forbidden("err.forbidden")
			}
			return err
		}
		err := tx.GetContext(ctx, &id, `
			INSERT INTO organizations (id, kind, name, name_norm, uscc, contact_name, contact_phone, contact_email, members, updated_at,
			    established_on, registered_capital, revenue_prev_year, listed, tech_sme_number, high_tech_cert_number, national_top3_before)
			VALUES (coalesce($1, nextval('organizations_id_seq')), $2, $3, $4, NULLIF($5, ''), $6, $7, $8, $9, $10,
			    NULLIF($11, '')::date, $12, $13, $14, $15, $16, $17)
			ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, name_norm = EXCLUDED.name_norm,
			    uscc = EXCLUDED.uscc, contact_name = EXCLUDED.contact_name, contact_phone = EXCLUDED.contact_phone,
			    contact_email = EXCLUDED.contact_email, members = EXCLUDED.members, updated_at = EXCLUDED.updated_at,
			    established_on = EXCLUDED.established_on, registered_capital = EXCLUDED.registered_capital,
			    revenue_prev_year = EXCLUDED.revenue_prev_year, listed = EXCLUDED.listed, tech_sme_number = EXCLUDED.tech_sme_number,
			    high_tech_cert_number = EXCLUDED.high_tech_cert_number, national_top3_before = EXCLUDED.national_top3_before
			RETURNING id`,
			current, in.Kind, in.Name, assign.NormalizeOrg(in.Name), in.USCC, in.ContactName, in.ContactPhone, in.ContactEmail, members, s.now(),
			in.EstablishedOn, in.RegisteredCapital, in.RevenuePrevYear, in.Listed, in.TechSMENumber, in.HighTechCertNumber, in.NationalTop3Before)
		if contest.IsUniqueViolation(err, "organizations_uscc_key") {
			return &fault.Error{Code: fault.CodeConflict, Message: "err.invalid", Fields: map[string]string{"uscc": "err.org.uscc_taken"}}
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET organization_id = $2 WHERE id = $1`, accountID, id)
		return err
	})
	if err != nil {
		return Organization{}, err
	}
	return s.OrganizationOf(ctx, accountID)
}

func NonNilMembers(m []Member) []Member {
	if m == nil {
		return []Member{}
	}
	return m
}
