package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"podium/contest/results"
	"podium/contest/showcase"
	"podium/sealed"
	"podium/transparency"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"podium/contest/audit"
	"podium/contest/contesttest"
)

// testConfig is a server's configuration on a database and a Redis key prefix of the test's own.
func testConfig(t *testing.T) Config {
	_, prefix := contesttest.NewRedis(t)
	return Config{
		DatabaseURL: contesttest.NewMigratedDSN(t), RedisURL: contesttest.RedisURL(),
		RedisPrefix: prefix, Addr: "127.0.0.1:0", DataDir: t.TempDir(),
		DataKey: sealed.EncodeKey(sealed.NewKey()), // as production sets it: no warning of a key made
	}
}

func TestMainServesOnRandomPort(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := &Main{Config: testConfig(t)}
	t.Cleanup(func() { m.Close() })
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx) }()

	get := func(path string, header ...string) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, m.URL()+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header
	}

	if status, body, _ := get("/healthz"); status != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("/healthz: %d %s", status, body)
	}
	status, body, _ := get("/readyz")
	var ready struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.Unmarshal([]byte(body), &ready); err != nil || status != 200 || ready.Status != "ready" ||
		ready.Checks["postgres"] != "ok" || ready.Checks["redis"] != "ok" {
		t.Errorf("/readyz: %d %s", status, body)
	}

	status, body, hdr := get("/api/v1/no-such-thing")
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || status != 404 || e.Error.Code != "not_found" ||
		e.Error.Message == "" || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Errorf("404 JSON: %d %q %s", status, hdr.Get("Content-Type"), body)
	}
	if status, body, _ := get("/no-such-page"); status != 404 || !strings.Contains(body, "<html") {
		t.Errorf("404 page: %d %.100s", status, body)
	}

	// One page in both languages: Chinese by default, English on request.
	status, body, _ = get("/login")
	if status != 200 || !strings.Contains(body, `<html lang="zh-CN">`) || !strings.Contains(body, "邮箱或手机号") {
		t.Errorf("default login page: %d %.300s", status, body)
	}
	status, body, _ = get("/login", "Accept-Language", "en-GB,en;q=0.8")
	if status != 200 || !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Email or mobile number") {
		t.Errorf("English login page: %d %.300s", status, body)
	}
	if _, body, _ := get("/static/app.css"); !strings.Contains(body, "--accent") {
		t.Error("static stylesheet not served")
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not shut down")
	}
}

func TestUnreachableServicesGiveOneClearLine(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"DATABASE_URL": "postgres://127.0.0.1:1/podium?sslmode=disable&connect_timeout=2",
		"REDIS_URL":    contesttest.RedisURL(),
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, nil, &stdout, &stderr, func(k string) string { return env[k] })
	if code != 1 || !strings.Contains(stderr.String(), "cannot reach PostgreSQL at 127.0.0.1:1") ||
		!strings.Contains(stderr.String(), "pg_ctlcluster") || strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}

	env["DATABASE_URL"] = contesttest.NewMigratedDSN(t)
	env["REDIS_URL"] = "redis://127.0.0.1:1/0"
	stderr.Reset()
	code = run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir()}, nil, &stdout, &stderr, func(k string) string { return env[k] })
	if code != 1 || !strings.Contains(stderr.String(), "cannot reach Redis at 127.0.0.1:1") || !strings.Contains(stderr.String(), "redis-server") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestAdminCreateOrganizerAndMigrate(t *testing.T) {
	t.Parallel()
	dsn := contesttest.NewDSN(t)
	env := func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"migrate"}, nil, &stdout, &stderr, env); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr.String())
	}
	code := run(context.Background(), []string{"admin", "create-organizer", "--email", "chief@example.com", "--name", "主任"},
		strings.NewReader("a-long-password\n"), &stdout, &stderr, env)
	if code != 0 || !strings.Contains(stdout.String(), "created organizer chief@example.com") {
		t.Fatalf("create-organizer: %d %s %s", code, stdout.String(), stderr.String())
	}
	stderr.Reset()
	code = run(context.Background(), []string{"admin", "create-organizer", "--email", "bad", "--name", "x", "--password", "short"},
		nil, &stdout, &stderr, env)
	if code != 1 || !strings.Contains(stderr.String(), "email:") || !strings.Contains(stderr.String(), "password:") {
		t.Errorf("invalid organizer: %d %s", code, stderr.String())
	}
	if code := run(context.Background(), []string{"bogus"}, nil, &stdout, &stderr, env); code != 2 {
		t.Errorf("unknown command exit %d", code)
	}
}

