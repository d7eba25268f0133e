package onward

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"time"

	"podium/contest"
	"podium/fault"
	"podium/files/table"
)

// The nomination package a city sends to a higher contest: a ZIP holding the
// nominees in the fields the higher contest asks for (an XLSX), the city's
// summary table of its contest (地方赛区赛事情况统计表, an XLSX), and each
// nominee's materials in a folder of its own (AddMaterials), streamed: the
// ZIP goes out as it is written, the materials a buffer at a time.

// nomineeColumns are the higher contest's fields, in its order.
var nomineeColumns = []word{
	{"序号", "No."},
	{"推荐级别", "Level"},
	{"参赛年度", "Year"},
	{"推荐赛道", "Target track"},
	{"推荐组别", "Target group"},
	{"项目名称", "Project"},
	{"企业名称", "Organization"},
	{"统一社会信用代码", "USCC"},
	{"成立日期", "Established on"},
	{"注册资本（元）", "Registered capital (yuan)"},
	{"上一年度营业收入（元）", "Prior-year revenue (yuan)"},
	{"市赛赛道", "City track"},
	{"市赛组别", "City group"},
	{"联系人", "Contact"},
	{"联系电话", "Phone"},
	{"邮箱", "Email"},
	{"科技型中小企业入库登记编号", "Tech SME registration number"},
	{"高新技术企业证书编号", "High-tech enterprise certificate number"},
	{"市赛名次", "City rank"},
	{"赛道组别内名次", "Rank in track and group"},
	{"市赛得分", "City score"},
	{"市赛奖项", "City prize"},
	{"项目简介", "Project summary"},
	{"尽职调查结论", "Due diligence"},
	{"尽职调查日期", "Due diligence date"},
	{"推荐状态", "Status"},
}

// statsColumns are the summary table's.
var statsColumns = []word{{"统计项", "Item"}, {"赛道", "Track"}, {"组别", "Group"}, {"数量", "Count"}}

// Words of the package: file names, levels, outcomes, the summary's items.
var (
	wordNominees    = word{"推荐项目汇总表", "Nominees"}
	wordStats       = word{"地方赛区赛事情况统计表", "Contest summary"}
	wordMaterials   = word{"项目材料", "Materials"}
	wordPackage     = word{"推荐材料", "Nomination package"}
	wordNominations = word{"推荐情况", "Nominations"}
	wordAll         = word{"合计", "Total"}
	statItems       = map[string]word{
		"entries":  {"报名项目数", "Entries"},
		"accepted": {"通过资格审查项目数", "Entries accepted"},
		"judges":   {"评委人数", "Judges"},
		"rounds":   {"评审轮次数", "Rounds"},
		"round":    {"轮次评审项目数", "Entries judged in round"},
		"prizes":   {"获奖项目数", "Prizes"},
		"nominees": {"推荐项目数", "Nominees"},
	}
)

// diligence is a nomination's due-diligence outcome by its name, "not
// checked" when none was recorded.
func diligence(l Lang, o CheckOutcome) string {
	if o == "" {
		return name(l, "nomination.outcome.none")
	}
	return named(l, "nomination.outcome.", string(o))
}

// nomineeRow is a nominee's organization facts, as the package reads them.
type nomineeRow struct {
	EntryID       int64      `db:"entry_id"`
	USCC          string     `db:"uscc"`
	EstablishedOn *time.Time `db:"established_on"`
	Capital       *int64     `db:"registered_capital"`
	Revenue       *int64     `db:"revenue_prev_year"`
	ContactName   string     `db:"contact_name"`
	ContactPhone  string     `db:"contact_phone"`
	ContactEmail  string     `db:"contact_email"`
	TechSME       string     `db:"tech_sme_number"`
	HighTech      string     `db:"high_tech_cert_number"`
	Summary       string     `db:"summary"`
}

const nomineeFactsSQL = `
	SELECT e.id AS entry_id, coalesce(o.uscc, '') AS uscc, o.established_on, o.registered_capital, o.revenue_prev_year,
	       coalesce(o.contact_name, '') AS contact_name, coalesce(o.contact_phone, '') AS contact_phone,
	       coalesce(o.contact_email, '') AS contact_email, coalesce(o.tech_sme_number, '') AS tech_sme_number,
	       coalesce(o.high_tech_cert_number, '') AS high_tech_cert_number, coalesce(e.fields ->> 'summary', '') AS summary
	FROM entries e LEFT JOIN organizations o ON o.id = e.organization_id
	WHERE e.contest_id = $1 AND e.id = ANY($2)`

// Package is a prepared nomination package: checked, ready to stream.
type Package struct {
	// Name is the ZIP's file name without extension, in the request's language.
	Name      string
	contestID int64
	level     Level
	lang      Lang
	nominees  []Nomination
	facts     map[int64]nomineeRow
	stats     [][]any
}

