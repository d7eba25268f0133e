// Package transparencytest builds a small contest log and receipts from it,
// intact and tampered in each way a verifier must catch, for the tests of
// the command, the web page and the package itself.
package transparencytest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"podium/transparency"
)

// Contest slug and name of the worked example.
const (
	Slug = "spring-2026"
	Name = "2026 Spring Innovation Contest"
	Code = "A7K2" // the entry the receipts are for
)

// Case is a receipt, the earlier receipts to check it against, and the
// names of the checks Verify must fail (none for an intact receipt).
type Case struct {
	Name    string
	Receipt transparency.Receipt
	Earlier []transparency.Receipt
	Fails   []string
}

// World is the worked example: the honest log, its key and heads.
type World struct {
	Signer, Verifier string
	Leaves           []transparency.Leaf // the honest log, seq 1…10
	Tree             *transparency.Tree
	Head1, Head2     string // signed heads of sizes 6 (version 1) and 10 (version 2)
	Receipt1         transparency.Receipt
	Receipt2         transparency.Receipt
}

func payload(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	c, err := transparency.Canonical(b)
	if err != nil {
		panic(err)
	}
	return c
}

func sheet(seq int64, at string, judge, assignment int64, code string, entry int64, marks map[string]int64) transparency.Leaf {
	var total int64
	for _, m := range marks {
		total += m
	}
	return transparency.Leaf{
		Seq: seq, At: at, Action: transparency.ActionSheet, Subject: code,
		Actor:   transparency.Pseudonym([]byte("salt"), judge),
		Payload: payload(transparency.SheetPayload{Assignment: assignment, Entry: entry, Marks: marks, Total: total}),
	}
}

func publication(seq int64, at string, version int, results []transparency.PublicationResult) transparency.Leaf {
	return transparency.Leaf{
		Seq: seq, At: at, Action: transparency.ActionPublished, Subject: "r1",
		Actor: transparency.Pseudonym([]byte("salt"), 1),
		Payload: payload(transparency.PublicationPayload{
			PublishedAt: at, Version: version, Reason: map[int]string{1: "", 2: "objection OBJ-1 upheld"}[version],
			PeriodEndsAt: "2026-05-08T10:00:00Z", Results: results,
		}),
	}
}

func other(seq int64, at, action, subject string, p any) transparency.Leaf {
	return transparency.Leaf{Seq: seq, At: at, Action: action, Subject: subject,
		Actor: transparency.Pseudonym([]byte("salt"), 1), Payload: payload(p)}
}

func encode(ls []transparency.Leaf) [][]byte {
	out := make([][]byte, len(ls))
	for i, l := range ls {
		out[i] = l.Encode()
	}
	return out
}

func base(version int, score int64, award string) transparency.Receipt {
	return transparency.Receipt{
		Contest: transparency.ReceiptContest{Slug: Slug, Name: Name},
		Round:   transparency.ReceiptRound{Key: "r1", Name: "Preliminary", Version: version},
		Entry:   transparency.ReceiptEntry{Code: Code, Title: "Low-cost water sensor"},
		Result:  transparency.ReceiptResult{Score: score, Rank: 1, Advanced: true, Award: award},
	}
}

func sign(signer string, t *transparency.Tree, size int64) string {
	root, err := t.Root(size)
	if err != nil {
		panic(err)
	}
	s, err := transparency.SignHead(signer, transparency.Head{Origin: "podium/" + Slug, Size: size, Root: root})
	if err != nil {
		panic(err)
	}
	return s
}

