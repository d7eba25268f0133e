package onward_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/onward"
	"podium/fault"
	"podium/files/filecheck"
	"podium/files/table"
	"podium/scoring"
	"podium/scoring/sheetfile"
)

// world is a contest whose only round is scored by six judges, five sheets an
// entry (so trimmed drops two totals), with prizes confirmed.
type world struct {
	s         *contesttest.Stores
	on        *onward.Service
	organizer access.Account
	contestID int64
	orgs      []orgFixture
}

type orgFixture struct {
	name, track, group, title, phone, email string
	fields                                  entry.Fields
	base                                    int // marks grow with it: no two entries tie
	id                                      int64
}

func newWorld(t *testing.T) *world {
	t.Helper()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	w := &world{s: s, on: onward.New(s.DB, s.Results)}
	w.organizer = contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("exports")
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	setup.Tracks[0].NameEn, setup.Tracks[1].NameEn = "Smart manufacturing", "New materials"
	setup.Groups[0].NameEn, setup.Groups[1].NameEn = "Enterprise", "Team"
	setup.Rounds[0].NameEn = "Preliminary"
	setup.Awards = []contest.AwardQuota{{Group: "team", Level: "first", Count: 1}, {Group: "team", Level: "second", Count: 1},
		{Group: "enterprise", Level: "first", Count: 1}}
	c, err := s.CreateContest(ctx, w.organizer.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	w.contestID = c.ID
	w.orgs = []orgFixture{
		{name: "星河智能科技团队", track: "materials", group: "team", title: "石墨烯散热膜", phone: "13800000001", email: "a@example.com",
			fields: entry.Fields{Summary: "高导热, \"薄\"膜", Stage: "prototype", Technology: "CVD", Market: "手机", Team: "5人", Financing: "天使轮", Keywords: []string{"材料", "AI"}}, base: 20},
		{name: "鹰眼装备团队", track: "manufacturing", group: "team", title: "=视觉检测", phone: "13800000002", email: "b@example.com",
			fields: entry.Fields{Summary: "多行\n简介", Stage: "pilot"}, base: 25},
		{name: "绿种团队", track: "materials", group: "enterprise", title: "耐盐碱种子", phone: "", email: "c@example.com", base: 15},
		{name: "芯算微电子团队", track: "manufacturing", group: "team", title: "存算一体芯片", phone: "13800000004", email: "d@example.com", base: 10},
	}
	var ids []int64
	for i := range w.orgs {
		o := &w.orgs[i]
		a := contesttest.Account(t, s, access.RoleEntrant, fmt.Sprintf("e%d@example.com", i))
		if _, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: o.name, ContactName: "联系人" + strconv.Itoa(i),
			ContactPhone: o.phone, ContactEmail: o.email}); err != nil {
			t.Fatal(err)
		}
		e, err := s.CreateEntry(ctx, a.ID, c.ID, entry.Input{Track: o.track, Group: o.group, Title: o.title, Fields: o.fields})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitEntry(ctx, a.ID, e.ID, false); err != nil {
			t.Fatal(err)
		}
		o.id, ids = e.ID, append(ids, e.ID)
	}
	if _, err := s.ReviewEntries(ctx, w.organizer.ID, c.ID, ids, true, ""); err != nil {
		t.Fatal(err)
	}
	var experts []int64
	for i := range 6 {
		x, err := s.SaveExpert(ctx, w.organizer.ID, judging.ExpertInput{Name: fmt.Sprintf("专家%d", i), Organization: fmt.Sprintf("研究院%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		experts = append(experts, x.ID)
	}
	if err := s.SetPanel(ctx, w.organizer.ID, c.ID, "prelim", experts); err != nil {
		t.Fatal(err)
	}
	run, err := s.StartAssignment(ctx, w.organizer.ID, c.ID, "prelim", 7)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunAssignment(ctx, w.organizer.ID, c.ID, "prelim", run.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRoundState(ctx, w.organizer.ID, c.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	base := map[int64]int{}
	for _, o := range w.orgs {
		base[o.id] = o.base
	}
	list, err := s.Assignments(ctx, c.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	nth := map[int64]int{}
	for _, a := range list {
		if a.State != "active" {
			continue
		}
		inv, err := s.InviteExpert(ctx, w.organizer.ID, c.ID, a.ExpertID)
		if err != nil {
			t.Fatal(err)
		}
		n := nth[a.EntryID]
		nth[a.EntryID]++
		// Totals spread by judge, with odd hundredths, so that trimmed,
		// mean, median and zscore all rank differently from a plain sort.
		in := judging.SheetInput{Marks: judging.Marks{
			"tech":   scoring.Points((base[a.EntryID] + 3*n) * 100),
			"market": scoring.Points(1000 + 250*int64(n) + 50*(a.ExpertID%3)),
			"team":   scoring.Points(base[a.EntryID]*50 + 150*((n*7)%5)),
		}}
		key := fmt.Sprintf("k-%d", a.ID)
		h := sha256.Sum256([]byte(key))
		if _, err := s.SubmitSheet(ctx, access.EveryContest(inv.AccountID), a.ID, in, key, h[:]); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetRoundState(ctx, w.organizer.ID, c.ID, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmAwards(ctx, w.organizer.ID, c.ID, "prelim", nil); err != nil {
		t.Fatal(err)
	}
	return w
}

// export writes an export and reads it back with a real reader: excelize for
// XLSX (cells as Excel shows them), encoding/csv for CSV after its BOM. Rows
// are padded to the header's width (excelize drops trailing empty cells).
func (w *world) export(t *testing.T, req onward.Request, f table.Format) [][]string {
	t.Helper()
	req.ContestID = w.contestID
	e, err := w.on.Prepare(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := e.WriteTo(context.Background(), &buf, f); err != nil {
		t.Fatal(err)
	}
	return readBack(t, buf.Bytes(), f)
}

func readBack(t *testing.T, data []byte, f table.Format) [][]string {
	t.Helper()
	var rows [][]string
	switch f {
	case table.CSV:
		if !bytes.HasPrefix(data, []byte(table.BOM)) {
			t.Fatalf("CSV without BOM: %q", data[:min(len(data), 8)])
		}
		var err error
		if rows, err = csv.NewReader(bytes.NewReader(data[len(table.BOM):])).ReadAll(); err != nil {
			t.Fatal(err)
		}
	case table.XLSX:
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		sheets := x.GetSheetList()
		if len(sheets) != 1 {
			t.Fatalf("sheets %v", sheets)
		}
		if rows, err = x.GetRows(sheets[0]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range rows {
		for len(rows[i]) < len(rows[0]) {
			rows[i] = append(rows[i], "")
		}
	}
	return rows
}

func compare(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d:\n%q", what, len(got), len(want), got)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			for j := range max(len(got[i]), len(want[i])) {
				g, w := at(got[i], j), at(want[i], j)
				if g != w {
					t.Errorf("%s: row %d column %d (%s): %q, want %q", what, i+1, j+1, at(want[0], j), g, w)
				}
			}
		}
	}
}

func at(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return "<none>"
}

var formats = []table.Format{table.XLSX, table.CSV}

func shanghai(t *time.Time) string {
	if t == nil {
		return ""
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return t.In(loc).Format(table.TimeLayout)
}

// csvText is how the CSV spells a text cell that a spreadsheet would take
// for a formula.
func csvText(f table.Format, s string) string {
	if f == table.CSV && s != "" && s[0] == '=' {
		return "'" + s
	}
	return s
}

func TestEntriesExportMatchesTheDatabase(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var db []struct {
		ID          int64      `db:"id"`
		State       string     `db:"state"`
		Source      string     `db:"source"`
		SubmittedAt *time.Time `db:"submitted_at"`
		ReviewedAt  *time.Time `db:"reviewed_at"`
	}
	if err := w.s.DB.Select(&db, `SELECT id, state, source, submitted_at, reviewed_at FROM entries WHERE contest_id = $1 ORDER BY id`, w.contestID); err != nil {
		t.Fatal(err)
	}
	if len(db) != len(w.orgs) {
		t.Fatalf("%d entries in the database", len(db))
	}
	names := map[string][2]string{"materials": {"新材料", "New materials"}, "manufacturing": {"智能制造", "Smart manufacturing"},
		"team": {"团队组", "Team"}, "enterprise": {"企业组", "Enterprise"}}
	for _, lang := range []onward.Lang{onward.Chinese, onward.English} {
		li := map[onward.Lang]int{onward.Chinese: 0, onward.English: 1}[lang]
		for _, f := range formats {
			want := [][]string{map[onward.Lang][]string{
				onward.Chinese: {"ID", "项目名称", "赛道", "组别", "单位名称", "主体类型", "统一社会信用代码", "联系人", "联系电话", "邮箱", "项目简介", "发展阶段", "核心技术", "市场前景", "团队情况", "融资情况与需求", "关键词", "来源", "状态", "审查意见", "提交时间", "审查时间"},
				onward.English: {"ID", "Title", "Track", "Group", "Organization", "Kind", "USCC", "Contact", "Phone", "Email", "Summary", "Stage", "Technology", "Market", "Team", "Financing", "Keywords", "Source", "State", "Review reason", "Submitted at", "Reviewed at"},
			}[lang]}
			for i, o := range w.orgs {
				d := db[i]
				if d.ID != o.id || d.State != "accepted" || d.Source != "entrant" {
					t.Fatalf("database row %+v for %s", d, o.name)
				}
				want = append(want, []string{strconv.FormatInt(o.id, 10), csvText(f, o.title), names[o.track][li], names[o.group][li], o.name,
					[]string{"团队", "Team (not incorporated)"}[li], "", "联系人" + strconv.Itoa(i), o.phone, o.email,
					o.fields.Summary, map[string][2]string{"prototype": {"原型阶段", "Prototype"}, "pilot": {"试点阶段", "Pilot"}, "": {"", ""}}[o.fields.Stage][li], o.fields.Technology, o.fields.Market, o.fields.Team, o.fields.Financing,
					map[bool]string{true: "材料; AI", false: ""}[len(o.fields.Keywords) > 0],
					[]string{"网上报名", "Online entry"}[li], []string{"资格审查通过", "Eligible"}[li], "", shanghai(d.SubmittedAt), shanghai(d.ReviewedAt)})
			}
			compare(t, fmt.Sprintf("entries %s %s", lang, f), w.export(t, onward.Request{What: onward.Entries, Lang: lang}, f), want)
		}
	}
}

func TestRankingExportMatchesTheRanking(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rk, rs, err := w.s.Ranking(context.Background(), w.contestID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	if len(rk.Entries) != len(w.orgs) {
		t.Fatalf("ranked %d", len(rk.Entries))
	}
	byTitle := map[string]orgFixture{}
	for _, o := range w.orgs {
		byTitle[o.title] = o
	}
	for _, f := range formats {
		want := [][]string{{"名次", "编号", "项目名称", "单位名称", "赛道", "组别", "得分", "评分数", "各评委总分", "去掉的评分", "计分规则", "并列判定"}}
		for _, r := range rk.Entries {
			o := byTitle[rs.Titles[r.Entry]]
			var totals string
			for i, j := range r.Sheets {
				if i > 0 {
					totals += "; "
				}
				totals += j.Judge + " " + j.Total.String()
			}
			if len(r.Dropped) != 2 || r.TieBreak != nil {
				t.Fatalf("fixture: %s dropped %v tie %v", r.Entry, r.Dropped, r.TieBreak)
			}
			want = append(want, []string{strconv.Itoa(r.Rank), r.Entry, csvText(f, o.title), o.name,
				map[string]string{"materials": "新材料", "manufacturing": "智能制造"}[o.track], map[string]string{"team": "团队组", "enterprise": "企业组"}[o.group],
				r.Score.String(), "5", totals, r.Dropped[0] + "; " + r.Dropped[1], "去掉一个最高分和一个最低分后取平均", ""})
		}
		compare(t, "ranking "+string(f), w.export(t, onward.Request{What: onward.Ranking, Round: "prelim"}, f), want)
	}
}

func TestWinnersExportMatchesTheResults(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var db []struct {
		EntryID int64          `db:"entry_id"`
		Level   string         `db:"award_level"`
		Rank    int            `db:"rank"`
		Score   scoring.Points `db:"score"`
	}
	if err := w.s.DB.Select(&db, `SELECT entry_id, award_level, rank, score FROM results WHERE award_level IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, d := range db {
		got[d.EntryID] = d.Level
	}
	// 鹰眼 (base 25) and 星河 (20) lead the team group, 绿种 is alone in the enterprise group.
	byName := map[string]orgFixture{}
	for _, o := range w.orgs {
		byName[o.name] = o
	}
	if len(got) != 3 || got[byName["鹰眼装备团队"].id] != "first" || got[byName["星河智能科技团队"].id] != "second" || got[byName["绿种团队"].id] != "first" {
		t.Fatalf("fixture prizes %v", got)
	}
	// The rank within the entry's track and group, as the ranking page and
	// the prize pools count it, from every result of the round: 1 plus the
	// entries of the pool ranked strictly ahead.
	var all []struct {
		EntryID int64  `db:"entry_id"`
		Rank    int    `db:"rank"`
		Pool    string `db:"pool"`
	}
	if err := w.s.DB.Select(&all, `SELECT r.entry_id, r.rank, e.track_id || '/' || e.group_id AS pool FROM results r JOIN entries e ON e.id = r.entry_id`); err != nil {
		t.Fatal(err)
	}
	poolRank := func(id int64) int {
		i := slices.IndexFunc(all, func(a struct {
			EntryID int64  `db:"entry_id"`
			Rank    int    `db:"rank"`
			Pool    string `db:"pool"`
		}) bool {
			return a.EntryID == id
		})
		n := 1
		for _, a := range all {
			if a.Pool == all[i].Pool && a.Rank < all[i].Rank {
				n++
			}
		}
		return n
	}
	// A prize's rank in its pool is not its round rank: the fixture has one
	// (the confusion of a first prize "ranked 3").
	if !slices.ContainsFunc(db, func(d struct {
		EntryID int64          `db:"entry_id"`
		Level   string         `db:"award_level"`
		Rank    int            `db:"rank"`
		Score   scoring.Points `db:"score"`
	}) bool {
		return d.Level == "first" && d.Rank > 1 && poolRank(d.EntryID) == 1
	}) {
		t.Fatalf("fixture: no first prize below round rank 1: %v", db)
	}
	names := map[string][2]string{"materials": {"新材料", "New materials"}, "manufacturing": {"智能制造", "Smart manufacturing"},
		"team": {"团队组", "Team"}, "enterprise": {"企业组", "Enterprise"}, "first": {"一等奖", "First prize"}, "second": {"二等奖", "Second prize"}}
	find := func(id int64) int {
		return slices.IndexFunc(db, func(d struct {
			EntryID int64          `db:"entry_id"`
			Level   string         `db:"award_level"`
			Rank    int            `db:"rank"`
			Score   scoring.Points `db:"score"`
		}) bool {
			return d.EntryID == id
		})
	}
	headers := [][]string{
		{"组别", "赛道", "奖项", "组内名次", "得分", "项目名称", "单位名称", "联系人", "联系电话", "邮箱", "本轮名次"},
		{"Group", "Track", "Prize", "Rank in track and group", "Score", "Title", "Organization", "Contact", "Phone", "Email", "Round rank"},
	}
	for li, lang := range []onward.Lang{onward.Chinese, onward.English} {
		for _, f := range formats {
			// Groups in the contest's order (企业组 first), then tracks, prizes, ranks.
			want := [][]string{headers[li]}
			for _, n := range []struct {
				name    string
				contact string
			}{{"绿种团队", "联系人2"}, {"鹰眼装备团队", "联系人1"}, {"星河智能科技团队", "联系人0"}} {
				o := byName[n.name]
				d := db[find(o.id)]
				want = append(want, []string{names[o.group][li], names[o.track][li], names[d.Level][li], strconv.Itoa(poolRank(o.id)),
					d.Score.String(), csvText(f, o.title), o.name, n.contact, o.phone, o.email, strconv.Itoa(d.Rank)})
			}
			compare(t, fmt.Sprintf("winners %s %s", lang, f), w.export(t, onward.Request{What: onward.Winners, Lang: lang}, f), want)
		}
	}
}

// The matrix, given to what `podium score` runs (sheetfile.ReadSheets and
// scoring.Rank with the round's rules), reproduces the server's ranking, byte
// for byte in podium score's output, for every method; and its marks are the
// database's.
func TestMatrixReproducesTheRankingForEveryMethod(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	for _, m := range scoring.Methods {
		if _, err := w.s.DB.Exec(`UPDATE rounds SET method = $1 WHERE contest_id = $2 AND key = 'prelim'`, string(m), w.contestID); err != nil {
			t.Fatal(err)
		}
		rk, rs, err := w.s.Ranking(ctx, w.contestID, "prelim")
		if err != nil {
			t.Fatal(err)
		}
		e, err := w.on.Prepare(ctx, onward.Request{ContestID: w.contestID, What: onward.Matrix, Round: "prelim", Lang: onward.Chinese})
		if err != nil {
			t.Fatal(err)
		}
		var matrix bytes.Buffer
		if err := e.WriteTo(ctx, &matrix, table.CSV); err != nil {
			t.Fatal(err)
		}
		sheets, err := sheetfile.ReadSheets(bytes.NewReader(matrix.Bytes()), rs.Rubric)
		if err != nil {
			t.Fatalf("%s: podium score refuses the matrix: %v", m, err)
		}
		again, err := scoring.Rank(rs.Rubric, sheets, rs.Options)
		if err != nil {
			t.Fatal(err)
		}
		var want, got bytes.Buffer
		if err := sheetfile.WriteRanking(&want, rk); err != nil {
			t.Fatal(err)
		}
		if err := sheetfile.WriteRanking(&got, again); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: podium score on the matrix gives\n%s\nthe server\n%s", m, got.String(), want.String())
		}

		// Cell by cell: the XLSX holds what the CSV holds, and the marks are
		// the database's, judges by their aliases.
		csvRows := readBack(t, matrix.Bytes(), table.CSV)
		compare(t, "matrix xlsx "+string(m), w.export(t, onward.Request{What: onward.Matrix, Round: "prelim"}, table.XLSX), csvRows)
		if h := csvRows[0]; !slices.Equal(h, []string{"entry", "judge", "tech", "market", "team", "total", "dropped", "score"}) {
			t.Fatalf("matrix header %v", h)
		}
		var marks []struct {
			Code   string         `db:"code"`
			Expert int64          `db:"expert_id"`
			Key    string         `db:"key"`
			Points scoring.Points `db:"points"`
		}
		if err := w.s.DB.Select(&marks, `SELECT b.code, a.expert_id, c.key, m.points FROM marks m
			JOIN score_sheets sh ON sh.id = m.sheet_id JOIN assignments a ON a.id = sh.assignment_id
			JOIN blind_codes b ON b.round_id = a.round_id AND b.entry_id = a.entry_id JOIN criteria c ON c.id = m.criterion_id
			WHERE sh.state = 'submitted'`); err != nil {
			t.Fatal(err)
		}
		inDB := map[[3]string]string{}
		for _, mk := range marks {
			inDB[[3]string{mk.Code, rs.Judges[strconv.FormatInt(mk.Expert, 10)], mk.Key}] = mk.Points.String()
		}
		if len(csvRows)-1 != len(marks)/3 || len(marks) != 4*5*3 {
			t.Fatalf("%d matrix rows for %d marks", len(csvRows)-1, len(marks))
		}
		dropped := 0
		for _, r := range csvRows[1:] {
			for i, k := range []string{"tech", "market", "team"} {
				if want := inDB[[3]string{r[0], r[1], k}]; r[2+i] != want {
					t.Errorf("%s: %s/%s %s = %s, database %s", m, r[0], r[1], k, r[2+i], want)
				}
			}
			if r[6] == "dropped" { // a machine file: the same in every language
				dropped++
			}
		}
		if wantDropped := map[scoring.Method]int{scoring.MethodTrimmed: 8}[m]; dropped != wantDropped {
			t.Errorf("%s: %d sheets marked dropped, want %d", m, dropped, wantDropped)
		}
	}
}

func TestPrepareRefusesWhatCannotBeExported(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	on := onward.New(s.DB, s.Results)
	org := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	c, err := s.CreateContest(context.Background(), org.ID, contesttest.Setup("refuse"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		req  onward.Request
		code fault.Code
	}{
		{onward.Request{ContestID: c.ID + 1000, What: onward.Entries}, fault.CodeNotFound},
		{onward.Request{ContestID: c.ID, What: onward.Ranking}, fault.CodeInvalid},
		{onward.Request{ContestID: c.ID, What: onward.Matrix, Round: "final"}, fault.CodeNotFound},
		{onward.Request{ContestID: c.ID, What: "everything"}, fault.CodeNotFound},
	} {
		if _, err := on.Prepare(context.Background(), tc.req); fault.ErrorCode(err) != tc.code {
			t.Errorf("%+v: %v, want %s", tc.req, err, tc.code)
		}
	}
	if _, err := onward.ParseWhat("everything"); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("ParseWhat: %v", err)
	}
	// A contest without entries exports a header alone.
	e, err := on.Prepare(context.Background(), onward.Request{ContestID: c.ID, What: onward.Entries, Lang: onward.English})
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "Test contest refuse-Entries" {
		t.Errorf("file name %q", e.Name)
	}
	var buf bytes.Buffer
	if err := e.WriteTo(context.Background(), &buf, table.CSV); err != nil {
		t.Fatal(err)
	}
	if rows := readBack(t, buf.Bytes(), table.CSV); len(rows) != 1 || rows[0][1] != "Title" {
		t.Errorf("empty export %q", rows)
	}
}

// Workload: each judge's active assignments, all submitted in the fixture,
// counted as the judging room lists them; objections: none filed, a header.
func TestWorkloadAndObjectionsExports(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	list, err := w.s.Assignments(ctx, w.contestID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	var experts []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
		Org  string `db:"organization"`
		Last *time.Time
	}
	if err := w.s.DB.Select(&experts, `SELECT id, name, organization FROM experts ORDER BY name, id`); err != nil {
		t.Fatal(err)
	}
	for _, f := range formats {
		want := [][]string{{"轮次", "评委", "单位", "分配", "已提交", "草稿", "未完成", "回避", "完成率(%)", "最近提交"}}
		for _, x := range experts {
			n := 0
			for _, a := range list {
				if a.ExpertID == x.ID && a.State == "active" {
					n++
				}
			}
			if n == 0 {
				continue
			}
			var last time.Time
			if err := w.s.DB.Get(&last, `SELECT max(sh.submitted_at) FROM score_sheets sh JOIN assignments a ON a.id = sh.assignment_id WHERE a.expert_id = $1`, x.ID); err != nil {
				t.Fatal(err)
			}
			want = append(want, []string{"初赛", x.Name, x.Org, strconv.Itoa(n), strconv.Itoa(n), "0", "0", "0", "100.00", shanghai(&last)})
		}
		if len(want) < 5 {
			t.Fatalf("fixture: %d judges with assignments", len(want)-1)
		}
		compare(t, "workload "+string(f), w.export(t, onward.Request{What: onward.Workload}, f), want)
		compare(t, "objections "+string(f), w.export(t, onward.Request{What: onward.Objections, Lang: onward.English}, f),
			[][]string{{"Reference", "Round", "Publication version", "Code", "Title", "Objector", "State", "Remedy", "Reply", "Filed at", "Decided at"}})
	}
}

// An objection is exported with its outcome and without who filed it.
func TestObjectionsExportLeavesOutTheObjector(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	if _, err := w.s.PublishResults(ctx, w.organizer.ID, w.contestID, "prelim"); err != nil {
		t.Fatal(err)
	}
	// Filed and decided in SQL: the objections room's own tests cover filing;
	// this one needs a row of every column the export reads or must not read.
	var filed, decided time.Time
	if err := w.s.DB.QueryRowx(`
		INSERT INTO objections (contest_id, round_id, publication_id, entry_id, reference, objector_kind, objector_name,
		                        id_type, id_number, id_hint, phone, email, grounds, state, reply, remedy, filed_at, decided_at)
		SELECT $1, p.round_id, p.id, $2, 'YY-2026-0001', 'person', '王秘密', 'resident', '\x0102', '1234', '13999999999',
		       'secret@example.com', '评分有误', 'upheld', '已重新评分', 'rescore', now() - interval '1 day', now()
		FROM publications p WHERE p.contest_id = $1
		RETURNING filed_at, decided_at`, w.contestID, w.orgs[0].id).Scan(&filed, &decided); err != nil {
		t.Fatal(err)
	}
	var code string
	if err := w.s.DB.Get(&code, `SELECT code FROM blind_codes WHERE entry_id = $1`, w.orgs[0].id); err != nil {
		t.Fatal(err)
	}
	for _, f := range formats {
		got := w.export(t, onward.Request{What: onward.Objections}, f)
		compare(t, "objections "+string(f), got, [][]string{
			{"受理编号", "轮次", "公示版本", "编号", "项目名称", "异议人类型", "状态", "处理结果", "答复", "提出时间", "决定时间"},
			{"YY-2026-0001", "初赛", "1", code, w.orgs[0].title, "个人", "异议成立", "重新评分", "已重新评分", shanghai(&filed), shanghai(&decided)},
		})
		for _, secret := range []string{"王秘密", "1234", "13999999999", "secret@example.com", "评分有误"} {
			for _, row := range got {
				if slices.Contains(row, secret) {
					t.Errorf("%s: the export carries %q", f, secret)
				}
			}
		}
	}
}

// The audit log, newest first, as the audit room's view gives it.
func TestAuditExportMatchesTheLog(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	page, more, err := w.s.Page(context.Background(), w.contestID, audit.Query{Limit: audit.MaxPage})
	if err != nil || more || len(page) < 20 {
		t.Fatalf("fixture: %d records, more %v, %v", len(page), more, err)
	}
	// Actions by the names the audit page gives them (its catalog).
	var catalog map[string]string
	b, err := os.ReadFile("../../web/i18n/zh-CN.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &catalog); err != nil {
		t.Fatal(err)
	}
	for _, f := range formats {
		want := [][]string{{"序号", "时间", "操作人", "操作", "对象", "内容", "哈希"}}
		for _, r := range page {
			at := r.At
			action, ok := catalog["audit.action."+string(r.Action)]
			if !ok {
				t.Fatalf("no name for %s", r.Action)
			}
			want = append(want, []string{strconv.FormatInt(r.Seq, 10), shanghai(&at), r.ActorName, action, r.Subject, string(r.Payload), hex.EncodeToString(r.Hash)})
		}
		compare(t, "audit "+string(f), w.export(t, onward.Request{What: onward.Audit}, f), want)
	}
}
