package live

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"podium/fault"
)

// The draw of the pitch order by lot, verifiable by anyone
// (docs/scoring-rules.en.md, "The draw of the pitch order"):
//
//   - before the draw the organizer commits to a seed by publishing its
//     Commitment, hex(SHA-256(seed)), on the big screen and in the audit log;
//   - after the draw the seed is revealed, and anyone checks that its SHA-256
//     is the commitment;
//   - the order is DrawOrder(seed, codes): each entry code c is given the key
//     hex(SHA-256(seed + "\n" + c)) and the codes are sorted by key ascending
//     (ties, which SHA-256 makes practically impossible, by code).
//
// With a shell: printf '%s' "$seed" | sha256sum is the commitment, and
// printf '%s\n%s' "$seed" "$code" | sha256sum is the key of a code.

// Commitment is the commitment to a seed: the hex SHA-256 of its bytes.
func Commitment(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])
}

// DrawKey is the key a code is sorted by: hex(SHA-256(seed + "\n" + code)).
func DrawKey(seed, code string) string {
	sum := sha256.Sum256([]byte(seed + "\n" + code))
	return hex.EncodeToString(sum[:])
}

// Drawn is one code's place in a draw: its position (from 1) and its key.
type Drawn struct {
	Position int    `json:"position"`
	Code     string `json:"code"`
	Key      string `json:"key"`
}

// DrawOrder orders codes by lot with seed: by DrawKey ascending, then by
// code. It does not depend on the order codes are given in. Duplicate codes
// are the caller's error (CheckDraw refuses them).
func DrawOrder(seed string, codes []string) []Drawn {
	out := make([]Drawn, len(codes))
	for i, c := range codes {
		out[i] = Drawn{Code: c, Key: DrawKey(seed, c)}
	}
	slices.SortFunc(out, func(a, b Drawn) int {
		return cmp.Or(strings.Compare(a.Key, b.Key), strings.Compare(a.Code, b.Code))
	})
	for i := range out {
		out[i].Position = i + 1
	}
	return out
}

// CheckSeed refuses a seed that is empty, longer than 200 characters, or
// holds a control character (a newline would make the documented keys
// ambiguous to recompute by hand).
func CheckSeed(seed string) error {
	if seed == "" || utf8.RuneCountInString(seed) > 200 || !utf8.ValidString(seed) ||
		strings.IndexFunc(seed, unicode.IsControl) >= 0 {
		return fault.Invalid("seed", "err.live.seed")
	}
	return nil
}

// CheckCommitment refuses a commitment that is not 64 lower-case hex digits.
func CheckCommitment(commitment string) error {
	if len(commitment) != 64 || strings.Trim(commitment, "0123456789abcdef") != "" {
		return fault.Invalid("commitment", "err.live.commitment")
	}
	return nil
}

// CheckCodes refuses an empty list, an empty code, a code with a control
// character or a comma, and a duplicate.
func CheckCodes(codes []string) error {
	if len(codes) == 0 {
		return fault.Invalid("entries", "err.live.no_entries")
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if c == "" || seen[c] || strings.ContainsRune(c, ',') || strings.IndexFunc(c, unicode.IsControl) >= 0 {
			return fault.Invalid("entries", "err.live.entry_code")
		}
		seen[c] = true
	}
	return nil
}

// ErrSeedMismatch is the refusal of a revealed seed whose SHA-256 is not the
// commitment: the seed was changed after the commitment.
func ErrSeedMismatch() error {
	return &fault.Error{Code: fault.CodeConflict, Message: "err.live.seed_mismatch", Reason: ReasonSeedMismatch}
}

// ReasonSeedMismatch is the reason of ErrSeedMismatch, for clients to tell it apart.
const ReasonSeedMismatch = "seed_mismatch"
