// Package web is Podium's HTTP layer: one route table, the middleware that
// authenticates and authorizes every route, JSON and page handlers, templates,
// static files and message catalogs. Domain rules live in contest and scoring.
package web

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-redis/redis_rate/v10"
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
	"podium/contest/overview"
	"podium/contest/results"
	"podium/contest/showcase"
	"podium/fault"
	"podium/files/blob"
	fanout "podium/web/live"
	"podium/web/upload"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Config is what the web layer needs from its environment.
type Config struct {
	// DB is the handle the domain's services share; the readiness check pings it.
	DB *contest.DB
	// The domain's rooms (see docs/architecture.md).
	Contests *contest.Service
	Accounts *access.Service
	Entries  *entry.Service
	Judging  *judging.Service
	Results  *results.Service
	Audit    *audit.Service
	Live     *live.Service // the live final; New sets Judging.SheetChanged to republish its boards
	// Objections (异议) to published results.
	Objections *objections.Service
	// Onward holds the organizers' exports; nil: New makes it on DB and Results.
	Onward *onward.Service
	// Showcase is the investor showcase; nil: New makes it on DB, Accounts and Results.
	Showcase *showcase.Service
	// LiveHub holds this instance's screens of the live boards, and LiveBroker
	// carries the boards through Redis (docs/live-protocol.md). Nil: New makes
	// them, on Redis and RedisPrefix; whoever runs the server runs
	// LiveBroker().Run for its lifetime and closes LiveHub() before draining.
	LiveHub    *fanout.Hub
	LiveBroker *fanout.Broker
	// Redis holds rate-limit counters; New adds a hook to it that logs each
	// outage once (redisWatch). Give it bounded timeouts: a login waits for it.
	Redis         redis.UniversalClient
	Blobs         blob.Store // uploaded files
	StagingDir    string     // partial resumable uploads (PODIUM_DATA_DIR/tus)
	RedisPrefix   string     // isolates keys of one deployment (and of each test)
	SecureCookies bool       // set the Secure flag on cookies (behind HTTPS)
	BaseURL       string     // for links shown to people, e.g. invite links; derived from the request when empty
	// TrustedProxies are the load balancers whose X-Forwarded-For is believed when
	// finding a client's address (for per-IP login limits); none by default.
	TrustedProxies []string
	Log            *slog.Logger
	// ReadTimeout and WriteTimeout are how long a request body, or a response,
	// may stall (limitRequest); the http.Server should have the same ones as its
	// ReadTimeout and WriteTimeout. Zero means DefaultReadTimeout and DefaultWriteTimeout.
	ReadTimeout, WriteTimeout time.Duration
	// LoginLimits are the failed login attempts allowed per account and per IP
	// address; RegisterPerIP the accounts an address may register.
	LoginPerAccount redis_rate.Limit
	LoginPerIP      redis_rate.Limit
	RegisterPerIP   redis_rate.Limit
	// ObjectionPerIP is the objections an address may file (attempts, refused ones included).
	ObjectionPerIP redis_rate.Limit
}

// uploadsPath is where resumable (tus) uploads are served.
const uploadsPath = "/api/v1/uploads"

// apiLoginPath is the JSON login, which checkCSRF lets through.
const apiLoginPath = "/api/v1/session"

// Server serves Podium over HTTP.
type Server struct {
	cfg Config
	// contestNames: contest id → cachedName, the live boards' contest names.
	contestNames sync.Map
	contests     *contest.Service
	accounts     *access.Service
	entries      *entry.Service
	judging      *judging.Service
	results      *results.Service
	audit        *audit.Service
	live         *live.Service
	objections   *objections.Service
	onward       *onward.Service
	notify       *notify.Service
	overview     *overview.Service
	showcase     *showcase.Service
	hub          *fanout.Hub
	broker       *fanout.Broker
	pubq         publishQueue
	log          *slog.Logger
	catalog      Catalog
	pages        map[string]*template.Template
	limiter      *redis_rate.Limiter
	engine       *gin.Engine
	uploads      *upload.Server
	shanghai     *time.Location
}

