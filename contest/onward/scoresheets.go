package onward

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/judging"
	"podium/fault"
	"podium/files/printsheet"
	"podium/scoring"
)

// SheetsRequest selects printable score sheets of a round: every judge's
// sheet of one entry (EntryID), or every sheet of one judge (ExpertID).
type SheetsRequest struct {
	ContestID int64
	Round     string
	EntryID   int64
	ExpertID  int64
	Lang      Lang
}

// PrintSheets are the sheets a request selects, ready to render: one page
// each, for the organizers' archive or for scoring on paper.
type PrintSheets struct {
	// Name is the file name without ".pdf", e.g. "2026创新大赛-初赛-MA-7K2Q-评分表".
	Name    string
	Sheets  []printsheet.Sheet
	English bool
	printed time.Time
}

var sheetsWord = word{"评分表", "score sheets"}

// sheetRow is one active assignment of the round with its sheet, if any.
type sheetRow struct {
	Assignment  int64          `db:"assignment_id"`
	EntryID     int64          `db:"entry_id"`
	Judge       string         `db:"judge"`
	Code        string         `db:"code"`
	Title       string         `db:"title"`
	State       string         `db:"state"`
	Total       *int64         `db:"total"`
	Comment     string         `db:"comment"`
	SubmittedAt *time.Time     `db:"submitted_at"`
	Room        string         `db:"room"`
	Position    *int           `db:"position"`
	Keys        pq.StringArray `db:"keys"`
	Points      pq.Int64Array  `db:"points"`
}

// sheetsQuery lists a round's active assignments ($1) of one entry ($2) or
// one judge ($3; 0 for any), with their sheets and, for submitted sheets,
// their marks. In a live round only the judges seated in an entry's room
// score it (judging.SeatedInRoomSQL), as its reviews count them. Entries in
// pitch order where there is one, then by code; an entry's judges by name.
const sheetsQuery = `
	SELECT a.id AS assignment_id, a.entry_id, x.name AS judge, coalesce(b.code, '') AS code, e.title,
	       coalesce(sh.state, '') AS state, sh.total, coalesce(sh.comment, '') AS comment, sh.submitted_at,
	       coalesce(lr.name, '') AS room, ls.position, m.keys, m.points
	FROM rounds rr JOIN assignments a ON a.round_id = rr.id AND a.state = 'active'
	JOIN entries e ON e.id = a.entry_id JOIN experts x ON x.id = a.expert_id
	LEFT JOIN blind_codes b ON b.round_id = rr.id AND b.entry_id = e.id
	LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
	LEFT JOIN live_slots ls ON ls.round_id = rr.id AND ls.entry_id = e.id
	LEFT JOIN live_rooms lr ON lr.id = ls.room_id
	LEFT JOIN LATERAL (
		SELECT array_agg(c.key) AS keys, array_agg(mk.points) AS points
		FROM marks mk JOIN criteria c ON c.id = mk.criterion_id WHERE mk.sheet_id = sh.id AND sh.state = 'submitted') m ON true
	WHERE rr.id = $1 AND ($2 = 0 OR a.entry_id = $2) AND ($3 = 0 OR a.expert_id = $3)
	  AND ` + judging.SeatedInRoomSQL + `
	ORDER BY lr.position NULLS LAST, ls.position NULLS LAST, b.code, e.id, x.name, a.id`