// NewWorld builds the honest log. Version 1 of round r1 is published at
// seq 6 (head of 6); an objection reopens sheet #5, re-scored as #9, and
// version 2 is published at seq 10 (head of 10).
func NewWorld() (*World, error) {
	signer, verifier, err := transparency.NewKeys("podium-" + Slug)
	if err != nil {
		return nil, err
	}
	w := &World{Signer: signer, Verifier: verifier}
	w.Leaves = []transparency.Leaf{
		other(1, "2026-04-01T08:00:00.000000001Z", "contest.created", Slug, map[string]string{"name": Name}),
		sheet(2, "2026-04-20T09:00:00.123456789Z", 11, 101, Code, 7, map[string]int64{"innovation": 3000, "market": 2800, "team": 2900}),
		sheet(3, "2026-04-20T09:05:00.5Z", 11, 102, "B3X9", 9, map[string]int64{"innovation": 2800, "market": 2900, "team": 2900}),
		sheet(4, "2026-04-20T09:10:00Z", 12, 103, Code, 7, map[string]int64{"innovation": 2900, "market": 2866, "team": 2900}),
		sheet(5, "2026-04-20T09:20:00Z", 13, 104, Code, 7, map[string]int64{"innovation": 3000, "market": 2933, "team": 2900}),
		publication(6, "2026-05-01T10:00:00Z", 1, []transparency.PublicationResult{
			{Entry: Code, Rank: 1, Score: 8733, Advanced: true, Award: "", Sheets: []int64{2, 4, 5}},
			{Entry: "B3X9", Rank: 2, Score: 8600, Advanced: true, Award: "", Sheets: []int64{3}},
		}),
		other(7, "2026-05-03T11:00:00Z", "objection.decided", "OBJ-1", map[string]any{"upheld": true}),
		other(8, "2026-05-03T11:01:00Z", "results.revised", "r1", map[string]any{"reason": "objection OBJ-1 upheld"}),
		sheet(9, "2026-05-04T09:00:00Z", 13, 104, Code, 7, map[string]int64{"innovation": 3000, "market": 3033, "team": 2900}),
		publication(10, "2026-05-05T10:00:00Z", 2, []transparency.PublicationResult{
			{Entry: Code, Rank: 1, Score: 8766, Advanced: true, Award: "first", Sheets: []int64{2, 4, 9}},
			{Entry: "B3X9", Rank: 2, Score: 8600, Advanced: true, Award: "", Sheets: []int64{3}},
		}),
	}
	if w.Tree, err = transparency.NewTree(encode(w.Leaves)); err != nil {
		return nil, err
	}
	w.Head1 = sign(signer, w.Tree, 6)
	w.Head2 = sign(signer, w.Tree, 10)
	w.Receipt1, err = transparency.BuildReceipt(w.Tree, base(1, 8733, ""), verifier, w.Head1, nil, refs(6, 2, 4, 5))
	if err != nil {
		return nil, err
	}
	w.Receipt2, err = transparency.BuildReceipt(w.Tree, base(2, 8766, "first"), verifier, w.Head2, []string{w.Head1}, refs(10, 2, 4, 9))
	if err != nil {
		return nil, err
	}
	return w, nil
}

func refs(pub int64, sheets ...int64) []transparency.RecordRef {
	out := []transparency.RecordRef{{Kind: transparency.KindPublication, Seq: pub}}
	for _, s := range sheets {
		out = append(out, transparency.RecordRef{Kind: transparency.KindSheet, Seq: s})
	}
	return out
}

// clone deep-copies a receipt through JSON, so a tampered copy shares nothing.
func clone(r transparency.Receipt) transparency.Receipt {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	var c transparency.Receipt
	if err := json.Unmarshal(b, &c); err != nil {
		panic(err)
	}
	return c
}

func hashes(t *transparency.Tree, index, size int64) []string {
	p, err := t.InclusionProof(index, size)
	if err != nil {
		panic(err)
	}
	return b64(p)
}

func b64[H ~[32]byte](hs []H) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

func recordOf(r transparency.Receipt, seq int64) int {
	for i, rec := range r.Records {
		if rec.Index == seq-1 {
			return i
		}
	}
	panic(fmt.Sprintf("no record #%d", seq))
}

