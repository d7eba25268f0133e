package sealed_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"podium/sealed"
)

func TestSealOpen(t *testing.T) {
	box, err := sealed.New(sealed.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	v := box.Seal([]byte("11010519491231002X"), []byte("YY1"))
	if bytes.Contains(v, []byte("1101051949")) {
		t.Fatal("the sealed value shows the plaintext")
	}
	if p, err := box.Open(v, []byte("YY1")); err != nil || string(p) != "11010519491231002X" {
		t.Fatalf("open: %q %v", p, err)
	}
	if _, err := box.Open(v, []byte("YY2")); !errors.Is(err, sealed.ErrOpen) {
		t.Errorf("opened under another context: %v", err)
	}
	v[len(v)-1] ^= 1
	if _, err := box.Open(v, []byte("YY1")); !errors.Is(err, sealed.ErrOpen) {
		t.Errorf("opened a tampered value: %v", err)
	}
	other, _ := sealed.New(sealed.NewKey())
	if _, err := other.Open(box.Seal([]byte("x"), nil), nil); !errors.Is(err, sealed.ErrOpen) {
		t.Errorf("opened under another key: %v", err)
	}
	if _, err := box.Open([]byte("short"), nil); !errors.Is(err, sealed.ErrOpen) {
		t.Errorf("opened a short value: %v", err)
	}
	if _, err := sealed.New(make([]byte, 16)); err == nil {
		t.Error("a 16-byte key was accepted")
	}
}

func TestKeys(t *testing.T) {
	k := sealed.NewKey()
	if got, err := sealed.ParseKey(" " + sealed.EncodeKey(k) + "\n"); err != nil || !bytes.Equal(got, k) {
		t.Fatalf("parse: %v", err)
	}
	for _, bad := range []string{"", "not base64!", sealed.EncodeKey(make([]byte, 31))} {
		if _, err := sealed.ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) accepted", bad)
		}
	}

	path := filepath.Join(t.TempDir(), "sub", "data.key")
	k1, created, err := sealed.LoadOrCreateKeyFile(path)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v %v", fi.Mode(), err)
	}
	k2, created, err := sealed.LoadOrCreateKeyFile(path)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatalf("load: %v %v", created, err)
	}
	if err := os.WriteFile(path, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := sealed.LoadOrCreateKeyFile(path); err == nil {
		t.Error("a damaged key file was replaced or accepted")
	}
}
