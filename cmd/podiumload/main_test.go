package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"podium/contest/contesttest"
)

// TestSubmitSmall runs the submit scenario at a tiny size: both phases, the
// verification and the report, on the test servers.
func TestSubmitSmall(t *testing.T) {
	env := map[string]string{"DATABASE_URL": contesttest.DatabaseURL(), "REDIS_URL": contesttest.RedisURL()}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"submit", "--clients", "4", "--sheets", "40", "--warmup", "8"},
		&stdout, &stderr, func(k string) string { return env[k] })
	out := stdout.String()
	if code != 0 || !strings.Contains(out, "DIRECT") || !strings.Contains(out, "HTTP") ||
		!strings.Contains(out, "verified: 96 sheets submitted once each") || !strings.Contains(out, "HTTP/DIRECT rate ratio") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr.String())
	}
	if code := run(context.Background(), []string{"submit", "--clients", "0"}, &stdout, &stderr, func(string) string { return "" }); code != 2 {
		t.Errorf("--clients 0: exit %d, want 2", code)
	}
	// Paced clients: reported as such, never as the targets' verdict.
	stdout.Reset()
	code = run(context.Background(), []string{"submit", "--clients", "4", "--sheets", "16", "--warmup", "4", "--think", "5ms"},
		&stdout, &stderr, func(k string) string { return env[k] })
	if out := stdout.String(); code != 0 || !strings.Contains(out, "clients paused 5ms between sheets") || strings.Contains(out, "target ≥") {
		t.Errorf("--think: exit %d\n%s\n%s", code, out, stderr.String())
	}
}

// TestLiveSmall runs the live scenario at a tiny size, the swarm in-process:
// both phases, two instances, stuck spectators and the reconnect storm.
func TestLiveSmall(t *testing.T) {
	env := map[string]string{"REDIS_URL": contesttest.RedisURL()}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"live", "--inproc", "--spectators", "40", "--stuck", "0.05", "--events", "8",
		"--interval", "120ms", "--instances", "2", "--reconnect", "--storm", "500ms"}, &stdout, &stderr, func(k string) string { return env[k] })
	out := stdout.String()
	for _, want := range []string{"baseline", "podium", "       304       304     true", "reconnect storm (podium): 38 of 38 reached v8", "podium/baseline: p99"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if code != 0 || t.Failed() {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr.String())
	}
}
