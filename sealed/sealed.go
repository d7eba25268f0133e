// Package sealed keeps small secrets (an objector's ID number) in the
// database sealed with AES-256-GCM under one data key, so that a copy of the
// database alone does not reveal them. It imports nothing of Podium's.
package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the data key's length: AES-256.
const KeySize = 32

// ErrOpen is returned for a sealed value that does not open under the key
// and context given: tampered with, sealed under another key, or moved to
// another row.
var ErrOpen = errors.New("sealed: cannot open (wrong key, context or tampered)")

// Box seals and opens values under one key. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
}

// New returns a box on key, which must be KeySize bytes.
func New(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("sealed: the key must be %d bytes, not %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("sealed: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sealed: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal returns nonce ‖ ciphertext of plain. Context (e.g. the row's
// reference) is authenticated but not stored: the value opens only with the
// same context, so a sealed value copied onto another row does not open.
func (b *Box) Seal(plain, context []byte) []byte {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plain)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("sealed: crypto/rand failed: %v", err)) // never happens on supported platforms
	}
	return b.aead.Seal(nonce, nonce, plain, context)
}

// Open returns the plaintext of a value Seal made with the same context.
func (b *Box) Open(value, context []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(value) < n+b.aead.Overhead() {
		return nil, ErrOpen
	}
	plain, err := b.aead.Open(nil, value[:n], value[n:], context)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// NewKey returns a fresh random data key.
func NewKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic(fmt.Sprintf("sealed: crypto/rand failed: %v", err))
	}
	return k
}

// ParseKey decodes a key given as standard base64 of KeySize bytes (how
// PODIUM_DATA_KEY carries it).
func ParseKey(s string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("sealed: the key is not base64: %w", err)
	}
	if len(k) != KeySize {
		return nil, fmt.Errorf("sealed: the key must be base64 of %d bytes, not %d", KeySize, len(k))
	}
	return k, nil
}

// EncodeKey is key as ParseKey reads it.
func EncodeKey(key []byte) string { return base64.StdEncoding.EncodeToString(key) }

// LoadOrCreateKeyFile reads the key kept in path (base64, as ParseKey reads
// it) or, when the file does not exist, makes a new key and writes it there
// with mode 0600; created says which. A file that exists but holds no valid
// key is an error, never replaced: the values sealed under it would be lost.
func LoadOrCreateKeyFile(path string) (key []byte, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		key, err = ParseKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		return key, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("sealed: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("sealed: %w", err)
	}
	key = NewKey()
	// O_EXCL: two instances starting at once must not each write a key of their own.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateKeyFile(path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("sealed: %w", err)
	}
	if _, err := f.WriteString(EncodeKey(key) + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return nil, false, fmt.Errorf("sealed: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("sealed: write %s: %w", path, err)
	}
	return key, true, nil
}
