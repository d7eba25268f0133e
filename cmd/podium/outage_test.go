//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"golang.org/x/crypto/bcrypt"

	"podium/contest/access"
	"podium/contest/contesttest"
)

// logBuffer is a log sink safe for the server's goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startMain opens and serves a Podium with cfg until the test ends, with a Redis
// key prefix of its own (login limits start afresh); its log goes to logs.
func startMain(t *testing.T, cfg Config, logs io.Writer) *Main {
	t.Helper()
	_, cfg.RedisPrefix = contesttest.NewRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	m := &Main{Config: cfg, Log: slog.New(slog.NewTextHandler(logs, nil))}
	if err := m.Open(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	storesOf(m).PasswordCost = bcrypt.MinCost // production cost is a setting, not behaviour under test
	if err := m.Listen(); err != nil {
		cancel()
		m.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		m.Close()
	})
	return m
}

// visitor is an HTTP client with its own cookies, talking to one Podium.
type visitor struct {
	t    *testing.T
	base string
	http *http.Client
}

func newVisitor(t *testing.T, base string) *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type reply struct {
	status int
	header http.Header
	body   string
}

func (v *visitor) do(method, path string, body any, header ...string) reply {
	v.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, v.base+path, r)
	if err != nil {
		v.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := v.http.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return reply{res.StatusCode, res.Header, string(b)}
}

func (v *visitor) login(login string) reply {
	return v.do(http.MethodPost, "/api/v1/session", map[string]string{"login": login, "password": contesttest.Password})
}

// errorOf decodes Podium's JSON error shape.
func errorOf(t *testing.T, r reply) (code, message string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatalf("not a JSON error (%d): %.300s", r.status, r.body)
	}
	return e.Error.Code, e.Error.Message
}

// tcpProxy forwards connections to a server until stopped; stopping it resets
// every connection and refuses new ones, as a server that goes away does.
type tcpProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target}
	p.start("127.0.0.1:0")
	t.Cleanup(p.stop)
	return p
}

func (p *tcpProxy) start(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(u, c); u.Close() }()
			go func() { _, _ = io.Copy(c, u); c.Close() }()
		}
	}()
}

func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restart listens again on the same address.
func (p *tcpProxy) restart() { p.start(p.addr) }

// checkUnavailable asserts that the API and the pages answer 503 with
// Retry-After, in the caller's language, with no internal detail.
func checkUnavailable(t *testing.T, base, sessionLogin string, anon, loggedIn *visitor) {
	t.Helper()
	r := anon.login(sessionLogin)
	if code, msg := errorOf(t, r); r.status != http.StatusServiceUnavailable || code != "unavailable" ||
		msg != "系统暂时无法连接数据库，请稍后重试。" || r.header.Get("Retry-After") == "" {
		t.Errorf("login while PostgreSQL is away: %d %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	r = loggedIn.do(http.MethodGet, "/api/v1/contests", nil, "Accept-Language", "en")
	if code, msg := errorOf(t, r); r.status != http.StatusServiceUnavailable || code != "unavailable" ||
		!strings.Contains(msg, "cannot reach its database") || r.header.Get("Retry-After") == "" {
		t.Errorf("API while PostgreSQL is away: %d %s", r.status, r.body)
	}
	r = loggedIn.do(http.MethodGet, "/organizer", nil, "Accept-Language", "en")
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" ||
		!strings.Contains(r.body, "<html") || !strings.Contains(r.body, "cannot reach its database") {
		t.Errorf("page while PostgreSQL is away: %d %.300s", r.status, r.body)
	}
	for _, leak := range []string{"dial", "refused", "pq:", "sql:", "127.0.0.1", "does not exist"} {
		if strings.Contains(r.body, leak) {
			t.Errorf("internal detail %q shown to the client", leak)
		}
	}
}

// When PostgreSQL goes away, the API answers 503 with Retry-After and pages a
// readable page in the user's language, not 500 "internal"; when it returns,
// Podium serves again without a restart. Two ways of going away, with real
// servers: the network to it breaks (a proxy that stops), and the server
// ends every session and the database disappears (terminated and renamed).
func TestDatabaseOutageIs503(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	dsn := cfg.DatabaseURL
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	viaProxy := *u
	viaProxy.Host = proxy.addr
	cfg.DatabaseURL = viaProxy.String()
	var logs logBuffer
	m := startMain(t, cfg, &logs)
	contesttest.Account(t, storesOf(m), access.RoleOrganizer, "org@example.com")
	anon, org := newVisitor(t, m.URL()), newVisitor(t, m.URL())
	if r := org.login("org@example.com"); r.status != http.StatusOK {
		t.Fatalf("login: %d %s", r.status, r.body)
	}

	t.Run("network", func(t *testing.T) {
		proxy.stop()
		checkUnavailable(t, m.URL(), "org@example.com", anon, org)
		proxy.restart()
		if r := org.do(http.MethodGet, "/api/v1/contests", nil); r.status != http.StatusOK {
			t.Errorf("after PostgreSQL came back: %d %s", r.status, r.body)
		}
	})

	t.Run("terminated and renamed", func(t *testing.T) {
		// The server's maintenance database, opened as it is: never migrated
		// (OpenDB would install Podium's schema in it).
		admin, err := sqlx.Open("postgres", contesttest.DatabaseURL())
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		name := strings.TrimPrefix(u.Path, "/")
		gone := name + "_gone"
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := admin.Exec(q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`ALTER DATABASE ` + pq.QuoteIdentifier(name) + ` ALLOW_CONNECTIONS false`)
		exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name)
		exec(`ALTER DATABASE ` + pq.QuoteIdentifier(name) + ` RENAME TO ` + pq.QuoteIdentifier(gone))
		restored := false
		restore := func() {
			if restored {
				return
			}
			restored = true
			exec(`ALTER DATABASE ` + pq.QuoteIdentifier(gone) + ` RENAME TO ` + pq.QuoteIdentifier(name))
			exec(`ALTER DATABASE ` + pq.QuoteIdentifier(name) + ` ALLOW_CONNECTIONS true`)
		}
		defer restore() // before the test's database is dropped, even on failure

		checkUnavailable(t, m.URL(), "org@example.com", anon, org)
		restore()
		if r := org.do(http.MethodGet, "/api/v1/contests", nil); r.status != http.StatusOK {
			t.Errorf("after the database came back: %d %s", r.status, r.body)
		}
	})
	if !strings.Contains(logs.String(), "database unavailable") {
		t.Errorf("the outage was not logged: %.500s", logs.String())
	}
}
