package overview

import (
	"testing"

	"podium/contest"
)

// A live round on stage says where it stands, from what happened on it; any
// other round has no stage.
func TestStage(t *testing.T) {
	live := Round{Kind: contest.KindLive, State: contest.RoundOpen, Rooms: 2, Slots: 4, Assigned: 24}
	for _, c := range []struct {
		name string
		r    func(Round) Round
		want Stage
	}{
		{"an online round", func(r Round) Round { r.Kind = contest.KindOnline; return r }, ""},
		{"a live round without rooms", func(r Round) Round { r.Rooms, r.Slots = 0, 0; return r }, ""},
		{"rooms set, no draw", func(r Round) Round { return r }, StageReady},
		{"drawn", func(r Round) Round { r.Drawn = true; return r }, StageDrawn},
		{"a pitch begun", func(r Round) Round { r.Drawn, r.Pitched = true, true; return r }, StageUnderWay},
		{"a pitch begun without a draw", func(r Round) Round { r.Pitched = true; return r }, StageUnderWay},
		{"some done", func(r Round) Round { r.Drawn, r.Pitched, r.Finished = true, true, 3; return r }, StageUnderWay},
		{"all done", func(r Round) Round { r.Drawn, r.Pitched, r.Finished = true, true, 4; return r }, StageDone},
	} {
		if got := c.r(live).stage(); got != c.want {
			t.Errorf("%s: stage %q, want %q", c.name, got, c.want)
		}
	}
}

// An open live round on stage asks for no reminder of its outstanding
// sheets (they are scored as the entries pitch): the dashboard says where
// its stage stands. An open online round, or a live one without a stage,
// still does.
func TestNextForALiveRound(t *testing.T) {
	staged := Round{Key: "final", Kind: contest.KindLive, State: contest.RoundOpen, Rooms: 1, Slots: 3, Assigned: 18}
	staged.Stage = staged.stage()
	bare := Round{Key: "bare", Kind: contest.KindLive, State: contest.RoundOpen, Assigned: 6, Submitted: 2}
	online := Round{Key: "prelim", Kind: contest.KindOnline, State: contest.RoundOpen, Assigned: 10, Submitted: 4}
	acts := next(&Contest{Rounds: []Round{online, bare, staged}})
	if len(acts) != 3 || acts[0].Kind != ActScoring || acts[0].Count != 6 || acts[1].Kind != ActScoring || acts[1].Count != 4 ||
		acts[2].Kind != ActLive || acts[2].Round.Stage != StageReady {
		t.Fatalf("next = %+v", acts)
	}
}
