package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

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
		{[]string{"--contest", "1", "--what", "everything", "--format", "csv"}, 2, `--what: unknown export "everything" (want entries, ranking, scores, matrix, winners, workload, objections, audit, showcase, nominations)`},
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

// podium export --what nominations writes the contest's nominations with
// their status and result at the higher contest.
func TestExportCommandNominations(t *testing.T) {
	t.Parallel()
	dsn := contesttest.NewMigratedDSN(t)
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var contestID int64
	if err := db.Get(&contestID, `
		WITH a AS (INSERT INTO accounts (role, email, display_name) VALUES ('organizer', 'o@example.com', '组织方') RETURNING id),
		c AS (INSERT INTO contests (slug, name_zh, name_en, created_by) SELECT 'city', '2026 市创新大赛', 'City contest 2026', id FROM a RETURNING id),
		t AS (INSERT INTO tracks (contest_id, key, name_zh, name_en, position) SELECT id, 'bio', '生物医药', 'Biomedicine', 0 FROM c RETURNING id, contest_id),
		g AS (INSERT INTO contest_groups (contest_id, key, name_zh, name_en, position) SELECT id, 'growth', '成长组', 'Growth', 0 FROM c RETURNING id),
		o AS (INSERT INTO organizations (kind, name, name_norm) VALUES ('enterprise', '康达生物', '康达生物') RETURNING id),
		e AS (INSERT INTO entries (contest_id, account_id, organization_id, track_id, group_id, title, state)
		      SELECT t.contest_id, a.id, o.id, t.id, g.id, '新型疫苗佐剂', 'accepted' FROM t, g, o, a RETURNING id, contest_id, account_id)
		INSERT INTO nominations (contest_id, entry_id, level, target_year, target_track, target_group, status, result, created_by, created_at, updated_at)
		SELECT contest_id, id, 'nation', 2026, '生物医药', '成长组', 'accepted', '全国赛优秀企业', account_id, now(), now() FROM e
		RETURNING contest_id`); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	args := []string{"export", "--contest", strconv.FormatInt(contestID, 10), "--what", "nominations", "--format", "csv", "--lang", "en"}
	if code := run(context.Background(), args, nil, &stdout, &stderr, getenv); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(stdout.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Year", "Level", "City contest", "Project", "Organization", "City track", "City group", "Target track", "Target group", "Status", "Result upward", "Due diligence"},
		// Values by their English names: the target (the city's track and
		// group by default) too, where the track and group have one.
		{"2026", "National contest", "City contest 2026", "新型疫苗佐剂", "康达生物", "Biomedicine", "Growth", "Biomedicine", "Growth", "Accepted", "全国赛优秀企业", "Not checked"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("podium export --what nominations:\n%q\nwant\n%q", rows, want)
	}
}
