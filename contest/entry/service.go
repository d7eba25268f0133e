// Package entry is the entrants' room: their organizations' profiles, their
// entries from draft to submission (with the snapshot that judging reads),
// the files they upload, the organizers' eligibility review, and entries
// imported from another system's file. It imports contest and contest/audit.
package entry

import (
	"time"

	"podium/contest"
)

// Service holds entrants' profiles, entries and uploads.
type Service struct {
	db *contest.DB
	// FindIdentity finds an entrant's names in a document's text; nil disables
	// the identity-leak check.
	FindIdentity IdentityFinder
	// JudgeCopies makes the judge copy of a PDF that has none when a judge
	// opens it; nil serves such a PDF to no judge (err.upload.no_judge_copy).
	JudgeCopies JudgeCopier
}

// New returns the service on db.
func New(db *contest.DB) *Service { return &Service{db: db} }

func (s *Service) now() time.Time { return s.db.NowUTC() }
