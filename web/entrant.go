package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/entry"
	"podium/eligibility"
	"podium/fault"
)

// pathID reads a numeric path parameter; a malformed one is simply the thing not found.
func pathID(c *gin.Context, param, notFound string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(param), 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.NotFound(notFound)
	}
	return id, nil
}

func entryID(c *gin.Context) (int64, error) { return pathID(c, "entry", "err.entry.not_found") }

func paramContestID(c *gin.Context) (int64, error) {
	return pathID(c, "contest", "err.contest.not_found")
}

// publicContestID is the contest a public URL names by its id or its slug.
// An id needs no query: the live board's public routes serve from Redis
// while PostgreSQL is away.
func (s *Server) publicContestID(c *gin.Context) (int64, error) {
	if id, err := strconv.ParseInt(c.Param("contest"), 10, 64); err == nil && id > 0 {
		return id, nil
	}
	return s.contests.ContestIDBySlug(c.Request.Context(), c.Param("contest"))
}

// publicContest is the contest a public URL names, or false when the
// request has been answered with the error.
func (s *Server) publicContest(c *gin.Context) (contest.Contest, bool) {
	id, err := s.publicContestID(c)
	if err == nil {
		var ct contest.Contest
		if ct, err = s.contests.Contest(c.Request.Context(), id); err == nil {
			return ct, true
		}
	}
	s.fail(c, err)
	return contest.Contest{}, false
}

func accountID(c *gin.Context) int64 {
	sess, _ := session(c)
	return sess.Account.ID
}

// judgeOf is the judge a request acts for, limited to what the session reaches.
func judgeOf(c *gin.Context) access.JudgeSession {
	sess, _ := session(c)
	return sess.Judge()
}

// register creates an entrant account and logs it in, under the per-IP limit.
func (s *Server) register(c *gin.Context, n access.NewAccount) (access.Session, error) {
	ctx := c.Request.Context()
	if err := s.allow(ctx, "register:ip:"+c.ClientIP(), s.cfg.RegisterPerIP); err != nil {
		return access.Session{}, err
	}
	n.Role = access.RoleEntrant
	acct, err := s.accounts.CreateAccount(ctx, n)
	if err != nil {
		return access.Session{}, err
	}
	return s.logInAs(c, acct.ID)
}

// Registration and profile pages.

type registerForm struct {
	Form   access.NewAccount
	Errors map[string]string
}

func (s *Server) registerPage(c *gin.Context) {
	s.render(c, http.StatusOK, "register.html", "register.title", registerForm{})
}

func (s *Server) registerSubmit(c *gin.Context) {
	n := access.NewAccount{DisplayName: c.PostForm("display_name"), Email: c.PostForm("email"), Phone: c.PostForm("phone"), Password: c.PostForm("password")}
	if _, err := s.register(c, n); err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			n.Password = ""
			s.render(c, status, "register.html", "register.title", registerForm{Form: n, Errors: fields})
		}
		return
	}
	c.Redirect(http.StatusSeeOther, "/entrant/profile")
}

// formProblems turns err into what a form page shows again: the status and the
// translated problems by field ("" holds the overall message). For errors that
// are not the user's to fix it answers the request itself and returns ok=false.
func (s *Server) formProblems(c *gin.Context, err error) (status int, fields map[string]string, ok bool) {
	status, d := s.describe(c, err)
	if status == http.StatusInternalServerError || status == http.StatusNotFound || status == http.StatusForbidden {
		s.fail(c, err)
		return 0, nil, false
	}
	fields = map[string]string{"": d.Message}
	for k, v := range d.Fields {
		fields[k] = v
	}
	return status, fields, true
}

type profileForm struct {
	Org    entry.OrganizationInput
	Errors map[string]string
	Saved  bool
}

// Capital and Revenue are the amounts as the form shows them, in 万元: as
// typed when the form comes back with a problem, else as stored.
func (f profileForm) Capital() string { return wanText(f.Org.CapitalWan, f.Org.RegisteredCapital) }

// Revenue is the prior year's revenue as the form shows it, in 万元.
func (f profileForm) Revenue() string { return wanText(f.Org.RevenueWan, f.Org.RevenuePrevYear) }

func wanText(typed *string, yuan *int64) string {
	switch {
	case typed != nil:
		return *typed
	case yuan != nil:
		return eligibility.FormatWan(*yuan)
	}
	return ""
}

