package web

import (
	"regexp"
	"slices"
	"testing"
)

// chinesePunctuationExceptions are the zh-CN catalog values allowed an ASCII
// colon or comma right after a Chinese character: none so far. A value that
// truly needs one (a format the user must type exactly) is listed here by
// key, with why.
var chinesePunctuationExceptions = []string{}

// In the Chinese catalog, punctuation after Chinese text is full width
// ("商业计划书：", "单位，"): an ASCII colon or comma directly after a CJK
// character (a Han character, CJK punctuation or a full-width form) is a
// mistake. Times ("17:00") and ASCII text keep theirs.
func TestCatalogsChinesePunctuation(t *testing.T) {
	t.Parallel()
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ascii := regexp.MustCompile(`[\p{Han}\x{3000}-\x{303F}\x{FF00}-\x{FFEF}][:,]`)
	for k, v := range cat["zh-CN"] {
		if m := ascii.FindString(v); m != "" && !slices.Contains(chinesePunctuationExceptions, k) {
			t.Errorf("zh-CN %s has ASCII punctuation after Chinese text (%q): %q", k, m, v)
		}
	}
	for _, k := range chinesePunctuationExceptions {
		if _, ok := cat["zh-CN"][k]; !ok {
			t.Errorf("exception %s is not in the catalog", k)
		}
	}
}
