package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/judging"
	"podium/fault"
)

// assignmentsPage is a round's panel and assignments, for the organizers.
type assignmentsPage struct {
	Contest     contest.Contest
	Round       contest.Round
	Pool        []judging.Expert
	OnPanel     map[int64]bool
	Assignments []judging.Assignment
	Run         *judging.AssignmentRun
	RunReport   []string // the run's report, in the reader's language
	// Entries are the round's entries, for the form that assigns an expert by
	// hand (those short of reviews first); Entry is the one to preselect.
	Entries []judging.EntryReviews
	Entry   int64
	// Added is the assignment just made by hand, to confirm it by name.
	Added  *judging.Assignment
	Errors map[string]string
}

// Active counts the round's active assignments.
func (p assignmentsPage) Active() int {
	n := 0
	for _, a := range p.Assignments {
		if a.State == judging.AssignmentActive {
			n++
		}
	}
	return n
}

func (s *Server) assignmentsPage(c *gin.Context) {
	s.renderAssignments(c, http.StatusOK, assignmentsPage{})
}

func (s *Server) renderAssignments(c *gin.Context, status int, page assignmentsPage) {
	ctx := c.Request.Context()
	var err error
	if page.Contest, err = s.contests.Contest(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	var found bool
	if page.Round, found = page.Contest.Round(c.Param("round")); !found {
		s.fail(c, fault.NotFound("err.round.not_found"))
		return
	}
	if page.Pool, err = s.judging.Experts(ctx, accountID(c), ""); err != nil {
		s.fail(c, err)
		return
	}
	panel, err := s.judging.Panel(ctx, contestID(c), page.Round.Key)
	if err != nil {
		s.fail(c, err)
		return
	}
	page.OnPanel = map[int64]bool{}
	for _, m := range panel {
		page.OnPanel[m.ID] = true
	}
	if page.Assignments, err = s.judging.Assignments(ctx, contestID(c), page.Round.Key); err != nil {
		s.fail(c, err)
		return
	}
	if id, err := strconv.ParseInt(c.Query("run"), 10, 64); err == nil && page.Run == nil {
		if run, err := s.judging.AssignmentRunByID(ctx, contestID(c), id); err == nil {
			page.Run = &run
			page.RunReport = runReportLines(s.localizer(c), run.Report)
		}
	}
	all, err := s.judging.RoundReviews(ctx, contestID(c), page.Round.Key)
	if err != nil {
		s.fail(c, err)
		return
	}
	page.Entries = gapsFirst(all)
	page.Entry, _ = strconv.ParseInt(c.Query("entry"), 10, 64)
	if added := c.Query("added"); added != "" { // entry-expert
		for i, a := range page.Assignments {
			if fmt.Sprintf("%d-%d", a.EntryID, a.ExpertID) == added && a.Active() {
				page.Added = &page.Assignments[i]
			}
		}
	}
	s.render(c, status, "assignments.html", "assignments.title", page)
}

// gapsFirst puts the entries waiting for a decision first, then the other
// incomplete ones, then the rest, each by code.
func gapsFirst(all []judging.EntryReviews) []judging.EntryReviews {
	rank := func(e judging.EntryReviews) int {
		switch {
		case e.Undecided():
			return 0
		case e.Status != judging.ReviewsComplete:
			return 1
		}
		return 2
	}
	out := slices.Clone(all)
	slices.SortStableFunc(out, func(a, b judging.EntryReviews) int { return rank(a) - rank(b) })
	return out
}

func (s *Server) assignmentsFailure(c *gin.Context, err error) {
	if status, fields, ok := s.formProblems(c, err); ok {
		s.renderAssignments(c, status, assignmentsPage{Errors: fields})
	}
}

func (s *Server) roundPath(c *gin.Context) string {
	return fmt.Sprintf("/organizer/contests/%d/rounds/%s/assignments", contestID(c), c.Param("round"))
}

func (s *Server) panelSubmit(c *gin.Context) {
	ids, err := selectedIDs(c.PostFormArray("expert"))
	if err == nil {
		err = s.judging.SetPanel(c.Request.Context(), accountID(c), contestID(c), c.Param("round"), ids)
	}
	if err != nil {
		s.assignmentsFailure(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, s.roundPath(c))
}

// startRun starts an assignment run, which judging does in the background;
// the page and the API show its progress.
func (s *Server) startRun(c *gin.Context, seed int64) (judging.AssignmentRun, error) {
	return s.judging.StartRun(c.Request.Context(), accountID(c), contestID(c), c.Param("round"), seed)
}

func (s *Server) runSubmit(c *gin.Context) {
	seed, _ := strconv.ParseInt(c.PostForm("seed"), 10, 64)
	run, err := s.startRun(c, seed)
	if err != nil {
		s.assignmentsFailure(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s?run=%d", s.roundPath(c), run.ID))
}

func (s *Server) assignmentAddSubmit(c *gin.Context) {
	ent, _ := strconv.ParseInt(c.PostForm("entry"), 10, 64)
	expert, _ := strconv.ParseInt(c.PostForm("expert"), 10, 64)
	if err := s.judging.AddAssignment(c.Request.Context(), accountID(c), contestID(c), c.Param("round"), ent, expert, c.PostForm("override") == "1"); err != nil {
		s.assignmentsFailure(c, err)
		return
	}
	// Back at the form, which confirms the assignment by the expert's name and the entry's code.
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s?added=%d-%d#hand-assign", s.roundPath(c), ent, expert))
}

func (s *Server) assignmentRemoveSubmit(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("assignment"), 10, 64)
	if err := s.judging.RemoveAssignment(c.Request.Context(), accountID(c), contestID(c), id, c.PostForm("reason")); err != nil {
		s.assignmentsFailure(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, s.roundPath(c))
}

// API.

func (s *Server) apiPanel(c *gin.Context) {
	panel, err := s.judging.Panel(c.Request.Context(), contestID(c), c.Param("round"))
	s.reply(c, http.StatusOK, gin.H{"panel": panel}, err)
}

func (s *Server) apiSetPanel(c *gin.Context) {
	var req struct {
		Experts []int64 `json:"experts"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.judging.SetPanel(c.Request.Context(), accountID(c), contestID(c), c.Param("round"), req.Experts); err != nil {
		s.fail(c, err)
		return
	}
	s.apiPanel(c)
}

func (s *Server) apiStartRun(c *gin.Context) {
	var req struct {
		Seed int64 `json:"seed"`
	}
	if c.Request.ContentLength != 0 {
		if err := s.bindJSON(c, &req); err != nil {
			s.fail(c, err)
			return
		}
	}
	run, err := s.startRun(c, req.Seed)
	if err == nil {
		c.Header("Location", fmt.Sprintf("/api/v1/contests/%d/assignment-runs/%d", contestID(c), run.ID))
	}
	s.reply(c, http.StatusAccepted, run, err)
}

func (s *Server) apiRun(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("run"), 10, 64)
	if err != nil {
		s.fail(c, fault.NotFound("err.assign.run_not_found"))
		return
	}
	run, err := s.judging.AssignmentRunByID(c.Request.Context(), contestID(c), id)
	s.reply(c, http.StatusOK, run, err)
}

func (s *Server) apiAssignments(c *gin.Context) {
	list, err := s.judging.Assignments(c.Request.Context(), contestID(c), c.Param("round"))
	s.reply(c, http.StatusOK, gin.H{"assignments": list}, err)
}

func (s *Server) apiAddAssignment(c *gin.Context) {
	var req struct {
		Entry    int64 `json:"entry"`
		Expert   int64 `json:"expert"`
		Override bool  `json:"override"` // beyond the expert's fields or capacity, or the reviews the round asks for
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	err := s.judging.AddAssignment(c.Request.Context(), accountID(c), contestID(c), c.Param("round"), req.Entry, req.Expert, req.Override)
	s.reply(c, http.StatusCreated, gin.H{"entry": req.Entry, "expert": req.Expert}, err)
}

func (s *Server) apiRemoveAssignment(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("assignment"), 10, 64)
	var req struct {
		Reason string `json:"reason"`
	}
	if c.Request.ContentLength != 0 {
		if err := s.bindJSON(c, &req); err != nil {
			s.fail(c, err)
			return
		}
	}
	if err := s.judging.RemoveAssignment(c.Request.Context(), accountID(c), contestID(c), id, req.Reason); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// apiRecuse lets a judge step aside from an assignment; a replacement is assigned.
func (s *Server) apiRecuse(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("assignment"), 10, 64)
	var req struct {
		Reason string `json:"reason"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	_, err := s.judging.Recuse(c.Request.Context(), judgeOf(c), id, req.Reason)
	s.reply(c, http.StatusOK, gin.H{"recused": id}, err)
}
