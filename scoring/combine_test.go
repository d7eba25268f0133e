package scoring

import (
	"reflect"
	"testing"
)

func TestCombine(t *testing.T) {
	prelim := RoundScores{Weight: 3000, Scores: map[string]Points{
		"E1": p("85.50"), "E2": p("90.25"), "E3": p("80.00"), "E4": p("80.05"), "E5": p("86.00"), "E6": p("99.00"),
	}}
	final := RoundScores{Weight: 7000, Scores: map[string]Points{
		"E1": p("90.00"), "E2": p("86.33"), "E3": p("88.50"), "E4": p("80.00"), "E5": p("89.70"),
	}}
	got, err := Combine([]RoundScores{prelim, final})
	if err != nil {
		t.Fatal(err)
	}
	want := Combined{
		Entries: []CombinedResult{
			// 0.3×85.50 + 0.7×90.00 = 25.65 + 63.00 = 88.65
			{Rank: 1, Entry: "E1", Score: 8865, Parts: []Points{8550, 9000}},
			// 0.3×86.00 + 0.7×89.70 = 25.80 + 62.79 = 88.59
			{Rank: 2, Entry: "E5", Score: 8859, Parts: []Points{8600, 8970}},
			// 0.3×90.25 + 0.7×86.33 = 27.075 + 60.431 = 87.506 → 87.51
			{Rank: 3, Entry: "E2", Score: 8751, Parts: []Points{9025, 8633}},
			// 0.3×80.00 + 0.7×88.50 = 24.00 + 61.95 = 85.95
			{Rank: 4, Entry: "E3", Score: 8595, Parts: []Points{8000, 8850}},
			// 0.3×80.05 + 0.7×80.00 = 24.015 + 56.00 = 80.015 → 80.02 (half up, once)
			{Rank: 5, Entry: "E4", Score: 8002, Parts: []Points{8005, 8000}},
			// E6 has no final score: left out.
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}

	// Equal combined scores share a rank and are reported.
	got, err = Combine([]RoundScores{
		{Weight: 5000, Scores: map[string]Points{"A": 8000, "B": 9000, "C": 7000}},
		{Weight: 5000, Scores: map[string]Points{"A": 9000, "B": 8000, "C": 9999}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// A: (80+90)/2 = 85.00; B: 85.00; C: (70+99.99)/2 = 84.995 → 85.00 as well.
	wantTies := []Tie{{Rank: 1, Score: 8500, Entries: []string{"A", "B", "C"}}}
	if !reflect.DeepEqual(got.Ties, wantTies) || got.Entries[2].Rank != 1 {
		t.Fatalf("ties = %+v, entries %+v", got.Ties, got.Entries)
	}

	if _, err := Combine([]RoundScores{{Weight: 0, Scores: nil}}); err == nil {
		t.Fatal("zero weight accepted")
	}
}
