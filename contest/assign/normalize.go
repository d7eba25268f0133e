package assign

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold makes a free-text token comparable: NFKC (full-width → half-width,
// U+3000 → space), lower case, trimmed. Used for keywords, tracks and fields.
func fold(s string) string {
	return strings.TrimSpace(strings.ToLower(norm.NFKC.String(s)))
}

// Company-form suffixes dropped from organization names. Latin ones are whole
// words (so "Costco" keeps its "co" and "Zinc" its "inc"); CJK ones have no word
// boundaries and are cut from the end of the last word, longest first.
var (
	latinOrgSuffixes = map[string]bool{
		"co": true, "company": true, "corp": true, "corporation": true,
		"inc": true, "incorporated": true, "llc": true, "ltd": true,
		"limited": true, "plc": true, "group": true,
	}
	cjkOrgSuffixes = []string{ // longest first
		"股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团", "公司",
	}
)

// NormalizeOrg returns the key under which two organization names are the same
// organization: NFKC width folding, lower case, company-form suffixes removed
// (repeatedly, longest first), then white space and punctuation removed.
//
//	NormalizeOrg("华为技术有限公司") == NormalizeOrg("华为技术 有限公司") == "华为技术"
//	NormalizeOrg("ＨＵＡＷＥＩ Co., Ltd.") == NormalizeOrg("huawei") == "huawei"
//
// An empty result means "unknown": Solve treats it as matching no other
// organization, not as one big organization.
func NormalizeOrg(name string) string {
	s := strings.ToLower(norm.NFKC.String(name))
	// Words are runs of letters, digits and combining marks; everything else
	// (spaces of any kind, （）()·.,、& …) separates words and is dropped.
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r))
	})
	for changed := true; changed && len(words) > 0; {
		changed = false
		last := words[len(words)-1]
		if latinOrgSuffixes[last] {
			words = words[:len(words)-1]
			changed = true
			continue
		}
		for _, suf := range cjkOrgSuffixes {
			if strings.HasSuffix(last, suf) {
				last = strings.TrimSuffix(last, suf)
				if last == "" {
					words = words[:len(words)-1]
				} else {
					words[len(words)-1] = last
				}
				changed = true
				break
			}
		}
	}
	return strings.Join(words, "")
}
