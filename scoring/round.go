package scoring

import (
	"math/big"
	"math/bits"
)

// Rounding: every published number is rounded exactly once, half away from
// zero, to hundredths (四舍五入; for the non-negative scores that occur in
// practice this is "half up"). All inputs to the rounding are exact.

// divRound returns num/den rounded half away from zero; den must be > 0.
func divRound(num, den int64) int64 {
	q, r := num/den, num%den
	switch {
	case r > 0 && r >= den-r:
		q++
	case r < 0 && -r >= den+r:
		q--
	}
	return q
}

// bigDivRound returns num/den rounded half away from zero; den must be > 0.
func bigDivRound(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// ratRound rounds x half away from zero to an integer.
func ratRound(x *big.Rat) *big.Int { return bigDivRound(x.Num(), x.Denom()) }

// cmpFrac compares a/b with c/d for non-negative a, c and positive b, d,
// exactly, using 128-bit products.
func cmpFrac(a, b, c, d int64) int {
	h1, l1 := bits.Mul64(uint64(a), uint64(d))
	h2, l2 := bits.Mul64(uint64(c), uint64(b))
	if h1 != h2 {
		return cmpU(h1, h2)
	}
	return cmpU(l1, l2)
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// satMul multiplies non-negative a and b, saturating at the largest int64.
func satMul(a, b int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > 1<<63-1 {
		return 1<<63 - 1
	}
	return int64(lo)
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
