package contest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/judging"
	"podium/contest/notify"
	"podium/fault"
)

// An organizer of another contest can invite a judge of this one (the pool is
// shared), but the session the link gives reaches only the inviting contest:
// nothing of the judge's work here can be read or written through it.
func TestJudgeSessionReachesOnlyItsContests(t *testing.T) {
	t.Parallel()
	w := newScoringWorld(t)
	ctx := context.Background()
	x := w.contest.ID
	if err := w.s.SetRoundState(ctx, w.organizer.ID, x, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	other := contesttest.Account(t, w.s, access.RoleOrganizer, "other@example.com")
	y, err := w.s.CreateContest(ctx, other.ID, contesttest.Setup("other"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w.judge.Reach.Contests, []int64{x}) || w.judge.Reach.Every {
		t.Fatalf("an invite session of contest %d reaches %+v", x, w.judge.Reach)
	}
	// The organizers of x remind the judge, who sees it.
	if err := w.s.RemindJudge(ctx, w.organizer.ID, x, "prelim", w.target.ExpertID); err != nil {
		t.Fatal(err)
	}
	reminders, err := w.s.JudgeReminders(ctx, w.judge)
	if err != nil || len(reminders) != 1 {
		t.Fatalf("the judge's reminders %+v %v", reminders, err)
	}
	// The judge submits a sheet in x.
	in := marks("30", "20", "25")
	if _, err := w.s.SubmitSheet(ctx, w.judge, w.target.ID, in, "kx", hash("x")); err != nil {
		t.Fatal(err)
	}

	// The other organizer invites the same judge to y and uses the link itself.
	inv, err := w.s.InviteExpert(ctx, other.ID, y.ID, w.target.ExpertID)
	if err != nil {
		t.Fatal(err)
	}
	_, sess, err := w.s.RedeemInvite(ctx, inv.Token, access.Redemption{})
	if err != nil {
		t.Fatal(err)
	}
	taken := sess.Judge()
	if taken.AccountID != w.judge.AccountID || taken.Reach.Every || !slices.Equal(taken.Reach.Contests, []int64{y.ID}) {
		t.Fatalf("the other organizer's session %+v", taken)
	}
	if tasks, err := w.s.JudgeTasks(ctx, taken); err != nil || len(tasks) != 0 {
		t.Errorf("tasks of x through y's invite: %+v %v", tasks, err)
	}
	if r, err := w.s.JudgeReminders(ctx, taken); err != nil || len(r) != 0 {
		t.Errorf("reminders of x through y's invite: %+v %v", r, err)
	}
	notFound := func(what string, err error) {
		t.Helper()
		if fault.ErrorCode(err) != fault.CodeNotFound {
			t.Errorf("%s through y's invite: %v, want not found", what, err)
		}
	}
	_, err = w.s.JudgeEntry(ctx, taken, w.target.ID)
	notFound("entry", err)
	_, _, err = w.s.JudgeFile(ctx, taken, w.target.ID, "00000000-0000-0000-0000-000000000001")
	notFound("file", err)
	_, err = w.s.SaveDraft(ctx, taken, w.other.ID, in)
	notFound("draft", err)
	_, err = w.s.SubmitSheet(ctx, taken, w.target.ID, in, "ky", hash("y"))
	notFound("sheet", err)
	// Not even a replay: the key and body of the judge's own submission in x
	// do not return the stored sheet.
	_, err = w.s.SubmitSheet(ctx, taken, w.target.ID, in, "kx", hash("x"))
	notFound("replayed sheet", err)
	_, err = w.s.Recuse(ctx, taken, w.target.ID, "认识")
	notFound("recusal", err)
	notFound("dismissing a reminder", w.s.DismissReminder(ctx, taken, reminders[0].ID))

	// The judge's own tablet, logged in to x, redeems y's next invite: that
	// session reaches both; a session of someone else on the device adds nothing.
	invX, err := w.s.InviteExpert(ctx, w.organizer.ID, x, w.target.ExpertID)
	if err != nil {
		t.Fatal(err)
	}
	tokX, _, err := w.s.RedeemInvite(ctx, invX.Token, access.Redemption{})
	if err != nil {
		t.Fatal(err)
	}
	invY, err := w.s.InviteExpert(ctx, other.ID, y.ID, w.target.ExpertID)
	if err != nil {
		t.Fatal(err)
	}
	tokXY, both, err := w.s.RedeemInvite(ctx, invY.Token, access.Redemption{Session: tokX})
	if err != nil || !slices.Equal(both.Reach.Contests, []int64{x, y.ID}) {
		t.Fatalf("a second contest's invite on the judge's tablet: %+v %v", both.Reach, err)
	}
	if stored, err := w.s.SessionByToken(ctx, tokXY); err != nil || !slices.Equal(stored.Reach.Contests, []int64{x, y.ID}) {
		t.Errorf("stored reach %+v %v", stored.Reach, err)
	}
	if tasks, err := w.s.JudgeTasks(ctx, both.Judge()); err != nil || len(tasks) == 0 {
		t.Errorf("tasks of the judge on both panels: %+v %v", tasks, err)
	}
	if _, err := w.s.JudgeEntry(ctx, both.Judge(), w.target.ID); err != nil {
		t.Errorf("entry of x through the merged session: %v", err)
	}
	otherTok, _, err := w.s.CreateSession(ctx, other.ID)
	if err != nil {
		t.Fatal(err)
	}
	invY2, err := w.s.InviteExpert(ctx, other.ID, y.ID, w.target.ExpertID)
	if err != nil {
		t.Fatal(err)
	}
	if _, s, err := w.s.RedeemInvite(ctx, invY2.Token, access.Redemption{Session: otherTok}); err != nil ||
		!slices.Equal(s.Reach.Contests, []int64{y.ID}) {
		t.Errorf("an invite redeemed over another account's session reaches %+v %v", s.Reach, err)
	}
	// A password login is the judge's own secret and reaches all their contests.
	if tasks, err := w.s.JudgeTasks(ctx, access.EveryContest(w.judge.AccountID)); err != nil || len(tasks) == 0 {
		t.Errorf("tasks of a password session: %+v %v", tasks, err)
	}
	if _, err := w.s.JudgeEntry(ctx, access.JudgeSession{AccountID: w.judge.AccountID}, w.target.ID); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("a session that reaches nothing read an entry: %v", err)
	}
}

// A redemption whose reply was lost is retried with the same key and gets in;
// any other device is still refused.
func TestInviteRedemptionRetriesWithItsKey(t *testing.T) {
	t.Parallel()
	s, clock := contesttest.NewStore(t)
	ctx := context.Background()
	org := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	c, err := s.CreateContest(ctx, org.ID, contesttest.Setup("retry"))
	if err != nil {
		t.Fatal(err)
	}
	invite := func(email string) access.Invite {
		t.Helper()
		inv, err := s.CreateInvite(ctx, org.ID, c.ID, access.NewJudge{DisplayName: "王评委", Email: email})
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}
	redeem := func(inv access.Invite, key string) (string, error) {
		token, sess, err := s.RedeemInvite(ctx, inv.Token, access.Redemption{Key: key})
		if err == nil && (sess.Account.ID != inv.AccountID || !slices.Equal(sess.Reach.Contests, []int64{c.ID})) {
			t.Errorf("session %+v for invite %+v", sess, inv)
		}
		return token, err
	}
	refused := func(what string, err error) {
		t.Helper()
		if e := wantCode(t, err, fault.CodeConflict); e.Message != "err.invite.used" {
			t.Errorf("%s: %q, want err.invite.used", what, e.Message)
		}
	}

	// A twin of the same redemption racing with it: both get a session.
	inv := invite("wang@example.com")
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		tokens = map[string]bool{}
	)
	for range 5 {
		wg.Go(func() {
			token, err := redeem(inv, "tablet-key")
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("twin redemption: %v", err)
			}
			tokens[token] = true
		})
	}
	wg.Wait()
	if len(tokens) != 5 {
		t.Errorf("%d distinct session tokens for 5 redemptions", len(tokens))
	}
	for token := range tokens {
		if _, err := s.SessionByToken(ctx, token); err != nil {
			t.Errorf("a twin's session: %v", err)
		}
	}
	_, err = redeem(inv, "second-device")
	refused("another device", err)
	_, err = redeem(inv, "")
	refused("a redemption without a key", err)
	var raw int
	if err := s.DB.Get(&raw, `SELECT count(*) FROM invites WHERE used_key = convert_to('tablet-key', 'UTF8')`); err != nil || raw != 0 {
		t.Errorf("the raw key is stored: %d %v", raw, err)
	}
	// The retry window counts from the first use.
	clock.Advance(access.InviteRetryWindow - time.Second)
	if _, err := redeem(inv, "tablet-key"); err != nil {
		t.Errorf("a retry within the window: %v", err)
	}
	clock.Advance(2 * time.Second)
	_, err = redeem(inv, "tablet-key")
	refused("a retry after the window", err)

	// Two devices racing with their own keys: one of them gets in, with every
	// twin of its own redemption, and the other is refused throughout.
	inv = invite("li@example.com")
	results := map[string][]error{}
	for i := range 10 {
		key := fmt.Sprint("device-", i%2)
		wg.Go(func() {
			_, err := redeem(inv, key)
			mu.Lock()
			defer mu.Unlock()
			results[key] = append(results[key], err)
		})
	}
	wg.Wait()
	winners := 0
	for key, errs := range results {
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				refused(key, err)
			}
		}
		if ok == len(errs) {
			winners++
		} else if ok != 0 {
			t.Errorf("%s: %d of %d redemptions got in", key, ok, len(errs))
		}
	}
	if winners != 1 {
		t.Errorf("%d devices got in, want 1: %v", winners, results)
	}

	// A redemption without a key cannot be retried.
	inv = invite("")
	if _, err := redeem(inv, ""); err != nil {
		t.Fatal(err)
	}
	_, err = redeem(inv, "")
	refused("a keyless retry", err)
	_, err = redeem(inv, "late-key")
	refused("a key after a keyless redemption", err)

	// A link used just before it expired can still be retried just after.
	inv = invite("zhao@example.com")
	clock.Advance(s.InviteTTL - time.Minute)
	if _, err := redeem(inv, "last-minute"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Minute)
	if _, err := redeem(inv, "last-minute"); err != nil {
		t.Errorf("retry after the link expired: %v", err)
	}
	_, err = redeem(inv, "other")
	refused("another device after expiry", err)

	_, err = redeem(invite(""), string(make([]byte, 201)))
	wantCode(t, err, fault.CodeInvalid)
}

