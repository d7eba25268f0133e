package live

import (
	"slices"
	"testing"

	"podium/scoring"
)

// boardOf is a room of five seats with entry "21" on stage, whose judges gave totals.
func boardOf(phase Phase, status SlotStatus, frozen, public bool, totals map[int]string, recused ...int) BoardInput {
	cur := int64(1)
	pos := 1
	in := BoardInput{
		Room: Room{ID: 9, Name: "第一会场", Phase: phase, Current: &cur, Frozen: frozen,
			Slots: []Slot{{ID: 1, Code: "21", Title: "星河", Position: &pos, Status: status, Public: public}}},
		Round: RoundRules{Rubric: scoring.Rubric{Criteria: []scoring.Criterion{{Key: "all", Name: "总分", Max: 100_00}}},
			Options: scoring.Options{Method: scoring.MethodTrimmed, TrimMin: 4}},
		Active: map[string][]int{},
	}
	for seat := 1; seat <= 5; seat++ {
		in.Room.Judges = append(in.Room.Judges, Seat{Seat: seat, ExpertID: int64(100 + seat), Name: "专家"})
		if !slices.Contains(recused, seat) {
			in.Active["21"] = append(in.Active["21"], seat)
		}
		if v, ok := totals[seat]; ok {
			p, err := scoring.ParsePoints(v)
			if err != nil {
				panic(err)
			}
			in.Sheets = append(in.Sheets, scoring.Sheet{Entry: "21", Judge: seatName(seat), Marks: map[string]scoring.Points{"all": p}})
		}
	}
	return in
}

// The worked example: 88.00, 91.50, 79.25, 85.00, 90.00 under trimmed: 91.50
// and 79.25 are struck, and the score is (88 + 85 + 90) / 3 = 87.666…, rounded
// once, half up, to 87.67.
func TestBoardStrikesHighestAndLowestAndRoundsOnce(t *testing.T) {
	totals := map[int]string{1: "88.00", 2: "91.50", 3: "79.25", 4: "85.00", 5: "90.00"}
	b, err := Derive(boardOf(PhaseResult, SlotDone, false, true, totals), AudiencePublic)
	if err != nil {
		t.Fatal(err)
	}
	e := b.Current
	if e == nil || e.Final != "87.67" || e.Rule != "trimmed" {
		t.Fatalf("current %+v", e)
	}
	for _, j := range e.Judges {
		if j.Total != totals[j.Seat] || j.Struck != (j.Seat == 2 || j.Seat == 3) || j.Recused {
			t.Errorf("judge %+v", j)
		}
		if j.Label != "评委"+string(rune('0'+j.Seat)) || j.LabelEn != "Judge "+string(rune('0'+j.Seat)) {
			t.Errorf("label %q %q", j.Label, j.LabelEn)
		}
	}
	if len(b.Ranking) != 1 || b.Ranking[0].Score != "87.67" || b.Ranking[0].Rank != 1 {
		t.Errorf("ranking %+v", b.Ranking)
	}
	if b.Judges != nil {
		t.Error("the public board names judges")
	}
	// While scoring: the totals as they arrive, nothing struck, no score yet.
	b, _ = Derive(boardOf(PhaseScoring, SlotWaiting, false, false, map[int]string{1: "88.00", 2: "91.50"}), AudiencePublic)
	if b.Current.Final != "" || b.Current.Judges[1].Total != "91.50" || b.Current.Judges[1].Struck || b.Current.Judges[2].Total != "" {
		t.Errorf("while scoring %+v", b.Current)
	}
	// The organizer sees who is missing.
	b, _ = Derive(boardOf(PhaseScoring, SlotWaiting, false, false, map[int]string{1: "88.00", 2: "91.50"}, 5), AudienceOrganizer)
	states := ""
	for _, j := range b.Judges {
		states += j.State[:1]
	}
	if states != "ssppr" {
		t.Errorf("judge states %q", states)
	}
}

// A conflicted judge is recused for the entry; the trimmed mean uses the four
// others (trim-min 4): 88.00, 91.50, 85.00, 90.00 → strike 91.50 and 85.00 →
// (88 + 90) / 2 = 89.00.
func TestRecusedJudgeIsLeftOut(t *testing.T) {
	totals := map[int]string{1: "88.00", 2: "91.50", 4: "85.00", 5: "90.00"}
	b, err := Derive(boardOf(PhaseResult, SlotDone, false, true, totals, 3), AudiencePublic)
	if err != nil {
		t.Fatal(err)
	}
	if b.Current.Final != "89.00" || !b.Current.Judges[2].Recused || b.Current.Judges[2].Total != "" {
		t.Errorf("current %+v", b.Current)
	}
}

// Frozen: the public sees no result not yet revealed; the organizer sees all.
func TestFrozenBoardHidesUnrevealedResults(t *testing.T) {
	totals := map[int]string{1: "88.00", 2: "91.50", 3: "79.25", 4: "85.00", 5: "90.00"}
	in := boardOf(PhaseResult, SlotDone, true, false, totals)
	pub, _ := Derive(in, AudiencePublic)
	if !pub.Current.Hidden || pub.Current.Final != "" || pub.Current.Judges[0].Total != "" || len(pub.Ranking) != 0 {
		t.Errorf("frozen public board %+v %+v", pub.Current, pub.Ranking)
	}
	org, _ := Derive(in, AudienceOrganizer)
	if org.Current.Hidden || org.Current.Final != "87.67" || len(org.Ranking) != 1 {
		t.Errorf("organizer board %+v %+v", org.Current, org.Ranking)
	}
}
