package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"podium/contest/judging"
	"podium/contest/live"
	fanout "podium/web/live"
)

// The live final's boards, as web publishes them through web/live (the fan-out):
// each room has three, keyed
//
//	c{contest}:room{room}:public     live.Board for the audience (AudiencePublic)
//	c{contest}:room{room}:organizer  live.Board for the organizers (AudienceOrganizer)
//	c{contest}:room{room}:judges     judgesNotice: a nudge to the tablets, no scores, no names
//
// PostgreSQL is the truth: every board is derived from it (live.Service.Board)
// after a change has committed, and published with the contest's audit chain
// head as its version. docs/live-protocol.md describes what screens receive.

// The kinds of board of a room.
const (
	boardPublic    = "public"
	boardOrganizer = "organizer"
	boardJudges    = "judges"
)

func boardKey(contestID, roomID int64, kind string) string {
	return "c" + strconv.FormatInt(contestID, 10) + ":room" + strconv.FormatInt(roomID, 10) + ":" + kind
}

// judgesNotice is the judges' board: it tells tablets that the stage changed;
// each then reads its own live.JudgeStage over HTTP (blind, its own seat).
type judgesNotice struct {
	Version     int64      `json:"version"`
	RoomID      int64      `json:"room_id"`
	Phase       live.Phase `json:"phase"`
	ScoringOpen bool       `json:"scoring_open"` // the room is scoring the entry on stage
	SlotID      *int64     `json:"slot_id"`      // the entry on stage, nil when none
}

// publishTimeout bounds one room's publication (reads and Redis).
const publishTimeout = 10 * time.Second

// publishRoom derives a room's public, organizer and judges' boards from
// PostgreSQL and publishes them (reconcile: after a freeze, a reveal or a
// reopening, what Redis holds is compared with them, and a difference is
// logged and corrected). Call it after a change of the room committed. It
// never fails the request: the truth is committed; an error is logged, and
// screens show the board is catching up until Redis is rebuilt.
func (s *Server) publishRoom(ctx context.Context, contestID, roomID int64, reconcile bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	if err := s.publishBoards(ctx, contestID, roomID, reconcile); err != nil {
		s.log.WarnContext(ctx, "live: room's boards not published", slog.Int64("contest", contestID),
			slog.Int64("room", roomID), slog.Any("err", err))
	}
}

// publishBoards is publishRoom reporting its failure.
func (s *Server) publishBoards(ctx context.Context, contestID, roomID int64, reconcile bool) error {
	if s.live == nil || s.broker == nil {
		return nil
	}
	var errs []error
	var org live.Board
	for _, aud := range []live.Audience{live.AudiencePublic, live.AudienceOrganizer} {
		b, err := s.live.Board(ctx, contestID, roomID, aud)
		if err != nil {
			return err
		}
		b.Timer = steadyTimer(b.Timer)
		kind := boardPublic
		if aud == live.AudienceOrganizer {
			kind, org = boardOrganizer, b
		}
		u, err := boardUpdate(boardKey(contestID, roomID, kind), b.Version, b, rankingOf(b))
		if err != nil {
			return err
		}
		errs = append(errs, s.send(ctx, u, reconcile))
	}
	n := judgesNotice{Version: org.Version, RoomID: roomID, Phase: org.Phase, ScoringOpen: org.Phase == live.PhaseScoring}
	if org.Current != nil {
		n.SlotID = &org.Current.SlotID
	}
	u, err := boardUpdate(boardKey(contestID, roomID, boardJudges), n.Version, n, nil)
	if err != nil {
		return err
	}
	errs = append(errs, s.send(ctx, u, reconcile))
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// send publishes a board; reconcile then reads back what Redis holds and
// compares it with the board derived from PostgreSQL (the change itself moved
// the version on, so a board merely older than the change is no difference):
// another board at this version, or another ranking, is logged and corrected.
func (s *Server) send(ctx context.Context, u fanout.Update, reconcile bool) error {
	if err := s.broker.Publish(ctx, u); err != nil || !reconcile {
		return err
	}
	_, err := s.broker.Reconcile(ctx, u)
	return err
}

func boardUpdate(key string, version int64, v any, ranking []fanout.Rank) (fanout.Update, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return fanout.Update{}, fmt.Errorf("live: encode board %s: %w", key, err)
	}
	return fanout.Update{Board: key, Version: version, Data: data, Ranking: ranking}, nil
}

