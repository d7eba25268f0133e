package judging

import (
	"context"

	"podium/contest"
	"podium/scoring"
)

// JudgeProgress is how far one judge is in a round.
type JudgeProgress struct {
	ExpertID  int64  `db:"expert_id" json:"expert_id"`
	Name      string `db:"name" json:"name"`
	Assigned  int    `db:"assigned" json:"assigned"`
	Submitted int    `db:"submitted" json:"submitted"`
	Drafts    int    `db:"drafts" json:"drafts"`
	Missing   int    `db:"missing" json:"missing"`
}

// EntryProgress is how far one entry's reviews are, against the reviews the
// round requires, and how far apart its totals are.
type EntryProgress struct {
	EntryID   int64           `db:"entry_id" json:"entry_id"`
	BlindCode string          `db:"blind_code" json:"blind_code"`
	Title     string          `db:"title" json:"title"`
	Assigned  int             `db:"assigned" json:"assigned"`
	Submitted int             `db:"submitted" json:"submitted"`
	Required  int             `db:"-" json:"required"`
	Status    ReviewStatus    `db:"-" json:"status"` // see EntryReviews
	Lowest    *scoring.Points `db:"lowest" json:"lowest"`
	Highest   *scoring.Points `db:"highest" json:"highest"`
}

// Spread is the distance between the highest and lowest submitted totals.
func (e EntryProgress) Spread() scoring.Points {
	if e.Lowest == nil || e.Highest == nil {
		return 0
	}
	return *e.Highest - *e.Lowest
}

// Progress reports a round's scoring per judge and per entry, for its organizers.
func (s *Service) Progress(ctx context.Context, contestID int64, roundKey string) ([]JudgeProgress, []EntryProgress, error) {
	r, err := contest.RoundByKey(ctx, s.db, contestID, roundKey)
	if err != nil {
		return nil, nil, err
	}
	judges := []JudgeProgress{}
	err = s.db.SelectContext(ctx, &judges, `
		SELECT x.id AS expert_id, x.name, count(*) AS assigned,
		       count(*) FILTER (WHERE sh.state = 'submitted') AS submitted,
		       count(*) FILTER (WHERE sh.state IN ('draft', 'reopened')) AS drafts,
		       count(*) FILTER (WHERE sh.state IS NULL) AS missing
		FROM assignments a JOIN experts x ON x.id = a.expert_id LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
		WHERE a.round_id = $1 AND a.state = 'active' GROUP BY x.id ORDER BY missing DESC, x.name`, r.ID)
	if err != nil {
		return nil, nil, err
	}
	entries := []EntryProgress{}
	// Every entry of the round, assigned or not (see roundReviewsSQL).
	err = s.db.SelectContext(ctx, &entries, `
		SELECT e.id AS entry_id, coalesce(b.code, '') AS blind_code, e.title,
		       count(a.id) FILTER (WHERE a.state = 'active') AS assigned,
		       count(a.id) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted') AS submitted,
		       min(sh.total) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted') AS lowest,
		       max(sh.total) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted') AS highest
		FROM rounds rr JOIN entries e ON e.contest_id = rr.contest_id
		LEFT JOIN blind_codes b ON b.round_id = rr.id AND b.entry_id = e.id
		LEFT JOIN assignments a ON a.round_id = rr.id AND a.entry_id = e.id
		LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
		WHERE rr.id = $1 AND ((e.state = 'accepted' `+advancedFilter+`)
		      OR EXISTS (SELECT 1 FROM assignments x WHERE x.round_id = rr.id AND x.entry_id = e.id AND x.state = 'active'))
		GROUP BY e.id, b.code
		ORDER BY (max(sh.total) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted') -
		          min(sh.total) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted')) DESC NULLS LAST, e.id`, r.ID)
	if err != nil {
		return nil, nil, err
	}
	reviews, err := ReviewsOf(ctx, s.db, r)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]EntryReviews, len(reviews))
	for _, e := range reviews {
		byID[e.EntryID] = e
	}
	for i, e := range entries {
		entries[i].Required, entries[i].Status = byID[e.EntryID].Required, byID[e.EntryID].Status
	}
	return judges, entries, nil
}
