package scoring

import (
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// plain is a one-criterion rubric: a judge's mark is their total.
var plain = Rubric{Criteria: []Criterion{{Key: "s", Name: "总分", Max: 100_00}}}

// plainSheets builds sheets on plain from "entry judge total" rows.
func plainSheets(rows ...string) []Sheet {
	var out []Sheet
	for _, r := range rows {
		f := strings.Fields(r)
		out = append(out, Sheet{Entry: f[0], Judge: f[1], Marks: map[string]Points{"s": p(f[2])}})
	}
	return out
}

func mustRank(t *testing.T, rb Rubric, sheets []Sheet, opt Options) Ranking {
	t.Helper()
	rk, err := Rank(rb, sheets, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rk
}

// summary renders a ranking as "rank entry score [dropped]" lines.
func summary(rk Ranking) string {
	var b strings.Builder
	for _, r := range rk.Entries {
		fmt.Fprintf(&b, "%d %s %s", r.Rank, r.Entry, r.Score)
		if len(r.Dropped) > 0 {
			fmt.Fprintf(&b, " -%s", strings.Join(r.Dropped, ","))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func check(t *testing.T, rk Ranking, want string) {
	t.Helper()
	if got := summary(rk); got != strings.TrimLeft(want, "\n") {
		t.Fatalf("ranking:\n%s\nwant:\n%s", got, strings.TrimLeft(want, "\n"))
	}
}

func TestMean(t *testing.T) {
	sheets := plainSheets(
		// (81.33 + 75.50 + 90.00) / 3 = 246.83 / 3 = 82.2766… → 82.28
		"A J1 81.33", "A J2 75.50", "A J3 90.00",
		// (10.00 + 10.00 + 10.01 + 10.01) / 4 = 40.02 / 4 = 10.005 → 10.01 (half up)
		"B J1 10.00", "B J2 10.00", "B J3 10.01", "B J4 10.01",
		// (10.00 + 10.00 + 10.01) / 3 = 10.00333… → 10.00
		"C J1 10.00", "C J2 10.00", "C J3 10.01",
		// (0.01 + 0.00) / 2 = 0.005 → 0.01
		"D J1 0.01", "D J2 0",
	)
	check(t, mustRank(t, plain, sheets, Options{Method: MethodMean}), `
1 A 82.28
2 B 10.01
3 C 10.00
4 D 0.01
`)
}

func TestMeanUsesExactTotals(t *testing.T) {
	// max 8, weight 10: a mark m counts m × 1.25. Marks 0.02, 0.02, 0.02, 0.01
	// give exact totals 0.025, 0.025, 0.025, 0.0125 (displayed 0.03, 0.03, 0.03,
	// 0.01). Exact mean: 0.0875 / 4 = 0.021875 → 0.02. The mean of the
	// displayed totals would be 0.10 / 4 = 0.025 → 0.03: rounding twice.
	rb := Rubric{Criteria: []Criterion{{Key: "s", Name: "s", Max: 800, Weight: 1000}}}
	sheets := []Sheet{
		{Entry: "A", Judge: "J1", Marks: map[string]Points{"s": 2}},
		{Entry: "A", Judge: "J2", Marks: map[string]Points{"s": 2}},
		{Entry: "A", Judge: "J3", Marks: map[string]Points{"s": 2}},
		{Entry: "A", Judge: "J4", Marks: map[string]Points{"s": 1}},
	}
	rk := mustRank(t, rb, sheets, Options{Method: MethodMean})
	check(t, rk, "1 A 0.02\n")
	if got := rk.Entries[0].Sheets[0]; got.Total != 3 || got.Exact().RatString() != "1/40" {
		t.Fatalf("J1 total = %s exact %s; want 0.03 and 1/40", got.Total, got.Exact().RatString())
	}
}

func TestTrimmed(t *testing.T) {
	sheets := plainSheets(
		// 5 totals: drop the lowest 60.25 (J4) and the highest 90.00 (J3):
		// (81.33 + 75.50 + 88.10) / 3 = 244.93 / 3 = 81.6433… → 81.64
		"A J1 81.33", "A J2 75.50", "A J3 90.00", "A J4 60.25", "A J5 88.10",
		// ties at both ends: lowest 70 (J1, J3) drops J1, highest 90 (J2, J5)
		// drops J2, the first judges by name: (70 + 80 + 90) / 3 = 80.00
		"B J1 70", "B J2 90", "B J3 70", "B J4 80", "B J5 90",
		// all equal: J1 is dropped as lowest, J2 as highest; 80.00
		"C J1 80", "C J2 80", "C J3 80", "C J4 80", "C J5 80",
		// 4 totals, below trim-min 5: the plain mean (70+80+90+99.99)/4 = 339.99/4 = 84.9975 → 85.00
		"D J1 70", "D J2 80", "D J3 90", "D J4 99.99",
		// 6 totals: drop 10 (J6) and 100 (J1): (50 + 60.01 + 60 + 60) / 4 = 230.01/4 = 57.5025 → 57.50
		"E J1 100", "E J2 50", "E J3 60.01", "E J4 60", "E J5 60", "E J6 10",
	)
	rk := mustRank(t, plain, sheets, Options{}) // trimmed is the default
	check(t, rk, `
1 D 85.00
2 A 81.64 -J4,J3
3 B 80.00 -J1,J2
3 C 80.00 -J1,J2
5 E 57.50 -J6,J1
`)
	// The dropped totals are marked in the explanation too.
	var dropped []string
	for _, s := range rk.Entries[1].Sheets {
		if s.Dropped {
			dropped = append(dropped, s.Judge+"="+s.Total.String())
		}
	}
	if !slices.Equal(dropped, []string{"J3=90.00", "J4=60.25"}) {
		t.Fatalf("dropped sheets = %v", dropped)
	}
	// With trim-min 4, D drops 70 (J1) and 99.99 (J4): (80 + 90) / 2 = 85.00.
	rk = mustRank(t, plain, sheets, Options{Method: MethodTrimmed, TrimMin: 4})
	if d := rk.Entries[0]; d.Entry != "D" || d.Score != 8500 || !slices.Equal(d.Dropped, []string{"J1", "J4"}) {
		t.Fatalf("trim-min 4: %+v", d)
	}
	if r := rk.Entries[0].Rule; r != (Rule{Method: MethodTrimmed, Sheets: 4}) {
		t.Fatalf("trim-min 4: rule %+v", r)
	}
}

// An entry with fewer sheets than trimmed needs is not silently averaged: its
// explanation names the rule that applied and why.
func TestTrimmedSaysWhenItTakesThePlainMean(t *testing.T) {
	sheets := plainSheets(
		"A J1 81.33", "A J2 75.50", "A J3 90.00", "A J4 60.25", "A J5 88.10",
		"D J1 70", "D J2 80", "D J3 90", "D J4 99.99", // one sheet short of trim-min 5
	)
	rk := mustRank(t, plain, sheets, Options{})
	rules := map[string]Rule{}
	for _, r := range rk.Entries {
		rules[r.Entry] = r.Rule
	}
	if want := (Rule{Method: MethodTrimmed, Sheets: 5}); rules["A"] != want {
		t.Errorf("A: rule %+v, want %+v", rules["A"], want)
	}
	want := Rule{Method: MethodMean, Sheets: 4, Fallback: FallbackFewSheets, Needed: 5}
	if rules["D"] != want {
		t.Errorf("D: rule %+v, want %+v", rules["D"], want)
	}
	if got := rules["D"].String(); got != "plain mean of 4 sheets: trimmed needs at least 5" {
		t.Errorf("D: %q", got)
	}
	for _, m := range []Method{MethodMean, MethodMedian, MethodZScore} {
		rk := mustRank(t, plain, sheets, Options{Method: m})
		for _, r := range rk.Entries {
			if r.Rule.Method != m || r.Rule.Fallback != "" || r.Rule.Sheets != len(r.Sheets) {
				t.Errorf("%s: %s has rule %+v", m, r.Entry, r.Rule)
			}
		}
	}
}

func TestMedian(t *testing.T) {
	sheets := plainSheets(
		// odd: 70, 80, 95 → 80.00
		"A J1 70", "A J2 95", "A J3 80",
		// even: 70, 80.01, 90, 95 → (80.01 + 90) / 2 = 85.005 → 85.01 (half up)
		"B J1 95", "B J2 80.01", "B J3 70", "B J4 90",
		// one total
		"C J1 33.33",
	)
	check(t, mustRank(t, plain, sheets, Options{Method: MethodMedian}), `
1 B 85.01
2 A 80.00
3 C 33.33
`)
}

func TestZScore(t *testing.T) {
	// Judge A gives 80, 70, 60 to E1, E2, E3: μ = 70, σ = √(200/3), z = +√1.5, 0, −√1.5.
	// Judge B gives 90 to all: σ = 0, so every z of B is 0.
	// Judge C gives 70, 50, 60: μ = 60, σ = √(200/3), z = +√1.5, −√1.5, 0.
	// All nine totals: G_μ = 660/9 = 73.333…; Σt² = 50200, 50200/9 − G_μ² = 200, G_σ = √200.
	// G_σ·√1.5 = √300 = 17.3205…
	// E1 = 73.333… + (17.3205 + 0 + 17.3205)/3 = 73.333… + 11.5470… = 84.8803… → 84.88
	// E2 = 73.333… + (0 + 0 − 17.3205)/3 = 73.333… − 5.7735… = 67.5598… → 67.56
	// E3 = 73.333… + (−17.3205 + 0 + 0)/3 = 67.56 as well: a tie at rank 2.
	sheets := plainSheets(
		"E1 A 80", "E2 A 70", "E3 A 60",
		"E1 B 90", "E2 B 90", "E3 B 90",
		"E1 C 70", "E2 C 50", "E3 C 60",
	)
	rk := mustRank(t, plain, sheets, Options{Method: MethodZScore})
	check(t, rk, `
1 E1 84.88
2 E2 67.56
2 E3 67.56
`)
	z := rk.ZScore
	// Displayed statistics: G_μ 73.33, G_σ √200 = 14.1421… → 14.14; σ_A = √66.67 = 8.1649… → 8.16.
	want := ZStats{Mean: 7333, SD: 1414, Judges: []JudgeStat{
		{Judge: "A", Sheets: 3, Mean: 7000, SD: 816},
		{Judge: "B", Sheets: 3, Mean: 9000, SD: 0},
		{Judge: "C", Sheets: 3, Mean: 6000, SD: 816},
	}}
	if !reflect.DeepEqual(*z, want) {
		t.Fatalf("zscore stats = %+v; want %+v", *z, want)
	}
	if !reflect.DeepEqual(rk.Ties, []Tie{{Rank: 2, Score: 6756, Entries: []string{"E2", "E3"}}}) {
		t.Fatalf("ties = %+v", rk.Ties)
	}
}

func TestZScoreExactAtBoundary(t *testing.T) {
	// Judges A and B give the same two totals in swapped order, so they have
	// the same μ and σ, and each entry's z values cancel: the score is G_μ =
	// (80.00 + 80.01) / 2 = 80.005 exactly, which rounds half up to 80.01.
	// (An approximate square root would land on either side of 80.005.)
	sheets := plainSheets("E1 A 80.00", "E2 A 80.01", "E1 B 80.01", "E2 B 80.00")
	check(t, mustRank(t, plain, sheets, Options{Method: MethodZScore}), `
1 E1 80.01
1 E2 80.01
`)
	// A gives 80.00, 80.01, 79.99 and B 80.01, 79.99, 80.00 to E1, E2, E3: both
	// have μ = 80 and σ² = 0.0002/3, so G_μ = 80, G_σ = σ and G_σ·z = t − μ:
	// each score is the mean of the entry's totals. E1 = (80.00 + 80.01)/2 =
	// 80.005 → 80.01; E2 = (80.01 + 79.99)/2 = 80.00; E3 = (79.99 + 80.00)/2 =
	// 79.995 → 80.00. Here G_σ/σ_j = 1 but the factor h_j is 1/3, not a binary
	// fraction, so the fast bracketing cannot decide and the exact path must.
	sheets = plainSheets("E1 A 80.00", "E2 A 80.01", "E3 A 79.99", "E1 B 80.01", "E2 B 79.99", "E3 B 80.00")
	check(t, mustRank(t, plain, sheets, Options{Method: MethodZScore}), `
1 E1 80.01
2 E2 80.00
2 E3 80.00
`)
	// Everyone gives the same total: G_σ = 0 and every score is G_μ.
	sheets = plainSheets("E1 A 70", "E2 A 70", "E1 B 70")
	check(t, mustRank(t, plain, sheets, Options{Method: MethodZScore}), `
1 E1 70.00
1 E2 70.00
`)
}

func TestRoundSqrtSum(t *testing.T) {
	rat := func(a, b int64) *big.Rat { return big.NewRat(a, b) }
	ints := func(xs ...int64) []*big.Int {
		var out []*big.Int
		for _, x := range xs {
			out = append(out, big.NewInt(x))
		}
		return out
	}
	cases := []struct {
		r    *big.Rat
		a    []*big.Rat
		rad  []*big.Int
		want int64
	}{
		{rat(1, 2), []*big.Rat{rat(2, 1), rat(-1, 1)}, ints(2, 8), 1},    // 1/2 + 2√2 − √8 = 1/2 → 1
		{rat(-1, 2), []*big.Rat{rat(3, 1), rat(-1, 1)}, ints(3, 27), -1}, // −1/2 + 3√3 − √27 = −1/2 → −1
		{rat(0, 1), []*big.Rat{rat(100, 1)}, ints(2), 141},               // 141.42…
		{rat(0, 1), []*big.Rat{rat(-100, 1)}, ints(2), -141},             //
		{rat(0, 1), []*big.Rat{rat(1, 2)}, ints(9), 2},                   // 3/2 → 2
		{rat(1, 1), []*big.Rat{rat(1, 1), rat(1, 1)}, ints(2, 3), 4},     // 1 + 1.414 + 1.732 = 4.146
		{rat(-1, 1), []*big.Rat{rat(1, 1), rat(-1, 1)}, ints(0, 5), -3},  // −1 − 2.236 = −3.236
		{rat(1, 1), []*big.Rat{rat(1, 1000000)}, ints(250000000000), 2},  // 1 + 500000/10^6 = 1.5 → 2
		{rat(0, 1), []*big.Rat{rat(1, 1), rat(-1, 1)}, ints(50, 18), 3},  // 5√2 − 3√2 = 2√2 = 2.83 → 3
	}
	for i, c := range cases {
		if got := roundSqrtSum(c.r, c.a, c.rad); got.Int64() != c.want {
			t.Errorf("case %d: got %s; want %d", i, got, c.want)
		}
	}
}

func TestCompetitionRanking(t *testing.T) {
	sheets := plainSheets("A J1 90", "B J1 85", "C J1 85", "D J1 80", "E J1 80", "F J1 79.99")
	rk := mustRank(t, plain, sheets, Options{Method: MethodMean})
	check(t, rk, `
1 A 90.00
2 B 85.00
2 C 85.00
4 D 80.00
4 E 80.00
6 F 79.99
`)
	want := []Tie{{Rank: 2, Score: 8500, Entries: []string{"B", "C"}}, {Rank: 4, Score: 8000, Entries: []string{"D", "E"}}}
	if !reflect.DeepEqual(rk.Ties, want) {
		t.Fatalf("ties = %+v", rk.Ties)
	}
	if tb := rk.Entries[2].TieBreak; tb == nil || *tb != (TieBreak{Above: "B"}) {
		t.Fatalf("C's tie-break = %+v", tb)
	}
	if rk.Entries[1].TieBreak != nil || rk.Entries[5].TieBreak != nil {
		t.Fatal("tie-break explanation on an entry without an equal neighbour")
	}
}

func TestTieBreak(t *testing.T) {
	rb := Rubric{Criteria: []Criterion{{Key: "tech", Name: "技术", Max: 6000}, {Key: "biz", Name: "商业", Max: 4000}}}
	s := func(e, j, tech, biz string) Sheet {
		return Sheet{Entry: e, Judge: j, Marks: map[string]Points{"tech": p(tech), "biz": p(biz)}}
	}
	sheets := []Sheet{
		// A: totals 80, 80 → 80.00; tech mean 45, biz mean 35
		s("A", "J1", "50", "30"), s("A", "J2", "40", "40"),
		// B: totals 80, 80 → 80.00; tech mean 46, biz mean 34
		s("B", "J1", "46", "34"), s("B", "J2", "46", "34"),
		// C: totals 80, 80 → 80.00; tech 45, biz 35 like A: tied with A on both
		s("C", "J1", "45", "35"), s("C", "J2", "45", "35"),
	}
	// By tech: B (46) before A and C (45); A and C still equal on biz: rank 2, 2.
	rk := mustRank(t, rb, sheets, Options{Method: MethodMean, TieBreak: []string{"tech", "biz"}})
	check(t, rk, "1 B 80.00\n2 A 80.00\n2 C 80.00\n")
	if tb := *rk.Entries[1].TieBreak; tb != (TieBreak{Above: "B", Criterion: "tech"}) {
		t.Fatalf("A: %+v", tb)
	}
	if tb := *rk.Entries[2].TieBreak; tb != (TieBreak{Above: "A"}) {
		t.Fatalf("C: %+v", tb)
	}
	// By biz first: A and C (35) before B (34).
	rk = mustRank(t, rb, sheets, Options{Method: MethodMean, TieBreak: []string{"biz"}})
	check(t, rk, "1 A 80.00\n1 C 80.00\n3 B 80.00\n")
	if tb := *rk.Entries[2].TieBreak; tb != (TieBreak{Above: "C", Criterion: "biz"}) {
		t.Fatalf("B: %+v", tb)
	}

	// Means are compared exactly: X's tech marks 45.33, 45.33, 45.34 have mean
	// 45.3333…, Y's 45.33 ×3 exactly 45.33; both round to 45.33 but X is higher.
	// Totals: X (45.33+34.67)+(45.33+34.67)+(45.34+34.66) = 80 ×3, Y 80 ×3.
	sheets = []Sheet{
		s("Y", "J1", "45.33", "34.67"), s("Y", "J2", "45.33", "34.67"), s("Y", "J3", "45.33", "34.67"),
		s("X", "J1", "45.33", "34.67"), s("X", "J2", "45.33", "34.67"), s("X", "J3", "45.34", "34.66"),
	}
	rk = mustRank(t, rb, sheets, Options{Method: MethodMean, TieBreak: []string{"tech"}})
	check(t, rk, "1 X 80.00\n2 Y 80.00\n")
	if tb := *rk.Entries[1].TieBreak; tb != (TieBreak{Above: "X", Criterion: "tech"}) {
		t.Fatalf("Y: %+v", tb)
	}
}

func TestRankErrors(t *testing.T) {
	good := plainSheets("A J1 50")
	cases := []struct {
		name   string
		sheets []Sheet
		opt    Options
		want   []string
	}{
		{"method", good, Options{Method: "best"}, []string{"method/unknown"}},
		{"trim-min", good, Options{TrimMin: 2}, []string{"trim_min/range"}},
		{"tie-break", good, Options{TieBreak: []string{"s", "x", "s"}}, []string{"tie_break[1]/unknown", "tie_break[2]/duplicate"}},
		{"duplicate", plainSheets("A J1 50", "B J1 60", "A J1 70"), Options{}, []string{"sheet(A,J1)/duplicate"}},
		{"marks", []Sheet{
			{Entry: "B", Judge: "J2", Marks: map[string]Points{"s": p("100.01")}},
			{Entry: "A", Judge: "J1", Marks: map[string]Points{"x": 1}},
			{Entry: "", Judge: "J1", Marks: map[string]Points{"s": 1}},
		}, Options{}, []string{"sheet(,J1)/required", "sheet(A,J1).s/required", "sheet(A,J1).x/unknown", "sheet(B,J2).s/range"}},
	}
	for _, c := range cases {
		_, err := Rank(plain, c.sheets, c.opt)
		if got := fieldsOf(t, err); !slices.Equal(got, c.want) {
			t.Errorf("%s: fields %v; want %v", c.name, got, c.want)
		}
	}
	if _, err := Rank(Rubric{}, good, Options{}); err == nil {
		t.Error("invalid rubric accepted")
	}
	rk, err := Rank(plain, nil, Options{Method: MethodZScore})
	if err != nil || len(rk.Entries) != 0 {
		t.Errorf("no sheets: %+v, %v", rk, err)
	}
}
