package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// demoFlushWait bounds how long `podium demo` waits for the first delivery
// of the outbox before it prints the logins anyway.
const demoFlushWait = 30 * time.Second

// startDemo seeds the demo (after removing it, with reset) and has the
// logins printed last: the server's first outbox delivery writes every
// notification the seeding queued to the log (hundreds on a fresh demo), so
// the block of logins and URLs waits until the outbox is delivered (or
// demoFlushWait has passed), and whatever the live director prints after it
// follows. live also plays demo-2026's final.
func startDemo(ctx context.Context, m *Main, stdout io.Writer, reset, live bool) error {
	if reset {
		n, err := resetDemo(ctx, m.Domain)
		if err != nil {
			return fmt.Errorf("reset the demo: %w", err)
		}
		fmt.Fprintf(stdout, "Removed %d demo contests.\n", n)
	}
	fmt.Fprintln(stdout, "Seeding the demo… (its logins are printed once the notifications it queued are written to the log)")
	logins, err := seedDemoFor(ctx, m.Domain, m.URL(), live)
	if err != nil {
		return fmt.Errorf("seed demo contest: %w", err)
	}
	out := &heldWriter{w: stdout}
	fmt.Fprintf(out, "\nPodium demo is running at %s\n\n%s\n", m.URL(), logins)
	if live {
		if err := startLiveDemo(ctx, m, out, demoPace); err != nil {
			return fmt.Errorf("live demo: %w", err)
		}
	}
	fmt.Fprintln(out, "Press Ctrl+C to stop.")
	m.Go(func(ctx context.Context) {
		waitOutboxDelivered(ctx, m, demoFlushWait)
		out.release()
	})
	return nil
}

// waitOutboxDelivered returns once no message of the outbox is due or being
// sent (or at most wait later, or when ctx ends). A message a sender has
// claimed is pending with its next attempt pushed to the lease's end: it
// counts until it is recorded, unless an attempt already failed (then it
// waits for a retry the logins need not wait for).
func waitOutboxDelivered(ctx context.Context, m *Main, wait time.Duration) {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		var due int
		err := m.DB.GetContext(ctx, &due, `SELECT count(*) FROM outbox WHERE state = 'pending' AND (next_attempt_at <= now() OR last_error = '')`)
		if err != nil || due == 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// heldWriter keeps what is written until release, then writes it to w and
// passes everything after straight through.
type heldWriter struct {
	mu   sync.Mutex
	w    io.Writer
	held bytes.Buffer
	open bool
}

func (h *heldWriter) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.open {
		return h.w.Write(p)
	}
	return h.held.Write(p)
}

func (h *heldWriter) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.open {
		h.open = true
		_, _ = h.w.Write(h.held.Bytes()) // stdout: nothing to do about a failed write
	}
}
