package web_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/web"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	h := newHarness(t, func(cfg *web.Config) { cfg.Log = slog.New(slog.NewTextHandler(&logs, nil)) })
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c := h.loggedIn(org)
	h.store.DB.Close() // PostgreSQL "goes away"

	res := c.get("/api/v1/contests")
	d := res.errorBody(t)
	if res.status != http.StatusInternalServerError || d.Code != "internal" || d.Message != "服务器内部错误，已记录，请稍后重试。" {
		t.Errorf("internal error response: %d %+v", res.status, d)
	}
	if strings.Contains(res.body, "sql") || strings.Contains(res.body, "closed") {
		t.Errorf("internal detail leaked to the client: %s", res.body)
	}
	if !strings.Contains(logs.String(), "sql: database is closed") {
		t.Errorf("the cause was not logged: %q", logs.String())
	}
	page := c.get("/organizer")
	if page.status != http.StatusInternalServerError || strings.Contains(page.body, "sql") || !strings.Contains(page.body, "服务器内部错误") {
		t.Errorf("internal error page: %d %.300s", page.status, page.body)
	}
}

func TestRedisDownNotReadyButLoginStillWorks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(cfg *web.Config) {
		cfg.Redis = redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	})
	contesttest.Account(t, h.store, access.RoleJudge, "judge@example.com")
	c := h.client()
	res := c.get("/readyz")
	if res.status != http.StatusServiceUnavailable || !strings.Contains(res.body, `"redis":"unreachable"`) || !strings.Contains(res.body, `"postgres":"ok"`) {
		t.Errorf("/readyz with Redis down: %d %s", res.status, res.body)
	}
	if res := c.get("/healthz"); res.status != http.StatusOK {
		t.Errorf("/healthz with Redis down: %d", res.status)
	}
	// PostgreSQL is the source of truth: losing Redis (and with it the login limiter)
	// must not lock judges out.
	res = c.api(http.MethodPost, "/api/v1/session", map[string]string{"login": "judge@example.com", "password": contesttest.Password})
	if res.status != http.StatusOK {
		t.Errorf("login with Redis down: %d %s", res.status, res.body)
	}
}