// Cases returns the intact receipts and each tampered kind.
func (w *World) Cases() []Case {
	r1, r2 := w.Receipt1, w.Receipt2
	const (
		sig = transparency.CheckSignature
		inc = transparency.CheckInclusion
		res = transparency.CheckResult
		his = transparency.CheckHistory
		ear = transparency.CheckEarlier
	)
	cases := []Case{
		{Name: "intact", Receipt: r2, Earlier: []transparency.Receipt{r1}},
		{Name: "intact-first", Receipt: r1},
	}

	// A judge's mark edited in the receipt (the leaf no longer hashes in).
	changed := clone(r2)
	i := recordOf(changed, 4)
	l, _ := transparency.ParseLeaf([]byte(changed.Records[i].Leaf))
	var sp transparency.SheetPayload
	_ = json.Unmarshal(l.Payload, &sp)
	sp.Marks["market"] += 100
	sp.Total += 100
	l.Payload = payload(sp)
	changed.Records[i].Leaf = string(l.Encode())
	cases = append(cases, Case{Name: "changed-mark", Receipt: changed, Fails: []string{inc}})

	// The result claimed differs from the publication's.
	claimed := clone(r2)
	claimed.Result.Score = 9000
	cases = append(cases, Case{Name: "changed-result", Receipt: claimed, Fails: []string{res}})

	// A sheet the publication names is left out.
	removed := clone(r2)
	i = recordOf(removed, 4)
	removed.Records = append(removed.Records[:i], removed.Records[i+1:]...)
	cases = append(cases, Case{Name: "removed-sheet", Receipt: removed, Fails: []string{res}})

	// A real sheet of the entry that the publication does not name (#5, replaced by #9).
	extra := clone(r2)
	data, _ := w.Tree.Leaf(4)
	extra.Records = append(extra.Records, transparency.ReceiptRecord{Index: 4, Kind: transparency.KindSheet, Leaf: string(data), Proof: hashes(w.Tree, 4, 10)})
	cases = append(cases, Case{Name: "extra-sheet", Receipt: extra, Fails: []string{res}})

	// A log with sheets #3 and #4 swapped, honestly signed: #4 sits at index 2.
	swapped := append([]transparency.Leaf(nil), w.Leaves[:6]...)
	swapped[2], swapped[3] = swapped[3], swapped[2]
	st, err := transparency.NewTree(encode(swapped))
	if err != nil {
		panic(err)
	}
	re := clone(r1)
	re.Head = transparency.ReceiptHead{Size: 6, Signed: sign(w.Signer, st, 6)}
	root, _ := st.Root(6)
	re.Head.Root = base64.StdEncoding.EncodeToString(root[:])
	for i := range re.Records {
		seq := re.Records[i].Index + 1
		at := seq - 1
		switch seq {
		case 3:
			at = 3
		case 4:
			at = 2
		}
		re.Records[i].Index = at
		re.Records[i].Proof = hashes(st, at, 6)
	}
	cases = append(cases, Case{Name: "reordered-log", Receipt: re, Fails: []string{inc}})

	// The same swap, with #4 claimed at its own index (the proof is for the other).
	claimedAt := clone(re)
	claimedAt.Records[recordOf(re, 3)].Index = 3
	cases = append(cases, Case{Name: "reordered-log-claimed", Receipt: claimedAt, Fails: []string{inc}})

	// The head's signature bytes altered.
	bad := clone(r2)
	bad.Head.Signed = flipSignature(bad.Head.Signed)
	cases = append(cases, Case{Name: "wrong-signature", Receipt: bad, Fails: []string{sig}})

	// Signed by another key of the same name, put in the receipt: alone it
	// holds together; against an earlier receipt the key differs.
	fs, fv, err := transparency.NewKeys("podium-" + Slug)
	if err != nil {
		panic(err)
	}
	forged, err := transparency.BuildReceipt(w.Tree, clone(r2), fv, sign(fs, w.Tree, 10), []string{sign(fs, w.Tree, 6)}, refs(10, 2, 4, 9))
	if err != nil {
		panic(err)
	}
	cases = append(cases, Case{Name: "foreign-key", Receipt: forged, Earlier: []transparency.Receipt{r1}, Fails: []string{ear}})

	// History rewritten: a log sharing the first 4 records, then others
	// (sheet #5 scored higher), signed by the contest's key.
	b := append([]transparency.Leaf(nil), w.Leaves[:4]...)
	b = append(b,
		sheet(5, "2026-04-20T09:20:00Z", 13, 104, Code, 7, map[string]int64{"innovation": 3000, "market": 3100, "team": 2900}),
		publication(6, "2026-05-01T10:00:00Z", 1, []transparency.PublicationResult{
			{Entry: Code, Rank: 1, Score: 8788, Advanced: true, Award: "", Sheets: []int64{2, 4, 5}},
			{Entry: "B3X9", Rank: 2, Score: 8600, Advanced: true, Award: "", Sheets: []int64{3}},
		}))
	b = append(b, w.Leaves[6:]...)
	bt, err := transparency.NewTree(encode(b))
	if err != nil {
		panic(err)
	}
	rw, err := transparency.BuildReceipt(bt, clone(r2), w.Verifier, sign(w.Signer, bt, 10), nil, refs(10, 2, 4, 9))
	if err != nil {
		panic(err)
	}
	// It still lists the real head 1, with the only proof the new log can give.
	p, err := bt.ConsistencyProof(6, 10)
	if err != nil {
		panic(err)
	}
	listed := clone(rw)
	listed.EarlierHeads = []transparency.EarlierHead{{Size: 6, Root: r1.Head.Root, Signed: r1.Head.Signed, Consistency: b64(p)}}
	cases = append(cases, Case{Name: "rewritten-history", Receipt: listed, Earlier: []transparency.Receipt{r1}, Fails: []string{his, ear}})

	// It lists a re-signed head 1 of the new log: alone it holds together;
	// the entrant's earlier receipt shows two heads of 6 records.
	resigned, err := transparency.BuildReceipt(bt, clone(r2), w.Verifier, sign(w.Signer, bt, 10), []string{sign(w.Signer, bt, 6)}, refs(10, 2, 4, 9))
	if err != nil {
		panic(err)
	}
	cases = append(cases, Case{Name: "rewritten-history-resigned", Receipt: resigned, Earlier: []transparency.Receipt{r1}, Fails: []string{ear}})
	return cases
}

