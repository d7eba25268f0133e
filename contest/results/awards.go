package results

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/audit"
	"podium/fault"
	"podium/scoring"
)

// AwardPlan applies the contest's award quotas to a round's deciding ranking
// (the combined final ranking where rounds are weighted, see DecidingRanking):
// prizes by rank, level by level, per group — or per group and track
// where quotas are set per track — and the ties at a boundary for the organizers.
// The quotas are the contest's prizes, so only its last round gives them; any
// other round is refused (err.award.final_round_only).
func (s *Service) AwardPlan(ctx context.Context, contestID int64, roundKey string) ([]scoring.PoolAwards, scoring.Ranking, error) {
	c, err := contest.Load(ctx, s.db, contestID)
	if err != nil {
		return nil, scoring.Ranking{}, err
	}
	if !slices.ContainsFunc(c.Rounds, func(r contest.Round) bool { return r.Key == roundKey }) {
		return nil, scoring.Ranking{}, fault.NotFound("err.round.not_found")
	}
	if c.Rounds[len(c.Rounds)-1].Key != roundKey { // rounds are in order of position
		return nil, scoring.Ranking{}, fault.Conflict("err.award.final_round_only")
	}
	rk, rs, _, err := s.DecidingRanking(ctx, contestID, roundKey)
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
	for _, level := range contest.AwardLevels { // quotas in order of level, best first
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

// NoAwardChoice is what organizers choose for a tied entry that gets no prize.
const NoAwardChoice = "none"

// ConfirmAwards records the prizes of the plan, and for entries tied at a
// boundary the level the organizers chose (one of the tie's levels, or "none"),
// on the round's results (audited). Every tied entry needs a choice, and no
// more tied entries can get a level than the tie spans places of that level.
// Only the contest's last round gives prizes, once it is closed; a published
// round's awards are final. Recorded advancement decided on an earlier ranking
// is cleared (see forgetStaleDecision).
func (s *Service) ConfirmAwards(ctx context.Context, actorID, contestID int64, roundKey string, chosen map[string]string) (map[string]string, error) {
	var given map[string]string
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		roundID, err := lockDecidableRound(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		// The round stays closed while it is locked: the plan is on the ranking recorded.
		plan, rk, err := s.AwardPlan(ctx, contestID, roundKey)
		if err != nil {
			return err
		}
		if given, err = awardsGiven(plan, chosen); err != nil {
			return err
		}
		cleared, err := forgetStaleDecision(ctx, tx, roundID, rk, clearAdvancementSQL)
		if err != nil {
			return err
		}
		if err := dropUnranked(ctx, tx, roundID, rk); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE results SET award_level = NULL WHERE round_id = $1`, roundID); err != nil {
			return err
		}
		for _, res := range rk.Entries {
			var level *string
			if l, ok := given[res.Entry]; ok {
				level = &l
			}
			// The explanation goes with the score: the entrant reads it once published.
			explanation, err := json.Marshal(res)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO results (round_id, entry_id, score, rank, award_level, explanation)
				SELECT $1, b.entry_id, $3, $4, $5, $6 FROM blind_codes b WHERE b.round_id = $1 AND b.code = $2
				ON CONFLICT (round_id, entry_id) DO UPDATE SET score = EXCLUDED.score, rank = EXCLUDED.rank,
				    award_level = EXCLUDED.award_level, explanation = EXCLUDED.explanation`,
				roundID, res.Entry, res.Score, res.Rank, level, explanation); err != nil {
				return err
			}
		}
		record := map[string]any{"awards": given, "chosen_for_ties": chosen}
		if cleared {
			record["advancement_cleared"] = true
		}
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.AwardsConfirmed, roundKey, record)
	})
	if err != nil {
		return nil, err
	}
	return given, nil
}

// awardsGiven is the plan's prizes plus the levels chosen for tied entries.
// Every tied entry must be decided — a level or "none" — as on the awards
// page: a tie left out is refused (err.award.undecided), never read as no prize.
func awardsGiven(plan []scoring.PoolAwards, chosen map[string]string) (map[string]string, error) {
	given, decided := map[string]string{}, map[string]bool{}
	undecided := false
	for _, p := range plan {
		for _, a := range p.Awards {
			given[a.Entry] = a.Level
		}
		for _, tie := range p.Ties {
			taken := map[string]int{}
			for _, e := range tie.Entries {
				level, ok := chosen[e]
				if !ok {
					undecided = true
					continue
				}
				decided[e] = true
				if level == NoAwardChoice {
					continue
				}
				i := slices.Index(tie.Levels, level)
				if i < 0 || level == scoring.NoAward {
					return nil, fault.Invalid("chosen", "err.award.not_tied")
				}
				if taken[level]++; taken[level] > tie.Places[i] {
					return nil, fault.Invalid("chosen", "err.award.too_many")
				}
				given[e] = level
			}
		}
	}
	for e := range chosen {
		if !decided[e] {
			return nil, fault.Invalid("chosen", "err.award.not_tied")
		}
	}
	if undecided {
		return nil, fault.Invalid("chosen", "err.award.undecided")
	}
	return given, nil
}
