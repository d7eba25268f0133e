package scoring

import (
	"math/big"
	"math/bits"
)

// The zscore method, exactly.
//
// With totals t = N/L (hundredths), a judge j with n_j totals of sum S1_j and
// sum of squares S2_j has mean S1_j/(n_j·L) and population standard deviation
// σ_j = √V_j/(n_j·L), where V_j = n_j·S2_j − S1_j² is an integer; likewise
// G_μ = S1/(n·L) and G_σ = √V/(n·L) over all n totals of the round. Then
//
//	G_σ·z = G_σ·(t − μ_j)/σ_j = D·h_j/L,  D = n_j·N − S1_j (an integer),
//	h_j = √(V·V_j) / (V_j·n)              (depends only on V_j),
//
// and an entry with k totals scores G_μ + (1/(k·L))·Σ D·h_j. Only the h_j are
// irrational. They are bracketed between integers over 2^zFrac, which brackets
// the score; when both ends round to the same hundredth, that is the exact
// rounding of the true score. The bracket is narrower than
// Σ|D|/(2^zFrac·k·L) ≤ 2^60/2^128 < 10^-20 hundredths (|D| ≤ n_j·N ≤ 2^22·2^38
// by the rubric and sheet limits), so only a score that close to a rounding
// boundary (x.xx5) — in practice exactly on it — goes to roundSqrtSum, which
// decides exactly. The rounding of the score is therefore always the rounding
// of the true real value.
const zFrac = 128

type zClass struct {
	v     *big.Int // V_j shared by the judges of this class
	h     *big.Int // ⌊h·2^zFrac⌋
	exact bool     // h·2^zFrac is that integer
}

var bigOne = big.NewInt(1) // read only

type uint128 struct{ hi, lo uint64 }

func (u *uint128) addSquare(x int64) {
	h, l := bits.Mul64(uint64(x), uint64(x))
	var c uint64
	u.lo, c = bits.Add64(u.lo, l, 0)
	u.hi += h + c
}

func (u uint128) big() *big.Int {
	b := new(big.Int).SetUint64(u.hi)
	return b.Lsh(b, 64).Or(b, new(big.Int).SetUint64(u.lo))
}

// variance returns n·S2 − S1², i.e. n²·L²·σ² in integers.
func variance(n int64, s1 int64, s2 uint128) *big.Int {
	v := s2.big()
	v.Mul(v, big.NewInt(n))
	a := big.NewInt(s1)
	return v.Sub(v, a.Mul(a, a))
}

// roundSD rounds √V/(n·L) half up: ⌊(⌊√(4V)⌋ + nL) / (2nL)⌋.
func roundSD(v *big.Int, nl int64) Points {
	s := new(big.Int).Lsh(v, 2)
	s.Sqrt(s).Add(s, big.NewInt(nl))
	return Points(s.Quo(s, big.NewInt(2*nl)).Int64())
}

func aggregateZScore(r *round) (aggregation, *ZStats) {
	a := newAggregation(r, MethodZScore)
	m, stats := newZModel(r)
	if m == nil {
		return a, stats
	}
	parallel(len(r.entries), func(lo, hi int) {
		s := &zScratch{}
		for e := lo; e < hi; e++ {
			a.score[e] = m.score(r, e, s)
		}
	})
	return a, stats
}

// zModel holds the round-wide statistics of zscore.
type zModel struct {
	L, gn, gs1 int64
	gv         *big.Int
	nj, s1     []int64 // per judge: number and sum of total numerators
	class      []int   // per judge: index into classes, -1 when σ_j = 0
	classes    []zClass
	gs1Shift   *big.Int // S1·2^zFrac
	lq         *big.Int // L·n·2^zFrac
	bigN       *big.Int
}

// newZModel computes the judges' and the round's statistics; nil if the
// round has no sheets.
func newZModel(r *round) (*zModel, *ZStats) {
	L := r.rub.den
	m := &zModel{L: L, nj: make([]int64, len(r.judges)), s1: make([]int64, len(r.judges)), class: make([]int, len(r.judges))}
	s2 := make([]uint128, len(r.judges))
	var gs2 uint128
	for i, j := range r.judge {
		x := r.num[i]
		m.nj[j]++
		m.s1[j] += x
		s2[j].addSquare(x)
		m.gs1 += x
		gs2.addSquare(x)
	}
	m.gn = int64(len(r.num))
	stats := &ZStats{Judges: make([]JudgeStat, len(r.judges))}
	if m.gn == 0 {
		return nil, stats
	}
	m.gv = variance(m.gn, m.gs1, gs2)
	stats.Mean = Points(divRound(m.gs1, m.gn*L))
	stats.SD = roundSD(m.gv, m.gn*L)

	// One class per distinct V_j: judges with equal V_j have the same h, so
	// their terms are summed before bracketing and cancel exactly.
	byV := make(map[string]int)
	for j := range r.judges {
		v := variance(m.nj[j], m.s1[j], s2[j])
		stats.Judges[j] = JudgeStat{Judge: r.judges[j], Sheets: int(m.nj[j]),
			Mean: Points(divRound(m.s1[j], m.nj[j]*L)), SD: roundSD(v, m.nj[j]*L)}
		if v.Sign() == 0 { // σ_j = 0: every z of this judge is 0
			m.class[j] = -1
			continue
		}
		key := string(v.Bytes())
		c, ok := byV[key]
		if !ok {
			c = len(m.classes)
			byV[key] = c
			rad := new(big.Int).Mul(m.gv, v)
			rad.Lsh(rad, 2*zFrac)
			root := new(big.Int).Sqrt(rad)
			exactRoot := new(big.Int).Mul(root, root).Cmp(rad) == 0
			den := new(big.Int).Mul(v, big.NewInt(m.gn))
			h, rem := new(big.Int).QuoRem(root, den, new(big.Int))
			m.classes = append(m.classes, zClass{v: v, h: h, exact: exactRoot && rem.Sign() == 0})
		}
		m.class[j] = c
	}
	m.gs1Shift = new(big.Int).Lsh(big.NewInt(m.gs1), zFrac)
	m.lq = new(big.Int).Lsh(big.NewInt(L*m.gn), zFrac)
	m.bigN = big.NewInt(m.gn)
	return m, stats
}

