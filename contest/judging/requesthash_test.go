package judging_test

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"podium/contest/judging"
)

// A submission's request hash is the one every sender derives — the judge's
// tablet through the web layer, the demo and the load tool: the SHA-256 of
// the assignment's id, a newline and the request's exact bytes.
func TestRequestHash(t *testing.T) {
	t.Parallel()
	body := []byte(`{"marks":{"tech":"35.50"}}`)
	want := sha256.Sum256(append([]byte("42\n"), body...))
	if got := judging.RequestHash(42, body); !bytes.Equal(got, want[:]) {
		t.Errorf("RequestHash = %x, want %x", got, want)
	}
	if bytes.Equal(judging.RequestHash(42, body), judging.RequestHash(43, body)) {
		t.Error("two assignments, one hash")
	}
	if bytes.Equal(judging.RequestHash(42, body), judging.RequestHash(42, append(body, ' '))) {
		t.Error("two bodies, one hash")
	}
}
