package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/access"
)

// contestHomePage is a contest's public home: what it is, its tracks and
// groups, its dates, how to take part, and its results and live final once
// there are any.
type contestHomePage struct {
	Contest     contest.Contest
	Phase       contest.Phase
	Tracks      []contest.Category
	Groups      []contest.Category
	Rounds      []contest.Round
	Results     bool // some round's results are published
	Live        bool // the contest has a live final with rooms
	Role        access.Role
	HasProfile  bool
	OpensAt     *time.Time
	Deadline    *time.Time
	Registering bool // entries may be made and submitted now
}

func (s *Server) contestHomePage(c *gin.Context) {
	ctx := c.Request.Context()
	ct, ok := s.publicContest(c)
	if !ok {
		return
	}
	phase, err := s.contests.PhaseOf(ctx, ct.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	published, err := s.results.PublishedRounds(ctx, ct.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := contestHomePage{Contest: ct, Phase: phase, Tracks: ct.Tracks, Groups: ct.Groups, Rounds: ct.Rounds,
		Results: len(published) > 0, OpensAt: ct.RegistrationOpensAt, Deadline: ct.SubmissionDeadline,
		Registering: ct.OpenForEntries(s.cfg.DB.NowUTC())}
	for _, r := range ct.Rounds {
		if r.Kind != contest.KindLive || s.live == nil {
			continue
		}
		rooms, err := s.live.Rooms(ctx, ct.ID, r.Key)
		if err != nil {
			s.fail(c, err)
			return
		}
		page.Live = page.Live || len(rooms) > 0
	}
	if sess, ok := session(c); ok {
		page.Role = sess.Account.Role
		if page.Role == access.RoleEntrant {
			_, err := s.entries.OrganizationOf(ctx, sess.Account.ID)
			page.HasProfile = err == nil
		}
	}
	s.render(c, http.StatusOK, "contest_home.html", "home.title", page)
}
