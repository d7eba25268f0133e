package pdftext_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"podium/files/pdftext"
)

func extract(t *testing.T, b []byte) string {
	t.Helper()
	text, err := pdftext.Extract(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("extract: %v", err)
	}
	return text
}

var plan = []string{
	"商业计划书",
	"项目名称：基于深度学习的工业质检平台",
	"申报单位：星河智能科技有限公司",
	"项目负责人：张伟（首席执行官）",
	"Contact: Li Na, Galaxy AI Ltd.",
	"一、项目概述",
	strings.Repeat("本项目面向制造业质量检测场景，提供端到端的缺陷识别方案。", 6),
}

func TestGenerateExtractRoundTrip(t *testing.T) {
	b := pdftext.Generate(plan)
	if !bytes.HasPrefix(b, []byte("%PDF-1.7\n")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
		t.Fatalf("not a PDF: %q…", b[:20])
	}
	text := extract(t, b)
	for _, want := range []string{"星河智能科技有限公司", "张伟", "Contact: Li Na, Galaxy AI Ltd.", "商业计划书"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	// The long line was wrapped, not lost.
	if got := strings.Count(strings.ReplaceAll(text, "\n", ""), "缺陷识别方案"); got != 6 {
		t.Errorf("wrapped line: %d of 6 repetitions", got)
	}
}

// Readers accept what the library alone would not: bytes before the header,
// PDF 2.0, and bytes after the last %%EOF.
func TestExtractLenient(t *testing.T) {
	good := pdftext.Generate([]string{"张伟"})
	for name, b := range map[string][]byte{
		"junk before":  append([]byte("\x00\x00junk from a mail gateway\r\n"), good...),
		"PDF 2.0":      bytes.Replace(good, []byte("%PDF-1.7"), []byte("%PDF-2.0"), 1),
		"junk after":   append(bytes.Clone(good), []byte("\n\x00\x00<html>trailing garbage</html>")...),
		"space header": bytes.Replace(good, []byte("%PDF-1.7\n"), []byte("%PDF-1.7 "), 1),
	} {
		if !strings.Contains(extract(t, b), "张伟") {
			t.Errorf("%s: text lost", name)
		}
	}
}

func TestGenerateManyPages(t *testing.T) {
	var lines []string
	for i := range 200 {
		lines = append(lines, fmt.Sprintf("第%d行 line %d", i, i))
	}
	text := extract(t, pdftext.Generate(lines))
	if !strings.Contains(text, "第0行 line 0") || !strings.Contains(text, "第199行 line 199") {
		t.Fatalf("pages lost: %d bytes", len(text))
	}
	if n := strings.Count(text, "\n\n"); n < 4 {
		t.Fatalf("%d page breaks, want at least 4", n)
	}
}

// TestGenerateWithPdftotext checks the generated PDF with an independent reader,
// poppler (scripts/services.sh installs it; a missing one fails, never skips).
func TestGenerateWithPdftotext(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("this test needs pdftotext: apt-get install -y poppler-utils")
	}
	p := filepath.Join(t.TempDir(), "plan.pdf")
	os.WriteFile(p, pdftext.Generate(plan), 0o600)
	out, err := exec.Command(bin, p, "-").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "星河智能科技有限公司") {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
}

func TestFindIdentity(t *testing.T) {
	names := []string{"星河智能科技有限公司", "张伟", "Li Na", "Galaxy AI", "王芳", "Acme Corp"}
	text := extract(t, pdftext.Generate(plan))
	got := pdftext.FindIdentity(text, names)
	if want := []string{"星河智能科技有限公司", "张伟", "Li Na", "Galaxy AI"}; !slices.Equal(got, want) {
		t.Fatalf("found %q, want %q", got, want)
	}

	clean := extract(t, pdftext.Generate([]string{"商业计划书", "项目负责人：（已隐去）", "Contact: (withheld)"}))
	if got := pdftext.FindIdentity(clean, names); len(got) != 0 {
		t.Fatalf("found %q in a blind plan", got)
	}
}

