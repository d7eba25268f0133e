//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/audit"
	"podium/contest/contesttest"
	"podium/contest/judging"
	"podium/files/filecheck"
	"podium/scoring"
)

// TestChaosSubmissionsExactlyOnce is issue 5's chaos run: 200 simulated tablets
// submit 10,000 sheets through a network that loses 30% of responses (after the
// server has acted on the request), retrying each submission with the same
// idempotency key and the same bytes; midway the server process is killed with
// SIGKILL and started again on the same port and database while the tablets keep
// retrying. Afterwards every sheet is stored exactly once with its audit record,
// the audit chain holds, every key has its stored response — the very bytes the
// tablet first saw — and replaying submissions returns those bytes again.
//
// The server is the real podium binary in a subprocess (built here without -race);
// only the tablets run in the test process.
func TestChaosSubmissionsExactlyOnce(t *testing.T) {
	t.Parallel()
	tablets, perTablet := 200, 50 // 10,000 sheets: entries × 5 reviews over 200 judges
	if testing.Short() {
		tablets, perTablet = 40, 25
	}
	const (
		reviews    = 5
		dropRate   = 0.3
		maxRetries = 5 // retries of a submission whose response was lost
	)
	sheets := tablets * perTablet
	killAfter := int64(sheets * 3 / 10) // acknowledgements before the SIGKILL
	started := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a bound against hanging, not the target
	defer cancel()

	bin := buildPodium(t, ctx)
	dsn := contesttest.NewMigratedDSN(t)
	_, prefix := contesttest.NewRedis(t)
	db, err := contest.OpenDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := contesttest.StoresOn(db)
	w := seedChaosWorld(t, ctx, store, sheets/reviews, tablets, reviews)
	seeded := time.Since(started)

	srv := &podiumProcess{t: t, bin: bin, addr: freeAddr(t), dataDir: t.TempDir(), logDir: t.TempDir(),
		env: []string{"DATABASE_URL=" + dsn, "REDIS_URL=" + contesttest.RedisURL(), "PODIUM_REDIS_PREFIX=" + prefix}}
	t.Cleanup(srv.stop)
	if !srv.start(ctx) {
		t.FailNow()
	}

	// The run: each tablet submits its sheets one after another.
	var (
		acks, unacked, attempts, drops, netErrs, inProgress atomic.Int64
		firstSeen                                           = make([][]byte, len(w.subs))
		acked                                               = make([]bool, len(w.subs))
		tabletsDone                                         = make(chan struct{}) // closed when every tablet is done
		helpers                                             sync.WaitGroup
	)
	runCtx, abort := context.WithCancel(ctx) // aborts the tablets if the server cannot be restarted
	defer abort()
	helpers.Go(func() { // the chaos monkey: kill the server once enough sheets are in, then restart it
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for acks.Load() < killAfter {
			select {
			case <-tabletsDone:
				return
			case <-tick.C:
			}
		}
		srv.kill()
		t.Logf("SIGKILL after %d acknowledgements", acks.Load())
		time.Sleep(300 * time.Millisecond) // tablets meet a refused connection for a while
		if !srv.start(ctx) {
			abort()
		}
	})
	runStart := time.Now()
	helpers.Go(func() { // progress, for -v
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-tabletsDone:
				return
			case <-tick.C:
				if testing.Verbose() {
					t.Logf("%v: %d acknowledged, %d attempts", time.Since(runStart).Round(time.Second), acks.Load(), attempts.Load())
				}
			}
		}
	})
	var wg sync.WaitGroup
	for ti, j := range w.judges {
		wg.Go(func() {
			c := &tablet{judge: j, base: srv.url(), http: &http.Client{Timeout: 15 * time.Second, Transport: &dropTransport{
				base: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true},
				rng:  rand.New(rand.NewPCG(20261101, uint64(ti))), rate: dropRate,
			}}}
			for _, i := range j.subs {
				s := w.subs[i]
				deadline := time.Now().Add(60 * time.Second)
				dropped := 0
				for try := 0; ; try++ {
					attempts.Add(1)
					status, body, err := c.submit(runCtx, s)
					switch {
					case err == nil && status == http.StatusCreated:
						firstSeen[i], acked[i] = body, true
						acks.Add(1)
					case err == nil && status == http.StatusConflict && bytes.Contains(body, []byte("being submitted")):
						inProgress.Add(1) // the first attempt still holds the key: wait and retry
					case err == nil:
						t.Errorf("tablet %d, assignment %d: %d %s", ti, s.assignment, status, body)
						return
					case errors.Is(err, errDropped):
						drops.Add(1)
						if dropped++; dropped > maxRetries {
							unacked.Add(1) // the tablet gives up; the server did receive every attempt
						}
					default: // connection refused or reset: the server is down or was killed mid-request
						netErrs.Add(1)
					}
					if acked[i] || dropped > maxRetries {
						break
					}
					if time.Now().After(deadline) || runCtx.Err() != nil {
						t.Errorf("tablet %d, assignment %d: no answer within the deadline (last error %v)", ti, s.assignment, err)
						return
					}
					time.Sleep(backoff(try, c.http.Transport.(*dropTransport)))
				}
			}
		})
	}
	wg.Wait()
	runTime := time.Since(runStart)
	close(tabletsDone)
	helpers.Wait()
	if srv.kills != 1 {
		t.Fatalf("the server was killed %d times, want once (acknowledged %d of %d)", srv.kills, acks.Load(), sheets)
	}
	if t.Failed() {
		srv.logTail()
		t.FailNow()
	}
	t.Logf("%d tablets, %d sheets in %v (seeding %v): %d attempts, %d responses dropped, %d network errors, %d in progress, %d given up after %d retries",
		tablets, sheets, runTime.Round(time.Millisecond), seeded.Round(time.Millisecond),
		attempts.Load(), drops.Load(), netErrs.Load(), inProgress.Load(), unacked.Load(), maxRetries)

	// What PostgreSQL holds: every sheet once, with its marks, its audit record and its key's response.
	q := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := db.GetContext(ctx, &n, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	if n := q(`SELECT count(*) FROM score_sheets WHERE state = 'submitted'`); n != sheets {
		t.Errorf("%d submitted sheets, want %d", n, sheets)
	}
	if n := q(`SELECT count(*) FROM score_sheets`); n != sheets {
		t.Errorf("%d sheets in all, want %d", n, sheets)
	}
	if n := q(`SELECT count(*) FROM assignments a WHERE (SELECT count(*) FROM score_sheets sh WHERE sh.assignment_id = a.id AND sh.state = 'submitted') <> 1`); n != 0 {
		t.Errorf("%d assignments without exactly one submitted sheet", n)
	}
	if n := q(`SELECT count(*) FROM audit_log WHERE action = $1`, audit.ScoreSubmitted); n != sheets {
		t.Errorf("%d %s audit records, want %d", n, audit.ScoreSubmitted, sheets)
	}
	if n := q(`SELECT count(DISTINCT payload->>'assignment') FROM audit_log WHERE action = $1`, audit.ScoreSubmitted); n != sheets {
		t.Errorf("audit records name %d assignments, want %d", n, sheets)
	}
	if n, problems, err := store.Verify(ctx, nil); err != nil || len(problems) != 0 || n < sheets {
		t.Errorf("audit chain: %d records checked, problems %v, %v", n, problems, err)
	}
	if n := q(`SELECT count(*) FROM idempotency_keys`); n != sheets {
		t.Errorf("%d idempotency keys, want %d (one per submission)", n, sheets)
	}
	if n := q(`SELECT count(*) FROM idempotency_keys WHERE status = 201 AND response IS NOT NULL AND completed_at IS NOT NULL`); n != sheets {
		t.Errorf("%d idempotency keys with a stored response, want %d", n, sheets)
	}
	var marks []struct {
		Assignment int64          `db:"assignment_id"`
		Key        string         `db:"key"`
		Points     scoring.Points `db:"points"`
	}
	if err := db.SelectContext(ctx, &marks, `SELECT sh.assignment_id, c.key, m.points FROM marks m
		JOIN score_sheets sh ON sh.id = m.sheet_id JOIN criteria c ON c.id = m.criterion_id`); err != nil {
		t.Fatal(err)
	}
	wantMarks := map[string]scoring.Points{}
	for _, s := range w.subs {
		for k, p := range s.marks {
			wantMarks[fmt.Sprintf("%d/%s", s.assignment, k)] = p
		}
	}
	bad := 0
	for _, m := range marks {
		if k := fmt.Sprintf("%d/%s", m.Assignment, m.Key); wantMarks[k] != m.Points {
			bad++
		}
	}
	if len(marks) != len(wantMarks) || bad != 0 {
		t.Errorf("%d marks stored (%d differ from what was sent), want %d", len(marks), bad, len(wantMarks))
	}
	var stored []struct {
		Account  int64  `db:"account_id"`
		Key      string `db:"key"`
		Response []byte `db:"response"`
	}
	if err := db.SelectContext(ctx, &stored, `SELECT account_id, key, response FROM idempotency_keys`); err != nil {
		t.Fatal(err)
	}
	storedBy := map[string][]byte{}
	for _, s := range stored {
		storedBy[fmt.Sprintf("%d/%s", s.Account, s.Key)] = s.Response
	}
	// Every stored response is the submitted sheet and the very bytes its tablet first saw.
	wrong := 0
	for _, j := range w.judges {
		for _, i := range j.subs {
			s, resp := w.subs[i], storedBy[fmt.Sprintf("%d/%s", j.account, w.subs[i].key)]
			var sheet judging.Sheet
			err := json.Unmarshal(resp, &sheet)
			if err != nil || sheet.AssignmentID != s.assignment || sheet.State != "submitted" || !maps.Equal(sheet.Marks, s.marks) ||
				acked[i] && !bytes.Equal(resp, firstSeen[i]) {
				if wrong++; wrong <= 3 {
					t.Errorf("assignment %d: stored response %s (%v), first seen %s", s.assignment, resp, err, firstSeen[i])
				}
			}
		}
	}
	if wrong > 0 {
		t.Errorf("%d stored responses are wrong or differ from what the tablet first saw", wrong)
	}

	// Replays, now without drops: a sample of every tablet's submissions (its first, last, every
	// tenth, and any it gave up on) return 201 and the very bytes first seen and stored.
	var replayed, mismatches atomic.Int64
	for _, j := range w.judges {
		wg.Go(func() {
			c := &tablet{judge: j, base: srv.url(), http: &http.Client{Timeout: 15 * time.Second,
				Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}}
			for n, i := range j.subs {
				if n%10 != 0 && n != len(j.subs)-1 && acked[i] {
					continue
				}
				s := w.subs[i]
				replayed.Add(1)
				status, body, err := c.submit(ctx, s)
				want := storedBy[fmt.Sprintf("%d/%s", j.account, s.key)]
				switch {
				case err != nil || status != http.StatusCreated:
					mismatches.Add(1)
					t.Errorf("replay of assignment %d: %d %s %v", s.assignment, status, body, err)
				case want == nil || !bytes.Equal(body, want):
					mismatches.Add(1)
					t.Errorf("replay of assignment %d differs from the stored response:\n%s\n%s", s.assignment, body, want)
				case acked[i] && !bytes.Equal(body, firstSeen[i]):
					mismatches.Add(1)
					t.Errorf("replay of assignment %d differs from the first response:\n%s\n%s", s.assignment, body, firstSeen[i])
				}
				if mismatches.Load() > 5 {
					return
				}
			}
		})
	}
	wg.Wait()
	if n := q(`SELECT count(*) FROM audit_log WHERE action = $1`, audit.ScoreSubmitted); n != sheets {
		t.Errorf("after the replays: %d audit records, want %d", n, sheets)
	}
	if t.Failed() {
		srv.logTail()
	}
	t.Logf("verified, %d replayed; %v in all", replayed.Load(), time.Since(started).Round(time.Millisecond))
}

