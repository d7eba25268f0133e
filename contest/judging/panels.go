package judging

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/audit"
	"podium/fault"
)

// PanelMember is an expert on a round's panel.
type PanelMember struct {
	Expert
	RoundCapacity *int   `json:"round_capacity"` // overrides the expert's capacity in this round
	Session       string `json:"session"`        // the room of a live round
}

// SetPanel makes experts the round's panel (replacing the previous one).
func (s *Service) SetPanel(ctx context.Context, actorID, contestID int64, roundKey string, expertIDs []int64) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, err := contest.RoundByKey(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		var known int
		if err := tx.GetContext(ctx, &known, `SELECT count(*) FROM experts WHERE id = ANY($1)`, pq.Int64Array(expertIDs)); err != nil {
			return err
		}
		if known != len(contest.UniqueIDs(expertIDs)) {
			return fault.Invalid("experts", "err.expert.not_found")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM panel_members WHERE round_id = $1 AND expert_id <> ALL($2)`, r.ID, pq.Int64Array(expertIDs)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO panel_members (round_id, expert_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`,
			r.ID, pq.Int64Array(expertIDs)); err != nil {
			return err
		}
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.PanelSet, roundKey, map[string]any{"experts": expertIDs})
	})
}

// Panel lists a round's panel.
func (s *Service) Panel(ctx context.Context, contestID int64, roundKey string) ([]PanelMember, error) {
	r, err := contest.RoundByKey(ctx, s.db, contestID, roundKey)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		expertRow
		RoundCapacity *int   `db:"round_capacity"`
		Session       string `db:"session"`
	}
	err = s.db.SelectContext(ctx, &rows, `
		SELECT x.id, x.account_id, x.name, x.organization, coalesce(x.uscc, '') AS uscc, x.title, x.fields, x.keywords,
		       x.region, x.phone, x.email, x.capacity, x.declared_orgs, x.created_at, p.capacity AS round_capacity, p.session
		FROM panel_members p JOIN experts x ON x.id = p.expert_id WHERE p.round_id = $1 ORDER BY x.name, x.id`, r.ID)
	out := make([]PanelMember, len(rows))
	for i, row := range rows {
		out[i] = PanelMember{Expert: row.expert(), RoundCapacity: row.RoundCapacity, Session: row.Session}
	}
	return out, err
}
