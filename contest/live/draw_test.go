package live

import (
	"slices"
	"testing"

	"podium/fault"
)

// The worked example of docs/scoring-rules.en.md, computed there with sha256sum.
func TestDrawOrderIsTheDocumentedFunction(t *testing.T) {
	seed := "podium-final-2026"
	if got := Commitment(seed); got != "3fe6b2b6391ae38e36a30976c3e0273ffeeb0ce794dd94409d085b339d56192b" {
		t.Errorf("commitment %s", got)
	}
	if got := DrawKey(seed, "13"); got != "39444002661403fca08d0893c82c864ad5865127f24d1772df1ae4a669fb3b9a" {
		t.Errorf("key of 13: %s", got)
	}
	codes := []string{"11", "12", "13", "14", "15"}
	order := func(seed string, codes []string) []string {
		var out []string
		for i, d := range DrawOrder(seed, codes) {
			if d.Position != i+1 || d.Key != DrawKey(seed, d.Code) {
				t.Errorf("drawn %+v at %d", d, i)
			}
			out = append(out, d.Code)
		}
		return out
	}
	want := []string{"13", "11", "15", "12", "14"}
	if got := order(seed, codes); !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	// The same seed gives the same order, whatever order the codes come in.
	if got := order(seed, []string{"15", "14", "13", "12", "11"}); !slices.Equal(got, want) {
		t.Errorf("order of reversed codes %v, want %v", got, want)
	}
	// Another seed, another order (also in the docs).
	if got := order("podium-final-2027", codes); !slices.Equal(got, []string{"13", "12", "11", "15", "14"}) {
		t.Errorf("order with another seed %v", got)
	}
}

func TestDrawInputsAreChecked(t *testing.T) {
	for _, seed := range []string{"", "a\nb", string(make([]rune, 201))} {
		if fault.ErrorCode(CheckSeed(seed)) != fault.CodeInvalid {
			t.Errorf("seed %q accepted", seed)
		}
	}
	if CheckCommitment(Commitment("x")) != nil || CheckCommitment("ABC") == nil {
		t.Error("commitment check")
	}
	if CheckCodes([]string{"1", "1"}) == nil || CheckCodes(nil) == nil || CheckCodes([]string{"a,b"}) == nil || CheckCodes([]string{"1", "2"}) != nil {
		t.Error("codes check")
	}
}

func TestTimerCountsDownAndPauses(t *testing.T) {
	t0 := mustTime("2026-11-01T10:00:00Z")
	now := t0.Add(90e9)
	tm := timerOf(PhasePitch, &t0, nil, 480, 420, now)
	if tm.Seconds != 480 || tm.Remaining != 390_000 || tm.EndsAt == nil || !tm.EndsAt.Equal(t0.Add(480e9)) || tm.Paused {
		t.Errorf("running timer %+v", tm)
	}
	p := t0.Add(60e9)
	tm = timerOf(PhaseQA, &t0, &p, 480, 420, now)
	if tm.Seconds != 420 || tm.Remaining != 360_000 || tm.EndsAt != nil || !tm.Paused {
		t.Errorf("paused timer %+v", tm)
	}
	if tm := timerOf(PhaseScoring, &t0, nil, 480, 420, now); tm.Seconds != 0 || tm.Remaining != 0 {
		t.Errorf("scoring has no countdown: %+v", tm)
	}
}
