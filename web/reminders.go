package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"podium/contest/judging"
	"podium/fault"
)

// Reminders: organizers remind judges who are behind from the progress page;
// judges see the notice on their task list and dismiss it.

// judgeProgress is a judge's progress in a round with when they were last reminded.
type judgeProgress struct {
	judging.JudgeProgress
	LastRemindedAt *time.Time `json:"last_reminded_at"`
}

// Behind says whether the judge has sheets not yet submitted.
func (j judgeProgress) Behind() bool { return j.Submitted < j.Assigned }

// roundProgress is the round's progress per judge and per entry, with reminders.
func (s *Server) roundProgress(c *gin.Context) ([]judgeProgress, []judging.EntryProgress, error) {
	ctx := c.Request.Context()
	judges, entries, err := s.judging.Progress(ctx, contestID(c), c.Param("round"))
	if err != nil {
		return nil, nil, err
	}
	last, err := s.judging.LastReminders(ctx, contestID(c), c.Param("round"))
	if err != nil {
		return nil, nil, err
	}
	out := make([]judgeProgress, len(judges))
	for i, j := range judges {
		out[i].JudgeProgress = j
		if t, ok := last[j.ExpertID]; ok {
			out[i].LastRemindedAt = &t
		}
	}
	return out, entries, nil
}

// remind reminds one judge (by expert id) or, with all, every judge who is behind.
func (s *Server) remind(c *gin.Context, all bool, expertID int64) (judging.RemindResult, error) {
	ctx := c.Request.Context()
	switch {
	case all:
		return s.judging.RemindBehindJudges(ctx, accountID(c), contestID(c), c.Param("round"))
	case expertID <= 0:
		return judging.RemindResult{}, fault.Invalid("expert_id", "err.reminder.judge_required")
	}
	if err := s.judging.RemindJudge(ctx, accountID(c), contestID(c), c.Param("round"), expertID); err != nil {
		return judging.RemindResult{}, err
	}
	return judging.RemindResult{Sent: 1}, nil
}

// remindSubmit is the progress page's reminder form: expert is an expert id, or "all".
func (s *Server) remindSubmit(c *gin.Context) {
	expert := c.PostForm("expert")
	id, _ := strconv.ParseInt(expert, 10, 64)
	res, err := s.remind(c, expert == "all", id)
	if err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			s.renderProgress(c, status, progressPage{Errors: fields})
		}
		return
	}
	q := url.Values{"reminded": {strconv.Itoa(res.Sent)}, "skipped": {strconv.Itoa(res.Skipped)}}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d/rounds/%s/progress?%s", contestID(c), c.Param("round"), q.Encode()))
}

func (s *Server) apiRemind(c *gin.Context) {
	var req struct {
		ExpertID int64 `json:"expert_id"`
		All      bool  `json:"all"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if req.All && req.ExpertID != 0 {
		s.fail(c, fault.Invalid("expert_id", "err.reminder.one_or_all"))
		return
	}
	res, err := s.remind(c, req.All, req.ExpertID)
	s.reply(c, http.StatusCreated, res, err)
}

// remindedNotice reads the outcome of a reminder form from the redirect's query.
func remindedNotice(c *gin.Context) *judging.RemindResult {
	sent, err := strconv.Atoi(c.Query("reminded"))
	if err != nil {
		return nil
	}
	skipped, _ := strconv.Atoi(c.Query("skipped"))
	return &judging.RemindResult{Sent: sent, Skipped: skipped}
}

// Judge side.

func reminderID(c *gin.Context) (int64, error) {
	return pathID(c, "reminder", "err.reminder.not_found")
}

func (s *Server) dismissReminder(c *gin.Context) (int64, error) {
	id, err := reminderID(c)
	if err != nil {
		return 0, err
	}
	return id, s.judging.DismissReminder(c.Request.Context(), judgeOf(c), id)
}

func (s *Server) reminderDismissSubmit(c *gin.Context) {
	if _, err := s.dismissReminder(c); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/judge")
}

func (s *Server) apiDismissReminder(c *gin.Context) {
	id, err := s.dismissReminder(c)
	s.reply(c, http.StatusOK, gin.H{"dismissed": id}, err)
}
