package web

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/judging"
	"podium/contest/onward"
	"podium/contest/results"
	"podium/fault"
	"podium/scoring"
	"podium/scoring/sheetfile"
	"podium/web/upload"
)

// rankedEntry is one line of a ranking as organizers read it: the round's rank
// and the rank within the entry's track and group, with its explanation.
type rankedEntry struct {
	scoring.Result
	PoolRank int
	Title    string
	Track    string
	Group    string
	// Reviews is the entry's standing against the reviews the round
	// requires, when it is not complete (short, accepted).
	Reviews *judging.EntryReviews `json:"reviews,omitempty"`
	// TrackName and GroupName are for the page, in the reader's language, and
	// Why says which rule the score was computed by and why.
	TrackName string   `json:"-"`
	GroupName string   `json:"-"`
	Why       []string `json:"-"`
}

type rankingPage struct {
	Contest contest.Contest
	Round   contest.Round
	Ranking scoring.Ranking
	Entries []rankedEntry
	// NotScored are the round's entries without a submitted sheet and
	// Withdrawn those the organizers withdrew from the round (in no ranking,
	// but never out of sight), and Undecided those that block publication,
	// each with its standing explained.
	NotScored []notScored
	Withdrawn []notScored
	Undecided []judging.EntryReviews
	Track     string
	Group     string
	// JudgeNames names the anonymized judges (J01 …) for the organizers, so a
	// flagged judge can be spoken to; exports and explanations stay anonymized.
	JudgeNames map[string]string
	// Materials counts the files of the round's ZIP of materials (linked when any).
	Materials onward.MaterialsCount
}

// notScored is an entry of the round that no ranking holds, as the page shows it.
type notScored struct {
	judging.EntryReviews
	Why string
}

// rankedEntries filters a round's ranking to a track and group ("" for all) and
// ranks within it: an entry's pool rank is one more than the entries of its pool
// ranked strictly ahead of it, so ties stay ties (1, 2, 2, 4).
func rankedEntries(rk scoring.Ranking, rs results.RoundScoring, reviews map[string]judging.EntryReviews, track, group string) []rankedEntry {
	out := []rankedEntry{}
	ahead := map[scoring.Pool][]int{} // ranks seen so far per pool
	for _, r := range rk.Entries {
		pool := rs.Pools[r.Entry]
		poolRank := 1
		for _, rank := range ahead[pool] {
			if rank < r.Rank {
				poolRank++
			}
		}
		ahead[pool] = append(ahead[pool], r.Rank)
		if (track == "" || pool.Track == track) && (group == "" || pool.Group == group) {
			re := rankedEntry{Result: r, PoolRank: poolRank, Title: rs.Titles[r.Entry], Track: pool.Track, Group: pool.Group}
			if rv, ok := reviews[r.Entry]; ok && rv.Status != judging.ReviewsComplete {
				re.Reviews = &rv
			}
			out = append(out, re)
		}
	}
	return out
}

