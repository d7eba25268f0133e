package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// The judges flagged for scoring consistently above or below the others are
// listed in one notice on the ranking page, each with the direction and the
// average gap, in both languages; not one banner per judge.
func TestRankingJudgeFlagsInOneNotice(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newScoredWorld(t, h) // 甲 marks above the entry's mark, 乙 below
	nameInEnglish(t, h, w)
	cl := h.loggedIn(w.org)

	zh := cl.get(w.path("ranking"))
	if zh.status != http.StatusOK {
		t.Fatalf("ranking page: %d %.500s", zh.status, zh.body)
	}
	if n := strings.Count(zh.body, `class="notice warn" id="judge-flags"`); n != 1 || strings.Count(zh.body, "<li data-judge=") != 2 {
		t.Fatalf("%d notices of flagged judges, want one listing both: %.6000s", n, zh.body)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`2 位评委的打分持续偏高或偏低`),
		regexp.MustCompile(`data-kind="lenient">J\d+ \(甲评委\)：偏高，平均高出 \d+\.\d\d 分（4 份评分）</li>`),
		regexp.MustCompile(`data-kind="severe">J\d+ \(乙评委\)：偏低，平均低 \d+\.\d\d 分（4 份评分）</li>`),
	} {
		if !want.MatchString(zh.body) {
			t.Errorf("the Chinese notice lacks %s: %.6000s", want, zh.body)
		}
	}
	en := cl.get(w.path("ranking?lang=en"))
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`2 judges scored consistently higher or lower`),
		regexp.MustCompile(`data-kind="lenient">J\d+ \(甲评委\): higher, by \d+\.\d\d points on average \(4 sheets\)</li>`),
		regexp.MustCompile(`data-kind="severe">J\d+ \(乙评委\): lower, by \d+\.\d\d points on average \(4 sheets\)</li>`),
	} {
		if !want.MatchString(en.body) {
			t.Errorf("the English notice lacks %s: %.6000s", want, en.body)
		}
	}
	assertNoFullWidth(t, "the English ranking page", en.body, "甲评委", "乙评委")
}
