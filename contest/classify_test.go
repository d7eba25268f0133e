package contest_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/judging"
	"podium/fault"
)

// Text PostgreSQL cannot store (a NUL byte, invalid UTF-8) is the caller's
// invalid input, not an internal error, whichever store method meets it.
func TestUnstorableTextIsInvalid(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	for _, name := range []string{"张\x00三", "张\xff三"} {
		_, err := s.SaveExpert(ctx, 0, judging.ExpertInput{Name: name, Organization: "某大学"})
		if e := contest.Classify(err); e == nil || e.Code != fault.CodeInvalid || e.Message != "err.text.unstorable" {
			t.Errorf("expert named %q: %v", name, err)
		}
		_, err = s.Authenticate(ctx, name+"@example.com", "password")
		if code := contest.Classify(err).Code; code != fault.CodeInvalid && code != fault.CodeUnauthorized {
			t.Errorf("login %q: %v (code %s)", name, err, code)
		}
	}
}

// A PostgreSQL that cannot be reached is CodeUnavailable (503 on the web), not
// an internal error: here a store whose server's port is closed.
func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more
	db, err := sqlx.Open("postgres", "postgres://"+addr+"/podium?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := access.New(contest.NewDB(db))
	_, err = s.Account(context.Background(), 1)
	if e := contest.Classify(err); e == nil || e.Code != fault.CodeUnavailable || e.Err == nil {
		t.Errorf("unreachable database: %v", err)
	}
	if got := fault.ErrorCode(errors.New("a bug")); got != fault.CodeInternal {
		t.Errorf("a plain error is %s, want internal", got)
	}
	if contest.Classify(nil) != nil {
		t.Error("Classify(nil) is not nil")
	}
}
