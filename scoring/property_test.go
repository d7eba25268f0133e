package scoring

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"
)

// randomRound makes sheets on benchRubric for up to 40 entries, each scored by
// a random subset of up to 9 judges. Marks come from a coarse grid so that
// equal totals, equal scores and tie-breaks happen often.
func randomRound(rng *rand.Rand, minJudges, maxJudges int) []Sheet {
	var sheets []Sheet
	entries := 1 + rng.IntN(40)
	for e := range entries {
		k := minJudges + rng.IntN(maxJudges-minJudges+1)
		for _, j := range rng.Perm(9)[:k] {
			marks := map[string]Points{}
			for _, c := range benchRubric.Criteria {
				marks[c.Key] = c.Max * Points(rng.IntN(5)) / 4
				if rng.IntN(3) == 0 {
					marks[c.Key] = Points(rng.Int64N(int64(c.Max) + 1))
				}
			}
			sheets = append(sheets, Sheet{Entry: fmt.Sprintf("E%02d", e), Judge: fmt.Sprintf("J%d", j), Marks: marks})
		}
	}
	return sheets
}

func TestShuffleInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		sheets := randomRound(rng, 1, 9)
		opt := Options{Method: Methods[i%len(Methods)], TieBreak: []string{"market", "tech"}, TrimMin: 3 + rng.IntN(4)}
		want := mustRank(t, benchRubric, sheets, opt)
		shuffled := append([]Sheet(nil), sheets...)
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		if got := mustRank(t, benchRubric, shuffled, opt); !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d (%s): shuffling the sheets changed the ranking", i, opt.Method)
		}
	}
}

func TestTrimmedBelowTrimMinIsMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		trimMin := 3 + rng.IntN(6)
		sheets := randomRound(rng, 1, trimMin-1)
		trimmed := mustRank(t, benchRubric, sheets, Options{Method: MethodTrimmed, TrimMin: trimMin})
		mean := mustRank(t, benchRubric, sheets, Options{Method: MethodMean})
		trimmed.Method = MethodMean
		for i, r := range trimmed.Entries {
			// The same score, by the same rule, and the explanation says why.
			if want := (Rule{Method: MethodMean, Sheets: len(r.Sheets), Fallback: FallbackFewSheets, Needed: trimMin}); r.Rule != want {
				t.Fatalf("trim-min %d: %s has rule %+v, want %+v", trimMin, r.Entry, r.Rule, want)
			}
			trimmed.Entries[i].Rule.Fallback, trimmed.Entries[i].Rule.Needed = "", 0
		}
		if !reflect.DeepEqual(trimmed, mean) {
			t.Fatalf("trim-min %d: trimmed differs from mean below trim-min", trimMin)
		}
	}
}

