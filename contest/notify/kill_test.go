package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"podium/contest"
	"podium/contest/contesttest"
	"podium/contest/notify"
)

// The tests below run the sender in a process of its own, this test binary
// started again on TestHelperSenderProcess, and end it with SIGKILL: no
// context, no deferred call, no recording of anything after the signal. The
// in-process tests above stop a sender by its context; these prove the outbox
// keeps its promise when the process itself dies.

// The helper's settings, from the test that starts it.
const (
	envSenderDSN   = "PODIUM_TEST_SENDER_DSN"   // the test's database
	envSenderSMTP  = "PODIUM_TEST_SENDER_SMTP"  // host:port of the test's SMTP server
	envSenderLease = "PODIUM_TEST_SENDER_LEASE" // the sender's lease, e.g. "1s"
)

// TestHelperSenderProcess is not a test: started by startSender, it delivers
// the outbox of the test's database to the test's SMTP server until it is
// killed. Run as part of the package, it does nothing.
func TestHelperSenderProcess(t *testing.T) {
	dsn := os.Getenv(envSenderDSN)
	if dsn == "" {
		return
	}
	lease, err := time.ParseDuration(os.Getenv(envSenderLease))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlx.Connect("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	// The test kills the sender while the server is silent: the transport
	// must still be waiting then, however slow the machine.
	s := &notify.Sender{DB: db, Email: smtpAt(t, os.Getenv(envSenderSMTP), time.Minute), Lease: lease, Poll: 20 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	s.Run(context.Background()) // until SIGKILL: nothing ends this context
	t.Fatal("the sender stopped by itself")
}

// senderProcess is a sender running in a child process.
type senderProcess struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{} // closed when the process has ended
}

// startSender starts a sender process on the database at dsn, sending to
// the SMTP server at smtpAddr; the test kills it when it ends, if not before.
func startSender(t *testing.T, dsn, smtpAddr string, lease time.Duration) *senderProcess {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// -test.timeout: a child whose parent died without killing it ends anyway.
	cmd := exec.Command(exe, "-test.run=^TestHelperSenderProcess$", "-test.count=1", "-test.timeout=2m")
	cmd.Env = append(os.Environ(), envSenderDSN+"="+dsn, envSenderSMTP+"="+smtpAddr, envSenderLease+"="+lease.String())
	p := &senderProcess{cmd: cmd, out: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		if out := p.out.String(); t.Failed() && out != "" {
			t.Logf("sender process %d said:\n%s", cmd.Process.Pid, out)
		}
	})
	return p
}

// kill ends the process with SIGKILL and waits until it is gone.
func (p *senderProcess) kill(t *testing.T) {
	t.Helper()
	select {
	case <-p.done:
		t.Fatalf("the sender process ended before it was killed:\n%s", p.out.String())
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the sender process ended with %v, not by SIGKILL", p.cmd.ProcessState)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// holdFirst is a listener that keeps the first connection it accepts to
// itself: the sender has connected, so it has claimed its message, and waits
// for a greeting that never comes.
type holdFirst struct {
	net.Listener
	once sync.Once
	held chan net.Conn
}

func (l *holdFirst) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		first := false
		l.once.Do(func() { first = true })
		if !first {
			return c, nil
		}
		l.held <- c
	}
}

// openDB connects the test to the database at dsn.
func openDB(t *testing.T, dsn string) *sqlx.DB {
	t.Helper()
	db, err := contest.OpenDB(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(4)
	t.Cleanup(func() { db.Close() })
	return db
}

// waitUntil polls cond until it holds, failing the test after 30 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFor waits for ch, failing the test after 30 s or if p ends first.
func waitFor[T any](t *testing.T, what string, ch <-chan T, p *senderProcess) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-p.done:
		t.Fatalf("the sender process ended before %s:\n%s", what, p.out.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting until %s", what)
	}
	var zero T
	return zero
}

