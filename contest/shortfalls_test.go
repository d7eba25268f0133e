package contest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/results"
	"podium/fault"
	"podium/files/filecheck"
	"podium/scoring"
)

// shortfallEntries are the preliminary's entries: every expert of the panel
// may judge 智能温控涂层 and 工业视觉质检; 可降解包装材料 comes from the
// organization of one of them (4 eligible for 5 reviews); 校园共享储能 is in a
// track no panel expert judges (none eligible).
var shortfallEntries = []struct{ org, track, title string }{
	{"星河智能科技有限公司", "materials", "智能温控涂层"},
	{"鹰眼装备股份有限公司", "materials", "工业视觉质检"},
	{"华东理工大学", "materials", "可降解包装材料"},
	{"芯算微电子有限公司", "manufacturing", "校园共享储能"},
}

var shortfallExperts = []judging.ExpertInput{
	{Name: "王建国", Organization: "清华大学", Fields: []string{"新材料"}},
	{Name: "李秀英", Organization: "华东理工 大学", Fields: []string{"新材料"}}, // the organization of 可降解包装材料
	{Name: "张伟", Organization: "中科院上海硅酸盐研究所", Fields: []string{"新材料"}},
	{Name: "刘洋", Organization: "浙江大学", Fields: []string{"新材料"}},
	{Name: "陈静", Organization: "复旦大学", Fields: []string{"新材料"}},
	{Name: "杨帆", Organization: "南京大学", Fields: []string{"新材料"}},
}

