package notify_test

import (
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jmoiron/sqlx"

	"podium/contest/contesttest"
	"podium/contest/notify"
)

// mailServer is a real SMTP server in the test's process (emersion/go-smtp):
// what Podium's sender sends, through go-mail and TCP, arrives here.
type mailServer struct {
	addr string
	mu   sync.Mutex
	got  []*mail.Message
	// refuse, when set, answers every RCPT TO with this error.
	refuse *smtp.SMTPError
	// onData, when set (before the server starts), is called with each
	// message once it is kept and before the server replies to its DATA.
	onData func(*mail.Message)
}

func newMailServer(t *testing.T) *mailServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveMail(t, &mailServer{}, l)
}

// serveMail serves ms on l until the test ends.
func serveMail(t *testing.T, ms *mailServer, l net.Listener) *mailServer {
	t.Helper()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{ms: ms}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ms.addr = l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ms
}

func (ms *mailServer) messages() []*mail.Message {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]*mail.Message(nil), ms.got...)
}

func (ms *mailServer) setRefuse(e *smtp.SMTPError) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.refuse = e
}

type session struct{ ms *mailServer }

func (s *session) Reset()                                {}
func (s *session) Logout() error                         { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error  { return nil }
func (s *session) Auth(string) (smtp.AuthSession, error) { return nil, smtp.ErrAuthUnsupported }
func (s *session) AuthMechanisms() []string              { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ms.mu.Lock()
	defer s.ms.mu.Unlock()
	if s.ms.refuse != nil {
		return s.ms.refuse
	}
	return nil
}
func (s *session) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(m.Body)
	m.Body = strings.NewReader(string(body))
	s.ms.mu.Lock()
	s.ms.got = append(s.ms.got, m)
	s.ms.mu.Unlock()
	if s.ms.onData != nil {
		s.ms.onData(m)
	}
	return nil
}

func smtpTransport(t *testing.T, ms *mailServer) *notify.SMTP {
	t.Helper()
	return smtpAt(t, ms.addr, 5*time.Second)
}