func leaseEnd(t *testing.T, db *sqlx.DB, id int64) time.Time {
	t.Helper()
	var at time.Time
	if err := db.Get(&at, `SELECT next_attempt_at FROM outbox WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return at
}

const killLease = time.Second

// A sender process killed (SIGKILL) after claiming a message and before
// sending it: once its lease ends, the restarted sender delivers the message
// exactly once, with the Message-ID recorded with it, and records it sent.
func TestKilledSenderProcessBeforeSendDeliversOnce(t *testing.T) {
	t.Parallel()
	dsn := contesttest.NewMigratedDSN(t)
	db := openDB(t, dsn)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hold := &holdFirst{Listener: l, held: make(chan net.Conn, 1)}
	var receivedAt atomic.Pointer[time.Time]
	ms := serveMail(t, &mailServer{onData: func(*mail.Message) { now := time.Now(); receivedAt.Store(&now) }}, hold)
	id := enqueue(t, db, submitted)

	start := time.Now()
	first := startSender(t, dsn, ms.addr, killLease)
	held := waitFor(t, "the first sender connects", hold.held, first)
	state, attempts, messageID, _ := row(t, db, id)
	if state != "pending" || attempts != 1 {
		t.Fatalf("while the first sender is connected: %s after %d attempts; want pending, claimed once", state, attempts)
	}
	leaseEnds := leaseEnd(t, db, id)
	first.kill(t)
	t.Logf("claimed and killed before sending after %s", time.Since(start).Round(time.Millisecond))
	_ = held.Close()
	if got := ms.messages(); len(got) != 0 {
		t.Fatalf("the server got %d messages before the restart", len(got))
	}

	startSender(t, dsn, ms.addr, killLease)
	waitUntil(t, "the restarted sender records the message sent", func() bool {
		state, _, _, _ := row(t, db, id)
		return state == "sent"
	})
	t.Logf("restarted and recorded sent after %s", time.Since(start).Round(time.Millisecond))
	got := ms.messages()
	if len(got) != 1 {
		t.Fatalf("the server got %d messages (Message-IDs %v), want 1", len(got), ids(got))
	}
	if h := got[0].Header.Get("Message-Id"); h != "<"+messageID+"@contest.example.cn>" {
		t.Fatalf("Message-ID %q, want the recorded <%s@contest.example.cn>", h, messageID)
	}
	if _, attempts, _, _ := row(t, db, id); attempts != 2 {
		t.Fatalf("%d attempts recorded, want 2 (the killed one and the delivery)", attempts)
	}
	if at := *receivedAt.Load(); at.Before(leaseEnds) {
		t.Fatalf("delivered at %s, before the killed sender's lease ended at %s", at, leaseEnds)
	}
}

// A sender process killed (SIGKILL) after the server took the message and
// before it heard the server's reply, so before it could record it: the
// restarted sender sends it again, with the same Message-ID (the documented
// at-least-once edge: mail clients show it once), and records it sent.
func TestKilledSenderProcessAfterAcceptanceRepeatsTheMessageID(t *testing.T) {
	t.Parallel()
	dsn := contesttest.NewMigratedDSN(t)
	db := openDB(t, dsn)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	taken := make(chan struct{}, 1)
	release := make(chan struct{})
	releaseReply := sync.OnceFunc(func() { close(release) })
	t.Cleanup(releaseReply)
	var n atomic.Int32
	ms := serveMail(t, &mailServer{onData: func(*mail.Message) {
		if n.Add(1) == 1 { // the first delivery: its reply waits until the sender is dead
			taken <- struct{}{}
			<-release
		}
	}}, l)
	id := enqueue(t, db, submitted)

	start := time.Now()
	first := startSender(t, dsn, ms.addr, killLease)
	waitFor(t, "the server takes the first delivery", taken, first)
	state, attempts, messageID, _ := row(t, db, id)
	if state != "pending" || attempts != 1 {
		t.Fatalf("while the server holds its reply: %s after %d attempts; want pending, claimed once", state, attempts)
	}
	first.kill(t)
	t.Logf("taken by the server and killed before recording after %s", time.Since(start).Round(time.Millisecond))
	releaseReply()
	// The killed sender recorded nothing, so the message is sent again.
	if state, _, _, _ := row(t, db, id); state != "pending" {
		t.Fatalf("after the kill: %s, want pending", state)
	}

	startSender(t, dsn, ms.addr, killLease)
	waitUntil(t, "the restarted sender records the message sent", func() bool {
		state, _, _, _ := row(t, db, id)
		return state == "sent"
	})
	t.Logf("restarted and recorded sent after %s", time.Since(start).Round(time.Millisecond))
	got := ms.messages()
	want := "<" + messageID + "@contest.example.cn>"
	if len(got) != 2 || got[0].Header.Get("Message-Id") != want || got[1].Header.Get("Message-Id") != want {
		t.Fatalf("the server got Message-IDs %v; want %s twice", ids(got), want)
	}
	if _, attempts, _, _ := row(t, db, id); attempts != 2 {
		t.Fatalf("%d attempts recorded, want 2", attempts)
	}
}
