package contest

import "context"

// Reading a contest's audit log a page at a time, for the organizers' audit page.
// (The chain itself, and its verification, are in audit.go.)

// AuditEntry is an audit record with the name of the account that acted.
type AuditEntry struct {
	AuditRecord
	ActorName string `db:"actor_name" json:"actor_name"`
}

// AuditQuery selects records of a contest's audit log, newest first.
type AuditQuery struct {
	Action string // only records of this action; empty for every action
	Before int64  // only records numbered below this; 0 for the newest
	Limit  int    // how many records at most (1 to MaxAuditPage)
}

// MaxAuditPage is the most records one page of the audit log holds.
const MaxAuditPage = 500

// AuditPage returns the records the query selects, newest first, and whether
// older records match it too.
func (s *Store) AuditPage(ctx context.Context, contestID int64, q AuditQuery) ([]AuditEntry, bool, error) {
	limit := min(max(q.Limit, 1), MaxAuditPage)
	recs := []AuditEntry{}
	err := s.DB.SelectContext(ctx, &recs, `
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

// AuditActions lists the actions that occur in a contest's audit log, in order.
func (s *Store) AuditActions(ctx context.Context, contestID int64) ([]string, error) {
	actions := []string{}
	err := s.DB.SelectContext(ctx, &actions, `SELECT DISTINCT action FROM audit_log WHERE contest_id = $1 ORDER BY action`, contestID)
	return actions, err
}