func (s *Server) profilePage(c *gin.Context) {
	org, err := s.entries.OrganizationOf(c.Request.Context(), accountID(c))
	if err != nil && fault.ErrorCode(err) != fault.CodeNotFound {
		s.fail(c, err)
		return
	}
	if org.Kind == "" {
		org.Kind = entry.OrgEnterprise
	}
	if org.ID == 0 { // a first profile: the contact is, to begin with, who registered
		if sess, ok := session(c); ok {
			org.ContactName = sess.Account.DisplayName
			if sess.Account.Phone != nil {
				org.ContactPhone = *sess.Account.Phone
			}
			if sess.Account.Email != nil {
				org.ContactEmail = *sess.Account.Email
			}
		}
	}
	s.render(c, http.StatusOK, "profile.html", "profile.title", profileForm{Org: org.OrganizationInput, Saved: c.Query("saved") == "1"})
}

func (s *Server) profileSubmit(c *gin.Context) {
	in := entry.OrganizationInput{
		Kind: entry.OrgKind(c.PostForm("kind")), Name: c.PostForm("name"), USCC: c.PostForm("uscc"),
		ContactName: c.PostForm("contact_name"), ContactPhone: c.PostForm("contact_phone"), ContactEmail: c.PostForm("contact_email"),
		CompanyFacts: entry.CompanyFacts{
			EstablishedOn: c.PostForm("established_on"), Listed: c.PostForm("listed") == "yes",
			TechSMENumber: c.PostForm("tech_sme_number"), HighTechCertNumber: c.PostForm("high_tech_cert_number"),
			NationalTop3Before: c.PostForm("national_top3_before") == "yes",
		},
	}
	capital, revenue := c.PostForm("registered_capital_wan"), c.PostForm("revenue_prev_year_wan")
	in.CapitalWan, in.RevenueWan = &capital, &revenue
	names, roles := c.PostFormArray("member_name"), c.PostFormArray("member_role")
	for i := range names {
		m := entry.Member{Name: names[i]}
		if i < len(roles) {
			m.Role = roles[i]
		}
		if strings.TrimSpace(m.Name) == "" && strings.TrimSpace(m.Role) == "" {
			continue // the form's blank row, left blank: not a member (and not one more row when the page comes back)
		}
		in.Members = append(in.Members, m)
	}
	if _, err := s.entries.SaveOrganization(c.Request.Context(), accountID(c), in); err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			s.render(c, status, "profile.html", "profile.title", profileForm{Org: in, Errors: fields})
		}
		return
	}
	c.Redirect(http.StatusSeeOther, "/entrant?profile=saved")
}

// Entrant home and entries.

type entrantHome struct {
	Entries    []entry.Summary
	Open       []entry.OpenContest
	HasProfile bool
	// ProfileSaved: the profile was just saved (the profile form sends here).
	ProfileSaved bool
}

func (s *Server) entrantHome(c *gin.Context) {
	ctx := c.Request.Context()
	var home entrantHome
	var err error
	if home.Entries, err = s.entries.EntriesOfEntrant(ctx, accountID(c)); err != nil {
		s.fail(c, err)
		return
	}
	if home.Open, err = s.entries.ContestsOpenForEntries(ctx); err != nil {
		s.fail(c, err)
		return
	}
	_, err = s.entries.OrganizationOf(ctx, accountID(c))
	home.HasProfile = err == nil
	home.ProfileSaved = home.HasProfile && c.Query("profile") == "saved"
	s.render(c, http.StatusOK, "entrant.html", "entrant.title", home)
}

// entryPage is the entrant's entry editor and viewer.
type entryPage struct {
	Contest contest.Contest
	Entry   entry.Entry // zero ID for a new entry
	Input   entry.Input
	Errors  map[string]string
	Leak    bool // the last submission was refused for naming the entrant
	// Notice is what was just done (saved, submitted, withdrawn): a catalog key.
	Notice string
	// ShowcaseOpen: the entry is accepted and its contest's results are
	// final, so it may be shown to investors (contest/showcase).
	ShowcaseOpen bool
	// Rules are the contest's eligibility rules, which submission checks.
	Rules entry.EligibilityRules
}

// CheckedRules are the contest's enabled eligibility rules, in order.
func (p entryPage) CheckedRules() []eligibility.Rule {
	var out []eligibility.Rule
	for _, r := range p.Rules.Set.Rules {
		if r.Enabled {
			out = append(out, r)
		}
	}
	return out
}

// ProfileProblems are the eligibility rules a refused submission failed on
// the organization's facts (fields "organization.…"), which the entrant
// corrects in the profile, in the order of the profile's form.
func (p entryPage) ProfileProblems() []string {
	var out []string
	for _, f := range []string{"established_on", "revenue_prev_year", "listed", "tech_sme_number", "national_top3_before"} {
		if m := p.Errors["organization."+f]; m != "" {
			out = append(out, m)
		}
	}
	return out
}

