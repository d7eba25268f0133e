package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"podium/sealed"
)

// Without PODIUM_DATA_KEY the server makes a key once, beside the blobs,
// readable by its owner only, and says so; a bad PODIUM_DATA_KEY stops it.
func TestDataKey(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	m := &Main{Config: Config{DataDir: t.TempDir()}, Log: slog.New(slog.NewTextHandler(&log, nil))}
	box, err := m.openDataKey()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(m.Config.DataDir, dataKeyFile)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 || !strings.Contains(log.String(), "PODIUM_DATA_KEY") {
		t.Fatalf("key file %v %v; log %q", fi, err, log.String())
	}
	sealedValue := box.Seal([]byte("11010519491231002X"), nil)
	log.Reset()
	again, err := m.openDataKey()
	if err != nil || log.Len() != 0 {
		t.Fatalf("second start: %v, log %q", err, log.String())
	}
	if p, err := again.Open(sealedValue, nil); err != nil || string(p) != "11010519491231002X" {
		t.Errorf("the kept key does not open what the first made: %v", err)
	}

	m.Config.DataKey = sealed.EncodeKey(sealed.NewKey())
	if _, err := m.openDataKey(); err != nil {
		t.Errorf("PODIUM_DATA_KEY: %v", err)
	}
	m.Config.DataKey = "c2hvcnQ="
	if _, err := m.openDataKey(); err == nil || !strings.Contains(err.Error(), "PODIUM_DATA_KEY") {
		t.Errorf("a short PODIUM_DATA_KEY: %v", err)
	}
}
