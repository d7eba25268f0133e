package scoring

import (
	"errors"
	"slices"
	"testing"
)

// p parses points in tests.
func p(s string) Points {
	v, err := ParsePoints(s)
	if err != nil {
		panic(err)
	}
	return v
}

func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	ve, ok := errors.AsType[*ValidationError](err)
	if !ok {
		t.Fatalf("error %v (%T) is not a *ValidationError", err, err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("errors.Is(%v, ErrInvalid) = false", err)
	}
	var fs []string
	for _, f := range ve.Fields {
		fs = append(fs, f.Field+"/"+f.Code)
	}
	return fs
}

func TestRubricValidate(t *testing.T) {
	ok := Rubric{Criteria: []Criterion{{Key: "tech", Name: "技术", Max: 3000}, {Key: "biz", Name: "商业", Max: 2000, Weight: 2500}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := Rubric{Criteria: []Criterion{
		{Key: "tech", Name: "技术", Max: 0},                   // max must be > 0
		{Key: "tech", Name: "", Max: 1000, Weight: -100},    // duplicate key, no name, negative weight
		{Key: "entry", Name: "x", Max: 1000},                // reserved
		{Key: "a b", Name: "x", Max: MaxCriterionValue + 1}, // bad key, max too large
	}}
	got := fieldsOf(t, bad.Validate())
	want := []string{
		"criteria[0].max/range",
		"criteria[1].name/required", "criteria[1].weight/range", "criteria[1].key/duplicate",
		"criteria[2].key/reserved",
		"criteria[3].key/key", "criteria[3].max/range",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("fields = %v\nwant     %v", got, want)
	}
	if got := fieldsOf(t, (Rubric{}).Validate()); !slices.Equal(got, []string{"criteria/required"}) {
		t.Fatalf("empty rubric: %v", got)
	}
	// Weight/max ratios 1/99.97, 1/99.89, 1/99.91 need a common denominator
	// 9997·9989·9991 ≈ 10^12 > 2^38: refused rather than risking overflow.
	complex := Rubric{Criteria: []Criterion{
		{Key: "a", Name: "a", Max: 9997, Weight: 100},
		{Key: "b", Name: "b", Max: 9989, Weight: 100},
		{Key: "c", Name: "c", Max: 9991, Weight: 100},
	}}
	if got := fieldsOf(t, complex.Validate()); !slices.Equal(got, []string{"criteria/too_complex"}) {
		t.Fatalf("complex rubric: %v", got)
	}
}

func TestTotal(t *testing.T) {
	rb := Rubric{Criteria: []Criterion{
		{Key: "tech", Name: "技术与产品", Max: 3000, Weight: 3000},
		{Key: "biz", Name: "商业模式", Max: 2000, Weight: 2500},
		{Key: "team", Name: "团队", Max: 1000}, // weight defaults to max
	}}
	cases := []struct {
		marks map[string]Points
		want  string
	}{
		// 25 + 14.5×25/20 + 7 = 25 + 18.125 + 7 = 50.125 → 50.13 (half up)
		{map[string]Points{"tech": p("25"), "biz": p("14.5"), "team": p("7")}, "50.13"},
		// 30 + 20×25/20 + 10 = 65.00, the maximum
		{map[string]Points{"tech": p("30"), "biz": p("20"), "team": p("10")}, "65.00"},
		// 0.01 + 0.01×1.25 + 0 = 0.0225 → 0.02
		{map[string]Points{"tech": p("0.01"), "biz": p("0.01"), "team": p("0")}, "0.02"},
	}
	for _, c := range cases {
		got, err := rb.Total(c.marks)
		if err != nil || got.String() != c.want {
			t.Errorf("Total(%v) = %s, %v; want %s", c.marks, got, err, c.want)
		}
	}

	// The sum is rounded once, not each term: two terms of 0.01×10/8 = 0.0125
	// sum to 0.025 → 0.03, whereas rounding each term would give 0.01+0.01 = 0.02.
	once := Rubric{Criteria: []Criterion{{Key: "a", Name: "a", Max: 800, Weight: 1000}, {Key: "b", Name: "b", Max: 800, Weight: 1000}}}
	if got, err := once.Total(map[string]Points{"a": 1, "b": 1}); err != nil || got != 3 {
		t.Fatalf("round once: got %s, %v; want 0.03", got, err)
	}

	_, err := rb.Total(map[string]Points{"tech": p("31"), "biz": p("-1"), "other": 0})
	want := []string{"tech/range", "biz/range", "team/required", "other/unknown"}
	if got := fieldsOf(t, err); !slices.Equal(got, want) {
		t.Fatalf("fields = %v; want %v", got, want)
	}
	if err := rb.CheckMark("team", p("10.01")); err == nil {
		t.Fatal("CheckMark accepted 10.01 > 10")
	}
	if err := rb.CheckMark("team", p("10")); err != nil {
		t.Fatal(err)
	}
}
