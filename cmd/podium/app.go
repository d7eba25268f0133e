package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/redis/go-redis/v9"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/live"
	"podium/contest/notify"
	"podium/contest/objections"
	"podium/contest/onward"
	"podium/contest/results"
	"podium/contest/showcase"
	"podium/files/blob"
	"podium/files/pdftext"
	"podium/sealed"
	"podium/web"
	fanout "podium/web/live"
)

// StartRedis is the command that starts the local Redis on the machines we support.
const StartRedis = `redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log`

// Main is a running Podium: its connections and HTTP server. Tests run it on ":0".
type Main struct {
	Config Config
	Log    *slog.Logger

	*Domain
	Redis redis.UniversalClient
	Blobs blob.Store
	Web   *web.Server
	// LiveHub holds this instance's screens of the live final's boards;
	// LiveBroker carries the boards through Redis (one subscription, run by
	// Serve for the server's lifetime).
	LiveHub    *fanout.Hub
	LiveBroker *fanout.Broker

	ln         net.Listener
	server     *http.Server
	background []func(ctx context.Context)
}

// Go runs f in the background while Serve serves (the demo's live director):
// f is given Serve's context and must return when it ends; Serve waits for it
// before it lets the live boards and Redis go.
func (m *Main) Go(f func(ctx context.Context)) { m.background = append(m.background, f) }

// finalityEvery is how often the server settles publications whose
// publicity period has ended; the public page settles its own contest too.
const finalityEvery = time.Minute

