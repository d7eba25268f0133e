// Package live is the live final's room: a live round's rooms (第一会场 …)
// and the judges seated in each, the draw of the pitch order by lot (a seed
// committed before and revealed after; see draw.go), the stage an organizer
// runs in each room (the current entry, the pitch and Q&A timer, scoring
// opened and closed, the result shown, the next entry, a judge's sheet
// reopened), the freeze and the step-by-step reveal of the public board, and
// the boards themselves, derived from PostgreSQL: the audience's, the
// organizer's and a judge's.
//
// Every change is one transaction, audited in it; each returns the room as it
// now is. A board's Version is the contest's audit chain head at the moment it
// was read: every change of a room (a stage operation, a sheet submitted or
// reopened) appends to that chain, so a later board has a version at least as
// high, and a screen keeps the highest it has seen. PostgreSQL holds it all:
// a lost Redis loses nothing.
//
// Judges score through judging (judging.Service.JudgeEntry, SubmitSheet), with
// the same exactly-once and blindness rules as online rounds; PostgreSQL
// refuses a live sheet unless scoring is open for its entry in its judge's
// room (live_scoring_open, migration 00013). judging.Service.SheetChanged
// tells the web layer of each sheet, and RoomsOfEntry which board to redraw.
//
// It imports contest, contest/audit, judging (sheets, reopening), access (a
// judge's session) and scoring (the round's aggregation rule).
package live

import (
	"time"

	"podium/contest"
	"podium/contest/judging"
)

// Service runs the live rounds' rooms.
type Service struct {
	db      *contest.DB
	judging *judging.Service
}

// New returns the service on db; sheets are reopened through judging.
func New(db *contest.DB, j *judging.Service) *Service { return &Service{db: db, judging: j} }

func (s *Service) now() time.Time { return s.db.NowUTC().Truncate(time.Microsecond) }

// Phase is where a room's stage is with its current entry.
type Phase string

// The phases, in the order a pitch goes through them.
const (
	PhaseWaiting Phase = "waiting" // the entry is called, nothing started
	PhasePitch   Phase = "pitch"   // the pitch timer runs
	PhaseQA      Phase = "qa"      // the questions timer runs
	PhaseScoring Phase = "scoring" // judges may score the entry
	PhaseClosed  Phase = "closed"  // scoring closed; the result not yet shown
	PhaseResult  Phase = "result"  // the result shown
)

// SlotStatus is where an entry of a room is in the order.
type SlotStatus string

// The slot statuses.
const (
	SlotWaiting SlotStatus = "waiting"
	SlotAbsent  SlotStatus = "absent"
	SlotDone    SlotStatus = "done" // its result shown
)

// Room is a room of a live round as its organizer reads it.
type Room struct {
	ID          int64      `json:"id"`
	ContestID   int64      `json:"contest_id"`
	RoundID     int64      `json:"round_id"`
	RoundKey    string     `json:"round_key"`
	Name        string     `json:"name"`
	Position    int        `json:"position"`
	Commitment  string     `json:"commitment,omitempty"` // hex SHA-256 of the seed; "" before the commitment
	CommittedAt *time.Time `json:"committed_at,omitempty"`
	Seed        string     `json:"seed,omitempty"` // "" until revealed
	RevealedAt  *time.Time `json:"revealed_at,omitempty"`
	Phase       Phase      `json:"phase"`
	Current     *int64     `json:"current_slot"` // the slot on stage; nil before the first and after the last
	Timer       Timer      `json:"timer"`
	Frozen      bool       `json:"frozen"`
	FrozenAt    *time.Time `json:"frozen_at,omitempty"`
	NamesPublic bool       `json:"names_public"` // the round shows entrants' names to its judges
	Judges      []Seat     `json:"judges"`       // by seat
	Slots       []Slot     `json:"slots"`        // in the drawn order (by code before the draw)
	Version     int64      `json:"version"`
}

// Seat is a judge seated in a room. Organizers see the name; the public
// board shows only the seat (评委1 …).
type Seat struct {
	Seat     int    `db:"seat" json:"seat"`
	ExpertID int64  `db:"expert_id" json:"expert_id"`
	Name     string `db:"name" json:"name"`
}

// Slot is an entry of a room in the order of pitches.
type Slot struct {
	ID           int64      `db:"id" json:"id"`
	EntryID      int64      `db:"entry_id" json:"entry_id"`
	Code         string     `db:"code" json:"code"` // the entry's public code in the draw
	Title        string     `db:"title" json:"title"`
	Organization string     `db:"organization" json:"organization"`
	Position     *int       `db:"position" json:"position"` // nil until the seed is revealed
	Drawn        *int       `db:"drawn" json:"drawn"`       // the position the draw gave
	Status       SlotStatus `db:"status" json:"status"`
	MovedToEnd   bool       `db:"moved_to_end" json:"moved_to_end"`
	Reason       string     `db:"reason" json:"reason,omitempty"` // why absent or moved
	Public       bool       `db:"public" json:"public"`           // its result is on the public board
}

// Timer is the stage's clock for the current phase. During the pitch and the
// questions it counts down from the round's durations; Remaining may go
// below zero (overtime). EndsAt is set while it runs; a paused timer has
// Paused and a fixed Remaining. ServerTime is when it was read, so that a
// screen corrects for its own clock.
type Timer struct {
	Phase      Phase      `json:"phase"`
	Seconds    int        `json:"seconds"` // the phase's duration; 0 for phases without one
	StartedAt  *time.Time `json:"started_at,omitempty"`
	EndsAt     *time.Time `json:"ends_at,omitempty"`
	Paused     bool       `json:"paused"`
	Remaining  int64      `json:"remaining_ms"`
	ServerTime time.Time  `json:"server_time"`
}

// timerOf computes the timer at now.
func timerOf(phase Phase, started, paused *time.Time, pitch, qa int, now time.Time) Timer {
	t := Timer{Phase: phase, StartedAt: started, ServerTime: now}
	switch phase {
	case PhasePitch:
		t.Seconds = pitch
	case PhaseQA:
		t.Seconds = qa
	}
	if t.Seconds == 0 || started == nil {
		return t
	}
	d := time.Duration(t.Seconds) * time.Second
	ref := now
	if paused != nil {
		t.Paused, ref = true, *paused
	} else {
		end := started.Add(d)
		t.EndsAt = &end
	}
	t.Remaining = (d - ref.Sub(*started)).Milliseconds()
	return t
}
