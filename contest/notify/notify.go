// Package notify tells people what happened: e-mail (and SMS) from a
// transactional outbox. A room records a message with Enqueue in the same
// transaction as its cause (a submission, a decision, an invite): if the cause
// rolls back, nothing is sent; if it commits, the message is delivered by a
// Sender, which retries with backoff, survives restarts and several instances
// (rows are claimed with SKIP LOCKED and a lease), and records what was sent
// and what failed. Each message has a Message-ID fixed when it is recorded, so
// a delivery repeated after a crash between the server's acceptance and the
// record of it carries the same one, and mail clients show it once.
//
// Messages are rendered when they are sent, from templates in the
// recipient's language (templates/*.tmpl), with the data recorded.
//
// notify imports nothing of the domain: every room may call it.
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

// Channel is how a message travels.
type Channel string

// Channels.
const (
	Email Channel = "email"
	SMS   Channel = "sms"
)

// Kind is what a message says: the name of its templates.
type Kind string

// The messages Podium sends.
const (
	EntrySubmitted    Kind = "entry.submitted"    // to an entrant: the receipt of a submission
	EntryReviewed     Kind = "entry.reviewed"     // to an entrant: the eligibility decision
	EntryAdvanced     Kind = "entry.advanced"     // to an entrant: advanced to the next round
	ResultsPublished  Kind = "results.published"  // to an entrant: the results are published (公示)
	ObjectionFiled    Kind = "objection.filed"    // to an objector: the reference of the objection received
	ObjectionReplied  Kind = "objection.replied"  // to an objector: the decision on an objection
	JudgeInvited      Kind = "judge.invited"      // to a judge: the invite link
	JudgeReminded     Kind = "judge.reminded"     // to a judge: sheets still to submit
	PasswordResetSent Kind = "account.reset"      // to anyone: a password reset link
	NotificationTest  Kind = "notification.test"  // to an organizer: a test of the settings
	NominationChanged Kind = "nomination.changed" // to an entrant: nominated onward, or its result there
)

// Kinds lists every kind, for the templates' test.
var Kinds = []Kind{EntrySubmitted, EntryReviewed, EntryAdvanced, ResultsPublished, ObjectionFiled, ObjectionReplied,
	JudgeInvited, JudgeReminded, PasswordResetSent, NotificationTest, NominationChanged}

// Message is one notification to record.
type Message struct {
	ContestID int64 // 0: about no one contest
	Channel   Channel
	To        string // an e-mail address, or a mobile number for SMS
	Name      string // the recipient's name, for the greeting and the To header
	Locale    string // "zh-CN" (the default) or "en"
	Kind      Kind
	// Data fills the templates. Links are paths ("/entrant/entries/7"); the
	// sender prefixes the public base URL.
	Data map[string]any
}

