package contest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest/assign"
)

// RowProblem is what is wrong with one row of an import file.
type RowProblem struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`  // a field such as "track" or "uscc"; "" for the whole row
	Message string `json:"message"` // message key
}

// ImportResult says what an import did, or would do.
type ImportResult struct {
	Imported int          `json:"imported"`
	Skipped  int          `json:"skipped"`
	Problems []RowProblem `json:"problems"`
}

// ImportOptions say what to do with rows that have problems.
type ImportOptions struct {
	// SkipInvalid imports the valid rows even when others have problems.
	SkipInvalid bool
	// DryRun checks every row and imports nothing (the file had problems the
	// caller found itself, and the organizer did not choose to skip them).
	DryRun bool
}

// ImportEntries adds entries collected by another system, as submitted entries
// with blind codes. Every row is checked first; when any row has a problem,
// nothing is imported unless opt.SkipInvalid, in which case the valid rows are
// imported and the others counted as skipped. Either way every problem is reported.
func (s *Store) ImportEntries(ctx context.Context, actorID, contestID int64, rows []ImportRow, opt ImportOptions) (ImportResult, error) {
	res := ImportResult{Problems: []RowProblem{}}
	err := inTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		type checked struct {
			row              ImportRow
			trackID, groupID int64
		}
		var good []checked
		for _, row := range rows {
			trackID, groupID, err := row.EntryInput.validate(ctx, tx, contestID)
			problems := rowProblems(row.Line, err)
			if err := row.Organization.normalize(); err != nil {
				problems = append(problems, rowProblems(row.Line, err)...)
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
			in := g.row.EntryInput
			snap := Snapshot{EntryInput: in, Organization: Organization{ID: orgID, UpdatedAt: now, OrganizationInput: g.row.Organization}, Uploads: []Upload{}, SubmittedAt: now}
			var entryID int64
			err = tx.GetContext(ctx, &entryID, `
				INSERT INTO entries (contest_id, organization_id, track_id, group_id, title, fields, declared_conflicts,
				                     state, snapshot, submitted_at, source, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 'submitted', $8, $9, 'import', $9, $9) RETURNING id`,
				contestID, orgID, g.trackID, g.groupID, in.Title, mustJSON(in.Fields), mustJSON(nonNilConflicts(in.Conflicts)), mustJSON(snap), now)
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
		return s.audit(ctx, tx, &contestID, &actorID, AuditEntriesImported, fmt.Sprint(res.Imported),
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
		INSERT INTO organizations (contest_id, kind, name, name_norm, uscc, contact_name, contact_phone, contact_email, members, updated_at)
		VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7, $8, $9, $10)
		ON CONFLICT (contest_id, uscc) WHERE contest_id IS NOT NULL DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name,
		    name_norm = EXCLUDED.name_norm, contact_name = EXCLUDED.contact_name, contact_phone = EXCLUDED.contact_phone,
		    contact_email = EXCLUDED.contact_email, members = EXCLUDED.members, updated_at = EXCLUDED.updated_at
		RETURNING id`,
		contestID, o.Kind, o.Name, assign.NormalizeOrg(o.Name), o.USCC, o.ContactName, o.ContactPhone, o.ContactEmail, mustJSON(nonNilMembers(o.Members)), now)
	return id, err
}

// rowProblems turns a validation error into problems of one row.
func rowProblems(line int, err error) []RowProblem {
	e, ok := errors.AsType[*Error](err)
	if !ok || e.Code != CodeInvalid {
		return nil
	}
	var out []RowProblem
	for _, field := range slices.Sorted(maps.Keys(e.Fields)) {
		out = append(out, RowProblem{Line: line, Column: strings.TrimPrefix(field, "fields."), Message: e.Fields[field]})
	}
	return out
}

func nonNilConflicts(c []DeclaredConflict) []DeclaredConflict {
	if c == nil {
		return []DeclaredConflict{}
	}
	return c
}
