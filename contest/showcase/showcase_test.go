package showcase_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/onward"
	"podium/contest/showcase"
	"podium/fault"
	"podium/files/filecheck"
	"podium/files/table"
	"podium/scoring"
)

// world is a contest whose only round is scored, awarded and published (its
// publicity period running): three accepted team entries (金 gets the first
// prize), and a fourth entry never accepted. A second contest of another
// organizer exists for cross-contest checks.
type world struct {
	s         *contesttest.Stores
	clock     *contesttest.Clock
	sc        *showcase.Service
	org       access.Account
	contestID int64
	otherID   int64
	entrants  map[string]access.Account // by title
	entries   map[string]int64          // by title
	seq       int                       // investors registered
}

// The entrants' contact details, which no investor may see before acceptance.
var fixtures = []struct{ title, org, track, phone, email, summary, mark string }{
	{"金牌电池", "金石团队", "materials", "13811110001", "gold@example.com", "固态电池隔膜，能量密度提升三成", "25"},
	{"银色机器人", "银河团队", "manufacturing", "13811110002", "silver@example.com", "巡检机器人，替代人工高危作业", "20"},
	{"铜线传感", "铜山团队", "materials", "13811110003", "copper@example.com", "柔性传感器，可贴附曲面", "10"},
}

const notAccepted = "未审项目"

