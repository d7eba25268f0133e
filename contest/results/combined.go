package results

import (
	"cmp"
	"context"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/lib/pq"

	"podium/contest"
	"podium/fault"
	"podium/scoring"
)

// CombinedRound is a round that counts in the combined final ranking.
type CombinedRound struct {
	Key    string             `json:"key"`
	NameZh string             `json:"name_zh"`
	NameEn string             `json:"name_en"`
	State  contest.RoundState `json:"state"`  // published rounds' scores are final
	Weight int                `json:"weight"` // percent
}

// CombinedEntry is an entry's place in the combined ranking, explained: its
// score in each weighted round (in the order of Rounds) and the exact weighted
// mean before the one rounding.
type CombinedEntry struct {
	Rank         int              `json:"rank"`
	PoolRank     int              `json:"pool_rank"` // within the entry's track and group
	Title        string           `json:"title"`
	Organization string           `json:"organization"`
	Track        string           `json:"track"`
	Group        string           `json:"group"`
	Score        scoring.Points   `json:"score"`
	Exact        string           `json:"exact"` // Σ weight × score / Σ weight, unrounded
	Parts        []scoring.Points `json:"parts"`
	Codes        []string         `json:"codes"` // the entry's blind code in each round
	entryID      int64
}

// CombinedRanking ranks the entries over the rounds that carry a weight in the
// final ranking (final_weight). Only entries with a score in every weighted
// round are ranked: an entry that did not reach a later round has no score
// there and is left out (Excluded counts them), never ranked on part of the
// rounds. Equal combined scores share a rank (Ties, by rank).
type CombinedRanking struct {
	Rounds   []CombinedRound `json:"rounds"`
	Entries  []CombinedEntry `json:"entries"`
	Ties     []int           `json:"ties"` // ranks shared by several entries
	Excluded int             `json:"excluded"`
}

// CombinedRanking computes the contest's combined final ranking from each
// weighted round's ranking (see scoring.Combine).
func (s *Service) CombinedRanking(ctx context.Context, contestID int64) (CombinedRanking, error) {
	c, err := contest.Load(ctx, s.db, contestID)
	if err != nil {
		return CombinedRanking{}, err
	}
	return s.combinedRanking(ctx, c, nil)
}

// combinedRanking is CombinedRanking for a loaded contest; ranked holds the
// rankings of rounds the caller has already computed, by round key.
func (s *Service) combinedRanking(ctx context.Context, c contest.Contest, ranked map[string]*scoring.Ranking) (CombinedRanking, error) {
	contestID := c.ID
	out := CombinedRanking{Rounds: []CombinedRound{}, Entries: []CombinedEntry{}, Ties: []int{}}
	var inputs []scoring.RoundScores
	codes := map[string]map[string]string{} // entry id → round key → blind code
	for _, r := range c.Rounds {
		if r.FinalWeight == 0 {
			continue
		}
		out.Rounds = append(out.Rounds, CombinedRound{Key: r.Key, NameZh: r.NameZh, NameEn: r.NameEn, State: r.State, Weight: r.FinalWeight})
		scores, err := s.roundScoresByEntry(ctx, contestID, r.Key, ranked[r.Key], codes)
		if err != nil {
			return out, err
		}
		inputs = append(inputs, scoring.RoundScores{Weight: scoring.Points(r.FinalWeight * 100), Scores: scores})
	}
	if len(inputs) == 0 {
		return out, fault.Conflict("err.combined.no_weights")
	}
	combined, err := scoring.Combine(inputs)
	if err != nil {
		return out, err
	}
	for _, e := range combined.Entries {
		id, _ := strconv.ParseInt(e.Entry, 10, 64)
		ce := CombinedEntry{Rank: e.Rank, Score: e.Score, Parts: e.Parts, Exact: exactWeightedMean(inputs, e.Parts), entryID: id}
		for _, r := range out.Rounds {
			ce.Codes = append(ce.Codes, codes[e.Entry][r.Key])
		}
		out.Entries = append(out.Entries, ce)
	}
	for _, t := range combined.Ties {
		out.Ties = append(out.Ties, t.Rank)
	}
	out.Excluded = len(codes) - len(out.Entries)
	return out, s.describeCombined(ctx, out.Entries)
}

