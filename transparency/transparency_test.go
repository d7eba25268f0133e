package transparency_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"podium/transparency"
	"podium/transparency/transparencytest"
)

// RFC 6962 hashing, by hand.
func leafHash(data string) tlog.Hash {
	return sha256.Sum256(append([]byte{0}, data...))
}

func nodeHash(l, r tlog.Hash) tlog.Hash {
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func TestTreeMatchesRFC6962ByHand(t *testing.T) {
	leaves := []string{"alpha", "beta", "gamma"}
	tr, err := transparency.NewTree([][]byte{[]byte(leaves[0]), []byte(leaves[1]), []byte(leaves[2])})
	if err != nil {
		t.Fatal(err)
	}
	h0, h1, h2 := leafHash("alpha"), leafHash("beta"), leafHash("gamma")
	h01 := nodeHash(h0, h1)
	cases := []struct {
		size int64
		want tlog.Hash
	}{
		{1, h0},
		{2, h01},
		{3, nodeHash(h01, h2)}, // the left subtree is the largest power of two below 3
	}
	for _, c := range cases {
		got, err := tr.Root(c.size)
		if err != nil || got != c.want {
			t.Errorf("Root(%d) = %x, %v; want %x", c.size, got, err, c.want)
		}
	}
	// Audit paths run from the leaf up.
	incl := []struct {
		index, size int64
		want        []tlog.Hash
	}{
		{0, 3, []tlog.Hash{h1, h2}},
		{1, 3, []tlog.Hash{h0, h2}},
		{2, 3, []tlog.Hash{h01}},
		{0, 1, nil},
	}
	for _, c := range incl {
		got, err := tr.InclusionProof(c.index, c.size)
		if err != nil || !slices.Equal(got, tlog.RecordProof(c.want)) {
			t.Errorf("InclusionProof(%d, %d) = %x, %v; want %x", c.index, c.size, got, err, c.want)
		}
	}
	// RFC 6962 §2.1.2: PROOF(2, D[3]) = [MTH(D[2:3])]; PROOF(1, D[3]) = [h1, h2].
	cons := []struct {
		old, size int64
		want      []tlog.Hash
	}{
		{2, 3, []tlog.Hash{h2}},
		{1, 3, []tlog.Hash{h1, h2}},
		{1, 2, []tlog.Hash{h1}},
		{3, 3, nil},
	}
	for _, c := range cons {
		got, err := tr.ConsistencyProof(c.old, c.size)
		if err != nil || !slices.Equal(got, tlog.TreeProof(c.want)) {
			t.Errorf("ConsistencyProof(%d, %d) = %x, %v; want %x", c.old, c.size, got, err, c.want)
		}
	}
	if _, err := tr.Root(4); err == nil {
		t.Error("Root beyond the tree: no error")
	}
	if _, err := tr.InclusionProof(3, 3); err == nil {
		t.Error("InclusionProof beyond the tree: no error")
	}
	if _, err := tr.ConsistencyProof(3, 2); err == nil {
		t.Error("ConsistencyProof backwards: no error")
	}
}

func TestLeafEncodeIsCanonical(t *testing.T) {
	l := transparency.Leaf{
		Seq: 4, At: "2026-04-20T09:10:00.123456789Z", Action: "score.submitted", Subject: "A7K2", Actor: "3f2a",
		Payload: json.RawMessage(`{ "total": 8666, "marks": {"team": 2900, "innovation": 2900}, "entry": 7, "note": "<a&b>", "x": 1.50 }`),
	}
	want := `{"action":"score.submitted","actor":"3f2a","at":"2026-04-20T09:10:00.123456789Z",` +
		`"payload":{"entry":7,"marks":{"innovation":2900,"team":2900},"note":"<a&b>","total":8666,"x":1.50},` +
		`"seq":4,"subject":"A7K2"}`
	if got := string(l.Encode()); got != want {
		t.Fatalf("Encode:\n got %s\nwant %s", got, want)
	}
	back, err := transparency.ParseLeaf(l.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if string(back.Encode()) != want {
		t.Errorf("ParseLeaf then Encode: %s", back.Encode())
	}
	if got := string(transparency.Leaf{Seq: 1, Action: "a"}.Encode()); got != `{"action":"a","actor":"","at":"","payload":null,"seq":1,"subject":""}` {
		t.Errorf("empty payload: %s", got)
	}
	if got := string(transparency.Leaf{Seq: 1, Action: "a", Payload: json.RawMessage("{bad")}.Encode()); !strings.Contains(got, `"payload":"{bad"`) {
		t.Errorf("invalid payload not kept as text: %s", got)
	}
	for _, bad := range []string{`{"seq":0,"action":"a"}`, `{"seq":1}`, `{"seq":1,"action":"a","extra":1}`, `not json`, `{"seq":1,"action":"a"} {}`} {
		if _, err := transparency.ParseLeaf([]byte(bad)); err == nil {
			t.Errorf("ParseLeaf(%s): no error", bad)
		}
	}
}

func TestPseudonym(t *testing.T) {
	mac := hmac.New(sha256.New, []byte("contest-salt"))
	mac.Write([]byte("42"))
	want := hex.EncodeToString(mac.Sum(nil))[:16]
	if got := transparency.Pseudonym([]byte("contest-salt"), 42); got != want {
		t.Errorf("Pseudonym = %s, want %s", got, want)
	}
	if transparency.Pseudonym([]byte("other"), 42) == want || transparency.Pseudonym([]byte("contest-salt"), 43) == want {
		t.Error("pseudonyms collide across salts or ids")
	}
}

func TestSignAndOpenHead(t *testing.T) {
	signer, verifier, err := transparency.NewKeys("podium-spring-2026")
	if err != nil {
		t.Fatal(err)
	}
	root := sha256.Sum256([]byte("root"))
	h := transparency.Head{Origin: "podium/spring-2026", Size: 120, Root: root}
	signed, err := transparency.SignHead(signer, h)
	if err != nil {
		t.Fatal(err)
	}
	text := "podium/spring-2026\n120\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n\n— podium-spring-2026 "
	if !strings.HasPrefix(signed, text) {
		t.Fatalf("signed head:\n%s", signed)
	}
	got, err := transparency.OpenHead(verifier, signed)
	if err != nil || got != h {
		t.Fatalf("OpenHead = %+v, %v", got, err)
	}
	_, other, _ := transparency.NewKeys("podium-spring-2026")
	tampered := strings.Replace(signed, "\n120\n", "\n121\n", 1)
	for name, c := range map[string]struct{ verifier, signed string }{
		"other key":     {other, signed},
		"size changed":  {verifier, tampered},
		"bad key":       {"podium-x+00000000+AA==", signed},
		"not a note":    {verifier, "hello"},
		"four lines":    {verifier, mustSign(t, signer, "a\n1\n"+base64.StdEncoding.EncodeToString(root[:])+"\nx\n")},
		"leading zero":  {verifier, mustSign(t, signer, "a\n01\n"+base64.StdEncoding.EncodeToString(root[:])+"\n")},
		"short root":    {verifier, mustSign(t, signer, "a\n1\nAAAA\n")},
		"negative size": {verifier, mustSign(t, signer, "a\n-1\n"+base64.StdEncoding.EncodeToString(root[:])+"\n")},
	} {
		if _, err := transparency.OpenHead(c.verifier, c.signed); err == nil {
			t.Errorf("%s: OpenHead accepted it", name)
		}
	}
}

// mustSign signs arbitrary note text with the head's key, to show OpenHead
// refuses well-signed text that is not a head.
func mustSign(t *testing.T, signer, text string) string {
	t.Helper()
	return signRaw(t, signer, text)
}

func TestVerifyCases(t *testing.T) {
	w, err := transparencytest.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{transparency.CheckSignature, transparency.CheckInclusion, transparency.CheckResult, transparency.CheckHistory, transparency.CheckEarlier}
	for _, c := range w.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			// Through JSON, as a downloaded file would be.
			b, err := json.Marshal(c.Receipt)
			if err != nil {
				t.Fatal(err)
			}
			var r transparency.Receipt
			if err := json.Unmarshal(b, &r); err != nil {
				t.Fatal(err)
			}
			rep := transparency.Verify(r, c.Earlier...)
			var got []string
			for i, ch := range rep.Checks {
				if ch.Name != names[i] {
					t.Errorf("check %d is %q, want %q", i, ch.Name, names[i])
				}
				if ch.Detail == "" {
					t.Errorf("check %s has no detail", ch.Name)
				}
				if !ch.OK {
					got = append(got, ch.Name)
				}
			}
			if !slices.Equal(got, c.Fails) {
				t.Errorf("failed checks %v, want %v\n%s", got, c.Fails, report(rep))
			}
			if rep.OK != (len(c.Fails) == 0) {
				t.Errorf("OK = %v with failures %v", rep.OK, got)
			}
		})
	}
}