// New builds the server: catalogs and templates are parsed once, here.
func New(cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.LoginPerAccount.Rate == 0 {
		cfg.LoginPerAccount = redis_rate.Limit{Rate: 5, Burst: 5, Period: time.Minute}
	}
	if cfg.LoginPerIP.Rate == 0 {
		cfg.LoginPerIP = redis_rate.Limit{Rate: 30, Burst: 30, Period: time.Minute}
	}
	if cfg.RegisterPerIP.Rate == 0 {
		cfg.RegisterPerIP = redis_rate.Limit{Rate: 30, Burst: 30, Period: time.Minute}
	}
	if cfg.ObjectionPerIP.Rate == 0 {
		cfg.ObjectionPerIP = redis_rate.Limit{Rate: 20, Burst: 20, Period: time.Hour}
	}
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, fmt.Errorf("load Asia/Shanghai time zone: %w", err)
	}
	s := &Server{cfg: cfg, contests: cfg.Contests, accounts: cfg.Accounts, entries: cfg.Entries, judging: cfg.Judging,
		results: cfg.Results, audit: cfg.Audit, live: cfg.Live, objections: cfg.Objections, log: cfg.Log, catalog: cat, shanghai: shanghai,
		limiter: redis_rate.NewLimiter(cfg.Redis)}
	cfg.Redis.AddHook(&redisWatch{log: cfg.Log})
	s.live, s.hub, s.broker = cfg.Live, cfg.LiveHub, cfg.LiveBroker
	if s.onward = cfg.Onward; s.onward == nil {
		s.onward = onward.New(cfg.DB, cfg.Results)
		s.onward.Blobs = cfg.Blobs
	}
	s.notify = notify.New(cfg.DB.DB)
	s.overview = overview.New(cfg.DB)
	if s.showcase = cfg.Showcase; s.showcase == nil {
		s.showcase = showcase.New(cfg.DB, cfg.Accounts, cfg.Results)
	}
	if s.hub == nil {
		s.hub = NewLiveHub(fanout.Options{Log: cfg.Log})
	}
	if s.broker == nil {
		s.broker = fanout.NewBroker(cfg.Redis, s.hub, fanout.BrokerOptions{Prefix: cfg.RedisPrefix, Rebuild: s.RebuildLive, Log: cfg.Log})
	}
	if s.live != nil && s.judging != nil {
		s.judging.SheetChanged = s.sheetChanged
	}
	if s.pages, err = parsePages(s.funcs()); err != nil {
		return nil, err
	}
	if s.uploads, err = s.newUploads(); err != nil {
		return nil, fmt.Errorf("upload server: %w", err)
	}
	if s.engine, err = s.buildEngine(); err != nil {
		return nil, err
	}
	return s, nil
}

// SweepUploads removes partial uploads abandoned for longer than olderThan,
// and the blob store's leftovers from interrupted writes when the store has a
// SweepTemp method.
func (s *Server) SweepUploads(ctx context.Context, olderThan time.Duration) (int, error) {
	n, err := s.uploads.Sweep(ctx, olderThan)
	if err != nil {
		return n, err
	}
	if t, ok := s.cfg.Blobs.(interface {
		SweepTemp(time.Duration) (int, error)
	}); ok {
		if _, err := t.SweepTemp(olderThan); err != nil {
			return n, err
		}
	}
	return n, nil
}

// LiveHub is the hub of this instance's live screens.
func (s *Server) LiveHub() *fanout.Hub { return s.hub }

// LiveBroker is the live boards' Redis broker: run it (Run) for the server's lifetime.
func (s *Server) LiveBroker() *fanout.Broker { return s.broker }

// Close waits for the live boards queued for publication (sheets just
// submitted) to be published. Call it after the HTTP server has drained.
func (s *Server) Close(ctx context.Context) error { return s.pubq.close(ctx) }

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.engine }

func (s *Server) buildEngine() (*gin.Engine, error) {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(s.recoverer(), s.securityHeaders(), s.withLang(), s.limitRequest(), s.checkText(), s.withSession(), s.checkCSRF())
	e.HandleMethodNotAllowed = true
	if err := e.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	static, _ := fs.Sub(staticFiles, "static")
	e.StaticFS("/static", http.FS(static))
	e.GET("/judge/sw.js", s.judgeServiceWorker)
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	for _, r := range s.routes() {
		e.Handle(r.Method, r.Path, s.authorize(r.Access), r.handle)
	}
	e.NoRoute(func(c *gin.Context) { s.fail(c, fault.NotFound("err.not_found")) })
	e.NoMethod(func(c *gin.Context) {
		s.fail(c, &fault.Error{Code: fault.CodeNotFound, Message: "err.not_found"})
	})
	return e, nil
}

// recoverer turns a panic into a logged 500 without internal detail for the client.
func (s *Server) recoverer() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.fail(c, fmt.Errorf("panic: %v", p))
			}
		}()
		c.Next()
	}
}

func (s *Server) securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		c.Next()
	}
}

func (s *Server) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

// readyz reports whether PostgreSQL and Redis answer; a load balancer stops sending
// traffic to an instance that is not ready.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	status, checks := http.StatusOK, gin.H{"postgres": "ok", "redis": "ok"}
	if err := s.cfg.DB.PingContext(ctx); err != nil {
		status, checks["postgres"] = http.StatusServiceUnavailable, "unreachable"
	}
	if err := s.cfg.Redis.Ping(ctx).Err(); err != nil {
		status, checks["redis"] = http.StatusServiceUnavailable, "unreachable"
	}
	c.JSON(status, gin.H{"status": map[bool]string{true: "ready", false: "unavailable"}[status == http.StatusOK], "checks": checks})
}
