package transparency

import (
	"fmt"
	"slices"
	"strings"
)

// CheckPublished names the check of a receipt against the contest's
// published heads. It is not one of Verify's five: it needs the heads,
// which the web page fetches and the command reads from a file.
const CheckPublished = "published"

// PublishedHeads is the contest's public list of tree heads, as
// GET /api/v1/public/results/:contest/heads answers it.
type PublishedHeads struct {
	Contest     string          `json:"contest"`
	VerifierKey string          `json:"verifier_key"`
	Heads       []PublishedHead `json:"heads"`
}

// PublishedHead is one publication's head; Root is base64 and Signed the signed note.
type PublishedHead struct {
	Round       string `json:"round"`
	Version     int    `json:"version"`
	Size        int64  `json:"size"`
	Root        string `json:"root"`
	Signed      string `json:"signed"`
	PublishedAt string `json:"published_at"`
}

// VerifyPublished checks a receipt against the contest's published heads:
// the same contest and key, its head among them, and no published head of
// the size of its head or of an earlier head with another root.
func VerifyPublished(r Receipt, p PublishedHeads) Check {
	var problems []string
	if r.Contest.Slug != p.Contest {
		problems = append(problems, fmt.Sprintf("This receipt is for the contest %s, not %s.", r.Contest.Slug, p.Contest))
	}
	if p.VerifierKey != "" && p.VerifierKey != r.VerifierKey {
		problems = append(problems, fmt.Sprintf("The contest publishes the key %s; this receipt is signed with %s.", p.VerifierKey, r.VerifierKey))
	}
	type head struct {
		size int64
		root string
	}
	mine := []head{{r.Head.Size, r.Head.Root}}
	for _, e := range r.EarlierHeads {
		mine = append(mine, head{e.Size, e.Root})
	}
	var conflicts []int64
	found := false
	for _, h := range p.Heads {
		if h.Size == r.Head.Size && h.Root == r.Head.Root {
			found = true
		}
		for _, m := range mine {
			if h.Size == m.size && h.Root != m.root && !slices.Contains(conflicts, m.size) {
				conflicts = append(conflicts, m.size)
			}
		}
	}
	for _, size := range conflicts {
		problems = append(problems, fmt.Sprintf("History rewritten: the contest published a head of %d records with another root.", size))
	}
	if !found && !slices.Contains(conflicts, r.Head.Size) {
		problems = append(problems, fmt.Sprintf("This head (%d records) is not among the heads the contest published.", r.Head.Size))
	}
	if len(problems) > 0 {
		return Check{Name: CheckPublished, OK: false, Detail: strings.Join(problems, " ")}
	}
	return Check{Name: CheckPublished, OK: true, Detail: "This head is one the contest published, and no published head contradicts it."}
}
