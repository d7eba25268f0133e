package onward

import (
	"context"
	"slices"

	"github.com/lib/pq"

	"podium/files/table"
)

// How the city's entries fared upward: every nomination of the contests an
// organizer runs, by year and level, with its status and its result at the
// higher contest, as a page (Fared) and an export (FaredExport, and the
// export "nominations" of one contest).

// FaredRow is one nomination as the report across contests lists it.
type FaredRow struct {
	NominationID int64  `db:"id" json:"id"`
	ContestID    int64  `db:"contest_id" json:"contest_id"`
	ContestZh    string `db:"contest_zh" json:"-"`
	ContestEn    string `db:"contest_en" json:"-"`
	Contest      Names  `db:"-" json:"contest"`
	Year         int    `db:"target_year" json:"year"`
	Level        Level  `db:"level" json:"level"`
	Title        string `db:"title" json:"title"`
	Organization string `db:"organization" json:"organization"`
	TrackZh      string `db:"track_zh" json:"-"`
	TrackEn      string `db:"track_en" json:"-"`
	GroupZh      string `db:"group_zh" json:"-"`
	GroupEn      string `db:"group_en" json:"-"`
	Track        Names  `db:"-" json:"track"`
	Group        Names  `db:"-" json:"group"`
	TargetTrack  string `db:"target_track" json:"target_track"`
	TargetGroup  string `db:"target_group" json:"target_group"`
	// TargetTrackEn and TargetGroupEn are the English names of the city's
	// track and group the target is named as (the default target), if any.
	TargetTrackEn string           `db:"target_track_en" json:"-"`
	TargetGroupEn string           `db:"target_group_en" json:"-"`
	Status        NominationStatus `db:"status" json:"status"`
	Result        string           `db:"result" json:"result"`
	Diligence     CheckOutcome     `db:"diligence" json:"diligence,omitempty"`
}

// FaredSummary counts one year and level's nominations by status.
type FaredSummary struct {
	Year      int                      `json:"year"`
	Level     Level                    `json:"level"`
	Nominated int                      `json:"nominated"`
	ByStatus  map[NominationStatus]int `json:"by_status"`
	// Results are the results at the higher contest, as recorded.
	Results []string `json:"results"`
}

// Count is the nominations of the year and level in status s.
func (f FaredSummary) Count(s string) int { return f.ByStatus[NominationStatus(s)] }

// Fared is the report across contests.
type Fared struct {
	Summary []FaredSummary `json:"summary"`
	Rows    []FaredRow     `json:"rows"`
}

const faredSQL = `
	SELECT n.id, n.contest_id, c.name_zh AS contest_zh, c.name_en AS contest_en, n.target_year, n.level,
	       e.title, coalesce(o.name, '') AS organization,
	       t.name_zh AS track_zh, t.name_en AS track_en, g.name_zh AS group_zh, g.name_en AS group_en,
	       n.target_track, n.target_group, n.status, n.result,
	       coalesce((SELECT nullif(x.name_en, '') FROM tracks x WHERE x.contest_id = n.contest_id AND x.name_zh = n.target_track LIMIT 1), '') AS target_track_en,
	       coalesce((SELECT nullif(x.name_en, '') FROM contest_groups x WHERE x.contest_id = n.contest_id AND x.name_zh = n.target_group LIMIT 1), '') AS target_group_en,
	       coalesce((SELECT k.outcome FROM nomination_checks k WHERE k.nomination_id = n.id
	                 ORDER BY k.recorded_at DESC, k.id DESC LIMIT 1), '') AS diligence
	FROM nominations n
	JOIN contests c ON c.id = n.contest_id
	JOIN entries e ON e.id = n.entry_id
	JOIN tracks t ON t.id = e.track_id
	JOIN contest_groups g ON g.id = e.group_id
	LEFT JOIN organizations o ON o.id = e.organization_id
	WHERE n.contest_id = ANY($1)
	ORDER BY n.target_year DESC, array_position(ARRAY['nation', 'province'], n.level), c.id, g.position, t.position, n.id`

