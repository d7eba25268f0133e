package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/results"
	"podium/fault"
)

// This file holds what the public and entrants see of a publication (公示):
// the public results page with its period, state, versions and what each
// changed, and the tree head anyone can check; the same as JSON with the
// signed heads; and an entrant's own result with its explanation and receipt.

type publicGroup struct {
	Name   string
	Tracks []publicTrack // advancement is decided per track and group
}

// publicTrack is one track's entries of a group, with the track's quota there.
type publicTrack struct {
	Name     string
	Quota    string // "前 3 名", "前 30%"; "" when nobody advances from it
	Advanced int
	Rows     []publicRow
}

type publicRow struct {
	results.PublishedResult
	GroupRank int
	TrackName string
	Tied      bool   // shares its group rank with another entry
	TieBreak  string // the criterion that ordered it after an entry of the same score
}

type publicRound struct {
	results.PublishedRound
	Name     string
	Groups   []publicGroup
	Ref      string // the contest as its public URLs name it
	Open     bool   // objections are received now
	Versions []publicVersion
	Advances bool   // the round has advancement quotas
	TieBreak string // the round's tie-break criteria, by name, in order ("技术、市场")
}

// publicVersion is one version in a round's history, newest first on the page.
type publicVersion struct {
	results.PublishedVersion
	Current bool
	Changes []publicChange
}

// publicChange is one entry's change between two versions, for reading.
type publicChange struct {
	results.Change
	Before, Now string // "rank 3 · 85.20 · second prize", or "—"
}

type publicResultsPage struct {
	ContestName string
	Ref         string
	Rounds      []publicRound
}

// contestRef is how public URLs name a contest: its slug, or its id.
func contestRef(ct contest.Contest) string {
	if ct.Slug != "" {
		return ct.Slug
	}
	return strconv.FormatInt(ct.ID, 10)
}

