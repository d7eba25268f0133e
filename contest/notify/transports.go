package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPConfig is where e-mail goes out.
type SMTPConfig struct {
	Host     string
	Port     int // 0: 587 for STARTTLS, 465 for TLS, 25 without
	Username string
	Password string
	// From is the sender, e.g. "创新创业大赛组委会 <noreply@contest.example.cn>";
	// its domain is the Message-ID's.
	From string
	// TLS: "starttls" (the default: STARTTLS, required), "tls" (TLS from the
	// first byte, port 465), "opportunistic" (STARTTLS when offered) or "none"
	// (a relay on the same host).
	TLS     string
	Timeout time.Duration // 0: 30 s
}

// SMTP sends e-mail through an SMTP server with go-mail: one connection per
// message, plain text in UTF-8, the outbox's Message-ID.
type SMTP struct {
	cfg    SMTPConfig
	from   *mail.Address
	domain string
	opts   []gomail.Option
}

// NewSMTP checks cfg and returns its transport.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if strings.TrimSpace(cfg.Host) == "" {
		return nil, errors.New("SMTP host is empty")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("SMTP sender %q is not an address: %w", cfg.From, err)
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithTimeout(cfg.Timeout)}
	port := cfg.Port
	switch strings.ToLower(cfg.TLS) {
	case "", "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		port = cmp(port, 587)
	case "opportunistic":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		port = cmp(port, 587)
	case "tls":
		opts = append(opts, gomail.WithSSL())
		port = cmp(port, 465)
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		port = cmp(port, 25)
	default:
		return nil, fmt.Errorf("SMTP TLS must be starttls, tls, opportunistic or none, not %q", cfg.TLS)
	}
	opts = append(opts, gomail.WithPort(port))
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	return &SMTP{cfg: cfg, from: from, domain: domain, opts: opts}, nil
}

func cmp(port, def int) int {
	if port > 0 {
		return port
	}
	return def
}

// Name is "smtp".
func (*SMTP) Name() string { return "smtp" }

// MessageID is the header value a message's id becomes.
func (s *SMTP) MessageID(id string) string { return id + "@" + s.domain }

// Send delivers m. A 5xx reply is permanent; anything else may pass later.
func (s *SMTP) Send(ctx context.Context, m Outgoing) error {
	msg := gomail.NewMsg()
	msg.FromMailAddress(s.from)
	if err := msg.AddToFormat(m.Name, m.To); err != nil {
		return fmt.Errorf("%w: recipient %q: %v", ErrPermanent, m.To, err)
	}
	msg.SetMessageIDWithValue(s.MessageID(m.MessageID))
	msg.SetDate()
	msg.Subject(m.Subject)
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	c, err := gomail.NewClient(s.cfg.Host, s.opts...)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	err = c.DialAndSendWithContext(ctx, msg)
	var se *gomail.SendError
	if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
		return fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	return err
}

// LogTransport writes messages to the log instead of sending them: where no
// SMTP server is set up (a laptop, the demo) and for SMS until a provider is
// plugged in. The organizer's list shows them as sent "by log".
type LogTransport struct {
	Log     *slog.Logger
	Channel Channel
}

// Name is "log".
func (LogTransport) Name() string { return "log" }

// Send logs m.
func (t LogTransport) Send(_ context.Context, m Outgoing) error {
	log := t.Log
	if log == nil {
		log = slog.Default()
	}
	log.Info("notification (not sent: no "+string(t.Channel)+" provider set up)",
		"to", m.To, "subject", m.Subject, "message_id", m.MessageID, "body", m.Body)
	return nil
}