// ScoreSheets reads the sheets a request selects. The round and the entry
// or judge are checked first (fault not-found; invalid when neither is
// named); a selection without a sheet is err.scoresheets.none. A submitted
// sheet carries its marks, total, comment and date; any other (new, a
// draft, reopened) prints blank, to be filled in by hand. A live round's
// sheets have the entrant's signature line.
func (s *Service) ScoreSheets(ctx context.Context, req SheetsRequest) (PrintSheets, error) {
	var out PrintSheets
	if req.EntryID == 0 && req.ExpertID == 0 {
		return out, fault.Invalid("entry", "err.scoresheets.select")
	}
	c, err := contest.Load(ctx, s.db, req.ContestID)
	if err != nil {
		return out, err
	}
	r, err := contest.RoundByKey(ctx, s.db, req.ContestID, req.Round)
	if err != nil {
		return out, err
	}
	var names roundNames
	if err := s.db.GetContext(ctx, &names, `SELECT name_zh, name_en FROM rounds WHERE id = $1`, r.ID); err != nil {
		return out, err
	}
	lang := req.Lang.orDefault()
	parts := []string{pick(lang, c.NameZh, c.NameEn), pick(lang, names.NameZh, names.NameEn)}
	if req.EntryID != 0 {
		var ok bool
		if err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT FROM entries WHERE id = $1 AND contest_id = $2)`, req.EntryID, req.ContestID); err != nil {
			return out, err
		}
		if !ok {
			return out, fault.NotFound("err.entry.not_found")
		}
	}
	if req.ExpertID != 0 {
		var name *string
		if err := s.db.GetContext(ctx, &name, `SELECT (SELECT name FROM experts WHERE id = $1)`, req.ExpertID); err != nil {
			return out, err
		}
		if name == nil {
			return out, fault.NotFound("err.expert.not_found")
		}
		if req.EntryID == 0 {
			parts = append(parts, *name)
		}
	}
	criteria, err := contest.RoundCriteria(ctx, s.db, r.ID)
	if err != nil {
		return out, err
	}
	var rows []sheetRow
	if err := s.db.SelectContext(ctx, &rows, sheetsQuery, r.ID, req.EntryID, req.ExpertID); err != nil {
		return out, err
	}
	if len(rows) == 0 {
		return out, fault.NotFound("err.scoresheets.none")
	}
	if req.EntryID != 0 {
		parts = append(parts, code(rows[0]))
	}
	contestName, roundName := pick(lang, c.NameZh, c.NameEn), pick(lang, names.NameZh, names.NameEn)
	for _, row := range rows {
		sh := printsheet.Sheet{Contest: contestName, Round: roundName, Code: code(row), Title: row.Title, Judge: row.Judge,
			Entrant: r.Kind == contest.KindLive, Place: place(lang, row)}
		submitted := row.State == string(judging.SheetSubmitted)
		marks := map[string]scoring.Points{}
		if submitted {
			for i, k := range row.Keys {
				marks[k] = scoring.Points(row.Points[i])
			}
			sh.Comment = row.Comment
			if row.Total != nil {
				sh.Total = scoring.Points(*row.Total).String()
			}
			if row.SubmittedAt != nil {
				sh.Submitted = *row.SubmittedAt
			}
		}
		for _, cr := range criteria {
			pc := printsheet.Criterion{Name: pick(lang, cr.NameZh, cr.NameEn), Description: pick(lang, cr.DescriptionZh, cr.DescriptionEn),
				Max: cr.Max.String(), Weight: cr.Weight.String()}
			if p, ok := marks[cr.Key]; ok {
				pc.Mark = p.String()
			}
			sh.Criteria = append(sh.Criteria, pc)
		}
		out.Sheets = append(out.Sheets, sh)
	}
	out.Name = fileName(append(parts, sheetsWord.in(lang))...)
	out.English = lang == English
	out.printed = s.now()
	return out, nil
}

// Render writes the sheets as one PDF, a page each.
func (p PrintSheets) Render(w io.Writer) error {
	return printsheet.Render(w, p.Sheets, printsheet.Options{English: p.English, Printed: p.printed})
}

func code(r sheetRow) string {
	if r.Code == "" {
		return fmt.Sprintf("E%d", r.EntryID)
	}
	return r.Code
}

// place is where a live final's entry pitches: its room and turn, once drawn.
func place(l Lang, r sheetRow) string {
	switch {
	case r.Room == "":
		return ""
	case r.Position == nil:
		return r.Room
	case l == English:
		return fmt.Sprintf("%s, pitch %d", r.Room, *r.Position)
	}
	return fmt.Sprintf("%s，第 %d 个出场", r.Room, *r.Position)
}