// publicResultsPage shows a contest's published results to anyone: by round
// and group, with the rank within the group, project, organization, score,
// prize and advancement; the publicity period and where the results stand;
// how to object; every version and what it changed; and the signed tree head
// that receipts are checked against. Before anything is published it says so.
// Judges appear nowhere, not even anonymized.
func (s *Server) publicResultsPage(c *gin.Context) {
	ctx := c.Request.Context()
	ct, ok := s.publicContest(c)
	if !ok {
		return
	}
	rounds, err := s.results.PublishedResults(ctx, ct.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.localizer(c)
	now := s.cfg.DB.NowUTC()
	page := publicResultsPage{ContestName: localized(ct.NameZh, ct.NameEn, l.Lang), Ref: contestRef(ct)}
	for _, r := range rounds {
		var round contest.Round
		for _, cr := range ct.Rounds {
			if cr.Key == r.Key {
				round = cr
			}
		}
		pr := publicRound{PublishedRound: r, Name: localized(r.NameZh, r.NameEn, l.Lang), Ref: page.Ref,
			Groups: byGroup(ct, round, r.Current.Results, l), Advances: advances(round),
			Open: r.Current.PeriodOpen(now)} // objections are taken while a correction is made too
		var tieBreak []string
		for _, k := range round.TieBreak {
			for _, c := range round.Criteria {
				if c.Key == k {
					tieBreak = append(tieBreak, localized(c.NameZh, c.NameEn, l.Lang))
				}
			}
		}
		pr.TieBreak = strings.Join(tieBreak, l.T("list.sep"))
		for i := len(r.Versions) - 1; i >= 0; i-- {
			v := publicVersion{PublishedVersion: r.Versions[i], Current: i == len(r.Versions)-1}
			for _, ch := range r.Versions[i].Changes {
				v.Changes = append(v.Changes, publicChange{Change: ch, Before: placeText(l, ch.Before), Now: placeText(l, ch.Now)})
			}
			pr.Versions = append(pr.Versions, v)
		}
		page.Rounds = append(page.Rounds, pr)
	}
	s.render(c, http.StatusOK, "results.html", "results.title", page)
}

// placeText says an entry's place in a version: rank, score, prize, advancement.
func placeText(l *Localizer, p *results.ChangedResult) string {
	if p == nil {
		return l.T("publicity.not_listed")
	}
	parts := []string{l.T("publicity.rank_n", p.Rank), p.Score.String()}
	if p.AwardLevel != "" {
		parts = append(parts, l.T("award.level."+p.AwardLevel))
	}
	if p.Advanced {
		parts = append(parts, l.T("results.advanced"))
	}
	return strings.Join(parts, " · ")
}

func localized(zh, en, lang string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}

// byGroup splits results (by rank) into the contest's groups, ranking within
// each group so that ties stay ties (1, 2, 2, 4), and each group into its
// tracks, with the round's advancement quota of that track and group (the
// ranking's own rule, results.Advancement): the page shows who advances and why.
func byGroup(ct contest.Contest, round contest.Round, recorded []results.PublishedResult, l *Localizer) []publicGroup {
	lang := l.Lang
	criterion := map[string]string{}
	for _, c := range round.Criteria {
		criterion[c.Key] = localized(c.NameZh, c.NameEn, lang)
	}
	var out []publicGroup
	for _, g := range ct.Groups {
		pg := publicGroup{Name: localized(g.NameZh, g.NameEn, lang)}
		var rows []publicRow
		for i, r := range recorded {
			if r.Group != g.Key {
				continue
			}
			rank := 1
			for _, ahead := range recorded[:i] {
				if ahead.Group == g.Key && ahead.Rank < r.Rank {
					rank++
				}
			}
			row := publicRow{PublishedResult: r, GroupRank: rank, TrackName: categoryName(ct.Tracks, r.Track, lang)}
			if r.SameScoreAbove && r.TieBreakCriterion != "" {
				row.TieBreak = criterion[r.TieBreakCriterion]
				if row.TieBreak == "" {
					row.TieBreak = r.TieBreakCriterion
				}
			}
			rows = append(rows, row)
		}
		for i := range rows {
			for j := range rows {
				if i != j && rows[i].GroupRank == rows[j].GroupRank {
					rows[i].Tied = true
				}
			}
		}
		for _, t := range ct.Tracks {
			pt := publicTrack{Name: localized(t.NameZh, t.NameEn, lang), Quota: quotaText(l, round, t.Key, g.Key)}
			for _, r := range rows {
				if r.Track == t.Key {
					pt.Rows = append(pt.Rows, r)
					if r.Advanced {
						pt.Advanced++
					}
				}
			}
			if len(pt.Rows) > 0 {
				pg.Tracks = append(pg.Tracks, pt)
			}
		}
		if len(pg.Tracks) > 0 {
			out = append(out, pg)
		}
	}
	return out
}

// quotaText says a track and group's advancement quota in round, as
// results.Advancement takes it: an override for the pair, else the round's
// count or percentage; "" when nobody advances from it.
func quotaText(l *Localizer, round contest.Round, track, group string) string {
	for _, q := range round.Quotas {
		if q.Track == track && q.Group == group {
			return l.T("results.quota_top", q.Count)
		}
	}
	switch {
	case round.AdvanceCount != nil:
		return l.T("results.quota_top", *round.AdvanceCount)
	case round.AdvancePercent != nil:
		return l.T("results.quota_percent", *round.AdvancePercent)
	}
	return ""
}

// advances says whether anyone advances from round (a quota is set).
func advances(round contest.Round) bool {
	return round.AdvanceCount != nil || round.AdvancePercent != nil || len(round.Quotas) > 0
}

// apiPublicResults: GET /api/v1/public/results/:contest — every published
// round's current version, state and history.
func (s *Server) apiPublicResults(c *gin.Context) {
	ctx := c.Request.Context()
	ct, ok := s.publicContest(c)
	if !ok {
		return
	}
	rounds, err := s.results.PublishedResults(ctx, ct.ID)
	s.reply(c, http.StatusOK, gin.H{"contest": gin.H{"slug": ct.Slug, "name_zh": ct.NameZh, "name_en": ct.NameEn},
		"rounds": rounds}, err)
}

// apiPublicHeads: GET /api/v1/public/results/:contest/heads — the contest's
// verifier key and every signed tree head it published.
func (s *Server) apiPublicHeads(c *gin.Context) {
	id, err := s.publicContestID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	heads, err := s.results.Heads(c.Request.Context(), id)
	s.reply(c, http.StatusOK, heads, err)
}

// The entrant's own result.

type entrantResultPage struct {
	EntryID     int64
	Title       string
	ContestRef  string
	ContestName string
	Results     []entrantRoundResult
}

type entrantRoundResult struct {
	results.EntryResult
	Name      string
	GroupName string
	Rule      string
}

// entrantResultPage shows an entrant their entry's published results: score,
// rank, prize or advancement, how the score was reached (anonymous judges'
// totals, what was dropped, the rule), the receipt to check it, and how to
// object while the period runs.
func (s *Server) entrantResultPage(c *gin.Context) {
	e, ok := s.ownEntry(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	ct, err := s.contests.Contest(ctx, e.ContestID)
	if err != nil {
		s.fail(c, err)
		return
	}
	rs, err := s.results.EntryResults(ctx, e.ContestID, e.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.localizer(c)
	page := entrantResultPage{EntryID: e.ID, Title: e.Title, ContestRef: contestRef(ct), ContestName: localized(ct.NameZh, ct.NameEn, l.Lang)}
	for _, r := range rs {
		page.Results = append(page.Results, entrantRoundResult{EntryResult: r, Name: localized(r.RoundNameZh, r.RoundNameEn, l.Lang),
			GroupName: categoryName(ct.Groups, r.Result.Group, l.Lang), Rule: ruleText(l, r.Explanation.Rule, r.Method)})
	}
	s.render(c, http.StatusOK, "entrant_result.html", "publicity.my_result", page)
}

// apiEntryResults: GET /api/v1/entries/:entry/results.
func (s *Server) apiEntryResults(c *gin.Context) {
	e, ok := s.ownEntry(c)
	if !ok {
		return
	}
	rs, err := s.results.EntryResults(c.Request.Context(), e.ContestID, e.ID)
	s.reply(c, http.StatusOK, gin.H{"results": rs}, err)
}

// apiEntryReceipt: GET /api/v1/entries/:entry/receipt?round=key — the
// receipt of the entry's result in the round's current publication, as a
// file to keep.
func (s *Server) apiEntryReceipt(c *gin.Context) {
	e, ok := s.ownEntry(c)
	if !ok {
		return
	}
	round := c.Query("round")
	if round == "" {
		s.fail(c, fault.Invalid("round", "err.required"))
		return
	}
	rc, err := s.results.Receipt(c.Request.Context(), e.ContestID, e.ID, round)
	if err != nil {
		s.fail(c, err)
		return
	}
	if c.Query("download") == "1" {
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="receipt-%s-%s-v%d.json"`, rc.Entry.Code, round, rc.Round.Version))
	}
	c.JSON(http.StatusOK, rc)
}

// publishOptions reads the publish form's period and reason: a number of
// days, or an end date and time in Asia/Shanghai; for a later version, the
// reason and whether the period of the version before is kept.
func (s *Server) publishOptions(c *gin.Context) (results.PublishOptions, error) {
	opts := results.PublishOptions{Reason: c.PostForm("reason"), KeepPeriod: c.PostForm("keep_period") == "yes"}
	if v := strings.TrimSpace(c.PostForm("period_ends_at")); v != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", v, s.shanghai)
		if err != nil {
			return opts, fault.Invalid("period_ends_at", "err.publish.period_time")
		}
		opts.PeriodEndsAt = t.UTC()
	} else if v := strings.TrimSpace(c.PostForm("period_days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 60 {
			return opts, fault.Invalid("period_days", "err.publish.period_range")
		}
		opts.PeriodDays = n
	}
	return opts, nil
}

// publishRequest is the JSON body of POST .../publish (all optional).
type publishRequest struct {
	PeriodDays   int       `json:"period_days"`
	PeriodEndsAt time.Time `json:"period_ends_at"`
	KeepPeriod   bool      `json:"keep_period"`
	Reason       string    `json:"reason"`
}
