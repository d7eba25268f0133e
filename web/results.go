package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/judging"
	"podium/contest/results"
	"podium/fault"
	"podium/scoring"
)

// This file holds the pages that turn a round's ranking into decisions:
// advancement and awards (with the organizers' choice among tied entries),
// publication (公示) with its public results page, and the combined final
// ranking over weighted rounds.

// planEntry is an entry of an advancement or award plan as organizers read it.
type planEntry struct {
	Code  string
	Title string
	Rank  int
	Score scoring.Points
}

// decisionPage is what the advancement, awards and publication pages share.
type decisionPage struct {
	Contest   contest.Contest
	Round     contest.Round
	Results   []results.RoundResult // recorded so far
	Published bool
	Combined  bool   // awards follow the combined final ranking
	Done      bool   // the action just succeeded
	Error     string // why the last submission was refused
}

// loadDecisionPage loads the contest, the round and its recorded results.
func (s *Server) loadDecisionPage(c *gin.Context) (decisionPage, error) {
	ctx := c.Request.Context()
	var p decisionPage
	var err error
	if p.Contest, err = s.contests.Contest(ctx, contestID(c)); err != nil {
		return p, err
	}
	i := slices.IndexFunc(p.Contest.Rounds, func(r contest.Round) bool { return r.Key == c.Param("round") })
	if i < 0 {
		return p, fault.NotFound("err.round.not_found")
	}
	p.Round = p.Contest.Rounds[i]
	p.Published = p.Round.State == contest.RoundPublished
	p.Results, err = s.results.RoundResults(ctx, p.Contest.ID, p.Round.Key)
	return p, err
}

// loadRankedDecision is loadDecisionPage with the ranking the page decides
// on, indexed by blind code: the round's own for advancement; for awards the
// deciding ranking, which is the combined final ranking on the last weighted
// round (contest.Service.DecidingRanking).
func (s *Server) loadRankedDecision(c *gin.Context, awards bool) (decisionPage, map[string]planEntry, error) {
	dp, err := s.loadDecisionPage(c)
	if err != nil {
		return dp, nil, err
	}
	ctx := c.Request.Context()
	var rk scoring.Ranking
	var rs results.RoundScoring
	if awards {
		rk, rs, dp.Combined, err = s.results.DecidingRanking(ctx, dp.Contest.ID, dp.Round.Key)
	} else {
		rk, rs, err = s.results.Ranking(ctx, dp.Contest.ID, dp.Round.Key)
	}
	if err != nil {
		return dp, nil, err
	}
	return dp, rankedByCode(rk, rs), nil
}

// rankedByCode indexes a ranking's entries, with their titles, by blind code.
func rankedByCode(rk scoring.Ranking, rs results.RoundScoring) map[string]planEntry {
	out := make(map[string]planEntry, len(rk.Entries))
	for _, r := range rk.Entries {
		out[r.Entry] = planEntry{Code: r.Entry, Title: rs.Titles[r.Entry], Rank: r.Rank, Score: r.Score}
	}
	return out
}

func planEntries(byCode map[string]planEntry, codes []string) []planEntry {
	out := make([]planEntry, len(codes))
	for i, code := range codes {
		out[i] = byCode[code]
	}
	return out
}

// categoryName is a track's or group's name in the reader's language.
func categoryName(cats []contest.Category, key, lang string) string {
	for _, c := range cats {
		if c.Key == key {
			if lang == "en" && c.NameEn != "" {
				return c.NameEn
			}
			return c.NameZh
		}
	}
	return key
}

// poolName names a pool: "group" or "group · track".
func poolName(c contest.Contest, p scoring.Pool, lang string) string {
	name := categoryName(c.Groups, p.Group, lang)
	if p.Track != "" {
		name += " · " + categoryName(c.Tracks, p.Track, lang)
	}
	return name
}

// refusal is the translated message of an error a page shows beside its form,
// or false when the error deserves the error page (not found, internal).
func (s *Server) refusal(c *gin.Context, err error) (int, string, bool) {
	switch fault.ErrorCode(err) {
	case fault.CodeInternal, fault.CodeUnavailable, fault.CodeNotFound, fault.CodeForbidden:
		return 0, "", false
	}
	status, d := s.describe(c, err)
	msg := d.Message
	for _, f := range d.Fields {
		msg += " " + f
	}
	return status, msg, true
}

