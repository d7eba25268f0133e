package live

import (
	"podium/fault"
)

// Check says whether Apply would accept op on the room as read (r), and if
// not, the error it would return: the console disables a button with its
// reason. It follows Apply's rules without a transaction, so a change made
// in between still decides (Apply checks again under the room's lock).
// roundOpen is whether the room's round is open for scoring.
func (r Room) Check(op Op, roundOpen bool) error {
	if _, err := ParseOp(string(op)); err != nil {
		return err
	}
	if r.Seed == "" {
		return fault.Conflict("err.live.draw_not_revealed")
	}
	switch op {
	case OpFreeze:
		if r.Frozen {
			return fault.Conflict("err.live.frozen")
		}
		return nil
	case OpUnfreeze:
		if !r.Frozen {
			return fault.Conflict("err.live.not_frozen")
		}
		return nil
	case OpRevealNext:
		if !r.Frozen {
			return fault.Conflict("err.live.not_frozen")
		}
		for _, sl := range r.Slots {
			if sl.Status == SlotDone && !sl.Public {
				return nil
			}
		}
		return fault.Conflict("err.live.nothing_to_reveal")
	}
	if r.Finished() {
		return fault.Conflict("err.live.final_over")
	}
	cur := r.CurrentSlot()
	onStage := cur != nil && cur.Status == SlotWaiting
	running := r.Phase == PhasePitch || r.Phase == PhaseQA
	switch op {
	case OpStartPitch, OpStartQA:
		if !onStage || (r.Phase != PhaseWaiting && !running) {
			return errPhase()
		}
	case OpPause:
		if !running || r.Timer.Paused {
			return errPhase()
		}
	case OpResume:
		if !running || !r.Timer.Paused {
			return errPhase()
		}
	case OpOpenScoring:
		if !onStage || r.Phase == PhaseScoring || r.Phase == PhaseResult {
			return errPhase()
		}
		if !roundOpen {
			return fault.Conflict("err.score.round_not_open")
		}
	case OpCloseScoring:
		if r.Phase != PhaseScoring {
			return errPhase()
		}
	case OpShowResult:
		if !onStage || r.Phase != PhaseClosed {
			return errPhase()
		}
	case OpNext:
		if onStage && r.Phase != PhaseWaiting {
			return errPhase()
		}
		var next *Slot
		for i := range r.Slots {
			if r.Slots[i].Status == SlotWaiting && r.Slots[i].Position != nil &&
				(next == nil || *r.Slots[i].Position < *next.Position) {
				next = &r.Slots[i]
			}
		}
		if next != nil && cur != nil && next.ID == cur.ID {
			return fault.Conflict("err.live.current_not_done")
		}
		if next == nil && cur == nil {
			return fault.Conflict("err.live.no_next")
		}
	}
	return nil
}

// CurrentSlot is the slot on stage, or nil.
func (r Room) CurrentSlot() *Slot {
	if r.Current == nil {
		return nil
	}
	for i := range r.Slots {
		if r.Slots[i].ID == *r.Current {
			return &r.Slots[i]
		}
	}
	return nil
}

// Finished reports whether the room's final is over: the draw is revealed,
// no entry is on stage and none is waiting to pitch (every one pitched or is
// absent). Only freezing and revealing remain.
func (r Room) Finished() bool {
	if r.Seed == "" {
		return false
	}
	if cur := r.CurrentSlot(); cur != nil && cur.Status == SlotWaiting {
		return false
	}
	for _, sl := range r.Slots {
		if sl.Status == SlotWaiting {
			return false
		}
	}
	return true
}
