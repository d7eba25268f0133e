package transparency

import (
	"encoding/json"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// The names of Verify's checks, in the order it reports them. The web
// page's verifier uses the same names, and translates by them.
const (
	CheckSignature = "signature" // the head is signed by the contest's key
	CheckInclusion = "inclusion" // each record is in the log at its own place
	CheckResult    = "result"    // the publication states this result and exactly these sheets
	CheckHistory   = "history"   // the head extends every earlier published head
	CheckEarlier   = "earlier"   // the head extends the heads of earlier receipts given
)

// Report is what Verify found: OK when every check holds.
type Report struct {
	OK     bool    `json:"ok"`
	Checks []Check `json:"checks"`
}

// Check is one check's outcome, with a plain-language sentence (English).
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Verify checks a receipt on its own and against earlier receipts of the
// same contest, and says in plain words what holds and what does not.
func Verify(r Receipt, earlier ...Receipt) Report {
	v := &verification{r: r}
	checks := []Check{
		v.signature(),
		v.inclusion(),
		v.result(),
		v.history(),
		v.earlier(earlier),
	}
	rep := Report{OK: true, Checks: checks}
	for _, c := range checks {
		rep.OK = rep.OK && c.OK
	}
	return rep
}

type verification struct {
	r        Receipt
	verifier note.Verifier
	key      string // the verifier key, when it parses
	root     tlog.Hash
	rootOK   bool
}

func check(name string, problems []string, ok string) Check {
	if len(problems) == 0 {
		return Check{Name: name, OK: true, Detail: ok}
	}
	return Check{Name: name, OK: false, Detail: strings.Join(problems, " ")}
}

func (v *verification) origin() string { return "podium/" + v.r.Contest.Slug }

func (v *verification) signature() Check {
	r := v.r
	var problems []string
	if r.Format != ReceiptFormat {
		problems = append(problems, fmt.Sprintf("This is not a Podium receipt of the known format (it says %q).", r.Format))
	}
	if root, err := decodeHash(r.Head.Root); err == nil {
		v.root, v.rootOK = root, true
	}
	vf, err := note.NewVerifier(r.VerifierKey)
	if err != nil {
		problems = append(problems, "The contest key written in the receipt is malformed, so nothing it signs can be trusted.")
		return check(CheckSignature, problems, "")
	}
	v.verifier, v.key = vf, r.VerifierKey
	if want := "podium-" + r.Contest.Slug; vf.Name() != want {
		problems = append(problems, fmt.Sprintf("The receipt's key is named %q, not %q, the key of contest %q.", vf.Name(), want, r.Contest.Slug))
	}
	h, err := OpenHead(r.VerifierKey, r.Head.Signed)
	switch {
	case err != nil:
		problems = append(problems, fmt.Sprintf("The tree head is not validly signed by the contest's key %s (key id %08x): it was altered or signed by someone else.", vf.Name(), vf.KeyHash()))
	case h.Origin != v.origin():
		problems = append(problems, fmt.Sprintf("The signed head is for the log %q, not this contest's %q.", h.Origin, v.origin()))
	case h.Size != r.Head.Size || !v.rootOK || h.Root != v.root:
		problems = append(problems, "The head's size or root written in the receipt differs from the signed head.")
	}
	return check(CheckSignature, problems, fmt.Sprintf(
		"The tree head (%d records, root %s…) is signed by the contest's key %s (key id %08x).",
		r.Head.Size, short(r.Head.Root), vf.Name(), vf.KeyHash()))
}

func short(b64 string) string {
	if len(b64) > 12 {
		return b64[:12]
	}
	return b64
}

func (v *verification) inclusion() Check {
	r := v.r
	var problems []string
	if len(r.Records) == 0 {
		problems = append(problems, "The receipt carries no records.")
	}
	if !v.rootOK {
		problems = append(problems, "The head's root is not a base64 SHA-256 hash.")
		return check(CheckInclusion, problems, "")
	}
	sheets := 0
	for i, rec := range r.Records {
		l, err := ParseLeaf([]byte(rec.Leaf))
		if err != nil {
			problems = append(problems, fmt.Sprintf("Record %d is not a readable log record.", i+1))
			continue
		}
		if rec.Kind == KindSheet {
			sheets++
		}
		if rec.Index != l.Seq-1 {
			problems = append(problems, fmt.Sprintf("Record #%d is presented at position %d of the log, not at its own position %d: the log was reordered.", l.Seq, rec.Index+1, l.Seq))
			continue
		}
		if rec.Index < 0 || rec.Index >= r.Head.Size {
			problems = append(problems, fmt.Sprintf("Record #%d lies beyond the head, which holds %d records.", l.Seq, r.Head.Size))
			continue
		}
		proof, err := decodeHashes(rec.Proof)
		if err == nil {
			err = tlog.CheckRecord(proof, r.Head.Size, v.root, rec.Index, tlog.RecordHash([]byte(rec.Leaf)))
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("Record #%d (%s) does not hash into the signed head at its position: its content or its place in the log was changed.", l.Seq, l.Action))
		}
	}
	return check(CheckInclusion, problems, fmt.Sprintf(
		"All %d records (the publication and %d sheets) are in the signed log, each at its own position.",
		len(r.Records), sheets))
}