// setRoundState opens or closes the request's round.
func (s *Server) setRoundState(c *gin.Context, state string) error {
	return s.judging.SetRoundState(c.Request.Context(), accountID(c), contestID(c), c.Param("round"), contest.RoundState(state))
}

// Advancement.

type advancementPool struct {
	Name      string
	Entries   int
	Seats     int
	SeatsLeft int
	Advanced  []planEntry
	Tied      []tiedEntry
}

// tiedEntry is an entry tied at the cut, ticked when it is chosen: recorded as
// advanced by the last confirmation, or ticked in the form just refused.
type tiedEntry struct {
	planEntry
	Chosen bool
}

type advancementPage struct {
	decisionPage
	Pools []advancementPool
}

func (s *Server) advancementPage(c *gin.Context) {
	s.renderAdvancement(c, http.StatusOK, "")
}

func (s *Server) renderAdvancement(c *gin.Context, status int, refused string) {
	dp, byCode, err := s.loadRankedDecision(c, false)
	if err != nil {
		s.fail(c, err)
		return
	}
	plan, _, err := s.results.AdvancementPlan(c.Request.Context(), dp.Contest.ID, dp.Round.Key)
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := s.localizer(c).Lang
	page := advancementPage{decisionPage: dp}
	page.Done, page.Error = c.Query("confirmed") == "1" && refused == "", refused
	chosen := map[string]bool{}
	if refused != "" {
		for _, code := range c.PostFormArray("chosen") {
			chosen[code] = true
		}
	} else {
		for _, r := range dp.Results {
			chosen[r.Code] = r.Advanced
		}
	}
	for _, p := range plan {
		pool := advancementPool{Name: poolName(dp.Contest, p.Pool, lang), Entries: p.Entries, Seats: p.Seats,
			SeatsLeft: p.Seats - len(p.Advanced), Advanced: planEntries(byCode, p.Advanced)}
		for _, e := range planEntries(byCode, p.Tied) {
			pool.Tied = append(pool.Tied, tiedEntry{planEntry: e, Chosen: chosen[e.Code]})
		}
		page.Pools = append(page.Pools, pool)
	}
	s.render(c, status, "advancement.html", "advancement.title", page)
}

