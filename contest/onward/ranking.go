package onward

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"podium/files/table"
	"podium/scoring"
	"podium/scoring/sheetfile"
)

// A ranking needs every sheet of the round at once (a score is an aggregate
// of them), so ranking and matrix exports compute the round's ranking with
// results.Ranking — the very computation the organizers' page and
// publication use — and then write it; their size is the round's sheets,
// which the ranking holds anyway.

// entryNames are an entry's names for a ranking, by blind code.
type entryNames struct {
	Code         string `db:"code"`
	Organization string `db:"org_name"`
	TrackZh      string `db:"track_zh"`
	TrackEn      string `db:"track_en"`
	GroupZh      string `db:"group_zh"`
	GroupEn      string `db:"group_en"`
}

func (s *Service) namesByCode(ctx context.Context, contestID int64, round string) (map[string]entryNames, error) {
	var rows []entryNames
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT b.code, coalesce(o.name, '') AS org_name, t.name_zh AS track_zh, t.name_en AS track_en,
		       g.name_zh AS group_zh, g.name_en AS group_en
		FROM rounds r JOIN blind_codes b ON b.round_id = r.id
		JOIN entries e ON e.id = b.entry_id JOIN tracks t ON t.id = e.track_id JOIN contest_groups g ON g.id = e.group_id
		LEFT JOIN organizations o ON o.id = e.organization_id
		WHERE r.contest_id = $1 AND r.key = $2`, contestID, round); err != nil {
		return nil, err
	}
	m := make(map[string]entryNames, len(rows))
	for _, r := range rows {
		m[r.Code] = r
	}
	return m, nil
}

func (s *Service) ranking(ctx context.Context, e *Export, contestID int64, round string, lang Lang) error {
	rk, rs, err := s.results.Ranking(ctx, contestID, round)
	if err != nil {
		return err
	}
	names, err := s.namesByCode(ctx, contestID, round)
	if err != nil {
		return err
	}
	e.cols = words(lang, rankingColumns...)
	e.write = func(_ context.Context, t *table.Writer) error {
		for _, r := range rk.Entries {
			n := names[r.Entry]
			var totals, dropped []string
			for _, j := range r.Sheets {
				totals = append(totals, j.Judge+" "+j.Total.String())
			}
			dropped = append(dropped, r.Dropped...)
			tie := ""
			if r.TieBreak != nil {
				tie = tieBreak(lang, *r.TieBreak, rs.Rubric)
			}
			if err := t.WriteRow(r.Rank, r.Entry, rs.Titles[r.Entry], n.Organization, pick(lang, n.TrackZh, n.TrackEn),
				pick(lang, n.GroupZh, n.GroupEn), decimal(r.Score), len(r.Sheets), strings.Join(totals, "; "),
				strings.Join(dropped, "; "), rule(lang, r.Rule), tie); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}

func decimal(p scoring.Points) table.Decimal { return table.Decimal(p.String()) }

// rule says which rule gave the score, as the ranking page does: the
// method's name, or why the plain mean replaced it.
func rule(l Lang, r scoring.Rule) string {
	if r.Fallback == scoring.FallbackFewSheets {
		return fmt.Sprintf(name(l, "ranking.rule.few_sheets"), name(l, "round.method."+string(r.Method)), r.Needed, r.Sheets)
	}
	return name(l, "round.method."+string(r.Method))
}

// tieBreak says how a tie was broken, naming the criterion.
func tieBreak(l Lang, tb scoring.TieBreak, rb scoring.Rubric) string {
	criterion := tb.Criterion
	for _, c := range rb.Criteria {
		if c.Key == tb.Criterion {
			criterion = pick(l, c.Name, c.NameEn)
		}
	}
	switch {
	case tb.Criterion == "" && l == English:
		return "tied with " + tb.Above
	case tb.Criterion == "":
		return "与 " + tb.Above + " 并列"
	case l == English:
		return "below " + tb.Above + " on " + criterion
	}
	return "同分，按 " + criterion + " 排在 " + tb.Above + " 之后"
}

// The matrix's columns are exactly what `podium score --scores` reads
// (scoring/sheetfile): entry, judge and the criteria's keys, then the derived
// columns sheetfile.ReadSheets skips (total, dropped, score), which tell a
// reader what the ranking made of each sheet. The matrix is a machine file,
// the same cells in every language (headers are these keys, a dropped total
// is marked "dropped"), since a program reads it; only the sheet's and the
// file's names are translated. Scores (below) is the same sheets for people.
func (s *Service) matrix(ctx context.Context, e *Export, contestID int64, round string) error {
	rk, rs, err := s.results.Ranking(ctx, contestID, round)
	if err != nil {
		return err
	}
	keys := make([]string, len(rs.Rubric.Criteria))
	for i, c := range rs.Rubric.Criteria {
		keys[i] = c.Key
	}
	e.cols = append([]string{"entry", "judge"}, keys...)
	// A criterion named like a derived column would be read as the
	// criterion: the derived columns are left out rather than misread.
	derived := !slices.ContainsFunc(keys, func(k string) bool { return slices.Contains(sheetfile.DerivedColumns, k) })
	if derived {
		e.cols = append(e.cols, sheetfile.DerivedColumns...)
	}
	e.write = func(_ context.Context, t *table.Writer) error {
		// Sheets by entry, judges in their anonymized order, as WriteSheets
		// orders them; entries in rank order, as a reader compares.
		byEntry := make(map[string][]scoring.Sheet, len(rk.Entries))
		for _, sh := range rs.Sheets {
			byEntry[sh.Entry] = append(byEntry[sh.Entry], sh)
		}
		row := make([]any, 0, len(e.cols))
		for _, r := range rk.Entries {
			total := make(map[string]scoring.JudgeTotal, len(r.Sheets))
			for _, j := range r.Sheets {
				total[j.Judge] = j
			}
			for _, sh := range byEntry[r.Entry] {
				row = append(row[:0], sh.Entry, sh.Judge)
				for _, k := range keys {
					row = append(row, decimal(sh.Marks[k]))
				}
				if derived {
					jt := total[sh.Judge]
					dropped := ""
					if jt.Dropped {
						dropped = "dropped"
					}
					row = append(row, decimal(jt.Total), dropped, decimal(r.Score))
				}
				if err := t.WriteRow(row...); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return nil
}

// scoresColumns frame the criteria's columns of the scores export.
var scoresColumns = struct{ before, after []word }{
	before: []word{{"编号", "Code"}, {"项目名称", "Title"}, {"赛道", "Track"}, {"组别", "Group"}, {"评委", "Judge"}},
	after:  []word{{"评委总分", "Judge's total"}, {"去掉的评分", "Dropped"}, {"得分", "Score"}, {"本轮名次", "Round rank"}},
}

// scores writes the matrix's sheets for people: rows as the matrix orders
// them (entries by rank, judges anonymized), each criterion under its name
// in lang, with the entry's title, track and group, the judge's total,
// whether it was dropped, and the entry's score and rank. `podium score`
// reads the matrix, not this.
func (s *Service) scores(ctx context.Context, e *Export, contestID int64, round string, lang Lang) error {
	rk, rs, err := s.results.Ranking(ctx, contestID, round)
	if err != nil {
		return err
	}
	names, err := s.namesByCode(ctx, contestID, round)
	if err != nil {
		return err
	}
	e.cols = words(lang, scoresColumns.before...)
	for _, c := range rs.Rubric.Criteria {
		e.cols = append(e.cols, pick(lang, c.Name, c.NameEn))
	}
	e.cols = append(e.cols, words(lang, scoresColumns.after...)...)
	e.write = func(_ context.Context, t *table.Writer) error {
		byEntry := make(map[string][]scoring.Sheet, len(rk.Entries))
		for _, sh := range rs.Sheets {
			byEntry[sh.Entry] = append(byEntry[sh.Entry], sh)
		}
		row := make([]any, 0, len(e.cols))
		for _, r := range rk.Entries {
			n := names[r.Entry]
			total := make(map[string]scoring.JudgeTotal, len(r.Sheets))
			for _, j := range r.Sheets {
				total[j.Judge] = j
			}
			for _, sh := range byEntry[r.Entry] {
				row = append(row[:0], r.Entry, rs.Titles[r.Entry], pick(lang, n.TrackZh, n.TrackEn), pick(lang, n.GroupZh, n.GroupEn), sh.Judge)
				for _, c := range rs.Rubric.Criteria {
					row = append(row, decimal(sh.Marks[c.Key]))
				}
				jt := total[sh.Judge]
				dropped := ""
				if jt.Dropped {
					dropped = name(lang, "ranking.dropped")
				}
				row = append(row, decimal(jt.Total), dropped, decimal(r.Score), r.Rank)
				if err := t.WriteRow(row...); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return nil
}