// newShortfallWorld is a contest whose preliminary requires 5 reviews per
// entry (trimmed, trim-min 5), with the entries above accepted and the first
// five experts on the panel; the sixth is in the pool for later.
func newShortfallWorld(t *testing.T, entries int) assignWorld {
	t.Helper()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	w := assignWorld{s: s, entries: map[string]int64{}, experts: map[string]int64{}}
	w.organizer = contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	if _, err := s.DB.Exec(`UPDATE accounts SET display_name = '赵组织' WHERE id = $1`, w.organizer.ID); err != nil {
		t.Fatal(err)
	}
	setup := contesttest.Setup("shortfall")
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	one := 1
	setup.Rounds[0].AdvanceCount = &one
	var err error
	if w.contest, err = s.CreateContest(ctx, w.organizer.ID, setup); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, e := range shortfallEntries[:entries] {
		a := contesttest.Account(t, s, access.RoleEntrant, fmt.Sprintf("e%d@example.com", i))
		if _, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: e.org, ContactName: "联系人", ContactEmail: fmt.Sprintf("c%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		ent, err := s.CreateEntry(ctx, a.ID, w.contest.ID, entry.Input{Track: e.track, Group: "team", Title: e.title})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitEntry(ctx, a.ID, ent.ID, false); err != nil {
			t.Fatal(err)
		}
		w.entries[e.title], ids = ent.ID, append(ids, ent.ID)
	}
	if _, err := s.ReviewEntries(ctx, w.organizer.ID, w.contest.ID, ids, true, ""); err != nil {
		t.Fatal(err)
	}
	for _, x := range shortfallExperts {
		e, err := s.SaveExpert(ctx, w.organizer.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		w.experts[x.Name] = e.ID
	}
	w.panel(t, "prelim", "王建国", "李秀英", "张伟", "刘洋", "陈静")
	return w
}

// scoreAll opens the round, has every active assignment scored with the
// judge's position as marks (so totals differ) and closes it.
func (w assignWorld) scoreAll(t *testing.T) {
	t.Helper()
	w.scoreRound(t, "prelim", func(_ string, nth int) judging.SheetInput {
		m := fmt.Sprint(20 + 2*nth)
		return marks(m, m, m)
	})
}

func reviewsOf(t *testing.T, w assignWorld, title string) judging.EntryReviews {
	t.Helper()
	all, err := w.s.RoundReviews(context.Background(), w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.EntryID == w.entries[title] {
			return e
		}
	}
	t.Fatalf("%s is not in the round", title)
	return judging.EntryReviews{}
}

func wantRefusal(t *testing.T, err error, message string, titles ...string) {
	t.Helper()
	e, ok := err.(*fault.Error)
	if !ok || e.Code != fault.CodeConflict || e.Message != message || len(e.Args) != 1 {
		t.Fatalf("error %v, want a conflict %s naming %v", err, message, titles)
	}
	refs, _ := e.Args[0].(contest.EntryRefs)
	var got []string
	for _, r := range refs {
		if r.Code == "" {
			t.Errorf("entry %q named without its code", r.Title)
		}
		got = append(got, r.Title)
	}
	slices.Sort(got)
	slices.Sort(titles)
	if !slices.Equal(got, titles) {
		t.Fatalf("refusal names %v, want %v", got, titles)
	}
}

// A recusal nobody can replace leaves the entry with 4 of the 5 reviews the
// round requires. The progress, the ranking and the round's reviews say so,
// the ranking explains that trimmed took the plain mean, publication is
// refused, and accepting the shortfall with a reason (audited) unblocks it.
func TestUnreplaceableRecusalIsAShortfallUntilAccepted(t *testing.T) {
	t.Parallel()
	w := newShortfallWorld(t, 2)
	ctx := context.Background()
	if run := w.run(t, "prelim"); run.State != judging.RunDone || run.Added != 10 {
		t.Fatalf("run %+v", run)
	}
	list, _ := w.s.Assignments(ctx, w.contest.ID, "prelim")
	i := slices.IndexFunc(list, func(a judging.Assignment) bool { return a.EntryID == w.entries["智能温控涂层"] })
	inv, err := w.s.InviteExpert(ctx, w.organizer.ID, w.contest.ID, list[i].ExpertID)
	if err != nil {
		t.Fatal(err)
	}
	if replacement, err := w.s.Recuse(ctx, access.EveryContest(inv.AccountID), list[i].ID, "项目负责人是我指导过的博士生"); err != nil || replacement != 0 {
		t.Fatalf("recusal: replacement %d, %v", replacement, err)
	}

	short := reviewsOf(t, w, "智能温控涂层")
	if short.Status != judging.ReviewsShort || short.Reviews != 4 || short.Required != 5 || !short.Undecided() {
		t.Fatalf("after the recusal: %+v", short)
	}
	if other := reviewsOf(t, w, "工业视觉质检"); other.Status != judging.ReviewsComplete {
		t.Fatalf("the other entry: %+v", other)
	}
	_, progress, err := w.s.Progress(ctx, w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range progress {
		if p.EntryID == w.entries["智能温控涂层"] && (p.Assigned != 4 || p.Required != 5 || p.Status != judging.ReviewsShort) {
			t.Errorf("progress says %+v, want 4 assigned of 5 required, short", p)
		}
	}

	w.scoreAll(t)
	rep, err := w.s.RankingReport(ctx, w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Undecided) != 1 || rep.Undecided[0].Title != "智能温控涂层" || len(rep.NotScored) != 0 {
		t.Fatalf("report: undecided %+v, not scored %+v", rep.Undecided, rep.NotScored)
	}
	for _, r := range rep.Ranking.Entries {
		want := scoring.Rule{Method: scoring.MethodTrimmed, Sheets: 5}
		if rep.Scoring.Titles[r.Entry] == "智能温控涂层" {
			want = scoring.Rule{Method: scoring.MethodMean, Sheets: 4, Fallback: scoring.FallbackFewSheets, Needed: 5}
		}
		if r.Rule != want {
			t.Errorf("%s: rule %+v, want %+v", rep.Scoring.Titles[r.Entry], r.Rule, want)
		}
	}

	if _, err := w.s.ConfirmAdvancement(ctx, w.organizer.ID, w.contest.ID, "prelim", nil); err != nil {
		t.Fatal(err)
	}
	_, err = w.s.PublishResults(ctx, w.organizer.ID, w.contest.ID, "prelim")
	wantRefusal(t, err, "err.publish.undecided", "智能温控涂层")

	id := w.entries["智能温控涂层"]
	if _, err := w.s.AcceptShortfall(ctx, w.organizer.ID, w.contest.ID, "prelim", id, "  "); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Fatalf("accepting without a reason: %v", err)
	}
	if _, err := w.s.AcceptShortfall(ctx, w.organizer.ID, w.contest.ID, "prelim", w.entries["工业视觉质检"], "无"); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("accepting an entry that is not short: %v", err)
	}
	const reason = "评审组内已无可替换的新材料专家，同意按 4 份评分表计分"
	accepted, err := w.s.AcceptShortfall(ctx, w.organizer.ID, w.contest.ID, "prelim", id, reason)
	if err != nil {
		t.Fatal(err)
	}
	if d := accepted.Decision; accepted.Status != judging.ReviewsAccepted || d == nil || d.Reason != reason || d.By != "赵组织" || d.Reviews != 4 || d.At.IsZero() {
		t.Fatalf("accepted: %+v %+v", accepted, d)
	}
	log, _ := w.s.Records(ctx, w.contest.ID)
	last := log[len(log)-1]
	if last.Action != audit.ShortfallAccepted || !strings.Contains(string(last.Payload), reason) || !strings.Contains(string(last.Payload), accepted.Code) {
		t.Fatalf("last audit record %s %s", last.Action, last.Payload)
	}
	if n, problems, err := w.s.Verify(ctx, &w.contest.ID); err != nil || len(problems) != 0 || n == 0 {
		t.Fatalf("audit chain: %d %v %v", n, problems, err)
	}
	if _, err := w.s.PublishResults(ctx, w.organizer.ID, w.contest.ID, "prelim"); err != nil {
		t.Fatalf("publication after the decision: %v", err)
	}
	// A published round's decisions are final.
	if _, err := w.s.WithdrawFromRound(ctx, w.organizer.ID, w.contest.ID, "prelim", id, "改变主意"); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("a decision on a published round: %v", err)
	}
	if _, err := w.s.DB.Exec(`DELETE FROM review_decisions`); err == nil || !strings.Contains(err.Error(), "published") {
		t.Fatalf("deleting a published round's decision: %v", err)
	}
}

