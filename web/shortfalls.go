package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"podium/contest/judging"
	"podium/fault"
	"podium/scoring"
	"podium/web/upload"
)

// This file holds the organizers' side of entries short of reviews (see
// contest/judging/shortfalls.go): the decision forms of the progress page, the API,
// the reviews export, and the sentences that explain a shortfall, a rule or
// an assignment run's report in the reader's language.

// decisionForm is a refused decision on the progress page: the entry and why.
type decisionForm struct {
	Entry int64
	Kind  judging.DecisionKind
	Error string
}

// reviewDecisionSubmit is the progress page's form for an entry short of
// reviews: accept the shortfall or withdraw the entry from the round, with a
// reason. A refusal comes back on the page beside the entry.
func (s *Server) reviewDecisionSubmit(kind judging.DecisionKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		ent, _ := strconv.ParseInt(c.Param("entry"), 10, 64)
		_, err := s.decide(c, kind, ent, c.PostForm("reason"))
		if err != nil {
			status, msg, ok := s.refusal(c, err)
			if !ok {
				s.fail(c, err)
				return
			}
			if _, d := s.describe(c, err); d.Fields["reason"] != "" {
				msg = d.Fields["reason"]
			}
			s.renderProgress(c, status, progressPage{Decision: decisionForm{Entry: ent, Kind: kind, Error: msg}})
			return
		}
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d/rounds/%s/progress?decided=%s#reviews", contestID(c), c.Param("round"), kind))
	}
}

func (s *Server) decide(c *gin.Context, kind judging.DecisionKind, ent int64, reason string) (judging.EntryReviews, error) {
	ctx, round := c.Request.Context(), c.Param("round")
	if kind == judging.DecisionWithdrawn {
		return s.judging.WithdrawFromRound(ctx, accountID(c), contestID(c), round, ent, reason)
	}
	return s.judging.AcceptShortfall(ctx, accountID(c), contestID(c), round, ent, reason)
}

// apiRoundReviews lists every entry of the round against the reviews the round
// requires, and how many wait for the organizers' decision.
func (s *Server) apiRoundReviews(c *gin.Context) {
	all, err := s.judging.RoundReviews(c.Request.Context(), contestID(c), c.Param("round"))
	undecided := 0
	for _, e := range all {
		if e.Undecided() {
			undecided++
		}
	}
	s.reply(c, http.StatusOK, gin.H{"entries": all, "undecided": undecided}, err)
}

func (s *Server) apiReviewDecision(kind judging.DecisionKind) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req struct {
			Reason string `json:"reason"`
		}
		if c.Request.ContentLength != 0 {
			if err := s.bindJSON(c, &req); err != nil {
				s.fail(c, err)
				return
			}
		}
		ent, err := strconv.ParseInt(c.Param("entry"), 10, 64)
		if err != nil {
			s.fail(c, fault.NotFound("err.entry.not_found"))
			return
		}
		decided, err := s.decide(c, kind, ent, req.Reason)
		s.reply(c, http.StatusOK, decided, err)
	}
}

// apiExportReviews writes every entry of the round with its reviews, the
// reviews required, its standing and the organizers' decision, as CSV.
func (s *Server) apiExportReviews(c *gin.Context) {
	all, err := s.judging.RoundReviews(c.Request.Context(), contestID(c), c.Param("round"))
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"entry", "title", "required", "assigned", "submitted", "reviews", "status", "decided_by", "decided_at", "reason"})
	for _, e := range all {
		row := []string{e.Code, e.Title, strconv.Itoa(e.Required), strconv.Itoa(e.Assigned), strconv.Itoa(e.Submitted),
			strconv.Itoa(e.Reviews), string(e.Status), "", "", ""}
		if d := e.Decision; d != nil {
			row[7], row[8], row[9] = d.By, d.At.UTC().Format(time.RFC3339), d.Reason
		}
		_ = w.Write(row)
	}
	w.Flush()
	c.Header("Content-Disposition", upload.ContentDisposition("attachment", fmt.Sprintf("reviews-%d-%s.csv", contestID(c), c.Param("round"))))
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// standing says, in the reader's language, where an entry stands against the
// reviews its round requires, and what the organizers decided.
func (s *Server) standing(l *Localizer, e judging.EntryReviews) string {
	d := e.Decision
	switch e.Status {
	case judging.ReviewsShort:
		return l.T("reviews.explain.short", e.Reviews, e.Required)
	case judging.ReviewsUnscored:
		return l.T("reviews.explain.unscored", e.Required)
	case judging.ReviewsAccepted:
		return l.T("reviews.explain.accepted", e.Reviews, e.Required, d.By, d.At.In(s.shanghai).Format("2006-01-02"), d.Reason)
	case judging.ReviewsWithdrawn:
		return l.T("reviews.explain.withdrawn", d.By, d.At.In(s.shanghai).Format("2006-01-02"), d.Reason)
	}
	return ""
}

// ruleText says which rule an entry's score was computed by, and why.
func ruleText(l *Localizer, r scoring.Rule, round scoring.Method) string {
	if r.Fallback == scoring.FallbackFewSheets {
		return l.T("ranking.rule.few_sheets", l.T("round.method."+string(round)), r.Needed, r.Sheets)
	}
	return l.T("ranking.rule", l.T("round.method."+string(r.Method)), r.Sheets)
}

// runReportLines tells an assignment run's report in the reader's language,
// naming entries by code and title.
func runReportLines(l *Localizer, rep judging.RunReport) []string {
	var lines []string
	if c := rep.Capacity; c != nil {
		lines = append(lines, l.T("run.capacity", c.Capacity, c.Needed))
	}
	for _, g := range rep.Unfilled {
		name := l.Entry(g.Code, g.Title)
		if g.Reason == judging.GapCapacity || g.Pool == nil {
			lines = append(lines, l.T("run.gap.capacity", name, g.Missing, g.Required, g.Experts))
			continue
		}
		p := g.Pool
		var out []string
		for _, n := range []struct {
			key string
			n   int
		}{
			{"run.pool.recused", p.Recused}, {"run.pool.conflicted", p.Conflicted}, {"run.pool.own_org", p.OwnOrg},
			{"run.pool.already_assigned", p.AlreadyAssigned}, {"run.pool.org_taken", p.OrgTaken}, {"run.pool.full", p.Full},
		} {
			if n.n > 0 {
				out = append(out, l.T(n.key, n.n))
			}
		}
		why := l.T("run.pool.track", p.WithField)
		if p.Fieldless > 0 {
			why += l.T("list.sep") + l.T("run.pool.fieldless", p.Fieldless)
		}
		if len(out) > 0 {
			why += l.T("run.pool.of_them") + strings.Join(out, l.T("list.sep"))
		}
		line := l.T("run.gap.few_eligible", name, g.Missing, g.Required, why, p.Eligible)
		if p.Organizations < p.Eligible {
			line += l.T("run.pool.organizations", p.Organizations)
		}
		lines = append(lines, line)
	}
	if rep.Legacy {
		lines = append(lines, l.T("run.legacy"))
	}
	return lines
}