// chaosWorld is an open round whose assignments are spread over judges with sessions.
type chaosWorld struct {
	judges []chaosJudge
	subs   []submission
}

type chaosJudge struct {
	account      int64
	cookie, csrf string
	subs         []int // indexes into chaosWorld.subs
}

// submission is one sheet as a tablet sends it: one key and one body for every attempt.
type submission struct {
	assignment int64
	key        string
	body       []byte
	marks      map[string]scoring.Points
}

// seedChaosWorld builds the world in bulk SQL (the contest itself through the
// store, so the rubric and the audit chain are the real ones): entries accepted,
// judges as experts linked to password-less judge accounts, reviews assignments
// per entry spread evenly, the round open, a session per judge.
func seedChaosWorld(t *testing.T, ctx context.Context, s *contesttest.Stores, entries, judges, reviews int) chaosWorld {
	t.Helper()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := s.DB.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("seed: %v\n%s", err, query)
		}
	}
	var organizer int64
	if err := s.DB.GetContext(ctx, &organizer, `INSERT INTO accounts (role, email, display_name) VALUES ('organizer', 'chaos@example.com', '组织者') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	setup := contesttest.Setup("chaos")
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	setup.Rounds[0].ReviewsPerEntry = reviews
	c, err := s.CreateContest(ctx, organizer, setup)
	if err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO entries (contest_id, track_id, group_id, title, state, source, submitted_at)
		SELECT $1, (SELECT id FROM tracks WHERE contest_id = $1 ORDER BY position LIMIT 1),
		       (SELECT id FROM contest_groups WHERE contest_id = $1 ORDER BY position LIMIT 1),
		       '项目 ' || g, 'accepted', 'import', now()
		FROM generate_series(1, $2) g`, c.ID, entries)
	exec(`INSERT INTO blind_codes (round_id, entry_id, code)
		SELECT r.id, e.id, 'CH-' || lpad(e.id::text, 6, '0') FROM entries e JOIN rounds r ON r.contest_id = e.contest_id
		WHERE e.contest_id = $1 AND r.key = 'prelim'`, c.ID)
	exec(`INSERT INTO accounts (role, display_name) SELECT 'judge', '评委 ' || lpad(g::text, 4, '0') FROM generate_series(1, $1) g`, judges)
	exec(`INSERT INTO experts (account_id, name, organization, organization_norm)
		SELECT id, display_name, '单位 ' || id, '单位' || id FROM accounts WHERE role = 'judge'`)
	exec(`INSERT INTO contest_judges (contest_id, account_id) SELECT $1, id FROM accounts WHERE role = 'judge'`, c.ID)
	exec(`INSERT INTO panel_members (round_id, expert_id) SELECT r.id, x.id FROM experts x, rounds r WHERE r.contest_id = $1`, c.ID)
	// Entry i is reviewed by experts (i·reviews + k) mod judges, k < reviews: distinct, and even.
	exec(`WITH e AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM entries WHERE contest_id = $1),
		     x AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS j FROM experts)
		INSERT INTO assignments (round_id, entry_id, expert_id)
		SELECT r.id, e.id, x.id FROM e CROSS JOIN generate_series(0, $2 - 1) k
		JOIN x ON x.j = (e.i * $2 + k) % $3 JOIN rounds r ON r.contest_id = $1 AND r.key = 'prelim'`, c.ID, reviews, judges)
	exec(`ANALYZE`)
	if err := s.SetRoundState(ctx, organizer, c.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Account    int64 `db:"account_id"`
		Assignment int64 `db:"id"`
	}
	if err := s.DB.SelectContext(ctx, &rows, `SELECT x.account_id, a.id FROM assignments a JOIN experts x ON x.id = a.expert_id ORDER BY x.account_id, a.id`); err != nil {
		t.Fatal(err)
	}
	var w chaosWorld
	for _, r := range rows {
		if len(w.judges) == 0 || w.judges[len(w.judges)-1].account != r.Account {
			cookie, sess, err := s.CreateSession(ctx, r.Account)
			if err != nil {
				t.Fatal(err)
			}
			w.judges = append(w.judges, chaosJudge{account: r.Account, cookie: cookie, csrf: sess.CSRFToken})
		}
		j := &w.judges[len(w.judges)-1]
		n := len(w.subs)
		m := map[string]scoring.Points{
			"tech": scoring.Points(50 * (n % 81)), "market": scoring.Points(50 * (n * 7 % 61)), "team": scoring.Points(50 * (n * 13 % 61)),
		}
		key := fmt.Sprintf("tablet-%d-sheet-%d-%x", r.Account, r.Assignment, rand.Uint32())
		body := fmt.Sprintf(`{"marks":{"tech":%s,"market":%s,"team":%s},"comments":{"tech":"第 %d 份"},"comment":"chaos %d"}`,
			m["tech"], m["market"], m["team"], n, n)
		w.subs = append(w.subs, submission{assignment: r.Assignment, key: key, body: []byte(body), marks: m})
		j.subs = append(j.subs, n)
	}
	if len(w.judges) != judges || len(w.subs) != entries*reviews {
		t.Fatalf("seeded %d judges and %d assignments, want %d and %d", len(w.judges), len(w.subs), judges, entries*reviews)
	}
	return w
}

