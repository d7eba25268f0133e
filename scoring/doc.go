// Package scoring turns judges' score sheets into rankings, advancement and
// awards, exactly and without I/O.
//
// Points are integers in hundredths. A judge's total, Σ mark·weight/max, is
// kept exact (an integer numerator over a denominator shared by the round),
// and every aggregate is computed from the exact totals and rounded once,
// half up (half away from zero), to hundredths, at the very end: the score of
// an entry, the combined score of several rounds. Totals shown per judge are
// rounded for display only. zscore involves square roots; its rounding is
// still exact (see zscore.go).
//
// Every result carries its explanation: the totals per judge, the judges
// dropped, the tie-break that ordered equal scores, the ties left, and the
// flags raised. The rules are documented for organizers in
// docs/scoring-rules.en.md and docs/scoring-rules.zh-CN.md.
package scoring
