// Package objections is the room of objections (异议) to published results:
// filing one from the public form (real name, ID, contacts, the entry, the
// grounds, evidence; an organization's stamped letter), the objector's
// lookup by reference, and the organizers' handling: list, detail, assign,
// investigation notes and files, and the decision — rejected with a reply,
// or upheld with a remedy, which reopens the round for correction through
// results (ReviseTx) in the same transaction. Every step is audited. ID
// numbers are sealed (package sealed) and shown to the contest's organizers
// only. It imports contest, contest/audit, contest/results and files/*.
package objections

import (
	"context"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/results"
	"podium/files/blob"
	"podium/sealed"
)

// Publications finds a round's current publication: results.Service.
type Publications interface {
	CurrentPublication(ctx context.Context, q sqlx.QueryerContext, contestID int64, roundKey string) (results.Publication, error)
	PublishedRounds(ctx context.Context, contestID int64) ([]results.RoundName, error)
}

// ReviseFunc reopens a published round for correction in the caller's
// transaction: results.ReviseTx (a test may watch or fail it).
type ReviseFunc func(ctx context.Context, tx *sqlx.Tx, now time.Time, actorID, contestID, roundID int64, reason string) error

// Service holds objections.
type Service struct {
	db    *contest.DB
	blobs blob.Store
	box   *sealed.Box
	// Publications and Revise are the results room's functions this room
	// calls: New sets them to results' own.
	Publications Publications
	Revise       ReviseFunc
	Log          *slog.Logger
}

// New returns the service on db, storing files in blobs and sealing ID
// numbers with box.
func New(db *contest.DB, blobs blob.Store, box *sealed.Box) *Service {
	return &Service{db: db, blobs: blobs, box: box, Publications: results.New(db), Revise: results.ReviseTx, Log: slog.Default()}
}

func (s *Service) now() time.Time { return s.db.NowUTC() }
