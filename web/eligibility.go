package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/entry"
	"podium/eligibility"
	"podium/fault"
)

// Eligibility rules: the organizer's page and API for a contest's rule set
// (stored and checked by contest/entry), and how a failed rule reads.

// Ineligible writes a rule an entry fails in the reader's language, its group named.
func (l *Localizer) Ineligible(f entry.Ineligible) string {
	return l.T(f.Message, l.args(f.MessageArgs())...)
}

// RuleName is a rule's name.
func (l *Localizer) RuleName(k eligibility.Kind) string { return l.T("elig.rule." + string(k)) }

// PresetName is a shipped rule set's name.
func (l *Localizer) PresetName(p eligibility.Preset) string { return l.T(p.Name, p.Year) }

type eligibilityPage struct {
	Contest contest.Contest
	Set     eligibility.RuleSet // normalized: every kind once
	Stored  entry.EligibilityRules
	Presets []eligibility.Preset
	MaxWan  string // the revenue limit as the form shows it, in 万元
	Year    string // the reference year as the form shows it
	Errors  map[string]string
	Saved   bool
	Loaded  bool // a preset was loaded into the form, not saved yet
	Failing int  // entries that fail the saved rules
	// DefaultYear is the reference year when the form leaves it empty: the
	// year of the submission deadline (0 when the contest has none yet).
	DefaultYear int
}

// GroupsMissing reports that the saved rules have a rule on that needs the
// startup and growth groups while one of them is gone (a group removed from
// the contest's setup): those rules are not checked until both are chosen.
func (p eligibilityPage) GroupsMissing() bool {
	s := p.Stored.Set
	if s.StartupGroup != "" && s.GrowthGroup != "" {
		return false
	}
	for _, r := range s.Rules {
		if r.Enabled && r.Kind.UsesGroups() {
			return true
		}
	}
	return false
}

// Kinds are the rules in the order the page shows them.
func (eligibilityPage) Kinds() []eligibility.Kind { return eligibility.Kinds }

// Enabled reports whether the form has rule k on.
func (p eligibilityPage) Enabled(k eligibility.Kind) bool {
	r, _ := p.Set.Rule(k)
	return r.Enabled
}

// RuleError is the problem with parameter param of rule k, if any.
func (p eligibilityPage) RuleError(k eligibility.Kind, param string) string {
	for i, r := range p.Set.Rules {
		if r.Kind == k {
			return p.Errors[fmt.Sprintf("rules[%d].%s", i, param)]
		}
	}
	return ""
}

