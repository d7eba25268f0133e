package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"

	"podium/web/live"
)

// The live board scenario: a swarm of spectators' websockets watches one
// board while judges publish changes; the same swarm is served by a bare
// gorilla broadcaster (the baseline) and by web/live (hub and Redis broker),
// in one run. The swarm runs in a child process (podiumload live-swarm) so
// that the servers' memory per connection is the servers' alone; publisher
// and swarm share the machine's clock, so the latency is submit-to-screen.

type liveConfig struct {
	spectators, judges, events, instances, size int
	interval, storm, timeout                    time.Duration
	stuck                                       float64
	mode, redisURL                              string
	reconnect, inproc                           bool
}

func runLive(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("podiumload live", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := liveConfig{}
	fs.IntVar(&cfg.spectators, "spectators", 1000, "spectators' websockets")
	fs.IntVar(&cfg.judges, "judges", 4, "judges submitting scores (each submission publishes the board's next version)")
	fs.IntVar(&cfg.events, "events", 50, "score submissions, each a new board version")
	fs.DurationVar(&cfg.interval, "interval", 150*time.Millisecond, "time between submissions (above the hub's 100ms coalescing interval, so every version is expected on every screen)")
	fs.IntVar(&cfg.size, "size", 2048, "bytes of board data per message")
	fs.IntVar(&cfg.instances, "instances", 1, "web/live instances (hubs with their own listener and broker) on one Redis: 1 or 2; spectators are spread over them")
	fs.Float64Var(&cfg.stuck, "stuck", 0, "fraction of spectators that connect and never read (0.05: 5%)")
	fs.BoolVar(&cfg.reconnect, "reconnect", false, "after the events, every reading spectator disconnects and reconnects within --storm (web/live only)")
	fs.DurationVar(&cfg.storm, "storm", 5*time.Second, "how long the reconnect storm is spread over")
	fs.StringVar(&cfg.mode, "mode", "both", "baseline, podium or both (baseline first, same swarm)")
	fs.StringVar(&cfg.redisURL, "redis-url", envOr(getenv, "REDIS_URL", "redis://localhost:6379/0"), "Redis URL ($REDIS_URL); keys go under a unique prefix, removed at the end")
	fs.DurationVar(&cfg.timeout, "timeout", 10*time.Minute, "give up after this long")
	fs.BoolVar(&cfg.inproc, "inproc", false, "run the swarm in this process (tests; server memory per connection then includes the clients')")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || cfg.spectators < 1 || cfg.judges < 1 || cfg.events < 1 || cfg.instances < 1 || cfg.instances > 2 ||
		cfg.stuck < 0 || cfg.stuck >= 1 || (cfg.mode != "both" && cfg.mode != "baseline" && cfg.mode != "podium") {
		fmt.Fprintln(stderr, "podiumload live: --spectators, --judges, --events positive; --instances 1 or 2; --stuck in [0,1); --mode baseline, podium or both")
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	if err := liveRun(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "podiumload live: %v\n", err)
		return 1
	}
	return 0
}

// phaseResult is what one phase measured.
type phaseResult struct {
	name                string
	swarm               swarmReport
	memPerConn          float64 // bytes
	dropped             int64
	droppedIn           time.Duration // from the first event until every stuck spectator was dropped
	storm               *stormReport
	fromMemory, fromSrc int64
}

func liveRun(ctx context.Context, cfg liveConfig, stdout, stderr io.Writer) error {
	stuck := int(float64(cfg.spectators) * cfg.stuck)
	fmt.Fprintf(stdout, "podiumload live: %d spectators (%d never read), %d judges, %d events every %v, %d B boards, %d instance(s); GOMAXPROCS=%d, %d CPUs\n",
		cfg.spectators, stuck, cfg.judges, cfg.events, cfg.interval, cfg.size, cfg.instances, runtime.GOMAXPROCS(0), runtime.NumCPU())
	var results []phaseResult
	if cfg.mode != "podium" {
		r, err := livePhase(ctx, cfg, "baseline", stderr)
		if err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
		results = append(results, r)
	}
	if cfg.mode != "baseline" {
		r, err := livePhase(ctx, cfg, "podium", stderr)
		if err != nil {
			return fmt.Errorf("podium: %w", err)
		}
		results = append(results, r)
	}
	fmt.Fprintf(stdout, "%-9s %9s %9s %8s %8s %8s %8s %7s %10s %8s %9s\n", "phase", "delivered", "expected", "in order", "p50 ms", "p99 ms", "max ms", "held", "B/conn", "dropped", "drop s")
	for _, r := range results {
		s := r.swarm
		fmt.Fprintf(stdout, "%-9s %9d %9d %8v %8.2f %8.2f %8.2f %7d %10.0f %8d %9.1f\n", r.name, s.Delivered, s.Expected, s.OutOfOrder == 0,
			s.P50, s.P99, s.Max, s.Held, r.memPerConn, r.dropped, r.droppedIn.Seconds())
	}
	for _, r := range results {
		if r.storm != nil {
			st := r.storm
			fmt.Fprintf(stdout, "reconnect storm (%s): %d of %d reached v%d; catch-up p50 %.1f ms, p99 %.1f ms, max %.1f ms; snapshots from memory %d, boards loaded from Redis %d, PostgreSQL queries 0\n",
				r.name, st.Reached, st.Clients, st.Version, st.P50, st.P99, st.Max, r.fromMemory, r.fromSrc)
		}
	}
	if len(results) == 2 {
		b, p := results[0], results[1]
		fmt.Fprintf(stdout, "podium/baseline: p99 %.2f (target ≤ 1.5), memory per connection %.2f (target ≤ 1.5, and ≤ 20 KiB: %.1f KiB)\n",
			p.swarm.P99/b.swarm.P99, p.memPerConn/b.memPerConn, p.memPerConn/1024)
	}
	return nil
}

// server is what a phase serves: a publish function and its URLs.
type server struct {
	urls    []string
	publish func(ctx context.Context, v int64, data []byte) error
	stats   func() live.Stats
	close   func()
}

func livePhase(ctx context.Context, cfg liveConfig, name string, stderr io.Writer) (phaseResult, error) {
	res := phaseResult{name: name}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var srv *server
	var err error
	if name == "baseline" {
		srv, err = startBaseline()
	} else {
		srv, err = startPodium(ctx, cfg, stderr)
	}
	if err != nil {
		return res, err
	}
	defer srv.close()

	swarm, err := startSwarm(ctx, cfg, srv.urls, name == "podium" && cfg.reconnect, stderr)
	if err != nil {
		return res, err
	}
	defer swarm.close()
	if _, err := swarm.expect("ready"); err != nil {
		return res, err
	}
	time.Sleep(500 * time.Millisecond) // let the last handshakes settle
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	conns := srv.stats().Conns
	if conns > 0 {
		res.memPerConn = float64(int64(after.HeapInuse+after.StackInuse)-int64(before.HeapInuse+before.StackInuse)) / float64(conns)
	}

	// The judges: each submission publishes the board's next version, in turn.
	stuck := int(float64(cfg.spectators) * cfg.stuck)
	firstEvent := time.Now()
	var version atomic.Int64
	var mu sync.Mutex
	tick := time.NewTicker(cfg.interval)
	var wg sync.WaitGroup
	var pubErr atomic.Pointer[error]
	pad := strings.Repeat("x", max(cfg.size-40, 0))
	for range cfg.judges {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case _, ok := <-tick.C:
					if !ok {
						return
					}
				}
				mu.Lock()
				v := version.Load() + 1
				if v > int64(cfg.events) {
					mu.Unlock()
					return
				}
				data := fmt.Appendf(nil, `{"t":%d,"seq":%d,"pad":"%s"}`, time.Now().UnixNano(), v, pad)
				if err := srv.publish(ctx, v, data); err != nil {
					pubErr.Store(&err)
				}
				version.Store(v)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	tick.Stop()
	if e := pubErr.Load(); e != nil {
		return res, fmt.Errorf("publish: %w", *e)
	}
	swarm.send(fmt.Sprintf("last %d", cfg.events))
	line, err := swarm.expect("done")
	if err != nil {
		return res, err
	}
	if err := json.Unmarshal([]byte(line), &res.swarm); err != nil {
		return res, err
	}
	// The stuck spectators must be gone within 10 s of the first event.
	for stuck > 0 && time.Since(firstEvent) < 20*time.Second {
		st := srv.stats()
		if st.Dropped+st.TimedOut >= int64(stuck) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	st := srv.stats()
	res.dropped = st.Dropped + st.TimedOut
	if stuck > 0 {
		res.droppedIn = time.Since(firstEvent)
	}
	if name == "podium" && cfg.reconnect {
		swarm.send("storm")
		line, err := swarm.expect("storm")
		if err != nil {
			return res, err
		}
		res.storm = &stormReport{}
		if err := json.Unmarshal([]byte(line), res.storm); err != nil {
			return res, err
		}
		after := srv.stats()
		res.fromMemory, res.fromSrc = after.FromMemory-st.FromMemory, after.FromSource-st.FromSource
	}
	swarm.send("quit")
	return res, nil
}

// startBaseline serves a bare gorilla broadcaster: prepared messages, a
// bounded queue per connection, read and write pumps as in gorilla's chat
// example, nothing else.
func startBaseline() (*server, error) {
	b := &broadcaster{conns: map[*bconn]struct{}{}}
	up := websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024} // gorilla's chat example
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		c := &bconn{ws: ws, send: make(chan *websocket.PreparedMessage, 16), done: make(chan struct{})}
		b.mu.Lock()
		b.conns[c] = struct{}{}
		b.mu.Unlock()
		go b.writePump(c)
		go b.readPump(c)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return &server{
		urls: []string{"ws://" + ln.Addr().String() + "/"},
		publish: func(_ context.Context, v int64, data []byte) error {
			raw, _ := json.Marshal(live.Message{Type: live.TypeUpdate, Board: "b", Version: v, Epoch: "e", Data: data})
			pm, err := websocket.NewPreparedMessage(websocket.TextMessage, raw)
			if err != nil {
				return err
			}
			b.broadcast(pm)
			return nil
		},
		stats: func() live.Stats {
			b.mu.Lock()
			defer b.mu.Unlock()
			return live.Stats{Conns: len(b.conns), Dropped: b.dropped, TimedOut: b.timedOut}
		},
		close: func() {
			hs.Close()
			b.mu.Lock()
			for c := range b.conns {
				c.close()
			}
			b.mu.Unlock()
		},
	}, nil
}

type broadcaster struct {
	mu                sync.Mutex
	conns             map[*bconn]struct{}
	dropped, timedOut int64
}

type bconn struct {
	ws   *websocket.Conn
	send chan *websocket.PreparedMessage
	done chan struct{}
	once sync.Once
}

func (c *bconn) close() { c.once.Do(func() { close(c.done); c.ws.Close() }) }

func (b *broadcaster) broadcast(pm *websocket.PreparedMessage) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for c := range b.conns {
		select {
		case c.send <- pm:
		default:
			delete(b.conns, c)
			b.dropped++
			c.close()
		}
	}
}

