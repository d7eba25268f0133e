package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config is Podium's configuration: environment variables, overridden by flags.
type Config struct {
	DatabaseURL    string
	RedisURL       string
	RedisAddrs     string // comma-separated; several addresses mean a Redis Cluster
	RedisMaster    string // a Sentinel master name; RedisAddrs are then the sentinels
	RedisPrefix    string
	Addr           string
	DataDir        string
	SecureCookies  bool
	BaseURL        string
	TrustedProxies string // comma-separated addresses or CIDRs of load balancers
	// DataKey seals objectors' ID numbers: $PODIUM_DATA_KEY, base64 of 32
	// bytes. Read from the environment only (a flag would show it in ps and
	// in -help); empty: a key kept in PODIUM_DATA_DIR/data.key, made once.
	DataKey string

	// SMTP is where e-mail notifications go out; an empty host logs them
	// instead. The password is read from the environment only
	// ($PODIUM_SMTP_PASSWORD), like the data key.
	SMTPHost, SMTPPort, SMTPUsername, SMTPPassword, SMTPFrom, SMTPTLS string

	// HTTP server limits: how long a request's headers may take, and how long
	// a request body or a response may stall (see web.Config) or a kept-alive
	// connection stay idle.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// RedisTimeout bounds dialling Redis, each read and write, and the wait for
	// a pooled connection: a Redis that is down or frozen costs a request at
	// most about this long (the login limiter then fails open).
	RedisTimeout time.Duration
}

// configVars documents every setting: its variable, flag, default and meaning.
var configVars = []struct {
	env, flag, def, usage string
	field                 func(*Config) *string
}{
	{"DATABASE_URL", "database-url", "postgres://localhost:5432/podium?sslmode=disable", "PostgreSQL URL (the database is created if missing)", func(c *Config) *string { return &c.DatabaseURL }},
	{"REDIS_URL", "redis-url", "redis://localhost:6379/0", "Redis URL", func(c *Config) *string { return &c.RedisURL }},
	{"REDIS_ADDRS", "redis-addrs", "", "comma-separated Redis addresses for a Cluster, or the sentinels with REDIS_MASTER_NAME (overrides the host of REDIS_URL)", func(c *Config) *string { return &c.RedisAddrs }},
	{"REDIS_MASTER_NAME", "redis-master", "", "Redis Sentinel master name", func(c *Config) *string { return &c.RedisMaster }},
	{"PODIUM_REDIS_PREFIX", "redis-prefix", "podium:", "prefix of every Redis key", func(c *Config) *string { return &c.RedisPrefix }},
	{"PODIUM_ADDR", "addr", ":8080", "address to listen on", func(c *Config) *string { return &c.Addr }},
	{"PODIUM_DATA_DIR", "data-dir", "./data", "directory for uploaded files", func(c *Config) *string { return &c.DataDir }},
	{"PODIUM_TRUSTED_PROXIES", "trusted-proxies", "", "comma-separated load balancer addresses or CIDRs whose X-Forwarded-For is trusted", func(c *Config) *string { return &c.TrustedProxies }},
	{"PODIUM_SMTP_HOST", "smtp-host", "", "SMTP server for e-mail notifications; empty: messages are written to the log instead", func(c *Config) *string { return &c.SMTPHost }},
	{"PODIUM_SMTP_PORT", "smtp-port", "", "SMTP port; empty: 587 (starttls, opportunistic), 465 (tls) or 25 (none)", func(c *Config) *string { return &c.SMTPPort }},
	{"PODIUM_SMTP_TLS", "smtp-tls", "starttls", "SMTP encryption: starttls (required), tls (from the first byte), opportunistic, or none", func(c *Config) *string { return &c.SMTPTLS }},
	{"PODIUM_SMTP_USERNAME", "smtp-username", "", "SMTP user name; empty: no authentication (the password is $PODIUM_SMTP_PASSWORD)", func(c *Config) *string { return &c.SMTPUsername }},
	{"PODIUM_SMTP_FROM", "smtp-from", "Podium <noreply@localhost>", "sender of e-mail notifications, e.g. \"大赛组委会 <noreply@contest.example.cn>\"", func(c *Config) *string { return &c.SMTPFrom }},
	{"PODIUM_BASE_URL", "base-url", "", "public URL used in links (e.g. invite links); taken from the request when empty", func(c *Config) *string { return &c.BaseURL }},
}

