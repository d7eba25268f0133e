package scoring

import (
	"math"
	"math/big"
	"testing"
)

func TestDivRound(t *testing.T) {
	cases := []struct{ num, den, want int64 }{
		{5, 10, 1}, {4, 10, 0}, {15, 10, 2}, {14, 10, 1}, // half up
		{-5, 10, -1}, {-4, 10, 0}, {-15, 10, -2}, // half away from zero
		{1, 3, 0}, {2, 3, 1}, {0, 7, 0}, {math.MaxInt64, math.MaxInt64, 1},
	}
	for _, c := range cases {
		if got := divRound(c.num, c.den); got != c.want {
			t.Errorf("divRound(%d, %d) = %d; want %d", c.num, c.den, got, c.want)
		}
		if got := bigDivRound(big.NewInt(c.num), big.NewInt(c.den)).Int64(); got != c.want {
			t.Errorf("bigDivRound(%d, %d) = %d; want %d", c.num, c.den, got, c.want)
		}
	}
}

func TestCmpFrac(t *testing.T) {
	// 1/3 < 33333/99998 because 99998 < 99999; products beyond 2^64 compare right.
	big1 := int64(1) << 40
	cases := []struct{ a, b, c, d int64 }{
		{1, 3, 33333, 99998}, {2, 4, 1, 2}, {big1 + 1, big1, big1, big1 - 1},
	}
	want := []int{-1, 0, -1}
	for i, c := range cases {
		if got := cmpFrac(c.a, c.b, c.c, c.d); got != want[i] {
			t.Errorf("cmpFrac%v = %d; want %d", c, got, want[i])
		}
		if got := cmpFrac(c.c, c.d, c.a, c.b); got != -want[i] {
			t.Errorf("cmpFrac reversed %v = %d; want %d", c, got, -want[i])
		}
	}
}
