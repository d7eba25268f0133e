package transparency

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Head is a tree head: the log's size and root hash, named by its origin
// ("podium/<contest slug>").
type Head struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// Text is the note text a head is signed as: "<origin>\n<size>\n<base64 root>\n".
func (h Head) Text() string {
	return h.Origin + "\n" + strconv.FormatInt(h.Size, 10) + "\n" + base64.StdEncoding.EncodeToString(h.Root[:]) + "\n"
}

// NewKeys makes a contest's signing key pair (Ed25519, in note's encoding).
// name is "podium-<slug>". The signer is secret; the verifier is published.
func NewKeys(name string) (signer, verifier string, err error) {
	signer, verifier, err = note.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", "", fmt.Errorf("transparency: new keys %q: %w", name, err)
	}
	return signer, verifier, nil
}

// SignHead signs h with signer and returns the signed note.
func SignHead(signer string, h Head) (string, error) {
	if h.Origin == "" || strings.ContainsAny(h.Origin, "\n") {
		return "", fmt.Errorf("transparency: bad origin %q", h.Origin)
	}
	if h.Size < 0 {
		return "", fmt.Errorf("transparency: bad size %d", h.Size)
	}
	s, err := note.NewSigner(signer)
	if err != nil {
		return "", fmt.Errorf("transparency: signer: %w", err)
	}
	msg, err := note.Sign(&note.Note{Text: h.Text()}, s)
	if err != nil {
		return "", fmt.Errorf("transparency: sign head: %w", err)
	}
	return string(msg), nil
}

// OpenHead checks that signed carries verifier's signature and parses the head in it.
func OpenHead(verifier, signed string) (Head, error) {
	v, err := note.NewVerifier(verifier)
	if err != nil {
		return Head{}, fmt.Errorf("transparency: verifier key: %w", err)
	}
	n, err := note.Open([]byte(signed), note.VerifierList(v))
	if err != nil {
		return Head{}, fmt.Errorf("transparency: signed head: %w", err)
	}
	return parseHeadText(n.Text)
}

var errHeadText = errors.New("transparency: a head is three lines: origin, size, base64 root")

func parseHeadText(text string) (Head, error) {
	lines := strings.Split(text, "\n")
	if len(lines) != 4 || lines[3] != "" || lines[0] == "" {
		return Head{}, errHeadText
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return Head{}, errHeadText
	}
	root, err := decodeHash(lines[2])
	if err != nil {
		return Head{}, errHeadText
	}
	return Head{Origin: lines[0], Size: size, Root: root}, nil
}

func decodeHash(s string) (tlog.Hash, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		return tlog.Hash{}, fmt.Errorf("transparency: %q is not a base64 SHA-256 hash", s)
	}
	return tlog.Hash(b), nil
}

func encodeHash(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }
