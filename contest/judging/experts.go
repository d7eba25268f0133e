package judging

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/assign"
	"podium/fault"
	"podium/uscc"
)

// ExpertInput is what an organizer records about an expert of the pool.
type ExpertInput struct {
	Name         string   `json:"name"`
	Organization string   `json:"organization"`
	USCC         string   `json:"uscc"` // of the expert's organization, when known: equal codes are a conflict
	Title        string   `json:"title"`
	Fields       []string `json:"fields"`   // track keys (or Chinese names) the expert may judge; empty: any track
	Keywords     []string `json:"keywords"` // for affinity with entries
	Region       string   `json:"region"`
	Phone        string   `json:"phone"`
	Email        string   `json:"email"`
	Capacity     int      `json:"capacity"` // entries per round at most; 0 means the default (20)
	// Conflicts are organizations the expert declares a conflict of interest with.
	Conflicts []string `json:"conflicts"`
}

// Expert is an expert of the pool.
type Expert struct {
	ID        int64     `json:"id"`
	AccountID *int64    `json:"account_id,omitempty"` // the judge account, once invited; hidden with the contacts
	CreatedAt time.Time `json:"created_at"`
	// ContactHidden: the expert serves only other organizers' contests, so the
	// phone, email and account are left out for this organizer, and the record
	// is read-only to them (see ReadOnly).
	ContactHidden bool `json:"contact_hidden"`
	ExpertInput
}

// ReadOnly reports whether the organizer who read the expert may not change
// it: an expert who serves only other organizers' contests is theirs.
func (x Expert) ReadOnly() bool { return x.ContactHidden }

// ExpertRow is one expert read from an import file; Line is its line or sheet row.
type ExpertRow struct {
	Line int
	ExpertInput
}

// defaultCapacity is how many entries an expert reviews per round unless set.
const defaultCapacity = 20

func (in *ExpertInput) normalize() error {
	p := fault.Problems{}
	in.Name, in.Organization, in.Title, in.Region = strings.TrimSpace(in.Name), strings.TrimSpace(in.Organization), strings.TrimSpace(in.Title), strings.TrimSpace(in.Region)
	in.USCC = uscc.Normalize(in.USCC)
	in.Phone, in.Email = contest.NormalizeLogin(in.Phone), strings.ToLower(strings.TrimSpace(in.Email))
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 50 {
		p.Add("name", "err.expert.name")
	}
	contest.CheckName(p, "organization", in.Organization, true)
	contest.CheckName(p, "title", in.Title, false)
	contest.CheckName(p, "region", in.Region, false)
	if in.USCC != "" && !uscc.Valid(in.USCC) {
		p.Add("uscc", "err.org.uscc")
	}
	if in.Phone != "" && !contest.ValidMobile(in.Phone) {
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
	in.Fields, in.Keywords, in.Conflicts = contest.CleanKeywords(in.Fields), contest.CleanKeywords(in.Keywords), contest.CleanKeywords(in.Conflicts)
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
		Name: r.Name, Organization: r.Organization, USCC: r.USCC, Title: r.Title, Fields: contest.NonNil(r.Fields),
		Keywords: contest.NonNil(r.Keywords), Region: r.Region, Phone: r.Phone, Email: r.Email, Capacity: r.Capacity, Conflicts: contest.NonNil(r.Declared)}}
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
func notEditable() error { return fault.Forbidden(msgNotEditable) }

const msgNotEditable = "err.expert.not_editable"

// SaveExpert adds an expert to the pool (or updates the one with the same name
// and organization, where organizer actorID may edit it), as organizer
// actorID, and returns it as they see it.
func (s *Service) SaveExpert(ctx context.Context, actorID int64, in ExpertInput) (Expert, error) {
	if err := in.normalize(); err != nil {
		return Expert{}, err
	}
	id, err := saveExpert(ctx, s.db, actorID, in, s.now())
	if err != nil {
		return Expert{}, err
	}
	return s.Expert(ctx, actorID, id)
}

