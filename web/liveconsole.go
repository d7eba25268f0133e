package web

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/judging"
	"podium/contest/live"
	"podium/fault"
)

// This file holds the organizers' side of a live round (contest/live): its
// setup (rooms, the judges seated in each, the stage's durations, whether
// names are public), the draw by lot and the stage console of each room,
// as pages with plain forms and as the JSON API. Every successful change
// republishes the room's boards (publishRoom).

// Live setup.

type liveSetupPage struct {
	Contest   contest.Contest
	Round     contest.Round
	Rooms     []live.Room
	Panel     []judging.PanelMember
	Entries   []judging.EntryReviews
	Rows      []string      // the room names of the form's rows
	JudgeRoom map[int64]int // expert → row (from 1); 0 not seated
	JudgeSeat map[int64]int // expert → seat
	EntryRoom map[int64]int // entry → row (from 1)
	Locked    bool          // a draw is committed: the rooms are fixed
	Errors    map[string]string
	Saved     string
	Public    string // the public page of the contest's live rooms
}

func (s *Server) liveSetupPage(c *gin.Context) {
	s.renderLiveSetup(c, http.StatusOK, liveSetupPage{Saved: c.Query("saved")}, nil)
}

// renderLiveSetup renders the setup page; form, when not nil, is what a
// refused form said (its rows and choices come back as typed).
func (s *Server) renderLiveSetup(c *gin.Context, status int, page liveSetupPage, form []live.RoomInput) {
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
	if page.Round.Kind != contest.KindLive {
		s.fail(c, fault.Conflict("err.live.not_live"))
		return
	}
	if page.Rooms, err = s.live.Rooms(ctx, contestID(c), page.Round.Key); err != nil {
		s.fail(c, err)
		return
	}
	if page.Panel, err = s.judging.Panel(ctx, contestID(c), page.Round.Key); err != nil {
		s.fail(c, err)
		return
	}
	reviews, err := s.judging.RoundReviews(ctx, contestID(c), page.Round.Key)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, e := range reviews {
		if e.Status != judging.ReviewsWithdrawn {
			page.Entries = append(page.Entries, e)
		}
	}
	page.JudgeRoom, page.JudgeSeat, page.EntryRoom = map[int64]int{}, map[int64]int{}, map[int64]int{}
	l := s.localizer(c)
	switch {
	case form != nil:
		for i, r := range form {
			page.Rows = append(page.Rows, r.Name)
			for seat, x := range r.Judges {
				page.JudgeRoom[x], page.JudgeSeat[x] = i+1, seat+1
			}
			for _, e := range r.Entries {
				page.EntryRoom[e] = i + 1
			}
		}
	case len(page.Rooms) == 0: // a first room with everyone, to start from
		page.Rows = []string{l.T("console.room_n", 1)}
		for i, x := range page.Panel {
			page.JudgeRoom[x.ID], page.JudgeSeat[x.ID] = 1, i+1
		}
		for _, e := range page.Entries {
			page.EntryRoom[e.EntryID] = 1
		}
	default:
		for i, r := range page.Rooms {
			page.Rows = append(page.Rows, r.Name)
			for _, j := range r.Judges {
				page.JudgeRoom[j.ExpertID], page.JudgeSeat[j.ExpertID] = i+1, j.Seat
			}
			for _, sl := range r.Slots {
				page.EntryRoom[sl.EntryID] = i + 1
			}
			if r.Commitment != "" {
				page.Locked = true
			}
		}
	}
	for len(page.Rows) < max(len(page.Rooms)+2, 3) && !page.Locked {
		page.Rows = append(page.Rows, "")
	}
	page.Public = fmt.Sprintf("/live/%d", page.Contest.ID)
	s.render(c, status, "live_setup.html", "console.setup.title", page)
}

