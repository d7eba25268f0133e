//go:build linux

package main

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"podium/contest/access"
	"podium/contest/contesttest"
)

// redisProcess is a redis-server of the test's own, on its own port, so that
// it can be stopped, frozen and started again.
type redisProcess struct {
	t    *testing.T
	addr string
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

func startRedis(t *testing.T) *redisProcess {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("this test needs redis-server: %v", err)
	}
	r := &redisProcess{t: t, addr: freeAddr(t), dir: t.TempDir()}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *redisProcess) start() {
	r.t.Helper()
	port := r.addr[strings.LastIndex(r.addr, ":")+1:]
	cmd := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--dir", r.dir, "--logfile", "")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	r.cmd, r.done = cmd, done
	client := redis.NewClient(&redis.Options{Addr: r.addr, MaxRetries: -1})
	defer client.Close()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if client.Ping(context.Background()).Err() == nil {
			return
		}
	}
	r.t.Fatalf("redis-server on %s did not start", r.addr)
}

// stop ends the server (its port then refuses connections).
func (r *redisProcess) stop() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGCONT) // a frozen server must be able to exit
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.done
	}
	r.cmd = nil
}

// freeze stops the process without closing its port: connections are accepted
// by the kernel and never answered.
func (r *redisProcess) freeze() { _ = r.cmd.Process.Signal(syscall.SIGSTOP) }
func (r *redisProcess) thaw()   { _ = r.cmd.Process.Signal(syscall.SIGCONT) }

// When Redis is down or frozen, logins still answer (the limiter fails open),
// within 1 s with Redis timeouts of 300 ms, and the log has one line when each
// outage starts and one when it ends, not a line per attempt.
func TestLoginsWithRedisDownOrFrozen(t *testing.T) {
	rs := startRedis(t)
	cfg := testConfig(t)
	cfg.RedisURL = "redis://" + rs.addr + "/0"
	cfg.RedisTimeout = 300 * time.Millisecond
	var logs logBuffer
	m := startMain(t, cfg, &logs)
	accounts := 0
	// login logs a new judge in (a fresh account each time: the per-account
	// limit counts while Redis is up) and returns how long it took.
	login := func(phase string) time.Duration {
		t.Helper()
		accounts++
		email := fmt.Sprintf("judge%d@example.com", accounts)
		contesttest.Account(t, storesOf(m), access.RoleJudge, email)
		start := time.Now()
		r := newVisitor(t, m.URL()).login(email)
		took := time.Since(start)
		if r.status != http.StatusOK {
			t.Errorf("%s: login %d %s", phase, r.status, r.body)
		}
		// The bound is the promise (1 s) plus room for a loaded test machine;
		// go-redis's default timeouts (3 s) would break it.
		if took > 1500*time.Millisecond {
			t.Errorf("%s: login took %v", phase, took)
		}
		return took
	}
	lines := func(msg string) int { return strings.Count(logs.String(), `msg="`+msg+`"`) }
	expect := func(phase string, down, up int) {
		t.Helper()
		if got := lines("redis unavailable"); got != down {
			t.Errorf("%s: %d \"redis unavailable\" lines, want %d:\n%s", phase, got, down, logs.String())
		}
		if got := lines("redis available again"); got != up {
			t.Errorf("%s: %d \"redis available again\" lines, want %d:\n%s", phase, got, up, logs.String())
		}
	}

	login("Redis up")
	expect("Redis up", 0, 0)

	rs.stop()
	for range 5 {
		t.Logf("Redis stopped: login in %v", login("Redis stopped"))
	}
	expect("Redis stopped", 1, 0)

	rs.start()
	waitReady(t, m.URL()) // go-redis dials again in the background; /readyz pings
	login("Redis back")
	expect("Redis back", 1, 1)

	rs.freeze()
	for range 5 {
		t.Logf("Redis frozen: login in %v", login("Redis frozen"))
	}
	expect("Redis frozen", 2, 1)

	rs.thaw()
	waitReady(t, m.URL())
	login("Redis thawed")
	expect("Redis thawed", 2, 2)
	// The live boards' broker reports each outage once too, in lines of its own.
	var n int
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if !strings.Contains(line, `msg="live: `) && strings.Contains(line, "redis") { // not the start's other notices
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d log lines, want the 4 of the two outages:\n%s", n, logs.String())
	}
}

// waitReady waits until /readyz reports PostgreSQL and Redis ready.
func waitReady(t *testing.T, base string) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if res, err := client.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatal("not ready within 15 s")
}
