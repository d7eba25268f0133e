package assign_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"podium/contest/assign"
	"podium/contest/assign/synth"
)

// A big round with one starved track is assigned as far as it goes, promptly:
// the other tracks fully, the starved one up to its experts' capacity.
func TestPartialLargeIsPrompt(t *testing.T) {
	t.Parallel()
	p := synth.Generate(synth.Config{Entries: 3000, Experts: 300, PerEntry: 5, Seed: 9, Slack: 1.1})
	starved := 0
	for i := range p.Experts {
		if slices.Equal(p.Experts[i].Fields, []string{synth.TrackName(0)}) {
			p.Experts[i].Capacity = 1
			starved++
		}
	}
	start := time.Now()
	r, err := assign.SolvePartial(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pairs, %d entries short, %v", len(r.Pairs), len(r.Unfilled), time.Since(start))
	checkPartial(t, p, r)
	if len(r.Unfilled) == 0 || r.Short == nil || len(r.Short.Groups) == 0 {
		t.Fatalf("want a shortage in track %s: %d unfilled", synth.TrackName(0), len(r.Unfilled))
	}
}
