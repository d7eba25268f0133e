package blob

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Local is a Store in a local directory (by default PODIUM_DATA_DIR/blobs).
// Blobs are files under their key's path; unfinished writes live in the
// ".tmp" subdirectory of the same file system and are renamed into place.
type Local struct {
	dir string
	tmp string
}

var _ Store = (*Local)(nil)

const tmpDir = ".tmp"

// NewLocal opens (creating if needed) a store in dir.
func NewLocal(dir string) (*Local, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob store %s: %w", dir, err)
	}
	l := &Local{dir: abs, tmp: filepath.Join(abs, tmpDir)}
	if err := os.MkdirAll(l.tmp, 0o750); err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	return l, nil
}

// Dir is the store's directory.
func (l *Local) Dir() string { return l.dir }

func (l *Local) path(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	rel := filepath.FromSlash(key)
	if !filepath.IsLocal(rel) { // belt and braces: ValidKey already rules this out
		return "", fmt.Errorf("blob key %q: %w", key, ErrBadKey)
	}
	return filepath.Join(l.dir, rel), nil
}

// Put implements Store: the bytes go to a temporary file that is synced and then
// renamed to its key, so a crash or an error never leaves a partial blob under a key.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, max int64) (size int64, sum []byte, err error) {
	final, err := l.path(key)
	if err != nil {
		return 0, nil, err
	}
	if max < 0 {
		max = 0
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return 0, nil, fmt.Errorf("blob put: %w", err)
	}
	f, err := os.CreateTemp(l.tmp, "put-*")
	if err != nil {
		return 0, nil, fmt.Errorf("blob put: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	// One byte more than allowed tells an over-long stream from one of exactly max bytes.
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(ctxReader{ctx, r}, max+1))
	if err != nil {
		return 0, nil, fmt.Errorf("blob put: %w", err)
	}
	if n > max {
		return 0, nil, fmt.Errorf("blob put: more than %d bytes: %w", max, ErrTooLarge)
	}
	if err = f.Sync(); err != nil {
		return 0, nil, fmt.Errorf("blob put: %w", err)
	}
	if err = f.Close(); err != nil {
		return 0, nil, fmt.Errorf("blob put: %w", err)
	}
	if err = ctx.Err(); err != nil {
		return 0, nil, err
	}
	if err = os.Rename(tmp, final); err != nil {
		return 0, nil, fmt.Errorf("blob put: %w", err)
	}
	syncDir(filepath.Dir(final))
	return n, h.Sum(nil), nil
}

// syncDir makes a rename durable; failures are ignored as some file systems
// do not support syncing directories.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Open implements Store.
func (l *Local) Open(ctx context.Context, key string) (Blob, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("blob open: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("blob open: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("blob %s: %w", key, ErrNotFound)
	}
	return &localBlob{File: f, size: st.Size(), mod: st.ModTime()}, nil
}

// Delete implements Store.
func (l *Local) Delete(ctx context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob delete: %w", err)
	}
	return nil
}

// SweepTemp removes temporary files older than olderThan, left behind only if
// the process died in the middle of a Put. It returns how many it removed.
func (l *Local) SweepTemp(olderThan time.Duration) (int, error) {
	entries, err := os.ReadDir(l.tmp)
	if err != nil {
		return 0, fmt.Errorf("blob sweep: %w", err)
	}
	cutoff := time.Now().Add(-olderThan)
	n := 0
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || !strings.HasPrefix(e.Name(), "put-") || info.ModTime().After(cutoff) {
			continue
		}
		if os.Remove(filepath.Join(l.tmp, e.Name())) == nil {
			n++
		}
	}
	return n, nil
}

type localBlob struct {
	*os.File
	size int64
	mod  time.Time
}

func (b *localBlob) Size() int64        { return b.size }
func (b *localBlob) ModTime() time.Time { return b.mod }

// ctxReader stops a copy once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