// smtpAt is the transport Podium would use towards the server at addr,
// giving up on a silent server after timeout.
func smtpAt(t testing.TB, addr string, timeout time.Duration) *notify.SMTP {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := notify.NewSMTP(notify.SMTPConfig{Host: host, Port: p, TLS: "none", From: "大赛组委会 <noreply@contest.example.cn>", Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func enqueue(t *testing.T, db *sqlx.DB, m notify.Message) int64 {
	t.Helper()
	tx := db.MustBegin()
	id, err := notify.Enqueue(context.Background(), tx, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return id
}

var submitted = notify.Message{Channel: notify.Email, To: "zhang.wei@example.cn", Name: "张伟", Locale: "zh-CN", Kind: notify.EntrySubmitted,
	Data: map[string]any{"Contest": "2026 丹东市创新创业大赛", "Title": "石墨烯散热膜", "SubmittedAt": "2026-12-07 15:04", "Link": "/entrant/entries/7"}}

func row(t *testing.T, db *sqlx.DB, id int64) (state string, attempts int, messageID, lastError string) {
	t.Helper()
	if err := db.QueryRow(`SELECT state, attempts, message_id, last_error FROM outbox WHERE id = $1`, id).
		Scan(&state, &attempts, &messageID, &lastError); err != nil {
		t.Fatal(err)
	}
	return
}

// A message recorded with its cause reaches the SMTP server once, with its
// Message-ID, in the recipient's language, and is recorded as sent.
func TestDeliveredWithItsMessageID(t *testing.T) {
	db := contesttest.NewDB(t)
	ms := newMailServer(t)
	id := enqueue(t, db, submitted)
	s := &notify.Sender{DB: db, Email: smtpTransport(t, ms), BaseURL: "https://contest.example.cn/"}
	if n, err := s.SendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("SendDue = %d, %v; want 1 message", n, err)
	}
	if n, _ := s.SendDue(context.Background()); n != 0 {
		t.Fatalf("a sent message was claimed again (%d)", n)
	}
	got := ms.messages()
	if len(got) != 1 {
		t.Fatalf("the server got %d messages, want 1", len(got))
	}
	state, attempts, messageID, _ := row(t, db, id)
	if state != "sent" || attempts != 1 {
		t.Fatalf("recorded %s after %d attempts, want sent after 1", state, attempts)
	}
	if h := got[0].Header.Get("Message-Id"); h != "<"+messageID+"@contest.example.cn>" {
		t.Fatalf("Message-ID %q, want <%s@contest.example.cn>", h, messageID)
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(got[0].Header.Get("Subject"))
	if subject != "【2026 丹东市创新创业大赛】报名材料已提交：石墨烯散热膜" {
		t.Fatalf("subject %q", subject)
	}
	body := decodedBody(t, got[0])
	for _, want := range []string{"张伟，您好", "“石墨烯散热膜”已于 2026-12-07 15:04", "https://contest.example.cn/entrant/entries/7"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if to := got[0].Header.Get("To"); !strings.Contains(to, "zhang.wei@example.cn") {
		t.Errorf("To %q", to)
	}
}

// A cause that rolls back takes its message with it: nothing is sent.
func TestRolledBackCauseSendsNothing(t *testing.T) {
	db := contesttest.NewDB(t)
	ms := newMailServer(t)
	tx := db.MustBegin()
	if _, err := notify.Enqueue(context.Background(), tx, submitted); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	s := &notify.Sender{DB: db, Email: smtpTransport(t, ms)}
	if n, err := s.SendDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("SendDue = %d, %v; want nothing", n, err)
	}
	if got := ms.messages(); len(got) != 0 {
		t.Fatalf("the server got %d messages", len(got))
	}
}

// stalled is a transport that never gets to send: the process is killed
// while it is about to (it waits until its context ends).
type stalled struct{ claimed chan struct{} }

func (s stalled) Name() string { return "smtp" }
func (s stalled) Send(ctx context.Context, _ notify.Outgoing) error {
	close(s.claimed)
	<-ctx.Done()
	return ctx.Err()
}

// A sender killed after claiming a message and before sending it leaves the
// message to the next sender once the lease ends: the server sees it once,
// with the Message-ID it was recorded with.
func TestDeliveredOnceAfterKillBeforeSend(t *testing.T) {
	db := contesttest.NewDB(t)
	ms := newMailServer(t)
	id := enqueue(t, db, submitted)
	lease := 300 * time.Millisecond
	ctx, kill := context.WithCancel(context.Background())
	first := &notify.Sender{DB: db, Email: stalled{claimed: make(chan struct{})}, Lease: lease}
	done := make(chan struct{})
	go func() { defer close(done); _, _ = first.SendDue(ctx) }()
	<-first.Email.(stalled).claimed
	kill()
	<-done
	if state, attempts, _, _ := row(t, db, id); state != "pending" || attempts != 1 {
		t.Fatalf("after the kill: %s, %d attempts; want pending after 1", state, attempts)
	}
	restarted := &notify.Sender{DB: db, Email: smtpTransport(t, ms), Lease: lease}
	if n, _ := restarted.SendDue(context.Background()); n != 0 {
		t.Fatal("a message still under its lease was claimed by another sender")
	}
	time.Sleep(lease + 100*time.Millisecond) // the lease ends: this test's only wait, on the lease itself
	if n, err := restarted.SendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("after the lease: SendDue = %d, %v", n, err)
	}
	got := ms.messages()
	state, attempts, messageID, _ := row(t, db, id)
	if len(got) != 1 || state != "sent" || attempts != 2 {
		t.Fatalf("server got %d, recorded %s after %d attempts; want 1, sent, 2", len(got), state, attempts)
	}
	if h := got[0].Header.Get("Message-Id"); h != "<"+messageID+"@contest.example.cn>" {
		t.Fatalf("Message-ID %q, want the recorded %s", h, messageID)
	}
}

// acceptedThenKilled sends for real, then dies before the outcome is
// recorded: the one case where a message goes twice, with one Message-ID.
type acceptedThenKilled struct {
	real notify.Transport
	kill context.CancelFunc
}

func (a acceptedThenKilled) Name() string { return "smtp" }
func (a acceptedThenKilled) Send(ctx context.Context, m notify.Outgoing) error {
	err := a.real.Send(ctx, m)
	a.kill()
	if err != nil {
		return err
	}
	return ctx.Err()
}

func TestKilledAfterAcceptanceRepeatsTheSameMessageID(t *testing.T) {
	db := contesttest.NewDB(t)
	ms := newMailServer(t)
	id := enqueue(t, db, submitted)
	ctx, kill := context.WithCancel(context.Background())
	first := &notify.Sender{DB: db, Email: acceptedThenKilled{real: smtpTransport(t, ms), kill: kill}, Lease: time.Millisecond}
	_, _ = first.SendDue(ctx)
	time.Sleep(5 * time.Millisecond)
	second := &notify.Sender{DB: db, Email: smtpTransport(t, ms)}
	if n, err := second.SendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("SendDue = %d, %v", n, err)
	}
	got := ms.messages()
	if len(got) != 2 || got[0].Header.Get("Message-Id") != got[1].Header.Get("Message-Id") {
		t.Fatalf("got %d messages with Message-IDs %v; want 2 with one id", len(got), ids(got))
	}
	if state, _, _, _ := row(t, db, id); state != "sent" {
		t.Fatalf("state %s", state)
	}
}

func ids(ms []*mail.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Header.Get("Message-Id"))
	}
	return out
}