// organizedBy are the contests an account organizes.
func (s *Service) organizedBy(ctx context.Context, accountID int64) ([]int64, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `SELECT contest_id FROM contest_organizers WHERE account_id = $1 ORDER BY contest_id`, accountID)
	return ids, err
}

// Fared reports how the entries of the contests an organizer runs fared at
// the higher contests: every nomination, newest year first, and per year
// and level the counts by status and the results.
func (s *Service) Fared(ctx context.Context, organizerID int64) (Fared, error) {
	ids, err := s.organizedBy(ctx, organizerID)
	if err != nil {
		return Fared{}, err
	}
	out := Fared{Summary: []FaredSummary{}, Rows: []FaredRow{}}
	if err := s.db.SelectContext(ctx, &out.Rows, faredSQL, pq.Int64Array(ids)); err != nil {
		return Fared{}, err
	}
	for i := range out.Rows {
		r := &out.Rows[i]
		r.Contest, r.Track, r.Group = Names{r.ContestZh, r.ContestEn}, Names{r.TrackZh, r.TrackEn}, Names{r.GroupZh, r.GroupEn}
		k := len(out.Summary) - 1
		if k < 0 || out.Summary[k].Year != r.Year || out.Summary[k].Level != r.Level {
			out.Summary = append(out.Summary, FaredSummary{Year: r.Year, Level: r.Level, ByStatus: map[NominationStatus]int{}, Results: []string{}})
			k++
		}
		sm := &out.Summary[k]
		sm.Nominated++
		sm.ByStatus[r.Status]++
		if r.Result != "" && !slices.Contains(sm.Results, r.Result) {
			sm.Results = append(sm.Results, r.Result)
		}
	}
	return out, nil
}

var faredColumns = []word{
	{"年度", "Year"},
	{"推荐级别", "Level"},
	{"市赛", "City contest"},
	{"项目名称", "Project"},
	{"单位名称", "Organization"},
	{"市赛赛道", "City track"},
	{"市赛组别", "City group"},
	{"推荐赛道", "Target track"},
	{"推荐组别", "Target group"},
	{"推荐状态", "Status"},
	{"上级赛事结果", "Result upward"},
	{"尽职调查结论", "Due diligence"},
}

// faredExport readies the report's table for contests ids.
func (s *Service) faredExport(e *Export, ids []int64, lang Lang) {
	e.cols = words(lang, faredColumns...)
	e.write = func(ctx context.Context, t *table.Writer) error {
		rows, err := s.db.QueryxContext(ctx, faredSQL, pq.Int64Array(ids))
		if err != nil {
			return err
		}
		defer rows.Close()
		var r FaredRow
		for rows.Next() {
			r = FaredRow{}
			if err := rows.StructScan(&r); err != nil {
				return err
			}
			if err := t.WriteRow(r.Year, named(lang, "nomination.level.", string(r.Level)), pick(lang, r.ContestZh, r.ContestEn), r.Title, r.Organization,
				pick(lang, r.TrackZh, r.TrackEn), pick(lang, r.GroupZh, r.GroupEn), pick(lang, r.TargetTrack, r.TargetTrackEn), pick(lang, r.TargetGroup, r.TargetGroupEn),
				named(lang, "nomination.status.", string(r.Status)), r.Result, diligence(lang, r.Diligence)); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

// nominationsExport is the export "nominations" of one contest.
func (s *Service) nominationsExport(_ context.Context, e *Export, contestID int64, lang Lang) error {
	s.faredExport(e, []int64{contestID}, lang)
	return nil
}

// FaredExport prepares the report across the contests an organizer runs.
func (s *Service) FaredExport(ctx context.Context, organizerID int64, lang Lang) (*Export, error) {
	lang = lang.orDefault()
	ids, err := s.organizedBy(ctx, organizerID)
	if err != nil {
		return nil, err
	}
	e := &Export{sheet: wordNominations.in(lang)}
	s.faredExport(e, ids, lang)
	e.Name = fileName(wordFared.in(lang))
	return e, nil
}

var wordFared = word{"历年推荐上级赛事情况", "Nominations upward by year"}
