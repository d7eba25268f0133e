package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"podium/contest/live"
)

// Judges' tablets in live mode: the page of a room the judge sits in, and its
// stage as JSON. The page (static/judge-live.js) listens to the judges'
// notification websocket of the room and, on every message, fetches the
// judge's own stage (live.JudgeStage: blind unless the round makes names
// public); when an entry is on stage it mounts the scoring form of the judge's
// assignment (static/judge.js), which scores exactly as online rounds do.

// judgeLiveRoom is a live room as the judge's task list links to it.
type judgeLiveRoom struct {
	ID        int64
	Room      string
	RoundName string
	Seat      int
}

// judgeLiveRooms lists the live rooms the judge sits in.
func (s *Server) judgeLiveRooms(c *gin.Context) ([]judgeLiveRoom, error) {
	ids, err := s.live.JudgeRooms(c.Request.Context(), judgeOf(c))
	if err != nil {
		return nil, err
	}
	out := make([]judgeLiveRoom, 0, len(ids))
	for _, id := range ids {
		st, err := s.live.JudgeStage(c.Request.Context(), judgeOf(c), id)
		if err != nil {
			return nil, err
		}
		out = append(out, judgeLiveRoom{ID: st.RoomID, Room: st.Room, RoundName: st.RoundName, Seat: st.Seat})
	}
	return out, nil
}

// judgeLivePage is the tablet's live page: rendered with the stage as it is,
// then kept current by judge-live.js without a reload.
func (s *Server) judgeLivePage(c *gin.Context) {
	st, err := s.judgeStage(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "judge_live.html", "judge_live.title", st)
}

// apiJudgeStage is the judge's stage of a room: what the tablet fetches on
// every notification.
func (s *Server) apiJudgeStage(c *gin.Context) {
	st, err := s.judgeStage(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.reply(c, http.StatusOK, st, nil)
}

// judgeStage reads the judge's stage of the room the path names.
func (s *Server) judgeStage(c *gin.Context) (live.JudgeStage, error) {
	room, err := roomID(c)
	if err != nil {
		return live.JudgeStage{}, err
	}
	return s.live.JudgeStage(c.Request.Context(), judgeOf(c), room)
}