func report(rep transparency.Report) string {
	var b strings.Builder
	for _, c := range rep.Checks {
		b.WriteString(c.Name + " " + map[bool]string{true: "ok", false: "FAIL"}[c.OK] + ": " + c.Detail + "\n")
	}
	return b.String()
}

func TestVerifyDetails(t *testing.T) {
	w, err := transparencytest.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{}
	for _, c := range w.Cases() {
		rep := transparency.Verify(c.Receipt, c.Earlier...)
		var s []string
		for _, ch := range rep.Checks {
			if !ch.OK {
				s = append(s, ch.Detail)
			}
		}
		cases[c.Name] = strings.Join(s, " ")
	}
	want := map[string]string{
		"changed-mark":               "Record #4 (score.submitted) does not hash into the signed head",
		"changed-result":             "The publication gives entry A7K2 score 87.66, rank 1, advanced yes, award first; the receipt says score 90.00",
		"removed-sheet":              "names sheet #4, which this receipt does not carry: a sheet was removed",
		"extra-sheet":                "carries sheet #5, which the publication does not name: a sheet was added",
		"reordered-log":              "Record #4 is presented at position 3 of the log, not at its own position 4",
		"reordered-log-claimed":      "Record #4 (score.submitted) does not hash into the signed head",
		"wrong-signature":            "not validly signed by the contest's key podium-spring-2026",
		"foreign-key":                "signed by another key",
		"rewritten-history":          "History rewritten: this head does not extend the earlier published head of 6 records",
		"rewritten-history-resigned": "History rewritten: the head in earlier receipt 1 (6 records)",
	}
	for name, frag := range want {
		if !strings.Contains(cases[name], frag) {
			t.Errorf("%s: %q does not say %q", name, cases[name], frag)
		}
	}
}

