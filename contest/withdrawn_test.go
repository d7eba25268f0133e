package contest_test

import (
	"context"
	"testing"

	"podium/contest/judging"
)

// An entry withdrawn from the round after a judge scored it is reported as
// withdrawn, with the decision, never as not scored.
func TestWithdrawnEntryIsNotReportedAsNotScored(t *testing.T) {
	t.Parallel()
	w := newShortfallWorld(t, 4)
	ctx := context.Background()
	w.run(t, "prelim")
	w.scoreAll(t)
	short := w.entries["可降解包装材料"] // 4 of the 5 reviews, all scored
	const reason = "经组委会研究不参加本轮"
	if _, err := w.s.WithdrawFromRound(ctx, w.organizer.ID, w.contest.ID, "prelim", short, reason); err != nil {
		t.Fatal(err)
	}
	rep, err := w.s.RankingReport(ctx, w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Withdrawn) != 1 || rep.Withdrawn[0].EntryID != short || rep.Withdrawn[0].Status != judging.ReviewsWithdrawn ||
		rep.Withdrawn[0].Submitted != 4 || rep.Withdrawn[0].Decision == nil || rep.Withdrawn[0].Decision.Reason != reason {
		t.Errorf("withdrawn %+v", rep.Withdrawn)
	}
	for _, e := range rep.NotScored {
		if e.EntryID == short {
			t.Errorf("the withdrawn entry, scored 4 times, is reported as not scored: %+v", e)
		}
	}
	for _, r := range rep.Ranking.Entries {
		if r.Entry == rep.Withdrawn[0].Code {
			t.Errorf("the withdrawn entry is ranked: %+v", r)
		}
	}
}
