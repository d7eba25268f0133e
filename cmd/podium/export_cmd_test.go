package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"podium/contest/contesttest"
)

// podium export's mistakes are one line on stderr, exit status 2, and nothing
// on stdout; help is exit 0.
func TestExportCommandExitCodes(t *testing.T) {
	t.Parallel()
	dsn := contesttest.NewMigratedDSN(t)
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-h"}, 0, "usage: podium export"},
		{[]string{"--contest", "1", "--what", "everything", "--format", "csv"}, 2, `--what: unknown export "everything" (want entries, ranking, matrix, winners, workload, objections, audit, showcase)`},
		{[]string{"--contest", "1", "--what", "ranking", "--format", "csv"}, 2, "--what ranking needs --round"},
		{[]string{"--contest", "1", "--what", "entries", "--format", "pdf"}, 2, `--format: unknown format "pdf"`},
		{[]string{"--contest", "1", "--what", "entries", "--format", "csv", "--lang", "fr"}, 2, `--lang: unknown language "fr"`},
		{[]string{"--what", "entries", "--format", "csv"}, 2, "--contest, --what and --format are required"},
		{[]string{"--contest", "1", "--what", "entries", "--format", "csv", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--contest", "999", "--what", "entries", "--format", "xlsx"}, 2, "podium export: no contest with id 999"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"export"}, c.args...), nil, &stdout, &stderr, getenv)
		if code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("podium export %v: exit %d, stderr %q; want %d and %q", c.args, code, stderr.String(), c.code, c.want)
		}
		if c.code != 0 && (stdout.Len() > 0 || strings.Count(strings.TrimSpace(stderr.String()), "\n") > 0) {
			t.Errorf("podium export %v: stdout %q, stderr %q: want one line on stderr only", c.args, stdout.String(), stderr.String())
		}
	}
}