func TestVerifyEarlierEitherWay(t *testing.T) {
	w, err := transparencytest.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	// The older receipt checked against the newer one: the newer lists the
	// older's head with its proof.
	if rep := transparency.Verify(w.Receipt1, w.Receipt2); !rep.OK {
		t.Errorf("receipt 1 against receipt 2:\n%s", report(rep))
	}
	if rep := transparency.Verify(w.Receipt2, w.Receipt2); !rep.OK {
		t.Errorf("a receipt against itself:\n%s", report(rep))
	}
	// Receipt 2 without its earlier heads cannot be linked to receipt 1.
	r := w.Receipt2
	r.EarlierHeads = nil
	rep := transparency.Verify(r, w.Receipt1)
	if rep.OK || rep.Checks[4].OK || !rep.Checks[3].OK {
		t.Errorf("unlinked heads:\n%s", report(rep))
	}
}

func TestBuildReceiptRefusesForeignHeads(t *testing.T) {
	w, err := transparencytest.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	other, err := transparency.NewTree([][]byte{[]byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := transparency.BuildReceipt(other, w.Receipt2, w.Verifier, w.Head2, nil, nil); err == nil {
		t.Error("a head of another tree was accepted")
	}
	_, v2, _ := transparency.NewKeys("podium-" + transparencytest.Slug)
	if _, err := transparency.BuildReceipt(w.Tree, w.Receipt2, v2, w.Head2, nil, nil); err == nil {
		t.Error("a head under another key was accepted")
	}
	if _, err := transparency.BuildReceipt(w.Tree, w.Receipt1, w.Verifier, w.Head1, []string{w.Head2}, nil); err == nil {
		t.Error("an earlier head larger than the head was accepted")
	}
}

func TestVerifyProofShapes(t *testing.T) {
	cases, err := transparencytest.ProofShapes()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		rep := transparency.Verify(c.Receipt, c.Earlier...)
		var got []string
		for _, ch := range rep.Checks {
			if !ch.OK {
				got = append(got, ch.Name)
			}
		}
		if !slices.Equal(got, c.Fails) {
			t.Errorf("%s: failed %v, want %v\n%s", c.Name, got, c.Fails, report(rep))
		}
	}
}

// Junk never panics and never verifies: each check says what it could not do.
func TestVerifyJunk(t *testing.T) {
	w, err := transparencytest.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range w.Junk() {
		rep := transparency.Verify(c.Receipt, c.Earlier...)
		if rep.OK || len(rep.Checks) != 5 {
			t.Errorf("%s verifies:\n%s", c.Name, report(rep))
		}
		for _, ch := range rep.Checks {
			if ch.Detail == "" {
				t.Errorf("%s: check %s says nothing", c.Name, ch.Name)
			}
		}
	}
}

func TestVerifyPublished(t *testing.T) {
	w, err := transparencytest.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	pub := w.Published()
	want := map[string]string{ // "" holds; otherwise what the failure says
		"intact":                     "",
		"intact-first":               "",
		"changed-mark":               "", // the head is the published one: inclusion catches the mark
		"rewritten-history":          "History rewritten: the contest published a head of 10 records with another root.",
		"rewritten-history-resigned": "History rewritten: the contest published a head of 6 records with another root. History rewritten: the contest published a head of 10 records with another root.",
		"foreign-key":                "The contest publishes the key " + w.Verifier,
		"reordered-log":              "History rewritten: the contest published a head of 6 records with another root.",
	}
	for _, c := range w.Cases() {
		says, ok := want[c.Name]
		if !ok {
			continue
		}
		got := transparency.VerifyPublished(c.Receipt, pub)
		if got.Name != transparency.CheckPublished || got.OK != (says == "") || !strings.Contains(got.Detail, says) {
			t.Errorf("%s: %+v, want %q", c.Name, got, says)
		}
	}
	r := w.Receipt2
	only1 := pub
	only1.Heads = only1.Heads[:1]
	if got := transparency.VerifyPublished(r, only1); got.OK || !strings.Contains(got.Detail, "not among the heads the contest published") {
		t.Errorf("an unpublished head: %+v", got)
	}
	other := pub
	other.Contest = "autumn-2026"
	if got := transparency.VerifyPublished(r, other); got.OK || !strings.Contains(got.Detail, "for the contest spring-2026, not autumn-2026") {
		t.Errorf("another contest: %+v", got)
	}
}