// settleFinality makes publications final as their periods end, until ctx ends.
func (m *Main) settleFinality(ctx context.Context) {
	t := time.NewTicker(finalityEvery)
	defer t.Stop()
	for {
		if n, err := m.Results.SettleFinality(ctx, 0); err != nil && ctx.Err() == nil {
			m.Log.Warn("settle publicity periods", "err", err)
		} else if n > 0 {
			m.Log.Info("results became final", "publications", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// emailTransport is how e-mail goes out: through the SMTP server configured,
// or, without one, into the log (said once at start).
func (m *Main) emailTransport() (notify.Transport, error) {
	c := m.Config
	if c.SMTPHost == "" {
		m.Log.Info("no SMTP server set (PODIUM_SMTP_HOST): e-mail notifications are written to the log")
		return notify.LogTransport{Log: m.Log, Channel: notify.Email}, nil
	}
	port := 0
	if c.SMTPPort != "" {
		p, err := strconv.Atoi(c.SMTPPort)
		if err != nil || p <= 0 || p > 65535 {
			return nil, fmt.Errorf("PODIUM_SMTP_PORT must be a port number, not %q", c.SMTPPort)
		}
		port = p
	}
	return notify.NewSMTP(notify.SMTPConfig{Host: c.SMTPHost, Port: port, Username: c.SMTPUsername,
		Password: c.SMTPPassword, From: c.SMTPFrom, TLS: c.SMTPTLS})
}

// sendNotifications delivers the outbox until ctx ends; links in messages
// start with PODIUM_BASE_URL, or else the address the server listens on.
func (m *Main) sendNotifications(ctx context.Context, email notify.Transport) {
	base := m.Config.BaseURL
	if base == "" && m.ln != nil {
		base = m.URL()
	}
	s := &notify.Sender{DB: m.DB.DB, Email: email, SMS: notify.LogTransport{Log: m.Log, Channel: notify.SMS},
		BaseURL: base, Log: m.Log}
	s.Run(ctx)
}

// Open connects to PostgreSQL (creating and migrating the database as needed) and
// Redis, failing with one clear line when either cannot be reached.
func (m *Main) Open(ctx context.Context) error {
	if m.Log == nil {
		m.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	m.Config.setDefaults()
	db, err := contest.OpenDB(ctx, m.Config.DatabaseURL)
	if err != nil {
		return err
	}
	m.Domain = newDomain(db)
	m.Go(m.settleFinality)
	email, err := m.emailTransport()
	if err != nil {
		return fmt.Errorf("e-mail settings: %w", err)
	}
	m.Go(func(ctx context.Context) { m.sendNotifications(ctx, email) })
	m.Entries.FindIdentity = pdftext.FindIdentity
	if m.Redis, err = openRedis(ctx, m.Config, m.Log); err != nil {
		return err
	}
	if err := os.MkdirAll(m.Config.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	if m.Blobs, err = blob.NewLocal(filepath.Join(m.Config.DataDir, "blobs")); err != nil {
		return fmt.Errorf("blob store: %w", err)
	}
	m.Entries.Blobs = m.Blobs
	m.Onward.Blobs = m.Blobs
	m.Onward.Log = m.Log
	box, err := m.openDataKey()
	if err != nil {
		return err
	}
	m.Objections = objections.New(m.DB, m.Blobs, box)
	m.Objections.Log = m.Log
	m.Entries.Log, m.Judging.Log = m.Log, m.Log
	m.LiveHub = web.NewLiveHub(fanout.Options{Log: m.Log})
	m.LiveBroker = fanout.NewBroker(m.Redis, m.LiveHub, fanout.BrokerOptions{
		Prefix: m.Config.RedisPrefix, Log: m.Log,
		// Every active room's boards, from PostgreSQL: at start, on a new
		// Redis epoch, and when Redis returns after an outage.
		Rebuild: func(ctx context.Context) error { return m.Web.RebuildLive(ctx) },
	})
	m.Web, err = web.New(web.Config{
		DB: m.DB, Contests: m.Contests, Accounts: m.Accounts, Entries: m.Entries, Judging: m.Judging, Results: m.Results, Audit: m.Audit,
		Live: m.Live, Objections: m.Objections, Onward: m.Onward, Showcase: m.Showcase, LiveHub: m.LiveHub, LiveBroker: m.LiveBroker,
		Redis: m.Redis, RedisPrefix: m.Config.RedisPrefix, Blobs: m.Blobs,
		StagingDir:    filepath.Join(m.Config.DataDir, "tus"),
		SecureCookies: m.Config.SecureCookies, BaseURL: m.Config.BaseURL, Log: m.Log,
		TrustedProxies: commaList(m.Config.TrustedProxies),
		ReadTimeout:    m.Config.ReadTimeout, WriteTimeout: m.Config.WriteTimeout,
	})
	return err
}

// Domain is the domain's rooms, each a service on the one database handle
// (docs/architecture.md).
type Domain struct {
	DB       *contest.DB
	Contests *contest.Service
	Accounts *access.Service
	Entries  *entry.Service
	Judging  *judging.Service
	Results  *results.Service
	Audit    *audit.Service
	Live     *live.Service // the live final; web wires judging's SheetChanged to its boards
	// Objections needs the blob store and the data key: Open makes it.
	Objections *objections.Service
	Onward     *onward.Service // exports

	Showcase *showcase.Service // the investor showcase
}

// newDomain builds the rooms on db, each given the rooms it calls.
func newDomain(db *sqlx.DB) *Domain {
	h := contest.NewDB(db)
	d := &Domain{DB: h, Contests: contest.New(h), Accounts: access.New(h), Entries: entry.New(h), Results: results.New(h), Audit: audit.New(db)}
	d.Judging = judging.New(h, d.Accounts, d.Entries)
	d.Live = live.New(h, d.Judging)
	d.Onward = onward.New(h, d.Results)
	d.Showcase = showcase.New(h, d.Accounts, d.Results)
	return d
}

// dataKeyFile is where the data key is kept when PODIUM_DATA_KEY is not set:
// beside the blob directory, in PODIUM_DATA_DIR.
const dataKeyFile = "data.key"

// openDataKey returns the box sealing objectors' ID numbers: under
// PODIUM_DATA_KEY, or else under the key kept in the data directory, made
// (and said so in the log) on first start.
func (m *Main) openDataKey() (*sealed.Box, error) {
	if m.Config.DataKey != "" {
		key, err := sealed.ParseKey(m.Config.DataKey)
		if err != nil {
			return nil, fmt.Errorf("PODIUM_DATA_KEY: %w", err)
		}
		return sealed.New(key)
	}
	path := filepath.Join(m.Config.DataDir, dataKeyFile)
	key, created, err := sealed.LoadOrCreateKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	if created {
		m.Log.Warn("no PODIUM_DATA_KEY: made a data key for sealing ID numbers; back it up with the database, or set PODIUM_DATA_KEY",
			slog.String("file", path))
	}
	return sealed.New(key)
}

// redisLogger takes go-redis's own log lines (one per failed dial, say) to
// the debug level: web's redisWatch reports an outage once, at its start and end.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, fmt.Sprintf(format, v...), slog.String("from", "go-redis"))
}

func openRedis(ctx context.Context, cfg Config, log *slog.Logger) (redis.UniversalClient, error) {
	redis.SetLogger(redisLogger{log}) // go-redis's logger is process-wide; the process is this Main's
	opt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL is not valid: %w", err)
	}
	addrs := []string{opt.Addr}
	if list := commaList(cfg.RedisAddrs); len(list) > 0 {
		addrs = list
	}
	// Bounded timeouts, no retries: Redis holds only what can be rebuilt, and
	// a request (a login, through its limiter) must not wait long for a Redis
	// that is down or frozen; go-redis's defaults (5 dial attempts 100 ms
	// apart, 3 s reads, 3 retries) would hold it for seconds. Callers fail open
	// or retry at their own level; the web layer logs each outage once.
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs: addrs, MasterName: cfg.RedisMaster, DB: opt.DB,
		Username: opt.Username, Password: opt.Password, TLSConfig: opt.TLSConfig,
		DialTimeout: cfg.RedisTimeout, ReadTimeout: cfg.RedisTimeout, WriteTimeout: cfg.RedisTimeout,
		PoolTimeout: cfg.RedisTimeout, ContextTimeoutEnabled: true, DialerRetries: 1, MaxRetries: -1,
	})
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("cannot reach Redis at %s (%w); start it with: %s", strings.Join(addrs, ","), err, StartRedis)
	}
	return client, nil
}

// Listen binds the configured address; URL then reports where Podium is.
func (m *Main) Listen() error {
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.ln = ln
	return nil
}

// URL is the address Podium listens on, for people and tests.
func (m *Main) URL() string {
	addr := m.ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}

// Serve answers HTTP until ctx is cancelled, then shuts down gracefully, letting
// requests in flight (a judge's submission) finish.
func (m *Main) Serve(ctx context.Context) error {
	cfg := m.Config
	m.server = &http.Server{
		Handler: m.Web.Handler(),
		// A request that makes no progress is cut off; one whose body or
		// response keeps moving has its deadlines moved on (web.Config).
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn),
	}
	// The live boards' Redis subscription lives as long as the server.
	liveCtx, stopLive := context.WithCancel(context.Background())
	liveDone := make(chan error, 1)
	go func() { liveDone <- m.LiveBroker.Run(liveCtx) }()
	defer func() {
		stopLive()
		<-liveDone
	}()
	var bg sync.WaitGroup
	bgCtx, stopBackground := context.WithCancel(ctx)
	defer func() {
		stopBackground()
		bg.Wait()
	}()
	for _, f := range m.background {
		bg.Add(1)
		go func() {
			defer bg.Done()
			f(bgCtx)
		}()
	}
	errc := make(chan error, 1)
	go func() { errc <- m.server.Serve(m.ln) }()
	go m.sweepUploads(ctx)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	// Background work stops first: what it changed is published while the
	// boards' Redis is still there.
	stopBackground()
	bg.Wait()
	// Screens first (Shutdown does not track hijacked connections): each is
	// told the server is going away and reconnects to another instance.
	m.LiveHub.Close()
	if err := m.server.Shutdown(shutdownCtx); err != nil {
		return err
	}
	// Boards of sheets submitted just before are published before Redis goes.
	if err := m.Web.Close(shutdownCtx); err != nil {
		m.Log.Warn("live boards at shutdown", "err", err)
	}
	// Assignment runs started by requests belong to judging: interrupted, they
	// record themselves failed before the process goes.
	if err := m.Judging.Close(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// sweepUploads removes, every hour, resumable uploads abandoned for a day (a
// tablet or laptop that never came back), until ctx ends.
func (m *Main) sweepUploads(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if n, err := m.Web.SweepUploads(ctx, 24*time.Hour); err != nil {
				m.Log.Warn("sweep abandoned uploads", "err", err)
			} else if n > 0 {
				m.Log.Info("swept abandoned uploads", "count", n)
			}
		}
	}
}

// Close stops the background work and releases connections.
func (m *Main) Close() error {
	var errs []error
	if m.Domain != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		errs = append(errs, m.Judging.Close(ctx))
		cancel()
	}
	if m.Redis != nil {
		errs = append(errs, m.Redis.Close())
	}
	if m.Domain != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

// commaList splits a comma-separated setting, dropping empty items.
func commaList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
