package transparency_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"podium/transparency"
)

// BenchmarkNewTree builds the tree of a large contest's audit log — 50,000
// entries × 5 sheets, as receipts and publications rebuild it — and proves
// one leaf and the consistency from half the log: the cost a publication and
// each receipt download pay. The baseline is hashing the same leaves alone
// (RFC 6962 needs one leaf hash per record and about one node hash more).
func BenchmarkNewTree(b *testing.B) {
	const n = 250_000
	leaves := make([][]byte, n)
	for i := range leaves {
		leaves[i] = transparency.Leaf{Seq: int64(i + 1), At: "2026-11-01T02:00:00.123456Z", Action: "score.submitted",
			Subject: fmt.Sprintf("MA-%04d", i%50_000), Actor: "0123456789abcdef",
			Payload: json.RawMessage(fmt.Sprintf(`{"assignment":%d,"entry":%d,"marks":{"market":20.5,"team":18,"tech":25},"total":63.5}`, i, i%50_000))}.Encode()
	}
	b.Run("leaf-hashes-only", func(b *testing.B) {
		for b.Loop() {
			for _, l := range leaves {
				_ = tlog.RecordHash(l)
			}
		}
	})
	b.Run("tree-and-proofs", func(b *testing.B) {
		for b.Loop() {
			t, err := transparency.NewTree(leaves)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := t.InclusionProof(n/3, n); err != nil {
				b.Fatal(err)
			}
			if _, err := t.ConsistencyProof(n/2, n); err != nil {
				b.Fatal(err)
			}
		}
	})
}
