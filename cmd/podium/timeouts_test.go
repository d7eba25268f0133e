//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
)

// rawRequest opens a TCP connection to the server and writes head (a request
// line and headers, "\r\n"-separated, without the final blank line when
// unfinished) as is.
func rawRequest(t *testing.T, base, head string) net.Conn {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	return conn
}

// untilClosed reads what the server sends until it closes the connection and
// returns that and how long it took; it fails the test if the connection is
// still open after limit (the client gives up first).
func untilClosed(t *testing.T, conn net.Conn, limit time.Duration) (string, time.Duration) {
	t.Helper()
	start := time.Now()
	_ = conn.SetReadDeadline(start.Add(limit))
	var got bytes.Buffer
	_, err := io.Copy(&got, conn)
	elapsed := time.Since(start)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the server still held the connection after %v (sent %.200q)", limit, got.String())
	}
	return got.String(), elapsed
}

// The server cuts off a client that declares a body and never sends it, one
// that never finishes its headers, an upload that stops, and an idle
// connection — each within its configured timeout — refuses a declared body
// over the limit at once, and lets a slow body that keeps moving through.
func TestServerCutsOffStalledClients(t *testing.T) {
	cfg := testConfig(t)
	cfg.ReadHeaderTimeout, cfg.ReadTimeout, cfg.WriteTimeout, cfg.IdleTimeout = 400*time.Millisecond, 400*time.Millisecond, time.Second, 400*time.Millisecond
	var logs logBuffer
	m := startMain(t, cfg, &logs)
	ctx := context.Background()
	// Each stalled client must be cut off within its timeout; the bound allows
	// for a loaded machine, far below "held forever".
	limit := cfg.ReadTimeout + time.Second

	t.Run("2 GB declared", func(t *testing.T) {
		conn := rawRequest(t, m.URL(), "POST /api/v1/session HTTP/1.1\r\nHost: podium\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n")
		got, elapsed := untilClosed(t, conn, limit)
		res, err := http.ReadResponse(bufio.NewReader(strings.NewReader(got)), nil)
		if err != nil {
			t.Fatalf("no response: %v (%q)", err, got)
		}
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), `"code":"too_large"`) || elapsed > time.Second {
			t.Errorf("2 GB declared: %d after %v: %s", res.StatusCode, elapsed, body)
		}
	})

	t.Run("body never sent", func(t *testing.T) {
		conn := rawRequest(t, m.URL(), "POST /api/v1/session HTTP/1.1\r\nHost: podium\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{")
		got, elapsed := untilClosed(t, conn, limit)
		if strings.HasPrefix(got, "HTTP/1.1 2") {
			t.Errorf("a request without its body succeeded: %.200q", got)
		}
		t.Logf("closed after %v", elapsed)
	})

	t.Run("headers never finished", func(t *testing.T) {
		conn := rawRequest(t, m.URL(), "GET /login HTTP/1.1\r\nHost: podium\r\n")
		_, elapsed := untilClosed(t, conn, limit)
		t.Logf("closed after %v", elapsed)
	})

	t.Run("idle connection", func(t *testing.T) {
		conn := rawRequest(t, m.URL(), "GET /healthz HTTP/1.1\r\nHost: podium\r\n\r\n")
		got, _ := untilClosed(t, conn, limit)
		if !strings.HasPrefix(got, "HTTP/1.1 200") {
			t.Errorf("healthz: %.200q", got)
		}
	})

	t.Run("upload stops", func(t *testing.T) {
		org := contesttest.Account(t, storesOf(m), access.RoleOrganizer, "org@example.com")
		c, err := storesOf(m).CreateContest(ctx, org.ID, contesttest.Setup("timeouts"))
		if err != nil {
			t.Fatal(err)
		}
		entrant := contesttest.Account(t, storesOf(m), access.RoleEntrant, "entrant@example.com")
		if _, err := storesOf(m).SaveOrganization(ctx, entrant.ID, entry.OrganizationInput{Kind: entry.OrgEnterprise,
			Name: "星河智能科技有限公司", USCC: "91440300708461136T", ContactName: "张伟", ContactPhone: "13800138000"}); err != nil {
			t.Fatal(err)
		}
		ent, err := storesOf(m).CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: "materials", Group: "enterprise", Title: "散热膜"})
		if err != nil {
			t.Fatal(err)
		}
		token, sess, err := storesOf(m).CreateSession(ctx, entrant.ID)
		if err != nil {
			t.Fatal(err)
		}
		auth := fmt.Sprintf("Cookie: podium_session=%s\r\nX-CSRF-Token: %s\r\nTus-Resumable: 1.0.0\r\n", token, sess.CSRFToken)
		b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
		conn := rawRequest(t, m.URL(), "POST /api/v1/uploads HTTP/1.1\r\nHost: podium\r\n"+auth+"Content-Length: 0\r\nUpload-Length: 100000\r\n"+
			fmt.Sprintf("Upload-Metadata: entry %s,kind %s,filename %s\r\n\r\n", b64(fmt.Sprint(ent.ID)), b64("business_plan"), b64("plan.pdf")))
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil || res.StatusCode != http.StatusCreated {
			t.Fatalf("create upload: %v %v", res, err)
		}
		loc, _ := url.Parse(res.Header.Get("Location"))
		conn = rawRequest(t, m.URL(), "PATCH "+loc.Path+" HTTP/1.1\r\nHost: podium\r\n"+auth+
			"Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: 100000\r\n\r\n%PDF-")
		_, elapsed := untilClosed(t, conn, limit)
		t.Logf("closed after %v", elapsed)
	})

	t.Run("slow body that keeps moving", func(t *testing.T) {
		body := `{"login":"nobody@example.com","password":"not the password, sent slowly"}`
		conn := rawRequest(t, m.URL(), fmt.Sprintf("POST /api/v1/session HTTP/1.1\r\nHost: podium\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", len(body)))
		start := time.Now()
		for i := 0; i < len(body); i += len(body)/6 + 1 { // 7 pieces, 150 ms apart: about 1 s, over twice the read timeout
			time.Sleep(150 * time.Millisecond)
			if _, err := io.WriteString(conn, body[i:min(i+len(body)/6+1, len(body))]); err != nil {
				t.Fatalf("the server cut off a body that kept moving after %v: %v", time.Since(start), err)
			}
		}
		got, _ := untilClosed(t, conn, 3*time.Second)
		if !strings.HasPrefix(got, "HTTP/1.1 401") || time.Since(start) < 2*cfg.ReadTimeout {
			t.Errorf("slow body answered %.200q after %v", got, time.Since(start))
		}
	})
}

func TestDurationSettings(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PODIUM_READ_TIMEOUT": "soon"}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve"}, nil, &stdout, &stderr, func(k string) string { return env[k] })
	if code != 1 || !strings.Contains(stderr.String(), "PODIUM_READ_TIMEOUT must be a positive duration") {
		t.Errorf("bad duration: exit %d, %q", code, stderr.String())
	}
	var c Config
	c.setDefaults()
	if c.ReadHeaderTimeout != 10*time.Second || c.ReadTimeout != time.Minute || c.WriteTimeout != 2*time.Minute ||
		c.IdleTimeout != 2*time.Minute || c.RedisTimeout != 300*time.Millisecond {
		t.Errorf("defaults %+v", c)
	}
}