func TestFindIdentityVariants(t *testing.T) {
	cases := []struct {
		text, name string
		want       bool
	}{
		{"负责人 张 伟 先生", "张伟", true},             // spaces between CJK characters
		{"负责人张\n伟", "张伟", true},                // broken across lines
		{"星河 智能 科技\n有限公司", "星河智能科技有限公司", true}, // and in a company name
		{"ＧＡＬＡＸＹ　ＡＩ", "Galaxy AI", true},       // full width, ideographic space
		{"galaxy ai ltd", "GALAXY AI", true},   // case
		{"GalaxyAI", "Galaxy  AI", true},       // spaces in the name
		{"张\u200b伟", "张伟", true},               // zero-width space
		{"⼈⺠", "人民", false},                    // Kangxi radicals fold (⼈→人) but ⺠ is a supplement radical
		{"⼈⼝", "人口", true},                     // Kangxi radicals fold by NFKC
		{"张三丰", "张伟", false},
		{"张", "张", false},      // one character: ignored
		{"A corp", "A", false}, // likewise
		{"", "张伟", false},
	}
	for _, c := range cases {
		got := pdftext.FindIdentity(c.text, []string{c.name})
		if (len(got) == 1) != c.want {
			t.Errorf("FindIdentity(%q, %q) = %q, want found=%v", c.text, c.name, got, c.want)
		}
	}
	if got := pdftext.FindIdentity("张伟 张伟", []string{"张伟", "张 伟", "", " "}); !slices.Equal(got, []string{"张伟"}) {
		t.Errorf("duplicates: %q", got)
	}
}

func TestExtractCorrupt(t *testing.T) {
	good := pdftext.Generate(plan)
	cases := map[string][]byte{
		"empty":          nil,
		"not a PDF":      []byte("hello, world"),
		"header only":    []byte("%PDF-1.4\n"),
		"truncated":      good[:len(good)/2],
		"no xref":        bytes.Replace(good, []byte("xref"), []byte("xxxx"), 1),
		"bad startxref":  bytes.Replace(good, []byte("startxref\n"), []byte("startxref\n9"), 1),
		"garbage tail":   append(append([]byte{}, good[:len(good)-200]...), bytes.Repeat([]byte{0xff}, 200)...),
		"random bytes":   append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("\x00\x01<<[(/"), 5000)...),
		"bad root":       bytes.Replace(good, []byte("/Root 1 0 R"), []byte("/Root 9 9 R"), 1),
		"header and eof": []byte("%PDF-1.7\n%%EOF\n"),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := pdftext.Extract(bytes.NewReader(b), int64(len(b)))
			if err == nil && name != "bad root" {
				t.Fatal("no error")
			}
		})
	}
	// Every prefix of a valid file: errors (or text), never a panic.
	for n := 0; n < len(good); n += 97 {
		pdftext.Extract(bytes.NewReader(good[:n]), int64(n))
	}
	// Every single-byte corruption of the structure: likewise.
	for i := 0; i < len(good); i += 13 {
		b := bytes.Clone(good)
		b[i] ^= 0x5a
		pdftext.Extract(bytes.NewReader(b), int64(len(b)))
	}
}

// hostile builds a PDF around the given objects (numbered from 1), with a
// correct cross-reference table; root is the catalog's object number.
func hostile(objs []string, trailerExtra string) []byte {
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailerExtra, x)
	return out.Bytes()
}

func flateStream(dict string, data []byte) string {
	var b bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&b, zlib.BestCompression)
	zw.Write(data)
	zw.Close()
	return fmt.Sprintf("<< %s /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", dict, b.Len(), b.Bytes())
}