func (b *broadcaster) remove(c *bconn, timedOut bool) {
	b.mu.Lock()
	if _, ok := b.conns[c]; ok {
		delete(b.conns, c)
		if timedOut {
			b.timedOut++
		}
	}
	b.mu.Unlock()
	c.close()
}

func (b *broadcaster) readPump(c *bconn) {
	c.ws.SetReadLimit(512)
	_ = c.ws.SetReadDeadline(time.Now().Add(8 * time.Second))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(8 * time.Second)) })
	for {
		if _, _, err := c.ws.NextReader(); err != nil {
			var ne net.Error
			b.remove(c, errors.As(err, &ne) && ne.Timeout())
			return
		}
	}
}

func (b *broadcaster) writePump(c *bconn) {
	ping := time.NewTicker(3 * time.Second)
	defer ping.Stop()
	for {
		select {
		case pm := <-c.send:
			_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := c.ws.WritePreparedMessage(pm); err != nil {
				b.remove(c, true)
				return
			}
		case <-ping.C:
			_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := c.ws.WriteMessage(websocket.PingMessage, nil); err != nil {
				b.remove(c, true)
				return
			}
		case <-c.done:
			return
		}
	}
}

// startPodium serves web/live: one or two instances (a hub, its broker and a
// listener each) on one Redis, under a throwaway key prefix.
func startPodium(ctx context.Context, cfg liveConfig, stderr io.Writer) (*server, error) {
	opt, err := redis.ParseURL(cfg.redisURL)
	if err != nil {
		return nil, fmt.Errorf("--redis-url: %w", err)
	}
	rdb := redis.NewClient(opt)
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("cannot reach Redis at %s: %w", opt.Addr, err)
	}
	prefix := "podiumload_" + strings.ToLower(rand.Text()[:12]) + ":"
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var hubs []*live.Hub
	var brokers []*live.Broker
	var servers []*http.Server
	srv := &server{}
	for range cfg.instances {
		hub := live.NewHub(live.Options{Log: log})
		br := live.NewBroker(rdb, hub, live.BrokerOptions{Prefix: prefix, Log: log})
		wg.Go(func() { _ = br.Run(runCtx) })
		mux := http.NewServeMux()
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			_ = hub.Serve(w, r, "b", live.PositionFromQuery(r.URL.Query()))
		})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			cancel()
			return nil, err
		}
		hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = hs.Serve(ln) }()
		hubs, brokers, servers = append(hubs, hub), append(brokers, br), append(servers, hs)
		srv.urls = append(srv.urls, "ws://"+ln.Addr().String()+"/")
	}
	// Wait until every broker has its epoch and subscription.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		n, err := rdb.PubSubNumSub(ctx, "{"+prefix+"live}:events").Result()
		if err == nil && n["{"+prefix+"live}:events"] >= int64(cfg.instances) && brokers[len(brokers)-1].Epoch() != "" {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			return nil, fmt.Errorf("the brokers did not subscribe: %v %v", n, err)
		}
	}
	srv.publish = func(ctx context.Context, v int64, data []byte) error {
		return brokers[0].Publish(ctx, live.Update{Board: "b", Version: v, Data: data, Ranking: []live.Rank{{Member: "entry", Score: float64(v)}}})
	}
	srv.stats = func() live.Stats {
		var s live.Stats
		for _, h := range hubs {
			x := h.Stats()
			s.Conns += x.Conns
			s.Dropped += x.Dropped
			s.TimedOut += x.TimedOut
			s.FromMemory += x.FromMemory
			s.FromSource += x.FromSource
		}
		return s
	}
	srv.close = func() {
		for i, hs := range servers {
			hs.Close()
			hubs[i].Close()
		}
		cancel()
		wg.Wait()
		iter := rdb.Scan(context.Background(), 0, "{"+prefix+"*", 100).Iterator()
		for iter.Next(context.Background()) {
			rdb.Del(context.Background(), iter.Val())
		}
		rdb.Close()
	}
	return srv, nil
}