// flipSignature changes one byte of the note's first signature.
func flipSignature(signed string) string {
	i := len(signed) - 10
	c := byte('A')
	if signed[i] == 'A' {
		c = 'B'
	}
	return signed[:i] + string(c) + signed[i+1:]
}

// ProofShapes returns receipts whose proofs take every shape a small log
// has: 44 sheets of the entry at leaves 1…44 (an inclusion proof at each
// index), the publication at 45, then other records up to 70; heads of
// sizes 45, 48, 64, 65 and 70, each listing an earlier head of every size
// from 1 to its own (a consistency proof from each). Two more are
// tampered: one hash changed in a consistency proof, and in an inclusion
// proof.
func ProofShapes() ([]Case, error) {
	signer, verifier, err := transparency.NewKeys("podium-" + Slug)
	if err != nil {
		return nil, err
	}
	var leaves []transparency.Leaf
	var sheets []int64
	for seq := int64(1); seq <= 44; seq++ {
		leaves = append(leaves, sheet(seq, "2026-04-20T09:00:00Z", 10+seq%5, 100+seq, Code, 7,
			map[string]int64{"innovation": 2000 + seq, "market": 3000}))
		sheets = append(sheets, seq)
	}
	leaves = append(leaves, publication(45, "2026-05-01T10:00:00Z", 1, []transparency.PublicationResult{
		{Entry: Code, Rank: 1, Score: 5022, Advanced: true, Sheets: sheets},
	}))
	for seq := int64(46); seq <= 70; seq++ {
		leaves = append(leaves, other(seq, "2026-05-02T10:00:00Z", "contest.updated", Slug, map[string]int64{"n": seq}))
	}
	tree, err := transparency.NewTree(encode(leaves))
	if err != nil {
		return nil, err
	}
	var cases []Case
	for _, size := range []int64{45, 48, 64, 65, 70} {
		var earlier []string
		for s := int64(1); s <= size; s++ {
			earlier = append(earlier, sign(signer, tree, s))
		}
		r, err := transparency.BuildReceipt(tree, base(1, 5022, ""), verifier, sign(signer, tree, size), earlier, refs(45, sheets...))
		if err != nil {
			return nil, err
		}
		cases = append(cases, Case{Name: fmt.Sprintf("shapes-%d", size), Receipt: r})
	}
	last := cases[len(cases)-1].Receipt
	badTree := clone(last)
	badTree.EarlierHeads[20].Consistency[1] = flipHash(badTree.EarlierHeads[20].Consistency[1])
	badLeaf := clone(last)
	badLeaf.Records[10].Proof[2] = flipHash(badLeaf.Records[10].Proof[2])
	cases = append(cases,
		Case{Name: "shapes-bad-consistency", Receipt: badTree, Fails: []string{transparency.CheckHistory}},
		Case{Name: "shapes-bad-inclusion", Receipt: badLeaf, Fails: []string{transparency.CheckInclusion}})
	return cases, nil
}

