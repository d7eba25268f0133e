package contest

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest/assign"
)

// defaultCapacity is how many entries an expert reviews per round unless set.
const defaultCapacity = 20

func (in *ExpertInput) normalize() error {
	p := Problems{}
	in.Name, in.Organization, in.Title, in.Region = strings.TrimSpace(in.Name), strings.TrimSpace(in.Organization), strings.TrimSpace(in.Title), strings.TrimSpace(in.Region)
	in.USCC = NormalizeUSCC(in.USCC)
	in.Phone, in.Email = NormalizeLogin(in.Phone), strings.ToLower(strings.TrimSpace(in.Email))
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 50 {
		p.Add("name", "err.expert.name")
	}
	checkName(p, "organization", in.Organization, true)
	checkName(p, "title", in.Title, false)
	checkName(p, "region", in.Region, false)
	if in.USCC != "" && !ValidUSCC(in.USCC) {
		p.Add("uscc", "err.org.uscc")
	}
	if in.Phone != "" && !mobilePattern.MatchString(in.Phone) {
		p.Add("phone", "err.account.phone")
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			p.Add("email", "err.account.email")
		}
	}
	if in.Capacity == 0 {
		in.Capacity = defaultCapacity
	}
	if in.Capacity < 1 || in.Capacity > 500 {
		p.Add("capacity", "err.expert.capacity")
	}
	in.Fields, in.Keywords, in.Conflicts = cleanKeywords(in.Fields), cleanKeywords(in.Keywords), cleanKeywords(in.Conflicts)
	return p.Err()
}

// expertContestsSQL lists the contests expert x serves: those on whose panels
// the expert sits or holds assignments. An invite alone does not count: any
// organizer may invite any expert of the pool, and that must not reveal the
// expert's contacts (nor does the invite's session: see sessionRow.session).
const expertContestsSQL = `(
	SELECT r.contest_id FROM panel_members p JOIN rounds r ON r.id = p.round_id WHERE p.expert_id = x.id
	UNION ALL
	SELECT r.contest_id FROM assignments a JOIN rounds r ON r.id = a.round_id WHERE a.expert_id = x.id)`

// contactShownSQL says whether organizer n may see the contact details (phone,
// email) of expert x. The pool is the bureau's and shared, but an expert's
// contacts belong to the contests the expert serves: an organizer sees them
// for an expert who serves one of the organizer's contests, or who serves no
// contest yet (so that an expert can be recruited at all), and never for an
// expert who serves only other organizers' contests. Putting an expert on a
// panel (audited) is what makes the contacts the organizer's.
func contactShownSQL(n string) string {
	return `(NOT EXISTS (SELECT FROM ` + expertContestsSQL + ` ec)
		OR EXISTS (SELECT FROM ` + expertContestsSQL + ` ec
		           JOIN contest_organizers o ON o.contest_id = ec.contest_id AND o.account_id = ` + n + `))`
}

// editableSQL says whether organizer n may change expert x (its name,
// organization, capacity, declared conflicts, contacts): by the same rule as
// seeing the contacts. An expert who serves only other organizers' contests
// is theirs to keep; this organizer reads the record and may invite the
// expert, but a change would alter what those contests depend on.
func editableSQL(n string) string { return contactShownSQL(n) }

// expertColumnsFor selects an expert of the pool (alias x) as organizer n sees it.
func expertColumnsFor(n string) string {
	return `x.id, x.account_id, x.name, x.organization, coalesce(x.uscc, '') AS uscc, x.title, x.fields, x.keywords, x.region,
		CASE WHEN v.shown THEN x.phone ELSE '' END AS phone, CASE WHEN v.shown THEN x.email ELSE '' END AS email,
		NOT v.shown AS contact_hidden, x.capacity, x.declared_orgs, x.created_at
		FROM experts x, LATERAL (SELECT ` + contactShownSQL(n) + ` AS shown) v`
}

// normalizedOrgs normalizes organization names for set-based conflict matching.
func normalizedOrgs(names []string) pq.StringArray {
	out := pq.StringArray{}
	for _, n := range names {
		if norm := assign.NormalizeOrg(n); norm != "" {
			out = append(out, norm)
		}
	}
	return out
}

type expertRow struct {
	ID           int64          `db:"id"`
	AccountID    *int64         `db:"account_id"`
	Name         string         `db:"name"`
	Organization string         `db:"organization"`
	USCC         string         `db:"uscc"`
	Title        string         `db:"title"`
	Fields       pq.StringArray `db:"fields"`
	Keywords     pq.StringArray `db:"keywords"`
	Region       string         `db:"region"`
	Phone        string         `db:"phone"`
	Email        string         `db:"email"`
	Hidden       bool           `db:"contact_hidden"`
	Capacity     int            `db:"capacity"`
	Declared     pq.StringArray `db:"declared_orgs"`
	CreatedAt    time.Time      `db:"created_at"`
}

