package onward

import (
	"testing"

	"podium/files/table"
)

func TestPercentRoundsHalfUpInIntegers(t *testing.T) {
	for _, c := range []struct {
		part, whole int
		want        any
	}{
		{1, 3, table.Decimal("33.33")}, {2, 3, table.Decimal("66.67")}, {1, 32, table.Decimal("3.13")}, // 3.125 → 3.13
		{1, 200, table.Decimal("0.50")}, {0, 5, table.Decimal("0.00")}, {5, 5, table.Decimal("100.00")}, {0, 0, nil},
	} {
		if got := percent(c.part, c.whole); got != c.want {
			t.Errorf("percent(%d, %d) = %v, want %v", c.part, c.whole, got, c.want)
		}
	}
}