// swarmProc talks to the swarm: lines in, lines out.
type swarmProc struct {
	in    io.WriteCloser
	out   *bufio.Scanner
	close func()
}

func (s *swarmProc) send(line string) { fmt.Fprintln(s.in, line) }

// expect reads lines until one starting with word; it returns the rest.
func (s *swarmProc) expect(word string) (string, error) {
	for s.out.Scan() {
		line := s.out.Text()
		if rest, ok := strings.CutPrefix(line, word); ok {
			return strings.TrimSpace(rest), nil
		}
	}
	if err := s.out.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("the swarm ended before %q", word)
}

func startSwarm(ctx context.Context, cfg liveConfig, urls []string, storm bool, stderr io.Writer) (*swarmProc, error) {
	args := []string{"live-swarm", "--urls", strings.Join(urls, ","), "--spectators", strconv.Itoa(cfg.spectators),
		"--stuck", strconv.FormatFloat(cfg.stuck, 'f', -1, 64), "--storm", cfg.storm.String()}
	if cfg.inproc {
		inR, inW := io.Pipe()
		outR, outW := io.Pipe()
		go func() {
			swarmMain(ctx, args[1:], inR, outW, stderr)
			outW.Close()
		}()
		sc := bufio.NewScanner(outR)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		return &swarmProc{in: inW, out: sc, close: func() { inW.Close() }}, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	return &swarmProc{in: in, out: sc, close: func() {
		in.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}}, nil
}

// swarmReport is what the swarm measured (latencies in milliseconds).
type swarmReport struct {
	Held, Reading, Reached          int
	Delivered, Expected, OutOfOrder int64
	P50, P99, Max                   float64
}

type stormReport struct {
	Clients, Reached int
	Version          int64
	P50, P99, Max    float64
}

// spectator is one reading websocket of the swarm.
type spectator struct {
	url       string
	ws        *websocket.Conn
	mu        sync.Mutex
	last      int64
	count     int64
	disorder  int64
	lat       []int32 // µs
	reachedAt chan struct{}
	target    int64
}

// runSwarm is the hidden scenario live-swarm: it connects the spectators,
// says "ready", and answers the parent's lines ("last V", "storm", "quit").
func runSwarm(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return swarmMain(ctx, args, os.Stdin, stdout, stderr)
}

func swarmMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("podiumload live-swarm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	urls := fs.String("urls", "", "comma-separated websocket URLs")
	n := fs.Int("spectators", 1000, "")
	stuckFrac := fs.Float64("stuck", 0, "")
	stormFor := fs.Duration("storm", 5*time.Second, "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	targets := strings.Split(*urls, ",")
	stuck := int(float64(*n) * *stuckFrac)
	dialer := &websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 512}
	var all []*spectator
	var stuckConns []*websocket.Conn
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64) // dial at most this many at once
	var dialErr atomic.Pointer[error]
	for i := range *n {
		u := targets[i%len(targets)]
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			ws, _, err := dialer.DialContext(ctx, u, nil)
			if err != nil {
				dialErr.Store(&err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if i < stuck {
				stuckConns = append(stuckConns, ws) // never read
				return
			}
			s := &spectator{url: u, ws: ws}
			all = append(all, s)
		})
	}
	wg.Wait()
	if e := dialErr.Load(); e != nil {
		fmt.Fprintf(stderr, "podiumload live-swarm: dial: %v\n", *e)
		return 1
	}
	var readers sync.WaitGroup
	for _, s := range all {
		readers.Go(func() { s.read(s.ws) })
	}
	fmt.Fprintln(stdout, "ready")
	in := bufio.NewScanner(stdin)
	var last int64
	for in.Scan() {
		word, arg, _ := strings.Cut(in.Text(), " ")
		switch word {
		case "last":
			last, _ = strconv.ParseInt(arg, 10, 64)
			deadline := time.Now().Add(10 * time.Second)
			for _, s := range all {
				for s.lastVersion() < last && time.Now().Before(deadline) {
					time.Sleep(5 * time.Millisecond)
				}
			}
			r := swarmReport{Held: len(all) + len(stuckConns), Reading: len(all)}
			var lat []int32
			for _, s := range all {
				s.mu.Lock()
				r.Delivered += s.count
				r.OutOfOrder += s.disorder
				if s.last >= last {
					r.Reached++
				}
				lat = append(lat, s.lat...)
				s.mu.Unlock()
			}
			r.Expected = int64(len(all)) * last
			slices.Sort(lat)
			r.P50, r.P99, r.Max = pct(lat, 50), pct(lat, 99), pct(lat, 100)
			raw, _ := json.Marshal(r)
			fmt.Fprintf(stdout, "done %s\n", raw)
		case "storm":
			// Every reading spectator drops its connection and reconnects,
			// spread over stormFor; each times its way back to the last version.
			for _, s := range all {
				s.ws.Close()
			}
			readers.Wait()
			times := make([]int32, len(all))
			reached := atomic.Int64{}
			var sw sync.WaitGroup
			start := time.Now()
			for i, s := range all {
				sw.Go(func() {
					time.Sleep(time.Until(start.Add(*stormFor * time.Duration(i) / time.Duration(len(all)))))
					t0 := time.Now()
					reachedAt := make(chan struct{}) // read closes it and forgets it: wait on this one
					s.mu.Lock()
					// A page loaded afresh: it shows nothing and needs the snapshot.
					s.target, s.reachedAt, s.last = last, reachedAt, 0
					s.mu.Unlock()
					ws, _, err := dialer.DialContext(ctx, s.url, nil)
					if err != nil {
						times[i] = -1
						return
					}
					s.ws = ws
					readers.Go(func() { s.read(ws) })
					select {
					case <-reachedAt:
						times[i] = int32(time.Since(t0) / time.Microsecond)
						reached.Add(1)
					case <-time.After(30 * time.Second):
						times[i] = -1
					}
				})
			}
			sw.Wait()
			ok := slices.DeleteFunc(slices.Clone(times), func(t int32) bool { return t < 0 })
			slices.Sort(ok)
			raw, _ := json.Marshal(stormReport{Clients: len(all), Reached: int(reached.Load()), Version: last, P50: pct(ok, 50), P99: pct(ok, 99), Max: pct(ok, 100)})
			fmt.Fprintf(stdout, "storm %s\n", raw)
		case "quit":
			for _, s := range all {
				s.ws.Close()
			}
			for _, c := range stuckConns {
				c.Close()
			}
			return 0
		}
	}
	for _, s := range all {
		s.ws.Close()
	}
	for _, c := range stuckConns {
		c.Close()
	}
	return 0
}

