// Package redact blacks out what identifies an entrant in the text that judges
// read: the entrant's names however they are spelled (any case, full-width or
// half-width forms, spaces inside), and contact details and registration
// numbers of anyone (mobile and landline phone numbers, e-mail addresses,
// unified social credit codes and other 18-character registration numbers,
// QQ numbers labelled "QQ"). An organization's name is matched with its
// distinctive cores too (see Cores), as entrants shorten it.
//
// Matching is done on a normalized view of the text (NFKC, case folded), but
// the output is the original text with only the matched stretches replaced:
// every match is mapped back to the characters of the original it came from,
// so the rest of what the entrant wrote reaches the judge unchanged.
//
// This package imports nothing of Podium's.
package redact

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Mark replaces each redacted stretch.
const Mark = "■■"

// minNameRunes is the shortest name matched: one character would match almost anything.
const minNameRunes = 2

// Redactor redacts a set of names and every contact detail. The zero value
// redacts contact details only.
type Redactor struct {
	names [][]rune // folded, without spaces, longest first
}

// New returns a Redactor for names (an organization's, its people's). Names
// shorter than two characters once normalized are ignored.
func New(names []string) Redactor {
	var r Redactor
	for _, n := range names {
		var folded []rune
		for _, c := range n {
			if !ignorable(c) {
				folded = append(folded, []rune(fold(c))...)
			}
		}
		if len(folded) >= minNameRunes && !slices.ContainsFunc(r.names, func(x []rune) bool { return slices.Equal(x, folded) }) {
			r.names = append(r.names, folded)
		}
	}
	slices.SortStableFunc(r.names, func(a, b []rune) int { return len(b) - len(a) })
	return r
}

// span is a stretch of the original text, in bytes.
type span struct{ start, end int }