func TestExtractHostile(t *testing.T) {
	// Small limits, so small files show the mechanism; the defaults are the same code.
	defer pdftext.SetStreamLimits(1<<20, 1<<20)()
	empty := "<< /Length 0 >>\nstream\n\nendstream"
	page := func(contents string, more ...string) []string {
		return append([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R /Resources << >> >>",
			contents,
		}, more...)
	}
	// One string token of 4 MiB, deflated to a few KiB.
	bomb := append([]byte("("), bytes.Repeat([]byte("A"), 4<<20)...)
	cases := []struct {
		name string
		file []byte
		want error // nil: any outcome but a crash or a hang
	}{
		// Skipped, not interpreted: the page simply has no text.
		{"content stream bomb", hostile(page(flateStream("", bomb)), ""), nil},
		{"object stream bomb", hostile(page(empty, flateStream("/Type /ObjStm /N 1 /First 4", append([]byte("9 0 "), bomb...))), ""), pdftext.ErrTooComplex},
		{"object stream of a million objects", hostile(page(empty, flateStream("/Type /ObjStm /N 1000000 /First 4", []byte("9 0 null"))), ""), pdftext.ErrTooComplex},
		{"xref declaring a billion objects", []byte(strings.Replace(string(hostile(page(empty), "")), "xref\n0 5", "xref\n1000000000 5", 1)), pdftext.ErrTooComplex},
		{"trailer /Size of a billion, name-escaped", hostile(page(empty), "/S#69ze 1000000000 "), pdftext.ErrTooComplex},
		{"xref stream /Index far away", hostile(page(empty, "<< /Type /XRef /Size 5 /Index [999999990 20] /W [1 2 1] /Length 0 >>\nstream\n\nendstream"), ""), pdftext.ErrTooComplex},
		{"xref stream field width of a gigabyte", hostile(page(empty, "<< /Type /XRef /Size 5 /W [1 1000000000 1] /Length 0 >>\nstream\n\nendstream"), ""), pdftext.ErrTooComplex},
		{"page tree cycle", hostile([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [2 0 R 2 0 R] /Count 2 >>",
		}, ""), pdftext.ErrTooComplex},
		{"form drawing itself", hostile([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /XObject << /X 4 0 R >> >> >>",
			"<< /Type /XObject /Subtype /Form /Length 17 >>\nstream\n/X Do /X Do /X Do\nendstream",
		}, ""), pdftext.ErrTooComplex},
		{"deeply nested arrays", hostile(page(empty, strings.Repeat("[", 100_000)), ""), pdftext.ErrTooComplex},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := pdftext.Extract(bytes.NewReader(c.file), int64(len(c.file)))
			if c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
}

func TestExtractDeadline(t *testing.T) {
	var lines []string
	for i := range 3000 {
		lines = append(lines, fmt.Sprintf("第%d行：星河智能科技有限公司", i))
	}
	b := pdftext.Generate(lines)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := pdftext.ExtractContext(ctx, bytes.NewReader(b), int64(len(b))); !errors.Is(err, pdftext.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestExtractEncrypted(t *testing.T) {
	b := bytes.Replace(pdftext.Generate(plan), []byte("/Root 1 0 R"),
		[]byte("/Root 1 0 R /Encrypt << /Filter /Standard /V 5 /R 6 /Length 256 /O <00> /U <00> /P -4 >>"), 1)
	if _, err := pdftext.Extract(bytes.NewReader(b), int64(len(b))); !errors.Is(err, pdftext.ErrEncrypted) {
		t.Fatalf("err = %v, want ErrEncrypted", err)
	}
	// Encrypted object streams cannot be measured before the library parses them.
	b = hostile([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
		flateStream("/Type /ObjStm /N 1 /First 4", []byte("9 0 null")),
	}, "/Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 >> ")
	if _, err := pdftext.Extract(bytes.NewReader(b), int64(len(b))); !errors.Is(err, pdftext.ErrEncrypted) {
		t.Fatalf("err = %v, want ErrEncrypted", err)
	}
}

func TestExtractTooLarge(t *testing.T) {
	if _, err := pdftext.Extract(bytes.NewReader(nil), pdftext.MaxSize+1); !errors.Is(err, pdftext.ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
}

// TestExtractChromium reads a PDF printed by Chromium (Skia) from
// testdata/chromium-cjk.html: subset Noto CJK fonts as Type3 fonts whose
// /Encoding names glyphs and whose ToUnicode map alone gives the characters,
// some of them Kangxi radicals (⽬ for 目), as real exports have.
func TestExtractChromium(t *testing.T) {
	b, err := os.ReadFile("testdata/chromium-cjk.pdf")
	if err != nil {
		t.Fatal(err)
	}
	text := extract(t, b)
	for _, want := range []string{"商业计划书", "星河智能科技有限公司", "张伟", "Contact: Li Na (Galaxy AI)"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	names := []string{"星河智能科技有限公司", "张伟", "Li Na", "Galaxy AI", "项目负责人", "王芳"}
	if got := pdftext.FindIdentity(text, names); !slices.Equal(got, names[:5]) {
		t.Fatalf("found %q", got)
	}
}
