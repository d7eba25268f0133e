package web

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/audit"
)

// The organizers' audit log page: the newest records first, a page at a time,
// filtered by action, with the chain verified on request and the full log to
// download (JSON and CSV, from the API).

const auditPageSize = 50

// auditRow is a record as the page shows it.
type auditRow struct{ audit.Entry }

// ShortHash is the first 12 hex digits of the record's hash, enough to tell records apart.
func (r auditRow) ShortHash() string { return hex.EncodeToString(r.Hash)[:min(12, 2*len(r.Hash))] }

// FullHash is the record's whole hash, in hex.
func (r auditRow) FullHash() string { return hex.EncodeToString(r.Hash) }

// PayloadText is the record's payload as stored (canonical JSON).
func (r auditRow) PayloadText() string { return string(r.Payload) }

// auditVerification is the outcome of checking the contest's chain.
type auditVerification struct {
	Checked  int
	Problems []audit.ChainProblem
}

type auditPage struct {
	Contest  contest.Contest
	Records  []auditRow
	Actions  []audit.Action
	Action   audit.Action
	Limit    int
	Older    string // the next older page's link; empty on the oldest
	First    bool   // this page starts at the newest record
	Newest   string // the link back to the newest records
	Verify   string // the link that verifies the chain, keeping the filter
	Verified *auditVerification
}

func (s *Server) auditPage(c *gin.Context) {
	ctx := c.Request.Context()
	page := auditPage{Action: audit.Action(c.Query("action")), Limit: auditPageSize}
	if n, err := strconv.Atoi(c.Query("limit")); err == nil && n > 0 {
		page.Limit = min(n, audit.MaxPage)
	}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	page.First = before <= 0
	var err error
	if page.Contest, err = s.contests.Contest(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	if page.Actions, err = s.audit.Actions(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	recs, more, err := s.audit.Page(ctx, contestID(c), audit.Query{Action: page.Action, Before: before, Limit: page.Limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, r := range recs {
		page.Records = append(page.Records, auditRow{r})
	}
	link := func(extra url.Values) string {
		q := url.Values{}
		if page.Action != "" {
			q.Set("action", string(page.Action))
		}
		if page.Limit != auditPageSize {
			q.Set("limit", strconv.Itoa(page.Limit))
		}
		for k, v := range extra {
			q[k] = v
		}
		u := fmt.Sprintf("/organizer/contests/%d/audit", contestID(c))
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		return u
	}
	if more {
		page.Older = link(url.Values{"before": {strconv.FormatInt(recs[len(recs)-1].Seq, 10)}})
	}
	page.Newest = link(nil)
	page.Verify = link(url.Values{"verify": {"1"}})
	// Verifying reads and hashes the whole chain, so it runs when asked for.
	if c.Query("verify") == "1" {
		id := contestID(c)
		checked, problems, err := s.audit.Verify(ctx, &id)
		if err != nil {
			s.fail(c, err)
			return
		}
		page.Verified = &auditVerification{Checked: checked, Problems: problems}
	}
	s.render(c, http.StatusOK, "audit.html", "audit.title", page)
}