func (r expertRow) expert() Expert {
	if r.Hidden { // the account would link the expert to an email typed into an invite
		r.AccountID = nil
	}
	return Expert{ID: r.ID, AccountID: r.AccountID, CreatedAt: r.CreatedAt, ContactHidden: r.Hidden, ExpertInput: ExpertInput{
		Name: r.Name, Organization: r.Organization, USCC: r.USCC, Title: r.Title, Fields: nonNil(r.Fields),
		Keywords: nonNil(r.Keywords), Region: r.Region, Phone: r.Phone, Email: r.Email, Capacity: r.Capacity, Conflicts: nonNil(r.Declared)}}
}

// saveExpert inserts an expert or, when one with the same name and organization
// exists (an import run again), updates it, as organizer actorID, and returns
// the id. An existing expert actorID may not edit (see editableSQL) is left
// as it is, and the error is CodeForbidden.
func saveExpert(ctx context.Context, q sqlx.QueryerContext, actorID int64, in ExpertInput, now time.Time) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `
		INSERT INTO experts AS x (name, organization, organization_norm, uscc, title, fields, keywords, region, phone, email, capacity,
		                     declared_orgs, declared_orgs_norm, updated_at)
		VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (name, organization_norm) DO UPDATE SET organization = EXCLUDED.organization, uscc = EXCLUDED.uscc,
		    title = EXCLUDED.title, fields = EXCLUDED.fields, keywords = EXCLUDED.keywords, region = EXCLUDED.region,
		    phone = EXCLUDED.phone, email = EXCLUDED.email, capacity = EXCLUDED.capacity,
		    declared_orgs = EXCLUDED.declared_orgs, declared_orgs_norm = EXCLUDED.declared_orgs_norm, updated_at = EXCLUDED.updated_at
		WHERE `+editableSQL("$15")+`
		RETURNING id`,
		in.Name, in.Organization, assign.NormalizeOrg(in.Organization), in.USCC, in.Title,
		pq.StringArray(in.Fields), pq.StringArray(in.Keywords), in.Region, in.Phone, in.Email, in.Capacity,
		pq.StringArray(in.Conflicts), normalizedOrgs(in.Conflicts), now, actorID)
	if errors.Is(err, sql.ErrNoRows) { // the existing expert was not updated
		return 0, notEditable()
	}
	return id, err
}

// notEditable refuses a change to an expert who serves only other
// organizers' contests.
func notEditable() error { return Forbidden(msgNotEditable) }

const msgNotEditable = "err.expert.not_editable"

// SaveExpert adds an expert to the pool (or updates the one with the same name
// and organization, where organizer actorID may edit it), as organizer
// actorID, and returns it as they see it.
func (s *Store) SaveExpert(ctx context.Context, actorID int64, in ExpertInput) (Expert, error) {
	if err := in.normalize(); err != nil {
		return Expert{}, err
	}
	id, err := saveExpert(ctx, s.DB, actorID, in, s.now())
	if err != nil {
		return Expert{}, err
	}
	return s.Expert(ctx, actorID, id)
}

