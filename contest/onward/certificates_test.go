package onward

import (
	"bytes"
	"testing"
	"time"

	"podium/contest/results"
)

// A certificate number names its year, round and version, and its code
// changes with the publication (its tree root), the entry and the prize.
func TestCertificateNumberFollowsPublicationAndPrize(t *testing.T) {
	p := results.Publication{RoundKey: "semi-final", Version: 3, TreeRoot: bytes.Repeat([]byte{7}, 32),
		PublishedAt: time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)} // 1 January 2027 in Beijing
	n := CertificateNumber(p, 42, "first")
	parsed, ok := parseNumber(n)
	if !ok || parsed.year != 2027 || parsed.roundKey != "semi-final" || parsed.version != 3 || len(parsed.code) != 16 {
		t.Fatalf("%s parsed as %+v, %v", n, parsed, ok)
	}
	other := p
	other.TreeRoot = bytes.Repeat([]byte{8}, 32)
	for name, m := range map[string]string{
		"another prize":   CertificateNumber(p, 42, "second"),
		"another entry":   CertificateNumber(p, 43, "first"),
		"another tree":    CertificateNumber(other, 42, "first"),
		"another version": CertificateNumber(results.Publication{RoundKey: "semi-final", Version: 4, TreeRoot: p.TreeRoot, PublishedAt: p.PublishedAt}, 42, "first"),
	} {
		if m == n {
			t.Errorf("%s gives the same number %s", name, n)
		}
	}
	if CertificateNumber(p, 42, "first") != n {
		t.Error("the number is not deterministic")
	}
	for _, bad := range []string{"", "2026", "2026-final", "2026-final-v1", "x-final-v1-AAAAAAAAAAAAAAAA", "2026-final-v0-AAAAAAAAAAAAAAAA", "2026-final-v1-AAAA", "2026--v1-AAAAAAAAAAAAAAAA"} {
		if p, ok := parseNumber(bad); ok {
			t.Errorf("%q parsed as %+v", bad, p)
		}
	}
}
