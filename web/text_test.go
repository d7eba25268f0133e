package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/judging"
)

// badTexts are what PostgreSQL cannot store: a NUL byte and a byte that is not UTF-8.
var badTexts = map[string]string{"NUL": "a\x00b", "invalid UTF-8": "a\xffb"}

// TestBadTextIsRefusedOnEveryRoute walks every route of the route table as an
// anonymous visitor, an entrant, a judge and the contest's organizer, with a
// NUL byte and with invalid UTF-8 in a query parameter, in each path parameter,
// in a form field (pages) and in a JSON string (the API). None may answer 500;
// the edge refuses bad text in the path, query and forms with 422 in the usual
// shape (JSON for the API, a page in the user's language for browsers), and a
// JSON string wherever the handler reads the body.
func TestBadTextIsRefusedOnEveryRoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "entrant@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("text"))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := h.store.CreateInvite(ctx, org.ID, c.ID, access.NewJudge{DisplayName: "评委", Email: "judge@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	judge, err := h.store.Account(ctx, inv.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	expert, err := h.store.SaveExpert(ctx, org.ID, judging.ExpertInput{Name: "文本专家", Organization: "测试大学"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	callers := []struct {
		name string
		acct *access.Account
	}{{"anonymous", nil}, {"entrant", &entrant}, {"judge", &judge}, {"organizer", &org}}
	param := regexp.MustCompile(`:[a-z_]+`)

	for _, r := range h.server.Routes() {
		entryID, uploadID := submittedEntryWithFile(t, h, entrant, c.ID)
		values := map[string]string{":contest": fmt.Sprint(c.ID), ":token": "not-a-real-token", ":id": "no-such-upload",
			":round": "prelim", ":expert": fmt.Sprint(expert.ID), ":run": "999999", ":assignment": "999999",
			":reminder": "999999", ":room": "999999", ":slot": "999999", ":reference": "YY00000000000000", ":objection": "999999", ":nomination": "999999", ":file": "999999", ":what": "entries", ":number": "2026-prelim-v1-AAAAAAAAAAAAAAAA", ":entry": fmt.Sprint(entryID), ":upload": uploadID,
			":request": "999999", ":investor": "999999"}
		pathWith := func(bad, value string) string { // the route's path, with param bad set to value (escaped)
			return param.ReplaceAllStringFunc(r.Path, func(p string) string {
				if p == bad {
					return url.PathEscape(value)
				}
				v, ok := values[p]
				if !ok {
					t.Fatalf("route %s: no value for %s", r.Path, p)
				}
				return v
			})
		}
		api := strings.HasPrefix(r.Path, "/api/")
		for _, caller := range callers {
			for what, bad := range badTexts {
				send := func(how string, method, path, contentType, body string, wantRefused bool) {
					t.Helper()
					cl := h.client()
					if caller.acct != nil {
						cl = h.loggedIn(*caller.acct) // a fresh session each time: some routes log out
					} else if method != http.MethodGet && method != http.MethodHead {
						cl.csrf = cl.pageCSRF("/login")
					}
					header := []string{"X-CSRF-Token", cl.csrf, "Accept-Language", "en"}
					res := cl.do(method, path, contentType, strings.NewReader(body), header...)
					waitForRuns(t, h)
					key := fmt.Sprintf("%s %s as %s, %s in %s", r.Method, r.Path, caller.name, what, how)
					if res.status >= 500 {
						t.Errorf("%s: %d %.200s", key, res.status, res.body)
						return
					}
					if !wantRefused {
						return
					}
					if res.status != http.StatusUnprocessableEntity {
						t.Errorf("%s: %d, want 422 (%.200s)", key, res.status, res.body)
						return
					}
					switch {
					case method == http.MethodHead:
					case api:
						if d := res.errorBody(t); d.Code != "invalid" || len(d.Fields) != 1 {
							t.Errorf("%s: error %+v", key, d)
						}
					case !strings.Contains(res.body, "<html") || !strings.Contains(res.body, "may not contain NUL bytes or invalid UTF-8"):
						t.Errorf("%s: not a readable page: %.300s", key, res.body)
					}
				}
				var body, contentType string
				if r.Method != http.MethodGet && r.Method != http.MethodHead {
					if api {
						body, contentType = "{}", "application/json"
					} else {
						body, contentType = url.Values{"csrf_token": {""}}.Encode(), "application/x-www-form-urlencoded"
					}
				}
				withCSRF := func(form url.Values) string { return form.Encode() } // the token travels in the header

				// A query parameter.
				send("a query parameter", r.Method, pathWith("", "")+"?q="+url.QueryEscape(bad), contentType, body, true)
				// Each path parameter.
				for _, p := range param.FindAllString(r.Path, -1) {
					send("path parameter "+p, r.Method, pathWith(p, bad), contentType, body, true)
				}
				if r.Method == http.MethodGet || r.Method == http.MethodHead {
					continue
				}
				if api {
					// A JSON string, in a member the handler may read and in a nested one;
					// the handler decides whether the body matters, so only 5xx is wrong.
					for _, doc := range []string{`{"name":"` + bad + `"}`, `{"name":"a\u0000b"}`, `{"marks":{"q":1},"comments":{"q":"` + bad + `"}}`} {
						send("a JSON string", r.Method, pathWith("", ""), "application/json", doc, false)
					}
				} else {
					send("a form field", r.Method, pathWith("", ""), "application/x-www-form-urlencoded",
						withCSRF(url.Values{"title": {bad}, "name": {"ok"}}), true)
				}
			}
		}
	}
}

// A JSON string holding a NUL or invalid UTF-8 is refused naming the member,
// wherever it is in the document.
func TestBadJSONTextNamesTheMember(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "entrant@example.com")
	cl := h.loggedIn(entrant)
	for _, tc := range []struct{ body, field string }{
		{`{"kind":"enterprise","name":"星河\u0000科技"}`, "name"},
		{`{"kind":"enterprise","members":[{"name":"李娜"},{"name":"王\u0000五"}]}`, "members[1].name"},
		{"{\"kind\":\"enterprise\",\"name\":\"\xff\"}", "body"},
		{`{"kind":"enterprise","na\u0000me":"x"}`, "name"},
	} {
		res := cl.do(http.MethodPut, "/api/v1/profile", "application/json", strings.NewReader(tc.body), "X-CSRF-Token", cl.csrf)
		d := res.errorBody(t)
		if res.status != http.StatusUnprocessableEntity || d.Code != "invalid" || d.Fields[tc.field] == "" {
			t.Errorf("%s: %d %+v, want field %q", tc.body, res.status, d, tc.field)
		}
	}
	// An escaped backslash before u0000 is text, not a NUL.
	res := cl.do(http.MethodPut, "/api/v1/profile", "application/json", strings.NewReader(`{"kind":"enterprise","name":"a\\u0000b"}`), "X-CSRF-Token", cl.csrf)
	if d := res.errorBody(t); d.Fields["name"] != "" {
		t.Errorf(`a literal \u0000 was taken for a NUL: %d %+v`, res.status, d)
	}
}
