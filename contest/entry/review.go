package entry

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/audit"
	"podium/fault"
)

// Filter narrows and orders the organizer's list of entries.
type Filter struct {
	Track string // key
	Group string // key
	State State
	Flag  string
	Query string  // in the title or organization name
	Sort  SortKey // one of SortKeys; default newest submission first
	// Ineligible keeps only the entries that fail an eligibility rule of the contest.
	Ineligible bool
}

// SortKey names an order of the organizer's list of entries.
type SortKey string

// The orders the organizer's list offers.
const (
	BySubmission   SortKey = "submitted" // newest first: the default
	ByTitle        SortKey = "title"
	ByOrganization SortKey = "organization"
	ByTrack        SortKey = "track"
	ByState        SortKey = "state"
)

// SortKeys lists the orders, in the order the list offers them.
var SortKeys = []SortKey{BySubmission, ByTitle, ByOrganization, ByTrack, ByState}

// sorts is each order's SQL.
var sorts = map[SortKey]string{
	BySubmission:   "e.submitted_at DESC NULLS LAST, e.id DESC",
	ByTitle:        "e.title, e.id",
	ByOrganization: "organization, e.id",
	ByTrack:        "t.position, g.position, e.id",
	ByState:        "e.state, e.id",
}

// ListedStates are the states of the entries the organizers' list shows, in
// order: drafts are the entrants' own business.
var ListedStates = []State{Submitted, Accepted, Rejected, Withdrawn}

// EntriesInContest lists a contest's entries for its organizers, each with the
// eligibility rules it fails by its organization's current facts (entries
// imported, or submitted before a rule changed, may fail one). Drafts are the
// entrants' own business and are not listed.
func (s *Service) EntriesInContest(ctx context.Context, contestID int64, f Filter) ([]Summary, error) {
	order, ok := sorts[f.Sort]
	if !ok {
		order = sorts[BySubmission]
	}
	list := []Summary{}
	err := s.db.SelectContext(ctx, &list, entrySummarySelect+`
		WHERE e.contest_id = $1 AND e.state <> 'draft'
		  AND ($2 = '' OR t.key = $2) AND ($3 = '' OR g.key = $3) AND ($4 = '' OR e.state = $4)
		  AND ($5 = '' OR $5 = ANY(e.flags))
		  AND ($6 = '' OR strpos(lower(e.title), lower($6)) > 0 OR strpos(lower(coalesce(o.name, '')), lower($6)) > 0)
		ORDER BY `+order, contestID, f.Track, f.Group, f.State, f.Flag, strings.TrimSpace(f.Query))
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	fails, err := s.ineligibleInContest(ctx, s.db, contestID, ids)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Ineligible = fails[list[i].ID]
	}
	if f.Ineligible {
		list = slices.DeleteFunc(list, func(e Summary) bool { return len(e.Ineligible) == 0 })
	}
	return list, nil
}

// ReviewEntries accepts or rejects entries of a contest as eligible, all or none:
// an entry that is not in the contest or not submitted makes the whole decision
// fail. A rejection needs a reason, which the entrant sees.
func (s *Service) ReviewEntries(ctx context.Context, actorID, contestID int64, entryIDs []int64, accept bool, reason string) (int, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case len(entryIDs) == 0:
		return 0, fault.Invalid("entries", "err.review.none")
	case !accept && reason == "":
		return 0, fault.Invalid("reason", "err.review.reason_required")
	case utf8.RuneCountInString(reason) > 1000:
		return 0, fault.Invalid("reason", "err.too_long")
	}
	state := Rejected
	if accept {
		state = Accepted
	}
	var n int
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var found int
		if err := tx.GetContext(ctx, &found, `
			SELECT count(*) FROM (SELECT id FROM entries WHERE contest_id = $1 AND id = ANY($2)
			AND state IN ('submitted', 'accepted', 'rejected') FOR UPDATE) s`, contestID, pq.Int64Array(entryIDs)); err != nil {
			return err
		}
		if found != len(contest.UniqueIDs(entryIDs)) {
			return fault.Conflict("err.review.not_reviewable")
		}
		// Entrants are told of a decision that changes their entry, once.
		var changed []int64
		if err := tx.SelectContext(ctx, &changed, `SELECT id FROM entries WHERE contest_id = $1 AND id = ANY($2)
			AND (state <> $3 OR review_reason <> $4) ORDER BY id`, contestID, pq.Int64Array(entryIDs), state, reason); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE entries SET state = $3, review_reason = $4, reviewed_at = $5, reviewed_by = $6, updated_at = $5
			WHERE contest_id = $1 AND id = ANY($2)`, contestID, pq.Int64Array(entryIDs), state, reason, s.now(), actorID)
		if err != nil {
			return err
		}
		rows, err := res.RowsAffected()
		if err != nil {
			return err
		}
		n = int(rows)
		if err := audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.EntriesReviewed, string(state),
			map[string]any{"entries": entryIDs, "state": state, "reason": reason}); err != nil {
			return err
		}
		return tellReviewed(ctx, tx, contestID, changed)
	})
	return n, err
}
