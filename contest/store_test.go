package contest_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/fault"
)

func wantCode(t *testing.T, err error, code fault.Code) *fault.Error {
	t.Helper()
	e, ok := errors.AsType[*fault.Error](err)
	if !ok || e.Code != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
	return e
}

func TestCreateAndLoadContest(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	org := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")

	setup := contesttest.Setup("city-2026")
	deadline := time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)
	setup.SubmissionDeadline = &deadline
	setup.Rounds[0].TieBreak = []string{"tech"}
	setup.Rounds[0].Quotas = []contest.Quota{{Track: "materials", Group: "team", Count: 4}}
	setup.Awards = []contest.AwardQuota{{Group: "enterprise", Level: "first", Count: 1}, {Group: "team", Track: "materials", Level: "second", Count: 2}}
	c, err := s.CreateContest(ctx, org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.State != "draft" || c.Slug != "city-2026" {
		t.Fatalf("created %+v", c)
	}
	got, err := s.Contest(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := got.Rounds[0]
	if len(got.Tracks) != 2 || len(got.Groups) != 2 || len(r.Criteria) != 3 || r.Criteria[0].Max != 4000 || r.Criteria[1].Key != "market" {
		t.Errorf("loaded structure %+v", got)
	}
	if r.State != contest.RoundDraft || r.TrimMin != 5 || len(r.TieBreak) != 1 || len(r.Quotas) != 1 || r.Quotas[0].Count != 4 {
		t.Errorf("loaded round %+v", r)
	}
	if len(got.Awards) != 2 || got.Awards[1].Track != "materials" || got.Awards[1].Level != "second" {
		t.Errorf("loaded awards %+v", got.Awards)
	}
	if !got.SubmissionDeadline.Equal(deadline) {
		t.Errorf("deadline %v, want %v", got.SubmissionDeadline, deadline)
	}
	ok, err := s.IsContestOrganizer(ctx, c.ID, org.ID)
	if err != nil || !ok {
		t.Errorf("creator is not the organizer: %v %v", ok, err)
	}
	list, err := s.ContestsOrganizedBy(ctx, org.ID)
	if err != nil || len(list) != 1 || list[0].ID != c.ID {
		t.Errorf("ContestsOrganizedBy = %v, %v", list, err)
	}

	// A second contest with the same slug is refused on the slug field.
	_, err = s.CreateContest(ctx, org.ID, contesttest.Setup("city-2026"))
	if e := wantCode(t, err, fault.CodeConflict); e.Fields["slug"] != "err.contest.slug_taken" {
		t.Errorf("fields %v", e.Fields)
	}
	// Invalid input saves nothing.
	bad := contesttest.Setup("other")
	bad.Rounds[0].Criteria[0].Max = 0
	_, err = s.CreateContest(ctx, org.ID, bad)
	wantCode(t, err, fault.CodeInvalid)
	if list, _ := s.ContestsOrganizedBy(ctx, org.ID); len(list) != 1 {
		t.Errorf("an invalid contest was saved: %v", list)
	}
	_, err = s.Contest(ctx, 999999)
	wantCode(t, err, fault.CodeNotFound)
}

func TestUpdateContestKeepsIdentityAndIsAtomic(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	org := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	entrant := contesttest.Account(t, s, access.RoleEntrant, "e@example.com")
	c, err := s.CreateContest(ctx, org.ID, contesttest.Setup("update-me"))
	if err != nil {
		t.Fatal(err)
	}
	var trackID int64
	if err := s.DB.Get(&trackID, `SELECT id FROM tracks WHERE contest_id = $1 AND key = 'materials'`, c.ID); err != nil {
		t.Fatal(err)
	}

	// Renaming a track and adding a group keeps the track's row (entries refer to it).
	setup := c.Setup
	setup.Tracks[1].NameZh = "新材料与化工"
	setup.Groups = append(setup.Groups, contest.Category{Key: "youth", NameZh: "青年组"})
	got, err := s.UpdateContest(ctx, org.ID, c.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	var sameID int64
	if err := s.DB.Get(&sameID, `SELECT id FROM tracks WHERE contest_id = $1 AND key = 'materials'`, c.ID); err != nil || sameID != trackID {
		t.Errorf("track id %d → %d (%v): identity lost", trackID, sameID, err)
	}
	if got.Tracks[1].NameZh != "新材料与化工" || len(got.Groups) != 3 {
		t.Errorf("update not applied: %+v", got)
	}

	// An entry in the materials track makes removing that track a conflict, and
	// the whole update — including the name change in the same request — is rolled back.
	var groupID int64
	if err := s.DB.Get(&groupID, `SELECT id FROM contest_groups WHERE contest_id = $1 AND key = 'team'`, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`INSERT INTO entries (contest_id, account_id, track_id, group_id, title) VALUES ($1, $2, $3, $4, 'X')`,
		c.ID, entrant.ID, trackID, groupID); err != nil {
		t.Fatal(err)
	}
	setup = got.Setup
	setup.NameZh = "改过的名字"
	setup.Tracks = setup.Tracks[:1]
	_, err = s.UpdateContest(ctx, org.ID, c.ID, setup)
	wantCode(t, err, fault.CodeConflict)
	after, err := s.Contest(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.NameZh == "改过的名字" || len(after.Tracks) != 2 {
		t.Errorf("a failed update was half-saved: %+v", after)
	}

	// Once a round has opened its rubric is locked.
	if _, err := s.DB.Exec(`UPDATE rounds SET state = 'open' WHERE contest_id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	setup = after.Setup
	setup.Rounds[0].Criteria[0].Max = 5000
	setup.Rounds[0].Criteria[0].Weight = 4000
	_, err = s.UpdateContest(ctx, org.ID, c.ID, setup)
	if e := wantCode(t, err, fault.CodeConflict); e.Fields["rounds[0].criteria"] != "err.rubric.locked" {
		t.Errorf("fields %v", e.Fields)
	}
	// Other edits of an open round's contest are still allowed.
	after, err = s.Contest(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	setup = after.Setup
	setup.Description = "更新简介"
	if _, err := s.UpdateContest(ctx, org.ID, c.ID, setup); err != nil {
		t.Errorf("editing the description of a running contest: %v", err)
	}
}

func TestAccountsAndAuthentication(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	a, err := s.CreateAccount(ctx, access.NewAccount{Role: access.RoleEntrant, Email: " Li.Lei@Example.COM ", DisplayName: "李雷", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	if *a.Email != "li.lei@example.com" {
		t.Errorf("email stored as %q", *a.Email)
	}
	phone, err := s.CreateAccount(ctx, access.NewAccount{Role: access.RoleEntrant, Phone: "+86 138 0013 8000", DisplayName: "韩梅梅", Password: "correct horse"})
	if err != nil || *phone.Phone != "13800138000" {
		t.Fatalf("phone account: %+v %v", phone, err)
	}
	_, err = s.CreateAccount(ctx, access.NewAccount{Role: access.RoleEntrant, Email: "li.lei@example.com", DisplayName: "x", Password: "another one"})
	if e := wantCode(t, err, fault.CodeConflict); e.Fields["email"] != "err.account.email_taken" {
		t.Errorf("duplicate email fields %v", e.Fields)
	}
	_, err = s.CreateAccount(ctx, access.NewAccount{Role: "admin", Email: "not-an-email", Phone: "12345", DisplayName: "", Password: "short"})
	e := wantCode(t, err, fault.CodeInvalid)
	for _, f := range []string{"role", "email", "phone", "display_name", "password"} {
		if e.Fields[f] == "" {
			t.Errorf("no problem reported for %s: %v", f, e.Fields)
		}
	}

	for _, login := range []string{"LI.LEI@example.com", "li.lei@example.com"} {
		if got, err := s.Authenticate(ctx, login, "correct horse"); err != nil || got.ID != a.ID {
			t.Errorf("Authenticate(%q) = %v, %v", login, got.ID, err)
		}
	}
	if got, err := s.Authenticate(ctx, "13800138000", "correct horse"); err != nil || got.ID != phone.ID {
		t.Errorf("login by phone = %v, %v", got.ID, err)
	}
	_, err = s.Authenticate(ctx, "li.lei@example.com", "wrong password")
	wantCode(t, err, fault.CodeUnauthorized)
	_, err = s.Authenticate(ctx, "nobody@example.com", "correct horse")
	wantCode(t, err, fault.CodeUnauthorized)
}

func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	s, clock := contesttest.NewStore(t)
	ctx := context.Background()
	a := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	token, sess, err := s.CreateSession(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sess.CSRFToken == "" || token == "" || sess.Account.ID != a.ID {
		t.Fatalf("session %+v", sess)
	}
	got, err := s.SessionByToken(ctx, token)
	if err != nil || got.Account.ID != a.ID || got.CSRFToken != sess.CSRFToken {
		t.Fatalf("SessionByToken = %+v, %v", got, err)
	}
	// The token itself is never stored.
	var stored int
	if err := s.DB.Get(&stored, `SELECT count(*) FROM sessions WHERE token_hash = convert_to($1, 'UTF8')`, token); err != nil || stored != 0 {
		t.Errorf("raw token found in sessions: %d %v", stored, err)
	}

	clock.Advance(s.SessionTTL - time.Minute)
	if _, err := s.SessionByToken(ctx, token); err != nil {
		t.Errorf("session expired early: %v", err)
	}
	clock.Advance(2 * time.Minute)
	_, err = s.SessionByToken(ctx, token)
	wantCode(t, err, fault.CodeUnauthorized)
	if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions = %d, %v", n, err)
	}

	token, _, err = s.CreateSession(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, token); err != nil {
		t.Fatal(err)
	}
	_, err = s.SessionByToken(ctx, token)
	wantCode(t, err, fault.CodeUnauthorized)
}

func TestInviteIsSingleUseAndExpires(t *testing.T) {
	t.Parallel()
	s, clock := contesttest.NewStore(t)
	ctx := context.Background()
	org := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	c, err := s.CreateContest(ctx, org.ID, contesttest.Setup("invites"))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := s.CreateInvite(ctx, org.ID, c.ID, access.NewJudge{DisplayName: "王评委", Email: "wang@example.com"})
	if err != nil {
		t.Fatal(err)
	}

	// Ten tablets race for the same link: exactly one gets in.
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		successes int
		used      int
	)
	for range 10 {
		wg.Go(func() {
			_, sess, err := s.RedeemInvite(ctx, inv.Token, access.Redemption{})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && sess.Account.ID == inv.AccountID && sess.Account.Role == access.RoleJudge:
				successes++
			case fault.ErrorCode(err) == fault.CodeConflict:
				used++
			default:
				t.Errorf("redeem: %+v %v", sess, err)
			}
		})
	}
	wg.Wait()
	if successes != 1 || used != 9 {
		t.Errorf("successes %d, refused %d; want 1 and 9", successes, used)
	}
	ok, err := s.IsContestJudge(ctx, c.ID, inv.AccountID)
	if err != nil || !ok {
		t.Errorf("invited judge not in contest: %v %v", ok, err)
	}

	// A second invite for the same email reuses the judge's account.
	inv2, err := s.CreateInvite(ctx, org.ID, c.ID, access.NewJudge{DisplayName: "王评委", Email: "WANG@example.com"})
	if err != nil || inv2.AccountID != inv.AccountID {
		t.Fatalf("second invite %+v %v", inv2, err)
	}
	judges, err := s.ContestJudges(ctx, c.ID)
	if err != nil || len(judges) != 1 || judges[0].LastLogin == nil {
		t.Errorf("ContestJudges = %+v, %v", judges, err)
	}
	clock.Advance(s.InviteTTL + time.Second)
	_, _, err = s.RedeemInvite(ctx, inv2.Token, access.Redemption{})
	if e := wantCode(t, err, fault.CodeConflict); e.Message != "err.invite.expired" {
		t.Errorf("message %q", e.Message)
	}
	_, _, err = s.RedeemInvite(ctx, "no-such-token", access.Redemption{})
	wantCode(t, err, fault.CodeNotFound)

	// An entrant's email cannot be turned into a judge.
	contesttest.Account(t, s, access.RoleEntrant, "entrant@example.com")
	_, err = s.CreateInvite(ctx, org.ID, c.ID, access.NewJudge{DisplayName: "x", Email: "entrant@example.com"})
	wantCode(t, err, fault.CodeConflict)
	_, err = s.CreateInvite(ctx, org.ID, c.ID, access.NewJudge{DisplayName: " "})
	wantCode(t, err, fault.CodeInvalid)
}

func TestOpenDBCreatesMissingDatabaseAndExplainsUnreachableServer(t *testing.T) {
	t.Parallel()
	dsn := contesttest.NewDSN(t)
	if err := contest.DropDatabase(context.Background(), dsn); err != nil {
		t.Fatal(err)
	}
	db, err := contest.OpenDB(context.Background(), dsn)
	if err != nil {
		t.Fatalf("OpenDB on a missing database: %v", err)
	}
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM contests`); err != nil {
		t.Errorf("not migrated: %v", err)
	}
	db.Close()

	_, err = contest.OpenDB(context.Background(), "postgres://127.0.0.1:1/podium?sslmode=disable&connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "cannot reach PostgreSQL at 127.0.0.1:1") || !strings.Contains(err.Error(), "pg_ctlcluster") {
		t.Errorf("unreachable server error = %v", err)
	}
}
