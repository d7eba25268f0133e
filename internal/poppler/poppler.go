// Package poppler reads PDFs in tests with Debian's poppler-utils: an
// independent reader of what Podium writes. Tests fail, not skip, without
// it (CI installs it: scripts/services.sh).
package poppler

import (
	"bytes"
	"os/exec"
	"regexp"
	"testing"
)

// Text is the PDF's text as pdftotext reads it, laid out as on the page.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	return string(run(t, pdf, "pdftotext", "-layout", "-", "-"))
}

// Pages is the PDF's page count as pdfinfo reads it.
func Pages(t testing.TB, pdf []byte) string {
	t.Helper()
	out := run(t, pdf, "pdfinfo", "-")
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo says no page count: %s", out)
	}
	return string(m[1])
}

func run(t testing.TB, pdf []byte, tool string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("this test needs %s: apt-get install -y poppler-utils", tool)
	}
	cmd := exec.Command(tool, args...)
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	return out
}
