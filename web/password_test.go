package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"podium/contest/access"
	"podium/contest/contesttest"
)

// The whole reset, as an entrant who forgot her password goes through it:
// the login page links to it; the answer is the same for an address nobody
// has; the e-mailed link sets a new password once; a used link says so and
// offers a new one.
func TestPasswordResetJourney(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	contesttest.Account(t, h.store, access.RoleEntrant, "wang.fang@example.cn")
	c := h.client()
	login := c.get("/login")
	if !strings.Contains(login.body, `href="/password/forgot"`) || !strings.Contains(login.body, `href="/register"`) {
		t.Fatalf("the login page links to neither the reset nor registration: %s", login.body)
	}
	unknown := c.form("/password/forgot", url.Values{"login": {"nobody@example.cn"}})
	known := c.form("/password/forgot", url.Values{"login": {"Wang.Fang@example.cn"}})
	if unknown.status != http.StatusOK || known.status != http.StatusOK || !strings.Contains(known.body, "重置链接已发出") {
		t.Fatalf("forgot: %d / %d %s", unknown.status, known.status, known.body)
	}
	strip := func(s string) string { return strings.ReplaceAll(s, "nobody@example.cn", "Wang.Fang@example.cn") }
	if strip(unknown.body) != strip(known.body) {
		t.Error("the answer tells an unknown address from a known one")
	}
	var link string
	if err := h.store.DB.Get(&link, `SELECT data->>'Link' FROM outbox WHERE kind = 'account.reset'`); err != nil {
		t.Fatalf("no reset e-mail recorded: %v", err)
	}
	page := c.get(link)
	if page.status != http.StatusOK || !strings.Contains(page.body, `name="password_again"`) {
		t.Fatalf("reset page: %d %s", page.status, page.body)
	}
	if r := c.form(link, url.Values{"password": {"new-password-1"}, "password_again": {"new-password-2"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "两次输入的密码不一致") {
		t.Fatalf("mismatched passwords: %d %s", r.status, r.body)
	}
	if r := c.form(link, url.Values{"password": {"new-password-1"}, "password_again": {"new-password-1"}}); r.status != http.StatusSeeOther ||
		r.header.Get("Location") != "/login?reset=1" {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if done := c.get("/login?reset=1"); !strings.Contains(done.body, "密码已重置") {
		t.Error("the login page does not say the password was reset")
	}
	if r := c.form("/login", url.Values{"login": {"wang.fang@example.cn"}, "password": {"new-password-1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("signing in with the new password: %d %s", r.status, r.body)
	}
	used := c.get(link + "?lang=en")
	if used.status != http.StatusConflict || !strings.Contains(used.body, "already used") || !strings.Contains(used.body, `href="/password/forgot"`) {
		t.Fatalf("a used link: %d %s", used.status, used.body)
	}
}