// durationVars are the settings that are durations, e.g. "30s" or "500ms".
var durationVars = []struct {
	env, flag, def, usage string
	field                 func(*Config) *time.Duration
}{
	{"PODIUM_READ_HEADER_TIMEOUT", "read-header-timeout", "10s", "time allowed for a request's headers", func(c *Config) *time.Duration { return &c.ReadHeaderTimeout }},
	{"PODIUM_READ_TIMEOUT", "read-timeout", "1m", "how long a request body (uploads included) may stall before the request is cut off", func(c *Config) *time.Duration { return &c.ReadTimeout }},
	{"PODIUM_WRITE_TIMEOUT", "write-timeout", "2m", "how long a response may stall (a handler that writes nothing, a client that reads nothing) before it is cut off", func(c *Config) *time.Duration { return &c.WriteTimeout }},
	{"PODIUM_IDLE_TIMEOUT", "idle-timeout", "2m", "how long a kept-alive connection may wait for its next request", func(c *Config) *time.Duration { return &c.IdleTimeout }},
	{"PODIUM_REDIS_TIMEOUT", "redis-timeout", "300ms", "bound on dialling Redis and on each Redis read and write", func(c *Config) *time.Duration { return &c.RedisTimeout }},
}

// bindConfig registers the configuration flags on fs, with defaults taken from the environment.
func bindConfig(fs *flag.FlagSet, getenv func(string) string) (*Config, func() error) {
	cfg := &Config{}
	for _, v := range configVars {
		def := v.def
		if e := getenv(v.env); e != "" {
			def = e
		}
		fs.StringVar(v.field(cfg), v.flag, def, v.usage+" ($"+v.env+")")
	}
	durations := make([]string, len(durationVars))
	for i, v := range durationVars {
		durations[i] = v.def
		if e := getenv(v.env); e != "" {
			durations[i] = e
		}
		fs.StringVar(&durations[i], v.flag, durations[i], v.usage+" ($"+v.env+")")
	}
	cfg.DataKey = getenv("PODIUM_DATA_KEY")
	cfg.SMTPPassword = getenv("PODIUM_SMTP_PASSWORD")
	secure := getenv("PODIUM_SECURE_COOKIES")
	fs.StringVar(&secure, "secure-cookies", secure, "mark cookies Secure; set when serving over HTTPS ($PODIUM_SECURE_COOKIES)")
	// finish runs after fs.Parse, turning the text flags into typed values.
	finish := func() error {
		if secure != "" {
			b, err := strconv.ParseBool(secure)
			if err != nil {
				return fmt.Errorf("PODIUM_SECURE_COOKIES must be true or false, not %q", secure)
			}
			cfg.SecureCookies = b
		}
		cfg.RedisPrefix = strings.TrimSpace(cfg.RedisPrefix)
		for i, v := range durationVars {
			d, err := time.ParseDuration(durations[i])
			if err != nil || d <= 0 {
				return fmt.Errorf("%s must be a positive duration such as %s, not %q", v.env, v.def, durations[i])
			}
			*v.field(cfg) = d
		}
		return nil
	}
	return cfg, finish
}

// setDefaults gives every duration left zero its default (a Config built in code).
func (c *Config) setDefaults() {
	for _, v := range durationVars {
		if d := v.field(c); *d <= 0 {
			*d, _ = time.ParseDuration(v.def)
		}
	}
}
