package scoring

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// Points is an amount of points in hundredths: Points(1234) is 12.34 points.
// Keeping points as integers makes every mark, total and score exact; nothing
// that is ranked ever passes through a float.
type Points int64

// MaxPoints bounds what ParsePoints accepts (10^13 points, in hundredths), far
// beyond any rubric, so that sums of points can never overflow silently.
const MaxPoints Points = 1_000_000_000_000_000

// Errors returned (wrapped with the offending text) by ParsePoints.
var (
	ErrNotDecimal = errors.New("not a plain decimal number")
	ErrDecimals   = errors.New("more than 2 decimals")
	ErrTooLarge   = errors.New("number too large")
)

// ParsePoints parses a plain decimal such as "12", "12.5", "12.34" or "-0.05":
// an optional sign, at least one digit, and at most 2 decimals. Exponents,
// spaces, "12." and ".5" are rejected so that what is written is what is meant.
func ParsePoints(s string) (Points, error) {
	t := s
	neg := false
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg = t[0] == '-'
		t = t[1:]
	}
	whole, frac, dot := t, "", false
	if i := indexByte(t, '.'); i >= 0 {
		whole, frac, dot = t[:i], t[i+1:], true
	}
	if whole == "" || (dot && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return 0, fmt.Errorf("%q: %w", s, ErrNotDecimal)
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("%q: %w", s, ErrDecimals)
	}
	var v int64
	for _, c := range whole + (frac + "00")[:2] {
		v = v*10 + int64(c-'0')
		if v > int64(MaxPoints) {
			return 0, fmt.Errorf("%q: %w", s, ErrTooLarge)
		}
	}
	if neg {
		v = -v
	}
	return Points(v), nil
}

func indexByte(s string, b byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return i
		}
	}
	return -1
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats p with exactly 2 decimals: "12.34", "0.05", "-1.50".
func (p Points) String() string { return string(p.AppendTo(nil)) }

// AppendTo appends the String form of p to b.
func (p Points) AppendTo(b []byte) []byte {
	u := uint64(p)
	if p < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/100, 10)
	return append(b, '.', byte('0'+u%100/10), byte('0'+u%10))
}

// MarshalJSON writes p as a JSON number with 2 decimals, e.g. 12.50.
func (p Points) MarshalJSON() ([]byte, error) { return p.AppendTo(nil), nil }

// UnmarshalJSON reads a JSON number (or a string holding one) exactly, with
// the rules of ParsePoints; it never goes through float64.
func (p *Points) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	b = bytes.TrimPrefix(bytes.TrimSuffix(b, []byte(`"`)), []byte(`"`))
	v, err := ParsePoints(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