func hundredths(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func describe(score int64, rank int, advanced bool, award string) string {
	if award == "" {
		award = "none"
	}
	return fmt.Sprintf("score %s, rank %d, advanced %s, award %s", hundredths(score), rank, yesNo(advanced), award)
}

func (v *verification) result() Check {
	r := v.r
	var problems []string
	var pub *Leaf
	pubs := 0
	var sheets []Leaf
	for i, rec := range r.Records {
		l, err := ParseLeaf([]byte(rec.Leaf))
		if err != nil {
			problems = append(problems, fmt.Sprintf("Record %d cannot be read.", i+1))
			continue
		}
		switch rec.Kind {
		case KindPublication:
			pubs++
			pub = &l
		case KindSheet:
			sheets = append(sheets, l)
		default:
			problems = append(problems, fmt.Sprintf("Record #%d is of an unknown kind %q.", l.Seq, rec.Kind))
		}
	}
	if pubs != 1 {
		problems = append(problems, fmt.Sprintf("The receipt must carry exactly one publication record; it carries %d.", pubs))
		return check(CheckResult, problems, "")
	}
	var p PublicationPayload
	if pub.Action != ActionPublished || pub.Subject != r.Round.Key {
		problems = append(problems, fmt.Sprintf("The publication record (#%d) is not the publication of round %q.", pub.Seq, r.Round.Key))
	} else if err := json.Unmarshal(pub.Payload, &p); err != nil {
		problems = append(problems, "The publication record's results cannot be read.")
	} else if p.Version != r.Round.Version {
		problems = append(problems, fmt.Sprintf("The publication is version %d; the receipt says version %d.", p.Version, r.Round.Version))
	}
	var line *PublicationResult
	named := 0
	for i := range p.Results {
		if p.Results[i].Entry == r.Entry.Code {
			named++
			line = &p.Results[i]
		}
	}
	switch {
	case len(problems) > 0:
	case named != 1:
		problems = append(problems, fmt.Sprintf("The publication names entry %s %d times, not once.", r.Entry.Code, named))
	default:
		got := describe(line.Score, line.Rank, line.Advanced, line.Award)
		want := describe(r.Result.Score, r.Result.Rank, r.Result.Advanced, r.Result.Award)
		if got != want {
			problems = append(problems, fmt.Sprintf("The publication gives entry %s %s; the receipt says %s.", r.Entry.Code, got, want))
		}
		carried := map[int64]int{}
		for _, s := range sheets {
			carried[s.Seq]++
			if s.Action != ActionSheet || s.Subject != r.Entry.Code {
				problems = append(problems, fmt.Sprintf("Record #%d is not a score sheet of entry %s.", s.Seq, r.Entry.Code))
			}
			if s.Seq >= pub.Seq {
				problems = append(problems, fmt.Sprintf("Sheet #%d was recorded after the publication (#%d).", s.Seq, pub.Seq))
			}
		}
		wanted := map[int64]bool{}
		for _, seq := range line.Sheets {
			wanted[seq] = true
			if carried[seq] == 0 {
				problems = append(problems, fmt.Sprintf("The publication names sheet #%d, which this receipt does not carry: a sheet was removed.", seq))
			}
		}
		for _, s := range sheets {
			if !wanted[s.Seq] {
				problems = append(problems, fmt.Sprintf("This receipt carries sheet #%d, which the publication does not name: a sheet was added.", s.Seq))
			} else if carried[s.Seq] > 1 {
				problems = append(problems, fmt.Sprintf("This receipt carries sheet #%d more than once.", s.Seq))
				carried[s.Seq] = 1
			}
		}
	}
	return check(CheckResult, problems, fmt.Sprintf(
		"The publication (version %d of round %s) gives entry %s %s, and names exactly the %d sheets this receipt carries.",
		r.Round.Version, r.Round.Key, r.Entry.Code, describe(r.Result.Score, r.Result.Rank, r.Result.Advanced, r.Result.Award), len(sheets)))
}

// extends reports whether the head (size, root) extends the earlier one
// by the consistency proof (base64 hashes).
func extends(size int64, root tlog.Hash, oldSize int64, oldRoot tlog.Hash, proof []string) bool {
	if oldSize == size {
		return oldRoot == root && len(proof) == 0
	}
	p, err := decodeHashes(proof)
	if err != nil || oldSize < 1 || oldSize > size {
		return false
	}
	return tlog.CheckTree(p, size, root, oldSize, oldRoot) == nil
}

func (v *verification) history() Check {
	r := v.r
	var problems []string
	if v.verifier == nil || !v.rootOK {
		problems = append(problems, "Without a valid contest key and head, earlier heads cannot be checked.")
		return check(CheckHistory, problems, "")
	}
	for _, e := range r.EarlierHeads {
		h, err := OpenHead(v.key, e.Signed)
		root, rerr := decodeHash(e.Root)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("The earlier head of %d records is not validly signed by the contest's key.", e.Size))
		case h.Origin != v.origin() || h.Size != e.Size || rerr != nil || h.Root != root:
			problems = append(problems, fmt.Sprintf("The earlier head of %d records differs from what its signature covers.", e.Size))
		case e.Size > r.Head.Size:
			problems = append(problems, fmt.Sprintf("An earlier head holds %d records, more than this head's %d: the log shrank.", e.Size, r.Head.Size))
		case !extends(r.Head.Size, v.root, e.Size, root, e.Consistency):
			problems = append(problems, fmt.Sprintf("History rewritten: this head does not extend the earlier published head of %d records (root %s…); records before it were changed, removed or reordered.", e.Size, short(e.Root)))
		}
	}
	if len(r.EarlierHeads) == 0 {
		return check(CheckHistory, problems, "This receipt lists no earlier published head: this is the contest's first publication.")
	}
	return check(CheckHistory, problems, fmt.Sprintf(
		"This head extends every earlier published head (%d in all): nothing recorded before them was changed, removed or reordered.",
		len(r.EarlierHeads)))
}

