package onward

import (
	"context"

	"podium/files/table"
	"podium/scoring"
)

// winnersQuery reads the prizes the organizers confirmed (results.award_level,
// set on the contest's last round), by group, track, prize and rank, each
// with its rank within its track and group (ties share it: 1, 2, 2, 4), as
// prizes are given and the ranking page shows it, and its rank in the round.
const winnersQuery = `
	SELECT g.name_zh AS group_zh, g.name_en AS group_en, t.name_zh AS track_zh, t.name_en AS track_en,
	       res.award_level, res.pool_rank, res.rank, res.score, e.title,
	       coalesce(o.name, '') AS org_name, coalesce(o.contact_name, '') AS contact_name,
	       coalesce(o.contact_phone, '') AS contact_phone, coalesce(o.contact_email, '') AS contact_email
	FROM (SELECT x.*, rank() OVER (PARTITION BY x.round_id, xe.track_id, xe.group_id ORDER BY x.rank) AS pool_rank
	      FROM results x JOIN entries xe ON xe.id = x.entry_id) res
	JOIN rounds r ON r.id = res.round_id
	JOIN entries e ON e.id = res.entry_id
	JOIN tracks t ON t.id = e.track_id
	JOIN contest_groups g ON g.id = e.group_id
	LEFT JOIN organizations o ON o.id = e.organization_id
	WHERE r.contest_id = $1 AND res.award_level IS NOT NULL
	ORDER BY g.position, t.position, array_position(ARRAY['first', 'second', 'third', 'honorable'], res.award_level),
	         res.rank, e.id`

type winnerRow struct {
	GroupZh      string         `db:"group_zh"`
	GroupEn      string         `db:"group_en"`
	TrackZh      string         `db:"track_zh"`
	TrackEn      string         `db:"track_en"`
	Level        string         `db:"award_level"`
	PoolRank     int            `db:"pool_rank"`
	Rank         int            `db:"rank"`
	Score        scoring.Points `db:"score"`
	Title        string         `db:"title"`
	Organization string         `db:"org_name"`
	ContactName  string         `db:"contact_name"`
	ContactPhone string         `db:"contact_phone"`
	ContactEmail string         `db:"contact_email"`
}

func (s *Service) winners(_ context.Context, e *Export, contestID int64, lang Lang) error {
	e.cols = words(lang, winnerColumns...)
	e.write = func(ctx context.Context, t *table.Writer) error {
		rows, err := s.db.QueryxContext(ctx, winnersQuery, contestID)
		if err != nil {
			return err
		}
		defer rows.Close()
		var r winnerRow
		for rows.Next() {
			r = winnerRow{}
			if err := rows.StructScan(&r); err != nil {
				return err
			}
			if err := t.WriteRow(pick(lang, r.GroupZh, r.GroupEn), pick(lang, r.TrackZh, r.TrackEn), named(lang, "award.level.", r.Level),
				r.PoolRank, decimal(r.Score), r.Title, r.Organization, r.ContactName, r.ContactPhone, r.ContactEmail, r.Rank); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	return nil
}
