// Package blob stores uploaded files ("blobs") under generated keys. The Store
// interface is small on purpose, so that an S3-compatible store can replace the
// default local directory without touching its callers.
//
// Keys are never derived from what a client sent: NewKey makes a random one, and
// every method validates its key (no "..", no absolute paths, a fixed alphabet).
package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"podium/fault"
)

// Store keeps blobs. Implementations are safe for concurrent use.
type Store interface {
	// Put streams r into a new blob under key, atomically: on any error nothing
	// is left behind, and a reader never sees a partial blob. It stops with an
	// error wrapping ErrTooLarge once more than max bytes arrive. It returns the
	// size and the SHA-256 of what it stored.
	Put(ctx context.Context, key string, r io.Reader, max int64) (size int64, sum []byte, err error)
	// Open returns the blob under key, or an error wrapping ErrNotFound.
	Open(ctx context.Context, key string) (Blob, error)
	// Delete removes the blob under key; a missing blob is not an error.
	Delete(ctx context.Context, key string) error
}

// Blob is an open blob: readable, seekable (for HTTP range requests),
// readable at offsets (for content checks and text extraction; an S3 store
// would use ranged GETs) and sized.
type Blob interface {
	io.ReadSeekCloser
	io.ReaderAt
	Size() int64
	ModTime() time.Time
}

// Errors, usable with errors.Is. They are *fault.Error values, so the web
// layer shows them like any other domain error.
var (
	// ErrTooLarge: the stream had more bytes than allowed.
	ErrTooLarge = &fault.Error{Code: fault.CodeInvalid, Message: "err.upload.too_large",
		Fields: map[string]string{"file": "err.upload.too_large"}}
	// ErrNotFound: no blob under the key.
	ErrNotFound = fault.NotFound("err.upload.not_found")
	// ErrBadKey: the key is not one NewKey could have made (or is otherwise unsafe).
	ErrBadKey = &fault.Error{Code: fault.CodeInvalid, Message: "err.upload.bad_key"}
)

// NewKey returns a fresh random key with a two-level fan-out, like
// "3f/a9/3fa9c0…" (32 hex digits), so no directory grows too large.
func NewKey() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("blob: crypto/rand failed: %v", err)) // never happens on supported platforms
	}
	h := hex.EncodeToString(b[:])
	return h[0:2] + "/" + h[2:4] + "/" + h
}

// maxKeyLen bounds keys (S3 allows 1024 bytes; ours are 38).
const maxKeyLen = 256

// ValidKey reports whether key is safe to use as a blob key: 1 to 8 segments
// separated by "/", each of letters, digits, "-", "_" or "." but none "." or
// "..", none empty and none starting with "."; no leading or trailing slash.
func ValidKey(key string) bool {
	if key == "" || len(key) > maxKeyLen {
		return false
	}
	segs := strings.Split(key, "/")
	if len(segs) > 8 {
		return false
	}
	for _, s := range segs {
		if s == "" || s[0] == '.' {
			return false
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
			default:
				return false
			}
		}
	}
	return true
}

func checkKey(key string) error {
	if !ValidKey(key) {
		return fmt.Errorf("blob key %q: %w", key, ErrBadKey)
	}
	return nil
}
