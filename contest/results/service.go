// Package results turns a round's submitted sheets into its ranking and its
// decisions: the ranking report, advancement, awards (on the combined final
// ranking where rounds are weighted), and publication (公示), after which
// nothing can change. It imports contest, contest/audit and judging (a
// round's reviews and their shortfalls).
package results

import (
	"time"

	"podium/contest"
)

// Service holds rankings and results.
type Service struct {
	db *contest.DB
}

// New returns the service on db.
func New(db *contest.DB) *Service { return &Service{db: db} }

func (s *Service) now() time.Time { return s.db.NowUTC() }
