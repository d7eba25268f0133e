package contest

import (
	"context"
	"slices"

	"github.com/jmoiron/sqlx"

	"podium/scoring"
)

// AuditAwards records the prizes given.
const AuditAwards = "awards.confirmed"

// AwardPlan applies the contest's award quotas to a round's ranking (usually the
// final's): prizes by rank, level by level, per group — or per group and track
// where quotas are set per track — and the ties at a boundary for the organizers.
func (s *Store) AwardPlan(ctx context.Context, contestID int64, roundKey string) ([]scoring.PoolAwards, scoring.Ranking, error) {
	rk, rs, err := s.Ranking(ctx, contestID, roundKey)
	if err != nil {
		return nil, rk, err
	}
	c, err := s.Contest(ctx, contestID)
	if err != nil {
		return nil, rk, err
	}
	byTrack := map[string]bool{} // groups whose quotas are per track
	for _, a := range c.Awards {
		if a.Track != "" {
			byTrack[a.Group] = true
		}
	}
	quotas := map[scoring.Pool][]scoring.Level{}
	for _, level := range AwardLevels { // quotas in order of level, best first
		for _, a := range c.Awards {
			if a.Level != level || a.Count == 0 || byTrack[a.Group] != (a.Track != "") {
				continue
			}
			pool := scoring.Pool{Group: a.Group, Track: a.Track}
			quotas[pool] = append(quotas[pool], scoring.Level{Key: a.Level, Count: a.Count})
		}
	}
	pools := map[string]scoring.Pool{}
	for _, r := range rk.Entries {
		p := rs.Pools[r.Entry]
		if !byTrack[p.Group] {
			p.Track = ""
		}
		if _, ok := quotas[p]; ok {
			pools[r.Entry] = p
		}
	}
	kept := rk
	kept.Entries = slices.DeleteFunc(slices.Clone(rk.Entries), func(r scoring.Result) bool { _, ok := pools[r.Entry]; return !ok })
	plan, err := scoring.Awards(kept, pools, quotas)
	return plan, rk, err
}

// ConfirmAwards records the prizes of the plan, and for entries tied at a
// boundary the level the organizers chose (one of the tie's levels), on the
// round's results (audited).
func (s *Store) ConfirmAwards(ctx context.Context, actorID, contestID int64, roundKey string, chosen map[string]string) (map[string]string, error) {
	plan, rk, err := s.AwardPlan(ctx, contestID, roundKey)
	if err != nil {
		return nil, err
	}
	given := map[string]string{}
	for _, p := range plan {
		for _, a := range p.Awards {
			given[a.Entry] = a.Level
		}
		for _, tie := range p.Ties {
			for _, e := range tie.Entries {
				if level, ok := chosen[e]; ok {
					if !slices.Contains(tie.Levels, level) {
						return nil, Invalid("chosen", "err.award.not_tied")
					}
					if level != "none" {
						given[e] = level
					}
				}
			}
		}
	}
	for e := range chosen {
		if _, ok := given[e]; !ok && chosen[e] != "none" {
			return nil, Invalid("chosen", "err.award.not_tied")
		}
	}
	err = inTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		r, err := roundByKey(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE results SET award_level = NULL WHERE round_id = $1`, r.ID); err != nil {
			return err
		}
		for _, res := range rk.Entries {
			var level *string
			if l, ok := given[res.Entry]; ok {
				level = &l
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO results (round_id, entry_id, score, rank, award_level)
				SELECT $1, b.entry_id, $3, $4, $5 FROM blind_codes b WHERE b.round_id = $1 AND b.code = $2
				ON CONFLICT (round_id, entry_id) DO UPDATE SET score = EXCLUDED.score, rank = EXCLUDED.rank, award_level = EXCLUDED.award_level`,
				r.ID, res.Entry, res.Score, res.Rank, level); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, &contestID, &actorID, AuditAwards, roundKey, map[string]any{"awards": given, "chosen_for_ties": chosen})
	})
	return given, err
}