func TestZScoreIgnoresJudgeShift(t *testing.T) {
	// On a rubric where weight = max, adding c to one criterion's mark adds c
	// to the total. Judge J0's marks on "a" stay ≤ 40, so adding c ≤ 10 keeps
	// them within [0, 50]: every total of J0 shifts by c.
	rb := Rubric{Criteria: []Criterion{{Key: "a", Name: "a", Max: 5000}, {Key: "b", Name: "b", Max: 5000}}}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 100 {
		shift := Points(1 + rng.IntN(1000))
		var base, moved []Sheet
		for e := range 30 {
			for j := range 5 {
				a, b := Points(rng.IntN(4001)), Points(rng.IntN(5001))
				entry, judge := fmt.Sprintf("E%02d", e), fmt.Sprintf("J%d", j)
				base = append(base, Sheet{Entry: entry, Judge: judge, Marks: map[string]Points{"a": a, "b": b}})
				if j == 0 {
					a += shift
				}
				moved = append(moved, Sheet{Entry: entry, Judge: judge, Marks: map[string]Points{"a": a, "b": b}})
			}
		}
		r1 := mustRank(t, rb, base, Options{Method: MethodZScore})
		r2 := mustRank(t, rb, moved, Options{Method: MethodZScore})
		// The exact scores are the same positive affine function of the mean
		// z, so no strict order between two entries may reverse (rounding can
		// only merge or split equal neighbours).
		s1, s2 := map[string]Points{}, map[string]Points{}
		for k := range r1.Entries {
			s1[r1.Entries[k].Entry], s2[r2.Entries[k].Entry] = r1.Entries[k].Score, r2.Entries[k].Score
		}
		for a := range s1 {
			for b := range s1 {
				if s1[a] > s1[b] && s2[a] < s2[b] {
					t.Fatalf("case %d, shift %s: %s and %s swapped", i, shift, a, b)
				}
			}
		}
		if len(r1.Ties) == 0 && len(r2.Ties) == 0 {
			for k := range r1.Entries {
				if r1.Entries[k].Entry != r2.Entries[k].Entry || r1.Entries[k].Rank != r2.Entries[k].Rank {
					t.Fatalf("case %d, shift %s: rank %d is %s, was %s", i, shift, k+1, r2.Entries[k].Entry, r1.Entries[k].Entry)
				}
			}
		}
	}
}

// TestZScoreMatchesDefinition recomputes zscore straight from its definition
// with rationals — z = (t−μ)/σ per judge, G_μ + G_σ·mean(z) — and checks the
// fast bracketed computation rounds identically on every entry.
func TestZScoreMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 60 {
		sheets := randomRound(rng, 1, 9)
		rk := mustRank(t, benchRubric, sheets, Options{Method: MethodZScore})
		totals := map[string]map[string]*big.Rat{} // entry → judge → exact total (points)
		byJudge := map[string][]*big.Rat{}
		var all []*big.Rat
		for _, r := range rk.Entries {
			totals[r.Entry] = map[string]*big.Rat{}
			for _, s := range r.Sheets {
				x := s.Exact()
				totals[r.Entry][s.Judge] = x
				byJudge[s.Judge] = append(byJudge[s.Judge], x)
				all = append(all, x)
			}
		}
		gMean, gVar := meanVar(all)
		for _, r := range rk.Entries {
			k := big.NewRat(int64(len(totals[r.Entry])), 1)
			var coef []*big.Rat
			var rad []*big.Int
			for j, x := range totals[r.Entry] {
				mu, v := meanVar(byJudge[j])
				if v.Sign() == 0 {
					continue // z = 0
				}
				// G_σ·(x−μ)/σ_j = (x−μ)/v · √(gVar·v); √(p/q) = √(p·q)/q.
				prod := new(big.Rat).Mul(gVar, v)
				a := new(big.Rat).Sub(x, mu)
				a.Quo(a, v).Quo(a, k).Quo(a, new(big.Rat).SetInt(prod.Denom()))
				coef = append(coef, a.Mul(a, big.NewRat(100, 1))) // in hundredths
				rad = append(rad, new(big.Int).Mul(prod.Num(), prod.Denom()))
			}
			want := roundSqrtSum(new(big.Rat).Mul(gMean, big.NewRat(100, 1)), coef, rad)
			if want.Int64() != int64(r.Score) {
				t.Fatalf("%s: zscore %s; the definition gives %s", r.Entry, r.Score, Points(want.Int64()))
			}
		}
	}
}

// meanVar returns the mean and population variance of xs.
func meanVar(xs []*big.Rat) (*big.Rat, *big.Rat) {
	n := big.NewRat(int64(len(xs)), 1)
	mean := new(big.Rat)
	for _, x := range xs {
		mean.Add(mean, x)
	}
	mean.Quo(mean, n)
	v := new(big.Rat)
	for _, x := range xs {
		d := new(big.Rat).Sub(x, mean)
		v.Add(v, d.Mul(d, d))
	}
	return mean, v.Quo(v, n)
}