func pct(sorted []int32, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	return float64(sorted[min(max(i, 0), len(sorted)-1)]) / 1000
}

var (
	versionField = []byte(`"version":`)
	tField       = []byte(`"t":`)
)

// read reads ws until it closes, noting each state's version and latency. The
// fields are found by scanning, not decoding: the swarm's own cost stays small
// and alike in both phases.
func (s *spectator) read(ws *websocket.Conn) {
	for {
		_, raw, err := ws.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now().UnixNano()
		v, okV := intAfter(raw, versionField)
		t, okT := intAfter(raw, tField)
		if !okV {
			continue // a status message
		}
		s.mu.Lock()
		switch {
		case v > s.last:
			s.last = v
			s.count++
			if okT && s.reachedAt == nil {
				s.lat = append(s.lat, int32((now-t)/1000))
			}
		case v < s.last:
			s.disorder++
		}
		if s.reachedAt != nil && s.last >= s.target {
			close(s.reachedAt)
			s.reachedAt = nil
			s.target = 1 << 62
		}
		s.mu.Unlock()
	}
}

func (s *spectator) lastVersion() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

func intAfter(raw, field []byte) (int64, bool) {
	i := bytes.Index(raw, field)
	if i < 0 {
		return 0, false
	}
	j := i + len(field)
	k := j
	for k < len(raw) && raw[k] >= '0' && raw[k] <= '9' {
		k++
	}
	n, err := strconv.ParseInt(string(raw[j:k]), 10, 64)
	return n, err == nil
}
