package onward_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"podium/contest/onward"
	"podium/files/table"
)

// rawWords are the values the database and the scoring keep as keys: none may
// appear as a cell of an export, in either language.
var rawWords = []string{
	"enterprise", "team", "institution", "entrant", "import", "draft", "submitted", "withdrawn", "accepted", "rejected",
	"first", "second", "third", "honorable", "person", "organization", "received", "investigating", "upheld",
	"rescore", "disqualify", "correct", "idea", "prototype", "pilot", "revenue", "growth", "province", "nation",
	"pass", "passed", "fail", "failed", "not checked", "pending", "declined", "trimmed", "mean", "median", "zscore",
}

// catalogKey is a dotted key (an audit action, a catalog key) written as a value.
var catalogKey = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)+$`)

// Every export, in both languages and formats, read back cell by cell, names
// its vocabulary values: no key is left in a cell, and the words are the
// catalogs' in the export's language.
func TestExportsNameEveryValue(t *testing.T) {
	t.Parallel()
	w := nominationWorld(t)
	ctx := context.Background()
	org, cid := w.organizer.ID, w.contestID
	// Nominations: one checked (passed), one withdrawn by a failed check, one never checked.
	nids, err := w.on.Nominate(ctx, org, cid, onward.Province, 2026, []int64{w.orgs[0].id, w.orgs[1].id, w.orgs[3].id})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.on.RecordCheck(ctx, org, cid, nids[0], check(onward.CheckPass)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.on.RecordCheck(ctx, org, cid, nids[2], check(onward.CheckFail)); err != nil {
		t.Fatal(err)
	}
	// An upheld objection, with a remedy.
	if _, err := w.s.DB.ExecContext(ctx, `
		INSERT INTO objections (contest_id, round_id, publication_id, entry_id, reference, objector_kind, objector_name,
		                        id_type, id_number, id_hint, phone, email, grounds, state, reply, remedy, filed_at, decided_at)
		SELECT $1, p.round_id, p.id, $2, 'YY-2026-0001', 'organization', '某单位', 'uscc', '\x0102', '1234', '13999999999',
		       'o@example.com', '评分有误', 'upheld', '已重新评分', 'rescore', now() - interval '1 day', now()
		FROM publications p WHERE p.contest_id = $1`, cid, w.orgs[0].id); err != nil {
		t.Fatal(err)
	}

	type sheet struct {
		kind, what string // the export's kind; with language and format
		rows       [][]string
	}
	read := func(l onward.Lang) []sheet {
		var out []sheet
		for _, f := range formats {
			for _, what := range onward.Whats {
				req := onward.Request{What: what, Lang: l}
				if what.NeedsRound() {
					req.Round = "prelim"
				}
				out = append(out, sheet{string(what), fmt.Sprintf("%s %s %s", what, l, f), w.export(t, req, f)})
			}
			e, err := w.on.FaredExport(ctx, org, l)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := e.WriteTo(ctx, &buf, f); err != nil {
				t.Fatal(err)
			}
			out = append(out, sheet{"fared", fmt.Sprintf("fared %s %s", l, f), readBack(t, buf.Bytes(), f)})
		}
		p, err := w.on.PreparePackage(ctx, cid, onward.Province, l)
		if err != nil {
			t.Fatal(err)
		}
		for name, write := range map[string]func(*bytes.Buffer) error{
			"package nominees": func(b *bytes.Buffer) error { return p.WriteNominees(b, table.XLSX) },
			"package stats":    func(b *bytes.Buffer) error { return p.WriteStats(b, table.XLSX) },
		} {
			var buf bytes.Buffer
			if err := write(&buf); err != nil {
				t.Fatal(err)
			}
			out = append(out, sheet{name, name + " " + string(l), readBack(t, buf.Bytes(), table.XLSX)})
		}
		return out
	}
	// want are names each language's exports must show somewhere, by export.
	want := map[onward.Lang]map[string][]string{
		onward.English: {
			"entries":          {"Team (not incorporated)", "Online entry", "Eligible", "Prototype", "Smart manufacturing"},
			"ranking":          {"Mean without the highest and lowest"},
			"scores":           {"Smart manufacturing", "dropped"},
			"winners":          {"First prize", "Second prize"},
			"objections":       {"An organization", "Upheld", "Re-scored", "Preliminary"},
			"audit":            {"Contest created", "Awards confirmed", "Results published", "Due diligence recorded"},
			"nominations":      {"Provincial contest", "Draft", "Withdrawn", "Passed", "Failed", "Not checked", "Smart manufacturing", "New materials", "Team"},
			"fared":            {"Provincial contest", "Withdrawn", "Not checked", "Smart manufacturing"},
			"package nominees": {"Provincial contest", "Smart manufacturing", "Team", "Passed", "Not checked", "Draft", "First prize"},
			"package stats":    {"Entries judged in round · Preliminary", "Prizes · First prize"},
		},
		onward.Chinese: {
			"entries":          {"团队", "网上报名", "资格审查通过", "原型阶段"},
			"ranking":          {"去掉一个最高分和一个最低分后取平均"},
			"scores":           {"智能制造", "已去掉"},
			"winners":          {"一等奖", "二等奖"},
			"objections":       {"单位", "异议成立", "重新评分"},
			"audit":            {"创建赛事", "确认奖项", "登记尽职调查"},
			"nominations":      {"省赛", "草稿", "已撤回", "通过", "未通过", "未调查", "智能制造", "团队组"},
			"fared":            {"省赛", "已撤回", "未调查"},
			"package nominees": {"省赛", "智能制造", "通过", "未调查", "草稿", "一等奖"},
			"package stats":    {"轮次评审项目数 · 初赛", "获奖项目数 · 一等奖"},
		},
	}
	for _, l := range []onward.Lang{onward.Chinese, onward.English} {
		seen := map[string]map[string]bool{}
		for _, s := range read(l) {
			kind := s.kind
			if seen[kind] == nil {
				seen[kind] = map[string]bool{}
			}
			// The target at the higher contest defaults to the city's track
			// and group: named in English where they have English names.
			for j, h := range s.rows[0] {
				if l == onward.English && (h == "Target track" || h == "Target group") {
					for _, row := range s.rows[1:] {
						if !slices.Contains([]string{"Smart manufacturing", "New materials", "Team", "Enterprise"}, row[j]) {
							t.Errorf("%s: %s %q", s.what, h, row[j])
						}
					}
				}
			}
			for i, row := range s.rows {
				for j, cell := range row {
					seen[kind][cell] = true
					if kind == "matrix" && (i == 0 || j == 6) {
						continue // the machine file podium score reads: keys and "dropped" in every language
					}
					if kind == "audit" && j == 4 {
						// The subject is the record's own text ("province", a
						// round's key): naming subjects is the audit page's
						// work, not repeated here.
						continue
					}
					if slices.Contains(rawWords, cell) || catalogKey.MatchString(cell) || (l == onward.Chinese && cell == "dropped") {
						t.Errorf("%s: row %d column %d (%s) is the key %q", s.what, i+1, j+1, at(s.rows[0], j), cell)
					}
				}
			}
		}
		for kind, names := range want[l] {
			for _, n := range names {
				if !seen[kind][n] {
					t.Errorf("%s %s: no cell reads %q", kind, l, n)
				}
			}
		}
	}
}

// The scores export is the matrix for people: the same sheets in the same
// order, the same marks, under the criteria's names in the export's language
// (English where a criterion has one), with the entry's title, track and
// group, the judge's total, the dropped mark by name, the score and rank.
func TestScoresExportIsTheMatrixNamed(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	if _, err := w.s.DB.ExecContext(ctx, `UPDATE criteria SET name_en = 'Technology' WHERE key = 'tech'
		AND round_id IN (SELECT id FROM rounds WHERE contest_id = $1)`, w.contestID); err != nil {
		t.Fatal(err)
	}
	rk, rs, err := w.s.Ranking(ctx, w.contestID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	rank := map[string]int{}
	for _, r := range rk.Entries {
		rank[r.Entry] = r.Rank
	}
	byTitle := map[string]orgFixture{}
	for _, o := range w.orgs {
		byTitle[o.title] = o
	}
	names := map[string][2]string{"materials": {"新材料", "New materials"}, "manufacturing": {"智能制造", "Smart manufacturing"},
		"team": {"团队组", "Team"}, "enterprise": {"企业组", "Enterprise"}}
	headers := [][]string{
		{"编号", "项目名称", "赛道", "组别", "评委", "技术", "市场", "团队", "评委总分", "去掉的评分", "得分", "本轮名次"},
		{"Code", "Title", "Track", "Group", "Judge", "Technology", "市场", "团队", "Judge's total", "Dropped", "Score", "Round rank"},
	}
	for li, l := range []onward.Lang{onward.Chinese, onward.English} {
		for _, f := range formats {
			matrix := w.export(t, onward.Request{What: onward.Matrix, Round: "prelim", Lang: l}, f)
			got := w.export(t, onward.Request{What: onward.Scores, Round: "prelim", Lang: l}, f)
			want := [][]string{headers[li]}
			dropped := 0
			for _, m := range matrix[1:] {
				o := byTitle[rs.Titles[m[0]]]
				mark := ""
				if m[6] != "" {
					mark = []string{"已去掉", "dropped"}[li] // the catalog's ranking.dropped
				}
				want = append(want, []string{m[0], csvText(f, o.title), names[o.track][li], names[o.group][li], m[1], m[2], m[3], m[4], m[5], mark, m[7],
					strconv.Itoa(rank[m[0]])})
				if m[6] != "" {
					dropped++
					if m[6] != "dropped" {
						t.Errorf("%s %s: the matrix marks a dropped total %q", l, f, m[6])
					}
				}
			}
			if dropped != 8 {
				t.Errorf("%s %s: %d sheets dropped, want 8 (two of each entry's five)", l, f, dropped)
			}
			compare(t, fmt.Sprintf("scores %s %s", l, f), got, want)
		}
	}
}
