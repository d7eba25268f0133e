package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"podium/contest/contesttest"
)

// The backup the operator guide describes: pg_dump of a database with the
// demo contests, restored with pg_restore into an empty database; the
// restored audit log verifies with `podium audit verify`, record for record,
// and the restored database starts and serves as it is (migrations find
// nothing to do).
func TestBackupRestoresAndVerifies(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the backup test needs %s (postgresql-client)", tool)
		}
	}
	ctx := context.Background()
	m := &Main{Config: testConfig(t)}
	source := m.Config.DatabaseURL
	t.Cleanup(func() { m.Close() })
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	storesOf(m).PasswordCost = bcrypt.MinCost
	if _, err := seedDemo(ctx, m.Domain, "http://localhost"); err != nil {
		t.Fatal(err)
	}
	verify := func(dsn string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		env := func(k string) string {
			if k == "DATABASE_URL" {
				return dsn
			}
			return ""
		}
		if code := run(ctx, []string{"audit", "verify"}, nil, &stdout, &stderr, env); code != 0 {
			t.Fatalf("audit verify on %s: %d %q %q", dsn, code, stdout.String(), stderr.String())
		}
		return stdout.String()
	}
	before := verify(source)
	if !regexp.MustCompile(`^ok: [1-9][0-9]* records verified\n$`).MatchString(before) {
		t.Fatalf("before the backup: %q", before)
	}

	dump := filepath.Join(t.TempDir(), "podium.dump")
	if out, err := exec.Command("pg_dump", "--format=custom", "--no-owner", "--file", dump, source).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	target := contesttest.NewDSN(t) // an empty database, as on a new server
	if out, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname", target, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	if after := verify(target); after != before {
		t.Fatalf("restored: %q, before: %q", after, before)
	}
	restored := &Main{Config: m.Config}
	restored.Config.DatabaseURL = target
	t.Cleanup(func() { restored.Close() })
	if err := restored.Open(ctx); err != nil {
		t.Fatalf("starting on the restored database: %v", err)
	}
	list, err := storesOf(restored).ContestsOrganizedBy(ctx, 1)
	if err != nil || len(list) != 2 { // this year's (its live final included) and last year's
		t.Fatalf("the restored contests: %v %v", list, err)
	}
}
