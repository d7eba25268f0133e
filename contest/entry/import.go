package entry

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/assign"
	"podium/contest/audit"
)

// ImportEntries adds the entries of a CSV or XLSX file collected by another
// system (the columns are in import_columns.go), as submitted entries with
// blind codes, as organizer actorID. Every row is checked, the file's and the
// contest's rules alike; with any problem nothing is imported unless
// opt.SkipInvalid, in which case the good rows are imported and the others
// counted as skipped. Either way every problem is reported, by line. A file
// that cannot be read as a table at all (too large, not CSV or XLSX, a
// column missing) is the error.
func (s *Service) ImportEntries(ctx context.Context, actorID, contestID int64, file io.Reader, opt contest.ImportOptions) (contest.ImportResult, error) {
	rows, problems, err := parseEntries(file, contest.MaxImportBytes)
	if err != nil {
		return contest.ImportResult{}, err
	}
	return contest.ImportFile(problems, opt, func(opt contest.ImportOptions) (contest.ImportResult, error) {
		return s.ImportRows(ctx, actorID, contestID, rows, opt)
	})
}

// ImportRows adds entries read from a file, as submitted entries with blind
// codes. Every row is checked first; when any row has a problem, nothing is
// imported unless opt.SkipInvalid, in which case the valid rows are imported
// and the others counted as skipped. Either way every problem is reported.
func (s *Service) ImportRows(ctx context.Context, actorID, contestID int64, rows []ImportRow, opt contest.ImportOptions) (contest.ImportResult, error) {
	res := contest.ImportResult{Problems: []contest.RowProblem{}}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		type checked struct {
			row              ImportRow
			trackID, groupID int64
		}
		var good []checked
		for _, row := range rows {
			trackID, groupID, err := row.Input.validate(ctx, tx, contestID)
			problems := contest.RowProblems(row.Line, err)
			if err := row.Organization.normalize(s.now().In(contest.Beijing)); err != nil {
				problems = append(problems, contest.RowProblems(row.Line, err)...)
			}
			if err != nil && len(problems) == 0 {
				return err // not a validation problem
			}
			if len(problems) > 0 {
				res.Problems = append(res.Problems, problems...)
				res.Skipped++
				continue
			}
			good = append(good, checked{row, trackID, groupID})
		}
		if opt.DryRun || len(res.Problems) > 0 && !opt.SkipInvalid {
			res.Skipped = len(rows)
			return nil
		}
		now := s.now()
		imported := []int64{}
		for _, g := range good {
			orgID, err := importOrganization(ctx, tx, contestID, g.row.Organization, now)
			if err != nil {
				return err
			}
			in := g.row.Input
			snap := Snapshot{Input: in, Organization: Organization{ID: orgID, UpdatedAt: now, OrganizationInput: g.row.Organization}, Uploads: []Upload{}, SubmittedAt: now}
			var entryID int64
			err = tx.GetContext(ctx, &entryID, `
				INSERT INTO entries (contest_id, organization_id, track_id, group_id, title, fields, declared_conflicts,
				                     state, snapshot, submitted_at, source, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 'submitted', $8, $9, 'import', $9, $9) RETURNING id`,
				contestID, orgID, g.trackID, g.groupID, in.Title, contest.MustJSON(in.Fields), contest.MustJSON(nonNilConflicts(in.Conflicts)), contest.MustJSON(snap), now)
			if err != nil {
				return err
			}
			var trackKey string
			if err := tx.GetContext(ctx, &trackKey, `SELECT key FROM tracks WHERE id = $1`, g.trackID); err != nil {
				return err
			}
			if err := assignBlindCodes(ctx, tx, contestID, entryID, trackKey); err != nil {
				return err
			}
			res.Imported++
			imported = append(imported, entryID)
		}
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.EntriesImported, fmt.Sprint(res.Imported),
			map[string]any{"entries": imported, "skipped": res.Skipped})
	})
	return res, err
}

// importOrganization returns the record of an imported entry's organization:
// the importing contest's own, made from the import row, never an entrant's
// profile nor another contest's record (the organizers of this contest would
// read their contacts, and see the row's own dropped). An organization the
// contest imported before under the same credit code is the same record, and
// takes what the latest row says.
func importOrganization(ctx context.Context, tx *sqlx.Tx, contestID int64, o OrganizationInput, now time.Time) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `
		INSERT INTO organizations (contest_id, kind, name, name_norm, uscc, contact_name, contact_phone, contact_email, members, updated_at,
		    established_on, registered_capital, revenue_prev_year, listed, tech_sme_number, high_tech_cert_number, national_top3_before)
		VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7, $8, $9, $10, NULLIF($11, '')::date, $12, $13, $14, $15, $16, $17)
		ON CONFLICT (contest_id, uscc) WHERE contest_id IS NOT NULL DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name,
		    name_norm = EXCLUDED.name_norm, contact_name = EXCLUDED.contact_name, contact_phone = EXCLUDED.contact_phone,
		    contact_email = EXCLUDED.contact_email, members = EXCLUDED.members, updated_at = EXCLUDED.updated_at,
		    established_on = EXCLUDED.established_on, registered_capital = EXCLUDED.registered_capital,
		    revenue_prev_year = EXCLUDED.revenue_prev_year, listed = EXCLUDED.listed, tech_sme_number = EXCLUDED.tech_sme_number,
		    high_tech_cert_number = EXCLUDED.high_tech_cert_number, national_top3_before = EXCLUDED.national_top3_before
		RETURNING id`,
		contestID, o.Kind, o.Name, assign.NormalizeOrg(o.Name), o.USCC, o.ContactName, o.ContactPhone, o.ContactEmail, contest.MustJSON(NonNilMembers(o.Members)), now,
		o.EstablishedOn, o.RegisteredCapital, o.RevenuePrevYear, o.Listed, o.TechSMENumber, o.HighTechCertNumber, o.NationalTop3Before)
	return id, err
}

func nonNilConflicts(c []DeclaredConflict) []DeclaredConflict {
	if c == nil {
		return []DeclaredConflict{}
	}
	return c
}
