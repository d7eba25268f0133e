package scoring

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestParsePoints(t *testing.T) {
	ok := map[string]Points{
		"12": 1200, "12.5": 1250, "12.34": 1234, "0": 0, "0.05": 5, "-0.05": -5,
		"+3": 300, "007.10": 710, "10000000000000": MaxPoints,
	}
	for in, want := range ok {
		got, err := ParsePoints(in)
		if err != nil || got != want {
			t.Errorf("ParsePoints(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	bad := map[string]error{
		"": ErrNotDecimal, "12.345": ErrDecimals, "0.001": ErrDecimals, "1e1": ErrNotDecimal,
		" 12": ErrNotDecimal, "12 ": ErrNotDecimal, "12.": ErrNotDecimal, ".5": ErrNotDecimal,
		"1,5": ErrNotDecimal, "--1": ErrNotDecimal, "-": ErrNotDecimal, "abc": ErrNotDecimal,
		"1.2.3": ErrNotDecimal, "NaN": ErrNotDecimal, "10000000000000.01": ErrTooLarge,
		"99999999999999999999999": ErrTooLarge,
	}
	for in, want := range bad {
		if _, err := ParsePoints(in); !errors.Is(err, want) {
			t.Errorf("ParsePoints(%q) error = %v; want %v", in, err, want)
		}
	}
}

func TestPointsString(t *testing.T) {
	cases := map[Points]string{
		1234: "12.34", 5: "0.05", -5: "-0.05", -150: "-1.50", 0: "0.00", 100: "1.00",
		math.MinInt64: "-92233720368547758.08",
	}
	for p, want := range cases {
		if got := p.String(); got != want {
			t.Errorf("Points(%d).String() = %q; want %q", int64(p), got, want)
		}
	}
}

func TestPointsJSON(t *testing.T) {
	var c struct{ A, B, C Points }
	if err := json.Unmarshal([]byte(`{"A":30,"B":12.5,"C":"7.25"}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.A != 3000 || c.B != 1250 || c.C != 725 {
		t.Fatalf("got %+v", c)
	}
	for _, in := range []string{`{"A":1e1}`, `{"A":12.345}`, `{"A":true}`, `{"A":"x"}`} {
		if err := json.Unmarshal([]byte(in), &c); err == nil {
			t.Errorf("Unmarshal(%s) accepted", in)
		}
	}
	b, err := json.Marshal(struct{ P Points }{1250})
	if err != nil || string(b) != `{"P":12.50}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
}
