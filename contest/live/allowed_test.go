package live_test

import (
	"testing"

	"podium/contest/live"
	"podium/fault"
)

// A room whose every entry has pitched says so for every stage step, instead
// of naming a phase or a missing entry; freezing still works.
func TestAFinishedRoomSaysTheFinalIsOver(t *testing.T) {
	one, two := 1, 2
	room := live.Room{Seed: "s", Phase: live.PhaseWaiting, Slots: []live.Slot{
		{ID: 1, Position: &one, Status: live.SlotDone},
		{ID: 2, Position: &two, Status: live.SlotAbsent},
	}}
	if !room.Finished() {
		t.Fatal("a room with every entry done or absent is not finished")
	}
	for _, op := range []live.Op{live.OpStartPitch, live.OpOpenScoring, live.OpShowResult, live.OpNext, live.OpPause} {
		err := room.Check(op, true)
		if e, ok := err.(*fault.Error); !ok || e.Message != "err.live.final_over" {
			t.Errorf("%s at the end: %v, want err.live.final_over", op, err)
		}
	}
	if err := room.Check(live.OpFreeze, true); err != nil {
		t.Errorf("freeze at the end: %v", err)
	}
	room.Slots[1].Status = live.SlotWaiting
	if room.Finished() {
		t.Error("a room with an entry waiting is finished")
	}
	room.Slots[1].Status, room.Seed = live.SlotDone, ""
	if room.Finished() {
		t.Error("a room before its draw is finished")
	}
}
