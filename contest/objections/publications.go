package objections

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/fault"
	"podium/scoring"
)

// Publication is what this room needs of a round's current publication (the
// fields of results.Publication it reads).
type Publication struct {
	ID, ContestID, RoundID int64
	RoundKey               string
	Version                int
	PublishedAt            time.Time
	PeriodEndsAt           time.Time
	RevisedAt, FinalAt     *time.Time
	Results                []PublishedResult
}

// PublishedResult is an entry as a publication names it.
type PublishedResult struct {
	EntryID      int64          `db:"entry_id"`
	Code         string         `db:"code"`
	Title        string         `db:"title"`
	Organization string         `db:"organization"`
	Rank         int            `db:"rank"`
	Score        scoring.Points `db:"score"`
}

// PeriodOpen reports whether objections may be filed at now: before the
// period's end (the server clock decides).
func (p Publication) PeriodOpen(now time.Time) bool { return now.Before(p.PeriodEndsAt) }

// Result finds the publication's entry by its code.
func (p Publication) Result(code string) (PublishedResult, bool) {
	for _, r := range p.Results {
		if r.Code == code {
			return r, true
		}
	}
	return PublishedResult{}, false
}

// tablePublications reads the newest version of a round's publication from
// the publications table (migration 00014), as results.CurrentPublication
// does; it serves until the results room's function is wired in.
type tablePublications struct{}

func (tablePublications) CurrentPublication(ctx context.Context, q sqlx.QueryerContext, contestID int64, roundKey string) (Publication, error) {
	var p struct {
		ID           int64      `db:"id"`
		ContestID    int64      `db:"contest_id"`
		RoundID      int64      `db:"round_id"`
		RoundKey     string     `db:"round_key"`
		Version      int        `db:"version"`
		PublishedAt  time.Time  `db:"published_at"`
		PeriodEndsAt time.Time  `db:"period_ends_at"`
		RevisedAt    *time.Time `db:"revised_at"`
		FinalAt      *time.Time `db:"final_at"`
	}
	err := sqlx.GetContext(ctx, q, &p, `
		SELECT p.id, p.contest_id, p.round_id, r.key AS round_key, p.version, p.published_at, p.period_ends_at, p.revised_at, p.final_at
		FROM publications p JOIN rounds r ON r.id = p.round_id
		WHERE p.contest_id = $1 AND r.key = $2 ORDER BY p.version DESC LIMIT 1`, contestID, roundKey)
	if errors.Is(err, sql.ErrNoRows) {
		return Publication{}, fault.NotFound("err.results.not_published")
	}
	if err != nil {
		return Publication{}, err
	}
	out := Publication{ID: p.ID, ContestID: p.ContestID, RoundID: p.RoundID, RoundKey: p.RoundKey, Version: p.Version,
		PublishedAt: p.PublishedAt.UTC(), PeriodEndsAt: p.PeriodEndsAt.UTC(), RevisedAt: p.RevisedAt, FinalAt: p.FinalAt}
	err = sqlx.SelectContext(ctx, q, &out.Results, `
		SELECT entry_id, code, title, organization, rank, score FROM publication_results
		WHERE publication_id = $1 ORDER BY rank, code`, p.ID)
	return out, err
}

// Opening is a round whose current publication may be objected to, or could
// until its period ended, as the public form lists it.
type Opening struct {
	RoundKey     string
	RoundNameZh  string
	RoundNameEn  string
	Version      int
	PeriodEndsAt time.Time
	Open         bool // the period runs now
	Entries      []PublishedResult
}

// Openings are the contest's published rounds with their current
// publication, in round order: those whose period is open take objections.
// None at all means nothing is published yet.
func (s *Service) Openings(ctx context.Context, contestID int64) ([]Opening, error) {
	var rounds []struct {
		Key    string `db:"key"`
		NameZh string `db:"name_zh"`
		NameEn string `db:"name_en"`
	}
	if err := s.db.SelectContext(ctx, &rounds, `
		SELECT r.key, r.name_zh, r.name_en FROM rounds r
		WHERE r.contest_id = $1 AND EXISTS (SELECT 1 FROM publications p WHERE p.round_id = r.id)
		ORDER BY r.position`, contestID); err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]Opening, 0, len(rounds))
	for _, r := range rounds {
		p, err := s.Publications.CurrentPublication(ctx, s.db, contestID, r.Key)
		if err != nil {
			return nil, err
		}
		out = append(out, Opening{RoundKey: r.Key, RoundNameZh: r.NameZh, RoundNameEn: r.NameEn, Version: p.Version,
			PeriodEndsAt: p.PeriodEndsAt, Open: p.PeriodOpen(now), Entries: p.Results})
	}
	return out, nil
}
