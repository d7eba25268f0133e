// Package entry is the entrants' room: their organizations' profiles, their
// entries from draft to submission (with the snapshot that judging reads),
// the files they upload, the organizers' eligibility review, and entries
// imported from another system's file. It imports contest and contest/audit.
package entry

import (
	"log/slog"
	"time"

	"podium/contest"
	"podium/files/blob"
)

// Service holds entrants' profiles, entries and uploads.
type Service struct {
	db *contest.DB
	// Blobs holds uploaded files and their judge copies; nil accepts no
	// upload and serves judges no PDF without a copy (err.upload.no_judge_copy).
	Blobs blob.Store
	// FindIdentity finds an entrant's names in a document's text; nil disables
	// the identity-leak check.
	FindIdentity IdentityFinder
	// Log takes what goes wrong after the fact: a blob that could not be
	// deleted (it only takes space), a PDF whose text could not be read.
	Log *slog.Logger
}

// New returns the service on db.
func New(db *contest.DB) *Service { return &Service{db: db, Log: slog.Default()} }

func (s *Service) now() time.Time { return s.db.NowUTC() }
