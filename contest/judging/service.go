// Package judging is the experts' room: the expert pool and its imports,
// round panels, conflicts of interest, assignment runs (the solver is
// contest/assign), a round's opening and closing, the blind view judges read,
// score sheets from draft to submission and reopening, the files judges
// open, progress, reminders, and the entries short of reviews. It imports
// contest, contest/audit, access (whom a judge's session reaches) and entry
// (an entry's snapshot and files); results reads it.
package judging

import (
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/entry"
)

// Service holds experts, panels, assignments and score sheets.
type Service struct {
	db       *contest.DB
	accounts *access.Service
	entries  *entry.Service
}

// New returns the service on db; invites go through accounts and judges'
// files through entries.
func New(db *contest.DB, accounts *access.Service, entries *entry.Service) *Service {
	return &Service{db: db, accounts: accounts, entries: entries}
}

func (s *Service) now() time.Time { return s.db.NowUTC() }
