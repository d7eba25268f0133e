package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// browserResolve resolves a Location header the way a browser does for an
// http(s) page (the WHATWG URL parser, as far as it matters here): leading and
// trailing C0 controls and spaces are trimmed, tabs and newlines anywhere are
// removed, and a backslash is a slash.
func browserResolve(t *testing.T, base *url.URL, location string) *url.URL {
	t.Helper()
	s := strings.TrimFunc(location, func(r rune) bool { return r <= 0x20 })
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(s)
	ref, err := url.Parse(s)
	if err != nil {
		return base // a browser would not follow it either; stays put
	}
	return base.ResolveReference(ref)
}

func TestSafeNextKeepsRedirectsOnThisSite(t *testing.T) {
	t.Parallel()
	const fallback = "/organizer"
	base, _ := url.Parse("https://podium.example/login")

	// Allowed: plain paths, queries and fragments, percent-encoding of ordinary text.
	for _, next := range []string{"/", "/organizer", "/judge/assignments/3?tab=files#plan", "/results/7?lang=en",
		"/entrant/entries/1", "/a/b%20c", "/%E8%AF%84%E5%A7%94", "/organizer?next=//evil.example"} {
		if got := safeNext(next, fallback); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
	}

	// Refused: everything that leaves the site or that a browser would rewrite.
	refused := []string{"", "organizer", "//evil.example/a", "///evil.example", `/\evil.example`, `\\evil.example`,
		`/\/evil.example`, `\/evil.example`, "/a\\b", "https://evil.example/", "http:evil.example", "javascript:alert(1)",
		"data:text/html,x", "HTTPS://evil.example", " //evil.example", "/%2F/evil.example", "/%2f%2fevil.example",
		"/%5Cevil.example", "/%5cevil.example", "/%09/evil.example/a", "/%0A/evil.example", "/\u0085/evil.example",
		"/\xff/evil.example", "//user@evil.example"}
	for c := rune(0); c < 0x20; c++ {
		ch := string(c)
		refused = append(refused, "/"+ch+"/evil.example/a", ch+"//evil.example/a", "/"+ch+`\evil.example`,
			"//"+ch+"evil.example", "/organizer"+ch, ch+"/organizer", fmt.Sprintf("/%%%02X/evil.example", c))
	}
	refused = append(refused, "/\x7f/evil.example/a", "\x7f//evil.example", "/organizer\x7f", "/%7F/evil.example")

	for _, next := range refused {
		got := safeNext(next, fallback)
		if got != fallback {
			t.Errorf("safeNext(%q) = %q, want the fallback", next, got)
		}
		if u := browserResolve(t, base, got); u.Host != base.Host || u.Scheme != base.Scheme {
			t.Errorf("safeNext(%q) = %q leads a browser to %s", next, got, u)
		}
	}
	// The tab case of issue 10, spelled out: the old check let it through.
	if u := browserResolve(t, base, "/\t/evil.example/a"); u.Host != "evil.example" {
		t.Fatalf("the browser model is wrong: %s", u)
	}
}
