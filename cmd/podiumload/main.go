// Command podiumload measures Podium against the targets of DESIGN.md §6.
//
//	podiumload live-target --target URL[,URL] --contest C --room R --invites T[,T…] (running servers; see target.go)
//	podiumload submit [--clients 32] [--sheets 20000] [--warmup 1000] [--database-url URL] [--redis-url URL]
//
// submit creates its own throwaway database on the PostgreSQL server of
// --database-url (podiumload_<random>, dropped at the end), seeds an open round
// with enough assignments, then in one run measures score submission two ways,
// each with --clients concurrent judges submitting --sheets sheets:
//
//	DIRECT  each client calls contest.Service.SubmitSheet: the very transaction a
//	        submission commits (idempotency key, sheet, marks, audit record and
//	        stored response); this is the baseline PostgreSQL gives
//	HTTP    each client posts to /api/v1/judge/assignments/{id}/sheet of a real
//	        web.Server (sessions, CSRF, routing, JSON) on 127.0.0.1, over keep-alive
//	        connections
//
// and prints both rates, their ratio and the latency percentiles. The target is
// HTTP ≥ 0.7 × DIRECT and HTTP p99 < 20 ms at 32 clients, with synchronous_commit
// on (the tool refuses to run with it off). See docs/load-testing.md.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/results"
	"podium/files/blob"
	"podium/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

