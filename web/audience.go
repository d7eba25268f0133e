package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/live"
)

// This file holds the audience's pages of a live final: the list of a
// contest's live rooms, and each room's board drawn for a projector
// (1920×1080, no scrollbars) and for phones. Both are public. The page
// carries the room's current public board; live-board.js draws it and then
// follows the room's websocket (snapshot, update, status).

// liveRoomLink is a room on the live index page.
type liveRoomLink struct {
	ID    int64
	Name  string
	Round string
	Phase live.Phase
	Title string // the entry on stage, if any
}

type liveIndexPage struct {
	ContestID   int64
	ContestName string
	Rooms       []liveRoomLink
}

// liveIndexPage lists a contest's live rooms with links to each room's big
// screen and phone view; before any live room exists it says so.
func (s *Server) liveIndexPage(c *gin.Context) {
	ctx := c.Request.Context()
	ct, ok := s.publicContest(c)
	if !ok {
		return
	}
	l := s.localizer(c)
	page := liveIndexPage{ContestID: ct.ID, ContestName: l.Name(ct.NameZh, ct.NameEn)}
	for _, r := range ct.Rounds {
		if r.Kind != contest.KindLive {
			continue
		}
		rooms, err := s.live.Rooms(ctx, ct.ID, r.Key)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, room := range rooms {
			link := liveRoomLink{ID: room.ID, Name: room.Name, Round: l.Name(r.NameZh, r.NameEn), Phase: room.Phase}
			for _, sl := range room.Slots {
				if room.Current != nil && sl.ID == *room.Current {
					link.Title = sl.Title
				}
			}
			page.Rooms = append(page.Rooms, link)
		}
	}
	s.render(c, http.StatusOK, "live_index.html", "audience.index_title", page)
}

// liveBoardPage is a room's board page: Variant "screen" (the projector) or
// "phone".
type liveBoardPage struct {
	Variant   string
	ContestID int64
	Board     live.Board
	Round     string // the round's name in the reader's language
	Contest   string // the contest's name in the reader's language
	Phone     string // the room's phone page, where the draw's data can be read and checked
	BoardJSON string // the board as the page's first state
	Version   int64
	Epoch     string // the fan-out's epoch the board came through ("" straight from PostgreSQL)
	Socket    string // the room's public websocket path
	Index     string // the contest's live rooms
	I18n      string // the words live-board.js writes, as JSON
	Now       int64  // the server's clock, in Unix milliseconds: the page's timer corrects the device's by it
	Status    string // the fan-out's status: "live" or "catching_up"
}

// audienceKeys are the catalog entries live-board.js needs.
var audienceKeys = []string{
	"audience.catching_up", "audience.commitment", "audience.check", "audience.final", "audience.frozen",
	"audience.hidden", "audience.more", "audience.no_entry", "audience.no_ranking", "audience.order",
	"audience.pending", "audience.phase.closed", "audience.phase.pitch", "audience.phase.qa",
	"audience.phase.result", "audience.phase.scoring", "audience.phase.waiting", "audience.paused",
	"audience.position", "audience.ranking", "audience.recused", "audience.rule_fallback", "audience.rounding",
	"audience.seed", "audience.overtime", "audience.status.absent", "audience.status.done", "audience.status.waiting",
	"audience.moved", "audience.full_commitment", "audience.finished", "audience.code", "audience.waiting_draw", "audience.scores",
	"audience.final_ranking", "audience.draw_verifiable", "audience.draw_details", "audience.draw_how",
	"round.method.mean", "round.method.median", "round.method.trimmed", "round.method.zscore",
}

// liveScreenPage is a room's big screen: a bare page sized for a projector.
func (s *Server) liveScreenPage(c *gin.Context) { s.liveBoard(c, "screen") }

// livePhonePage is a room's board for phones.
func (s *Server) livePhonePage(c *gin.Context) { s.liveBoard(c, "phone") }

func (s *Server) liveBoard(c *gin.Context, variant string) {
	contestID, err := s.publicContestID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	roomID, err := pathID(c, "room", "err.live.room_not_found")
	if err != nil {
		s.fail(c, err)
		return
	}
	b, epoch, err := s.audienceBoard(c.Request.Context(), contestID, roomID)
	if err != nil {
		s.fail(c, err)
		return
	}
	raw, err := json.Marshal(b)
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.localizer(c)
	words := make(map[string]string, len(audienceKeys))
	for _, k := range audienceKeys {
		words[k] = l.T(k)
	}
	i18n, err := json.Marshal(words)
	if err != nil {
		s.fail(c, err)
		return
	}
	name, err := s.contestName(c.Request.Context(), contestID)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := liveBoardPage{Variant: variant, ContestID: contestID, Board: b, Round: l.Name(b.RoundName, b.RoundNameEn),
		Contest: l.Name(name.zh, name.en), Phone: fmt.Sprintf("/live/%d/rooms/%d/phone", contestID, roomID),
		BoardJSON: string(raw), Version: b.Version, Epoch: epoch,
		Socket: fmt.Sprintf("/live/%d/rooms/%d/ws", contestID, roomID), Index: fmt.Sprintf("/live/%d", contestID),
		I18n: string(i18n), Now: time.Now().UnixMilli(), Status: string(s.hub.Status())}
	s.renderBare(c, http.StatusOK, "live_board.html", "audience.title", page)
}

// cachedName is a contest's name as Server.contestNames keeps it: a
// spectator's page load reads the board from memory or Redis, and the
// contest's name from there, PostgreSQL once a minute at most per contest.
type cachedName struct {
	zh, en string
	at     time.Time
}

// contestName is a contest's name, kept for a minute.
func (s *Server) contestName(ctx context.Context, contestID int64) (cachedName, error) {
	if v, ok := s.contestNames.Load(contestID); ok && time.Since(v.(cachedName).at) < time.Minute {
		return v.(cachedName), nil
	}
	ct, err := s.contests.Contest(ctx, contestID)
	if err != nil {
		return cachedName{}, err
	}
	n := cachedName{zh: ct.NameZh, en: ct.NameEn, at: time.Now()}
	s.contestNames.Store(contestID, n)
	return n, nil
}

// audienceBoard is a room's current public board and the epoch it came
// through, from this instance's memory or Redis as the room's websocket gives
// it (knownBoard), never from PostgreSQL: spectators loading or reloading the
// page cost the database nothing. A board neither holds is a room that does
// not exist (404); Redis unreachable for a board this instance has not seen is
// 503, try again shortly (docs/live-protocol.md).
func (s *Server) audienceBoard(ctx context.Context, contestID, roomID int64) (live.Board, string, error) {
	var b live.Board
	m, err := s.knownBoard(ctx, boardKey(contestID, roomID, boardPublic))
	if err != nil {
		return b, "", err
	}
	if err := json.Unmarshal(m.Data, &b); err != nil {
		return b, "", fmt.Errorf("live: decode board: %w", err)
	}
	return b, m.Epoch, nil
}
