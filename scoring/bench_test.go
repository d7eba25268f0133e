package scoring

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchRubric has weights ≠ max so that totals are not plain sums.
var benchRubric = Rubric{Criteria: []Criterion{
	{Key: "tech", Name: "技术", Max: 30_00, Weight: 30_00},
	{Key: "market", Name: "市场", Max: 25_00, Weight: 20_00},
	{Key: "team", Name: "团队", Max: 20_00, Weight: 20_00},
	{Key: "finance", Name: "财务", Max: 15_00, Weight: 17_50},
	{Key: "social", Name: "社会效益", Max: 10_00, Weight: 12_50},
}}

// benchSheets makes entries × perEntry sheets from a pool of judges, each
// judge with a personal leniency so that zscore has work to do.
func benchSheets(entries, perEntry, pool int, seed uint64) []Sheet {
	rng := rand.New(rand.NewPCG(seed, 1))
	bias := make([]float64, pool)
	for j := range bias {
		bias[j] = 0.8 + 0.4*rng.Float64() // only shapes the test data
	}
	sheets := make([]Sheet, 0, entries*perEntry)
	for e := range entries {
		quality := rng.Float64()
		first := rng.IntN(pool)
		for i := range perEntry {
			j := (first + i*(pool/perEntry)) % pool
			marks := make(map[string]Points, len(benchRubric.Criteria))
			for _, c := range benchRubric.Criteria {
				x := quality*bias[j]*0.7 + 0.3*rng.Float64()
				m := Points(x * float64(c.Max))
				marks[c.Key] = min(max(m, 0), c.Max)
			}
			sheets = append(sheets, Sheet{Entry: fmt.Sprintf("E%06d", e), Judge: fmt.Sprintf("J%04d", j), Marks: marks})
		}
	}
	return sheets
}

func BenchmarkRank50kx7(b *testing.B) {
	sheets := benchSheets(50_000, 7, 700, 42)
	for _, m := range Methods {
		b.Run(string(m), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rk, err := Rank(benchRubric, sheets, Options{Method: m, TieBreak: []string{"tech", "market"}})
				if err != nil {
					b.Fatal(err)
				}
				if len(rk.Entries) != 50_000 {
					b.Fatal(len(rk.Entries))
				}
			}
		})
	}
}
