package results

import (
	"context"
	"strconv"

	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/judging"
	"podium/scoring"
	"podium/scoring/sheetfile"
)

// RoundScoring is everything a round's ranking is computed from: the rubric, the
// round's rules and its submitted sheets. Entries are named by their blind code
// and judges as J01, J02 … (in the order of their expert ids), the names the
// published ranking, its explanations and the export all share, so that anyone
// can recompute the ranking from the export with `podium score`.
type RoundScoring struct {
	Rubric  scoring.Rubric
	Options scoring.Options
	Sheets  []scoring.Sheet
	Pools   map[string]scoring.Pool // blind code → track and group
	Titles  map[string]string       // blind code → title, for organizers
	Judges  map[string]string       // expert id → J01 …, for organizers
}

// RoundScoring loads a round's submitted sheets and rules.
func (s *Service) RoundScoring(ctx context.Context, contestID int64, roundKey string) (RoundScoring, error) {
	var rs RoundScoring
	var round struct {
		ID       int64          `db:"id"`
		Method   string         `db:"method"`
		TrimMin  int            `db:"trim_min"`
		TieBreak pq.StringArray `db:"tie_break"`
	}
	if err := s.db.GetContext(ctx, &round, `SELECT id, method, trim_min, tie_break FROM rounds WHERE contest_id = $1 AND key = $2`, contestID, roundKey); err != nil {
		if _, rerr := contest.RoundByKey(ctx, s.db, contestID, roundKey); rerr != nil {
			return rs, rerr
		}
		return rs, err
	}
	method, err := scoring.ParseMethod(round.Method)
	if err != nil {
		return rs, err
	}
	rs.Options = scoring.Options{Method: method, TrimMin: round.TrimMin, TieBreak: round.TieBreak}
	criteria, err := contest.RoundCriteria(ctx, s.db, round.ID)
	if err != nil {
		return rs, err
	}
	for _, c := range criteria {
		rs.Rubric.Criteria = append(rs.Rubric.Criteria, scoring.Criterion{Key: c.Key, Name: c.NameZh, NameEn: c.NameEn, Max: c.Max, Weight: c.Weight})
	}
	var marks []struct {
		Code   string         `db:"code"`
		Expert int64          `db:"expert_id"`
		Key    string         `db:"key"`
		Points scoring.Points `db:"points"`
	}
	if err := s.db.SelectContext(ctx, &marks, `
		SELECT b.code, a.expert_id, c.key, m.points
		FROM score_sheets sh JOIN assignments a ON a.id = sh.assignment_id
		JOIN blind_codes b ON b.round_id = a.round_id AND b.entry_id = a.entry_id
		JOIN marks m ON m.sheet_id = sh.id JOIN criteria c ON c.id = m.criterion_id
		WHERE a.round_id = $1 AND sh.state = 'submitted' AND a.state = 'active'
		  AND NOT EXISTS (SELECT 1 FROM review_decisions wd WHERE wd.round_id = a.round_id AND wd.entry_id = a.entry_id AND wd.kind = 'withdrawn')
		ORDER BY b.code, a.expert_id`, round.ID); err != nil {
		return rs, err
	}
	index := map[[2]string]int{}
	for _, m := range marks {
		k := [2]string{m.Code, strconv.FormatInt(m.Expert, 10)}
		i, ok := index[k]
		if !ok {
			i = len(rs.Sheets)
			index[k] = i
			rs.Sheets = append(rs.Sheets, scoring.Sheet{Entry: k[0], Judge: k[1], Marks: map[string]scoring.Points{}})
		}
		rs.Sheets[i].Marks[m.Key] = m.Points
	}
	rs.Sheets, rs.Judges = sheetfile.Anonymize(rs.Sheets)
	var entries []struct {
		Code  string `db:"code"`
		Title string `db:"title"`
		Track string `db:"track"`
		Group string `db:"grp"`
	}
	if err := s.db.SelectContext(ctx, &entries, `
		SELECT b.code, e.title, t.key AS track, g.key AS grp FROM blind_codes b
		JOIN entries e ON e.id = b.entry_id JOIN tracks t ON t.id = e.track_id JOIN contest_groups g ON g.id = e.group_id
		WHERE b.round_id = $1`, round.ID); err != nil {
		return rs, err
	}
	rs.Pools, rs.Titles = map[string]scoring.Pool{}, map[string]string{}
	for _, e := range entries {
		rs.Pools[e.Code] = scoring.Pool{Track: e.Track, Group: e.Group}
		rs.Titles[e.Code] = e.Title
	}
	return rs, nil
}

// RankingReport is a round's ranking as its organizers read it: the ranking
// and what it is computed from, every entry's standing against the reviews the
// round requires (by blind code), and the entries of the round that are in no
// ranking, because no sheet of theirs is submitted or because the organizers
// withdrew them from the round, so that none vanishes.
type RankingReport struct {
	Ranking   scoring.Ranking
	Scoring   RoundScoring
	Reviews   map[string]judging.EntryReviews // blind code → standing, every entry of the round
	NotScored []judging.EntryReviews          // entries of the round without a submitted sheet, by code
	Withdrawn []judging.EntryReviews          // entries withdrawn from the round by the organizers (whatever sheets they had), by code
	Undecided []judging.EntryReviews          // entries waiting for the organizers' decision; publication is refused until none
}

// RankingReport ranks a round (see Ranking) and reports every entry of it
// that is short of reviews or not scored.
func (s *Service) RankingReport(ctx context.Context, contestID int64, roundKey string) (RankingReport, error) {
	var rep RankingReport
	var err error
	if rep.Ranking, rep.Scoring, err = s.Ranking(ctx, contestID, roundKey); err != nil {
		return rep, err
	}
	r, err := contest.RoundByKey(ctx, s.db, contestID, roundKey)
	if err != nil {
		return rep, err
	}
	all, err := judging.ReviewsOf(ctx, s.db, r)
	if err != nil {
		return rep, err
	}
	ranked := make(map[string]bool, len(rep.Ranking.Entries))
	for _, r := range rep.Ranking.Entries {
		ranked[r.Entry] = true
	}
	rep.Reviews = make(map[string]judging.EntryReviews, len(all))
	rep.NotScored, rep.Withdrawn, rep.Undecided = []judging.EntryReviews{}, []judging.EntryReviews{}, []judging.EntryReviews{}
	for _, e := range all {
		rep.Reviews[e.Code] = e
		switch {
		case e.Status == judging.ReviewsWithdrawn: // not ranked, scored or not: its own state
			rep.Withdrawn = append(rep.Withdrawn, e)
		case !ranked[e.Code]:
			rep.NotScored = append(rep.NotScored, e)
		}
		if e.Undecided() {
			rep.Undecided = append(rep.Undecided, e)
		}
	}
	return rep, nil
}

// Ranking ranks a round's entries from its submitted sheets, with the round's
// method and tie-breaks, explained (see scoring.Rank).
func (s *Service) Ranking(ctx context.Context, contestID int64, roundKey string) (scoring.Ranking, RoundScoring, error) {
	rs, err := s.RoundScoring(ctx, contestID, roundKey)
	if err != nil {
		return scoring.Ranking{}, rs, err
	}
	rk, err := scoring.Rank(rs.Rubric, rs.Sheets, rs.Options)
	return rk, rs, err
}
