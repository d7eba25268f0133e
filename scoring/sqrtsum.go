package scoring

import "math/big"

// roundSqrtSum returns R + Σ a_i·√r_i rounded half away from zero to an
// integer, exactly, for rationals R, a_i and non-negative integers r_i.
//
// Square roots are grouped into classes whose radicands differ by a square
// factor (r·r' is a perfect square, so √r = √(r·r')/r'·√r'); perfect squares
// join R. If every remaining class has a zero coefficient the sum is the
// rational R, rounded exactly. Otherwise the sum is irrational — square roots
// of distinct square-free integers are linearly independent over the
// rationals (Besicovitch) — so it is never exactly on a rounding boundary,
// and bracketing it ever more tightly must end with both ends rounding alike.
func roundSqrtSum(r *big.Rat, a []*big.Rat, rad []*big.Int) *big.Int {
	type class struct {
		rep  *big.Int
		coef *big.Rat
	}
	sum := new(big.Rat).Set(r)
	var classes []class
	for i := range a {
		if a[i].Sign() == 0 || rad[i].Sign() == 0 {
			continue
		}
		if s, ok := exactSqrt(rad[i]); ok {
			sum.Add(sum, new(big.Rat).Mul(a[i], new(big.Rat).SetInt(s)))
			continue
		}
		placed := false
		for c := range classes {
			if s, ok := exactSqrt(new(big.Int).Mul(rad[i], classes[c].rep)); ok {
				f := new(big.Rat).SetFrac(s, classes[c].rep)
				classes[c].coef.Add(classes[c].coef, f.Mul(f, a[i]))
				placed = true
				break
			}
		}
		if !placed {
			classes = append(classes, class{rep: rad[i], coef: new(big.Rat).Set(a[i])})
		}
	}
	live := classes[:0]
	for _, c := range classes {
		if c.coef.Sign() != 0 {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		return ratRound(sum)
	}
	for prec := uint(64); ; prec *= 2 {
		scale := new(big.Int).Lsh(big.NewInt(1), prec)
		lo, hi := new(big.Rat).Set(sum), new(big.Rat).Set(sum)
		for _, c := range live {
			s := new(big.Int).Lsh(c.rep, 2*prec)
			s.Sqrt(s) // s/2^prec < √rep < (s+1)/2^prec
			below := new(big.Rat).SetFrac(s, scale)
			above := new(big.Rat).SetFrac(new(big.Int).Add(s, big.NewInt(1)), scale)
			below.Mul(below, c.coef)
			above.Mul(above, c.coef)
			if c.coef.Sign() < 0 {
				below, above = above, below
			}
			lo.Add(lo, below)
			hi.Add(hi, above)
		}
		if x, y := ratRound(lo), ratRound(hi); x.Cmp(y) == 0 {
			return x
		}
	}
}

// exactSqrt returns √x and true when x is a perfect square.
func exactSqrt(x *big.Int) (*big.Int, bool) {
	s := new(big.Int).Sqrt(x)
	return s, new(big.Int).Mul(s, s).Cmp(x) == 0
}