// String returns s with every name and contact detail replaced by Mark.
func (r Redactor) String(s string) string {
	if s == "" {
		return s
	}
	spans := append(r.nameSpans(s), contactSpans(s)...)
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var b strings.Builder
	last := 0
	for i := 0; i < len(spans); {
		cur := spans[i]
		for i++; i < len(spans) && spans[i].start <= cur.end; i++ { // overlapping or touching: one mark
			cur.end = max(cur.end, spans[i].end)
		}
		b.WriteString(s[last:cur.start])
		b.WriteString(Mark)
		last = cur.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// fold is the form names are compared in: NFKC (full-width "ＡＢＣ" is "ABC",
// "㈱" is "(株)") and case folded.
func fold(c rune) string {
	if c < utf8.RuneSelf {
		return string(unicode.ToLower(c))
	}
	s := norm.NFKC.String(string(c))
	s = cases.Fold().String(s)
	return norm.NFKC.String(s)
}

// ignorable characters may sit inside a name without breaking it: spaces
// ("张 伟"), line breaks, invisible format characters.
func ignorable(c rune) bool {
	return unicode.IsSpace(c) || unicode.Is(unicode.Cf, c) || unicode.IsControl(c)
}

// wordLike characters join a Latin name to its neighbours: "Li Na" is not
// redacted inside "Carolina".
func wordLike(c rune) bool {
	return (unicode.IsLetter(c) || unicode.IsDigit(c)) && !unicode.Is(unicode.Han, c) &&
		!unicode.In(c, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// nameSpans finds the names in s.
func (r Redactor) nameSpans(s string) []span {
	if len(r.names) == 0 {
		return nil
	}
	// The folded view: its runes, each with the original character it came from.
	var view []rune
	var from []span
	for i, c := range s {
		if ignorable(c) {
			continue
		}
		for _, f := range fold(c) {
			view = append(view, f)
			from = append(from, span{i, i + utf8.RuneLen(c)})
		}
	}
	var out []span
	for _, n := range r.names {
		for i := 0; i+len(n) <= len(view); i++ {
			if !slices.Equal(view[i:i+len(n)], n) {
				continue
			}
			sp := span{from[i].start, from[i+len(n)-1].end}
			if wordLike(n[0]) {
				if c, _ := utf8.DecodeLastRuneInString(s[:sp.start]); sp.start > 0 && wordLike(c) {
					continue
				}
			}
			if wordLike(n[len(n)-1]) {
				if c, _ := utf8.DecodeRuneInString(s[sp.end:]); sp.end < len(s) && wordLike(c) {
					continue
				}
			}
			out = append(out, sp)
			i += len(n) - 1
		}
	}
	return out
}

// Contact details, matched in the NFKC view of the text (so full-width digits
// and "＠" count), each checked for its neighbours by contactBoundary.
var contactPatterns = []*regexp.Regexp{
	// Mainland mobiles: 1[3-9]X XXXX XXXX, with +86/0086/86 and spaces or dashes.
	regexp.MustCompile(`(?:(?:\+|00)?86[ \t-]*)?1[3-9]\d[ \t-]?\d{4}[ \t-]?\d{4}`),
	// Landlines with their area code: 0571-88888888, (010) 6552 9988, 021 5555 6666 转 123.
	regexp.MustCompile(`(?:(?:\+|00)?86[ \t-]*)?(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[ \t-]?\d{3,4}[ \t-]?\d{4}(?:[ \t]*(?:-|转|ext\.?|x)[ \t]*\d{1,6})?`),
	// Service numbers: 400-810-8888, 800 820 8820.
	regexp.MustCompile(`[48]00[ \t-]?\d{3}[ \t-]?\d{4}`),
	// E-mail addresses.
	regexp.MustCompile(`(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}`),
	// Unified social credit codes (GB 32100) by their shape: registration
	// authority and kind, six-digit region, nine-character organization code
	// and check character, from the 31-character alphabet without I, O, S, V
	// and Z; citizen ID numbers (17 digits and a digit or X) fit it as well.
	regexp.MustCompile(`(?i)[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{9}[0-9A-HJ-NPQRTUWXY]`),
}

// qqNumber is a QQ number, masked only where labelled "QQ" (a bare run of five
// to eleven digits is as likely an amount or an order number): the number,
// group 1, is masked, the label stays.
var qqNumber = regexp.MustCompile(`(?i)qq[ \t]*(?:号码|号|群)?[ \t]*[:：]?[ \t]*([1-9][0-9]{4,10})`)

// contactSpans finds phone numbers, e-mail addresses, credit codes and
// labelled QQ numbers in s.
func contactSpans(s string) []span {
	// The NFKC view, with each of its bytes' original character.
	var view strings.Builder
	var from []span
	for i, c := range s {
		n := norm.NFKC.String(string(c))
		view.WriteString(n)
		for range len(n) {
			from = append(from, span{i, i + utf8.RuneLen(c)})
		}
	}
	v := view.String()
	var out []span
	for _, re := range contactPatterns {
		for _, m := range re.FindAllStringIndex(v, -1) {
			if contactBoundary(v, m[0], m[1]) {
				out = append(out, span{from[m[0]].start, from[m[1]-1].end})
			}
		}
	}
	for _, m := range qqNumber.FindAllStringSubmatchIndex(v, -1) {
		if contactBoundary(v, m[0], m[1]) {
			out = append(out, span{from[m[2]].start, from[m[3]-1].end})
		}
	}
	return out
}

// contactBoundary reports whether the match v[start:end] stands alone: not a
// part of a longer number, code or word ("2023-0571888888", a 20-digit
// account number, "abc@def.gh" inside a longer address is found whole anyway).
func contactBoundary(v string, start, end int) bool {
	before, _ := utf8.DecodeLastRuneInString(v[:start])
	after, _ := utf8.DecodeRuneInString(v[end:])
	joins := func(c rune) bool { return c < utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c)) }
	return (start == 0 || !joins(before)) && (end == len(v) || !joins(after))
}
