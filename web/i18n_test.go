package web

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"podium/contest"
	"podium/contest/access"
	"podium/scoring"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	t.Parallel()
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	zh, en := cat["zh-CN"], cat["en"]
	for k, v := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%s is in zh-CN but not in en", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("zh-CN %s is empty", k)
		}
	}
	for k, v := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%s is in en but not in zh-CN", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("en %s is empty", k)
		}
	}
}

// Every message key written in the code or the templates must be in the catalogs,
// so no user ever sees a raw key.
func TestEveryUsedMessageKeyExists(t *testing.T) {
	t.Parallel()
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	namespaces := map[string]bool{}
	for k := range cat["zh-CN"] {
		namespaces[strings.SplitN(k, ".", 2)[0]] = true
	}
	goKey := regexp.MustCompile(`"([a-z]+(?:\.[a-z_]+)+)"`)
	tmplKey := regexp.MustCompile(`\.T "([a-z_.]+)"`)
	formField := regexp.MustCompile(`(PostFormArray|PostForm|f\.[a-z]+)\("[^"]*"\)`)
	used := map[string]string{}
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("../contest/*.go")
	sub, _ := filepath.Glob("../contest/*/*.go")
	pkgs, _ := filepath.Glob("*/*.go") // web's own subpackages (upload)
	more = append(append(more, sub...), pkgs...)
	tmpls, _ := filepath.Glob("templates/*.html")
	for _, f := range append(append(files, more...), tmpls...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		re := goKey
		if strings.HasSuffix(f, ".html") {
			re = tmplKey
		}
		// Form field names ("entry.video_limit_mb") look like keys but are not.
		src := formField.ReplaceAllString(string(b), "")
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			// Domain code speaks only in err.* keys; its other dotted strings are field paths.
			domain := strings.HasPrefix(f, "../contest/") && !strings.HasPrefix(m[1], "err.")
			if namespaces[strings.SplitN(m[1], ".", 2)[0]] && !strings.HasSuffix(m[1], ".html") && !domain {
				used[m[1]] = f
			}
		}
	}
	// Keys the templates build at run time.
	for _, p := range contest.Phases {
		used["contest.phase."+string(p)] = "organizer.html"
	}
	for _, r := range []access.Role{access.RoleOrganizer, access.RoleJudge, access.RoleEntrant, access.RoleInvestor} {
		used["role."+string(r)] = "layout.html"
	}
	for _, m := range scoring.Methods {
		used["round.method."+string(m)] = "contest_edit.html"
	}
	for _, k := range []contest.RoundKind{contest.KindOnline, contest.KindLive} {
		used["round.kind."+string(k)] = "contest_edit.html"
	}
	for _, l := range contest.AwardLevels {
		used["award.level."+l] = "contest_edit.html"
	}
	for _, f := range []string{"tracks", "groups"} {
		used["err.contest."+f+"_required"] = "setup.go"
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys; is the scan broken?", len(used))
	}
	for _, k := range slices.Sorted(maps.Keys(used)) {
		if _, ok := cat["zh-CN"][k]; !ok {
			t.Errorf("%s (used in %s) is not in the catalogs", k, used[k])
		}
	}
}

func TestNegotiateLanguage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ accept, want string }{
		{"", "zh-CN"},
		{"en-US,en;q=0.9", "en"},
		{"zh-TW,zh;q=0.9", "zh-CN"},
		{"fr-FR", "zh-CN"},
		{"de;q=1, en;q=0.5", "en"},
	} {
		r := httptestRequest("/login", tc.accept)
		if got := negotiateLang(r); got != tc.want {
			t.Errorf("Accept-Language %q → %s, want %s", tc.accept, got, tc.want)
		}
	}
	if got := negotiateLang(httptestRequest("/login?lang=en", "zh-CN")); got != "en" {
		t.Errorf("?lang=en → %s", got)
	}
}

func httptestRequest(target, accept string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	if accept != "" {
		r.Header.Set("Accept-Language", accept)
	}
	return r
}

// Every audited action has a name in both languages: the audit page shows
// actions by name, never by their code.
func TestEveryAuditActionHasAName(t *testing.T) {
	t.Parallel()
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../contest/audit/actions.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := regexp.MustCompile(`Action = "([a-z_.]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(declared) < 30 {
		t.Fatalf("found %d actions in actions.go; the pattern no longer matches its declarations", len(declared))
	}
	for _, m := range declared {
		for _, lang := range []string{"zh-CN", "en"} {
			if _, ok := cat[lang]["audit.action."+m[1]]; !ok {
				t.Errorf("audit action %s has no name in %s (audit.action.%s)", m[1], lang, m[1])
			}
		}
	}
}