// Only assigning undoes an accepted shortfall: the entry's decision is
// forgotten and audited with the assignment.
func TestAssigningUndoesTheDecision(t *testing.T) {
	t.Parallel()
	w := newShortfallWorld(t, 3)
	ctx := context.Background()
	run := w.run(t, "prelim")
	if run.State != judging.RunPartial {
		t.Fatalf("run %+v", run)
	}
	id := w.entries["可降解包装材料"]
	if _, err := w.s.AcceptShortfall(ctx, w.organizer.ID, w.contest.ID, "prelim", id, "同意"); err != nil {
		t.Fatal(err)
	}
	w.panel(t, "prelim", "王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆")
	if err := w.s.AddAssignment(ctx, w.organizer.ID, w.contest.ID, "prelim", id, w.experts["杨帆"], true); err != nil {
		t.Fatal(err)
	}
	if e := reviewsOf(t, w, "可降解包装材料"); e.Status != judging.ReviewsComplete || e.Decision != nil || e.Reviews != 5 {
		t.Fatalf("after assigning: %+v", e)
	}
	log, _ := w.s.Records(ctx, w.contest.ID)
	if last := log[len(log)-1]; last.Action != audit.AssignmentAdded || !strings.Contains(string(last.Payload), `"decision_cleared": true`) {
		t.Fatalf("last audit record %s %s", last.Action, last.Payload)
	}
}

