package access

import "context"

// The questions authorization asks of the database; web's middleware asks
// them of every route that names a contest (see web/routes.go).

// IsContestOrganizer reports whether account organizes contest.
func (s *Service) IsContestOrganizer(ctx context.Context, contestID, accountID int64) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM contest_organizers WHERE contest_id = $1 AND account_id = $2)`, contestID, accountID)
	return ok, err
}
