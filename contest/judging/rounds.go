package judging

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/audit"
	"podium/fault"
)

// SetRoundState opens a round for scoring, closes it, or opens it again.
func (s *Service) SetRoundState(ctx context.Context, actorID, contestID int64, roundKey, state string) error {
	allowed := map[string][]string{contest.RoundOpen: {contest.RoundDraft, contest.RoundClosed}, contest.RoundClosed: {contest.RoundOpen}}
	from, ok := allowed[state]
	if !ok {
		return fault.Invalid("state", "err.round.state")
	}
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, err := contest.RoundByKey(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE rounds SET state = $2 WHERE id = $1 AND state = ANY($3)`, r.ID, state, pq.StringArray(from))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.Conflict("err.round.state_change")
		}
		// The record takes the contest's chain head until commit; a submission
		// re-checks the round once it holds the head (assert_sheet_open), so it
		// is either recorded before the round closed or refused.
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.RoundState, roundKey, map[string]string{"state": state})
	})
}