func TestDemoSeedIsIdempotent(t *testing.T) {
	t.Parallel()
	m := &Main{Config: testConfig(t)}
	t.Cleanup(func() { m.Close() })
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	storesOf(m).PasswordCost = bcrypt.MinCost // production cost is a setting, not behaviour under test
	var tokens []string
	var queued []int // the outbox after each start
	for range 2 {
		logins, err := seedDemo(context.Background(), m.Domain, "http://localhost:8080")
		if err != nil {
			t.Fatal(err)
		}
		token := inviteToken(t, logins, "http://localhost:8080/invite/")
		if !strings.Contains(logins, demoOrganizerEmail) || token == "" {
			t.Errorf("logins text %q", logins)
		}
		tokens = append(tokens, token)
		var n int
		if err := m.DB.GetContext(context.Background(), &n, `SELECT count(*) FROM outbox`); err != nil {
			t.Fatal(err)
		}
		queued = append(queued, n)
	}
	// A second start sends nothing: the demo judge's new link is printed; her
	// invitations were mailed once per round she judges (preliminary, semifinal).
	var invites int
	if err := m.DB.GetContext(context.Background(), &invites, `SELECT count(*) FROM outbox o JOIN contests c ON c.id = o.contest_id
		WHERE o.recipient = $1 AND o.kind LIKE '%invite%' AND c.slug = $2`, demoJudgeEmail, demoSlug); err != nil {
		t.Fatal(err)
	}
	if queued[1] != queued[0] || invites != 2 {
		t.Errorf("outbox after each start %v; the demo judge's invitations %d", queued, invites)
	}
	ids := demoContestIDs(t, m)
	checkDemoPublished(t, m, ids[demoPublishedSlug])
	// Last year's nominations to the provincial contest, prepared once.
	noms, err := m.Onward.Nominations(context.Background(), ids[demoPublishedSlug], "")
	checks := 0
	for _, n := range noms {
		checks += len(n.Checks)
	}
	if err != nil || len(noms) == 0 || checks != 1 {
		t.Errorf("demo nominations %+v %v", noms, err)
	}
	if _, err := storesOf(m).Authenticate(context.Background(), demoEntrantEmail, demoPassword); err != nil {
		t.Errorf("demo entrant cannot log in: %v", err)
	}
	checkDemoStory(t, m, ids[demoSlug])
	// Each run prints a fresh link; each logs the demo judge in, to the work left.
	if tokens[0] == tokens[1] {
		t.Error("the second run printed the same invite link")
	}
	for _, token := range tokens {
		checkDemoJudgeLink(t, storesOf(m), token)
	}
	checkDemoLiveSeed(t, m, ids[demoSlug])
}