// A run that cannot serve every entry assigns what it can: full reviews where
// possible, 4 of 5 for the entry with 4 eligible experts, none for the entry
// nobody may judge. It reports each by entry, missing reviews and reason, and
// the entry left without reviews is shown as not scored and blocks
// publication until it is withdrawn from the round (audited) or assigned.
func TestPartialRunAndUnscoredEntry(t *testing.T) {
	t.Parallel()
	w := newShortfallWorld(t, 4)
	ctx := context.Background()
	run := w.run(t, "prelim")
	if run.State != judging.RunPartial || run.Added != 14 {
		t.Fatalf("run %+v", run)
	}
	gaps := map[string]judging.RunGap{}
	for _, g := range run.Report.Unfilled {
		if g.Code == "" || g.Title == "" {
			t.Errorf("gap without code or title: %+v", g)
		}
		gaps[g.Title] = g
	}
	few := gaps["可降解包装材料"]
	if len(gaps) != 2 || few.Missing != 1 || few.Required != 5 || few.Reason != judging.GapFewEligible ||
		few.Pool == nil || *few.Pool != (judging.RunPool{WithField: 5, Conflicted: 1, Eligible: 4, Organizations: 4}) {
		t.Fatalf("report %+v, pool %+v", run.Report, few.Pool)
	}
	if none := gaps["校园共享储能"]; none.Missing != 5 || none.Reason != judging.GapFewEligible || none.Pool == nil || none.Pool.WithField != 0 {
		t.Fatalf("the entry nobody may judge: %+v", none)
	}
	again, err := w.s.AssignmentRunByID(ctx, w.contest.ID, run.ID)
	if err != nil || len(again.Report.Unfilled) != 2 || again.Report.Unfilled[0].Code == "" {
		t.Fatalf("run read again: %+v %v", again, err)
	}

	w.scoreAll(t)
	rep, err := w.s.RankingReport(ctx, w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Ranking.Entries) != 3 || len(rep.NotScored) != 1 || rep.NotScored[0].Title != "校园共享储能" ||
		rep.NotScored[0].Status != judging.ReviewsUnscored || rep.NotScored[0].Code == "" {
		t.Fatalf("ranked %d, not scored %+v", len(rep.Ranking.Entries), rep.NotScored)
	}
	if _, err := w.s.ConfirmAdvancement(ctx, w.organizer.ID, w.contest.ID, "prelim", nil); err != nil {
		t.Fatal(err)
	}
	_, err = w.s.PublishResults(ctx, w.organizer.ID, w.contest.ID, "prelim")
	wantRefusal(t, err, "err.publish.undecided", "可降解包装材料", "校园共享储能")

	unscored := w.entries["校园共享储能"]
	if _, err := w.s.AcceptShortfall(ctx, w.organizer.ID, w.contest.ID, "prelim", unscored, "同意"); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("accepting an entry with no review: %v", err)
	}
	const reason = "本赛道无评审专家，经组委会研究，该项目不参加本轮排名"
	withdrawn, err := w.s.WithdrawFromRound(ctx, w.organizer.ID, w.contest.ID, "prelim", unscored, reason)
	if err != nil || withdrawn.Status != judging.ReviewsWithdrawn || withdrawn.Decision.Reason != reason {
		t.Fatalf("withdrawn %+v %v", withdrawn, err)
	}
	log, _ := w.s.Records(ctx, w.contest.ID)
	if last := log[len(log)-1]; last.Action != audit.EntryWithdrawn || !strings.Contains(string(last.Payload), reason) {
		t.Fatalf("last audit record %s %s", last.Action, last.Payload)
	}
	_, err = w.s.PublishResults(ctx, w.organizer.ID, w.contest.ID, "prelim")
	wantRefusal(t, err, "err.publish.undecided", "可降解包装材料")
	if _, err := w.s.AcceptShortfall(ctx, w.organizer.ID, w.contest.ID, "prelim", w.entries["可降解包装材料"], "回避后仅 4 位专家可评"); err != nil {
		t.Fatal(err)
	}
	published, err := w.s.PublishResults(ctx, w.organizer.ID, w.contest.ID, "prelim")
	if err != nil || len(published) != 3 {
		t.Fatalf("published %+v %v", published, err)
	}
	if slices.ContainsFunc(published, func(r results.RoundResult) bool { return r.Title == "校园共享储能" }) {
		t.Fatal("the withdrawn entry was published")
	}
}
