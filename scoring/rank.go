package scoring

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
)

// Options choose how a round is aggregated, ranked and checked.
type Options struct {
	Method          Method   // default MethodTrimmed
	TrimMin         int      // trimmed drops totals only from entries with at least this many (default 5, at least 3)
	TieBreak        []string // criterion keys that order equal scores, in turn
	OutlierDistance Points   // flag a total this far from the others' mean (default 15.00)
	JudgeFlagMin    int      // sheets a judge needs before being flagged lenient or severe (default 3)
}

// Defaults used for zero Options fields.
const (
	DefaultTrimMin         = 5
	DefaultOutlierDistance = Points(15_00)
	DefaultJudgeFlagMin    = 3
)

func (o Options) normalized(rub *compiled) (Options, []int, error) {
	var p problems
	if o.Method == "" {
		o.Method = MethodTrimmed
	}
	if _, err := ParseMethod(string(o.Method)); err != nil {
		p.add("method", "unknown", fmt.Sprintf("unknown method %q (want trimmed, mean, median or zscore)", o.Method))
	}
	if o.TrimMin == 0 {
		o.TrimMin = DefaultTrimMin
	}
	if o.TrimMin < 3 {
		p.add("trim_min", "range", fmt.Sprintf("trim-min %d must be at least 3", o.TrimMin))
	}
	if o.OutlierDistance == 0 {
		o.OutlierDistance = DefaultOutlierDistance
	}
	if o.OutlierDistance < 0 {
		p.add("outlier_distance", "range", "the outlier distance must be positive")
	}
	if o.JudgeFlagMin == 0 {
		o.JudgeFlagMin = DefaultJudgeFlagMin
	}
	if o.JudgeFlagMin < 1 {
		p.add("judge_flag_min", "range", "the judge flag minimum must be at least 1")
	}
	var tb []int
	for i, k := range o.TieBreak {
		c, ok := rub.index[k]
		switch {
		case !ok:
			p.add(fmt.Sprintf("tie_break[%d]", i), "unknown", fmt.Sprintf("unknown tie-break criterion %q", k))
		case slices.Contains(tb, c):
			p.add(fmt.Sprintf("tie_break[%d]", i), "duplicate", fmt.Sprintf("tie-break criterion %q is listed twice", k))
		default:
			tb = append(tb, c)
		}
	}
	return o, tb, p.err()
}

// Ranking is a round's result: every entry with its rank, score and the
// explanation of both.
type Ranking struct {
	Method     Method
	Entries    []Result // by rank, then entry
	Ties       []Tie    // entries sharing a rank, for organizers to see
	JudgeFlags []Flag   // judges consistently above or below the panel
	ZScore     *ZStats  // the statistics behind zscore; nil for other methods
}

// Result is one entry's place and its explanation.
type Result struct {
	Rank     int
	Entry    string
	Score    Points
	Rule     Rule         // the rule the score was computed by, and why
	Sheets   []JudgeTotal // by judge
	Dropped  []string     // trimmed: the judge dropped as lowest, then as highest
	TieBreak *TieBreak    // set when the entry ranked just above has the same score
	Flags    []Flag       // outlying totals on this entry
}

// JudgeTotal is one judge's total for the entry.
type JudgeTotal struct {
	Judge   string
	Total   Points // rounded half up for display; the score uses the exact total
	Dropped bool
	num     int64 // exact total = num/den hundredths
	den     int64
}

// Exact returns the exact total in points.
func (t JudgeTotal) Exact() *big.Rat { return big.NewRat(t.num, t.den*100) }

// TieBreak explains how an entry was ordered against the entry just above it
// when both have the same score.
type TieBreak struct {
	Above     string // the entry ranked just above, with the same score
	Criterion string // the tie-break criterion on which Above has the higher mean mark; "" if none did (a tie)
}

// Tie is a group of entries sharing a rank.
type Tie struct {
	Rank    int
	Score   Points
	Entries []string
}

// ZStats are the statistics the zscore method used, rounded for display.
type ZStats struct {
	Mean, SD Points // G_μ and G_σ over all totals of the round
	Judges   []JudgeStat
}

// JudgeStat is one judge's mean and population standard deviation.
type JudgeStat struct {
	Judge    string
	Sheets   int
	Mean, SD Points
}

