package judging

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"podium/contest/audit"
)

// ComputeConflicts recomputes the contest's derived conflicts as set operations
// in the database: an expert of an entrant's organization (normalized names, or
// equal credit codes), the experts and organizations entrants declared, and the
// organizations experts declared.
// Conflicts added by organizers and recusals are kept.
func (s *Service) ComputeConflicts(ctx context.Context, contestID int64) (int, error) {
	var n int
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		return computeConflicts(ctx, tx, contestID, &n)
	})
	return n, err
}

func computeConflicts(ctx context.Context, tx *sqlx.Tx, contestID int64, n *int) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM conflicts WHERE contest_id = $1 AND source IN ('organization', 'entrant', 'expert')`, contestID); err != nil {
		return err
	}
	steps := []string{
		// Same organization: normalized names, or the same credit code when both are known.
		`INSERT INTO conflicts (contest_id, expert_id, entry_id, source, reason)
		 SELECT DISTINCT e.contest_id, x.id, e.id, 'organization', o.name
		 FROM entries e JOIN organizations o ON o.id = e.organization_id
		 JOIN experts x ON (x.organization_norm <> '' AND x.organization_norm = o.name_norm) OR (x.uscc IS NOT NULL AND x.uscc = o.uscc)
		 WHERE e.contest_id = $1
		 ON CONFLICT DO NOTHING`,
		// Declared by the entrant: an expert by name, or an organization by normalized name.
		`INSERT INTO conflicts (contest_id, expert_id, entry_id, source, reason)
		 SELECT DISTINCT e.contest_id, x.id, e.id, 'entrant', coalesce(d->>'reason', '')
		 FROM entries e CROSS JOIN LATERAL jsonb_array_elements(
		     CASE jsonb_typeof(e.declared_conflicts) WHEN 'array' THEN e.declared_conflicts ELSE '[]' END) d
		 JOIN experts x ON (d->>'kind' = 'expert' AND x.name = d->>'name')
		                OR (d->>'kind' = 'organization' AND coalesce(d->>'name_norm', '') <> '' AND x.organization_norm = d->>'name_norm')
		 WHERE e.contest_id = $1
		 ON CONFLICT DO NOTHING`,
		// Declared by the expert: an organization, by normalized name.
		`INSERT INTO conflicts (contest_id, expert_id, entry_id, source, reason)
		 SELECT DISTINCT e.contest_id, x.id, e.id, 'expert', o.name
		 FROM entries e JOIN organizations o ON o.id = e.organization_id
		 JOIN experts x ON o.name_norm = ANY(x.declared_orgs_norm)
		 WHERE e.contest_id = $1
		 ON CONFLICT DO NOTHING`,
	}
	for _, q := range steps {
		res, err := tx.ExecContext(ctx, q, contestID)
		if err != nil {
			return err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return err
		}
		*n += int(k)
	}
	return nil
}

// AddConflict records a conflict an organizer knows of.
func (s *Service) AddConflict(ctx context.Context, actorID, contestID, expertID, entryID int64, reason string) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO conflicts (contest_id, expert_id, entry_id, source, reason)
			SELECT $1, x.id, e.id, 'organizer', $4 FROM experts x, entries e WHERE x.id = $2 AND e.id = $3 AND e.contest_id = $1
			ON CONFLICT DO NOTHING`, contestID, expertID, entryID, strings.TrimSpace(reason))
		if err != nil {
			return err
		}
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.ConflictAdded, fmt.Sprintf("expert %d entry %d", expertID, entryID),
			map[string]any{"expert": expertID, "entry": entryID, "reason": reason})
	})
}