// UpdateExpert changes an expert of the pool, as organizer actorID: only an
// expert actorID may edit (see editableSQL), CodeForbidden otherwise.
func (s *Store) UpdateExpert(ctx context.Context, actorID, id int64, in ExpertInput) (Expert, error) {
	if x, err := s.Expert(ctx, actorID, id); err != nil {
		return Expert{}, err
	} else if x.ReadOnly() {
		return Expert{}, notEditable()
	}
	if err := in.normalize(); err != nil {
		return Expert{}, err
	}
	res, err := s.DB.ExecContext(ctx, `
		UPDATE experts x SET name = $2, organization = $3, organization_norm = $4, uscc = NULLIF($5, ''), title = $6,
		       fields = $7, keywords = $8, region = $9, phone = $10, email = $11, capacity = $12, updated_at = $13,
		       declared_orgs = $14, declared_orgs_norm = $15
		WHERE id = $1 AND `+editableSQL("$16"), id, in.Name, in.Organization, assign.NormalizeOrg(in.Organization), in.USCC, in.Title,
		pq.StringArray(in.Fields), pq.StringArray(in.Keywords), in.Region, in.Phone, in.Email, in.Capacity, s.now(),
		pq.StringArray(in.Conflicts), normalizedOrgs(in.Conflicts), actorID)
	if isUniqueViolation(err, "experts_identity") {
		return Expert{}, &Error{Code: CodeConflict, Message: "err.invalid", Fields: map[string]string{"name": "err.expert.duplicate"}}
	}
	if err != nil {
		return Expert{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 { // put on another organizer's panel meanwhile
		return Expert{}, notEditable()
	}
	return s.Expert(ctx, actorID, id)
}

// Expert returns an expert of the pool as organizer viewerID sees it: without
// contact details where the expert serves only other organizers' contests.
func (s *Store) Expert(ctx context.Context, viewerID, id int64) (Expert, error) {
	var r expertRow
	err := s.DB.GetContext(ctx, &r, `SELECT `+expertColumnsFor("$2")+` WHERE x.id = $1`, id, viewerID)
	if errors.Is(err, sql.ErrNoRows) {
		return Expert{}, NotFound("err.expert.not_found")
	}
	return r.expert(), err
}

// Experts lists the pool as organizer viewerID sees it (see Expert), optionally
// those whose name, organization or keywords contain query.
func (s *Store) Experts(ctx context.Context, viewerID int64, query string) ([]Expert, error) {
	var rows []expertRow
	err := s.DB.SelectContext(ctx, &rows, `SELECT `+expertColumnsFor("$2")+`
		WHERE $1 = '' OR strpos(lower(x.name || ' ' || x.organization || ' ' || array_to_string(x.keywords, ' ')), lower($1)) > 0
		ORDER BY x.name, x.id`, strings.TrimSpace(query), viewerID)
	out := make([]Expert, len(rows))
	for i, r := range rows {
		out[i] = r.expert()
	}
	return out, err
}

// ImportExperts adds experts read from a file, all or none (unless opt.SkipInvalid),
// like ImportEntries, as organizer actorID. An expert already in the pool (same
// name and organization) is updated where actorID may edit it (see
// editableSQL); otherwise its row has a problem.
func (s *Store) ImportExperts(ctx context.Context, actorID int64, rows []ExpertRow, opt ImportOptions) (ImportResult, error) {
	res := ImportResult{Problems: []RowProblem{}}
	err := inTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var good []ExpertInput
		for _, row := range rows {
			in := row.ExpertInput
			if err := in.normalize(); err != nil {
				res.Problems = append(res.Problems, rowProblems(row.Line, err)...)
				res.Skipped++
				continue
			}
			// An expert already in the pool that actorID may not edit is a
			// problem of the row, not a change to other contests' expert.
			var editable bool
			err := tx.GetContext(ctx, &editable, `SELECT `+editableSQL("$3")+` FROM experts x WHERE x.name = $1 AND x.organization_norm = $2`,
				in.Name, assign.NormalizeOrg(in.Organization), actorID)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err == nil && !editable {
				res.Problems = append(res.Problems, RowProblem{Line: row.Line, Column: "name", Message: msgNotEditable})
				res.Skipped++
				continue
			}
			good = append(good, in)
		}
		if opt.DryRun || len(res.Problems) > 0 && !opt.SkipInvalid {
			res.Skipped = len(rows)
			return nil
		}
		for _, in := range good {
			if _, err := saveExpert(ctx, tx, actorID, in, s.now()); err != nil {
				return err
			}
			res.Imported++
		}
		return nil
	})
	return res, err
}

// InviteExpert issues a one-time login link for an expert of the pool to judge
// in a contest. The expert's judge account is created on the first invite and
// kept for later ones. Like CreateInvite, it may invite an expert who serves
// other organizers' contests; the link's session reaches this contest only.
func (s *Store) InviteExpert(ctx context.Context, actorID, contestID, expertID int64) (Invite, error) {
	var inv Invite
	err := inTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var x struct {
			AccountID *int64 `db:"account_id"`
			Name      string `db:"name"`
			Email     string `db:"email"`
		}
		err := tx.GetContext(ctx, &x, `SELECT account_id, name, email FROM experts WHERE id = $1 FOR UPDATE`, expertID)
		if errors.Is(err, sql.ErrNoRows) {
			return NotFound("err.expert.not_found")
		}
		if err != nil {
			return err
		}
		if x.AccountID != nil {
			token, hash := newToken()
			inv = Invite{Token: token, AccountID: *x.AccountID, ContestID: contestID, ExpiresAt: s.now().Add(s.InviteTTL)}
			return s.issueInvite(ctx, tx, actorID, &inv, hash)
		}
		if inv, err = s.createInvite(ctx, tx, actorID, contestID, NewJudge{DisplayName: x.Name, Email: x.Email}); err != nil {
			return err
		}
		// The expert's email may name a judge account that is another expert's.
		_, err = tx.ExecContext(ctx, `UPDATE experts SET account_id = $2 WHERE id = $1`, expertID, inv.AccountID)
		if isUniqueViolation(err, "experts_account_id_key") {
			return Conflict("err.expert.email_linked")
		}
		return err
	})
	if err != nil {
		return Invite{}, err
	}
	return inv, nil
}
