package cjkfont_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"podium/files/cjkfont"
)

func TestMissingFontSaysWhatToInstall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.ttf")
	_, err := cjkfont.Load(path)
	if !errors.Is(err, cjkfont.ErrMissing) || !strings.Contains(err.Error(), "apt-get install fonts-droid-fallback") || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v", err)
	}
	t.Setenv(cjkfont.Env, path)
	if cjkfont.Path() != path {
		t.Fatalf("Path() = %q with %s set", cjkfont.Path(), cjkfont.Env)
	}
}

// Wrap keeps every character, breaks Chinese anywhere and Latin at spaces,
// and no line is wider than asked (a single wide character aside).
func TestWrap(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	if err := cjkfont.Add(pdf, ""); err != nil {
		t.Fatal(err)
	}
	s := "技术路线清晰，产业化路径需要进一步论证，建议补充中试数据。The pilot line opens in 2027 with two partners.\n第二段"
	lines := cjkfont.Wrap(pdf, s, 10, 40)
	if len(lines) < 4 {
		t.Fatalf("%d lines: %q", len(lines), lines)
	}
	if got := strings.Join(lines, ""); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(strings.ReplaceAll(s, "\n", ""), " ", "") {
		t.Errorf("characters lost: %q", lines)
	}
	if lines[len(lines)-1] != "第二段" {
		t.Errorf("a newline does not start a line: %q", lines)
	}
	for _, l := range lines {
		if w := cjkfont.Width(pdf, l, 10); w > 40.5 {
			t.Errorf("%q is %.1f mm wide", l, w)
		}
	}
	letter := func(b byte) bool { return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }
	for i := 0; i+1 < len(lines); i++ {
		if a, b := lines[i], lines[i+1]; a != "" && b != "" && letter(a[len(a)-1]) && letter(b[0]) {
			t.Errorf("a Latin word broken between %q and %q", a, b)
		}
	}
}

// Latin-1 beyond ASCII ("·" in a name, "é") is set in the core font, which
// has it: poppler reads the very characters back.
func TestLatin1Survives(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	if err := cjkfont.Add(pdf, ""); err != nil {
		t.Fatal(err)
	}
	pdf.AddPage()
	line := "评委 阿卜杜拉·买买提, Zoë Müller — 92.50 “路演”…"
	cjkfont.Line(pdf, 20, 20, 6, line, 12, 'L')
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("this test needs pdftotext: apt-get install -y poppler-utils")
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = &buf
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"阿卜杜拉·买买提", "Zoë Müller", "92.50", "“路演”…"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("pdftotext does not find %q in %q", want, out)
		}
	}
}

// fpdf writes into the font bytes it is given while it subsets them (its
// getMetrics appends to a slice of the file for glyphs past the font's long
// metrics). The font file is cached and shared by every document: making a
// document must leave it exactly as read.
func TestDocumentsLeaveTheCachedFontUnchanged(t *testing.T) {
	font, err := cjkfont.Load(cjkfont.Path())
	if err != nil {
		t.Fatal(err)
	}
	before := sha256.Sum256(font)
	var text strings.Builder
	for r := rune(0x4E00); r < 0x9FA5; r += 7 { // CJK ideographs across the block, and some of everything else
		text.WriteRune(r)
	}
	text.WriteString("，。！？《》（）：；、¥％＋－×÷＝０１２３ＡＢＣａｂｃ")
	pdf := fpdf.New("P", "mm", "A4", "")
	if err := cjkfont.Add(pdf, ""); err != nil {
		t.Fatal(err)
	}
	pdf.AddPage()
	pdf.SetFont(cjkfont.Family, "", 10)
	pdf.MultiCell(180, 5, text.String(), "", "L", false)
	if err := pdf.Output(&bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if after := sha256.Sum256(font); after != before {
		t.Fatal("making a document changed the cached font file")
	}
}