const usage = `usage: podiumload <scenario> [flags]

scenarios:
  submit    score submission: HTTP stack vs the same transaction driven directly
  live      the live board: spectators' websockets, web/live vs a bare gorilla broadcaster
  live-target  running Podium servers: spectators on their public board, judges submitting through them

Run 'podiumload <scenario> -h' for its flags.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "submit":
		return runSubmit(ctx, args[1:], stdout, stderr, getenv)
	case "live":
		return runLive(ctx, args[1:], stdout, stderr, getenv)
	case "live-target":
		return runLiveTarget(ctx, args[1:], stdout, stderr)
	case "live-swarm": // the swarm of live, run by live as a child process
		return runSwarm(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "podiumload: unknown scenario %q\n\n%s", args[0], usage)
		return 2
	}
}

type submitConfig struct {
	clients, sheets, warmup int
	databaseURL, redisURL   string
	timeout                 time.Duration
	order                   string
	rounds                  int
	think                   time.Duration
	keep, failOnMiss        bool
}

func runSubmit(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("podiumload submit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := submitConfig{}
	fs.IntVar(&cfg.clients, "clients", 32, "concurrent clients (judges' tablets) in each phase")
	fs.IntVar(&cfg.sheets, "sheets", 20000, "sheets submitted and timed in each phase (rounded up to a multiple of --clients)")
	fs.IntVar(&cfg.warmup, "warmup", 1000, "sheets submitted, untimed, at the start of each phase")
	fs.StringVar(&cfg.databaseURL, "database-url", envOr(getenv, "DATABASE_URL", "postgres://localhost:5432/postgres?sslmode=disable"),
		"PostgreSQL server to use ($DATABASE_URL); a throwaway database podiumload_<random> is created on it and dropped, the named database is not touched")
	fs.StringVar(&cfg.redisURL, "redis-url", envOr(getenv, "REDIS_URL", "redis://localhost:6379/0"), "Redis URL ($REDIS_URL); keys go under a unique prefix, removed at the end")
	fs.DurationVar(&cfg.timeout, "timeout", 20*time.Minute, "give up after this long")
	fs.StringVar(&cfg.order, "order", "direct,http", "the phases, in the order of the first round")
	fs.IntVar(&cfg.rounds, "rounds", 2, "split each phase's timed sheets into this many slices, run in alternating order (direct, http, http, direct, …) so that drift over the run (a growing database, a neighbour's load) weighs on both alike")
	fs.DurationVar(&cfg.think, "think", 0, "each client pauses about this long (±50%, at random) after an answer before its next sheet, as a judge reads and marks (0: a closed loop at full speed, which is how the targets are measured)")
	fs.BoolVar(&cfg.keep, "keep-db", false, "keep the database afterwards, for inspection")
	fs.BoolVar(&cfg.failOnMiss, "fail-on-miss", false, "exit with status 3 when a target is missed")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || cfg.clients < 1 || cfg.sheets < 1 || cfg.warmup < 0 || cfg.rounds < 1 || cfg.think < 0 {
		fmt.Fprintln(stderr, "podiumload submit: --clients, --sheets and --rounds must be positive, --warmup and --think not negative, and no arguments")
		return 2
	}
	met, err := submit(ctx, cfg, stdout, stderr)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "podiumload submit: %v\n", err)
		return 1
	case !met && cfg.failOnMiss:
		return 3
	}
	return 0
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// Targets of DESIGN.md §6 for score submission.
const (
	targetRatio = 0.7
	targetP99   = 20 * time.Millisecond
)

func submit(ctx context.Context, cfg submitConfig, stdout, stderr io.Writer) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	phases := strings.Split(cfg.order, ",")
	for _, p := range phases {
		if p != "direct" && p != "http" {
			return false, fmt.Errorf("--order: unknown phase %q (direct, http)", p)
		}
	}
	warmPer := (cfg.warmup + cfg.clients - 1) / cfg.clients
	slicePer := (cfg.sheets + cfg.clients*cfg.rounds - 1) / (cfg.clients * cfg.rounds) // per client and round
	measuredPer := slicePer * cfg.rounds

	// Throwaway database and Redis prefix.
	u, err := url.Parse(cfg.databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return false, fmt.Errorf("--database-url must be a postgres:// URL")
	}
	suffix := strings.ToLower(rand.Text()[:12])
	u.Path = "/podiumload_" + suffix
	dsn := u.String()
	if err := contest.CreateDatabase(ctx, dsn); err != nil {
		return false, err
	}
	defer func() {
		if cfg.keep {
			fmt.Fprintf(stdout, "kept database %s\n", dsn)
			return
		}
		dropCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := contest.DropDatabase(dropCtx, dsn); err != nil {
			fmt.Fprintf(stderr, "podiumload: drop database: %v\n", err)
		}
	}()
	db, err := contest.OpenDB(ctx, dsn)
	if err != nil {
		return false, err
	}
	defer db.Close()
	var syncCommit, version string
	if err := db.GetContext(ctx, &syncCommit, `SHOW synchronous_commit`); err != nil {
		return false, err
	}
	if err := db.GetContext(ctx, &version, `SHOW server_version`); err != nil {
		return false, err
	}
	if syncCommit == "off" {
		return false, fmt.Errorf("synchronous_commit is off on this server; the target is measured with it on")
	}
	opt, err := redis.ParseURL(cfg.redisURL)
	if err != nil {
		return false, fmt.Errorf("--redis-url: %w", err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return false, fmt.Errorf("cannot reach Redis at %s: %w", opt.Addr, err)
	}
	prefix := "podiumload_" + suffix + ":"
	defer func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	}()

	// The rooms a tablet's submission goes through, on the database under test.
	handle := contest.NewDB(db)
	accounts, entries := access.New(handle), entry.New(handle)
	rooms := seedRooms{contests: contest.New(handle), accounts: accounts, judging: judging.New(handle, accounts, entries)}
	seedStart := time.Now()
	w, err := seed(ctx, handle, rooms, cfg.clients*len(phases), warmPer+measuredPer)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(stdout, "podiumload submit: %d clients, %d timed sheets per phase in %d rounds after %d warm-up; PostgreSQL %s, synchronous_commit=%s; GOMAXPROCS=%d, %d CPUs; seeded %d judges in %v\n",
		cfg.clients, cfg.clients*measuredPer, cfg.rounds, cfg.clients*warmPer, version, syncCommit, runtime.GOMAXPROCS(0), runtime.NumCPU(),
		len(w.judges), time.Since(seedStart).Round(time.Millisecond))

	// The real web stack, served on loopback.
	tmp, err := os.MkdirTemp("", "podiumload-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	blobs, err := blob.NewLocal(tmp + "/blobs")
	if err != nil {
		return false, err
	}
	srv, err := web.New(web.Config{DB: handle, Contests: rooms.contests, Accounts: accounts, Entries: entries, Judging: rooms.judging,
		Results: results.New(handle), Audit: audit.New(db), Redis: rdb, RedisPrefix: prefix, Blobs: blobs, StagingDir: tmp + "/tus",
		Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return false, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return false, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: cfg.clients, MaxIdleConnsPerHost: cfg.clients, MaxConnsPerHost: cfg.clients, DisableCompression: true,
	}}
	defer client.CloseIdleConnections()

	senders := map[string]func(context.Context, judge, sheet) error{
		"direct": func(ctx context.Context, j judge, s sheet) error {
			_, err := rooms.judging.SubmitSheet(ctx, access.EveryContest(j.account), s.assignment, s.input, s.key, s.hash)
			return err
		},
		"http": func(ctx context.Context, j judge, s sheet) error {
			return post(ctx, client, base, j, s)
		},
	}
	// Each phase has its own judges; round r runs the phases in order, reversed on odd rounds.
	results := map[string]*result{}
	for i, name := range phases {
		judges := w.judges[i*cfg.clients : (i+1)*cfg.clients]
		r, err := runPhase(ctx, name, judges, func(j judge) []sheet { return j.sheets[:warmPer] }, senders[name], cfg.think)
		if err != nil {
			return false, fmt.Errorf("warm-up: %w", err)
		}
		r.elapsed, r.latencies = 0, nil
		results[name] = &r
	}
	// The tables grew from nothing in seconds, faster than autovacuum looks
	// (once a minute): without fresh statistics PostgreSQL would keep plans
	// made for empty tables (sequential scans, foreign-key checks included).
	// A contest's database in service is analyzed as it grows.
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		return false, err
	}
	for round := range cfg.rounds {
		order := slices.Clone(phases)
		if round%2 == 1 {
			slices.Reverse(order)
		}
		for _, name := range order {
			i := slices.Index(phases, name)
			judges := w.judges[i*cfg.clients : (i+1)*cfg.clients]
			from := warmPer + round*slicePer
			r, err := runPhase(ctx, name, judges, func(j judge) []sheet { return j.sheets[from : from+slicePer] }, senders[name], cfg.think)
			if err != nil {
				return false, err
			}
			fmt.Fprintf(stderr, "round %d, %s: %d sheets in %v, %.0f/s\n", round+1, name, len(r.latencies), r.elapsed.Round(time.Millisecond), r.rate())
			results[name].elapsed += r.elapsed
			results[name].latencies = append(results[name].latencies, r.latencies...)
		}
	}
	for _, r := range results {
		slices.Sort(r.latencies)
	}

	// Nothing lost, nothing doubled, the chain holds.
	var submitted int
	if err := db.GetContext(ctx, &submitted, `SELECT count(*) FROM score_sheets WHERE state = 'submitted'`); err != nil {
		return false, err
	}
	want := len(phases) * cfg.clients * (warmPer + measuredPer)
	checked, problems, err := audit.New(db).Verify(ctx, &w.contestID)
	if err != nil {
		return false, err
	}
	if submitted != want || len(problems) != 0 {
		return false, fmt.Errorf("after the run: %d submitted sheets (want %d), audit problems %v", submitted, want, problems)
	}

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tsheets\tseconds\tsheets/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	for _, name := range phases {
		r := results[name]
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", strings.ToUpper(name), len(r.latencies), r.elapsed.Seconds(), r.rate(),
			ms(r.percentile(50)), ms(r.percentile(95)), ms(r.percentile(99)), ms(r.percentile(100)))
	}
	tw.Flush()
	fmt.Fprintf(stdout, "verified: %d sheets submitted once each, audit chain of %d records holds\n", submitted, checked)
	d, h := results["direct"], results["http"]
	if d == nil || h == nil {
		return true, nil
	}
	ratio, p99 := h.rate()/d.rate(), h.percentile(99)
	okRatio, okP99 := ratio >= targetRatio, p99 < targetP99
	if cfg.think > 0 {
		// Paced clients offer less than the machine can take: informative, but
		// not the targets' measurement.
		fmt.Fprintf(stdout, "clients paused %v between sheets: HTTP/DIRECT rate ratio %.2f, HTTP p99 %.2f ms (the targets are judged with --think 0)\n",
			cfg.think, ratio, ms(p99))
		return true, nil
	}
	fmt.Fprintf(stdout, "HTTP/DIRECT rate ratio %.2f (target ≥ %.2f): %s\n", ratio, targetRatio, verdict(okRatio))
	fmt.Fprintf(stdout, "HTTP p99 %.2f ms (target < %.0f ms): %s\n", ms(p99), ms(targetP99), verdict(okP99))
	return okRatio && okP99, nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// post submits one sheet as a tablet does: session cookie, CSRF token, idempotency key.
func post(ctx context.Context, client *http.Client, base string, j judge, s sheet) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		fmt.Sprintf("%s/api/v1/judge/assignments/%d/sheet", base, s.assignment), bytes.NewReader(s.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", j.csrf)
	req.Header.Set("Idempotency-Key", s.key)
	req.AddCookie(&http.Cookie{Name: "podium_session", Value: j.cookie})
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("assignment %d: %d %s", s.assignment, res.StatusCode, body)
	}
	return nil
}

// result is a phase's timed part.
type result struct {
	elapsed   time.Duration
	latencies []time.Duration // sorted once complete
}

func (r result) rate() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

// percentile is the nearest-rank percentile p of the latencies (100: the maximum).
func (r result) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.latencies))*p/100+0.999999) - 1
	return r.latencies[min(max(i, 0), len(r.latencies)-1)]
}

// runPhase runs one client per judge, all released at once, each submitting its
// sheets one after another and timing each. The clock runs from the release to
// the last answer.
func runPhase(ctx context.Context, name string, judges []judge, sheets func(judge) []sheet, send func(context.Context, judge, sheet) error, think time.Duration) (result, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var done sync.WaitGroup
	release := make(chan struct{})
	lat := make([][]time.Duration, len(judges))
	for i, j := range judges {
		done.Go(func() {
			<-release
			if think > 0 { // paced clients start at random, as judges do, not in one burst
				time.Sleep(mrand.N(think))
			}
			for _, s := range sheets(j) {
				if ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				if err := send(ctx, j, s); err != nil {
					cancel(fmt.Errorf("%s: %w", name, err))
					return
				}
				lat[i] = append(lat[i], time.Since(t0))
				if think > 0 { // jittered, so that the clients do not move in lockstep
					select {
					case <-ctx.Done():
					case <-time.After(think/2 + mrand.N(think)):
					}
				}
			}
		})
	}
	start := time.Now()
	close(release)
	done.Wait()
	r := result{elapsed: time.Since(start)}
	if err := context.Cause(ctx); err != nil {
		return r, err
	}
	for _, l := range lat {
		r.latencies = append(r.latencies, l...)
	}
	return r, nil
}
