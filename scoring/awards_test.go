package scoring

import (
	"reflect"
	"testing"
)

func TestAwards(t *testing.T) {
	// Scores 99 … 60 give ranks 1, 2, 3, 3, 5, 6, 6, 8.
	sheets := plainSheets("E1 J 99", "E2 J 95", "E3 J 90", "E4 J 90", "E5 J 85", "E6 J 80", "E7 J 80", "E8 J 60")
	rk := mustRank(t, plain, sheets, Options{Method: MethodMean})
	g := Pool{Group: "团队组"}
	pools := map[string]Pool{}
	for _, r := range rk.Entries {
		pools[r.Entry] = g
	}
	// Places: first = 1st; second = 2nd–3rd; third = 4th–6th; nothing after.
	levels := []Level{{LevelFirst, 1}, {LevelSecond, 2}, {LevelThird, 3}}
	got, err := Awards(rk, pools, map[Pool][]Level{g: levels})
	if err != nil {
		t.Fatal(err)
	}
	want := []PoolAwards{{
		Pool: g,
		Awards: []Award{
			{"E1", LevelFirst},  // place 1
			{"E2", LevelSecond}, // place 2
			{"E5", LevelThird},  // place 5
		},
		Ties: []AwardTie{
			// E3, E4 share places 3–4: across the second/third boundary.
			{Entries: []string{"E3", "E4"}, Levels: []string{LevelSecond, LevelThird}, Places: []int{1, 1}},
			// E6, E7 share places 6–7: across the end of the third prizes.
			{Entries: []string{"E6", "E7"}, Levels: []string{LevelThird, NoAward}, Places: []int{1, 1}},
		},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}

	// With 2 second prizes and a zero-count level in between, no tie crosses.
	levels = []Level{{LevelFirst, 1}, {LevelSecond, 3}, {LevelThird, 0}, {LevelHonorable, 1}}
	got, err = Awards(rk, pools, map[Pool][]Level{g: levels})
	if err != nil {
		t.Fatal(err)
	}
	want = []PoolAwards{{Pool: g, Awards: []Award{
		{"E1", LevelFirst}, {"E2", LevelSecond}, {"E3", LevelSecond}, {"E4", LevelSecond}, {"E5", LevelHonorable},
	}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}

	// Three entries sharing places 2–4 around one second prize and a zero-count third:
	// one place of second, two of honorable.
	rk3 := mustRank(t, plain, plainSheets("E1 J 99", "E2 J 90", "E3 J 90", "E4 J 90", "E5 J 50"), Options{Method: MethodMean})
	got, err = Awards(rk3, pools, map[Pool][]Level{g: {{LevelFirst, 1}, {LevelSecond, 1}, {LevelThird, 0}, {LevelHonorable, 5}}})
	if err != nil {
		t.Fatal(err)
	}
	wantTie := []AwardTie{{Entries: []string{"E2", "E3", "E4"}, Levels: []string{LevelSecond, LevelHonorable}, Places: []int{1, 2}}}
	if !reflect.DeepEqual(got[0].Ties, wantTie) {
		t.Fatalf("ties %+v, want %+v", got[0].Ties, wantTie)
	}

	if _, err := Awards(rk, pools, map[Pool][]Level{g: {{LevelFirst, 1}, {LevelFirst, 1}}}); err == nil {
		t.Fatal("duplicate level accepted")
	}
}
