package objections

import (
	"context"
	"time"

	"podium/contest/results"
)

// Opening is a round whose current publication may be objected to, or could
// until its period ended, as the public form lists it.
type Opening struct {
	RoundKey     string
	RoundNameZh  string
	RoundNameEn  string
	Version      int
	PeriodEndsAt time.Time
	Open         bool // the period runs now
	Entries      []results.PublishedResult
}

// Openings are the contest's published rounds with their current
// publication, in round order: those whose period is open take objections.
// None at all means nothing is published yet.
func (s *Service) Openings(ctx context.Context, contestID int64) ([]Opening, error) {
	rounds, err := s.Publications.PublishedRounds(ctx, contestID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]Opening, 0, len(rounds))
	for _, r := range rounds {
		p, err := s.Publications.CurrentPublication(ctx, s.db, contestID, r.Key)
		if err != nil {
			return nil, err
		}
		out = append(out, Opening{RoundKey: r.Key, RoundNameZh: r.NameZh, RoundNameEn: r.NameEn, Version: p.Version,
			PeriodEndsAt: p.PeriodEndsAt, Open: p.PeriodOpen(now), Entries: p.Results})
	}
	return out, nil
}
