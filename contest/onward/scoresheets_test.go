package onward_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/judging"
	"podium/contest/onward"
	"podium/fault"
	"podium/internal/poppler"
	"podium/scoring"
)

// pdfPages is a PDF's text as poppler's pdftotext reads it, page by page,
// after checking pdfinfo's page count is as many.
func pdfPages(t *testing.T, pdf []byte) []string {
	t.Helper()
	pages := strings.Split(strings.TrimSuffix(poppler.Text(t, pdf), "\f"), "\f")
	if n := poppler.Pages(t, pdf); n != strconv.Itoa(len(pages)) {
		t.Fatalf("pdfinfo counts %s pages, pdftotext %d", n, len(pages))
	}
	return pages
}

func render(t *testing.T, on *onward.Service, req onward.SheetsRequest) (onward.PrintSheets, []byte, []string) {
	t.Helper()
	ps, err := on.ScoreSheets(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ps.Render(&buf); err != nil {
		t.Fatal(err)
	}
	return ps, buf.Bytes(), pdfPages(t, buf.Bytes())
}

func has(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s: pdftotext does not find %q in:\n%s", what, w, text)
		}
	}
}

// A live final's sheets: every judge seated in the entry's room, one page
// each, the submitted one with its marks and the others blank for paper,
// all with the entrant's signature line; a judge's sheets in pitch order.
func TestScoreSheetsOfALiveFinal(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	lf := contesttest.NewLiveFinal(t, s)
	on := onward.New(s.DB, s.Results)
	ctx := context.Background()
	var cur struct {
		Entry int64  `db:"entry_id"`
		Code  string `db:"code"`
		Title string `db:"title"`
	}
	if err := s.DB.Get(&cur, `SELECT ls.entry_id, b.code, e.title FROM live_rooms lr JOIN live_slots ls ON ls.id = lr.current_slot
		JOIN entries e ON e.id = ls.entry_id JOIN blind_codes b ON b.entry_id = e.id AND b.round_id = ls.round_id
		WHERE lr.id = $1`, lf.Rooms[0].ID); err != nil {
		t.Fatal(err)
	}
	var assignment int64
	if err := s.DB.Get(&assignment, `SELECT a.id FROM assignments a JOIN rounds r ON r.id = a.round_id
		WHERE r.contest_id = $1 AND a.entry_id = $2 AND a.expert_id = $3`, lf.Contest.ID, cur.Entry, lf.Experts[0]); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte("k-print"))
	if _, err := s.SubmitSheet(ctx, access.EveryContest(lf.Judges[0].ID), assignment, judging.SheetInput{
		Marks: judging.Marks{"tech": 3550, "market": 2400, "team": 2750}, Comment: "路演清晰，答辩有力"}, "k-print", h[:]); err != nil {
		t.Fatal(err)
	}

	ps, pdf, pages := render(t, on, onward.SheetsRequest{ContestID: lf.Contest.ID, Round: "final", EntryID: cur.Entry})
	if len(ps.Sheets) != 5 || len(pages) != 5 {
		t.Fatalf("%d sheets, %d pages; want the 5 judges seated in the entry's room", len(ps.Sheets), len(pages))
	}
	if ps.Name != "测试大赛 live-final-决赛-"+cur.Code+"-评分表" {
		t.Errorf("name %q", ps.Name)
	}
	marked := 0
	for i, p := range pages {
		has(t, "page", p, "测试大赛 live-final", "决赛 评分表", cur.Code, cur.Title, "技术", "市场", "团队", "40.00", "30.00",
			"评委签名", "参赛者确认签名", "第一会场，第 1 个出场")
		if strings.Contains(p, "现场专家0") {
			marked++
			has(t, "the submitted sheet", p, "35.50", "24.00", "27.50", "87.00", "路演清晰，答辩有力")
			if strings.Contains(p, "空白评分表") {
				t.Error("the submitted sheet says it is blank")
			}
		} else {
			has(t, "a blank sheet", p, "空白评分表")
			for _, mark := range []string{"35.50", "87.00"} {
				if strings.Contains(p, mark) {
					t.Errorf("page %d, a sheet not submitted, shows %s", i+1, mark)
				}
			}
		}
	}
	if marked != 1 {
		t.Errorf("%d pages of 现场专家0, want 1", marked)
	}
	// Page 1 as a person sees it (SCORESHEET_SHOTS keeps it).
	dir := os.Getenv("SCORESHEET_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, "live-entry.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
		filepath.Join(dir, "live-entry.pdf"), filepath.Join(dir, "live-entry")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}

	// Judge 0 sits in room 1 (3 entries, in the drawn order); judge 5 in room 2.
	ps, _, pages = render(t, on, onward.SheetsRequest{ContestID: lf.Contest.ID, Round: "final", ExpertID: lf.Experts[0]})
	if len(pages) != 3 || ps.Name != "测试大赛 live-final-决赛-现场专家0-评分表" {
		t.Fatalf("judge 0: %d pages, name %q", len(pages), ps.Name)
	}
	for i, p := range pages {
		has(t, "judge 0", p, "现场专家0", "第一会场，第 "+strconv.Itoa(i+1)+" 个出场", "参赛者确认签名")
	}
	_, _, pages = render(t, on, onward.SheetsRequest{ContestID: lf.Contest.ID, Round: "final", ExpertID: lf.Experts[5], Lang: onward.English})
	if len(pages) != 1 {
		t.Fatalf("judge 5: %d pages", len(pages))
	}
	has(t, "judge 5 in English", pages[0], "Test contest live-final", "Score sheet", "现场专家5", "Judge's signature", "Entrant's signature", "第二会场, pitch 1")
}

