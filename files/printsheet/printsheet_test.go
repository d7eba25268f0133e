package printsheet_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"podium/files/cjkfont"
	"podium/files/printsheet"
	"podium/internal/poppler"
)

func sheet() printsheet.Sheet {
	return printsheet.Sheet{
		Contest: "2026年深圳市创新创业大赛", Round: "决赛", Code: "MA-7K2Q", Title: "基于石墨烯的柔性电池",
		Judge: "王建国", Place: "第一会场，第 3 个出场",
		Criteria: []printsheet.Criterion{
			{Name: "技术创新性", Description: "核心技术的先进性与自主知识产权", Max: "40.00", Weight: "40.00", Mark: "35.50"},
			{Name: "市场前景", Max: "30.00", Weight: "30.00", Mark: "24.00"},
			{Name: "团队能力", Max: "30.00", Weight: "30.00", Mark: "27.25"},
		},
		Total: "86.75", Comment: "技术路线清晰，产业化路径需要进一步论证。Pilot line in 2027.",
		Submitted: time.Date(2026, 12, 6, 17, 30, 0, 0, time.UTC), // 7 December in Beijing
	}
}

// TestSheetsRenderChinese prints a submitted sheet and a blank one of a live
// final, reads them back with pdftotext, counts the pages and renders the
// first to PNG (SCORESHEET_SHOTS keeps it for a person to look at).
func TestSheetsRenderChinese(t *testing.T) {
	blank := sheet()
	blank.Judge, blank.Total, blank.Comment, blank.Submitted, blank.Entrant = "李娜", "", "", time.Time{}, true
	for i := range blank.Criteria {
		blank.Criteria[i].Mark = ""
	}
	var buf bytes.Buffer
	if err := printsheet.Render(&buf, []printsheet.Sheet{sheet(), blank}, printsheet.Options{Printed: time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 1<<20 {
		t.Errorf("sheets are %d bytes; the font should be subset", buf.Len())
	}
	if got := poppler.Pages(t, buf.Bytes()); got != "2" {
		t.Errorf("pages = %s, want 2", got)
	}
	text := poppler.Text(t, buf.Bytes())
	pages := strings.Split(text, "\f")
	for _, want := range []string{"2026年深圳市创新创业大赛", "决赛 评分表", "MA-7K2Q", "基于石墨烯的柔性电池", "王建国", "技术创新性",
		"市场前景", "团队能力", "35.50", "24.00", "27.25", "86.75", "40.00", "技术路线清晰", "评委签名", "2026年12月7日", "第 1 页，共 2 页"} {
		if !strings.Contains(pages[0], want) {
			t.Errorf("page 1: pdftotext does not find %q in:\n%s", want, pages[0])
		}
	}
	if strings.Contains(pages[0], "参赛者确认签名") {
		t.Error("page 1 has the entrant's signature line; its sheet does not ask for it")
	}
	for _, want := range []string{"李娜", "空白评分表", "技术创新性", "评委签名", "参赛者确认签名"} {
		if !strings.Contains(pages[1], want) {
			t.Errorf("page 2: pdftotext does not find %q in:\n%s", want, pages[1])
		}
	}
	for _, mark := range []string{"35.50", "86.75", "2026年12月7日"} {
		if strings.Contains(pages[1], mark) {
			t.Errorf("the blank page shows %q", mark)
		}
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Fatal("this test needs pdftoppm: apt-get install -y poppler-utils")
	}
	dir := os.Getenv("SCORESHEET_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	pdfPath := filepath.Join(dir, "scoresheets.pdf")
	if err := os.WriteFile(pdfPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"1", "2"} {
		out, err := exec.Command("pdftoppm", "-png", "-r", "70", "-f", p, "-l", p, "-singlefile", pdfPath, filepath.Join(dir, "scoresheet-"+p)).CombinedOutput()
		if err != nil {
			t.Fatalf("pdftoppm: %v: %s", err, out)
		}
		png, err := os.ReadFile(filepath.Join(dir, "scoresheet-"+p+".png"))
		if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Fatalf("no PNG rendered: %v", err)
		}
	}
}

func TestSheetsInEnglish(t *testing.T) {
	s := sheet()
	s.Contest, s.Round, s.Entrant = "Shenzhen Innovation Contest 2026", "Final", true
	s.Criteria[0].Name = "Innovation"
	var buf bytes.Buffer
	if err := printsheet.Render(&buf, []printsheet.Sheet{s}, printsheet.Options{English: true}); err != nil {
		t.Fatal(err)
	}
	text := poppler.Text(t, buf.Bytes())
	for _, want := range []string{"Shenzhen Innovation Contest 2026", "Final Score sheet", "Innovation", "Max", "Weight", "Mark",
		"Total", "Judge's signature", "Entrant's signature", "7 December 2026", "Page 1 of 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext does not find %q in:\n%s", want, text)
		}
	}
}

func TestWithoutFontOrSheets(t *testing.T) {
	err := printsheet.Render(&bytes.Buffer{}, []printsheet.Sheet{sheet()}, printsheet.Options{FontFile: filepath.Join(t.TempDir(), "missing.ttf")})
	if !errors.Is(err, cjkfont.ErrMissing) || !strings.Contains(err.Error(), "fonts-droid-fallback") {
		t.Fatalf("err = %v", err)
	}
	if err := printsheet.Render(&bytes.Buffer{}, nil, printsheet.Options{}); err == nil {
		t.Fatal("no sheets rendered without an error")
	}
}
