package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"podium/fault"
	fanout "podium/web/live"
)

// The live boards' websockets and the public board's JSON (docs/live-protocol.md).
// Public boards need no login and never touch PostgreSQL: a screen gets the
// board from this instance's memory (the hub) or, the first time the instance
// serves it, from Redis. The organizers' and judges' boards are authorized
// like every route (the route table) and, for a judge, by the seat.

// publicWSPrefix is where public websockets live: any origin may open them
// (a broadcaster's graphics, a second-screen app); the others are same-origin.
const publicWSPrefix = "/live/"

// NewLiveHub returns a hub for the live screens with Podium's origin rule:
// public boards from any origin, the organizers' and judges' from this site only.
func NewLiveHub(opt fanout.Options) *fanout.Hub {
	opt.CheckOrigin = checkLiveOrigin
	return fanout.NewHub(opt)
}

func checkLiveOrigin(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, publicWSPrefix) {
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true // not a browser: its cookie is its own
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

func roomID(c *gin.Context) (int64, error) { return pathID(c, "room", "err.live.room_not_found") }

// errCatchingUp: the board is neither in memory nor readable from Redis.
func errCatchingUp(err error) error {
	return &fault.Error{Code: fault.CodeUnavailable, Message: "err.unavailable", Err: err}
}

// knownBoard finds a board in the hub's memory or in Redis, never in
// PostgreSQL: not found is a room that does not exist (or whose round is
// published and whose board Redis no longer holds).
func (s *Server) knownBoard(ctx context.Context, key string) (fanout.Message, error) {
	if m, ok := s.hub.Peek(key); ok {
		return m, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	m, found, err := s.broker.Snapshot(ctx, key)
	if err != nil {
		return m, errCatchingUp(err)
	}
	if !found {
		return m, fault.NotFound("err.live.room_not_found")
	}
	s.hub.Deliver(m) // the subscription keeps it current from now on
	return m, nil
}

// ensureBoard is knownBoard for an authorized board: one missing from memory
// and Redis is derived from PostgreSQL once and published.
func (s *Server) ensureBoard(c *gin.Context, contestID, roomID int64, key string) error {
	_, err := s.knownBoard(c.Request.Context(), key)
	if err == nil {
		return nil
	}
	if err := s.publishBoards(c.Request.Context(), contestID, roomID, false); err != nil && !errors.Is(err, fanout.ErrUnavailable) {
		return err
	}
	return nil // published, or delivered to this instance while Redis is away
}

func (s *Server) serveBoard(c *gin.Context, key string) {
	if err := s.hub.Serve(c.Writer, c.Request, key, fanout.PositionFromQuery(c.Request.URL.Query())); err != nil {
		s.log.DebugContext(c.Request.Context(), "live: websocket not opened", "board", key, "err", err)
	}
	c.Abort()
}

// publicBoardWS is a room's public board: GET /live/:contest/rooms/:room/ws.
func (s *Server) publicBoardWS(c *gin.Context) {
	contestID, err := s.publicContestID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	room, err := roomID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	key := boardKey(contestID, room, boardPublic)
	if _, err := s.knownBoard(c.Request.Context(), key); err != nil {
		s.fail(c, err)
		return
	}
	s.serveBoard(c, key)
}

// organizerBoardWS is a room's organizer board, for the contest's organizers.
func (s *Server) organizerBoardWS(c *gin.Context) {
	room, err := roomID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	key := boardKey(contestID(c), room, boardOrganizer)
	if err := s.ensureBoard(c, contestID(c), room, key); err != nil {
		s.fail(c, err)
		return
	}
	s.serveBoard(c, key)
}

// judgeBoardWS is the judges' notifications of a room the judge sits in.
func (s *Server) judgeBoardWS(c *gin.Context) {
	room, err := roomID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if s.live == nil {
		s.fail(c, fault.NotFound("err.live.room_not_found"))
		return
	}
	if _, err := s.live.JudgeStage(ctx, judgeOf(c), room); err != nil { // another room is not found
		s.fail(c, err)
		return
	}
	cid, err := s.live.ContestOfRoom(ctx, room)
	if err != nil {
		s.fail(c, err)
		return
	}
	key := boardKey(cid, room, boardJudges)
	if err := s.ensureBoard(c, cid, room, key); err != nil {
		s.fail(c, err)
		return
	}
	s.serveBoard(c, key)
}

// PublicBoard is the public board's JSON: the websocket's snapshot message,
// with the fan-out's status and the server's clock (screens correct their
// own by it: see live.Timer).
type PublicBoard struct {
	fanout.Message
	ServerTime time.Time `json:"server_time"`
}

// apiPublicBoard: GET /api/v1/live/contests/:contest/rooms/:room/board.
func (s *Server) apiPublicBoard(c *gin.Context) {
	contestID, err := s.publicContestID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	room, err := roomID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	m, err := s.knownBoard(c.Request.Context(), boardKey(contestID, room, boardPublic))
	if err != nil {
		s.fail(c, err)
		return
	}
	m.Type, m.Status = fanout.TypeSnapshot, s.hub.Status()
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, PublicBoard{Message: m, ServerTime: time.Now().UTC()})
}