// liveSetupSubmit saves the round's rooms from the setup form: a name per
// row, and for each panel member and entry the row it goes to (blank: none).
// Judges take their seats in the order of the seat numbers typed.
func (s *Server) liveSetupSubmit(c *gin.Context) {
	rooms := roomsFromForm(c)
	ctx := c.Request.Context()
	saved, err := s.live.SetRooms(ctx, accountID(c), contestID(c), c.Param("round"), rooms)
	if err != nil {
		status, fields, ok := s.formProblems(c, err)
		if ok {
			s.renderLiveSetup(c, status, liveSetupPage{Errors: fields}, rooms)
		}
		return
	}
	for _, r := range saved {
		s.publishRoom(ctx, contestID(c), r.ID, false)
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d/rounds/%s/live?saved=rooms", contestID(c), c.Param("round")))
}

// roomsFromForm reads the setup form's rows: rooms.N.name, judge.ID = N+1,
// seat.ID, entry.ID = N+1. Rows with neither name nor anyone are left out.
func roomsFromForm(c *gin.Context) []live.RoomInput {
	_ = c.Request.ParseForm()
	type seated struct {
		expert int64
		seat   int
	}
	var rows []live.RoomInput
	var seats [][]seated
	for i := 0; ; i++ {
		name, ok := c.GetPostForm(fmt.Sprintf("rooms.%d.name", i))
		if !ok {
			break
		}
		rows = append(rows, live.RoomInput{Name: strings.TrimSpace(name), Judges: []int64{}, Entries: []int64{}})
		seats = append(seats, nil)
	}
	row := func(v string) int {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > len(rows) {
			return -1
		}
		return n - 1
	}
	keys := make([]string, 0, len(c.Request.PostForm))
	for k := range c.Request.PostForm {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := c.Request.PostForm.Get(k)
		if id, ok := strings.CutPrefix(k, "judge."); ok {
			x, err := strconv.ParseInt(id, 10, 64)
			if n := row(v); err == nil && n >= 0 {
				seat, err := strconv.Atoi(c.PostForm("seat." + id))
				if err != nil {
					seat = math.MaxInt32
				}
				seats[n] = append(seats[n], seated{x, seat})
			}
		}
		if id, ok := strings.CutPrefix(k, "entry."); ok {
			e, err := strconv.ParseInt(id, 10, 64)
			if n := row(v); err == nil && n >= 0 {
				rows[n].Entries = append(rows[n].Entries, e)
			}
		}
	}
	out := []live.RoomInput{}
	for i, r := range rows {
		slices.SortStableFunc(seats[i], func(a, b seated) int {
			if a.seat != b.seat {
				return a.seat - b.seat
			}
			return int(a.expert - b.expert)
		})
		for _, x := range seats[i] {
			r.Judges = append(r.Judges, x.expert)
		}
		slices.Sort(r.Entries)
		if r.Name == "" && len(r.Judges) == 0 && len(r.Entries) == 0 {
			continue
		}
		out = append(out, r)
	}
	return out
}

// liveStageSubmit saves the round's stage settings: the pitch and Q&A
// durations (minutes on the form) and whether judges see entrants' names.
func (s *Server) liveStageSubmit(c *gin.Context) {
	minutes := func(name string) int {
		v, err := strconv.ParseFloat(strings.TrimSpace(c.PostForm(name)), 64)
		if err != nil || v <= 0 || v > 120 {
			return -1
		}
		return int(math.Round(v * 60))
	}
	err := s.setStage(c, liveStage{PitchSeconds: minutes("pitch_minutes"), QASeconds: minutes("qa_minutes"),
		NamesPublic: c.PostForm("names_public") == "1"})
	if err != nil {
		status, fields, ok := s.formProblems(c, err)
		if ok {
			s.renderLiveSetup(c, status, liveSetupPage{Errors: fields}, nil)
		}
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d/rounds/%s/live?saved=stage", contestID(c), c.Param("round")))
}

// liveStage is a live round's stage settings.
type liveStage struct {
	PitchSeconds int  `json:"pitch_seconds"`
	QASeconds    int  `json:"qa_seconds"`
	NamesPublic  bool `json:"names_public"`
}

// setStage changes the round's stage settings in the contest's setup (the
// contest's own validation and audit), then republishes its rooms.
func (s *Server) setStage(c *gin.Context, st liveStage) error {
	ctx := c.Request.Context()
	cur, err := s.contests.Contest(ctx, contestID(c))
	if err != nil {
		return err
	}
	setup := cur.Setup
	setup.Rounds = slices.Clone(setup.Rounds)
	i := slices.IndexFunc(setup.Rounds, func(r contest.Round) bool { return r.Key == c.Param("round") })
	if i < 0 {
		return fault.NotFound("err.round.not_found")
	}
	if setup.Rounds[i].Kind != contest.KindLive {
		return fault.Conflict("err.live.not_live")
	}
	if st.PitchSeconds < 1 || st.QASeconds < 1 {
		return fault.Invalid("stage", "err.round.stage_seconds")
	}
	setup.Rounds[i].PitchSeconds, setup.Rounds[i].QASeconds, setup.Rounds[i].NamesPublic = st.PitchSeconds, st.QASeconds, st.NamesPublic
	if _, err := s.contests.UpdateContest(ctx, accountID(c), contestID(c), setup); err != nil {
		return err
	}
	rooms, err := s.live.Rooms(ctx, contestID(c), c.Param("round"))
	if err != nil {
		return err
	}
	for _, r := range rooms {
		s.publishRoom(ctx, contestID(c), r.ID, false)
	}
	return nil
}

// The stage console.

// opButton is a button of the console: its operation and, when the room
// does not allow it now, why (the button is disabled with that text).
type opButton struct {
	Op      live.Op
	Why     string
	Primary bool // the next step of the pitch
}

type consolePage struct {
	Contest  contest.Contest
	Round    contest.Round
	Room     live.Room
	Board    live.Board
	Current  *live.Slot
	Stage    []opButton
	Timer    []opButton
	Freeze   []opButton
	Error    string // a refused action, in the reader's language
	ErrorAt  string // where: "draw", "stage", "slot:ID", "seat:N"
	Done     string // the action just done
	Seed     string // a seed generated for the organizer (not stored)
	Hidden   int    // results shown but not yet public (frozen)
	Public   string // the room's big screen
	Phone    string // the room's phone view
	Socket   string // the organizer's websocket
	Setup    string // the round's live setup
	Base     string // the console's address
	BoardAPI string // the organizer board as JSON (fallback when the socket is away)
}

func (s *Server) consolePage(c *gin.Context) {
	s.renderConsole(c, http.StatusOK, consolePage{Done: c.Query("done")})
}

func roomParam(c *gin.Context) int64 {
	id, _ := strconv.ParseInt(c.Param("room"), 10, 64)
	return id
}

func (s *Server) renderConsole(c *gin.Context, status int, page consolePage) {
	ctx := c.Request.Context()
	var err error
	if page.Room, err = s.live.Room(ctx, contestID(c), roomParam(c)); err != nil {
		s.fail(c, err)
		return
	}
	if page.Board, err = s.live.Board(ctx, contestID(c), page.Room.ID, live.AudienceOrganizer); err != nil {
		s.fail(c, err)
		return
	}
	if page.Contest, err = s.contests.Contest(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	page.Round, _ = page.Contest.Round(page.Room.RoundKey)
	l := s.localizer(c)
	open := page.Round.State == contest.RoundOpen
	buttons := func(ops ...live.Op) []opButton {
		out := make([]opButton, 0, len(ops))
		for _, op := range ops {
			b := opButton{Op: op}
			if err := page.Room.Check(op, open); err != nil {
				_, d := s.describe(c, err)
				b.Why = d.Message
				if e, ok := errors.AsType[*fault.Error](err); ok && e.Message == "err.live.wrong_phase" { // say what the step waits for
					b.Why = l.T("console.why."+string(op), l.T("console.phase."+string(page.Room.Phase)))
				}
			}
			out = append(out, b)
		}
		return out
	}
	page.Stage = buttons(live.OpStartPitch, live.OpStartQA, live.OpOpenScoring, live.OpCloseScoring, live.OpShowResult, live.OpNext)
	// The step that usually follows the phase is the one to press; else the first allowed.
	want := map[live.Phase]live.Op{live.PhaseWaiting: live.OpStartPitch, live.PhasePitch: live.OpStartQA, live.PhaseQA: live.OpOpenScoring,
		live.PhaseScoring: live.OpCloseScoring, live.PhaseClosed: live.OpShowResult, live.PhaseResult: live.OpNext}[page.Room.Phase]
	primary := -1
	for i, b := range page.Stage {
		if b.Why == "" && (b.Op == want || primary < 0) {
			primary = i
		}
		if b.Why == "" && b.Op == want {
			break
		}
	}
	if primary >= 0 {
		page.Stage[primary].Primary = true
	}
	page.Timer = buttons(live.OpPause, live.OpResume)
	page.Freeze = buttons(live.OpFreeze, live.OpRevealNext, live.OpUnfreeze)
	page.Current = page.Room.CurrentSlot()
	for _, sl := range page.Room.Slots {
		if sl.Status == live.SlotDone && !sl.Public {
			page.Hidden++
		}
	}
	base := fmt.Sprintf("/organizer/contests/%d/live/rooms/%d", page.Contest.ID, page.Room.ID)
	page.Base, page.Socket = base, base+"/ws"
	page.Public = fmt.Sprintf("/live/%d/rooms/%d", page.Contest.ID, page.Room.ID)
	page.Phone = page.Public + "/phone"
	page.Setup = fmt.Sprintf("/organizer/contests/%d/rounds/%s/live", page.Contest.ID, page.Room.RoundKey)
	page.BoardAPI = fmt.Sprintf("/api/v1/contests/%d/live/rooms/%d", page.Contest.ID, page.Room.ID)
	s.render(c, status, "live_console.html", "console.title", page)
}

// consoleDone answers a console form: back to the console (see other), or
// the console again with the refusal beside the form that made it.
func (s *Server) consoleDone(c *gin.Context, err error, done, at string, reconcile bool) {
	if err != nil {
		status, msg, ok := s.refusal(c, err)
		if !ok {
			s.fail(c, err)
			return
		}
		s.renderConsole(c, status, consolePage{Error: msg, ErrorAt: at})
		return
	}
	s.publishRoom(c.Request.Context(), contestID(c), roomParam(c), reconcile)
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d/live/rooms/%d?done=%s", contestID(c), roomParam(c), done))
}

// reconciles: the operations after which screens are reconciled with the
// truth rather than only updated (the public board changes wholesale).
func reconciles(op live.Op) bool {
	return op == live.OpFreeze || op == live.OpRevealNext || op == live.OpUnfreeze
}

func (s *Server) consoleOpSubmit(c *gin.Context) {
	op := live.Op(c.PostForm("op"))
	_, err := s.live.Apply(c.Request.Context(), accountID(c), contestID(c), roomParam(c), op)
	s.consoleDone(c, err, string(op), "stage", reconciles(op))
}

// drawCommitSubmit commits the room's draw to the SHA-256 of the seed typed
// (only the commitment is stored), or, with generate, shows the console again
// with a random seed in the field, committing nothing.
func (s *Server) drawCommitSubmit(c *gin.Context) {
	if c.PostForm("generate") != "" {
		s.renderConsole(c, http.StatusOK, consolePage{Seed: newSeed()})
		return
	}
	seed := c.PostForm("seed")
	err := live.CheckSeed(seed)
	if err == nil {
		_, err = s.live.CommitDraw(c.Request.Context(), accountID(c), contestID(c), roomParam(c), live.Commitment(seed))
	}
	s.consoleDone(c, err, "commit", "draw", false)
}

func (s *Server) drawRevealSubmit(c *gin.Context) {
	_, err := s.live.RevealDraw(c.Request.Context(), accountID(c), contestID(c), roomParam(c), c.PostForm("seed"))
	s.consoleDone(c, err, "reveal", "draw", true)
}

// newSeed is a random seed for a draw: 128 bits, as text.
func newSeed() string { return rand.Text() }

func slotParam(c *gin.Context) int64 {
	id, _ := strconv.ParseInt(c.Param("slot"), 10, 64)
	return id
}

func (s *Server) slotAbsentSubmit(c *gin.Context) {
	_, err := s.live.MarkAbsent(c.Request.Context(), accountID(c), contestID(c), roomParam(c), slotParam(c), c.PostForm("reason"))
	s.consoleDone(c, err, "absent", fmt.Sprintf("slot:%d", slotParam(c)), false)
}

func (s *Server) slotMoveSubmit(c *gin.Context) {
	_, err := s.live.MoveToEnd(c.Request.Context(), accountID(c), contestID(c), roomParam(c), slotParam(c), c.PostForm("reason"))
	s.consoleDone(c, err, "moved", fmt.Sprintf("slot:%d", slotParam(c)), false)
}

func (s *Server) consoleReopenSubmit(c *gin.Context) {
	seat, _ := strconv.Atoi(c.PostForm("seat"))
	_, err := s.live.ReopenSheet(c.Request.Context(), accountID(c), contestID(c), roomParam(c), seat, c.PostForm("reason"))
	s.consoleDone(c, err, "reopen", fmt.Sprintf("seat:%d", seat), true)
}

// The JSON API.

func (s *Server) apiLiveRooms(c *gin.Context) {
	rooms, err := s.live.Rooms(c.Request.Context(), contestID(c), c.Param("round"))
	s.reply(c, http.StatusOK, gin.H{"rooms": rooms}, err)
}

func (s *Server) apiSetLiveRooms(c *gin.Context) {
	var req struct {
		Rooms []live.RoomInput `json:"rooms"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	rooms, err := s.live.SetRooms(ctx, accountID(c), contestID(c), c.Param("round"), req.Rooms)
	if err == nil {
		for _, r := range rooms {
			s.publishRoom(ctx, contestID(c), r.ID, false)
		}
	}
	s.reply(c, http.StatusOK, gin.H{"rooms": rooms}, err)
}

func (s *Server) apiSetLiveStage(c *gin.Context) {
	var req liveStage
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	s.reply(c, http.StatusOK, req, s.setStage(c, req))
}

// apiLiveRoom is the room and its organizer board, read from PostgreSQL.
func (s *Server) apiLiveRoom(c *gin.Context) {
	ctx := c.Request.Context()
	room, err := s.live.Room(ctx, contestID(c), roomParam(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	board, err := s.live.Board(ctx, contestID(c), room.ID, live.AudienceOrganizer)
	s.reply(c, http.StatusOK, gin.H{"room": room, "board": board}, err)
}

// roomChanged answers an API change of a room: the room as it now is, after
// its boards are republished.
func (s *Server) roomChanged(c *gin.Context, room live.Room, err error, reconcile bool) {
	if err == nil {
		s.publishRoom(c.Request.Context(), contestID(c), room.ID, reconcile)
	}
	s.reply(c, http.StatusOK, room, err)
}

func (s *Server) apiDrawCommit(c *gin.Context) {
	var req struct {
		Commitment string `json:"commitment"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	room, err := s.live.CommitDraw(c.Request.Context(), accountID(c), contestID(c), roomParam(c), req.Commitment)
	s.roomChanged(c, room, err, false)
}

func (s *Server) apiDrawReveal(c *gin.Context) {
	var req struct {
		Seed string `json:"seed"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	room, err := s.live.RevealDraw(c.Request.Context(), accountID(c), contestID(c), roomParam(c), req.Seed)
	s.roomChanged(c, room, err, true)
}

func (s *Server) apiStageOp(c *gin.Context) {
	var req struct {
		Op live.Op `json:"op"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	room, err := s.live.Apply(c.Request.Context(), accountID(c), contestID(c), roomParam(c), req.Op)
	s.roomChanged(c, room, err, reconciles(req.Op))
}

func (s *Server) apiSlotAbsent(c *gin.Context) {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	room, err := s.live.MarkAbsent(c.Request.Context(), accountID(c), contestID(c), roomParam(c), slotParam(c), req.Reason)
	s.roomChanged(c, room, err, false)
}

func (s *Server) apiSlotMove(c *gin.Context) {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	room, err := s.live.MoveToEnd(c.Request.Context(), accountID(c), contestID(c), roomParam(c), slotParam(c), req.Reason)
	s.roomChanged(c, room, err, false)
}

func (s *Server) apiLiveReopen(c *gin.Context) {
	var req struct {
		Seat   int    `json:"seat"`
		Reason string `json:"reason"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	room, err := s.live.ReopenSheet(c.Request.Context(), accountID(c), contestID(c), roomParam(c), req.Seat, req.Reason)
	s.roomChanged(c, room, err, true)
}