func newWorld(t *testing.T) *world {
	t.Helper()
	s, clock := contesttest.NewStore(t)
	ctx := context.Background()
	w := &world{s: s, clock: clock, sc: showcase.New(s.DB, s.Accounts, s.Results), entrants: map[string]access.Account{}, entries: map[string]int64{}}
	w.org = contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("showcase")
	setup.Rounds[0].ReviewsPerEntry, setup.Rounds[0].Method = 1, scoring.Method("mean")
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	setup.Awards = []contest.AwardQuota{{Group: "team", Level: "first", Count: 1}}
	c, err := s.CreateContest(ctx, w.org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	w.contestID = c.ID
	other := contesttest.Account(t, s, access.RoleOrganizer, "other@example.com")
	oc, err := s.CreateContest(ctx, other.ID, contesttest.Setup("other"))
	if err != nil {
		t.Fatal(err)
	}
	w.otherID = oc.ID
	// Both contests are open: investors see them before any publication.
	if _, err := s.DB.Exec(`UPDATE contests SET state = 'open'`); err != nil {
		t.Fatal(err)
	}
	mark := map[int64]string{}
	var ids []int64
	for i, f := range append(fixtures, struct{ title, org, track, phone, email, summary, mark string }{notAccepted, "未审团队", "materials", "13811110004", "none@example.com", "未审", ""}) {
		a := contesttest.Account(t, s, access.RoleEntrant, fmt.Sprintf("e%d@example.com", i))
		if _, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: f.org, ContactName: "联系人" + f.org,
			ContactPhone: f.phone, ContactEmail: f.email}); err != nil {
			t.Fatal(err)
		}
		e, err := s.CreateEntry(ctx, a.ID, c.ID, entry.Input{Track: f.track, Group: "team", Title: f.title, Fields: entry.Fields{Summary: f.summary}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitEntry(ctx, a.ID, e.ID, false); err != nil {
			t.Fatal(err)
		}
		w.entrants[f.title], w.entries[f.title] = a, e.ID
		if f.mark != "" {
			ids, mark[e.ID] = append(ids, e.ID), f.mark
		}
	}
	if _, err := s.ReviewEntries(ctx, w.org.ID, c.ID, ids, true, ""); err != nil {
		t.Fatal(err)
	}
	x, err := s.SaveExpert(ctx, w.org.ID, judging.ExpertInput{Name: "评委", Organization: "大学"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPanel(ctx, w.org.ID, c.ID, "prelim", []int64{x.ID}); err != nil {
		t.Fatal(err)
	}
	run, err := s.StartAssignment(ctx, w.org.ID, c.ID, "prelim", 1)
	if err == nil {
		_, err = s.RunAssignment(ctx, w.org.ID, c.ID, "prelim", run.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetRoundState(ctx, w.org.ID, c.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	list, err := s.Assignments(ctx, c.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		inv, err := s.InviteExpert(ctx, w.org.ID, c.ID, a.ExpertID)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := scoring.ParsePoints(mark[a.EntryID])
		key := fmt.Sprint("sheet-", a.ID)
		if _, err := s.SubmitSheet(ctx, access.EveryContest(inv.AccountID), a.ID,
			judging.SheetInput{Marks: map[string]scoring.Points{"tech": m, "market": m, "team": m}}, key, []byte(key)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetRoundState(ctx, w.org.ID, c.ID, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmAwards(ctx, w.org.ID, c.ID, "prelim", nil); err != nil {
		t.Fatal(err)
	}
	return w
}

// publish publishes the round; final moves the clock past its period.
func (w *world) publish(t *testing.T) {
	t.Helper()
	if _, err := w.s.PublishResults(context.Background(), w.org.ID, w.contestID, "prelim"); err != nil {
		t.Fatal(err)
	}
}

func (w *world) final(t *testing.T) {
	t.Helper()
	w.publish(t)
	w.clock.Advance(8 * 24 * time.Hour)
}

var investorSeq atomic.Int64

// investor registers an investment institution with a valid USCC of its own.
func (w *world) investor(t *testing.T, name string) access.Account {
	t.Helper()
	codes := []string{"91440300708461136T", "91110000802100433B", "91310000631696382C", "91330100799655058B"}
	w.seq++ // the world's own count: each test's database has its own institutions
	n := investorSeq.Add(1)
	a, err := w.sc.Register(context.Background(), showcase.InvestorInput{Institution: name, USCC: codes[(w.seq-1)%len(codes)],
		ContactName: name + "经理", Email: fmt.Sprintf("inv%d@example.com", n), Password: contesttest.Password})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// approvedInvestor registers an investor, applies to the contest and is approved.
func (w *world) approvedInvestor(t *testing.T, name string, contestID int64) access.Account {
	t.Helper()
	ctx := context.Background()
	a := w.investor(t, name)
	if err := w.sc.Apply(ctx, a.ID, contestID); err != nil {
		t.Fatal(err)
	}
	var orgID int64
	if err := w.s.DB.Get(&orgID, `SELECT account_id FROM contest_organizers WHERE contest_id = $1`, contestID); err != nil {
		t.Fatal(err)
	}
	if err := w.sc.DecideInvestor(ctx, orgID, contestID, a.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	return a
}

func (w *world) optIn(t *testing.T, title string) {
	t.Helper()
	if _, err := w.sc.OptIn(context.Background(), w.entrants[title].ID, w.entries[title],
		showcase.OptInInput{RoundRaised: showcase.RaisedAngel, Amount: "500", Unit: showcase.UnitWan}); err != nil {
		t.Fatal(err)
	}
}

func code(t *testing.T, err error, want fault.Code, msg string) {
	t.Helper()
	var fe *fault.Error
	if fault.ErrorCode(err) != want || msg != "" && (!asFault(err, &fe) || fe.Message != msg) {
		t.Errorf("got %v, want %s %s", err, want, msg)
	}
}

func asFault(err error, fe **fault.Error) bool {
	f, ok := err.(*fault.Error)
	*fe = f
	return ok
}

// secrets are everything of the entrants an investor must not see before
// acceptance (and of one who did not opt in, ever).
func secrets(titles ...string) []string {
	var out []string
	for _, f := range fixtures {
		for _, t := range titles {
			if f.title == t {
				out = append(out, f.phone, f.email, f.org)
			}
		}
	}
	return out
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Nothing is shown, and nothing can be opted in or asked for, until the
// contest's results are final: not before publication, not during the
// publicity period.
func TestNothingBeforeResultsAreFinal(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	inv := w.approvedInvestor(t, "早鸟资本", w.contestID)
	gold := w.entrants["金牌电池"]
	for _, stage := range []string{"unpublished", "publicity"} {
		if stage == "publicity" {
			w.publish(t)
		}
		_, err := w.sc.OptIn(ctx, gold.ID, w.entries["金牌电池"], showcase.OptInInput{RoundRaised: showcase.RaisedA, Amount: "1000000"})
		code(t, err, fault.CodeConflict, "err.showcase.not_final")
		_, err = w.sc.Browse(ctx, inv.ID, w.contestID, "", "")
		code(t, err, fault.CodeConflict, "err.showcase.not_final")
		v, err := w.sc.EntrantView(ctx, gold.ID, w.entries["金牌电池"])
		if err != nil || v.Final || !v.Accepted || v.Preview.AwardLevel != "" {
			t.Errorf("%s: entrant view %+v %v", stage, v, err)
		}
	}
	var n int
	if err := w.s.DB.Get(&n, `SELECT count(*) FROM showcase_listings`); err != nil || n != 0 {
		t.Errorf("listings before final: %d %v", n, err)
	}
	w.clock.Advance(8 * 24 * time.Hour)
	w.optIn(t, "金牌电池")
	sc, err := w.sc.Browse(ctx, inv.ID, w.contestID, "", "")
	if err != nil || len(sc.Cards) != 1 || sc.Cards[0].AwardLevel != "first" || sc.Cards[0].AmountSought != 5_000_000 ||
		sc.Cards[0].RoundRaised != showcase.RaisedAngel || sc.Cards[0].Summary != fixtures[0].summary {
		t.Errorf("final showcase: %+v %v", sc, err)
	}
}

// Of the entrants, only those who opted in are shown, with only what the
// preview shows; contact details reach an investor only when the entrant
// accepts that investor's request, not after a decline, and not after the
// entrant withdraws.
func TestOnlyOptedInShownContactOnlyOnAcceptance(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.final(t)
	alpha := w.approvedInvestor(t, "阿尔法创投", w.contestID)
	beta := w.approvedInvestor(t, "贝塔基金", w.contestID)
	w.optIn(t, "金牌电池")
	w.optIn(t, "铜线传感")
	gold, copper := w.entrants["金牌电池"], w.entrants["铜线传感"]

	sc, err := w.sc.Browse(ctx, alpha.ID, w.contestID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	body := marshal(t, sc)
	if len(sc.Cards) != 2 || sc.Cards[0].Title != "金牌电池" || sc.Cards[1].Title != "铜线传感" {
		t.Errorf("cards: %s", body)
	}
	for _, s := range append(secrets("金牌电池", "银色机器人", "铜线传感"), "银色机器人", fixtures[1].summary, notAccepted) {
		if strings.Contains(body, s) {
			t.Errorf("the showcase carries %q: %s", s, body)
		}
	}
	// The preview is exactly the card.
	v, err := w.sc.EntrantView(ctx, gold.ID, w.entries["金牌电池"])
	if err != nil || marshal(t, v.Preview) != marshal(t, sc.Cards[0].Card) {
		t.Errorf("preview %+v differs from the card %+v (%v)", v.Preview, sc.Cards[0].Card, err)
	}
	// Filters.
	if f, err := w.sc.Browse(ctx, alpha.ID, w.contestID, "manufacturing", ""); err != nil || len(f.Cards) != 0 {
		t.Errorf("manufacturing: %+v %v", f, err)
	}
	if f, err := w.sc.Browse(ctx, alpha.ID, w.contestID, "materials", "team"); err != nil || len(f.Cards) != 2 {
		t.Errorf("materials/team: %+v %v", f, err)
	}

	// The silver entrant did not opt in: no request reaches it; nor the unaccepted entry.
	for _, title := range []string{"银色机器人", notAccepted} {
		_, err = w.sc.RequestContact(ctx, alpha.ID, w.contestID, w.entries[title], "想了解")
		code(t, err, fault.CodeNotFound, "err.showcase.not_listed")
	}
	_, err = w.sc.RequestContact(ctx, alpha.ID, w.contestID, w.entries["金牌电池"], "  ")
	code(t, err, fault.CodeInvalid, "")

	ra, err := w.sc.RequestContact(ctx, alpha.ID, w.contestID, w.entries["金牌电池"], "我们关注储能赛道，想约时间详谈。")
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.sc.RequestContact(ctx, alpha.ID, w.contestID, w.entries["金牌电池"], "再问一次")
	code(t, err, fault.CodeConflict, "err.showcase.already_requested")
	rb, err := w.sc.RequestContact(ctx, beta.ID, w.contestID, w.entries["金牌电池"], "贝塔想了解")
	if err != nil {
		t.Fatal(err)
	}
	rc, err := w.sc.RequestContact(ctx, alpha.ID, w.contestID, w.entries["铜线传感"], "阿尔法想了解铜线")
	if err != nil {
		t.Fatal(err)
	}
	// Pending: no contact anywhere.
	for _, inv := range []access.Account{alpha, beta} {
		sc, _ := w.sc.Browse(ctx, inv.ID, w.contestID, "", "")
		for _, s := range secrets("金牌电池", "铜线传感") {
			if b := marshal(t, sc); strings.Contains(b, s) {
				t.Errorf("pending: %s sees %q", inv.DisplayName, s)
			}
		}
	}
	// The entrant sees the requests: institution and message; not another's entry's.
	v, _ = w.sc.EntrantView(ctx, gold.ID, w.entries["金牌电池"])
	if len(v.Requests) != 2 || !strings.Contains(marshal(t, v.Requests), "阿尔法创投") || !strings.Contains(marshal(t, v.Requests), "我们关注储能赛道") {
		t.Errorf("gold's requests: %+v", v.Requests)
	}
	code(t, w.sc.DecideRequest(ctx, gold.ID, w.entries["金牌电池"], rc.ID, true), fault.CodeNotFound, "err.showcase.request_not_found")
	code(t, w.sc.DecideRequest(ctx, copper.ID, w.entries["金牌电池"], ra.ID, true), fault.CodeNotFound, "err.entry.not_found")

	// Gold accepts alpha and declines beta; copper declines alpha.
	if err := w.sc.DecideRequest(ctx, gold.ID, w.entries["金牌电池"], ra.ID, true); err != nil {
		t.Fatal(err)
	}
	code(t, w.sc.DecideRequest(ctx, gold.ID, w.entries["金牌电池"], ra.ID, false), fault.CodeConflict, "err.showcase.decided")
	if err := w.sc.DecideRequest(ctx, gold.ID, w.entries["金牌电池"], rb.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := w.sc.DecideRequest(ctx, copper.ID, w.entries["铜线传感"], rc.ID, false); err != nil {
		t.Fatal(err)
	}
	sa, _ := w.sc.Browse(ctx, alpha.ID, w.contestID, "", "")
	ba := marshal(t, sa)
	for _, s := range secrets("金牌电池") {
		if !strings.Contains(ba, s) {
			t.Errorf("accepted: alpha does not see %q: %s", s, ba)
		}
	}
	for _, s := range secrets("铜线传感", "银色机器人") {
		if strings.Contains(ba, s) {
			t.Errorf("alpha sees %q of an entrant who declined or did not opt in", s)
		}
	}
	if sa.Cards[0].Request == nil || sa.Cards[0].Request.Contact == nil || sa.Cards[0].Request.Contact.Phone != fixtures[0].phone ||
		sa.Cards[1].Request == nil || sa.Cards[1].Request.State != showcase.RequestDeclined || sa.Cards[1].Request.Contact != nil {
		t.Errorf("alpha's cards: %s", ba)
	}
	sb, _ := w.sc.Browse(ctx, beta.ID, w.contestID, "", "")
	for _, s := range secrets("金牌电池", "铜线传感") {
		if strings.Contains(marshal(t, sb), s) {
			t.Errorf("declined: beta sees %q", s)
		}
	}
	// The accepted investor's contact reaches the entrant.
	v, _ = w.sc.EntrantView(ctx, gold.ID, w.entries["金牌电池"])
	for _, r := range v.Requests {
		if (r.State == showcase.RequestAccepted) != (r.ContactEmail != "") {
			t.Errorf("gold's request %+v", r)
		}
	}

	// Withdrawn: gold is no longer shown, its contact no longer given.
	if err := w.sc.Withdraw(ctx, gold.ID, w.entries["金牌电池"]); err != nil {
		t.Fatal(err)
	}
	code(t, w.sc.Withdraw(ctx, gold.ID, w.entries["金牌电池"]), fault.CodeConflict, "err.showcase.not_listed")
	sa, _ = w.sc.Browse(ctx, alpha.ID, w.contestID, "", "")
	if b := marshal(t, sa); len(sa.Cards) != 1 || strings.Contains(b, "金牌电池") || strings.Contains(b, fixtures[0].phone) {
		t.Errorf("after withdrawal: %s", b)
	}
	// The organizers' report: who asked whom, when, state; no contact, no message.
	rep, err := w.sc.Report(ctx, w.contestID)
	if err != nil || !rep.Final || rep.Shown != 1 || len(rep.Requests) != 3 || len(rep.Applications) != 2 {
		t.Fatalf("report %+v %v", rep, err)
	}
	rb2 := marshal(t, rep)
	for _, s := range append(secrets("金牌电池", "铜线传感")[:2], "我们关注储能赛道") {
		if strings.Contains(rb2, s) {
			t.Errorf("the report carries %q", s)
		}
	}
	// Every step is in the contest's audit chain, which verifies, and no
	// record carries a contact detail.
	recs, err := w.s.Records(ctx, w.contestID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[audit.Action]int{}
	for _, r := range recs {
		count[r.Action]++
		for _, s := range secrets("金牌电池", "银色机器人", "铜线传感") {
			if strings.Contains(string(r.Payload), s) {
				t.Errorf("audit %s carries %q", r.Action, s)
			}
		}
	}
	for a, n := range map[audit.Action]int{audit.ShowcaseInvestorApplied: 2, audit.ShowcaseInvestorDecided: 2, audit.ShowcaseOptedIn: 2,
		audit.ShowcaseContactAsked: 3, audit.ShowcaseContactDecided: 3, audit.ShowcaseWithdrawn: 1} {
		if count[a] != n {
			t.Errorf("%s recorded %d times, want %d", a, count[a], n)
		}
	}
	id := w.contestID
	if _, problems, err := w.s.Verify(ctx, &id); err != nil || len(problems) != 0 {
		t.Errorf("verify: %v %v", problems, err)
	}
}

// An investor never approved for the contest sees nothing and asks nothing:
// one who never applied, a pending one, a rejected one (after approval, too),
// one approved for another contest.
func TestUnapprovedInvestorsSeeNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.final(t)
	w.optIn(t, "金牌电池")
	never := w.investor(t, "未申请资本")
	pending := w.investor(t, "待审资本")
	if err := w.sc.Apply(ctx, pending.ID, w.contestID); err != nil {
		t.Fatal(err)
	}
	rejected := w.approvedInvestor(t, "被拒资本", w.contestID)
	code(t, w.sc.DecideInvestor(ctx, w.org.ID, w.contestID, rejected.ID, false, ""), fault.CodeInvalid, "")
	if err := w.sc.DecideInvestor(ctx, w.org.ID, w.contestID, rejected.ID, false, "机构资质不符"); err != nil {
		t.Fatal(err)
	}
	elsewhere := w.approvedInvestor(t, "他赛资本", w.otherID)
	for name, inv := range map[string]access.Account{"never applied": never, "pending": pending, "rejected": rejected, "other contest": elsewhere} {
		sc, err := w.sc.Browse(ctx, inv.ID, w.contestID, "", "")
		code(t, err, fault.CodeForbidden, "err.showcase.not_approved")
		if b := marshal(t, sc); strings.Contains(b, "金牌电池") {
			t.Errorf("%s: %s", name, b)
		}
		_, err = w.sc.RequestContact(ctx, inv.ID, w.contestID, w.entries["金牌电池"], "想了解")
		code(t, err, fault.CodeForbidden, "err.showcase.not_approved")
	}
	// An organizer of another contest cannot decide this one's applications.
	code(t, w.sc.DecideInvestor(ctx, w.org.ID, w.otherID, pending.ID, true, ""), fault.CodeNotFound, "err.showcase.application_not_found")
	// Applying again after a rejection asks anew; the organizer may approve it.
	if err := w.sc.Apply(ctx, rejected.ID, w.contestID); err != nil {
		t.Fatal(err)
	}
	apps, _ := w.sc.ContestApplications(ctx, w.contestID)
	if len(apps) != 2 || apps[0].State != showcase.ApplicationPending || apps[1].State != showcase.ApplicationPending {
		t.Errorf("applications: %+v", apps)
	}
}

// Opting in: only the entrant's own accepted entry, a round from the list,
// an amount in yuan or 万元.
func TestOptInRules(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.final(t)
	gold := w.entrants["金牌电池"]
	_, err := w.sc.OptIn(ctx, gold.ID, w.entries["银色机器人"], showcase.OptInInput{RoundRaised: showcase.RaisedA, Amount: "1"})
	code(t, err, fault.CodeNotFound, "err.entry.not_found")
	_, err = w.sc.OptIn(ctx, w.entrants[notAccepted].ID, w.entries[notAccepted], showcase.OptInInput{RoundRaised: showcase.RaisedA, Amount: "1"})
	code(t, err, fault.CodeConflict, "err.showcase.entry_not_accepted")
	_, err = w.sc.OptIn(ctx, gold.ID, w.entries["金牌电池"], showcase.OptInInput{RoundRaised: "d", Amount: "-5"})
	var fe *fault.Error
	if !asFault(err, &fe) || fe.Fields["round_raised"] != "err.showcase.round_raised" || fe.Fields["amount_sought"] != "err.showcase.amount" {
		t.Errorf("bad opt-in: %v", err)
	}
	l, err := w.sc.OptIn(ctx, gold.ID, w.entries["金牌电池"], showcase.OptInInput{RoundRaised: showcase.RaisedPreA, Amount: "1,200,000", Unit: showcase.UnitYuan})
	if err != nil || l.AmountSought != 1_200_000 {
		t.Errorf("opt-in: %+v %v", l, err)
	}
	// Opting in again changes what is shown.
	if l, err = w.sc.OptIn(ctx, gold.ID, w.entries["金牌电池"], showcase.OptInInput{RoundRaised: showcase.RaisedB, Amount: "3000", Unit: showcase.UnitWan}); err != nil || l.AmountSought != 30_000_000 {
		t.Errorf("again: %+v %v", l, err)
	}
	v, _ := w.sc.EntrantView(ctx, gold.ID, w.entries["金牌电池"])
	if !v.Listing.Shown() || v.Preview.RoundRaised != showcase.RaisedB || v.Preview.AmountSought != 30_000_000 || v.Preview.AwardLevel != "first" {
		t.Errorf("view: %+v", v)
	}
}

func TestParseAmount(t *testing.T) {
	for _, c := range []struct {
		amount, unit string
		want         int64
	}{
		{"500", "wan", 5_000_000}, {"12.5", "wan", 125_000}, {"0.0001", "wan", 1}, {"1,000", "yuan", 1000}, {"1000.00", "", 1000},
		{"１２", "yuan", 12}, {"", "yuan", 0}, {"0", "yuan", 0}, {"1.5", "yuan", 0}, {"1.00001", "wan", 0}, {"abc", "wan", 0},
		{"-1", "yuan", 0}, {"1e6", "yuan", 0}, {"100000001", "wan", 0}, {"1000000000000", "yuan", 1_000_000_000_000}, {"5", "dollar", 0}, {"1.", "wan", 0},
	} {
		got, err := showcase.ParseAmount(c.amount, c.unit)
		if got != c.want || (err == nil) != (c.want > 0) {
			t.Errorf("ParseAmount(%q, %q) = %d, %v; want %d", c.amount, c.unit, got, err, c.want)
		}
	}
}

// Registration: the institution's USCC checked (letters accepted, lower case
// too), every problem at once, a USCC registered once, all or nothing.
func TestRegisterInvestor(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	_, err := w.sc.Register(ctx, showcase.InvestorInput{Institution: " ", USCC: "91440300708461136X", ContactName: "", Email: "bad", Password: "short"})
	var fe *fault.Error
	if !asFault(err, &fe) || fe.Code != fault.CodeInvalid {
		t.Fatalf("bad registration: %v", err)
	}
	for _, f := range []string{"institution", "uscc", "contact_name", "email", "password"} {
		if fe.Fields[f] == "" {
			t.Errorf("no problem for %s: %v", f, fe.Fields)
		}
	}
	a, err := w.sc.Register(ctx, showcase.InvestorInput{Institution: "字母资本", USCC: "91110108ma01g0fb09", ContactName: "王经理",
		Phone: "13900001111", Password: contesttest.Password})
	if err != nil || a.Role != access.RoleInvestor {
		t.Fatalf("register: %+v %v", a, err)
	}
	v, err := w.sc.Investor(ctx, a.ID)
	if err != nil || v.USCC != "91110108MA01G0FB09" || v.ContactPhone != "13900001111" {
		t.Errorf("investor %+v %v", v, err)
	}
	_, err = w.sc.Register(ctx, showcase.InvestorInput{Institution: "重复资本", USCC: "91110108MA01G0FB09", ContactName: "李", Email: "dup@example.com", Password: contesttest.Password})
	if !asFault(err, &fe) || fe.Fields["uscc"] != "err.investor.uscc_taken" {
		t.Errorf("duplicate USCC: %v", err)
	}
	var n int
	if err := w.s.DB.Get(&n, `SELECT count(*) FROM accounts WHERE role = 'investor'`); err != nil || n != 1 {
		t.Errorf("investor accounts: %d %v (a refused registration left an account)", n, err)
	}
}

// The organizers' export of the requests (contest/onward, "showcase"), read
// back with real readers, holds exactly the report's requests, cell by cell:
// who asked whom, when, the answer; no contact detail and no message.
func TestShowcaseExportMatchesTheReport(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.final(t)
	alpha := w.approvedInvestor(t, "阿尔法创投", w.contestID)
	beta := w.approvedInvestor(t, "贝塔基金", w.contestID)
	w.optIn(t, "金牌电池")
	w.optIn(t, "铜线传感")
	ra, err := w.sc.RequestContact(ctx, alpha.ID, w.contestID, w.entries["金牌电池"], "阿尔法留言")
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(time.Hour)
	if _, err := w.sc.RequestContact(ctx, beta.ID, w.contestID, w.entries["铜线传感"], "贝塔留言"); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(time.Hour)
	if err := w.sc.DecideRequest(ctx, w.entrants["金牌电池"].ID, w.entries["金牌电池"], ra.ID, true); err != nil {
		t.Fatal(err)
	}
	on := onward.New(w.s.DB, w.s.Results)
	shanghai := time.FixedZone("CST", 8*3600)
	for _, f := range []table.Format{table.XLSX, table.CSV} {
		e, err := on.Prepare(ctx, onward.Request{ContestID: w.contestID, What: onward.Showcase})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := e.WriteTo(ctx, &buf, f); err != nil {
			t.Fatal(err)
		}
		var rows [][]string
		if f == table.CSV {
			if !bytes.HasPrefix(buf.Bytes(), []byte(table.BOM)) {
				t.Fatal("CSV without BOM")
			}
			if rows, err = csv.NewReader(bytes.NewReader(buf.Bytes()[len(table.BOM):])).ReadAll(); err != nil {
				t.Fatal(err)
			}
		} else {
			x, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if rows, err = x.GetRows(x.GetSheetList()[0]); err != nil {
				t.Fatal(err)
			}
			x.Close()
		}
		for i := range rows {
			for len(rows[i]) < 9 {
				rows[i] = append(rows[i], "")
			}
		}
		asked := w.clock.T.Add(-2 * time.Hour).In(shanghai).Format("2006-01-02 15:04")
		answered := w.clock.T.In(shanghai).Format("2006-01-02 15:04")
		want := [][]string{
			{"请求时间", "投资机构", "机构统一社会信用代码", "项目名称", "单位名称", "赛道", "组别", "状态", "处理时间"},
			{asked, "阿尔法创投", "", "金牌电池", "金石团队", "新材料", "团队组", "已同意", answered},
			{w.clock.T.Add(-time.Hour).In(shanghai).Format("2006-01-02 15:04"), "贝塔基金", "", "铜线传感", "铜山团队", "新材料", "团队组", "等待回复", ""},
		}
		if len(rows) != len(want) {
			t.Fatalf("%s: %q", f, rows)
		}
		for i := range want {
			for j := range want[i] {
				got := rows[i][j]
				if j == 0 && i > 0 || j == 8 && want[i][j] != "" {
					got = strings.TrimSuffix(got, ":00") // seconds, where a reader shows them
					if len(got) > 16 {
						got = got[:16]
					}
				}
				if j == 2 && i > 0 {
					if len(got) != 18 {
						t.Errorf("%s row %d: USCC %q", f, i, got)
					}
					continue
				}
				if got != want[i][j] {
					t.Errorf("%s row %d col %d: %q, want %q", f, i, j, got, want[i][j])
				}
			}
		}
		for _, s := range append(secrets("金牌电池", "铜线传感")[:2], "阿尔法留言", "贝塔留言") {
			if strings.Contains(buf.String(), s) {
				t.Errorf("%s carries %q", f, s)
			}
		}
	}
}
