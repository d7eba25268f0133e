package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/entry"
	"podium/fault"
)

func entryFilter(c *gin.Context) entry.Filter {
	return entry.Filter{
		Track: trimmedQuery(c, "track"), Group: trimmedQuery(c, "group"), State: entry.State(trimmedQuery(c, "state")),
		Flag: trimmedQuery(c, "flag"), Query: trimmedQuery(c, "q"), Sort: entry.SortKey(trimmedQuery(c, "sort")),
		Ineligible: c.Query("ineligible") == "1",
	}
}

// entriesPage is the organizer's filterable list of a contest's entries.
type entriesPage struct {
	Contest  contest.Contest
	Entries  []entry.Summary
	Filter   entry.Filter
	States   []entry.State
	Reviewed int
	Errors   map[string]string
}

func (s *Server) entriesPage(c *gin.Context) {
	s.renderEntries(c, http.StatusOK, entriesPage{})
}

func (s *Server) renderEntries(c *gin.Context, status int, page entriesPage) {
	ctx := c.Request.Context()
	var err error
	if page.Contest, err = s.contests.Contest(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	page.Filter = entryFilter(c)
	if page.Entries, err = s.entries.EntriesInContest(ctx, contestID(c), page.Filter); err != nil {
		s.fail(c, err)
		return
	}
	page.States = entry.ListedStates
	if n, err := strconv.Atoi(c.Query("reviewed")); err == nil {
		page.Reviewed = n
	}
	s.render(c, status, "entries.html", "entries.title", page)
}

// selectedIDs reads the entries ticked in a bulk form (or given in JSON).
func selectedIDs(values []string) ([]int64, error) {
	ids := make([]int64, 0, len(values))
	for _, v := range values {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fault.Invalid("entries", "err.review.none")
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (s *Server) reviewSubmit(c *gin.Context) {
	ids, err := selectedIDs(c.PostFormArray("entry"))
	if err == nil {
		_, err = s.entries.ReviewEntries(c.Request.Context(), accountID(c), contestID(c), ids, c.PostForm("decision") == "accept", c.PostForm("reason"))
	}
	if err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			s.renderEntries(c, status, entriesPage{Errors: fields})
		}
		return
	}
	c.Redirect(http.StatusSeeOther, reviewedURL(c.PostForm("back"), contestID(c), len(ids)))
}

// reviewedURL is where a review decision returns to: the page it was made on
// (the filtered list or an entry) when that is one of the contest's entry pages,
// else the list; it says how many entries were decided.
func reviewedURL(back string, contestID int64, n int) string {
	list := fmt.Sprintf("/organizer/contests/%d/entries", contestID)
	u, err := url.Parse(back)
	if err != nil || u.Host != "" || (u.Path != list && !strings.HasPrefix(u.Path, list+"/")) {
		u = &url.URL{Path: list}
	}
	q := u.Query()
	q.Set("reviewed", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.String()
}

type entryReviewPage struct {
	Contest contest.Contest
	Entry   entry.Entry
}

func (s *Server) entryReviewPage(c *gin.Context) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	var page entryReviewPage
	if page.Entry, err = s.entries.EntryInContest(ctx, contestID(c), id); err != nil || page.Entry.State == entry.Draft {
		s.fail(c, notFoundIfDraft(err))
		return
	}
	if page.Contest, err = s.contests.Contest(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "entry_review.html", "entry_review.title", page)
}

// notFoundIfDraft hides drafts from organizers: they are the entrant's own business.
func notFoundIfDraft(err error) error {
	if err == nil {
		return fault.NotFound("err.entry.not_found")
	}
	return err
}

// API.

func (s *Server) apiContestEntries(c *gin.Context) {
	list, err := s.entries.EntriesInContest(c.Request.Context(), contestID(c), entryFilter(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"entries": list})
}

func (s *Server) apiContestEntry(c *gin.Context) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	e, err := s.entries.EntryInContest(c.Request.Context(), contestID(c), id)
	if err != nil || e.State == entry.Draft {
		s.fail(c, notFoundIfDraft(err))
		return
	}
	c.JSON(http.StatusOK, e)
}

func (s *Server) apiReviewEntries(c *gin.Context) {
	var req struct {
		Entries  []int64 `json:"entries"`
		Decision string  `json:"decision"` // accept or reject
		Reason   string  `json:"reason"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if req.Decision != "accept" && req.Decision != "reject" {
		s.fail(c, fault.Invalid("decision", "err.review.decision"))
		return
	}
	n, err := s.entries.ReviewEntries(c.Request.Context(), accountID(c), contestID(c), req.Entries, req.Decision == "accept", req.Reason)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"reviewed": n})
}
