package certificate_test

import (
	"io"
	"testing"

	"podium/files/certificate"
)

// BenchmarkCertificateRender: about 55 ms and 27 MB allocated per certificate on
// a 2-core test machine, most of it fpdf parsing the 4 MB font for each document.
func BenchmarkCertificateRender(b *testing.B) {
	c := sample()
	for b.Loop() {
		if err := certificate.Render(io.Discard, c); err != nil {
			b.Fatal(err)
		}
	}
}
