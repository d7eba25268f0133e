package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
)

// Outgoing is a rendered message, ready for a transport.
type Outgoing struct {
	MessageID string // without angle brackets; the transport adds its domain
	To        string
	Name      string
	Subject   string
	Body      string
}

// Transport delivers rendered messages of one channel. Send returns nil once
// the other side accepted the message; an error wrapping ErrPermanent when it
// never will (a refused address), so the sender stops trying.
type Transport interface {
	Send(ctx context.Context, m Outgoing) error
	// Name says how messages went, for the organizer's list: "smtp", "log".
	Name() string
}

// ErrPermanent marks a failure that retrying cannot mend.
var ErrPermanent = errors.New("permanent failure")

// Sender delivers the outbox: due messages are claimed (SKIP LOCKED, so
// several instances share the work, and a lease, so a message claimed by an
// instance that died is taken up again when the lease ends), sent, and
// recorded as sent, or retried later with backoff, or given up as failed.
type Sender struct {
	DB    *sqlx.DB
	Email Transport
	SMS   Transport
	// BaseURL is put before links ("https://contest.example.cn").
	BaseURL string
	Log     *slog.Logger
	// MaxAttempts before a message is given up (default 8); Backoff is the
	// wait after a failed attempt (default: 30 s doubling, at most 1 h);
	// Lease is how long a claimed message stays with one sender (default 2 min;
	// longer than a send may take); Poll how often the outbox is looked at
	// when it was empty (default 2 s).
	MaxAttempts int
	Backoff     func(attempt int) time.Duration
	Lease       time.Duration
	Poll        time.Duration
	// Batch is how many messages one round claims (default 20).
	Batch int
}

func (s *Sender) defaults() {
	if s.MaxAttempts <= 0 {
		s.MaxAttempts = 8
	}
	if s.Backoff == nil {
		s.Backoff = func(attempt int) time.Duration {
			d := 30 * time.Second << min(attempt-1, 7)
			return min(d, time.Hour)
		}
	}
	if s.Lease <= 0 {
		s.Lease = 2 * time.Minute
	}
	if s.Poll <= 0 {
		s.Poll = 2 * time.Second
	}
	if s.Batch <= 0 {
		s.Batch = 20
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
}

// Run delivers until ctx ends. A failing database is logged and retried.
func (s *Sender) Run(ctx context.Context) {
	s.defaults()
	for {
		n, err := s.SendDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.Log.Warn("outbox: delivering failed; trying again", "err", err)
		}
		if n > 0 && err == nil {
			continue // there may be more
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.Poll):
		}
	}
}

type claimed struct {
	ID            int64   `db:"id"`
	Channel       Channel `db:"channel"`
	Recipient     string  `db:"recipient"`
	RecipientName string  `db:"recipient_name"`
	Locale        string  `db:"locale"`
	Kind          Kind    `db:"kind"`
	Data          []byte  `db:"data"`
	MessageID     string  `db:"message_id"`
	Attempts      int     `db:"attempts"`
}

// SendDue claims the messages due now, sends them and records each outcome.
// It returns how many it claimed.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	s.defaults()
	var batch []claimed
	// The claim counts the attempt and moves the next one past the lease, in
	// one statement: a sender that dies mid-send leaves the message to be
	// claimed again after the lease, with the same Message-ID.
	err := s.DB.SelectContext(ctx, &batch, `
		UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
		FROM (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= now()
		      ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED) due
		WHERE o.id = due.id
		RETURNING o.id, o.channel, o.recipient, o.recipient_name, o.locale, o.kind, o.data, o.message_id, o.attempts`,
		s.Batch, s.Lease.Milliseconds())
	if err != nil {
		return 0, err
	}
	for _, m := range batch {
		if ctx.Err() != nil {
			return len(batch), ctx.Err() // the rest wait for their lease to end
		}
		s.deliver(ctx, m)
	}
	return len(batch), nil
}

// deliver sends one claimed message and records what happened.
func (s *Sender) deliver(ctx context.Context, m claimed) {
	t := s.Email
	if m.Channel == SMS {
		t = s.SMS
	}
	var data map[string]any
	err := json.Unmarshal(m.Data, &data)
	var out Outgoing
	if err == nil {
		out = Outgoing{MessageID: m.MessageID, To: m.Recipient, Name: m.RecipientName}
		out.Subject, out.Body, err = render(m.Kind, m.Locale, m.RecipientName, data, s.BaseURL)
		if err != nil {
			err = fmt.Errorf("%w: %v", ErrPermanent, err)
		}
	}
	if err == nil && t == nil {
		err = fmt.Errorf("%w: no transport for %s", ErrPermanent, m.Channel)
	}
	if err == nil {
		err = t.Send(ctx, out)
	}
	if err == nil {
		// A link that logs someone in is a secret: once it is sent, the outbox forgets it.
		s.record(m, `UPDATE outbox SET state = 'sent', sent_at = now(), via = $2, last_error = '',
			data = CASE WHEN kind IN ('judge.invited', 'account.reset') THEN data - 'Link' ELSE data END WHERE id = $1`, m.ID, t.Name())
		return
	}
	if ctx.Err() != nil {
		return // stopped mid-send: the lease brings it back, with its Message-ID
	}
	if errors.Is(err, ErrPermanent) || m.Attempts >= s.MaxAttempts {
		s.Log.Warn("outbox: message failed", "id", m.ID, "kind", m.Kind, "attempts", m.Attempts, "err", err)
		s.record(m, `UPDATE outbox SET state = 'failed', last_error = $2 WHERE id = $1`, m.ID, truncate(err.Error()))
		return
	}
	wait := s.Backoff(m.Attempts)
	s.Log.Info("outbox: send failed; retrying", "id", m.ID, "attempt", m.Attempts, "in", wait, "err", err)
	s.record(m, `UPDATE outbox SET next_attempt_at = now() + $2 * interval '1 millisecond', last_error = $3 WHERE id = $1`,
		m.ID, wait.Milliseconds(), truncate(err.Error()))
}

// record writes an outcome. It does not use the run's context: a message the
// server accepted is recorded as sent even while the sender stops.
func (s *Sender) record(m claimed, query string, args ...any) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.DB.ExecContext(ctx, query, args...); err != nil {
		s.Log.Error("outbox: recording an outcome failed (the message may be sent again, with the same Message-ID)",
			"id", m.ID, "err", err)
	}
}

func truncate(s string) string {
	if len(s) > 500 {
		return s[:500]
	}
	return s
}