func (s *Server) eligibilityPage(c *gin.Context) {
	ctx := c.Request.Context()
	stored, err := s.entries.EligibilityRulesOf(ctx, contestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderEligibility(c, http.StatusOK, eligibilityPage{Stored: stored, Set: stored.Set, Saved: c.Query("saved") == "1"})
}

func (s *Server) renderEligibility(c *gin.Context, status int, page eligibilityPage) {
	ctx := c.Request.Context()
	var err error
	if page.Contest, err = s.contests.Contest(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	if page.Stored.Set.Rules == nil {
		if page.Stored, err = s.entries.EligibilityRulesOf(ctx, contestID(c)); err != nil {
			s.fail(c, err)
			return
		}
	}
	if page.Stored.Set.Enabled() {
		list, err := s.entries.EntriesInContest(ctx, contestID(c), entry.Filter{Ineligible: true})
		if err != nil {
			s.fail(c, err)
			return
		}
		page.Failing = len(list)
	}
	if d := page.Contest.SubmissionDeadline; d != nil {
		page.DefaultYear = d.In(s.shanghai).Year()
	}
	page.Set.Normalize()
	page.Presets = eligibility.Presets()
	if page.MaxWan == "" {
		r, _ := page.Set.Rule(eligibility.RevenueLimit)
		page.MaxWan = eligibility.FormatWan(r.MaxRevenue)
	}
	if page.Year == "" && page.Set.ReferenceYear != 0 {
		page.Year = strconv.Itoa(page.Set.ReferenceYear)
	}
	s.render(c, status, "eligibility.html", "elig.title", page)
}

// guessGroup finds the contest's group whose name says it is the startup or
// the growth group, for a preset loaded into the form.
func guessGroup(groups []contest.Category, words ...string) string {
	for _, g := range groups {
		for _, w := range words {
			if strings.Contains(strings.ToLower(g.NameZh+" "+g.NameEn+" "+g.Key), w) {
				return g.Key
			}
		}
	}
	return ""
}

func (s *Server) eligibilitySubmit(c *gin.Context) {
	ctx := c.Request.Context()
	page := eligibilityPage{MaxWan: strings.TrimSpace(c.PostForm("max_revenue_wan")), Year: strings.TrimSpace(c.PostForm("reference_year"))}
	set := eligibility.RuleSet{Preset: c.PostForm("preset"), StartupGroup: c.PostForm("startup_group"), GrowthGroup: c.PostForm("growth_group")}
	if c.PostForm("load") != "" { // fill the form with the chosen preset, to adjust and save
		page.Loaded = true
		if p, ok := eligibility.PresetByID(set.Preset); ok {
			c2, err := s.contests.Contest(ctx, contestID(c))
			if err != nil {
				s.fail(c, err)
				return
			}
			p.Set.StartupGroup = guessGroup(c2.Groups, "初创", "startup")
			p.Set.GrowthGroup = guessGroup(c2.Groups, "成长", "growth")
			set = p.Set
		} else {
			set = eligibility.RuleSet{Rules: []eligibility.Rule{}}
		}
		page.Set, page.MaxWan, page.Year = set, "", ""
		s.renderEligibility(c, http.StatusOK, page)
		return
	}
	problems := fault.Problems{}
	if page.Year != "" {
		y, err := strconv.Atoi(page.Year)
		if err != nil {
			problems.Add("reference_year", "err.elig.reference_year")
		}
		set.ReferenceYear = y
	}
	maxRevenue, ok := eligibility.ParseWan(page.MaxWan)
	if !ok {
		problems.Add("rules[1].max_revenue", "err.org.amount_wan")
	}
	for _, k := range eligibility.Kinds {
		r := eligibility.Rule{Kind: k, Enabled: c.PostForm("rule."+string(k)) == "on"}
		if k == eligibility.RevenueLimit {
			r.MaxRevenue = maxRevenue
		}
		set.Rules = append(set.Rules, r)
	}
	page.Set = set
	var err error = problems.Err()
	if err == nil {
		_, err = s.entries.SetEligibilityRules(ctx, accountID(c), contestID(c), set)
	}
	if err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			page.Errors = fields
			s.renderEligibility(c, status, page)
		}
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d/eligibility?saved=1", contestID(c)))
}

// API.

type presetView struct {
	ID    string              `json:"id"`
	Name  string              `json:"name"`
	Year  int                 `json:"year"`
	Rules eligibility.RuleSet `json:"rules"`
}

func (s *Server) apiEligibility(c *gin.Context) {
	r, err := s.entries.EligibilityRulesOf(c.Request.Context(), contestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.eligibilityJSON(c, r)
}

func (s *Server) eligibilityJSON(c *gin.Context, r entry.EligibilityRules) {
	l := s.localizer(c)
	presets := []presetView{}
	for _, p := range eligibility.Presets() {
		presets = append(presets, presetView{ID: p.ID, Name: l.PresetName(p), Year: p.Year, Rules: p.Set})
	}
	c.JSON(http.StatusOK, gin.H{"rules": r.Set, "updated_at": r.UpdatedAt, "presets": presets})
}

func (s *Server) apiSetEligibility(c *gin.Context) {
	var set eligibility.RuleSet
	if err := s.bindJSON(c, &set); err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.entries.SetEligibilityRules(c.Request.Context(), accountID(c), contestID(c), set)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.eligibilityJSON(c, r)
}

// PresetLabel names the shipped rule set id, "" for none or an unknown one.
func (l *Localizer) PresetLabel(id string) string {
	if p, ok := eligibility.PresetByID(id); ok {
		return l.PresetName(p)
	}
	return ""
}

// Wan writes an amount of yuan as Money does, "—" when not given.
func (l *Localizer) Wan(yuan *int64) string {
	if yuan == nil {
		return "—"
	}
	return l.Money(*yuan)
}

// Money writes an amount of yuan in the reader's language: in 万元 in
// Chinese ("1671 万元"), in yuan in English ("¥16.71 million").
func (l *Localizer) Money(yuan int64) string {
	if l.Lang == "en" {
		return eligibility.Yuan(yuan).English()
	}
	return eligibility.FormatWan(yuan) + " " + l.T("unit.wan")
}

// WanAmount writes an amount of yuan as Money does (for templates).
func (l *Localizer) WanAmount(yuan int64) string { return l.Wan(&yuan) }
