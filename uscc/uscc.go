// Package uscc normalizes and validates the unified social credit code
// (统一社会信用代码) that identifies a Chinese organization.
package uscc

import (
	"strings"

	"golang.org/x/text/width"
)

// The unified social credit code (统一社会信用代码, GB 32100-2015) has 18
// characters from this 31-character alphabet (no I, O, Z, S, V). Positions 9–17
// are the organization code of GB 11714, which carries a check digit of its own.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

var orgCodeWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// Normalize folds full-width characters (as a Chinese IME types them),
// upper-cases the code and removes spaces: the forms people type it in.
func Normalize(code string) string {
	return strings.ToUpper(strings.Join(strings.Fields(width.Fold.String(code)), ""))
}

// Valid reports whether code is a well-formed unified social credit code
// with both check characters right (the organization code's and the whole code's).
func Valid(code string) bool {
	if len(code) != 18 {
		return false
	}
	var vals [18]int
	for i := range 18 {
		v := strings.IndexByte(usccAlphabet, code[i])
		if v < 0 {
			return false
		}
		vals[i] = v
	}
	sum := 0
	for i, w := range usccWeights {
		sum += vals[i] * w
	}
	if (31-sum%31)%31 != vals[17] {
		return false
	}
	// GB 11714: positions 9–16 carry the code, position 17 its check character
	// (0–9, or X for 10). Its letters count A=10 … Z=35, not their place in the
	// 31-character alphabet above: the two differ from H on, so every "MA…"
	// code issued since 2015 needs this.
	sum = 0
	for i, w := range orgCodeWeights {
		sum += orgCodeValue(code[8+i]) * w
	}
	check := (11 - sum%11) % 11
	want := byte('0' + check)
	if check == 10 {
		want = 'X'
	}
	return code[16] == want
}

// orgCodeValue is a character's value in GB 11714: digits as themselves,
// letters A=10 … Z=35.
func orgCodeValue(c byte) int {
	if c >= 'A' && c <= 'Z' {
		return int(c-'A') + 10
	}
	return int(c - '0')
}