func (s *Server) rankingPage(c *gin.Context) {
	ctx := c.Request.Context()
	page := rankingPage{Track: trimmedQuery(c, "track"), Group: trimmedQuery(c, "group")}
	var err error
	if page.Contest, err = s.contests.Contest(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	i := slices.IndexFunc(page.Contest.Rounds, func(r contest.Round) bool { return r.Key == c.Param("round") })
	if i < 0 {
		s.fail(c, fault.NotFound("err.round.not_found"))
		return
	}
	page.Round = page.Contest.Rounds[i]
	rep, err := s.results.RankingReport(ctx, contestID(c), page.Round.Key)
	if err != nil {
		s.fail(c, err)
		return
	}
	page.Ranking, page.Entries = rep.Ranking, rankedEntries(rep.Ranking, rep.Scoring, rep.Reviews, page.Track, page.Group)
	if page.Materials, err = s.onward.CountMaterials(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	page.Undecided = rep.Undecided
	if page.JudgeNames, err = s.judgeNames(c, rep.Scoring); err != nil {
		s.fail(c, err)
		return
	}
	l := s.localizer(c)
	for i, e := range page.Entries {
		page.Entries[i].TrackName, page.Entries[i].GroupName = categoryName(page.Contest.Tracks, e.Track, l.Lang), categoryName(page.Contest.Groups, e.Group, l.Lang)
		if e.Reviews != nil {
			page.Entries[i].Why = append(page.Entries[i].Why, s.standing(l, *e.Reviews))
		}
		page.Entries[i].Why = append(page.Entries[i].Why, ruleText(l, e.Rule, rep.Ranking.Method))
	}
	for _, e := range rep.NotScored {
		why := s.standing(l, e)
		if e.Status == judging.ReviewsComplete || e.Status == judging.ReviewsAccepted {
			why = l.T("reviews.explain.pending", e.Submitted, e.Reviews)
		}
		page.NotScored = append(page.NotScored, notScored{EntryReviews: e, Why: why})
	}
	for _, e := range rep.Withdrawn {
		page.Withdrawn = append(page.Withdrawn, notScored{EntryReviews: e, Why: s.standing(l, e)})
	}
	s.render(c, http.StatusOK, "ranking.html", "ranking.title", page)
}

// judgeNames maps the round's judge aliases to the panel members' names.
func (s *Server) judgeNames(c *gin.Context, rs results.RoundScoring) (map[string]string, error) {
	panel, err := s.judging.Panel(c.Request.Context(), contestID(c), c.Param("round"))
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(rs.Judges))
	for _, m := range panel {
		if alias, ok := rs.Judges[strconv.FormatInt(m.ID, 10)]; ok {
			names[alias] = m.Name
		}
	}
	return names, nil
}

// apiRanking is a round's ranking as JSON — with each entry's rule, its
// standing when short of reviews, the entries not scored, those withdrawn
// from the round and those waiting for the organizers' decision — or with ?format=csv exactly what `podium
// score` prints for the exported sheets (rank,entry,score,judges,dropped).
func (s *Server) apiRanking(c *gin.Context) {
	rep, err := s.results.RankingReport(c.Request.Context(), contestID(c), c.Param("round"))
	if err != nil {
		s.fail(c, err)
		return
	}
	rk, rs := rep.Ranking, rep.Scoring
	if c.Query("format") == "csv" {
		var buf bytes.Buffer
		if err := sheetfile.WriteRanking(&buf, rk); err != nil {
			s.fail(c, err)
			return
		}
		c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
		return
	}
	c.JSON(http.StatusOK, gin.H{"method": rk.Method, "entries": rankedEntries(rk, rs, rep.Reviews, trimmedQuery(c, "track"), trimmedQuery(c, "group")),
		"ties": rk.Ties, "judge_flags": rk.JudgeFlags, "not_scored": rep.NotScored, "withdrawn": rep.Withdrawn, "undecided": rep.Undecided})
}

// apiExportSheets writes the round's submitted sheets, judges anonymized, in the
// format `podium score --scores` reads.
func (s *Server) apiExportSheets(c *gin.Context) {
	rs, err := s.results.RoundScoring(c.Request.Context(), contestID(c), c.Param("round"))
	var buf bytes.Buffer
	if err == nil {
		err = sheetfile.WriteSheets(&buf, rs.Rubric, rs.Sheets)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", upload.ContentDisposition("attachment", fmt.Sprintf("sheets-%d-%s.csv", contestID(c), c.Param("round"))))
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// apiExportRubric writes the round's rubric in the format `podium score --rubric` reads.
func (s *Server) apiExportRubric(c *gin.Context) {
	rs, err := s.results.RoundScoring(c.Request.Context(), contestID(c), c.Param("round"))
	var buf bytes.Buffer
	if err == nil {
		err = sheetfile.WriteRubric(&buf, rs.Rubric)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", upload.ContentDisposition("attachment", fmt.Sprintf("rubric-%d-%s.json", contestID(c), c.Param("round"))))
	c.Data(http.StatusOK, "application/json; charset=utf-8", buf.Bytes())
}

// apiAdvancementPlan shows who advances per track and group and which ties need a decision.
func (s *Server) apiAdvancementPlan(c *gin.Context) {
	plan, _, err := s.results.AdvancementPlan(c.Request.Context(), contestID(c), c.Param("round"))
	s.reply(c, http.StatusOK, gin.H{"pools": plan}, err)
}

// apiConfirmAdvancement records the results and who advances (with the tied
// entries the organizers chose).
func (s *Server) apiConfirmAdvancement(c *gin.Context) {
	var req struct {
		Chosen []string `json:"chosen"`
	}
	if c.Request.ContentLength != 0 {
		if err := s.bindJSON(c, &req); err != nil {
			s.fail(c, err)
			return
		}
	}
	advanced, err := s.results.ConfirmAdvancement(c.Request.Context(), accountID(c), contestID(c), c.Param("round"), req.Chosen)
	s.reply(c, http.StatusOK, gin.H{"advanced": advanced}, err)
}

// apiAwardPlan shows the prizes by rank and the ties at a boundary.
func (s *Server) apiAwardPlan(c *gin.Context) {
	plan, _, err := s.results.AwardPlan(c.Request.Context(), contestID(c), c.Param("round"))
	s.reply(c, http.StatusOK, gin.H{"pools": plan}, err)
}

// apiConfirmAwards records the prizes (with the levels chosen for tied entries).
func (s *Server) apiConfirmAwards(c *gin.Context) {
	var req struct {
		Chosen map[string]string `json:"chosen"` // blind code → level (or "none")
	}
	if c.Request.ContentLength != 0 {
		if err := s.bindJSON(c, &req); err != nil {
			s.fail(c, err)
			return
		}
	}
	given, err := s.results.ConfirmAwards(c.Request.Context(), accountID(c), contestID(c), c.Param("round"), req.Chosen)
	s.reply(c, http.StatusOK, gin.H{"awards": given}, err)
}
