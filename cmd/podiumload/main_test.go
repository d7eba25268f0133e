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
