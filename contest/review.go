package contest

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest/audit"
	"podium/fault"
)

// EntryFilter narrows and orders the organizer's list of entries.
type EntryFilter struct {
	Track string // key
	Group string // key
	State string
	Flag  string
	Query string // in the title or organization name
	Sort  string // one of EntrySorts; default newest submission first
}

// EntrySorts are the orders the organizer's list offers.
var EntrySorts = map[string]string{
	"submitted":    "e.submitted_at DESC NULLS LAST, e.id DESC",
	"title":        "e.title, e.id",
	"organization": "organization, e.id",
	"track":        "t.position, g.position, e.id",
	"state":        "e.state, e.id",
}

// EntriesInContest lists a contest's entries for its organizers. Drafts are the
// entrants' own business and are not listed.
func (s *Store) EntriesInContest(ctx context.Context, contestID int64, f EntryFilter) ([]EntrySummary, error) {
	order, ok := EntrySorts[f.Sort]
	if !ok {
		order = EntrySorts["submitted"]
	}
	list := []EntrySummary{}
	err := s.db.SelectContext(ctx, &list, entrySummarySelect+`
		WHERE e.contest_id = $1 AND e.state <> 'draft'
		  AND ($2 = '' OR t.key = $2) AND ($3 = '' OR g.key = $3) AND ($4 = '' OR e.state = $4)
		  AND ($5 = '' OR $5 = ANY(e.flags))
		  AND ($6 = '' OR strpos(lower(e.title), lower($6)) > 0 OR strpos(lower(coalesce(o.name, '')), lower($6)) > 0)
		ORDER BY `+order, contestID, f.Track, f.Group, f.State, f.Flag, strings.TrimSpace(f.Query))
	return list, err
}

// ReviewEntries accepts or rejects entries of a contest as eligible, all or none:
// an entry that is not in the contest or not submitted makes the whole decision
// fail. A rejection needs a reason, which the entrant sees.
func (s *Store) ReviewEntries(ctx context.Context, actorID, contestID int64, entryIDs []int64, accept bool, reason string) (int, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case len(entryIDs) == 0:
		return 0, fault.Invalid("entries", "err.review.none")
	case !accept && reason == "":
		return 0, fault.Invalid("reason", "err.review.reason_required")
	case utf8.RuneCountInString(reason) > 1000:
		return 0, fault.Invalid("reason", "err.too_long")
	}
	state := EntryRejected
	if accept {
		state = EntryAccepted
	}
	var n int
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var found int
		if err := tx.GetContext(ctx, &found, `
			SELECT count(*) FROM (SELECT id FROM entries WHERE contest_id = $1 AND id = ANY($2)
			AND state IN ('submitted', 'accepted', 'rejected') FOR UPDATE) s`, contestID, pq.Int64Array(entryIDs)); err != nil {
			return err
		}
		if found != len(uniqueIDs(entryIDs)) {
			return fault.Conflict("err.review.not_reviewable")
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE entries SET state = $3, review_reason = $4, reviewed_at = $5, reviewed_by = $6, updated_at = $5
			WHERE contest_id = $1 AND id = ANY($2)`, contestID, pq.Int64Array(entryIDs), state, reason, s.now(), actorID)
		if err != nil {
			return err
		}
		rows, _ := res.RowsAffected()
		n = int(rows)
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.EntriesReviewed, state,
			map[string]any{"entries": entryIDs, "state": state, "reason": reason})
	})
	return n, err
}

func uniqueIDs(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
