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

// Rule is the rule an entry's score was computed by: the round's method, or
// the rule that method gives way to for this entry, and why.
type Rule struct {
	Method Method // the rule applied to this entry
	Sheets int    // the entry's sheets (judge totals)
	// Fallback is empty when the round's method applied as it stands, or says
	// why another rule did: FallbackFewSheets when trimmed had fewer sheets
	// than its trim-min and took the plain mean of them all.
	Fallback string
	Needed   int // with a Fallback: the sheets the round's method needs
}

// String says which rule applied, and why when it is not the round's method:
// "trimmed", or "plain mean of 4 sheets: trimmed needs at least 5".
func (r Rule) String() string {
	if r.Fallback == FallbackFewSheets {
		return fmt.Sprintf("plain mean of %d sheets: trimmed needs at least %d", r.Sheets, r.Needed)
	}
	return string(r.Method)
}

// FallbackFewSheets: the trimmed method drops totals only from entries with at
// least trim-min sheets; an entry with fewer gets the plain mean.
const FallbackFewSheets = "few_sheets"

// aggregation is the outcome of a method: a score per entry (hundredths,
// rounded once), the rule applied to it and, for trimmed, the grouped
// positions of the dropped lowest and highest totals (-1 when nothing was
// dropped).
type aggregation struct {
	score []int64
	rule  []Rule
	drop  [][2]int
}

func newAggregation(r *round, m Method) aggregation {
	a := aggregation{score: make([]int64, len(r.entries)), rule: make([]Rule, len(r.entries)), drop: make([][2]int, len(r.entries))}
	for e := range a.drop {
		a.drop[e] = [2]int{-1, -1}
		lo, hi := r.sheetsOf(e)
		a.rule[e] = Rule{Method: m, Sheets: hi - lo}
	}
	return a
}

// mean: Σ totals / k.
func aggregateMean(r *round) aggregation {
	a := newAggregation(r, MethodMean)
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
	a := newAggregation(r, MethodTrimmed)
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
			a.rule[e] = Rule{Method: MethodMean, Sheets: k, Fallback: FallbackFewSheets, Needed: trimMin}
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
	a := newAggregation(r, MethodMedian)
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
