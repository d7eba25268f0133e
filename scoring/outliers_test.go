package scoring

import (
	"reflect"
	"testing"
)

func TestOutlierTotals(t *testing.T) {
	sheets := plainSheets(
		// J4's 50 is 30 from the others' mean (80+82+78)/3 = 80: flagged.
		// 80 vs (82+78+50)/3 = 70: 10; 82 vs 69.33: 12.67; 78 vs 70.67: 7.33.
		"A J1 80", "A J2 82", "A J3 78", "A J4 50",
		// Exactly 15.00 apart is not "more than" 15.00: no flag.
		"B J1 80", "B J2 65",
		// 15.01 apart: each total is 15.01 from the other's: both flagged.
		"C J1 80", "C J2 64.99",
		// A single total has nothing to compare with.
		"D J1 0",
	)
	rk := mustRank(t, plain, sheets, Options{Method: MethodMean})
	flags := map[string][]Flag{}
	for _, r := range rk.Entries {
		flags[r.Entry] = r.Flags
	}
	want := map[string][]Flag{
		"A": {{Kind: FlagOutlier, Entry: "A", Judge: "J4", Total: 5000, Reference: 8000}},
		"B": nil,
		"C": {
			{Kind: FlagOutlier, Entry: "C", Judge: "J1", Total: 8000, Reference: 6499},
			{Kind: FlagOutlier, Entry: "C", Judge: "J2", Total: 6499, Reference: 8000},
		},
		"D": nil,
	}
	if !reflect.DeepEqual(flags, want) {
		t.Fatalf("flags = %+v\nwant    %+v", flags, want)
	}
	// A configurable distance: at 35.00, J4's 30.00 is no longer flagged.
	rk = mustRank(t, plain, sheets, Options{Method: MethodMean, OutlierDistance: 3500})
	for _, r := range rk.Entries {
		if r.Entry == "A" && len(r.Flags) != 0 {
			t.Fatalf("distance 35: %+v", r.Flags)
		}
	}
	// Flags are reported, never applied: A's mean still counts J4's 50.
	// (80+82+78+50)/4 = 72.50
	for _, r := range rk.Entries {
		if r.Entry == "A" && r.Score != 7250 {
			t.Fatalf("A = %+v", r)
		}
	}
}

func TestJudgeFlags(t *testing.T) {
	sheets := plainSheets(
		// Hi is above the mean of the others on all 3 of its entries: lenient.
		// Lo is below on all 3: severe. Mid is neither.
		"E1 Hi 90", "E1 Mid 80", "E1 Lo 70",
		"E2 Hi 70", "E2 Mid 50", "E2 Lo 40",
		"E3 Hi 60", "E3 Mid 59", "E3 Lo 58",
		// Up is above on its only 2 entries: too few to flag (minimum 3).
		"E4 Up 90", "E4 Mid 50",
		"E5 Up 90", "E5 Mid 50",
	)
	rk := mustRank(t, plain, sheets, Options{Method: MethodMean})
	// By how much, on average: Hi was 15, 25 and 1.5 above the others' mean
	// (41.5/3 = 13.833… → 13.83); Lo 15, 20 and 1.5 below (36.5/3 → 12.17).
	want := []Flag{{Kind: FlagLenient, Judge: "Hi", Sheets: 3, By: 1383}, {Kind: FlagSevere, Judge: "Lo", Sheets: 3, By: 1217}}
	if !reflect.DeepEqual(rk.JudgeFlags, want) {
		t.Fatalf("judge flags = %+v", rk.JudgeFlags)
	}
	// With a minimum of 2, Up is flagged too.
	rk = mustRank(t, plain, sheets, Options{Method: MethodMean, JudgeFlagMin: 2})
	if len(rk.JudgeFlags) != 3 || rk.JudgeFlags[2] != (Flag{Kind: FlagLenient, Judge: "Up", Sheets: 2, By: 4000}) {
		t.Fatalf("judge flags = %+v", rk.JudgeFlags)
	}
	// A total equal to the others' mean is neither above nor below: not "every".
	sheets = plainSheets("E1 X 90", "E1 Y 80", "E2 X 90", "E2 Y 80", "E3 X 80", "E3 Y 80")
	if rk := mustRank(t, plain, sheets, Options{Method: MethodMean}); len(rk.JudgeFlags) != 0 {
		t.Fatalf("judge flags = %+v", rk.JudgeFlags)
	}
}