// signedHead is a head whose signature holds.
type signedHead struct {
	size        int64
	root        tlog.Hash
	consistency []string // to the head of the receipt that lists it
}

// heads returns a receipt's head and its earlier heads that the key signs.
func heads(key string, r Receipt) (head signedHead, earlier []signedHead, ok bool) {
	origin := "podium/" + r.Contest.Slug
	h, err := OpenHead(key, r.Head.Signed)
	if err != nil || h.Origin != origin {
		return signedHead{}, nil, false
	}
	for _, e := range r.EarlierHeads {
		eh, err := OpenHead(key, e.Signed)
		if err == nil && eh.Origin == origin {
			earlier = append(earlier, signedHead{eh.Size, eh.Root, e.Consistency})
		}
	}
	return signedHead{h.Size, h.Root, nil}, earlier, true
}

func (v *verification) earlier(list []Receipt) Check {
	r := v.r
	if len(list) == 0 {
		return Check{Name: CheckEarlier, OK: true, Detail: "No earlier receipt was given to compare with. Keep this receipt: a later one can be checked against it."}
	}
	var problems []string
	head, mine, ok := heads(v.key, r)
	if v.verifier == nil || !ok {
		problems = append(problems, "This receipt's own head is not validly signed, so earlier receipts cannot be compared with it.")
		return check(CheckEarlier, problems, "")
	}
	for i, e := range list {
		n := i + 1
		if e.VerifierKey != r.VerifierKey || e.Contest.Slug != r.Contest.Slug {
			problems = append(problems, fmt.Sprintf("Earlier receipt %d is from another contest or signed by another key; the two cannot be compared.", n))
			continue
		}
		eh, theirs, ok := heads(v.key, e)
		if !ok {
			problems = append(problems, fmt.Sprintf("Earlier receipt %d's head is not validly signed by the contest's key.", n))
			continue
		}
		// Any two signed heads of one size must agree.
		rewritten := false
		for _, a := range append([]signedHead{head}, mine...) {
			for _, b := range append([]signedHead{eh}, theirs...) {
				if a.size == b.size && a.root != b.root {
					rewritten = true
				}
			}
		}
		linked := false
		switch {
		case eh.size == head.size:
			linked = eh.root == head.root
		case eh.size < head.size:
			for _, m := range mine {
				if m.size == eh.size && m.root == eh.root {
					linked = extends(head.size, head.root, eh.size, eh.root, m.consistency)
					rewritten = rewritten || !linked
				}
			}
		default:
			for _, t := range theirs {
				if t.size == head.size && t.root == head.root {
					linked = extends(eh.size, eh.root, head.size, head.root, t.consistency)
					rewritten = rewritten || !linked
				}
			}
		}
		switch {
		case rewritten:
			problems = append(problems, fmt.Sprintf("History rewritten: the head in earlier receipt %d (%d records) and this receipt's head (%d records) cannot both be true of one log.", n, eh.size, head.size))
		case !linked:
			problems = append(problems, fmt.Sprintf("Earlier receipt %d's head (%d records) is not among this receipt's earlier heads, so no proof links the two.", n, eh.size))
		}
	}
	return check(CheckEarlier, problems, fmt.Sprintf(
		"This head extends the head of every earlier receipt given (%d in all): the published history was not rewritten between them.", len(list)))
}
