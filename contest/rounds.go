package contest

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"

	"podium/fault"
)

// RoundRef is a round of a contest as the rooms look it up by key.
type RoundRef struct {
	ID        int64      `db:"id"`
	ContestID int64      `db:"contest_id"`
	Kind      RoundKind  `db:"kind"`
	State     RoundState `db:"state"`
	PerEntry  int        `db:"reviews_per_entry"`
}

// RoundByKey finds a round of the contest by its key.
func RoundByKey(ctx context.Context, q sqlx.QueryerContext, contestID int64, key string) (RoundRef, error) {
	var r RoundRef
	err := sqlx.GetContext(ctx, q, &r, `SELECT id, contest_id, kind, state, reviews_per_entry FROM rounds WHERE contest_id = $1 AND key = $2`, contestID, key)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fault.NotFound("err.round.not_found")
	}
	return r, err
}

// LockRound reads a round of the contest and locks its row until commit.
func LockRound(ctx context.Context, tx *sqlx.Tx, contestID int64, key string) (RoundRef, error) {
	var r RoundRef
	err := tx.GetContext(ctx, &r, `SELECT id, contest_id, kind, state, reviews_per_entry FROM rounds WHERE contest_id = $1 AND key = $2 FOR UPDATE`, contestID, key)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fault.NotFound("err.round.not_found")
	}
	return r, err
}

// RoundCriteria is a round's rubric, in order.
func RoundCriteria(ctx context.Context, q sqlx.QueryerContext, roundID int64) ([]Criterion, error) {
	var cs []Criterion
	err := sqlx.SelectContext(ctx, q, &cs, `
		SELECT key, name_zh, name_en, description_zh, description_en, max_points AS max, weight, step
		FROM criteria WHERE round_id = $1 ORDER BY position`, roundID)
	return cs, err
}
