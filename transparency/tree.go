package transparency

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Tree is a Merkle tree (RFC 6962 hashing, as tlog does it) over leaf data
// held in memory. Leaf i is the record of seq i+1.
type Tree struct {
	leaves [][]byte
	hashes []tlog.Hash // tlog's stored hashes, in storage index order
}

// NewTree builds the tree over leaves in order.
func NewTree(leaves [][]byte) (*Tree, error) {
	// A tree of n leaves stores fewer than 2n hashes: room for them all at
	// once, not a slice grown and copied as the log is read.
	t := &Tree{leaves: make([][]byte, 0, len(leaves)), hashes: make([]tlog.Hash, 0, 2*len(leaves))}
	for _, data := range leaves {
		if err := t.Append(data); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Append adds one leaf at the end.
func (t *Tree) Append(data []byte) error {
	n := int64(len(t.leaves))
	hs, err := tlog.StoredHashes(n, data, t.reader())
	if err != nil {
		return fmt.Errorf("transparency: leaf %d: %w", n, err)
	}
	t.leaves = append(t.leaves, append([]byte(nil), data...))
	t.hashes = append(t.hashes, hs...)
	return nil
}

func (t *Tree) reader() tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x < 0 || x >= int64(len(t.hashes)) {
				return nil, fmt.Errorf("transparency: no stored hash %d", x)
			}
			out[i] = t.hashes[x]
		}
		return out, nil
	})
}

// Size is the number of leaves.
func (t *Tree) Size() int64 { return int64(len(t.leaves)) }

// Leaf returns a copy of leaf index's data.
func (t *Tree) Leaf(index int64) ([]byte, error) {
	if index < 0 || index >= t.Size() {
		return nil, fmt.Errorf("transparency: no leaf %d in a tree of %d", index, t.Size())
	}
	return append([]byte(nil), t.leaves[index]...), nil
}

// Root is the root hash of the tree's first size leaves.
func (t *Tree) Root(size int64) (tlog.Hash, error) {
	if size < 0 || size > t.Size() {
		return tlog.Hash{}, fmt.Errorf("transparency: no tree of size %d (have %d)", size, t.Size())
	}
	return tlog.TreeHash(size, t.reader())
}

// InclusionProof proves leaf index is in the tree of the first size leaves.
func (t *Tree) InclusionProof(index, size int64) (tlog.RecordProof, error) {
	if size < 1 || size > t.Size() || index < 0 || index >= size {
		return nil, fmt.Errorf("transparency: no leaf %d in a tree of size %d (have %d)", index, size, t.Size())
	}
	return tlog.ProveRecord(size, index, t.reader())
}

// ConsistencyProof proves the tree of newSize leaves extends the one of oldSize.
func (t *Tree) ConsistencyProof(oldSize, newSize int64) (tlog.TreeProof, error) {
	if oldSize < 1 || oldSize > newSize || newSize > t.Size() {
		return nil, fmt.Errorf("transparency: no consistency proof from %d to %d (have %d)", oldSize, newSize, t.Size())
	}
	return tlog.ProveTree(newSize, oldSize, t.reader())
}