// checkDemoPublished: last year's contest has its final published once, its
// publicity period over (so its results are final), with seven results and a
// receipt that verifies; its investor showcase is open to the demo investor,
// with cards, one request for contact accepted and one waiting.
func checkDemoPublished(t *testing.T, m *Main, contestID int64) {
	t.Helper()
	ctx := context.Background()
	rounds, err := m.Results.PublishedResults(ctx, contestID)
	if err != nil || len(rounds) != 1 || len(rounds[0].Versions) != 1 || rounds[0].State != results.StateFinal ||
		len(rounds[0].Current.Results) != len(demoLiveEntrants) {
		t.Fatalf("demo publication %+v %v", rounds, err)
	}
	now := time.Now()
	if v := rounds[0].Versions[0]; !v.PeriodEndsAt.Before(now.AddDate(0, 0, -7)) || !v.PublishedAt.Before(v.PeriodEndsAt) {
		t.Errorf("demo publication %v, its period ends %v", v.PublishedAt, v.PeriodEndsAt)
	}
	c, err := m.Contests.Contest(ctx, contestID)
	if err != nil || !c.SubmissionDeadline.Before(now) || !c.Rounds[0].ClosesAt.Before(rounds[0].Versions[0].PublishedAt) {
		t.Errorf("demo-2025's dates: deadline %v, final %v–%v, %v", c.SubmissionDeadline, c.Rounds[0].OpensAt, c.Rounds[0].ClosesAt, err)
	}
	investor, err := m.Accounts.Authenticate(ctx, demoInvestorEmail, demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	shown, err := m.Showcase.Browse(ctx, investor.ID, contestID, "", "")
	states := map[showcase.RequestState]int{}
	for _, card := range shown.Cards {
		if card.AmountSought <= 0 || card.RoundRaised == "" {
			t.Errorf("showcase card %+v", card)
		}
		if card.Request != nil {
			states[card.Request.State]++
			if (card.Request.State == showcase.RequestAccepted) != (card.Request.Contact != nil) {
				t.Errorf("showcase request %+v", card.Request)
			}
		}
	}
	if err != nil || len(shown.Cards) != len(demoShowcased) || states[showcase.RequestAccepted] != 1 || states[showcase.RequestPending] != 1 {
		t.Errorf("the demo investor's showcase %+v %v", shown, err)
	}
	top := rounds[0].Current.Results[0]
	if top.AwardLevel != "first" {
		t.Errorf("demo results %+v", rounds[0].Current.Results)
	}
	rc, err := m.Results.Receipt(ctx, contestID, top.EntryID, demoPublishedRound)
	if err != nil {
		t.Fatal(err)
	}
	if rep := transparency.Verify(rc); !rep.OK || len(rc.Records) != 1+len(demoPublishedExperts) {
		t.Errorf("demo receipt %+v", rep)
	}
}

// checkDemoLiveSeed: demo-2026's final has its room, 第一会场, with the six
// judges of its panel seated and no entrants before the semifinal's
// advancement, its draw to make; seeding again keeps that room.
func checkDemoLiveSeed(t *testing.T, m *Main, contestID int64) {
	t.Helper()
	ctx := context.Background()
	organizer, err := m.Accounts.Authenticate(ctx, demoOrganizerEmail, demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	var seeded []demoLive
	for range 2 {
		d, err := ensureDemoFinalRoom(ctx, m.Domain, organizer.ID, contestID)
		if err != nil {
			t.Fatal(err)
		}
		seeded = append(seeded, d)
	}
	if seeded[0] != seeded[1] || seeded[0].ContestID != contestID {
		t.Errorf("demo live finals %+v", seeded)
	}
	rooms, err := m.Live.Rooms(ctx, contestID, demoLiveRound)
	if err != nil || len(rooms) != 1 {
		t.Fatalf("demo final rooms %+v %v", rooms, err)
	}
	room := rooms[0]
	var judges []string
	for _, j := range room.Judges {
		judges = append(judges, j.Name)
	}
	if room.ID != seeded[0].RoomID || room.Name != demoLiveRoom || len(room.Judges) != len(demoLiveExperts) || len(room.Slots) != 0 ||
		room.Commitment != "" || !demoLivePlayable(room) {
		t.Errorf("demo live room %+v", room)
	}
	if state, err := demoFinalStateOf(ctx, m.Domain, seeded[0]); err != nil || state != finalToPlay {
		t.Errorf("demo final %v %v", state, err)
	}
	t.Logf("%s: %s", room.Name, strings.Join(judges, " "))
}

// inviteToken is the token of the invite link in the demo's logins text.
// storesOf is the services of a running Main, as the domain's tests hold them.
func storesOf(m *Main) *contesttest.Stores {
	d := m.Domain
	return &contesttest.Stores{DB: d.DB, Contests: d.Contests, Audit: d.Audit, Accounts: d.Accounts, Entries: d.Entries,
		Judging: d.Judging, Results: d.Results}
}

func inviteToken(t *testing.T, logins, prefix string) string {
	t.Helper()
	_, rest, ok := strings.Cut(logins, prefix)
	if !ok {
		return ""
	}
	token, _, _ := strings.Cut(rest, " ")
	return token
}

func TestAuditVerifyCommand(t *testing.T) {
	t.Parallel()
	m := &Main{Config: testConfig(t)}
	dsn := m.Config.DatabaseURL
	t.Cleanup(func() { m.Close() })
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	storesOf(m).PasswordCost = bcrypt.MinCost
	if _, err := seedDemo(context.Background(), m.Domain, "http://localhost"); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"audit", "verify"}, nil, &stdout, &stderr, env); code != 0 || !strings.HasPrefix(stdout.String(), "ok: ") {
		t.Fatalf("verify a sound log: %d %q %q", code, stdout.String(), stderr.String())
	}
	// An export, as GET /api/v1/contests/1/audit gives it, verifies without the database.
	recs, err := m.Audit.Records(context.Background(), 1)
	if err != nil || len(recs) == 0 {
		t.Fatalf("audit log: %d records, %v", len(recs), err)
	}
	export := func(recs []audit.Record) string {
		b, err := json.Marshal(map[string]any{"records": recs})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "audit.json")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	noDB := func(string) string { return "" }
	stdout.Reset()
	if code := run(context.Background(), []string{"audit", "verify", "--file", export(recs)}, nil, &stdout, &stderr, noDB); code != 0 ||
		stdout.String() != fmt.Sprintf("ok: %d records verified\n", len(recs)) {
		t.Errorf("verify an export: %d %q %q", code, stdout.String(), stderr.String())
	}
	forged := slices.Clone(recs)
	forged[0].Subject = "forged"
	stdout.Reset()
	if code := run(context.Background(), []string{"audit", "verify", "--file", export(forged)}, nil, &stdout, &stderr, noDB); code != 1 ||
		!strings.Contains(stdout.String(), "BROKEN contest 1: record seq 1") {
		t.Errorf("verify a forged export: %d %q", code, stdout.String())
	}

	tx := m.DB.MustBegin()
	tx.MustExec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`)
	tx.MustExec(`UPDATE audit_log SET subject = 'forged' WHERE seq = 1`)
	tx.MustExec(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	code := run(context.Background(), []string{"audit", "verify", "--contest", "1"}, nil, &stdout, &stderr, env)
	if code != 1 || !strings.Contains(stdout.String(), "BROKEN contest 1: record seq 1") {
		t.Errorf("verify a forged log: %d %q", code, stdout.String())
	}
}
