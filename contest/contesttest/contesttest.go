// Package contesttest gives tests their own real services: a throwaway PostgreSQL
// database (a copy of a template migrated once, dropped when the test ends) and a
// unique Redis key prefix, so that tests can run in parallel.
// When a service is missing the test fails, never skips: CI must not pass having
// run no integration test.
package contesttest

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/live"
	"podium/contest/results"
)

// DatabaseURL is the server the tests use: $TEST_DATABASE_URL, else the local default.
func DatabaseURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://localhost:5432/postgres?sslmode=disable"
}

// RedisURL is the Redis the tests use: $TEST_REDIS_URL, else the local default.
func RedisURL() string {
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://localhost:6379/0"
}

// NewDSN creates an empty database podium_test_<random>, not migrated (for tests
// of the migrations themselves or of migrating), and returns its URL; the
// database is dropped when the test ends.
func NewDSN(t testing.TB) string {
	t.Helper()
	return newDatabase(t, func(ctx context.Context, name string) error {
		return contest.CreateDatabase(ctx, serverDSN(name))
	})
}

// NewMigratedDSN creates a migrated database podium_test_<random>, a copy of the
// template migrated once per set of migrations, and returns its URL; the
// database is dropped when the test ends.
func NewMigratedDSN(t testing.TB) string {
	t.Helper()
	return newDatabase(t, createFromTemplate)
}

func newDatabase(t testing.TB, create func(ctx context.Context, name string) error) string {
	t.Helper()
	if _, err := admin(); err != nil {
		t.Fatal(err)
	}
	name := "podium_test_" + strings.ToLower(rand.Text()[:12])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := create(ctx, name); err != nil {
		t.Fatalf("integration tests need PostgreSQL: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := dropDatabase(ctx, name); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return serverDSN(name)
}

// NewDB returns a connection to a fresh migrated database, closed and dropped when the test ends.
func NewDB(t testing.TB) *sqlx.DB {
	t.Helper()
	dsn := NewMigratedDSN(t)
	db, err := contest.OpenDB(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	// Tests run in parallel, several packages at once, on one PostgreSQL whose
	// max_connections is 100 by default: a test's pool is kept small, enough for
	// the concurrency a test creates on purpose (a dozen racing requests).
	db.SetMaxOpenConns(12)
	db.SetMaxIdleConns(4)
	t.Cleanup(func() { db.Close() })
	return db
}

// Clock is a settable clock for the store.
type Clock struct{ T time.Time }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.T = c.T.Add(d) }

// The rooms' services, by the names Stores embeds them under.
type (
	Contests = contest.Service
	Audit    = audit.Service
	Accounts = access.Service
	Entries  = entry.Service
	Judging  = judging.Service
	Results  = results.Service
)

// Stores is every service of the domain on one test database, embedded so
// that a test calls any of them directly (s.CreateContest, s.SubmitSheet …);
// DB is the handle they share, for the clock and for SQL of the test's own.
type Stores struct {
	DB *contest.DB
	*Contests
	*Audit
	*Accounts
	*Entries
	*Judging
	*Results
	Live *live.Service // not embedded: its names (ReopenSheet, Rooms …) are its own
}

// NewStore returns the services on a fresh database with a settable clock and
// cheap password hashing (the cost is a production setting, not behaviour
// under test).
func NewStore(t testing.TB) (*Stores, *Clock) {
	t.Helper()
	clock := &Clock{T: time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)}
	s := StoresOn(NewDB(t))
	t.Cleanup(func() { // before the database is dropped: a run started in the background records its end
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.Judging.Close(ctx); err != nil {
			t.Errorf("close judging: %v", err)
		}
	})
	s.DB.Now = clock.Now
	s.PasswordCost = bcrypt.MinCost
	return s, clock
}

// StoresOn returns the services on an open database, with the real clock and
// production settings.
func StoresOn(db *sqlx.DB) *Stores {
	h := contest.NewDB(db)
	s := &Stores{DB: h, Contests: contest.New(h), Audit: audit.New(db), Accounts: access.New(h), Entries: entry.New(h), Results: results.New(h)}
	s.Judging = judging.New(h, s.Accounts, s.Entries)
	s.Live = live.New(h, s.Judging)
	return s
}

// NewRedis returns a Redis client and a key prefix unique to this test; keys under
// the prefix are deleted when the test ends.
func NewRedis(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	opt, err := redis.ParseURL(RedisURL())
	if err != nil {
		t.Fatalf("TEST_REDIS_URL: %v", err)
	}
	client := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		t.Fatalf("integration tests need Redis at %s: %v", opt.Addr, err)
	}
	prefix := fmt.Sprintf("podium_test_%s:", strings.ToLower(rand.Text()[:12]))
	t.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		client.Close()
	})
	return client, prefix
}

// Account creates an account with password "password-123" for tests.
func Account(t testing.TB, s *Stores, role access.Role, email string) access.Account {
	t.Helper()
	a, err := s.CreateAccount(context.Background(), access.NewAccount{Role: role, Email: email, DisplayName: email, Password: Password})
	if err != nil {
		t.Fatalf("create account %s: %v", email, err)
	}
	return a
}

// Password is the password of accounts made by Account.
const Password = "password-123"

// Setup returns a valid contest setup with the given slug: two tracks, two groups,
// one round with a three-criterion rubric.
func Setup(slug string) contest.Setup {
	return contest.Setup{
		Slug: slug, NameZh: "测试大赛 " + slug, NameEn: "Test contest " + slug,
		Tracks: []contest.Category{{Key: "manufacturing", NameZh: "智能制造"}, {Key: "materials", NameZh: "新材料"}},
		Groups: []contest.Category{{Key: "enterprise", NameZh: "企业组"}, {Key: "team", NameZh: "团队组"}},
		Rounds: []contest.Round{{
			Key: "prelim", NameZh: "初赛", Kind: contest.KindOnline, Method: "trimmed", ReviewsPerEntry: 5,
			Criteria: []contest.Criterion{
				{Key: "tech", NameZh: "技术", Max: 4000, Weight: 4000, Step: 50},
				{Key: "market", NameZh: "市场", Max: 3000, Weight: 3000, Step: 50},
				{Key: "team", NameZh: "团队", Max: 3000, Weight: 3000, Step: 50},
			},
		}},
	}
}
