package onward

import (
	"context"
	"time"

	"podium/files/table"
)

// objectionsQuery lists a contest's objections and their outcomes. Who
// objected (name, ID number, phone, email) stays out: an export travels
// further than the page, and the outcome is what the report needs.
const objectionsQuery = `
	SELECT o.reference, r.name_zh AS round_zh, r.name_en AS round_en, p.version, e.title,
	       coalesce(b.code, '') AS code, o.objector_kind, o.state, o.remedy, o.reply, o.filed_at, o.decided_at
	FROM objections o
	JOIN rounds r ON r.id = o.round_id
	JOIN publications p ON p.id = o.publication_id
	JOIN entries e ON e.id = o.entry_id
	LEFT JOIN blind_codes b ON b.round_id = o.round_id AND b.entry_id = o.entry_id
	WHERE o.contest_id = $1
	ORDER BY o.filed_at, o.id`

type objectionRow struct {
	Reference string     `db:"reference"`
	RoundZh   string     `db:"round_zh"`
	RoundEn   string     `db:"round_en"`
	Version   int        `db:"version"`
	Title     string     `db:"title"`
	Code      string     `db:"code"`
	Kind      string     `db:"objector_kind"`
	State     string     `db:"state"`
	Remedy    string     `db:"remedy"`
	Reply     string     `db:"reply"`
	FiledAt   time.Time  `db:"filed_at"`
	DecidedAt *time.Time `db:"decided_at"`
}

var objectionColumns = []word{
	{"受理编号", "Reference"},
	{"轮次", "Round"},
	{"公示版本", "Publication version"},
	{"编号", "Code"},
	{"项目名称", "Title"},
	{"异议人类型", "Objector"},
	{"状态", "State"},
	{"处理结果", "Remedy"},
	{"答复", "Reply"},
	{"提出时间", "Filed at"},
	{"决定时间", "Decided at"},
}

func (s *Service) objections(_ context.Context, e *Export, contestID int64, lang Lang) error {
	e.cols = words(lang, objectionColumns...)
	e.write = func(ctx context.Context, t *table.Writer) error {
		rows, err := s.db.QueryxContext(ctx, objectionsQuery, contestID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r objectionRow
			if err := rows.StructScan(&r); err != nil {
				return err
			}
			filed := r.FiledAt
			if err := t.WriteRow(r.Reference, pick(lang, r.RoundZh, r.RoundEn), r.Version, r.Code, r.Title, named(lang, "objection.kind.", r.Kind),
				named(lang, "objection.state.", r.State), named(lang, "objection.remedy.", r.Remedy), r.Reply, s.local(&filed), s.local(r.DecidedAt)); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	return nil
}
