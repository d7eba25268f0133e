package scoring

import (
	"fmt"
	"math/big"
)

// FlagKind names what a flag is about. Flags are reported, never applied:
// no total is changed or dropped because of one.
type FlagKind string

const (
	// FlagOutlier: a total more than Options.OutlierDistance away from the
	// mean of the entry's other totals.
	FlagOutlier FlagKind = "outlier"
	// FlagLenient: a judge with at least Options.JudgeFlagMin comparable
	// sheets whose every total is above the mean of the other judges' totals
	// on the same entry.
	FlagLenient FlagKind = "lenient"
	// FlagSevere: likewise, every total below.
	FlagSevere FlagKind = "severe"
)

// Flag is something organizers should look at.
type Flag struct {
	Kind      FlagKind
	Entry     string // FlagOutlier only
	Judge     string
	Total     Points // FlagOutlier: the judge's total (rounded)
	Reference Points // FlagOutlier: the mean of the entry's other totals (rounded)
	Sheets    int    // FlagLenient, FlagSevere: the sheets compared (all on the same side)
	// By (FlagLenient, FlagSevere): how far above (lenient) or below (severe)
	// the mean of the other judges' totals the judge's totals were, on
	// average over the sheets compared: exact, rounded once, never negative.
	By Points
}

func (f Flag) String() string {
	switch f.Kind {
	case FlagOutlier:
		return fmt.Sprintf("outlier: judge %s gave entry %s %s, the other judges %s on average", f.Judge, f.Entry, f.Total, f.Reference)
	case FlagLenient:
		return fmt.Sprintf("lenient judge: %s was above the other judges' mean on all %d entries compared, by %s on average", f.Judge, f.Sheets, f.By)
	default:
		return fmt.Sprintf("severe judge: %s was below the other judges' mean on all %d entries compared, by %s on average", f.Judge, f.Sheets, f.By)
	}
}

// outliers compares every total with the mean of the same entry's other
// totals, exactly: with k totals of sum S, total N is compared with
// (S−N)/(k−1) through (k−1)·N − (S−N). Entries with a single total have
// nothing to compare with. A judge's gap is the sum over its sheets of
// (total − others' mean) = diff/((k−1)·L), kept exact as a fraction and
// rounded once, after dividing by the sheets compared.
func (r *round) outliers(opt Options) (perEntry [][]Flag, judges []Flag) {
	perEntry = make([][]Flag, len(r.entries))
	above := make([]int, len(r.judges))
	below := make([]int, len(r.judges))
	compared := make([]int, len(r.judges))
	gap := make([]*big.Rat, len(r.judges))
	for j := range gap {
		gap[j] = new(big.Rat)
	}
	L := r.rub.den
	for e := range r.entries {
		lo, hi := r.sheetsOf(e)
		k := int64(hi - lo)
		if k < 2 {
			continue
		}
		var sum int64
		for _, n := range r.num[lo:hi] {
			sum += n
		}
		limit := satMul(satMul(int64(opt.OutlierDistance), L), k-1)
		for i := lo; i < hi; i++ {
			j := r.judge[i]
			others := sum - r.num[i]
			diff := (k-1)*r.num[i] - others
			compared[j]++
			gap[j].Add(gap[j], new(big.Rat).SetFrac(big.NewInt(diff), new(big.Int).Mul(big.NewInt(k-1), big.NewInt(L))))
			switch {
			case diff > 0:
				above[j]++
			case diff < 0:
				below[j]++
			}
			if diff > limit || -diff > limit {
				perEntry[e] = append(perEntry[e], Flag{Kind: FlagOutlier, Entry: r.entries[e], Judge: r.judges[j],
					Total: Points(divRound(r.num[i], L)), Reference: Points(divRound(others, (k-1)*L))})
			}
		}
	}
	for j, name := range r.judges {
		if compared[j] < opt.JudgeFlagMin {
			continue
		}
		by := new(big.Rat).Quo(gap[j], new(big.Rat).SetInt64(int64(compared[j])))
		by.Abs(by)
		switch compared[j] {
		case above[j]:
			judges = append(judges, Flag{Kind: FlagLenient, Judge: name, Sheets: compared[j], By: Points(ratRound(by).Int64())})
		case below[j]:
			judges = append(judges, Flag{Kind: FlagSevere, Judge: name, Sheets: compared[j], By: Points(ratRound(by).Int64())})
		}
	}
	return perEntry, judges
}
