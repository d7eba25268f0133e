package audit

import "context"

// Reading a contest's audit log a page at a time, for the organizers' audit page.
// (The chain itself, and its verification, are in chain.go.)

// Entry is an audit record with the name of the account that acted.
type Entry struct {
	Record
	ActorName string `db:"actor_name" json:"actor_name"`
}

// Query selects records of a contest's audit log, newest first.
type Query struct {
	Action Action // only records of this action; empty for every action
	Before int64  // only records numbered below this; 0 for the newest
	Limit  int    // how many records at most (1 to MaxPage)
}

// MaxPage is the most records one page of the audit log holds.
const MaxPage = 500

// Page returns the records the query selects, newest first, and whether
// older records match it too.
func (s *Service) Page(ctx context.Context, contestID int64, q Query) ([]Entry, bool, error) {
	limit := min(max(q.Limit, 1), MaxPage)
	recs := []Entry{}
	err := s.db.SelectContext(ctx, &recs, `
		SELECT l.id, l.contest_id, l.seq, l.at, l.actor_id, l.action, l.subject, l.payload, l.prev_hash, l.hash, l.scheme,
		       coalesce(a.display_name, '') AS actor_name
		FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_id
		WHERE l.contest_id = $1 AND ($2 = '' OR l.action = $2) AND ($3 = 0 OR l.seq < $3)
		ORDER BY l.seq DESC LIMIT $4`, contestID, q.Action, q.Before, limit+1)
	if err != nil {
		return nil, false, err
	}
	more := len(recs) > limit
	if more {
		recs = recs[:limit]
	}
	for i := range recs {
		recs[i].At = recs[i].At.UTC()
	}
	return recs, more, nil
}

// Actions lists the actions that occur in a contest's audit log, in order.
func (s *Service) Actions(ctx context.Context, contestID int64) ([]Action, error) {
	actions := []Action{}
	err := s.db.SelectContext(ctx, &actions, `SELECT DISTINCT action FROM audit_log WHERE contest_id = $1 ORDER BY action`, contestID)
	return actions, err
}
