package scoring

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
)

// RoundScores are one round's published scores and the round's weight in a
// combined ranking (e.g. 30.00 for the preliminary, 70.00 for the final).
type RoundScores struct {
	Weight Points
	Scores map[string]Points
}

// Combined is a ranking over several rounds.
type Combined struct {
	Entries []CombinedResult // by rank, then entry
	Ties    []Tie
}

// CombinedResult is an entry's combined score and the round scores behind it.
type CombinedResult struct {
	Rank  int
	Entry string
	Score Points
	Parts []Points // the entry's score in each round, in the order given
}

// Combine ranks the entries that have a score in every round by
// Σ weight·score / Σ weight, computed exactly and rounded once, half up.
// Entries missing from any round (e.g. not in the final) are left out. Equal
// combined scores share a rank and are reported in Ties.
func Combine(rounds []RoundScores) (Combined, error) {
	var p problems
	if len(rounds) == 0 {
		p.add("rounds", "required", "at least one round is needed")
	}
	var wsum int64
	for i, r := range rounds {
		if r.Weight <= 0 {
			p.add(fmt.Sprintf("rounds[%d].weight", i), "range", "weights must be above 0")
		}
		wsum += int64(r.Weight)
	}
	if err := p.err(); err != nil {
		return Combined{}, err
	}
	var c Combined
	den := big.NewInt(wsum)
	num, t := new(big.Int), new(big.Int)
	for _, e := range sortedKeys(rounds[0].Scores) {
		parts := make([]Points, 0, len(rounds))
		num.SetInt64(0)
		for _, r := range rounds {
			s, ok := r.Scores[e]
			if !ok {
				break
			}
			parts = append(parts, s)
			num.Add(num, t.Mul(big.NewInt(int64(r.Weight)), big.NewInt(int64(s))))
		}
		if len(parts) < len(rounds) {
			continue
		}
		c.Entries = append(c.Entries, CombinedResult{Entry: e, Score: Points(bigDivRound(num, den).Int64()), Parts: parts})
	}
	slices.SortStableFunc(c.Entries, func(a, b CombinedResult) int { return cmp.Compare(b.Score, a.Score) })
	for i := range c.Entries {
		cur := &c.Entries[i]
		cur.Rank = i + 1
		if i == 0 || c.Entries[i-1].Score != cur.Score {
			continue
		}
		prev := c.Entries[i-1]
		cur.Rank = prev.Rank
		if len(c.Ties) == 0 || c.Ties[len(c.Ties)-1].Rank != prev.Rank {
			c.Ties = append(c.Ties, Tie{Rank: prev.Rank, Score: prev.Score, Entries: []string{prev.Entry}})
		}
		c.Ties[len(c.Ties)-1].Entries = append(c.Ties[len(c.Ties)-1].Entries, cur.Entry)
	}
	return c, nil
}
