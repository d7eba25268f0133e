package live

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/audit"
	"podium/fault"
)

// Op is an operation of the organizer running a room's stage.
type Op string

// The stage operations (Apply). Each is audited and returns the room.
const (
	OpStartPitch   Op = "start_pitch"   // the pitch timer starts for the current entry
	OpStartQA      Op = "start_qa"      // the questions timer starts
	OpPause        Op = "pause"         // the timer stops
	OpResume       Op = "resume"        // the timer goes on from where it stopped
	OpOpenScoring  Op = "open_scoring"  // the judges may score the current entry
	OpCloseScoring Op = "close_scoring" // they may no longer
	OpShowResult   Op = "show_result"   // the current entry's result is shown (and, unless frozen, goes public)
	OpNext         Op = "next"          // the next waiting entry in order is called
	OpFreeze       Op = "freeze"        // the public board shows no new result until revealed
	OpRevealNext   Op = "reveal_next"   // one more result goes public: the lowest-ranked one still hidden
	OpUnfreeze     Op = "unfreeze"      // every result shown goes public and the board is live again
)

// Ops lists the operations.
var Ops = []Op{OpStartPitch, OpStartQA, OpPause, OpResume, OpOpenScoring, OpCloseScoring, OpShowResult, OpNext,
	OpFreeze, OpRevealNext, OpUnfreeze}

// ParseOp returns the Op named s, or an invalid "op" error.
func ParseOp(s string) (Op, error) {
	for _, op := range Ops {
		if string(op) == s {
			return op, nil
		}
	}
	return "", fault.Invalid("op", "err.live.op")
}

func errPhase() error { return fault.Conflict("err.live.wrong_phase") }