// PreparePackage checks a package request and reads what it holds: the
// level's current (not withdrawn) nominations, their organizations' facts
// and the summary table. Conflict when the level has no nominee.
func (s *Service) PreparePackage(ctx context.Context, contestID int64, level Level, lang Lang) (*Package, error) {
	if _, err := ParseLevel(string(level)); err != nil {
		return nil, err
	}
	lang = lang.orDefault()
	c, err := contest.Load(ctx, s.db, contestID)
	if err != nil {
		return nil, err
	}
	all, err := s.nominations(ctx, s.db, contestID, level, false)
	if err != nil {
		return nil, err
	}
	p := &Package{contestID: contestID, level: level, lang: lang, facts: map[int64]nomineeRow{}}
	var ids []int64
	for _, n := range all {
		if n.Status.Current() {
			p.nominees = append(p.nominees, n)
			ids = append(ids, n.EntryID)
		}
	}
	if len(p.nominees) == 0 {
		return nil, fault.Conflict("err.nomination.none")
	}
	var facts []nomineeRow
	if err := s.db.SelectContext(ctx, &facts, nomineeFactsSQL, contestID, ids); err != nil {
		return nil, err
	}
	for _, f := range facts {
		p.facts[f.EntryID] = f
	}
	if p.stats, err = s.statsRows(ctx, contestID, lang, len(p.nominees)); err != nil {
		return nil, err
	}
	p.Name = fileName(pick(lang, c.NameZh, c.NameEn), named(lang, "nomination.level.", string(level)), wordPackage.in(lang))
	return p, nil
}

// Code is the nominee's number in the package: its row in the XLSX and its
// materials' folder.
func nomineeCode(i int) string { return fmt.Sprintf("%02d", i+1) }

// NomineesFile and StatsFile are the names of the package's two tables.
func (p *Package) NomineesFile() string { return wordNominees.in(p.lang) + ".xlsx" }

// StatsFile is the summary table's file name.
func (p *Package) StatsFile() string { return wordStats.in(p.lang) + ".xlsx" }

// MaterialsDir is the folder of the nominees' materials.
func (p *Package) MaterialsDir() string { return wordMaterials.in(p.lang) }

// WriteNominees writes the nominees' table in format f.
func (p *Package) WriteNominees(w io.Writer, f table.Format) error {
	t, err := table.New(w, f, wordNominees.in(p.lang), words(p.lang, nomineeColumns...))
	if err != nil {
		return err
	}
	for i, n := range p.nominees {
		fa := p.facts[n.EntryID]
		var established, checkDay any
		if fa.EstablishedOn != nil {
			established = fa.EstablishedOn.Format(time.DateOnly)
		}
		if len(n.Checks) > 0 {
			checkDay = n.Checks[len(n.Checks)-1].Day()
		}
		var rank, poolRank, score any
		if n.Rank > 0 {
			rank, poolRank, score = n.Rank, n.PoolRank, decimal(n.Score)
		}
		if err := t.WriteRow(nomineeCode(i), named(p.lang, "nomination.level.", string(n.Level)), n.Year, pick(p.lang, n.TargetTrack, n.TargetTrackEn), pick(p.lang, n.TargetGroup, n.TargetGroupEn),
			n.Title, n.Organization, fa.USCC, established, money(fa.Capital), money(fa.Revenue),
			pick(p.lang, n.TrackZh, n.TrackEn), pick(p.lang, n.GroupZh, n.GroupEn),
			fa.ContactName, fa.ContactPhone, fa.ContactEmail, fa.TechSME, fa.HighTech,
			rank, poolRank, score, named(p.lang, "award.level.", n.Award), fa.Summary,
			diligence(p.lang, n.Diligence()), checkDay, named(p.lang, "nomination.status.", string(n.Status))); err != nil {
			_ = t.Close()
			return err
		}
	}
	return t.Close()
}

func money(v *int64) any {
	if v == nil {
		return nil
	}
	return *v
}

// WriteStats writes the summary table in format f.
func (p *Package) WriteStats(w io.Writer, f table.Format) error {
	t, err := table.New(w, f, wordStats.in(p.lang), words(p.lang, statsColumns...))
	if err != nil {
		return err
	}
	for _, r := range p.stats {
		if err := t.WriteRow(r...); err != nil {
			_ = t.Close()
			return err
		}
	}
	return t.Close()
}

