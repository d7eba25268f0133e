package pdftext

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// FindIdentity returns the names (organizations' and people's names, say) that
// occur in text, in the order given, each once. Text and names are compared
// after NFKC normalization (full-width "ＡＢＣ" is "ABC", a Kangxi radical is
// its ideograph), case folding, and with all white space and invisible format
// characters removed — PDF extraction often puts spaces between CJK
// characters ("张 伟") or breaks a name across lines. Names shorter than two
// characters after that are ignored: they would match almost anything.
func FindIdentity(text string, names []string) []string {
	hay := foldForSearch(text)
	var found []string
	seen := map[string]bool{}
	for _, n := range names {
		needle := foldForSearch(n)
		if len([]rune(needle)) < 2 || seen[needle] {
			continue
		}
		seen[needle] = true
		if strings.Contains(hay, needle) {
			found = append(found, n)
		}
	}
	return found
}

// foldForSearch is the form FindIdentity compares.
func foldForSearch(s string) string {
	s = norm.NFKC.String(s)
	s = cases.Fold().String(s) // a Caser is stateful: one per call
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return norm.NFKC.String(s) // folding can denormalize
}