// An online round's sheets: submitted marks, no entrant's line; refusals.
func TestScoreSheetsOfAnOnlineRound(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	e := w.orgs[0]
	var sheets []struct {
		Judge  string `db:"name"`
		Expert int64  `db:"expert_id"`
		Tech   int64  `db:"tech"`
		Total  int64  `db:"total"`
	}
	if err := w.s.DB.Select(&sheets, `
		SELECT x.name, a.expert_id, m.points AS tech, sh.total FROM assignments a JOIN experts x ON x.id = a.expert_id
		JOIN score_sheets sh ON sh.assignment_id = a.id JOIN marks m ON m.sheet_id = sh.id
		JOIN criteria c ON c.id = m.criterion_id AND c.key = 'tech'
		WHERE a.entry_id = $1 AND a.state = 'active' ORDER BY x.name`, e.id); err != nil {
		t.Fatal(err)
	}
	ps, _, pages := render(t, w.on, onward.SheetsRequest{ContestID: w.contestID, Round: "prelim", EntryID: e.id})
	if len(sheets) == 0 || len(pages) != len(sheets) || len(ps.Sheets) != len(sheets) {
		t.Fatalf("%d pages, %d sheets; %d in the database", len(pages), len(ps.Sheets), len(sheets))
	}
	for i, sh := range sheets {
		p := pages[i]
		has(t, sh.Judge, p, "测试大赛 exports", "初赛 评分表", e.title, sh.Judge, "技术", "市场", "团队", "评委签名",
			pts(sh.Tech), pts(sh.Total))
		if strings.Contains(p, "参赛者") || strings.Contains(p, "空白评分表") {
			t.Errorf("page %d of an online round's submitted sheet: %s", i+1, p)
		}
	}
	var count int
	if err := w.s.DB.Get(&count, `SELECT count(*) FROM assignments WHERE expert_id = $1 AND state = 'active'`, sheets[0].Expert); err != nil {
		t.Fatal(err)
	}
	_, _, pages = render(t, w.on, onward.SheetsRequest{ContestID: w.contestID, Round: "prelim", ExpertID: sheets[0].Expert})
	if len(pages) != count {
		t.Errorf("judge's sheets: %d pages, %d assignments", len(pages), count)
	}

	idle, err := w.s.SaveExpert(ctx, w.organizer.ID, judging.ExpertInput{Name: "未分配专家", Organization: "某大学"})
	if err != nil {
		t.Fatal(err)
	}
	other := contesttest.Account(t, w.s, access.RoleOrganizer, "other-org@example.com")
	oc, err := w.s.CreateContest(ctx, other.ID, contesttest.Setup("other"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		req  onward.SheetsRequest
		code fault.Code
		msg  string
	}{
		{onward.SheetsRequest{ContestID: w.contestID, Round: "nope", EntryID: e.id}, fault.CodeNotFound, "err.round.not_found"},
		{onward.SheetsRequest{ContestID: w.contestID, Round: "prelim", EntryID: 999999}, fault.CodeNotFound, "err.entry.not_found"},
		{onward.SheetsRequest{ContestID: oc.ID, Round: "prelim", EntryID: e.id}, fault.CodeNotFound, "err.entry.not_found"},
		{onward.SheetsRequest{ContestID: w.contestID, Round: "prelim", ExpertID: 999999}, fault.CodeNotFound, "err.expert.not_found"},
		{onward.SheetsRequest{ContestID: w.contestID, Round: "prelim", ExpertID: idle.ID}, fault.CodeNotFound, "err.scoresheets.none"},
		{onward.SheetsRequest{ContestID: w.contestID, Round: "prelim"}, fault.CodeInvalid, "err.scoresheets.select"},
	} {
		_, err := w.on.ScoreSheets(ctx, tc.req)
		var fe *fault.Error
		if !asFault(err, &fe) || fe.Code != tc.code || (fe.Message != tc.msg && fe.Fields["entry"] != tc.msg) {
			t.Errorf("%+v: %v; want %s %s", tc.req, err, tc.code, tc.msg)
		}
	}
}

func pts(p int64) string { return scoring.Points(p).String() }
