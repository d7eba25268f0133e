package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"podium/contest/access"
	"podium/contest/contesttest"
)

// After login, next= never leads off the site, whatever control character a
// browser would strip from it.
func TestLoginNextStaysOnSite(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	for _, next := range []string{"/\t/evil.example/a", "/\n/evil.example", "/\r\\evil.example", "\x01//evil.example", "/%2F/evil.example"} {
		c := h.client()
		res := c.form("/login", url.Values{"login": {"org@example.com"}, "password": {contesttest.Password}, "next": {next}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/organizer" {
			t.Errorf("next=%q: %d Location %q", next, res.status, res.header.Get("Location"))
		}
	}
	c := h.client()
	res := c.form("/login", url.Values{"login": {"org@example.com"}, "password": {contesttest.Password}, "next": {"/organizer/experts?lang=en"}})
	if res.header.Get("Location") != "/organizer/experts?lang=en" {
		t.Errorf("a same-site next was not kept: %q", res.header.Get("Location"))
	}
}
