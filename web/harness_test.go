package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/go-redis/redis_rate/v10"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/objections"
	"podium/files/blob"
	"podium/files/pdftext"
	"podium/sealed"
	"podium/web"
)

// harness is a real Podium web server on a throwaway database and Redis prefix.
type harness struct {
	t      *testing.T
	store  *contesttest.Stores
	clock  *contesttest.Clock
	server *web.Server
	http   *httptest.Server
	blobs  blob.Store
	obj    *objections.Service // objections, on the same store and blobs
	// blobDir and stagingDir are where finished and partial uploads live.
	blobDir, stagingDir string
}

func newHarness(t *testing.T, tweak ...func(*web.Config)) *harness {
	t.Helper()
	store, clock := contesttest.NewStore(t)
	rdb, prefix := contesttest.NewRedis(t)
	blobDir, stagingDir := t.TempDir(), t.TempDir()
	blobs, err := blob.NewLocal(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	store.FindIdentity = pdftext.FindIdentity
	store.Blobs = blobs
	box, err := sealed.New(sealed.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	obj := objections.New(store.DB, blobs, box)
	cfg := web.Config{
		DB: store.DB, Contests: store.Contests, Accounts: store.Accounts, Entries: store.Entries, Judging: store.Judging,
		Results: store.Results, Audit: store.Audit, Live: store.Live, Objections: obj, Redis: rdb, RedisPrefix: prefix, Blobs: blobs, StagingDir: stagingDir,
		Log:             slog.New(slog.NewTextHandler(io.Discard, nil)),
		LoginPerAccount: redis_rate.PerMinute(1000), LoginPerIP: redis_rate.PerMinute(1000),
	}
	for _, f := range tweak {
		f(&cfg)
	}
	srv, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, store: store, clock: clock, server: srv, http: httptest.NewServer(srv.Handler()), blobs: blobs, obj: obj,
		blobDir: blobDir, stagingDir: stagingDir}
	t.Cleanup(h.http.Close)
	return h
}

// client is a browser-like client: it keeps cookies and does not follow redirects.
type client struct {
	h    *harness
	http *http.Client
	csrf string
}

func (h *harness) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{h: h, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// loggedIn returns a client with a fresh session for account (no login round trip).
func (h *harness) loggedIn(a access.Account) *client {
	h.t.Helper()
	token, sess, err := h.store.CreateSession(context.Background(), a.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	c := h.client()
	u, _ := url.Parse(h.http.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "podium_session", Value: token, Path: "/"}})
	c.csrf = sess.CSRFToken
	return c
}

type response struct {
	status int
	header http.Header
	body   string
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

// errorBody decodes the documented error shape.
func (r response) errorBody(t *testing.T) web.ErrorDetail {
	t.Helper()
	var b web.ErrorBody
	r.json(t, &b)
	if b.Error.Code == "" || b.Error.Message == "" {
		t.Fatalf("not an error body: %s", r.body)
	}
	return b.Error
}

func (c *client) do(method, path, contentType string, body io.Reader, header ...string) response {
	c.h.t.Helper()
	req, err := http.NewRequest(method, c.h.http.URL+path, body)
	if err != nil {
		c.h.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (c *client) get(path string, header ...string) response {
	return c.do(http.MethodGet, path, "", nil, header...)
}

// api sends JSON with the client's CSRF token, as Podium's own scripts do.
func (c *client) api(method, path string, v any) response {
	var body io.Reader
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			c.h.t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	return c.do(method, path, "application/json", body, "X-CSRF-Token", c.csrf)
}

// form posts a form with the CSRF token a page would embed.
func (c *client) form(path string, values url.Values) response {
	c.h.t.Helper()
	if c.csrf == "" { // anonymous: take the token from a page, as a browser would
		c.csrf = c.pageCSRF("/login")
	}
	if values == nil {
		values = url.Values{}
	}
	values.Set("csrf_token", c.csrf)
	return c.do(http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(values.Encode()))
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (c *client) pageCSRF(path string) string {
	c.h.t.Helper()
	r := c.get(path)
	m := csrfInput.FindStringSubmatch(r.body)
	if m == nil {
		c.h.t.Fatalf("no CSRF token on %s: %d %s", path, r.status, r.body)
	}
	return m[1]
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