// rankingOf is the board's ranking as Redis keeps it: entry codes scored by
// their points (a sorted set, for consumers that read Redis directly).
func rankingOf(b live.Board) []fanout.Rank {
	out := make([]fanout.Rank, 0, len(b.Ranking))
	for _, r := range b.Ranking {
		score, err := strconv.ParseFloat(r.Score, 64)
		if err != nil {
			continue
		}
		out = append(out, fanout.Rank{Member: r.Code, Score: score})
	}
	return out
}

// steadyTimer makes a board's timer a function of PostgreSQL alone, so that a
// board derived twice at one version is the same document (reconciliation
// compares them; the hub sends nothing new): ServerTime becomes the instant
// Remaining refers to — the phase's start for a running timer (Remaining is
// then the whole duration; EndsAt says when it ends), the pause for a paused
// one — instead of the moment the board was read. Screens take the current
// server time from the board JSON route (docs/live-protocol.md).
func steadyTimer(t live.Timer) live.Timer {
	switch {
	case t.StartedAt == nil:
		t.ServerTime, t.Remaining = time.Time{}, 0
	case t.Seconds == 0:
		t.ServerTime, t.Remaining = *t.StartedAt, 0
	case t.Paused:
		full := time.Duration(t.Seconds) * time.Second
		t.ServerTime = t.StartedAt.Add(full - time.Duration(t.Remaining)*time.Millisecond)
	default:
		t.ServerTime, t.Remaining = *t.StartedAt, int64(t.Seconds)*1000
	}
	return t
}

// RebuildLive publishes every active live room's boards from PostgreSQL: the
// Broker's Rebuild, called when it starts, when Redis lost its state and when
// Redis returns after an outage.
func (s *Server) RebuildLive(ctx context.Context) error {
	if s.live == nil {
		return nil
	}
	rooms, err := s.live.ActiveRooms(ctx)
	if err != nil {
		return err
	}
	for _, r := range rooms {
		if err := s.publishBoards(ctx, r.ContestID, r.RoomID, false); err != nil {
			return fmt.Errorf("live: rebuild room %d: %w", r.RoomID, err)
		}
	}
	return nil
}

// sheetChanged is judging's SheetChanged: the boards of the sheet's room are
// republished, off the request's goroutine (the judge's reply does not wait).
func (s *Server) sheetChanged(ctx context.Context, ch judging.SheetChange) {
	rooms, err := s.live.RoomsOfEntry(ctx, ch.RoundID, ch.EntryID)
	if err != nil {
		s.log.WarnContext(ctx, "live: rooms of a changed sheet not read", slog.Int64("entry", ch.EntryID), slog.Any("err", err))
		return
	}
	for _, room := range rooms {
		// A reopened sheet changes a result already on the board: reconcile.
		s.pubq.add(s, live.RoomRef{ContestID: ch.ContestID, RoomID: room}, !ch.Submitted)
	}
}

// publishQueue republishes rooms in the background, one room at a time per
// pending change: a room changed again while it waits is published once, with
// the latest state. Its goroutine runs only while there is work; Close waits.
type publishQueue struct {
	mu      sync.Mutex
	pending map[live.RoomRef]bool // reconcile
	order   []live.RoomRef
	running bool
	closed  bool
	wg      sync.WaitGroup
}

func (q *publishQueue) add(s *Server, r live.RoomRef, reconcile bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if rec, ok := q.pending[r]; ok {
		q.pending[r] = rec || reconcile
		return
	}
	if q.pending == nil {
		q.pending = map[live.RoomRef]bool{}
	}
	q.pending[r] = reconcile
	q.order = append(q.order, r)
	if !q.running {
		q.running = true
		q.wg.Go(func() { q.drain(s) })
	}
}

func (q *publishQueue) drain(s *Server) {
	for {
		q.mu.Lock()
		if len(q.order) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		r := q.order[0]
		q.order = q.order[1:]
		reconcile := q.pending[r]
		delete(q.pending, r)
		q.mu.Unlock()
		s.publishRoom(context.Background(), r.ContestID, r.RoomID, reconcile)
	}
}

// close takes no more rooms and waits for those queued to be published.
func (q *publishQueue) close(ctx context.Context) error {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	done := make(chan struct{})
	go func() {
		q.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("live: boards still publishing at shutdown: %w", ctx.Err())
	}
}

// WaitLive waits until the boards of every sheet changed so far are published
// (tests wait here rather than polling).
func (s *Server) WaitLive() { s.pubq.wg.Wait() }
