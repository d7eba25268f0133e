// Package showcase is the investor showcase, the stage after the results: an
// investment institution registers (an account of role investor) and applies
// to a contest's showcase; the contest's organizer approves or rejects it.
// Once the contest's results are final, an entrant opts an accepted entry in
// (what is shown: title, summary, track, group, prize in the final
// publication, the round raised and the amount sought); an approved investor
// browses the contest's showcase and asks for contact; the entrant accepts or
// declines, and the entrant's contact details reach the investor only on
// acceptance. Every application, decision, opt-in, request and answer is
// audited in the contest's chain, with no contact detail in the record.
//
// It imports contest, contest/audit, contest/access (the investor's account,
// made in the same transaction as the institution) and contest/results (the
// final publication: whether results are final, and each entry's prize).
package showcase

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/results"
	"podium/fault"
)

// Service is the showcase.
type Service struct {
	db       *contest.DB
	accounts *access.Service
	results  *results.Service
}

// New returns the showcase on db.
func New(db *contest.DB, accounts *access.Service, res *results.Service) *Service {
	return &Service{db: db, accounts: accounts, results: res}
}

// RoundRaised is the financing round an entrant has raised (融资轮次).
type RoundRaised string

// The rounds raised, in order; the schema's CHECK names the same values.
const (
	RaisedNone  RoundRaised = "none"   // 未融资
	RaisedSeed  RoundRaised = "seed"   // 种子轮
	RaisedAngel RoundRaised = "angel"  // 天使轮
	RaisedPreA  RoundRaised = "pre_a"  // Pre-A轮
	RaisedA     RoundRaised = "a"      // A轮
	RaisedB     RoundRaised = "b"      // B轮
	RaisedCPlus RoundRaised = "c_plus" // C轮及以后
)

// RoundsRaised are the rounds an entrant chooses from, in order.
var RoundsRaised = []RoundRaised{RaisedNone, RaisedSeed, RaisedAngel, RaisedPreA, RaisedA, RaisedB, RaisedCPlus}

// ApplicationState is where an investor's application to a contest stands.
type ApplicationState string

const (
	ApplicationPending  ApplicationState = "pending"
	ApplicationApproved ApplicationState = "approved"
	ApplicationRejected ApplicationState = "rejected"
)

// RequestState is where an investor's request for contact stands.
type RequestState string

const (
	RequestPending  RequestState = "pending"
	RequestAccepted RequestState = "accepted"
	RequestDeclined RequestState = "declined"
)

// Final is the contest's final publication: the current version of its last
// round (the one that gives prizes), once it is final. Before that the
// showcase shows nothing (err.showcase.not_final).
func (s *Service) Final(ctx context.Context, contestID int64) (results.Publication, error) {
	if _, err := s.results.SettleFinality(ctx, contestID); err != nil {
		return results.Publication{}, err
	}
	return s.final(ctx, s.db, contestID)
}

func (s *Service) final(ctx context.Context, q sqlx.QueryerContext, contestID int64) (results.Publication, error) {
	var key string
	err := sqlx.GetContext(ctx, q, &key, `SELECT key FROM rounds WHERE contest_id = $1 ORDER BY position DESC LIMIT 1`, contestID)
	if errors.Is(err, sql.ErrNoRows) {
		return results.Publication{}, fault.Conflict("err.showcase.not_final")
	}
	if err != nil {
		return results.Publication{}, err
	}
	p, err := s.results.CurrentPublication(ctx, q, contestID, key)
	if fault.ErrorCode(err) == fault.CodeNotFound {
		return p, fault.Conflict("err.showcase.not_final")
	}
	if err != nil {
		return p, err
	}
	if p.State(s.db.NowUTC()) != results.StateFinal {
		return p, fault.Conflict("err.showcase.not_final")
	}
	return p, nil
}

// IsFinal reports whether the contest's results are final (the showcase is open).
func (s *Service) IsFinal(ctx context.Context, contestID int64) (bool, error) {
	_, err := s.Final(ctx, contestID)
	if fault.ErrorCode(err) == fault.CodeConflict {
		return false, nil
	}
	return err == nil, err
}
