// Package contest is the domain's common ground and its setup room: the
// types every stage shares (Contest, Setup, Round, Criterion, categories,
// EntryRef), the database handle the stages' services are built on (DB: the
// pool, the clock, prepared statements, transactions) with Classify, which
// says what a PostgreSQL failure means to the caller, and the contests' setup
// (Service). The stages are its sub-packages: access, entry, judging and
// results, each with its own Service, and audit below them all. It knows
// nothing about HTTP: failures are *fault.Error values. See
// docs/architecture.md for which way imports point.
package contest

// Service holds the contests' setup: creating and changing a contest with its
// tracks, groups, rounds, rubrics and quotas, and loading and listing them.
type Service struct {
	db *DB
}

// New returns the setup service on db.
func New(db *DB) *Service { return &Service{db: db} }
