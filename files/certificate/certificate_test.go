package certificate_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"podium/files/certificate"
	"podium/internal/poppler"
)

func sample() certificate.Certificate {
	return certificate.Certificate{
		ContestZh: "2026年深圳市创新创业大赛", ContestEn: "Shenzhen Innovation and Entrepreneurship Contest 2026",
		Title: "基于石墨烯的柔性电池", Organization: "深圳市新能科技有限公司",
		PrizeZh: "一等奖", PrizeEn: "First Prize", RoundZh: "决赛", RoundEn: "Final",
		Date:   time.Date(2026, 12, 6, 17, 30, 0, 0, time.UTC), // 7 December in Beijing
		Number: "2026-final-v1-ABCDEFGHJKMNPQRS", VerifyURL: "https://podium.example.cn/results/sz2026/certificates/2026-final-v1-ABCDEFGHJKMNPQRS",
	}
}

// TestCertificateRendersChinese renders a certificate, reads it back with
// poppler's pdftotext, renders it to PNG with pdftoppm, and checks its size.
func TestCertificateRendersChinese(t *testing.T) {
	var buf bytes.Buffer
	if err := certificate.Render(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if buf.Len() > 1<<20 {
		t.Errorf("certificate is %d bytes; the font should be subset", buf.Len())
	}
	t.Logf("certificate PDF: %d bytes", buf.Len())
	text := poppler.Text(t, buf.Bytes())
	for _, want := range []string{"2026年深圳市创新创业大赛", "荣誉证书", "Certificate of Award", "基于石墨烯的柔性电池",
		"深圳市新能科技有限公司", "一等奖", "First Prize", "决赛", "2026-final-v1-ABCDEFGHJKMNPQRS", "2026年12月7日", "核验", "verify at"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext does not find %q in:\n%s", want, text)
		}
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Fatal("this test needs pdftoppm: apt-get install -y poppler-utils")
	}
	dir := os.Getenv("CERTIFICATE_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	pdfPath := filepath.Join(dir, "certificate.pdf")
	if err := os.WriteFile(pdfPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-singlefile", pdfPath, filepath.Join(dir, "certificate")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	png, err := os.ReadFile(filepath.Join(dir, "certificate.png"))
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("no PNG rendered: %v", err)
	}
}

func TestCertificateWithoutFontSaysWhatToInstall(t *testing.T) {
	c := sample()
	c.FontFile = filepath.Join(t.TempDir(), "missing.ttf")
	err := certificate.Render(&bytes.Buffer{}, c)
	if !errors.Is(err, certificate.ErrFontMissing) || !strings.Contains(err.Error(), "apt-get install fonts-droid-fallback") {
		t.Fatalf("err = %v", err)
	}
	// PODIUM_CJK_FONT names the font when the certificate does not.
	t.Setenv(certificate.FontEnv, c.FontFile)
	c.FontFile = ""
	if err := certificate.Render(&bytes.Buffer{}, c); !errors.Is(err, certificate.ErrFontMissing) || !strings.Contains(err.Error(), "missing.ttf") {
		t.Fatalf("with %s set: err = %v", certificate.FontEnv, err)
	}
}
