package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"podium/fault"
	"podium/files/blob"
)

func newStore(t *testing.T) (*blob.Local, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "blobs")
	s, err := blob.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// files lists every regular file under dir (temporary ones included).
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPutOpenDelete(t *testing.T) {
	s, dir := newStore(t)
	ctx := context.Background()
	data := bytes.Repeat([]byte("商业计划书 business plan\n"), 1000)
	key := blob.NewKey()
	size, sum, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(data)
	if size != int64(len(data)) || !bytes.Equal(sum, want[:]) {
		t.Fatalf("size %d sum %x, want %d %x", size, sum, len(data), want)
	}
	if got := files(t, dir); len(got) != 1 || got[0] != key {
		t.Fatalf("files %v, want just %s", got, key)
	}

	b, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if b.Size() != int64(len(data)) || b.ModTime().IsZero() {
		t.Fatalf("size %d mod %v", b.Size(), b.ModTime())
	}
	if _, err := b.Seek(10, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(b)
	if err != nil || !bytes.Equal(rest, data[10:]) {
		t.Fatalf("read after seek: %v", err)
	}
	b.Close()

	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) || fault.ErrorCode(err) != fault.CodeNotFound {
		t.Fatalf("open after delete: %v", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatalf("deleting a missing blob: %v", err)
	}
}

func TestPutExactlyMax(t *testing.T) {
	s, _ := newStore(t)
	if _, _, err := s.Put(context.Background(), blob.NewKey(), strings.NewReader("12345"), 5); err != nil {
		t.Fatalf("exactly max bytes: %v", err)
	}
}

func TestPutTooLargeLeavesNothing(t *testing.T) {
	s, dir := newStore(t)
	key := blob.NewKey()
	_, _, err := s.Put(context.Background(), key, bytes.NewReader(make([]byte, 1<<20)), 1<<20-1)
	if !errors.Is(err, blob.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	var ce *fault.Error
	if !errors.As(err, &ce) || ce.Code != fault.CodeInvalid || ce.Message != "err.upload.too_large" {
		t.Fatalf("not a typed error: %#v", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
}

// failingReader yields some bytes and then breaks, like a dropped connection.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := min(len(p), f.n)
	clear(p[:n])
	f.n -= n
	return n, nil
}

func TestPutErrorMidStreamLeavesNothing(t *testing.T) {
	s, dir := newStore(t)
	key := blob.NewKey()
	_, _, err := s.Put(context.Background(), key, &failingReader{n: 300_000}, 1<<30)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
	if _, err := s.Open(context.Background(), key); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("open: %v", err)
	}
}

func TestPutCancelledLeavesNothing(t *testing.T) {
	s, dir := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := s.Put(ctx, blob.NewKey(), strings.NewReader("data"), 100); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
}

func TestKeys(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for range 100 {
		k := blob.NewKey()
		if !re.MatchString(k) || k[0:2] != k[6:8] || k[3:5] != k[8:10] || !blob.ValidKey(k) || seen[k] {
			t.Fatalf("bad key %q", k)
		}
		seen[k] = true
	}
	for _, k := range []string{"", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a/", "/a", ".hidden", "a/.tmp/b",
		`a\b`, "C:/x", "a b", "a\x00b", "é", strings.Repeat("a", 300), "1/2/3/4/5/6/7/8/9"} {
		if blob.ValidKey(k) {
			t.Errorf("ValidKey(%q) = true", k)
		}
	}
	for _, k := range []string{"ab/cd/ef", "x", "a-b_c.d/e"} {
		if !blob.ValidKey(k) {
			t.Errorf("ValidKey(%q) = false", k)
		}
	}
}

func TestBadKeysRejected(t *testing.T) {
	s, dir := newStore(t)
	outside := filepath.Join(filepath.Dir(dir), "victim")
	if err := os.WriteFile(outside, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, k := range []string{"../victim", "../../etc/passwd", "/etc/passwd", ".tmp/x", "a/../../victim"} {
		if _, _, err := s.Put(ctx, k, strings.NewReader("x"), 10); !errors.Is(err, blob.ErrBadKey) {
			t.Errorf("Put(%q): %v", k, err)
		}
		if _, err := s.Open(ctx, k); !errors.Is(err, blob.ErrBadKey) {
			t.Errorf("Open(%q): %v", k, err)
		}
		if err := s.Delete(ctx, k); !errors.Is(err, blob.ErrBadKey) {
			t.Errorf("Delete(%q): %v", k, err)
		}
	}
	if b, err := os.ReadFile(outside); err != nil || string(b) != "keep me" {
		t.Fatalf("file outside the store touched: %q %v", b, err)
	}
}

func TestOpenDirectoryIsNotFound(t *testing.T) {
	s, _ := newStore(t)
	key := blob.NewKey()
	if _, _, err := s.Put(context.Background(), key, strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(context.Background(), key[:5]); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("open of a fan-out directory: %v", err)
	}
}

func TestSweepTemp(t *testing.T) {
	s, dir := newStore(t)
	old := filepath.Join(dir, ".tmp", "put-old")
	fresh := filepath.Join(dir, ".tmp", "put-fresh")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	n, err := s.SweepTemp(time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("swept %d, %v", n, err)
	}
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("old temp file kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatal("fresh temp file removed")
	}
}
