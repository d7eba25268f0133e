package web_test

import (
	"encoding/json"
	"html"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// fullWidth matches the Chinese punctuation that has no place in English text.
var fullWidth = regexp.MustCompile(`[（）：，。、；？！]`)

// The English catalog writes English punctuation: no full-width parentheses,
// colons, commas, full stops or enumeration commas.
func TestEnglishCatalogHasNoFullWidthPunctuation(t *testing.T) {
	raw, err := os.ReadFile("i18n/en.json")
	if err != nil {
		t.Fatal(err)
	}
	var en map[string]string
	if err := json.Unmarshal(raw, &en); err != nil {
		t.Fatal(err)
	}
	// Quoting what a Chinese spreadsheet may hold is not punctuating.
	quoted := map[string]bool{"err.import.members": true} // members separated by ; or 、
	var bad []string
	for k, v := range en {
		if fullWidth.MatchString(v) && !quoted[k] {
			bad = append(bad, k+": "+v)
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("%d English messages with full-width punctuation:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}

// tags strips an HTML page to its text, roughly: enough to find punctuation.
var tags = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)

// assertNoFullWidth fails if the text of an English page holds full-width
// punctuation, once the data shown as typed (names in Chinese: allowed) is
// taken out.
func assertNoFullWidth(t *testing.T, what, body string, data ...string) {
	t.Helper()
	text := html.UnescapeString(tags.ReplaceAllString(body, " "))
	for _, d := range data {
		text = strings.ReplaceAll(text, d, "")
	}
	if loc := fullWidth.FindStringIndex(text); loc != nil {
		from, to := max(0, loc[0]-120), min(len(text), loc[1]+120)
		t.Errorf("%s has full-width punctuation: …%s…", what, strings.Join(strings.Fields(text[from:to]), " "))
	}
}