// UpdateExpert changes an expert of the pool, as organizer actorID: only an
// expert actorID may edit (see editableSQL), CodeForbidden otherwise.
func (s *Service) UpdateExpert(ctx context.Context, actorID, id int64, in ExpertInput) (Expert, error) {
	if x, err := s.Expert(ctx, actorID, id); err != nil {
		return Expert{}, err
	} else if x.ReadOnly() {
		return Expert{}, notEditable()
	}
	if err := in.normalize(); err != nil {
		return Expert{}, err
	}
	res, err := s.db.ExecContext(ctx, `
		UPDATE experts x SET name = $2, organization = $3, organization_norm = $4, uscc = NULLIF($5, ''), title = $6,
		       fields = $7, keywords = $8, region = $9, phone = $10, email = $11, capacity = $12, updated_at = $13,
		       declared_orgs = $14, declared_orgs_norm = $15
		WHERE id = $1 AND `+editableSQL("$16"), id, in.Name, in.Organization, assign.NormalizeOrg(in.Organization), in.USCC, in.Title,
		pq.StringArray(in.Fields), pq.StringArray(in.Keywords), in.Region, in.Phone, in.Email, in.Capacity, s.now(),
		pq.StringArray(in.Conflicts), normalizedOrgs(in.Conflicts), actorID)
	if contest.IsUniqueViolation(err, "experts_identity") {
		return Expert{}, &fault.Error{Code: fault.CodeConflict, Message: "err.invalid", Fields: map[string]string{"name": "err.expert.duplicate"}}
	}
	if err != nil {
		return Expert{}, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return Expert{}, err
	} else if n == 0 { // put on another organizer's panel meanwhile
		return Expert{}, notEditable()
	}
	return s.Expert(ctx, actorID, id)
}

// Expert returns an expert of the pool as organizer viewerID sees it: without
// contact details where the expert serves only other organizers' contests.
func (s *Service) Expert(ctx context.Context, viewerID, id int64) (Expert, error) {
	var r expertRow
	err := s.db.GetContext(ctx, &r, `SELECT `+expertColumnsFor("$2")+` WHERE x.id = $1`, id, viewerID)
	if errors.Is(err, sql.ErrNoRows) {
		return Expert{}, fault.NotFound("err.expert.not_found")
	}
	return r.expert(), err
}

// Experts lists the pool as organizer viewerID sees it (see Expert), optionally
// those whose name, organization or keywords contain query.
func (s *Service) Experts(ctx context.Context, viewerID int64, query string) ([]Expert, error) {
	var rows []expertRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+expertColumnsFor("$2")+`
		WHERE $1 = '' OR strpos(lower(x.name || ' ' || x.organization || ' ' || array_to_string(x.keywords, ' ')), lower($1)) > 0
		ORDER BY x.name, x.id`, strings.TrimSpace(query), viewerID)
	out := make([]Expert, len(rows))
	for i, r := range rows {
		out[i] = r.expert()
	}
	return out, err
}

// ImportExperts adds the experts of a CSV or XLSX file to the pool (the
// columns are in expert_import.go), all or none unless opt.SkipInvalid, and
// reports every problem, like entry.ImportEntries, as organizer actorID.
func (s *Service) ImportExperts(ctx context.Context, actorID int64, file io.Reader, opt contest.ImportOptions) (contest.ImportResult, error) {
	rows, problems, err := parseExperts(file, contest.MaxImportBytes)
	if err != nil {
		return contest.ImportResult{}, err
	}
	return contest.ImportFile(problems, opt, func(opt contest.ImportOptions) (contest.ImportResult, error) {
		return s.ImportExpertRows(ctx, actorID, rows, opt)
	})
}