// flipHash changes one bit of a base64 hash.
func flipHash(s string) string {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	b[7] ^= 1
	return base64.StdEncoding.EncodeToString(b)
}

// Junk returns malformed receipts (receipt 2 spoiled in odd ways, checked
// with receipt 1 and an empty receipt as earlier ones). Their Fails are not
// set: Verify must fail some check, and the page must agree with it.
func (w *World) Junk() []Case {
	spoils := []struct {
		name  string
		spoil func(r *transparency.Receipt)
	}{
		{"junk-zero", func(r *transparency.Receipt) { *r = transparency.Receipt{} }},
		{"junk-no-records", func(r *transparency.Receipt) { r.Records = nil }},
		{"junk-bad-root", func(r *transparency.Receipt) { r.Head.Root = "not base64!" }},
		{"junk-bad-key", func(r *transparency.Receipt) { r.VerifierKey = "podium-spring-2026+zz+AA==" }},
		{"junk-leaf-not-json", func(r *transparency.Receipt) { r.Records[1].Leaf = "{" }},
		{"junk-proof-not-base64", func(r *transparency.Receipt) { r.Records[1].Proof = []string{"@@"} }},
		{"junk-unknown-kind", func(r *transparency.Receipt) { r.Records[1].Kind = "vote" }},
		{"junk-two-publications", func(r *transparency.Receipt) { r.Records[1].Kind = transparency.KindPublication }},
		{"junk-negative-index", func(r *transparency.Receipt) { r.Records[1].Index = -5 }},
		{"junk-bad-earlier-proof", func(r *transparency.Receipt) { r.EarlierHeads[0].Consistency = []string{"AAAA"} }},
		{"junk-earlier-larger", func(r *transparency.Receipt) { r.EarlierHeads[0].Size = 99 }},
		{"junk-no-payload", func(r *transparency.Receipt) {
			l, _ := transparency.ParseLeaf([]byte(r.Records[0].Leaf))
			l.Payload = nil
			r.Records[0].Leaf = string(l.Encode())
		}},
		{"junk-other-round", func(r *transparency.Receipt) { r.Round.Key = "final" }},
		{"junk-other-version", func(r *transparency.Receipt) { r.Round.Version = 1 }},
		{"junk-other-slug", func(r *transparency.Receipt) { r.Contest.Slug = "autumn-2026" }},
	}
	var out []Case
	for _, s := range spoils {
		r := clone(w.Receipt2)
		s.spoil(&r)
		out = append(out, Case{Name: s.name, Receipt: r, Earlier: []transparency.Receipt{w.Receipt1, {}}})
	}
	return out
}

// Published is what the contest's public heads API says of the honest log:
// its key and the heads of versions 1 and 2.
func (w *World) Published() transparency.PublishedHeads {
	return transparency.PublishedHeads{Contest: Slug, VerifierKey: w.Verifier, Heads: []transparency.PublishedHead{
		{Round: "r1", Version: 1, Size: w.Receipt1.Head.Size, Root: w.Receipt1.Head.Root, Signed: w.Head1, PublishedAt: "2026-05-01T10:00:00Z"},
		{Round: "r1", Version: 2, Size: w.Receipt2.Head.Size, Root: w.Receipt2.Head.Root, Signed: w.Head2, PublishedAt: "2026-05-05T10:00:00Z"},
	}}
}
