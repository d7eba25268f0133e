package web

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"podium/contest/notify"
)

type messagesPage struct {
	ContestID   int64
	ContestName string
	State       notify.State
	States      []notify.State
	Counts      map[notify.State]int
	List        []notify.Record
}

// messagesPage lists what the contest told people by e-mail and SMS: sent,
// waiting for a retry (and why), or failed.
func (s *Server) messagesPage(c *gin.Context) {
	ctx := c.Request.Context()
	ct, err := s.contests.Contest(ctx, contestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	state := notify.State(c.Query("state"))
	if !slices.Contains(notify.States, state) {
		state = ""
	}
	list, err := s.notify.List(ctx, ct.ID, notify.ListFilter{State: state})
	if err != nil {
		s.fail(c, err)
		return
	}
	counts, err := s.notify.Counts(ctx, ct.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "messages.html", "messages.title", messagesPage{ContestID: ct.ID,
		ContestName: s.localizer(c).Name(ct.NameZh, ct.NameEn), State: state, States: notify.States, Counts: counts, List: list})
}