// statsRows computes the summary table: entries and accepted entries by
// track and group (and in all), judges, rounds with the entries judged in
// each, prizes by level, and the nominees.
func (s *Service) statsRows(ctx context.Context, contestID int64, lang Lang, nominees int) ([][]any, error) {
	var pools []struct {
		TrackZh  string `db:"track_zh"`
		TrackEn  string `db:"track_en"`
		GroupZh  string `db:"group_zh"`
		GroupEn  string `db:"group_en"`
		Entries  int    `db:"entries"`
		Accepted int    `db:"accepted"`
	}
	if err := s.db.SelectContext(ctx, &pools, `
		SELECT t.name_zh AS track_zh, t.name_en AS track_en, g.name_zh AS group_zh, g.name_en AS group_en,
		       count(e.id) FILTER (WHERE e.state <> 'draft') AS entries, count(e.id) FILTER (WHERE e.state = 'accepted') AS accepted
		FROM tracks t CROSS JOIN contest_groups g
		LEFT JOIN entries e ON e.track_id = t.id AND e.group_id = g.id
		WHERE t.contest_id = $1 AND g.contest_id = $1
		GROUP BY t.id, g.id, t.position, g.position ORDER BY t.position, g.position`, contestID); err != nil {
		return nil, err
	}
	all := wordAll.in(lang)
	var rows [][]any
	for _, item := range []string{"entries", "accepted"} {
		total := 0
		for _, p := range pools {
			n := p.Entries
			if item == "accepted" {
				n = p.Accepted
			}
			total += n
			rows = append(rows, []any{statItems[item].in(lang), pick(lang, p.TrackZh, p.TrackEn), pick(lang, p.GroupZh, p.GroupEn), n})
		}
		rows = append(rows, []any{statItems[item].in(lang), all, all, total})
	}
	var judges int
	if err := s.db.GetContext(ctx, &judges, `
		SELECT count(DISTINCT pm.expert_id) FROM panel_members pm JOIN rounds r ON r.id = pm.round_id WHERE r.contest_id = $1`,
		contestID); err != nil {
		return nil, err
	}
	rows = append(rows, []any{statItems["judges"].in(lang), all, all, judges})
	var rounds []struct {
		NameZh  string `db:"name_zh"`
		NameEn  string `db:"name_en"`
		Entries int    `db:"entries"`
	}
	if err := s.db.SelectContext(ctx, &rounds, `
		SELECT r.name_zh, r.name_en, (SELECT count(DISTINCT a.entry_id) FROM assignments a WHERE a.round_id = r.id) AS entries
		FROM rounds r WHERE r.contest_id = $1 ORDER BY r.position`, contestID); err != nil {
		return nil, err
	}
	rows = append(rows, []any{statItems["rounds"].in(lang), all, all, len(rounds)})
	for _, r := range rounds {
		rows = append(rows, []any{statItems["round"].in(lang) + " · " + pick(lang, r.NameZh, r.NameEn), all, all, r.Entries})
	}
	var prizes []struct {
		Level string `db:"award_level"`
		N     int    `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &prizes, `
		SELECT res.award_level, count(*) AS n FROM results res JOIN rounds r ON r.id = res.round_id
		WHERE r.contest_id = $1 AND res.award_level IS NOT NULL
		GROUP BY res.award_level ORDER BY array_position(ARRAY['first', 'second', 'third', 'honorable'], res.award_level)`,
		contestID); err != nil {
		return nil, err
	}
	total := 0
	for _, p := range prizes {
		total += p.N
		rows = append(rows, []any{statItems["prizes"].in(lang) + " · " + named(lang, "award.level.", p.Level), all, all, p.N})
	}
	rows = append(rows, []any{statItems["prizes"].in(lang), all, all, total})
	rows = append(rows, []any{statItems["nominees"].in(lang), all, all, nominees})
	return rows, nil
}

// WritePackage streams the package as a ZIP: the two tables, then each nominee's
// materials in a folder named by its number. An error after the first byte
// leaves w with an incomplete ZIP; the caller can only drop it.
func (s *Service) WritePackage(ctx context.Context, w io.Writer, p *Package) error {
	zw := zip.NewWriter(w)
	for _, part := range []struct {
		name  string
		write func(io.Writer, table.Format) error
	}{{p.NomineesFile(), p.WriteNominees}, {p.StatsFile(), p.WriteStats}} {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: part.name, Method: zip.Deflate, Modified: s.now()})
		if err != nil {
			return err
		}
		if err := part.write(fw, table.XLSX); err != nil {
			return err
		}
	}
	entries := make([]MaterialsEntry, len(p.nominees))
	for i, n := range p.nominees {
		entries[i] = MaterialsEntry{ID: n.EntryID, Code: nomineeCode(i)}
	}
	if err := s.AddMaterials(ctx, zw, p.MaterialsDir(), p.contestID, entries); err != nil {
		return err
	}
	return zw.Close()
}