// Apply runs one stage operation on the room. The rules: the draw must be
// revealed; the pitch, the questions and opening scoring need an entry on
// stage whose result is not shown; scoring opens only while the round is
// open; pause and resume act on a running pitch or questions timer; closing
// needs scoring open, showing the result needs it closed; next needs the
// current entry's result shown (or it absent, or none called) and calls the
// first waiting entry in order; reveal_next needs the board frozen and a
// result still hidden; freeze and unfreeze toggle.
func (s *Service) Apply(ctx context.Context, actorID, contestID, roomID int64, op Op) (Room, error) {
	if _, err := ParseOp(string(op)); err != nil {
		return Room{}, err
	}
	return s.change(ctx, actorID, contestID, roomID, func(tx *sqlx.Tx, r roomRow, now time.Time) (audit.Action, map[string]any, error) {
		if r.Seed == nil {
			return "", nil, fault.Conflict("err.live.draw_not_revealed")
		}
		switch op {
		case OpFreeze, OpUnfreeze, OpRevealNext:
			return s.board(ctx, tx, r, op, now)
		}
		var cur *Slot
		if r.Current != nil {
			var sl Slot
			if err := tx.GetContext(ctx, &sl, `
				SELECT id, entry_id, code, '' AS title, '' AS organization, position, drawn, status, moved_to_end, reason, public
				FROM live_slots WHERE id = $1 FOR UPDATE`, *r.Current); err != nil {
				return "", nil, err
			}
			cur = &sl
		}
		payload := map[string]any{"op": op}
		if cur != nil {
			payload["slot"], payload["entry"], payload["code"] = cur.ID, cur.EntryID, cur.Code
		}
		onStage := cur != nil && cur.Status == SlotWaiting
		phase, started, paused := r.Phase, r.PhaseStartedAt, r.PausedAt
		set := func(p Phase) { phase, started, paused = p, &now, nil }
		switch op {
		case OpStartPitch, OpStartQA:
			if !onStage || (r.Phase != PhaseWaiting && r.Phase != PhasePitch && r.Phase != PhaseQA) {
				return "", nil, errPhase()
			}
			set(map[Op]Phase{OpStartPitch: PhasePitch, OpStartQA: PhaseQA}[op])
		case OpPause:
			if (r.Phase != PhasePitch && r.Phase != PhaseQA) || r.PausedAt != nil {
				return "", nil, errPhase()
			}
			paused = &now
		case OpResume:
			if (r.Phase != PhasePitch && r.Phase != PhaseQA) || r.PausedAt == nil || r.PhaseStartedAt == nil {
				return "", nil, errPhase()
			}
			moved := r.PhaseStartedAt.Add(now.Sub(*r.PausedAt))
			started, paused = &moved, nil
		case OpOpenScoring:
			if !onStage || r.Phase == PhaseScoring || r.Phase == PhaseResult {
				return "", nil, errPhase()
			}
			if contest.RoundState(r.RoundState) != contest.RoundOpen {
				return "", nil, fault.Conflict("err.score.round_not_open")
			}
			set(PhaseScoring)
		case OpCloseScoring:
			if r.Phase != PhaseScoring {
				return "", nil, errPhase()
			}
			set(PhaseClosed)
		case OpShowResult:
			if !onStage || r.Phase != PhaseClosed {
				return "", nil, errPhase()
			}
			if _, err := tx.ExecContext(ctx, `UPDATE live_slots SET status = 'done', public = NOT $2 WHERE id = $1`, cur.ID, r.Frozen); err != nil {
				return "", nil, err
			}
			set(PhaseResult)
		case OpNext:
			if onStage && r.Phase != PhaseWaiting {
				return "", nil, errPhase()
			}
			var next sql.NullInt64
			if err := tx.GetContext(ctx, &next, `SELECT `+nextSlotSQL, r.ID); err != nil {
				return "", nil, err
			}
			if next.Valid && cur != nil && next.Int64 == cur.ID {
				return "", nil, fault.Conflict("err.live.current_not_done")
			}
			if !next.Valid && cur == nil {
				return "", nil, fault.Conflict("err.live.no_next")
			}
			var id *int64
			if next.Valid {
				id = &next.Int64
			}
			if _, err := tx.ExecContext(ctx, `UPDATE live_rooms SET current_slot = $2 WHERE id = $1`, r.ID, id); err != nil {
				return "", nil, err
			}
			payload["next"] = id
			phase, started, paused = PhaseWaiting, nil, nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE live_rooms SET phase = $2, phase_started_at = $3, paused_at = $4 WHERE id = $1`,
			r.ID, phase, started, paused); err != nil {
			return "", nil, err
		}
		payload["phase"] = phase
		return audit.LiveStage, payload, nil
	})
}

// ReopenSheet reopens the sheet of the judge in seat for the room's current
// entry, for the reason given (audited by judging as score.reopened, and
// here as a stage operation), and opens scoring again so that the judge can
// submit anew: the result, if shown, is taken back until shown again.
func (s *Service) ReopenSheet(ctx context.Context, actorID, contestID, roomID int64, seat int, reason string) (Room, error) {
	return s.change(ctx, actorID, contestID, roomID, func(tx *sqlx.Tx, r roomRow, now time.Time) (audit.Action, map[string]any, error) {
		if r.Current == nil || (r.Phase != PhaseScoring && r.Phase != PhaseClosed && r.Phase != PhaseResult) {
			return "", nil, errPhase()
		}
		if contest.RoundState(r.RoundState) != contest.RoundOpen { // the judge could not submit again
			return "", nil, fault.Conflict("err.score.round_not_open")
		}
		var a struct {
			Assignment int64 `db:"assignment_id"`
			Entry      int64 `db:"entry_id"`
		}
		err := tx.GetContext(ctx, &a, `
			SELECT a.id AS assignment_id, a.entry_id FROM live_room_judges j
			JOIN live_slots s ON s.id = $3
			JOIN assignments a ON a.round_id = j.round_id AND a.expert_id = j.expert_id AND a.entry_id = s.entry_id
			WHERE j.room_id = $1 AND j.seat = $2`, r.ID, seat, *r.Current)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil, fault.NotFound("err.score.not_submitted")
		}
		if err != nil {
			return "", nil, err
		}
		if _, err := s.judging.ReopenSheetTx(ctx, tx, actorID, contestID, r.RoundKey, a.Assignment, reason); err != nil {
			return "", nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE live_slots SET status = 'waiting', public = false WHERE id = $1`, *r.Current); err != nil {
			return "", nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE live_rooms SET phase = 'scoring', phase_started_at = $2, paused_at = NULL WHERE id = $1`,
			r.ID, now); err != nil {
			return "", nil, err
		}
		return audit.LiveStage, map[string]any{"op": "reopen", "seat": seat, "assignment": a.Assignment, "entry": a.Entry,
			"reason": reason, "phase": PhaseScoring}, nil
	})
}
