package onward

import (
	"context"
	"time"

	"podium/files/table"
)

// workloadQuery counts each judge's assignments per round: active ones (what
// the judge owes), submitted sheets, drafts, recusals, and the last
// submission. Judges are named: organizers chose them; blindness is the
// judges' from the entrants, not the organizers' from the judges.
const workloadQuery = `
	SELECT r.name_zh AS round_zh, r.name_en AS round_en, x.name, x.organization,
	       count(*) FILTER (WHERE a.state = 'active') AS assigned,
	       count(*) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted') AS submitted,
	       count(*) FILTER (WHERE a.state = 'active' AND sh.state IN ('draft', 'reopened')) AS drafts,
	       count(*) FILTER (WHERE a.state = 'recused') AS recused,
	       max(sh.submitted_at) FILTER (WHERE a.state = 'active' AND sh.state = 'submitted') AS last_submitted
	FROM assignments a
	JOIN rounds r ON r.id = a.round_id
	JOIN experts x ON x.id = a.expert_id
	LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
	WHERE r.contest_id = $1
	GROUP BY r.id, r.position, r.name_zh, r.name_en, x.id, x.name, x.organization
	ORDER BY r.position, x.name, x.id`

type workloadRow struct {
	RoundZh       string     `db:"round_zh"`
	RoundEn       string     `db:"round_en"`
	Name          string     `db:"name"`
	Organization  string     `db:"organization"`
	Assigned      int        `db:"assigned"`
	Submitted     int        `db:"submitted"`
	Drafts        int        `db:"drafts"`
	Recused       int        `db:"recused"`
	LastSubmitted *time.Time `db:"last_submitted"`
}

var workloadColumns = []word{
	{"轮次", "Round"},
	{"评委", "Judge"},
	{"单位", "Organization"},
	{"分配", "Assigned"},
	{"已提交", "Submitted"},
	{"草稿", "Drafts"},
	{"未完成", "Outstanding"},
	{"回避", "Recused"},
	{"完成率(%)", "Completion (%)"},
	{"最近提交", "Last submitted"},
}

func (s *Service) workload(_ context.Context, e *Export, contestID int64, lang Lang) error {
	e.cols = words(lang, workloadColumns...)
	e.write = func(ctx context.Context, t *table.Writer) error {
		rows, err := s.db.QueryxContext(ctx, workloadQuery, contestID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r workloadRow
			if err := rows.StructScan(&r); err != nil {
				return err
			}
			if err := t.WriteRow(pick(lang, r.RoundZh, r.RoundEn), r.Name, r.Organization, r.Assigned, r.Submitted, r.Drafts,
				r.Assigned-r.Submitted, r.Recused, percent(r.Submitted, r.Assigned), s.local(r.LastSubmitted)); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	return nil
}

// percent is part/whole as a percentage with two decimals (as every decimal
// of an export is shown), rounded half up, in integers: no float on the way
// to an exact cell. Empty for no whole.
func percent(part, whole int) any {
	if whole <= 0 {
		return nil
	}
	h := (part*10000*2 + whole) / (2 * whole) // hundredths, half up
	return table.Decimal(itoa(h/100) + "." + itoa(h%100/10) + itoa(h%10))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}
