// Package transparency is Podium's transparency log: a Merkle tree (RFC 6962
// hashing, via golang.org/x/mod/sumdb/tlog) over a contest's audit records in
// their order, tree heads signed as notes (golang.org/x/mod/sumdb/note,
// Ed25519), and receipts an entrant can check without trusting the server.
// It is a leaf: it imports nothing of Podium's.
//
// Leaves. Each audit record becomes a Leaf (seq, time, action, subject, the
// actor's Pseudonym, payload); Leaf.Encode is its canonical JSON, the bytes
// the tree hashes. Leaf index = seq - 1.
//
// Heads. A Head (origin "podium/<slug>", size, root) is signed with the
// contest's key (NewKeys("podium-<slug>")) by SignHead; OpenHead checks it.
//
// Receipts. The results room builds one per entry and publication:
//
//	tree, _ := transparency.NewTree(leafData)           // every record of the contest, in order
//	r, err := transparency.BuildReceipt(tree,
//		transparency.Receipt{Contest: …, Round: …, Entry: …, Result: …}, // as the publication states them
//		verifierKey, signedHead,                            // the publication's signed head
//		earlierSignedHeads,                                 // the contest's earlier heads, oldest first
//		[]transparency.RecordRef{{Kind: transparency.KindPublication, Seq: pubSeq},
//			{Kind: transparency.KindSheet, Seq: sheetSeq}, …})
//
// BuildReceipt fills in the format, key, heads, leaves and proofs, and
// refuses a head that is not signed by the key or does not match the tree.
//
// Verify(receipt, earlier...) runs five checks, named CheckSignature,
// CheckInclusion, CheckResult, CheckHistory and CheckEarlier, each with an
// English sentence saying what holds or what failed. VerifyPublished adds a
// sixth, CheckPublished: the receipt against the contest's PublishedHeads
// (the public heads API's answer; the lead's handler can reply with that
// type). The browser verifier (web/static/receipt-verify.js) runs the same
// checks under the same names.
package transparency
