package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/showcase"
	"podium/fault"
)

// The investor showcase (contest/showcase): investors register and apply to
// a contest's showcase, browse it once approved and the results are final,
// and ask for contact; entrants opt an entry in and answer requests;
// organizers approve investors and read the report. The room decides every
// rule (approval, finality, what is shown, when contact is shared).

func requestID(c *gin.Context) (int64, error) {
	return pathID(c, "request", "err.showcase.request_not_found")
}

func investorID(c *gin.Context) (int64, error) {
	return pathID(c, "investor", "err.showcase.application_not_found")
}

// decision reads an accept/decline (approve/reject) choice; anything else is invalid.
func decision(v, yes, no string) (bool, error) {
	switch v {
	case yes:
		return true, nil
	case no:
		return false, nil
	}
	return false, fault.Invalid("decision", "err.showcase.decision")
}

// Registration of an investment institution.

type investorRegisterPage struct {
	Form   showcase.InvestorInput
	Errors map[string]string
}

func (s *Server) investorRegisterPage(c *gin.Context) {
	s.render(c, http.StatusOK, "investor_register.html", "investor.register.title", investorRegisterPage{})
}

// registerInvestor registers an institution and logs its account in, under
// the per-IP limit of registrations.
func (s *Server) registerInvestor(c *gin.Context, in showcase.InvestorInput) (access.Session, error) {
	ctx := c.Request.Context()
	if err := s.allow(ctx, "register:ip:"+c.ClientIP(), s.cfg.RegisterPerIP); err != nil {
		return access.Session{}, err
	}
	acct, err := s.showcase.Register(ctx, in)
	if err != nil {
		return access.Session{}, err
	}
	return s.logInAs(c, acct.ID)
}

func (s *Server) investorRegisterSubmit(c *gin.Context) {
	in := showcase.InvestorInput{Institution: c.PostForm("institution"), USCC: c.PostForm("uscc"), ContactName: c.PostForm("contact_name"),
		Phone: c.PostForm("phone"), Email: c.PostForm("email"), Password: c.PostForm("password")}
	if _, err := s.registerInvestor(c, in); err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			in.Password = ""
			s.render(c, status, "investor_register.html", "investor.register.title", investorRegisterPage{Form: in, Errors: fields})
		}
		return
	}
	c.Redirect(http.StatusSeeOther, "/investor")
}

func (s *Server) apiRegisterInvestor(c *gin.Context) {
	var in showcase.InvestorInput
	if err := s.bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	sess, err := s.registerInvestor(c, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, newSessionResponse(sess))
}

// The investor's pages.

type investorHomePage struct {
	Investor showcase.Investor
	Contests []showcase.ContestChoice
}