// Editable reports whether the entrant may still change the entry.
func (p entryPage) Editable() bool {
	return p.Entry.ID == 0 || p.Entry.State == entry.Draft || p.Entry.State == entry.Withdrawn
}

func (s *Server) renderEntry(c *gin.Context, status int, page entryPage) {
	var err error
	contestID := page.Entry.ContestID
	if contestID == 0 {
		if contestID, err = paramContestID(c); err != nil {
			s.fail(c, err)
			return
		}
	}
	if page.Contest, err = s.contests.Contest(c.Request.Context(), contestID); err != nil {
		s.fail(c, err)
		return
	}
	if page.Entry.State == entry.Accepted {
		if page.ShowcaseOpen, err = s.showcase.IsFinal(c.Request.Context(), contestID); err != nil {
			s.fail(c, err)
			return
		}
	}
	if page.Rules, err = s.entries.EligibilityRulesOf(c.Request.Context(), contestID); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "entry.html", "entry.title", page)
}

func (s *Server) entryNewPage(c *gin.Context) {
	s.renderEntry(c, http.StatusOK, entryPage{})
}

func entryInputFromForm(c *gin.Context) entry.Input {
	in := entry.Input{
		Track: c.PostForm("track"), Group: c.PostForm("group"), Title: c.PostForm("title"),
		Fields: entry.Fields{
			Summary: c.PostForm("summary"), Stage: c.PostForm("stage"), Technology: c.PostForm("technology"),
			Market: c.PostForm("market"), Team: c.PostForm("team"), Financing: c.PostForm("financing"),
		},
	}
	kinds, names, reasons := c.PostFormArray("conflict_kind"), c.PostFormArray("conflict_name"), c.PostFormArray("conflict_reason")
	for i := range names {
		if strings.TrimSpace(names[i]) == "" && (i >= len(reasons) || strings.TrimSpace(reasons[i]) == "") {
			continue // the form's blank row, left blank: not a conflict (and not one more row when the page comes back)
		}
		d := entry.DeclaredConflict{Name: names[i]}
		if i < len(kinds) {
			d.Kind = entry.ConflictKind(kinds[i])
		}
		if i < len(reasons) {
			d.Reason = reasons[i]
		}
		in.Conflicts = append(in.Conflicts, d)
	}
	return in
}