// The pool is shared, but an expert's phone and email belong to the contests
// the expert serves: another organizer neither sees nor overwrites them.
func TestExpertContactsFollowTheContestsTheyServe(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	orgX := contesttest.Account(t, s, access.RoleOrganizer, "x@example.com")
	orgY := contesttest.Account(t, s, access.RoleOrganizer, "y@example.com")
	x, err := s.CreateContest(ctx, orgX.ID, contesttest.Setup("contest-x"))
	if err != nil {
		t.Fatal(err)
	}
	y, err := s.CreateContest(ctx, orgY.ID, contesttest.Setup("contest-y"))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for i, name := range []string{"甲赛专家", "两赛专家", "空闲专家", "受邀专家"} {
		e, err := s.SaveExpert(ctx, orgX.ID, judging.ExpertInput{Name: name, Organization: name + "大学",
			Phone: fmt.Sprintf("1390000000%d", i), Email: fmt.Sprintf("expert%d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = e.ID
	}
	if err := s.SetPanel(ctx, orgX.ID, x.ID, "prelim", []int64{ids["甲赛专家"], ids["两赛专家"]}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPanel(ctx, orgY.ID, y.ID, "prelim", []int64{ids["两赛专家"]}); err != nil {
		t.Fatal(err)
	}
	// An invite alone is not serving: anyone may invite anyone of the pool.
	if _, err := s.InviteExpert(ctx, orgX.ID, x.ID, ids["受邀专家"]); err != nil {
		t.Fatal(err)
	}
	seen := func(viewer access.Account) map[string]judging.Expert {
		t.Helper()
		list, err := s.Experts(ctx, viewer.ID, "专家")
		if err != nil || len(list) != 4 {
			t.Fatalf("pool: %d %v", len(list), err)
		}
		out := map[string]judging.Expert{}
		for _, e := range list {
			out[e.Name] = e
		}
		return out
	}
	byY := seen(orgY)
	if e := byY["甲赛专家"]; !e.ContactHidden || e.Phone != "" || e.Email != "" || e.Organization != "甲赛专家大学" {
		t.Errorf("another organizer's judge: %+v", e)
	}
	for _, name := range []string{"两赛专家", "空闲专家", "受邀专家"} {
		if e := byY[name]; e.ContactHidden || e.Phone == "" || e.Email == "" {
			t.Errorf("%s as y's organizer sees them: %+v", name, e)
		}
	}
	for name, e := range seen(orgX) {
		if e.ContactHidden || e.Phone == "" {
			t.Errorf("%s as x's organizer sees them: %+v", name, e)
		}
	}
	if e, err := s.Expert(ctx, orgY.ID, ids["甲赛专家"]); err != nil || !e.ContactHidden || e.Phone != "" || e.Email != "" {
		t.Errorf("one expert as y's organizer sees them: %+v %v", e, err)
	}

	// Y's organizer may not edit, re-add or import the expert: x's record stays as it is.
	in := judging.ExpertInput{Name: "甲赛专家", Organization: "甲赛专家大学", Title: "教授", Phone: "13911111111", Email: "taken@example.com", Capacity: 1}
	_, err = s.UpdateExpert(ctx, orgY.ID, ids["甲赛专家"], judging.ExpertInput{Name: "甲赛专家", Organization: "甲赛专家大学", Title: "教授", Conflicts: []string{"乙赛单位"}})
	if e := wantCode(t, err, fault.CodeForbidden); e.Message != "err.expert.not_editable" {
		t.Errorf("edit as y: %v", err)
	}
	_, err = s.SaveExpert(ctx, orgY.ID, in)
	wantCode(t, err, fault.CodeForbidden)
	res, err := s.ImportExpertRows(ctx, orgY.ID, []judging.ExpertRow{{Line: 2, ExpertInput: in},
		{Line: 3, ExpertInput: judging.ExpertInput{Name: "新评审", Organization: "新大学"}}}, contest.ImportOptions{SkipInvalid: true})
	if err != nil || res.Imported != 1 || len(res.Problems) != 1 || res.Problems[0] != (contest.RowProblem{Line: 2, Column: "name", Message: "err.expert.not_editable"}) {
		t.Errorf("import as y: %+v %v", res, err)
	}
	if e, err := s.Expert(ctx, orgX.ID, ids["甲赛专家"]); err != nil || e.Phone != "13900000000" || e.Email != "expert0@example.com" ||
		e.Title != "" || e.Capacity != 20 || len(e.Conflicts) != 0 {
		t.Errorf("after y's attempts x sees %+v %v", e, err)
	}
	_, err = s.UpdateExpert(ctx, orgY.ID, 1<<40, in)
	wantCode(t, err, fault.CodeNotFound)
	// X's organizer may change them.
	in.Phone, in.Email = "13922222222", "new@example.com"
	if e, err := s.UpdateExpert(ctx, orgX.ID, ids["甲赛专家"], in); err != nil || e.Phone != "13922222222" || e.Email != "new@example.com" {
		t.Errorf("edit as x: %+v %v", e, err)
	}
	// Putting the expert on one of y's panels (audited) makes them y's too.
	if err := s.SetPanel(ctx, orgY.ID, y.ID, "prelim", []int64{ids["两赛专家"], ids["甲赛专家"]}); err != nil {
		t.Fatal(err)
	}
	if e := seen(orgY)["甲赛专家"]; e.ContactHidden || e.Phone != "13922222222" {
		t.Errorf("once on y's panel: %+v", e)
	}
}

// captured is a transport that keeps what it is given (the SMTP path is
// tested against a real server in contest/notify).
type captured struct{ got []notify.Outgoing }

func (c *captured) Name() string { return "test" }
func (c *captured) Send(_ context.Context, m notify.Outgoing) error {
	c.got = append(c.got, m)
	return nil
}

// An invite to a judge with an address is e-mailed with its link, recorded
// with the invite; once sent, the outbox no longer holds the link. A card
// printed for the venue e-mails nothing.
func TestInviteIsMailedAndItsLinkForgotten(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	org := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	c, err := s.CreateContest(ctx, org.ID, contesttest.Setup("mailed"))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := s.CreateInvite(ctx, org.ID, c.ID, access.NewJudge{DisplayName: "王评委", Email: "wang@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	x, err := s.SaveExpert(ctx, org.ID, judging.ExpertInput{Name: "李专家", Organization: "南方研究院", Email: "li@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.InviteExpertForCard(ctx, org.ID, c.ID, x.ID); err != nil {
		t.Fatal(err)
	}
	tr := &captured{}
	sender := &notify.Sender{DB: s.DB.DB, Email: tr, BaseURL: "https://contest.example.cn"}
	if n, err := sender.SendDue(ctx); err != nil || n != 1 {
		t.Fatalf("sent %d, %v; want the one invite (not the card's)", n, err)
	}
	if len(tr.got) != 1 || tr.got[0].To != "wang@example.com" || !strings.Contains(tr.got[0].Body, "https://contest.example.cn/invite/"+inv.Token) {
		t.Fatalf("invite e-mail %+v", tr.got)
	}
	var left int
	if err := s.DB.Get(&left, `SELECT count(*) FROM outbox WHERE data::text LIKE '%' || $1 || '%'`, inv.Token); err != nil || left != 0 {
		t.Fatalf("the sent invite's link is still in the outbox (%d, %v)", left, err)
	}
}

// A password reset: the same answer for an unknown login, a link by e-mail
// for a known one, used once, expiring, ending the account's sessions.
func TestPasswordReset(t *testing.T) {
	t.Parallel()
	s, clock := contesttest.NewStore(t)
	ctx := context.Background()
	a := contesttest.Account(t, s, access.RoleEntrant, "li.na@example.cn")
	link := func() string {
		t.Helper()
		var l string
		if err := s.DB.Get(&l, `SELECT data->>'Link' FROM outbox WHERE kind = 'account.reset' AND recipient = $1 ORDER BY id DESC LIMIT 1`, "li.na@example.cn"); err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(l, "/password/reset/")
	}
	count := func() (n int) {
		t.Helper()
		if err := s.DB.Get(&n, `SELECT count(*) FROM outbox WHERE kind = 'account.reset'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := s.RequestPasswordReset(ctx, "nobody@example.cn"); err != nil || count() != 0 {
		t.Fatalf("unknown login: %v, %d messages", err, count())
	}
	if err := s.RequestPasswordReset(ctx, " LI.NA@example.cn "); err != nil || count() != 1 {
		t.Fatalf("known login: %v, %d messages", err, count())
	}
	token := link()
	sessionToken, _, err := s.CreateSession(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckPasswordReset(ctx, token); err != nil {
		t.Fatalf("a fresh link: %v", err)
	}
	if err := s.ResetPassword(ctx, token, "short"); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Fatalf("a short password: %v", err)
	}
	if err := s.ResetPassword(ctx, token, "新的密码 long enough"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "li.na@example.cn", "新的密码 long enough"); err != nil {
		t.Fatalf("the new password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "li.na@example.cn", contesttest.Password); err == nil {
		t.Fatal("the old password still works")
	}
	if _, err := s.SessionByToken(ctx, sessionToken); err == nil {
		t.Fatal("a session from before the reset still works")
	}
	if err := s.ResetPassword(ctx, token, "another password"); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("the link used twice: %v", err)
	}
	if err := s.CheckPasswordReset(ctx, "not-a-token"); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Fatalf("a made-up link: %v", err)
	}
	// A link expires after ResetTTL.
	if err := s.RequestPasswordReset(ctx, "li.na@example.cn"); err != nil {
		t.Fatal(err)
	}
	late := link()
	clock.Advance(access.ResetTTL)
	if err := s.ResetPassword(ctx, late, "another password"); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("an expired link: %v", err)
	}
	// At most three links an hour reach one inbox; the answer stays the same.
	for range 5 {
		if err := s.RequestPasswordReset(ctx, "li.na@example.cn"); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(); n != 5 { // 2 before the hour moved on, 3 in this hour
		t.Fatalf("%d reset messages, want 5", n)
	}
	// A judge who signs in by invite has no password to reset.
	judge := contesttest.Account(t, s, access.RoleJudge, "judge@example.cn")
	if _, err := s.DB.Exec(`UPDATE accounts SET password_hash = NULL WHERE id = $1`, judge.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPasswordReset(ctx, "judge@example.cn"); err != nil || count() != 5 {
		t.Fatalf("a judge without a password: %v, %d", err, count())
	}
}
