package scoring

import (
	"fmt"
	"slices"
)

// Method is how a round turns an entry's judge totals into its score.
type Method string

// The aggregation methods. See docs/scoring-rules.en.md for the exact rules.
const (
	MethodTrimmed Method = "trimmed" // drop one highest and one lowest total (去掉一个最高分和一个最低分)
	MethodMean    Method = "mean"
	MethodMedian  Method = "median"
	MethodZScore  Method = "zscore" // standardizes each judge to correct lenient and severe judges
)

// Methods lists the methods in the order they are documented.
var Methods = []Method{MethodTrimmed, MethodMean, MethodMedian, MethodZScore}

// ParseMethod returns the Method named s.
func ParseMethod(s string) (Method, error) {
	for _, m := range Methods {
		if string(m) == s {
			return m, nil
		}
	}
	return "", invalid("method", "unknown", fmt.Sprintf("unknown method %q (want trimmed, mean, median or zscore)", s))
}

// aggregation is the outcome of a method: a score per entry (hundredths,
// rounded once) and, for trimmed, the grouped positions of the dropped
// lowest and highest totals (-1 when nothing was dropped).
type aggregation struct {
	score []int64
	drop  [][2]int
}

func newAggregation(r *round) aggregation {
	a := aggregation{score: make([]int64, len(r.entries)), drop: make([][2]int, len(r.entries))}
	for e := range a.drop {
		a.drop[e] = [2]int{-1, -1}
	}
	return a
}

// mean: Σ totals / k.
func aggregateMean(r *round) aggregation {
	a := newAggregation(r)
	for e := range r.entries {
		lo, hi := r.sheetsOf(e)
		var sum int64
		for _, n := range r.num[lo:hi] {
			sum += n
		}
		a.score[e] = divRound(sum, int64(hi-lo)*r.rub.den)
	}
	return a
}

// trimmed: with at least trimMin totals, drop one lowest and one highest and
// average the rest. Among equal totals the judge first in name order is the one
// named as dropped (sheets are already in judge order); the score is the same
// whichever of equal totals is dropped.
func aggregateTrimmed(r *round, trimMin int) aggregation {
	a := newAggregation(r)
	for e := range r.entries {
		lo, hi := r.sheetsOf(e)
		nums := r.num[lo:hi]
		var sum int64
		for _, n := range nums {
			sum += n
		}
		k := len(nums)
		if k < trimMin {
			a.score[e] = divRound(sum, int64(k)*r.rub.den)
			continue
		}
		low := 0
		for i, n := range nums {
			if n < nums[low] {
				low = i
			}
		}
		high := -1
		for i, n := range nums {
			if i != low && (high < 0 || n > nums[high]) {
				high = i
			}
		}
		a.drop[e] = [2]int{lo + low, lo + high}
		a.score[e] = divRound(sum-nums[low]-nums[high], int64(k-2)*r.rub.den)
	}
	return a
}

// median: the middle total, or the mean of the two middle totals.
func aggregateMedian(r *round) aggregation {
	a := newAggregation(r)
	var buf []int64
	for e := range r.entries {
		lo, hi := r.sheetsOf(e)
		buf = append(buf[:0], r.num[lo:hi]...)
		slices.Sort(buf)
		k := len(buf)
		if k%2 == 1 {
			a.score[e] = divRound(buf[k/2], r.rub.den)
		} else {
			a.score[e] = divRound(buf[k/2-1]+buf[k/2], 2*r.rub.den)
		}
	}
	return a
}
