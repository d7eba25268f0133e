package transparency

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Actions the receipts rely on. They repeat contest/audit's names because a
// leaf imports nothing of Podium's; the lead's tests keep the two in step.
const (
	ActionSheet     = "score.submitted"
	ActionPublished = "results.published"
)

// Leaf is one audit record as the log commits to it.
type Leaf struct {
	Seq     int64           `json:"seq"`     // the record's seq in the contest's chain (1-based); leaf index = Seq-1
	At      string          `json:"at"`      // RFC 3339 with nanoseconds, UTC, as audit stores it
	Action  string          `json:"action"`  // the audit action
	Subject string          `json:"subject"` // what the record is about (a blind code, a round key)
	Actor   string          `json:"actor"`   // Pseudonym of the actor's account id, "" for none
	Payload json.RawMessage `json:"payload"` // canonical JSON (sorted keys)
}

// Encode returns the leaf data the tree hashes: the Leaf as canonical JSON,
// keys sorted at every level, no insignificant space, HTML characters not
// escaped. Equal leaves always encode to equal bytes. An empty payload is
// null; a payload that is not JSON at all is kept as a JSON string of its
// text, so the hash still commits to every byte of it.
func (l Leaf) Encode() []byte {
	m := map[string]any{
		"seq":     l.Seq,
		"at":      l.At,
		"action":  l.Action,
		"subject": l.Subject,
		"actor":   l.Actor,
		"payload": canonicalValue(l.Payload),
	}
	return marshalCanonical(m)
}

// canonicalValue decodes raw JSON keeping numbers as written, so that
// re-encoding sorts keys without touching a number's digits.
func canonicalValue(raw json.RawMessage) any {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return string(raw)
	}
	return v
}

func marshalCanonical(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only maps, strings, numbers decoded by encoding/json and bools
		// reach here; they always encode.
		panic(fmt.Sprintf("transparency: canonical JSON: %v", err))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Canonical re-encodes JSON with sorted keys and no insignificant space, as
// Encode does for a leaf's payload. Use it to build a payload that will
// appear unchanged inside the leaf.
func Canonical(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("transparency: canonical JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("transparency: canonical JSON: trailing data")
	}
	return marshalCanonical(v), nil
}

// ParseLeaf reads leaf data back into a Leaf. It does not require the data
// to be canonical: the hash commits to the bytes as they are.
func ParseLeaf(data []byte) (Leaf, error) {
	var l Leaf
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return Leaf{}, fmt.Errorf("transparency: leaf: %w", err)
	}
	if dec.More() {
		return Leaf{}, errors.New("transparency: leaf: trailing data")
	}
	if l.Seq < 1 {
		return Leaf{}, fmt.Errorf("transparency: leaf: seq %d is not positive", l.Seq)
	}
	if l.Action == "" {
		return Leaf{}, errors.New("transparency: leaf: no action")
	}
	return l, nil
}

// Pseudonym names an actor in the log without saying who: the first 16 hex
// digits of HMAC-SHA256(salt, decimal id). The salt is the contest's secret,
// so a reader cannot try every account id.
func Pseudonym(salt []byte, actorID int64) string {
	mac := hmac.New(sha256.New, salt)
	mac.Write([]byte(strconv.FormatInt(actorID, 10)))
	return hex.EncodeToString(mac.Sum(nil))[:16]
}

// SheetPayload is the payload of a sheet leaf (action score.submitted,
// subject the entry's blind code). Marks and Total are in hundredths.
type SheetPayload struct {
	Assignment int64            `json:"assignment"`
	Entry      int64            `json:"entry"`
	Marks      map[string]int64 `json:"marks"`
	Total      int64            `json:"total"`
}

// PublicationPayload is the payload of a publication leaf (action
// results.published, subject the round key).
type PublicationPayload struct {
	PublishedAt  string              `json:"published_at"`
	Version      int                 `json:"version"`
	Reason       string              `json:"reason"`
	PeriodEndsAt string              `json:"period_ends_at"`
	Results      []PublicationResult `json:"results"`
}

// PublicationResult is one entry's line in a publication: its blind code,
// rank, score (hundredths), advancement, award ("first"…, or "") and the
// seqs of the sheets behind the score.
type PublicationResult struct {
	Entry    string  `json:"entry"`
	Rank     int     `json:"rank"`
	Score    int64   `json:"score"`
	Advanced bool    `json:"advanced"`
	Award    string  `json:"award"`
	Sheets   []int64 `json:"sheets"`
}