// tablet is one judge's device.
type tablet struct {
	judge chaosJudge
	base  string
	http  *http.Client
}

func (c *tablet) submit(ctx context.Context, s submission) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		fmt.Sprintf("%s/api/v1/judge/assignments/%d/sheet", c.base, s.assignment), bytes.NewReader(s.body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "en")
	req.Header.Set("X-CSRF-Token", c.judge.csrf)
	req.Header.Set("Idempotency-Key", s.key)
	req.AddCookie(&http.Cookie{Name: "podium_session", Value: c.judge.cookie})
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, body, err
}

// errDropped is a response lost on the way back: the server has done the work.
var errDropped = errors.New("response lost in the network")

// dropTransport delivers every request but loses a share of the responses.
type dropTransport struct {
	base http.RoundTripper
	mu   sync.Mutex
	rng  *rand.Rand
	rate float64
}

func (d *dropTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := d.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	drop := d.rng.Float64() < d.rate
	d.mu.Unlock()
	if !drop {
		return res, nil
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return nil, errDropped
}

// backoff is a tablet's wait before retry n: 10 ms doubling to at most 320 ms, with jitter.
func backoff(n int, d *dropTransport) time.Duration {
	wait := 10 * time.Millisecond << min(n, 5)
	d.mu.Lock()
	defer d.mu.Unlock()
	return wait/2 + time.Duration(d.rng.Int64N(int64(wait/2)+1))
}

// buildPodium builds the podium command once, without the race detector, for subprocesses.
func buildPodium(t *testing.T, ctx context.Context) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "podium")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "podium/cmd/podium")
	var flags []string
	for f := range strings.FieldsSeq(os.Getenv("GOFLAGS")) {
		if f != "-race" && f != "--race" && f != "-race=true" {
			flags = append(flags, f)
		}
	}
	cmd.Env = append(os.Environ(), "GOFLAGS="+strings.Join(flags, " "))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build podium: %v\n%s", err, out)
	}
	return bin
}