// Enqueue records m in tx, the transaction of its cause, and returns its id.
// A message without a recipient is not recorded (an entrant who gave no
// e-mail gets none): it returns 0 and no error.
func Enqueue(ctx context.Context, tx sqlx.ExtContext, m Message) (int64, error) {
	m.To = strings.TrimSpace(m.To)
	if m.To == "" {
		return 0, nil
	}
	if m.Channel == "" {
		m.Channel = Email
	}
	if m.Channel == Email {
		if a, err := mail.ParseAddress(m.To); err != nil || a.Address != m.To {
			return 0, nil // not an address anyone can receive at; the profile's check refuses these
		}
	}
	m.Locale = Locale(m.Locale)
	if !known(m.Kind) {
		return 0, fmt.Errorf("notify: unknown kind %q", m.Kind)
	}
	data, err := json.Marshal(m.Data)
	if err != nil {
		return 0, fmt.Errorf("notify: data of %s: %w", m.Kind, err)
	}
	if m.Data == nil {
		data = []byte("{}")
	}
	var contestID *int64
	if m.ContestID != 0 {
		contestID = &m.ContestID
	}
	var id int64
	err = sqlx.GetContext(ctx, tx, &id, `
		INSERT INTO outbox (contest_id, channel, recipient, recipient_name, locale, kind, data, message_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		contestID, m.Channel, m.To, strings.TrimSpace(m.Name), m.Locale, m.Kind, data, uuid.New())
	return id, err
}

// Locale is the language a message is written in: English when asked for,
// Simplified Chinese otherwise.
func Locale(l string) string {
	if strings.HasPrefix(strings.ToLower(l), "en") {
		return "en"
	}
	return "zh-CN"
}

func known(k Kind) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// States lists the states, in the order the list's filter shows them.
var States = []State{Pending, Sent, Failed}

// State is where a message is.
type State string

// Message states.
const (
	Pending State = "pending" // not sent yet: waiting for its first or next attempt
	Sent    State = "sent"    // accepted by the mail server (or logged, where none is set up)
	Failed  State = "failed"  // given up: refused, or every attempt failed
)

// Record is a recorded message as the organizer's list shows it.
type Record struct {
	ID            int64      `db:"id" json:"id"`
	Channel       Channel    `db:"channel" json:"channel"`
	Recipient     string     `db:"recipient" json:"recipient"`
	RecipientName string     `db:"recipient_name" json:"recipient_name"`
	Locale        string     `db:"locale" json:"locale"`
	Kind          Kind       `db:"kind" json:"kind"`
	Data          []byte     `db:"data" json:"-"`
	MessageID     string     `db:"message_id" json:"message_id"`
	State         State      `db:"state" json:"state"`
	Via           string     `db:"via" json:"via"`
	Attempts      int        `db:"attempts" json:"attempts"`
	NextAttemptAt time.Time  `db:"next_attempt_at" json:"next_attempt_at"`
	LastError     string     `db:"last_error" json:"last_error"`
	CreatedAt     time.Time  `db:"created_at" json:"created_at"`
	SentAt        *time.Time `db:"sent_at" json:"sent_at"`
	// Subject is the message's subject as rendered now.
	Subject string `db:"-" json:"subject"`
}

// Refused says whether the other side, or the message itself, failed for good
// (a refused address, a template that cannot be rendered) rather than after
// every attempt failed.
func (r Record) Refused() bool {
	return strings.HasPrefix(r.LastError, ErrPermanent.Error()+": ")
}

// FailureDetail is the last failure as the mail server or the transport put
// it, without the outbox's own prefix: the organizer's page shows it under a
// sentence in their language.
func (r Record) FailureDetail() string {
	return strings.TrimPrefix(r.LastError, ErrPermanent.Error()+": ")
}

// ListFilter narrows a contest's messages.
type ListFilter struct {
	State State // "": every state
	Limit int   // 0: 200
}

// Service reads the outbox for the organizers' list of what was sent.
type Service struct{ db *sqlx.DB }

// New returns the service on db.
func New(db *sqlx.DB) *Service { return &Service{db: db} }

// List returns a contest's messages, newest first, with their subjects.
func (s *Service) List(ctx context.Context, contestID int64, f ListFilter) ([]Record, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	var recs []Record
	err := s.db.SelectContext(ctx, &recs, `
		SELECT id, channel, recipient, recipient_name, locale, kind, data, message_id, state, via, attempts,
		       next_attempt_at, last_error, created_at, sent_at
		FROM outbox WHERE contest_id = $1 AND ($2 = '' OR state = $2)
		ORDER BY id DESC LIMIT $3`, contestID, string(f.State), f.Limit)
	if err != nil {
		return nil, err
	}
	for i := range recs {
		var data map[string]any
		_ = json.Unmarshal(recs[i].Data, &data)
		if subject, _, err := render(recs[i].Kind, recs[i].Locale, recs[i].RecipientName, data, ""); err == nil {
			recs[i].Subject = subject
		}
	}
	return recs, nil
}

// Counts are how many of a contest's messages are in each state.
func (s *Service) Counts(ctx context.Context, contestID int64) (map[State]int, error) {
	rows, err := s.db.QueryxContext(ctx, `SELECT state, count(*) FROM outbox WHERE contest_id = $1 GROUP BY state`, contestID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	c := map[State]int{}
	for rows.Next() {
		var st State
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		c[st] = n
	}
	return c, rows.Err()
}