// advancementSubmit confirms advancement with the tied entries the organizers ticked.
func (s *Server) advancementSubmit(c *gin.Context) {
	if _, err := s.results.ConfirmAdvancement(c.Request.Context(), accountID(c), contestID(c), c.Param("round"), c.PostFormArray("chosen")); err != nil {
		if status, msg, ok := s.refusal(c, err); ok {
			s.renderAdvancement(c, status, msg)
			return
		}
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d/rounds/%s/advancement?confirmed=1", contestID(c), c.Param("round")))
}

// Awards.

// awardChoice is a level a tied entry can be given, with how many of the tie's places it has.
type awardChoice struct {
	Level  string // a level key, or contest.NoAwardChoice
	Places int
}

type awardTie struct {
	Entries []planEntry
	Choices []awardChoice
}

type awardsPool struct {
	Name   string
	Awards []struct {
		planEntry
		Level string
	}
	Ties []awardTie
}

type awardsPage struct {
	decisionPage
	Pools []awardsPool
	// Chosen is the level selected for each tied entry: what the form just
	// refused had, or else the level the last confirmation recorded.
	Chosen map[string]string
	// Ranked and Quotas say why there may be no pool to award: nothing ranked
	// yet, or no prize quotas in the contest.
	Ranked, Quotas int
}

func (s *Server) awardsPage(c *gin.Context) {
	s.renderAwards(c, http.StatusOK, "", nil)
}

func (s *Server) renderAwards(c *gin.Context, status int, refused string, chosen map[string]string) {
	dp, byCode, err := s.loadRankedDecision(c, true)
	if err != nil {
		s.fail(c, err)
		return
	}
	plan, _, err := s.results.AwardPlan(c.Request.Context(), dp.Contest.ID, dp.Round.Key)
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := s.localizer(c).Lang
	if chosen == nil {
		chosen = recordedAwards(dp.Results)
	}
	page := awardsPage{decisionPage: dp, Chosen: chosen, Ranked: len(byCode), Quotas: len(dp.Contest.Awards)}
	page.Done, page.Error = c.Query("confirmed") == "1" && refused == "", refused
	for _, p := range plan {
		pool := awardsPool{Name: poolName(dp.Contest, p.Pool, lang)}
		for _, a := range p.Awards {
			pool.Awards = append(pool.Awards, struct {
				planEntry
				Level string
			}{byCode[a.Entry], a.Level})
		}
		for _, t := range p.Ties {
			tie := awardTie{Entries: planEntries(byCode, t.Entries)}
			for i, level := range t.Levels {
				if level != scoring.NoAward {
					tie.Choices = append(tie.Choices, awardChoice{Level: level, Places: t.Places[i]})
				}
			}
			tie.Choices = append(tie.Choices, awardChoice{Level: results.NoAwardChoice})
			pool.Ties = append(pool.Ties, tie)
		}
		page.Pools = append(page.Pools, pool)
	}
	s.render(c, status, "awards.html", "awards.title", page)
}

// recordedAwards is the level recorded for each entry once awards have been
// confirmed (some entry has a level): an entry without one got no prize.
// Before that (nothing recorded, or advancement only) nothing is chosen.
func recordedAwards(recorded []results.RoundResult) map[string]string {
	chosen := map[string]string{}
	if !slices.ContainsFunc(recorded, func(r results.RoundResult) bool { return r.AwardLevel != "" }) {
		return chosen
	}
	for _, r := range recorded {
		chosen[r.Code] = cmp.Or(r.AwardLevel, results.NoAwardChoice)
	}
	return chosen
}

// awardsSubmit confirms the awards with a level chosen for every tied entry
// (the page offers one choice per tied entry: level.<code>).
func (s *Server) awardsSubmit(c *gin.Context) {
	_ = c.Request.ParseForm()
	chosen := map[string]string{}
	var err error
	for name, values := range c.Request.PostForm {
		code, ok := strings.CutPrefix(name, "level.")
		if !ok || len(values) == 0 {
			continue
		}
		if values[0] == "" {
			err = fault.Invalid("chosen", "err.award.undecided")
		}
		chosen[code] = values[0]
	}
	if err == nil {
		_, err = s.results.ConfirmAwards(c.Request.Context(), accountID(c), contestID(c), c.Param("round"), chosen)
	}
	if err != nil {
		if status, msg, ok := s.refusal(c, err); ok {
			s.renderAwards(c, status, msg, chosen)
			return
		}
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d/rounds/%s/awards?confirmed=1", contestID(c), c.Param("round")))
}

// Publication.

type publishPage struct {
	decisionPage
	Advanced int
	Awarded  int
	// Undecided are the entries short of reviews or not scored that the
	// organizers have not decided on: publication is refused until none.
	Undecided []judging.EntryReviews
	// Latest is the round's newest publication, if it was ever published:
	// publishing again makes the next version, with a reason.
	Latest      *results.Publication
	State       results.PublicityState
	NextVersion int
	PeriodDays  int
	Reason      string // as typed, when the form was refused
	// Stale and Changes preview what publishing now would do (results.PendingPublication).
	Stale   bool
	Changes []publicChange
}

func (s *Server) publishPage(c *gin.Context) {
	s.renderPublish(c, http.StatusOK, "")
}

func (s *Server) renderPublish(c *gin.Context, status int, refused string) {
	dp, err := s.loadDecisionPage(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := publishPage{decisionPage: dp, PeriodDays: results.DefaultPeriodDays}
	page.Done, page.Error = c.Query("published") == "1" && dp.Published, refused
	switch latest, err := s.results.LatestPublication(c.Request.Context(), dp.Contest.ID, dp.Round.Key); {
	case err == nil:
		page.Latest, page.State, page.NextVersion = &latest, latest.State(s.cfg.DB.NowUTC()), latest.Version+1
		page.Reason = c.PostForm("reason")
	case fault.ErrorCode(err) != fault.CodeNotFound:
		s.fail(c, err)
		return
	}
	if !dp.Published && dp.Round.State == contest.RoundClosed {
		pending, err := s.results.PendingPublication(c.Request.Context(), dp.Contest.ID, dp.Round.Key)
		if err != nil {
			s.fail(c, err)
			return
		}
		l := s.localizer(c)
		page.Stale = pending.Stale
		for _, ch := range pending.Changes {
			page.Changes = append(page.Changes, publicChange{Change: ch, Before: placeText(l, ch.Before), Now: placeText(l, ch.Now)})
		}
	}
	if !dp.Published {
		gaps, err := s.judging.ReviewGaps(c.Request.Context(), dp.Contest.ID, dp.Round.Key)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, g := range gaps {
			if g.Undecided() {
				page.Undecided = append(page.Undecided, g)
			}
		}
	}
	for _, r := range dp.Results {
		if r.Advanced {
			page.Advanced++
		}
		if r.AwardLevel != "" {
			page.Awarded++
		}
	}
	s.render(c, status, "publish.html", "publish.title", page)
}

// publishSubmit publishes the round's results once the organizer has ticked
// that they understand publication is final.
func (s *Server) publishSubmit(c *gin.Context) {
	var err error = fault.Invalid("confirm", "err.publish.confirm")
	if c.PostForm("confirm") == "yes" {
		var opts results.PublishOptions
		if opts, err = s.publishOptions(c); err == nil {
			_, _, err = s.results.Publish(c.Request.Context(), accountID(c), contestID(c), c.Param("round"), opts)
		}
	}
	if err != nil {
		if status, msg, ok := s.refusal(c, err); ok {
			s.renderPublish(c, status, msg)
			return
		}
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d/rounds/%s/publish?published=1", contestID(c), c.Param("round")))
}

func (s *Server) apiPublish(c *gin.Context) {
	var req publishRequest
	if c.Request.ContentLength != 0 {
		if err := s.bindJSON(c, &req); err != nil {
			s.fail(c, err)
			return
		}
	}
	recorded, pub, err := s.results.Publish(c.Request.Context(), accountID(c), contestID(c), c.Param("round"),
		results.PublishOptions{PeriodDays: req.PeriodDays, PeriodEndsAt: req.PeriodEndsAt, KeepPeriod: req.KeepPeriod, Reason: req.Reason})
	s.reply(c, http.StatusOK, gin.H{"results": recorded, "publication": pub}, err)
}

func (s *Server) apiRoundResults(c *gin.Context) {
	recorded, err := s.results.RoundResults(c.Request.Context(), contestID(c), c.Param("round"))
	s.reply(c, http.StatusOK, gin.H{"results": recorded}, err)
}

// The combined final ranking.

type combinedPage struct {
	Contest   contest.Contest
	Combined  results.CombinedRanking
	Names     map[string]string // track and group keys → names
	NoWeights bool              // no round has a weight: the page says where to set them
	Columns   int               // of the table, which has a column per weighted round
}

// weighted reports whether some of the rounds counts in the combined final ranking.
func weighted(rounds []contest.Round) bool {
	return slices.ContainsFunc(rounds, func(r contest.Round) bool { return r.FinalWeight > 0 })
}

// combinedPage shows the combined final ranking; without round weights it
// explains where they are set instead of failing.
func (s *Server) combinedPage(c *gin.Context) {
	ctx := c.Request.Context()
	ct, err := s.contests.Contest(ctx, contestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if !weighted(ct.Rounds) {
		s.render(c, http.StatusOK, "combined.html", "combined.title", combinedPage{Contest: ct, NoWeights: true})
		return
	}
	combined, err := s.results.CombinedRanking(ctx, ct.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	lang := s.localizer(c).Lang
	names := map[string]string{}
	for _, e := range combined.Entries {
		names[e.Track+"/"+e.Group] = poolName(ct, scoring.Pool{Group: e.Group, Track: e.Track}, lang)
	}
	s.render(c, http.StatusOK, "combined.html", "combined.title", combinedPage{Contest: ct, Combined: combined, Names: names,
		Columns: 7 + len(combined.Rounds)})
}

func (s *Server) apiCombinedRanking(c *gin.Context) {
	combined, err := s.results.CombinedRanking(c.Request.Context(), contestID(c))
	s.reply(c, http.StatusOK, combined, err)
}
