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

// Generic words of organization names: legal forms and words any company may
// carry. They are cut from the end of a name to find its distinctive core, and
// are never redacted on their own. The legal forms are those assign.NormalizeOrg
// drops for conflicts of interest, and more; this list is wider because it
// serves another purpose (a brand as entrants shorten it), so the two are not
// one list: widening NormalizeOrg would merge distinct organizations.
var (
	genericCJK = []string{ // longest first
		"集团股份有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "研究中心", "合伙企业", "有限合伙", "普通合伙",
		"有限公司", "分公司", "总公司", "工作室", "实验室", "研究院", "研究所", "事务所", "项目组", "课题组",
		"公司", "集团", "中国", "控股", "股份", "科技", "技术", "信息", "网络", "团队", "小组", "中心", "实业", "企业", "创新", "发展",
	}
	genericLatin = map[string]bool{
		"co": true, "company": true, "corp": true, "corporation": true, "inc": true, "incorporated": true,
		"llc": true, "llp": true, "lp": true, "ltd": true, "limited": true, "plc": true, "gmbh": true, "ag": true,
		"sa": true, "srl": true, "bv": true, "pte": true, "pty": true, "group": true, "holding": true, "holdings": true,
		"international": true, "intl": true, "tech": true, "technology": true, "technologies": true, "team": true,
		"studio": true, "studios": true, "lab": true, "labs": true, "systems": true, "solutions": true,
		"network": true, "networks": true, "software": true, "innovation": true, "innovations": true,
		"ventures": true, "partners": true, "china": true, "science": true, "sciences": true, "the": true, "and": true,
	}
	// Parenthesized parts of a name: a region ("（深圳）"), a legal form ("（有限合伙）").
	bracketed = regexp.MustCompile(`\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]`)
	// A leading place: "广东省", "深圳市" before the name proper.
	place = regexp.MustCompile(`^\p{Han}{2,3}?[省市]`)
)

// Minimum lengths of a redacted part of a name: a Latin run of four letters
// ("Nova" but not "AI"), a CJK run of two characters.
const (
	minLatinLetters = 4
	minCJKRunes     = 2
)

// Cores returns what distinguishes an organization's name, as entrants shorten
// it, for redaction beside the full name: the name without its legal form and
// generic words (cut from the end, one at a time, each step kept: "柔感科技",
// then "柔感"), without parenthesized parts and a leading place, and each
// script run of those (a Latin run of four letters or more, a CJK run of two
// characters or more), never a generic word alone. The results are folded
// (NFKC, case folded); New matches them in any case and width.
//
//	Cores("NovaSense柔感科技有限公司") = [novasense柔感科技 novasense柔感 novasense 柔感科技有限公司 柔感科技 柔感]
//	Cores("深圳市星河智能科技有限公司")     = [星河智能科技有限公司 深圳市星河智能科技 星河智能科技 深圳市星河智能 星河智能]
//	Cores("BrightPath明途团队")         = [brightpath明途 brightpath 明途团队 明途]
func Cores(name string) []string {
	s := norm.NFKC.String(cases.Fold().String(norm.NFKC.String(name)))
	var stages []string
	add := func(st string) {
		if st = trimSeparators(st); st != "" && !slices.Contains(stages, st) {
			stages = append(stages, st)
		}
	}
	// The parenthesized parts go first: a region alone ("深圳") is no name.
	for cur := trimSeparators(bracketed.ReplaceAllString(s, "")); cur != ""; {
		add(cur)
		for rest := cur; place.MatchString(rest); {
			rest = rest[len(place.FindString(rest)):]
			add(rest)
		}
		next := trimSeparators(cutGeneric(cur))
		if next == cur {
			break
		}
		cur = next
	}
	whole := trimSeparators(s) // the name itself is redacted anyway
	var out []string
	keep := func(part string) {
		if part != whole && distinctive(part) && !slices.Contains(out, part) {
			out = append(out, part)
		}
	}
	for _, st := range stages {
		keep(st)
	}
	for _, st := range stages {
		for _, r := range scriptRuns(st) {
			keep(r)
		}
	}
	return out
}

// cutGeneric removes one generic word from the end of s, or returns s.
func cutGeneric(s string) string {
	for _, g := range genericCJK {
		if strings.HasSuffix(s, g) {
			return strings.TrimSuffix(s, g)
		}
	}
	i := len(s)
	for i > 0 {
		c, n := utf8.DecodeLastRuneInString(s[:i])
		if !latinWord(c) {
			break
		}
		i -= n
	}
	if genericLatin[s[i:]] {
		return s[:i]
	}
	return s
}

// distinctive reports whether part may be redacted on its own: long enough,
// and not generic words only.
func distinctive(part string) bool {
	var latin, cjk int
	for _, c := range part {
		switch {
		case cjkRune(c):
			cjk++
		case unicode.IsLetter(c):
			latin++
		}
	}
	if cjk == 0 && latin < minLatinLetters || cjk > 0 && cjk+latin < minCJKRunes {
		return false
	}
	rest := part
	for rest != "" {
		next := trimSeparators(cutGeneric(rest))
		if next == rest {
			return true
		}
		rest = next
	}
	return false // generic words only ("科技", "tech team")
}

// scriptRuns splits s into its Latin and CJK runs. Spaces and punctuation
// inside a Latin run stay in it ("nova sense"); anything else ends a run.
func scriptRuns(s string) []string {
	var runs []string
	start, kind := -1, 0 // kind: 1 Latin, 2 CJK
	flush := func(end int) {
		if start >= 0 {
			runs = append(runs, trimSeparators(s[start:end]))
		}
		start, kind = -1, 0
	}
	for i, c := range s {
		k := 0
		switch {
		case cjkRune(c):
			k = 2
		case latinWord(c):
			k = 1
		}
		switch {
		case k == 0 && kind == 1 && (unicode.IsSpace(c) || unicode.IsPunct(c)):
			// may join two Latin words; trimmed if it ends the run
		case k == 0:
			flush(i)
		case k != kind:
			flush(i)
			start, kind = i, k
		}
	}
	flush(len(s))
	return runs
}

func latinWord(c rune) bool {
	return c < utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c)) || unicode.Is(unicode.Latin, c)
}

func cjkRune(c rune) bool {
	return unicode.In(c, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// trimSeparators trims what is neither a letter nor a digit from both ends.
func trimSeparators(s string) string {
	return strings.TrimFunc(s, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) })
}