// roundScoresByEntry is a round's ranking as scores by entry id (blind codes
// differ from round to round), noting each entry's code in codes.
func (s *Service) roundScoresByEntry(ctx context.Context, contestID int64, roundKey string, rk *scoring.Ranking, codes map[string]map[string]string) (map[string]scoring.Points, error) {
	if rk == nil {
		ranking, _, err := s.Ranking(ctx, contestID, roundKey)
		if err != nil {
			return nil, err
		}
		rk = &ranking
	}
	var rows []struct {
		Code    string `db:"code"`
		EntryID int64  `db:"entry_id"`
	}
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT b.code, b.entry_id FROM blind_codes b JOIN rounds r ON r.id = b.round_id
		WHERE r.contest_id = $1 AND r.key = $2`, contestID, roundKey); err != nil {
		return nil, err
	}
	entryOf := make(map[string]string, len(rows))
	for _, r := range rows {
		entryOf[r.Code] = strconv.FormatInt(r.EntryID, 10)
	}
	scores := make(map[string]scoring.Points, len(rk.Entries))
	for _, r := range rk.Entries {
		id := entryOf[r.Entry]
		scores[id] = r.Score
		if codes[id] == nil {
			codes[id] = map[string]string{}
		}
		codes[id][roundKey] = r.Entry
	}
	return scores, nil
}

// describeCombined fills in the entries' titles, organizations, tracks and
// groups, and their rank within their track and group (ties stay ties).
func (s *Service) describeCombined(ctx context.Context, entries []CombinedEntry) error {
	ids := make([]int64, len(entries))
	for i, e := range entries {
		ids[i] = e.entryID
	}
	var rows []struct {
		ID           int64  `db:"id"`
		Title        string `db:"title"`
		Organization string `db:"organization"`
		Track        string `db:"track"`
		Group        string `db:"grp"`
	}
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT e.id, e.title, coalesce(o.name, '') AS organization, t.key AS track, g.key AS grp
		FROM entries e JOIN tracks t ON t.id = e.track_id JOIN contest_groups g ON g.id = e.group_id
		LEFT JOIN organizations o ON o.id = e.organization_id
		WHERE e.id = ANY($1)`, pq.Int64Array(ids)); err != nil {
		return err
	}
	byID := make(map[int64]int, len(rows))
	for i, r := range rows {
		byID[r.ID] = i
	}
	ahead := map[scoring.Pool][]int{} // ranks seen so far per pool
	for i := range entries {
		e := &entries[i]
		r := rows[byID[e.entryID]]
		e.Title, e.Organization, e.Track, e.Group = r.Title, r.Organization, r.Track, r.Group
		pool := scoring.Pool{Track: r.Track, Group: r.Group}
		e.PoolRank = 1
		for _, rank := range ahead[pool] {
			if rank < e.Rank {
				e.PoolRank++
			}
		}
		ahead[pool] = append(ahead[pool], e.Rank)
	}
	return nil
}

// exactWeightedMean is Σ weight × score / Σ weight written out exactly when it
// has at most 6 decimals (always, for weights in whole percent summing to 100),
// for the explanation of the one rounding.
func exactWeightedMean(inputs []scoring.RoundScores, parts []scoring.Points) string {
	num, den := new(big.Int), new(big.Int)
	for i, in := range inputs {
		num.Add(num, new(big.Int).Mul(big.NewInt(int64(in.Weight)), big.NewInt(int64(parts[i]))))
		den.Add(den, big.NewInt(int64(in.Weight)))
	}
	// num/den is in hundredths; scale by 10⁴ for 6 decimals in points.
	v := new(big.Rat).SetFrac(num, new(big.Int).Mul(den, big.NewInt(100)))
	if scaled := new(big.Rat).Mul(v, big.NewRat(1_000_000, 1)); !scaled.IsInt() {
		return ""
	}
	return trimDecimals(v.FloatString(6))
}

// trimDecimals drops trailing zeros, keeping at least 2 decimals ("80.015000" → "80.015").
func trimDecimals(s string) string {
	s = strings.TrimRight(s, "0")
	for len(s)-strings.IndexByte(s, '.') <= 2 {
		s += "0"
	}
	return s
}

// DecidingRanking is the ranking a round's results are decided on. It is the
// round's own ranking, except for the contest's last round when it is the last
// of several rounds that carry a weight in the final ranking: the contest's
// final ranking is then the combined one (e.g. 30% preliminary + 70% final), so
// that round's awards — and the scores and ranks its results record — follow
// CombinedRanking, written in the round's blind codes. combined says which; rs
// is the round's.
func (s *Service) DecidingRanking(ctx context.Context, contestID int64, roundKey string) (rk scoring.Ranking, rs RoundScoring, combined bool, err error) {
	rk, rs, err = s.Ranking(ctx, contestID, roundKey)
	if err != nil {
		return rk, rs, false, err
	}
	c, err := contest.Load(ctx, s.db, contestID)
	if err != nil {
		return rk, rs, false, err
	}
	var weighted []string
	for _, r := range c.Rounds {
		if r.FinalWeight > 0 {
			weighted = append(weighted, r.Key)
		}
	}
	last := c.Rounds[len(c.Rounds)-1].Key // prizes are given on the last round only
	if len(weighted) < 2 || weighted[len(weighted)-1] != roundKey || roundKey != last {
		return rk, rs, false, nil
	}
	cr, err := s.combinedRanking(ctx, c, map[string]*scoring.Ranking{roundKey: &rk}) // this round is ranked already
	if err != nil {
		return rk, rs, false, err
	}
	final := scoring.Ranking{Method: rk.Method, Entries: make([]scoring.Result, 0, len(cr.Entries)), Ties: []scoring.Tie{}}
	for _, e := range cr.Entries {
		code := e.Codes[len(e.Codes)-1] // this round is the last weighted one
		final.Entries = append(final.Entries, scoring.Result{Rank: e.Rank, Entry: code, Score: e.Score})
	}
	slices.SortFunc(final.Entries, func(a, b scoring.Result) int { // by rank, then entry, as a Ranking is
		return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.Entry, b.Entry))
	})
	for _, r := range final.Entries {
		if !slices.Contains(cr.Ties, r.Rank) {
			continue
		}
		if n := len(final.Ties); n == 0 || final.Ties[n-1].Rank != r.Rank {
			final.Ties = append(final.Ties, scoring.Tie{Rank: r.Rank, Score: r.Score})
		}
		last := &final.Ties[len(final.Ties)-1]
		last.Entries = append(last.Entries, r.Entry)
	}
	return final, rs, true, nil
}
