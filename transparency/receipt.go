package transparency

import (
	"encoding/base64"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// ReceiptFormat names the receipt's JSON shape.
const ReceiptFormat = "podium-receipt/1"

// Kinds of a receipt's records.
const (
	KindSheet       = "sheet"
	KindPublication = "publication"
)

// Receipt is what an entrant downloads: the published tree head, the
// publication's leaf and the entry's sheet leaves with their inclusion
// proofs, and every earlier head with its consistency proof to this one.
type Receipt struct {
	Format       string          `json:"format"`
	Contest      ReceiptContest  `json:"contest"`
	Round        ReceiptRound    `json:"round"`
	Entry        ReceiptEntry    `json:"entry"`
	Result       ReceiptResult   `json:"result"`
	VerifierKey  string          `json:"verifier_key"`
	Head         ReceiptHead     `json:"head"`
	EarlierHeads []EarlierHead   `json:"earlier_heads"`
	Records      []ReceiptRecord `json:"records"`
}

// ReceiptContest names the contest.
type ReceiptContest struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// ReceiptRound names the round and the publication's version.
type ReceiptRound struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Version int    `json:"version"`
}

// ReceiptEntry names the entry by its blind code.
type ReceiptEntry struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// ReceiptResult is the entry's result as the publication states it; Score
// is in hundredths.
type ReceiptResult struct {
	Score    int64  `json:"score"`
	Rank     int    `json:"rank"`
	Advanced bool   `json:"advanced"`
	Award    string `json:"award"`
}

// ReceiptHead is the publication's signed tree head; Root is base64.
type ReceiptHead struct {
	Size   int64  `json:"size"`
	Root   string `json:"root"`
	Signed string `json:"signed"`
}

// EarlierHead is an earlier publication's head with the consistency proof
// (base64 hashes, tlog's order) from it to the receipt's head.
type EarlierHead struct {
	Size        int64    `json:"size"`
	Root        string   `json:"root"`
	Signed      string   `json:"signed"`
	Consistency []string `json:"consistency"`
}

// ReceiptRecord is one leaf with its inclusion proof in the receipt's head.
// Leaf is the leaf data (Leaf.Encode) as a string; Index is its leaf index.
type ReceiptRecord struct {
	Index int64    `json:"index"`
	Kind  string   `json:"kind"`
	Leaf  string   `json:"leaf"`
	Proof []string `json:"proof"`
}

// RecordRef points BuildReceipt at a leaf by its seq.
type RecordRef struct {
	Kind string // KindSheet or KindPublication
	Seq  int64
}

// BuildReceipt fills in a receipt's proofs from the tree. base carries the
// contest, round, entry and result as the publication states them;
// verifier is the contest's published key; signedHead is the publication's
// signed head and earlierHeads the contest's earlier signed heads, oldest
// first; records are the publication leaf and the entry's sheet leaves.
// It checks every head against the key and the tree, so a receipt it
// returns verifies whenever base agrees with the publication leaf.
func BuildReceipt(t *Tree, base Receipt, verifier, signedHead string, earlierHeads []string, records []RecordRef) (Receipt, error) {
	r := base
	r.Format = ReceiptFormat
	r.VerifierKey = verifier
	h, err := OpenHead(verifier, signedHead)
	if err != nil {
		return Receipt{}, err
	}
	if err := t.checkHead(h); err != nil {
		return Receipt{}, err
	}
	r.Head = ReceiptHead{Size: h.Size, Root: encodeHash(h.Root), Signed: signedHead}
	r.EarlierHeads = []EarlierHead{}
	for _, s := range earlierHeads {
		e, err := OpenHead(verifier, s)
		if err != nil {
			return Receipt{}, err
		}
		if e.Size > h.Size {
			return Receipt{}, fmt.Errorf("transparency: earlier head of size %d is larger than the head (%d)", e.Size, h.Size)
		}
		if err := t.checkHead(e); err != nil {
			return Receipt{}, err
		}
		eh := EarlierHead{Size: e.Size, Root: encodeHash(e.Root), Signed: s, Consistency: []string{}}
		if e.Size > 0 {
			p, err := t.ConsistencyProof(e.Size, h.Size)
			if err != nil {
				return Receipt{}, err
			}
			eh.Consistency = encodeHashes(p)
		}
		r.EarlierHeads = append(r.EarlierHeads, eh)
	}
	r.Records = []ReceiptRecord{}
	for _, ref := range records {
		index := ref.Seq - 1
		data, err := t.Leaf(index)
		if err != nil {
			return Receipt{}, err
		}
		p, err := t.InclusionProof(index, h.Size)
		if err != nil {
			return Receipt{}, err
		}
		r.Records = append(r.Records, ReceiptRecord{Index: index, Kind: ref.Kind, Leaf: string(data), Proof: encodeHashes(p)})
	}
	return r, nil
}

// checkHead makes sure a head names a prefix of this tree.
func (t *Tree) checkHead(h Head) error {
	root, err := t.Root(h.Size)
	if err != nil {
		return err
	}
	if root != h.Root {
		return fmt.Errorf("transparency: head of size %d has root %s, the tree has %s", h.Size, encodeHash(h.Root), encodeHash(root))
	}
	return nil
}

func encodeHashes(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

func decodeHashes(ss []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ss))
	for i, s := range ss {
		h, err := decodeHash(s)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}