func (s *Server) entryCreateSubmit(c *gin.Context) {
	contestID, err := paramContestID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	in := entryInputFromForm(c)
	ent, err := s.entries.CreateEntry(c.Request.Context(), accountID(c), contestID, in)
	if err != nil {
		s.entryFormFailure(c, entryPage{Input: in}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/entrant/entries/%d", ent.ID))
}

// entryFormFailure shows the entry page again with what went wrong.
func (s *Server) entryFormFailure(c *gin.Context, page entryPage, err error) {
	status, fields, ok := s.formProblems(c, err)
	if !ok {
		return
	}
	page.Errors = fields
	if e, ok := err.(*fault.Error); ok && e.Message == "err.entry.identity_leak" {
		page.Leak = true
	}
	s.renderEntry(c, status, page)
}

// ownEntry loads the entrant's entry named in the path.
func (s *Server) ownEntry(c *gin.Context) (entry.Entry, bool) {
	id, err := entryID(c)
	if err == nil {
		var e entry.Entry
		if e, err = s.entries.EntryOfEntrant(c.Request.Context(), accountID(c), id); err == nil {
			return e, true
		}
	}
	s.fail(c, err)
	return entry.Entry{}, false
}

func (s *Server) entryPage(c *gin.Context) {
	e, ok := s.ownEntry(c)
	if !ok {
		return
	}
	page := entryPage{Entry: e, Input: e.Input}
	for _, done := range []string{"saved", "submitted", "withdrawn"} {
		if c.Query(done) == "1" {
			page.Notice = "entry.notice." + done
		}
	}
	s.renderEntry(c, http.StatusOK, page)
}

func (s *Server) entryUpdateSubmit(c *gin.Context) {
	e, ok := s.ownEntry(c)
	if !ok {
		return
	}
	in := entryInputFromForm(c)
	if _, err := s.entries.UpdateEntry(c.Request.Context(), accountID(c), e.ID, in); err != nil {
		s.entryFormFailure(c, entryPage{Entry: e, Input: in}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/entrant/entries/%d?saved=1", e.ID))
}

func (s *Server) entrySubmitSubmit(c *gin.Context) {
	e, ok := s.ownEntry(c)
	if !ok {
		return
	}
	// Submitted from the edit form: what was typed is saved first, so that
	// nothing is lost, whether the submission then passes or not.
	in := e.Input
	if _, fromForm := c.GetPostForm("title"); fromForm {
		in = entryInputFromForm(c)
		if _, err := s.entries.UpdateEntry(c.Request.Context(), accountID(c), e.ID, in); err != nil {
			s.entryFormFailure(c, entryPage{Entry: e, Input: in}, err)
			return
		}
		if e, ok = s.ownEntry(c); !ok {
			return
		}
	}
	if _, err := s.entries.SubmitEntry(c.Request.Context(), accountID(c), e.ID, c.PostForm("acknowledge_leaks") == "1"); err != nil {
		s.entryFormFailure(c, entryPage{Entry: e, Input: in}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/entrant/entries/%d?submitted=1", e.ID))
}

func (s *Server) entryWithdrawSubmit(c *gin.Context) {
	e, ok := s.ownEntry(c)
	if !ok {
		return
	}
	if _, err := s.entries.WithdrawEntry(c.Request.Context(), accountID(c), e.ID); err != nil {
		s.entryFormFailure(c, entryPage{Entry: e, Input: e.Input}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/entrant/entries/%d?withdrawn=1", e.ID))
}

func (s *Server) uploadDeleteSubmit(c *gin.Context) {
	e, ok := s.ownEntry(c)
	if !ok {
		return
	}
	if err := s.entries.DeleteUpload(c.Request.Context(), accountID(c), e.ID, c.Param("upload")); err != nil {
		s.entryFormFailure(c, entryPage{Entry: e, Input: e.Input}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/entrant/entries/%d", e.ID))
}

// API.

func (s *Server) apiRegister(c *gin.Context) {
	var req struct {
		DisplayName string `json:"display_name"`
		Email       string `json:"email"`
		Phone       string `json:"phone"`
		Password    string `json:"password"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	sess, err := s.register(c, access.NewAccount{DisplayName: req.DisplayName, Email: req.Email, Phone: req.Phone, Password: req.Password})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, newSessionResponse(sess))
}

func (s *Server) apiGetProfile(c *gin.Context) {
	org, err := s.entries.OrganizationOf(c.Request.Context(), accountID(c))
	s.reply(c, http.StatusOK, org, err)
}

func (s *Server) apiPutProfile(c *gin.Context) {
	var in entry.OrganizationInput
	if err := s.bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	org, err := s.entries.SaveOrganization(c.Request.Context(), accountID(c), in)
	s.reply(c, http.StatusOK, org, err)
}

func (s *Server) apiOpenContests(c *gin.Context) {
	list, err := s.entries.ContestsOpenForEntries(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"contests": list})
}

func (s *Server) apiMyEntries(c *gin.Context) {
	list, err := s.entries.EntriesOfEntrant(c.Request.Context(), accountID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"entries": list})
}

func (s *Server) apiCreateEntry(c *gin.Context) {
	contestID, err := paramContestID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in entry.Input
	if err := s.bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	e, err := s.entries.CreateEntry(c.Request.Context(), accountID(c), contestID, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/entries/%d", e.ID))
	c.JSON(http.StatusCreated, e)
}

func (s *Server) apiGetEntry(c *gin.Context) {
	if e, ok := s.ownEntry(c); ok {
		c.JSON(http.StatusOK, e)
	}
}

func (s *Server) apiUpdateEntry(c *gin.Context) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in entry.Input
	if err := s.bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	e, err := s.entries.UpdateEntry(c.Request.Context(), accountID(c), id, in)
	s.reply(c, http.StatusOK, e, err)
}

func (s *Server) apiSubmitEntry(c *gin.Context) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var req struct {
		AcknowledgeLeaks bool `json:"acknowledge_leaks"`
	}
	if c.Request.ContentLength != 0 {
		if err := s.bindJSON(c, &req); err != nil {
			s.fail(c, err)
			return
		}
	}
	e, err := s.entries.SubmitEntry(c.Request.Context(), accountID(c), id, req.AcknowledgeLeaks)
	s.reply(c, http.StatusOK, e, err)
}

func (s *Server) apiWithdrawEntry(c *gin.Context) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	e, err := s.entries.WithdrawEntry(c.Request.Context(), accountID(c), id)
	s.reply(c, http.StatusOK, e, err)
}

func (s *Server) apiDeleteUpload(c *gin.Context) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.entries.DeleteUpload(c.Request.Context(), accountID(c), id, c.Param("upload")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// trimmedQuery reads a filter parameter.
func trimmedQuery(c *gin.Context, key string) string { return strings.TrimSpace(c.Query(key)) }