// ImportExpertRows adds experts read from a file, all or none (unless
// opt.SkipInvalid), like entry.ImportRows, as organizer actorID. An expert
// already in the pool (same name and organization) is updated where actorID
// may edit it (see editableSQL); otherwise its row has a problem.
func (s *Service) ImportExpertRows(ctx context.Context, actorID int64, rows []ExpertRow, opt contest.ImportOptions) (contest.ImportResult, error) {
	res := contest.ImportResult{Problems: []contest.RowProblem{}}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var good []ExpertInput
		for _, row := range rows {
			in := row.ExpertInput
			if err := in.normalize(); err != nil {
				res.Problems = append(res.Problems, contest.RowProblems(row.Line, err)...)
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
				res.Problems = append(res.Problems, contest.RowProblem{Line: row.Line, Column: "name", Message: msgNotEditable})
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
// The link is also e-mailed to the expert, when the pool has an address.
func (s *Service) InviteExpert(ctx context.Context, actorID, contestID, expertID int64) (access.Invite, error) {
	return s.inviteExpert(ctx, actorID, contestID, expertID, true)
}

// InviteExpertForCard is InviteExpert for a printed card (a QR code handed
// over at the venue): nothing is e-mailed.
func (s *Service) InviteExpertForCard(ctx context.Context, actorID, contestID, expertID int64) (access.Invite, error) {
	return s.inviteExpert(ctx, actorID, contestID, expertID, false)
}

func (s *Service) inviteExpert(ctx context.Context, actorID, contestID, expertID int64, mail bool) (access.Invite, error) {
	var inv access.Invite
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var x struct {
			AccountID *int64 `db:"account_id"`
			Name      string `db:"name"`
			Email     string `db:"email"`
		}
		err := tx.GetContext(ctx, &x, `SELECT account_id, name, email FROM experts WHERE id = $1 FOR UPDATE`, expertID)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.NotFound("err.expert.not_found")
		}
		if err != nil {
			return err
		}
		if x.AccountID != nil {
			inv, err = s.accounts.InviteAccountTx(ctx, tx, actorID, contestID, *x.AccountID)
		} else {
			if inv, err = s.accounts.InviteJudgeTx(ctx, tx, actorID, contestID, access.NewJudge{DisplayName: x.Name, Email: x.Email}); err != nil {
				return err
			}
			// The expert's email may name a judge account that is another expert's.
			_, err = tx.ExecContext(ctx, `UPDATE experts SET account_id = $2 WHERE id = $1`, expertID, inv.AccountID)
			if contest.IsUniqueViolation(err, "experts_account_id_key") {
				return fault.Conflict("err.expert.email_linked")
			}
		}
		if err != nil || !mail {
			return err
		}
		return access.MailInviteTx(ctx, tx, inv)
	})
	if err != nil {
		return access.Invite{}, err
	}
	return inv, nil
}

// InviteJudge invites someone to judge the contest from the judges page:
// experts and judges are one list, so the person is found in the pool (by
// e-mail, or by name and organization) or added to it first, and then
// invited as InviteExpert does (the link e-mailed when there is an address).
func (s *Service) InviteJudge(ctx context.Context, actorID, contestID int64, name, organization, email string) (access.Invite, error) {
	var id int64
	if email := strings.ToLower(strings.TrimSpace(email)); email != "" { // in the pool already: nothing else is needed
		err := s.db.GetContext(ctx, &id, `SELECT id FROM experts WHERE email = $1 ORDER BY id LIMIT 1`, email)
		if err == nil {
			return s.InviteExpert(ctx, actorID, contestID, id)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return access.Invite{}, err
		}
	}
	in := ExpertInput{Name: name, Organization: organization, Email: email}
	if err := in.normalize(); err != nil {
		return access.Invite{}, err
	}
	err := s.db.GetContext(ctx, &id, `SELECT id FROM experts WHERE name = $1 AND organization_norm = $2 ORDER BY id LIMIT 1`,
		in.Name, assign.NormalizeOrg(in.Organization))
	if errors.Is(err, sql.ErrNoRows) {
		var x Expert
		if x, err = s.SaveExpert(ctx, actorID, in); err != nil {
			return access.Invite{}, err
		}
		id = x.ID
	} else if err != nil {
		return access.Invite{}, err
	}
	return s.InviteExpert(ctx, actorID, contestID, id)
}
