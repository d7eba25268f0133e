package judging

import (
	"context"
	"slices"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/audit"
	"podium/fault"
)

// SetRoundState opens a round for scoring, closes it, or opens it again. A
// published round is final: changing it is refused as err.results.published,
// any other change the round's state does not allow as err.round.state_change.
func (s *Service) SetRoundState(ctx context.Context, actorID, contestID int64, roundKey string, state contest.RoundState) error {
	allowed := map[contest.RoundState][]contest.RoundState{
		contest.RoundOpen:   {contest.RoundDraft, contest.RoundClosed},
		contest.RoundClosed: {contest.RoundOpen},
	}
	from, ok := allowed[state]
	if !ok {
		return fault.Invalid("state", "err.round.state")
	}
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, err := contest.LockRound(ctx, tx, contestID, roundKey)
		switch {
		case err != nil:
			return err
		case r.State.Published():
			return fault.Conflict("err.results.published")
		case !slices.Contains(from, r.State):
			return fault.Conflict("err.round.state_change")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rounds SET state = $2 WHERE id = $1`, r.ID, state); err != nil {
			return err
		}
		// The record takes the contest's chain head until commit; a submission
		// re-checks the round once it holds the head (assert_sheet_open), so it
		// is either recorded before the round closed or refused.
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.RoundState, roundKey, map[string]contest.RoundState{"state": state})
	})
}