// zScratch is one goroutine's reusable big integers.
type zScratch struct {
	x, t, base, q, numLo, numHi, rem, r1, r2 big.Int
	terms                                    []zTerm
}

// score returns entry e's zscore in hundredths, rounded exactly. Over the
// common denominator Q = 2^zFrac·k·L·n the numerator is S1·2^zFrac·k +
// (Σ C·h·2^zFrac)·n, bracketed by the floors of h·2^zFrac.
func (m *zModel) score(r *round, e int, s *zScratch) int64 {
	lo, hi := r.sheetsOf(e)
	k := int64(hi - lo)
	s.terms = s.terms[:0]
	for i := lo; i < hi; i++ {
		j := r.judge[i]
		c := m.class[j]
		if c < 0 {
			continue
		}
		d := m.nj[j]*r.num[i] - m.s1[j]
		found := false
		for ti := range s.terms {
			if s.terms[ti].class == c {
				s.terms[ti].coeff += d
				found = true
				break
			}
		}
		if !found {
			s.terms = append(s.terms, zTerm{c, d})
		}
	}
	s.x.SetInt64(0)
	var neg, pos int64
	for _, tm := range s.terms {
		if tm.coeff == 0 {
			continue
		}
		s.t.SetInt64(tm.coeff)
		s.x.Add(&s.x, s.t.Mul(&s.t, m.classes[tm.class].h))
		if !m.classes[tm.class].exact {
			if tm.coeff < 0 {
				neg += tm.coeff
			} else {
				pos += tm.coeff
			}
		}
	}
	s.t.SetInt64(k)
	s.base.Mul(m.gs1Shift, &s.t)
	s.q.Mul(m.lq, &s.t)
	s.numLo.Add(&s.x, s.t.SetInt64(neg)).Mul(&s.numLo, m.bigN).Add(&s.numLo, &s.base)
	s.numHi.Add(&s.x, s.t.SetInt64(pos)).Mul(&s.numHi, m.bigN).Add(&s.numHi, &s.base)
	roundInto(&s.r1, &s.numLo, &s.q, &s.rem)
	roundInto(&s.r2, &s.numHi, &s.q, &s.rem)
	if s.r1.Cmp(&s.r2) == 0 {
		return s.r1.Int64()
	}
	return zscoreExact(m.gs1, m.gn, m.L, k, m.gv, m.classes, s.terms).Int64()
}

// zTerm is an entry's summed D over the judges of one class.
type zTerm struct {
	class int
	coeff int64
}

// roundInto sets z to num/den rounded half away from zero (den > 0).
func roundInto(z, num, den, rem *big.Int) {
	z.QuoRem(num, den, rem)
	rem.Abs(rem).Lsh(rem, 1)
	if rem.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			z.Sub(z, bigOne)
		} else {
			z.Add(z, bigOne)
		}
	}
}

// zscoreExact computes an entry's rounded zscore exactly, as
// G_μ + Σ_c a_c·√(V·V_c) with a_c = C_c/(k·L·V_c·n).
func zscoreExact(gs1, gn, L, k int64, gv *big.Int, classes []zClass, terms []zTerm) *big.Int {
	rat := big.NewRat(gs1, gn*L)
	var coef []*big.Rat
	var rad []*big.Int
	for _, tm := range terms {
		if tm.coeff == 0 {
			continue
		}
		cl := classes[tm.class]
		den := new(big.Int).Mul(cl.v, big.NewInt(k*L))
		den.Mul(den, big.NewInt(gn))
		coef = append(coef, new(big.Rat).SetFrac(big.NewInt(tm.coeff), den))
		rad = append(rad, new(big.Int).Mul(gv, cl.v))
	}
	return roundSqrtSum(rat, coef, rad)
}
