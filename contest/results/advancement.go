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

// AdvancementPlan applies the round's quotas (the advancement count or
// percentage, and per track and group overrides) to its ranking: who advances
// for certain in each pool, and which tied entries the organizers must decide on.
func (s *Service) AdvancementPlan(ctx context.Context, contestID int64, roundKey string) ([]scoring.PoolAdvancement, scoring.Ranking, error) {
	rk, rs, err := s.Ranking(ctx, contestID, roundKey)
	if err != nil {
		return nil, rk, err
	}
	c, err := contest.Load(ctx, s.db, contestID)
	if err != nil {
		return nil, rk, err
	}
	var round contest.Round
	for _, r := range c.Rounds {
		if r.Key == roundKey {
			round = r
		}
	}
	quotas := map[scoring.Pool]scoring.Quota{}
	for _, t := range c.Tracks {
		for _, g := range c.Groups {
			q := scoring.Quota{}
			switch {
			case round.AdvanceCount != nil:
				q.Top = *round.AdvanceCount
			case round.AdvancePercent != nil:
				q.Percent = scoring.Points(*round.AdvancePercent * 100)
			}
			for _, o := range round.Quotas {
				if o.Track == t.Key && o.Group == g.Key {
					q = scoring.Quota{Top: o.Count}
				}
			}
			if q.Top == 0 && q.Percent == 0 {
				continue // nobody advances from this pool
			}
			quotas[scoring.Pool{Track: t.Key, Group: g.Key}] = q
		}
	}
	pools := map[string]scoring.Pool{}
	for _, r := range rk.Entries {
		if _, ok := quotas[rs.Pools[r.Entry]]; ok {
			pools[r.Entry] = rs.Pools[r.Entry]
		}
	}
	// Entries of pools without a quota do not take part.
	kept := rk
	kept.Entries = slices.DeleteFunc(slices.Clone(rk.Entries), func(r scoring.Result) bool { _, ok := pools[r.Entry]; return !ok })
	plan, err := scoring.Advance(kept, pools, quotas)
	return plan, rk, err
}

// ConfirmAdvancement records the round's results (every ranked entry's rank and
// score) and who advances: the certain ones, plus the tied entries the organizers
// chose, no more than the seats left in each pool. It is audited. Only a closed
// round's advancement can be confirmed (so the next round never takes entries
// from a ranking judges are still changing), and a published round's is final.
// Recorded awards decided on an earlier ranking are cleared (see forgetStaleDecision).
func (s *Service) ConfirmAdvancement(ctx context.Context, actorID, contestID int64, roundKey string, chosen []string) ([]string, error) {
	var codes []string
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		roundID, err := lockDecidableRound(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		// The round stays closed while it is locked: the plan is on the ranking recorded.
		plan, rk, err := s.AdvancementPlan(ctx, contestID, roundKey)
		if err != nil {
			return err
		}
		advance, err := advancing(plan, chosen)
		if err != nil {
			return err
		}
		cleared, err := forgetStaleDecision(ctx, tx, roundID, rk, clearAwardsSQL)
		if err != nil {
			return err
		}
		if err := dropUnranked(ctx, tx, roundID, rk); err != nil {
			return err
		}
		for _, res := range rk.Entries {
			explanation, err := json.Marshal(res)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO results (round_id, entry_id, score, rank, advanced, explanation)
				SELECT $1, b.entry_id, $3, $4, $5, $6 FROM blind_codes b WHERE b.round_id = $1 AND b.code = $2
				ON CONFLICT (round_id, entry_id) DO UPDATE SET score = EXCLUDED.score, rank = EXCLUDED.rank,
				    advanced = EXCLUDED.advanced, explanation = EXCLUDED.explanation`,
				roundID, res.Entry, res.Score, res.Rank, advance[res.Entry], explanation); err != nil {
				return err
			}
			if advance[res.Entry] {
				codes = append(codes, res.Entry)
			}
		}
		record := map[string]any{"advanced": codes, "chosen_from_ties": chosen}
		if cleared {
			record["awards_cleared"] = true
		}
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.AdvancementConfirmed, roundKey, record)
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// advancing is who advances under plan: the certain entries and the tied ones
// chosen. Unlike a tied award, a tied entry left out of chosen is decided, not
// forgotten: the advancement page offers one checkbox per tied entry, and an
// unticked box means "does not advance" (as the scoring rules say), so the API
// reads an entry missing from chosen the same way.
func advancing(plan []scoring.PoolAdvancement, chosen []string) (map[string]bool, error) {
	advance := map[string]bool{}
	for _, p := range plan {
		for _, e := range p.Advanced {
			advance[e] = true
		}
		picked := 0
		for _, e := range p.Tied {
			if slices.Contains(chosen, e) {
				advance[e] = true
				picked++
			}
		}
		if picked > p.Seats-len(p.Advanced) {
			return nil, fault.Invalid("chosen", "err.advance.too_many")
		}
	}
	for _, e := range chosen {
		if !advance[e] {
			return nil, fault.Invalid("chosen", "err.advance.not_tied")
		}
	}
	return advance, nil
}