// Rank aggregates a round's sheets with opt.Method and ranks the entries:
// higher score first; equal scores are ordered by the tie-break criteria in
// turn (higher exact mean mark first); entries still equal share a rank
// (1, 2, 2, 4) and are listed in Ties. The result does not depend on the order
// of sheets. Invalid input returns a *ValidationError.
func Rank(r Rubric, sheets []Sheet, opt Options) (Ranking, error) {
	rub, err := compile(r)
	if err != nil {
		return Ranking{}, err
	}
	opt, tb, err := opt.normalized(rub)
	if err != nil {
		return Ranking{}, err
	}
	rd, err := newRound(rub, sheets, tb)
	if err != nil {
		return Ranking{}, err
	}
	rk := Ranking{Method: opt.Method}
	var agg aggregation
	switch opt.Method {
	case MethodMean:
		agg = aggregateMean(rd)
	case MethodMedian:
		agg = aggregateMedian(rd)
	case MethodZScore:
		agg, rk.ZScore = aggregateZScore(rd)
	default:
		agg = aggregateTrimmed(rd, opt.TrimMin)
	}
	flags, judgeFlags := rd.outliers(opt)
	rk.Entries, rk.Ties = rd.results(agg, flags)
	rk.JudgeFlags = judgeFlags
	return rk, nil
}

// results orders the entries and explains each one.
func (r *round) results(agg aggregation, flags [][]Flag) ([]Result, []Tie) {
	ntb := len(r.tbIdx)
	type key struct {
		score int64
		e     int
	}
	keys := make([]key, len(r.entries))
	for e := range keys {
		keys[e] = key{agg.score[e], e}
	}
	// decider returns the first tie-break on which a and b differ (-1 if none)
	// and the comparison on it, higher mean first.
	decider := func(a, b int) (int, int) {
		ka, kb := int64(r.start[a+1]-r.start[a]), int64(r.start[b+1]-r.start[b])
		for t := range ntb {
			if c := cmpFrac(r.tbSum[b*ntb+t], kb, r.tbSum[a*ntb+t], ka); c != 0 {
				return t, c
			}
		}
		return -1, 0
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if _, c := decider(a.e, b.e); c != 0 {
			return c
		}
		return cmp.Compare(a.e, b.e) // entries are numbered in name order
	})
	order := make([]int, len(keys))
	for i, k := range keys {
		order[i] = k.e
	}

	totals := make([]JudgeTotal, len(r.num))
	parallel(len(totals), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			n := r.num[i]
			totals[i] = JudgeTotal{Judge: r.judges[r.judge[i]], Total: Points(divRound(n, r.rub.den)), num: n, den: r.rub.den}
		}
	})
	res := make([]Result, len(order))
	var dropped []string // one backing array for every Result.Dropped
	var ties []Tie
	for pos, e := range order {
		lo, hi := r.sheetsOf(e)
		res[pos] = Result{Rank: pos + 1, Entry: r.entries[e], Score: Points(agg.score[e]), Rule: agg.rule[e], Sheets: totals[lo:hi:hi], Flags: flags[e]}
		if d := agg.drop[e]; d[0] >= 0 {
			if dropped == nil {
				dropped = make([]string, 0, 2*len(order))
			}
			dropped = append(dropped, totals[d[0]].Judge, totals[d[1]].Judge)
			res[pos].Dropped = dropped[len(dropped)-2 : len(dropped) : len(dropped)]
			totals[d[0]].Dropped, totals[d[1]].Dropped = true, true
		}
		if pos == 0 || agg.score[order[pos-1]] != agg.score[e] {
			continue
		}
		prev := &res[pos-1]
		tb := &TieBreak{Above: prev.Entry}
		res[pos].TieBreak = tb
		if t, _ := decider(order[pos-1], e); t >= 0 {
			tb.Criterion = r.rub.keys[r.tbIdx[t]]
			continue
		}
		res[pos].Rank = prev.Rank
		if len(ties) == 0 || ties[len(ties)-1].Rank != prev.Rank {
			ties = append(ties, Tie{Rank: prev.Rank, Score: prev.Score, Entries: []string{prev.Entry}})
		}
		ties[len(ties)-1].Entries = append(ties[len(ties)-1].Entries, res[pos].Entry)
	}
	return res, ties
}
