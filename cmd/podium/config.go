package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
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
	{"PODIUM_BASE_URL", "base-url", "", "public URL used in links (e.g. invite links); taken from the request when empty", func(c *Config) *string { return &c.BaseURL }},
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
		return nil
	}
	return cfg, finish
}