// A server that says "try later" is tried again after each backoff, and the
// message is shown as failed when the attempts run out; a refusal (5xx) fails
// at once.
func TestFailedSendIsRetriedWithBackoffThenFails(t *testing.T) {
	db := contesttest.NewDB(t)
	ms := newMailServer(t)
	ms.setRefuse(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "mailbox busy, try later"})
	id := enqueue(t, db, submitted)
	var waits []int
	s := &notify.Sender{DB: db, Email: smtpTransport(t, ms), MaxAttempts: 3,
		Backoff: func(attempt int) time.Duration { waits = append(waits, attempt); return 0 }}
	for attempt := 1; attempt <= 3; attempt++ {
		if n, err := s.SendDue(context.Background()); err != nil || n != 1 {
			t.Fatalf("attempt %d: SendDue = %d, %v", attempt, n, err)
		}
		state, attempts, _, lastError := row(t, db, id)
		want := "pending"
		if attempt == 3 {
			want = "failed"
		}
		if state != want || attempts != attempt || !strings.Contains(lastError, "451") {
			t.Fatalf("after attempt %d: %s, %d attempts, %q; want %s", attempt, state, attempts, lastError, want)
		}
	}
	if len(waits) != 2 || waits[0] != 1 || waits[1] != 2 {
		t.Fatalf("backoff asked after attempts %v, want [1 2]", waits)
	}
	if n, _ := s.SendDue(context.Background()); n != 0 {
		t.Fatal("a failed message was tried again")
	}
	if got := ms.messages(); len(got) != 0 {
		t.Fatalf("the server accepted %d", len(got))
	}
	// A refused address fails at the first attempt.
	ms.setRefuse(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"})
	id2 := enqueue(t, db, submitted)
	if _, err := s.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if state, attempts, _, lastError := row(t, db, id2); state != "failed" || attempts != 1 || !strings.Contains(lastError, "550") {
		t.Fatalf("refused: %s after %d, %q; want failed after 1", state, attempts, lastError)
	}
}

// A backoff not yet over keeps the message waiting.
func TestBackoffDelaysTheNextAttempt(t *testing.T) {
	db := contesttest.NewDB(t)
	ms := newMailServer(t)
	ms.setRefuse(&smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 0, 0}, Message: "later"})
	id := enqueue(t, db, submitted)
	s := &notify.Sender{DB: db, Email: smtpTransport(t, ms)} // default backoff: 30 s after the first failure
	if n, _ := s.SendDue(context.Background()); n != 1 {
		t.Fatal("not claimed")
	}
	var wait float64
	if err := db.Get(&wait, `SELECT extract(epoch FROM next_attempt_at - now()) FROM outbox WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if wait < 25 || wait > 31 {
		t.Fatalf("next attempt in %.1f s, want about 30", wait)
	}
	if n, _ := s.SendDue(context.Background()); n != 0 {
		t.Fatal("claimed again during its backoff")
	}
}

// Every kind renders in both languages with every field it reads, links
// made absolute.
func TestEveryKindRendersInBothLanguages(t *testing.T) {
	data := map[string]any{"Contest": "大赛", "Title": "项目", "SubmittedAt": "2026-12-07 15:04", "Link": "/x", "Accepted": true,
		"Reason": "", "Round": "初赛", "NextRound": "复赛", "PeriodEnds": "2026-12-14 18:00", "Reference": "26-ABCD-EFGH-JKLM",
		"Upheld": false, "Reply": "答复", "ExpiresAt": "", "Pending": 3, "Deadline": "", "Minutes": 60,
		"Target": "全国赛", "Status": "已推荐", "Result": ""}
	for _, k := range notify.Kinds {
		for _, l := range []string{"zh-CN", "en"} {
			subject, body, err := notify.Preview(notify.Message{Kind: k, Locale: l, Name: "Li Na", Data: data}, "https://c.example.cn")
			if err != nil {
				t.Fatalf("%s %s: %v", k, l, err)
			}
			if subject == "" || strings.Contains(subject+body, "<no value>") || strings.Contains(subject+body, "{{") {
				t.Fatalf("%s %s renders %q / %q", k, l, subject, body)
			}
			if _, ok := data["Link"]; ok && k != notify.NotificationTest && !strings.Contains(body, "https://c.example.cn/x") {
				t.Errorf("%s %s: no absolute link in %q", k, l, body)
			}
		}
	}
	// A field not recorded reads as empty, not as an error.
	if _, _, err := notify.Preview(notify.Message{Kind: notify.EntryReviewed, Data: map[string]any{"Title": "x"}}, ""); err != nil {
		t.Fatal(err)
	}
}

// Enqueue records nothing for a recipient without an address, and refuses
// a kind it has no template for.
func TestEnqueueEdges(t *testing.T) {
	db := contesttest.NewDB(t)
	tx := db.MustBegin()
	defer tx.Rollback()
	m := submitted
	m.To = "  "
	if id, err := notify.Enqueue(context.Background(), tx, m); id != 0 || err != nil {
		t.Fatalf("no recipient: %d, %v", id, err)
	}
	m = submitted
	m.Kind = "no.such"
	if _, err := notify.Enqueue(context.Background(), tx, m); err == nil {
		t.Fatal("unknown kind accepted")
	}
}

// decodedBody is a message's text as its reader sees it.
func decodedBody(t *testing.T, m *mail.Message) string {
	t.Helper()
	var r io.Reader = m.Body
	switch strings.ToLower(m.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
