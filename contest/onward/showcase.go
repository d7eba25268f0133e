package onward

import (
	"context"
	"time"

	"podium/files/table"
)

// Showcase is the investor showcase's requests for contact (contest/showcase):
// who asked whom, when, and the answer — no contact detail, no message.
const Showcase What = "showcase"

// showcaseQuery lists a contest's requests for contact, oldest first. It
// reads the showcase's tables in a join, as exports read every room's.
const showcaseQuery = `
	SELECT r.created_at, i.institution, i.uscc, e.title, coalesce(o.name, '') AS organization,
	       t.name_zh AS track_zh, t.name_en AS track_en, g.name_zh AS group_zh, g.name_en AS group_en, r.state, r.decided_at
	FROM showcase_requests r JOIN investors i ON i.account_id = r.investor_id JOIN entries e ON e.id = r.entry_id
	JOIN tracks t ON t.id = e.track_id JOIN contest_groups g ON g.id = e.group_id
	LEFT JOIN organizations o ON o.id = e.organization_id
	WHERE r.contest_id = $1
	ORDER BY r.created_at, r.id`

type showcaseRow struct {
	CreatedAt    time.Time  `db:"created_at"`
	Institution  string     `db:"institution"`
	USCC         string     `db:"uscc"`
	Title        string     `db:"title"`
	Organization string     `db:"organization"`
	TrackZh      string     `db:"track_zh"`
	TrackEn      string     `db:"track_en"`
	GroupZh      string     `db:"group_zh"`
	GroupEn      string     `db:"group_en"`
	State        string     `db:"state"`
	DecidedAt    *time.Time `db:"decided_at"`
}

var showcaseColumns = []word{
	{"请求时间", "Asked at"},
	{"投资机构", "Institution"},
	{"机构统一社会信用代码", "Institution's USCC"},
	{"项目名称", "Title"},
	{"单位名称", "Organization"},
	{"赛道", "Track"},
	{"组别", "Group"},
	{"状态", "State"},
	{"处理时间", "Answered at"},
}

func (s *Service) showcase(_ context.Context, e *Export, contestID int64, lang Lang) error {
	e.cols = words(lang, showcaseColumns...)
	e.write = func(ctx context.Context, t *table.Writer) error {
		rows, err := s.db.QueryxContext(ctx, showcaseQuery, contestID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r showcaseRow
			if err := rows.StructScan(&r); err != nil {
				return err
			}
			state := named(lang, "showcase.request.", r.State)
			created := r.CreatedAt
			if err := t.WriteRow(s.local(&created), r.Institution, r.USCC, r.Title, r.Organization, pick(lang, r.TrackZh, r.TrackEn),
				pick(lang, r.GroupZh, r.GroupEn), state, s.local(r.DecidedAt)); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	return nil
}