// freeAddr returns a 127.0.0.1 address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// podiumProcess is `podium serve` in a subprocess, on a fixed address so that it
// can be killed and started again where the tablets expect it.
type podiumProcess struct {
	t               *testing.T
	bin, addr       string
	dataDir, logDir string
	env             []string
	mu              sync.Mutex
	cmd             *exec.Cmd
	exited          chan struct{}
	starts, kills   int
}

func (p *podiumProcess) url() string { return "http://" + p.addr }

// start starts the server and waits until it is ready; false (and the test
// failed) when it is not.
func (p *podiumProcess) start(ctx context.Context) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.starts++
	logf, err := os.Create(filepath.Join(p.logDir, fmt.Sprintf("podium-%d.log", p.starts)))
	if err != nil {
		p.t.Error(err)
		return false
	}
	cmd := exec.Command(p.bin, "serve", "--addr", p.addr, "--data-dir", p.dataDir)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test, even if it is killed
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		p.t.Errorf("start podium: %v", err)
		return false
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(exited) }()
	p.cmd, p.exited = cmd, exited
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && ctx.Err() == nil; {
		select {
		case <-exited:
			p.t.Errorf("podium exited while starting:\n%s", p.readLog(p.starts))
			return false
		default:
		}
		if res, err := client.Get(p.url() + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Errorf("podium not ready on %s within 30 s:\n%s", p.addr, p.readLog(p.starts))
	return false
}

// kill ends the server with SIGKILL: no graceful shutdown, requests cut mid-flight.
func (p *podiumProcess) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
	p.cmd = nil
	p.kills++
}

func (p *podiumProcess) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.exited
		p.cmd = nil
	}
}

func (p *podiumProcess) readLog(n int) string {
	b, _ := os.ReadFile(filepath.Join(p.logDir, fmt.Sprintf("podium-%d.log", n)))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// logTail shows the end of every server log, for a failed run.
func (p *podiumProcess) logTail() {
	for n := 1; n <= p.starts; n++ {
		p.t.Logf("podium log %d:\n%s", n, p.readLog(n))
	}
}
