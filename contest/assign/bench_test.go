package assign_test

import (
	"context"
	"runtime"
	"testing"

	"podium/contest/assign"
	"podium/contest/assign/synth"
)

// benchSolve solves one generated instance per iteration and reports the
// solution quality and the process's memory (Sys: what the Go runtime took
// from the OS, an upper bound on the peak heap).
func benchSolve(b *testing.B, c synth.Config) {
	p := synth.Generate(c)
	b.ResetTimer()
	var r assign.Result
	for b.Loop() {
		var err error
		r, err = assign.Solve(context.Background(), p, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Sys)/(1<<20), "MiB-sys")
	b.ReportMetric(r.TotalAffinity/float64(len(r.Pairs)), "affinity/pair")
	b.ReportMetric(float64(r.MaxLoad), "max-load")
	b.ReportMetric(float64(r.MinLoad), "min-load")
}

// go test ./contest/assign -run '^$' -bench 'Assign10k$' -benchtime 1x
func BenchmarkAssign10k(b *testing.B) {
	benchSolve(b, synth.Config{Entries: 10_000, Experts: 1_000, PerEntry: 5, Tracks: 10, Seed: 1})
}

// go test ./contest/assign -run '^$' -bench 'Assign50k$' -benchtime 1x -timeout 30m
func BenchmarkAssign50k(b *testing.B) {
	benchSolve(b, synth.Config{Entries: 50_000, Experts: 5_000, PerEntry: 5, Tracks: 10, Seed: 1})
}
