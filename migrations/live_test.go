package migrations_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/pressly/goose/v3"

	"podium/contest/contesttest"
	"podium/migrations"
)

// 00013 (the live final) goes down as cleanly as it comes up.
func TestLiveMigrationGoesDownAndUp(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("postgres", contesttest.NewDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.Files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 12); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'live_%'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("live tables after down: %d %v", n, err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	var open bool
	if err := db.QueryRowContext(ctx, `SELECT live_scoring_open(0)`).Scan(&open); err != nil || !open {
		t.Fatalf("live_scoring_open of no assignment: %v %v", open, err)
	}
}