func (s *Server) investorHome(c *gin.Context) {
	ctx := c.Request.Context()
	inv, err := s.showcase.Investor(ctx, accountID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.showcase.Contests(ctx, inv.AccountID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "investor_home.html", "investor.home.title", investorHomePage{Investor: inv, Contests: list})
}

func (s *Server) investorApplySubmit(c *gin.Context) {
	id, err := paramContestID(c)
	if err == nil {
		err = s.showcase.Apply(c.Request.Context(), accountID(c), id)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/investor?applied="+fmt.Sprint(id)+"#contest-"+fmt.Sprint(id))
}

func (s *Server) apiInvestorContests(c *gin.Context) {
	list, err := s.showcase.Contests(c.Request.Context(), accountID(c))
	s.reply(c, http.StatusOK, gin.H{"contests": list}, err)
}

func (s *Server) apiInvestorApply(c *gin.Context) {
	id, err := paramContestID(c)
	if err == nil {
		err = s.showcase.Apply(c.Request.Context(), accountID(c), id)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type showcaseBrowsePage struct {
	S       showcase.Showcase
	Errors  map[string]string // the request form's problems, for Entry
	Entry   int64
	Message string
	Sent    int64 // the entry whose request was just sent
	// NotYet: the investor is approved but the results are not final yet;
	// the page says so (and when the period ends) instead of an error.
	NotYet     bool
	PeriodEnds *time.Time
}

func (s *Server) browse(c *gin.Context) (showcase.Showcase, error) {
	id, err := paramContestID(c)
	if err != nil {
		return showcase.Showcase{}, err
	}
	return s.showcase.Browse(c.Request.Context(), accountID(c), id, c.Query("track"), c.Query("group"))
}

func (s *Server) showcaseBrowsePage(c *gin.Context) {
	sc, err := s.browse(c)
	var fe *fault.Error
	if errors.As(err, &fe) && fe.Message == "err.showcase.not_final" {
		s.showcaseNotYet(c)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	p := showcaseBrowsePage{S: sc}
	p.Sent, _ = strconv.ParseInt(c.Query("sent"), 10, 64)
	s.render(c, http.StatusOK, "showcase_browse.html", "showcase.browse.title", p)
}

func (s *Server) showcaseRequestSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	cid, err := paramContestID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	eid, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	message := c.PostForm("message")
	back := url.Values{}
	for _, k := range []string{"track", "group"} {
		if v := c.PostForm(k); v != "" {
			back.Set(k, v)
		}
	}
	if _, err := s.showcase.RequestContact(ctx, accountID(c), cid, eid, message); err != nil {
		status, fields, ok := s.formProblems(c, err)
		if !ok {
			return
		}
		sc, berr := s.showcase.Browse(ctx, accountID(c), cid, back.Get("track"), back.Get("group"))
		if berr != nil {
			s.fail(c, berr)
			return
		}
		s.render(c, status, "showcase_browse.html", "showcase.browse.title", showcaseBrowsePage{S: sc, Errors: fields, Entry: eid, Message: message})
		return
	}
	back.Set("sent", fmt.Sprint(eid))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/investor/contests/%d/showcase?%s#entry-%d", cid, back.Encode(), eid))
}

func (s *Server) apiShowcase(c *gin.Context) {
	sc, err := s.browse(c)
	s.reply(c, http.StatusOK, sc, err)
}

func (s *Server) apiShowcaseRequest(c *gin.Context) {
	var req struct {
		Message string `json:"message"`
	}
	cid, err := paramContestID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	eid, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.showcase.RequestContact(c.Request.Context(), accountID(c), cid, eid, req.Message)
	s.reply(c, http.StatusCreated, r, err)
}

// The entrant's side: the opt-in and the requests.

type showcaseEntryPage struct {
	V      showcase.EntrantView
	Rounds []showcase.RoundRaised
	Errors map[string]string
	Form   showcase.OptInInput
	Done   string
}

func (s *Server) renderShowcaseEntry(c *gin.Context, status int, errs map[string]string, form *showcase.OptInInput) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.showcase.EntrantView(c.Request.Context(), accountID(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := showcaseEntryPage{V: v, Rounds: showcase.RoundsRaised, Errors: errs, Done: c.Query("done")}
	switch {
	case form != nil:
		p.Form = *form
	case v.Listing != nil && v.Listing.AmountSought%10_000 == 0:
		p.Form = showcase.OptInInput{RoundRaised: v.Listing.RoundRaised, Amount: fmt.Sprint(v.Listing.AmountSought / 10_000), Unit: showcase.UnitWan}
	case v.Listing != nil:
		p.Form = showcase.OptInInput{RoundRaised: v.Listing.RoundRaised, Amount: fmt.Sprint(v.Listing.AmountSought), Unit: showcase.UnitYuan}
	default:
		p.Form = showcase.OptInInput{Unit: showcase.UnitWan}
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	s.render(c, status, "showcase_entry.html", "showcase.entry.title", p)
}

func (s *Server) showcaseEntryPage(c *gin.Context) { s.renderShowcaseEntry(c, http.StatusOK, nil, nil) }

// showcaseEntryStep answers a form of the entrant's showcase page.
func (s *Server) showcaseEntryStep(c *gin.Context, done string, form *showcase.OptInInput, err error) {
	if err == nil {
		id, _ := entryID(c)
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/entrant/entries/%d/showcase?done=%s", id, done))
		return
	}
	if status, fields, ok := s.formProblems(c, err); ok {
		s.renderShowcaseEntry(c, status, fields, form)
	}
}

func (s *Server) showcaseOptInSubmit(c *gin.Context) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	in := showcase.OptInInput{RoundRaised: showcase.RoundRaised(c.PostForm("round_raised")), Amount: c.PostForm("amount_sought"), Unit: c.PostForm("unit")}
	_, err = s.showcase.OptIn(c.Request.Context(), accountID(c), id, in)
	s.showcaseEntryStep(c, "opted_in", &in, err)
}

func (s *Server) showcaseWithdrawSubmit(c *gin.Context) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.showcaseEntryStep(c, "withdrawn", nil, s.showcase.Withdraw(c.Request.Context(), accountID(c), id))
}

func (s *Server) decideRequest(c *gin.Context, choice string) error {
	id, err := entryID(c)
	if err != nil {
		return err
	}
	rid, err := requestID(c)
	if err != nil {
		return err
	}
	accept, err := decision(choice, "accept", "decline")
	if err != nil {
		return err
	}
	return s.showcase.DecideRequest(c.Request.Context(), accountID(c), id, rid, accept)
}

func (s *Server) showcaseDecisionSubmit(c *gin.Context) {
	choice := c.PostForm("decision")
	s.showcaseEntryStep(c, choice, nil, s.decideRequest(c, choice))
}

func (s *Server) apiEntryShowcase(c *gin.Context) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	v, err := s.showcase.EntrantView(c.Request.Context(), accountID(c), id)
	s.reply(c, http.StatusOK, v, err)
}

func (s *Server) apiEntryOptIn(c *gin.Context) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in showcase.OptInInput
	if err := s.bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	l, err := s.showcase.OptIn(c.Request.Context(), accountID(c), id, in)
	s.reply(c, http.StatusOK, l, err)
}

func (s *Server) apiEntryWithdrawShowcase(c *gin.Context) {
	id, err := entryID(c)
	if err == nil {
		err = s.showcase.Withdraw(c.Request.Context(), accountID(c), id)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) apiShowcaseDecision(c *gin.Context) {
	var req struct {
		Decision string `json:"decision"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.decideRequest(c, req.Decision); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// The organizers' side: applications and the report.

type showcaseReportPage struct {
	Contest contest.Contest
	R       showcase.Report
	Errors  map[string]string
	For     int64 // the application the errors are about
	Done    string
}

func (s *Server) renderShowcaseReport(c *gin.Context, status int, errs map[string]string, forID int64) {
	ctx := c.Request.Context()
	ct, err := s.contests.Contest(ctx, contestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.showcase.Report(ctx, ct.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if errs == nil {
		errs = map[string]string{}
	}
	s.render(c, status, "showcase_report.html", "showcase.report.title", showcaseReportPage{Contest: ct, R: r, Errors: errs, For: forID, Done: c.Query("done")})
}

func (s *Server) showcaseReportPage(c *gin.Context) { s.renderShowcaseReport(c, http.StatusOK, nil, 0) }

func (s *Server) decideInvestor(c *gin.Context, choice, reason string) error {
	id, err := investorID(c)
	if err != nil {
		return err
	}
	approve, err := decision(choice, "approve", "reject")
	if err != nil {
		return err
	}
	return s.showcase.DecideInvestor(c.Request.Context(), accountID(c), contestID(c), id, approve, reason)
}

func (s *Server) showcaseInvestorSubmit(c *gin.Context) {
	choice := c.PostForm("decision")
	if err := s.decideInvestor(c, choice, c.PostForm("reason")); err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			id, _ := investorID(c)
			s.renderShowcaseReport(c, status, fields, id)
		}
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d/showcase?done=%s#applications", contestID(c), choice))
}

func (s *Server) apiShowcaseReport(c *gin.Context) {
	r, err := s.showcase.Report(c.Request.Context(), contestID(c))
	s.reply(c, http.StatusOK, r, err)
}

func (s *Server) apiShowcaseInvestorDecision(c *gin.Context) {
	var req struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.decideInvestor(c, req.Decision, req.Reason); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// yuanText shows an amount in whole yuan: in Chinese as 万元 when it is a
// whole number of them ("500万元"), otherwise with separators ("¥1,234,567").
func yuanText(l *Localizer, n int64) string {
	if l.Lang != "en" && n%10_000 == 0 {
		return l.T("showcase.amount_wan", groupDigits(n/10_000))
	}
	return l.T("showcase.amount_yuan", groupDigits(n))
}

// groupDigits writes n with a comma every three digits.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// showcaseNotYet is the showcase page of an approved investor before the
// results are final: when it opens (the end of the publicity period, if the
// last round is published), not an error.
func (s *Server) showcaseNotYet(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := paramContestID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ct, err := s.contests.Contest(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := showcaseBrowsePage{NotYet: true}
	p.S.ContestZh, p.S.ContestEn = ct.NameZh, ct.NameEn
	if n := len(ct.Rounds); n > 0 {
		if pub, err := s.results.CurrentPublication(ctx, s.cfg.DB, id, ct.Rounds[n-1].Key); err == nil {
			p.PeriodEnds = &pub.PeriodEndsAt
		}
	}
	s.render(c, http.StatusOK, "showcase_browse.html", "showcase.browse.title", p)
}
