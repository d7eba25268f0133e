package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TestDemoStartPrintsLoginsLast: `podium demo` on a fresh database prints
// the logins after the server's first outbox delivery has written the
// notifications the seeding queued to the log, so that they are the last
// thing on the screen; the text printed says what the mode does (`--live`
// plays the final now rather than tell the user to run `--live`).
func TestDemoStartPrintsLoginsLast(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var screen syncBuffer // the terminal: the log and the standard output
	m := &Main{Config: testConfig(t), Log: slog.New(slog.NewTextHandler(&screen, nil))}
	t.Cleanup(func() { m.Close() })
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	storesOf(m).PasswordCost = bcrypt.MinCost
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	if err := startDemo(ctx, m, &screen, false, false); err != nil {
		t.Fatal(err)
	}
	if s := screen.String(); strings.Contains(s, "Organizer:") {
		t.Fatalf("the logins were printed before the server delivered its outbox:\n%s", s)
	}
	served := make(chan error, 1)
	go func() { served <- m.Serve(ctx) }()
	deadline := time.Now().Add(demoFlushWait + 30*time.Second)
	for !strings.Contains(screen.String(), "Press Ctrl+C to stop.") {
		if time.Now().After(deadline) {
			t.Fatalf("no logins printed:\n%s", screen.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	s := screen.String()
	logins := strings.Index(s, "Podium demo is running at")
	last := strings.LastIndex(s[:logins], "notification (not sent")
	if last < 0 || strings.Contains(s[logins:], "notification (not sent") || !strings.Contains(s[logins:], "Organizer:") {
		t.Errorf("the logins are not printed after the notifications (last notification at %d, logins at %d):\n%s", last, logins, s[logins:])
	}
	t.Logf("%d lines before the logins; the logins:\n%s", strings.Count(s[:logins], "\n"), s[logins:])

	text, err := seedDemoFor(ctx, m.Domain, m.URL(), false)
	if err != nil || !strings.Contains(text, "`podium demo --live` completes the semifinal and plays the final") {
		t.Errorf("podium demo's logins: %v\n%s", err, text)
	}
	live, err := seedDemoFor(ctx, m.Domain, m.URL(), true)
	if err != nil || strings.Contains(live, "`podium demo --live` completes") || !strings.Contains(live, "being played now") ||
		!strings.Contains(live, "submitted now as `--live` completes the semifinal") {
		t.Errorf("podium demo --live's logins: %v\n%s", err, live)
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}
