package contest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/fault"
	"podium/files/filecheck"
)

// assignWorld is a contest with accepted entries from four organizations and a
// pool of experts, some of whom conflict with entries.
type assignWorld struct {
	s         *contesttest.Stores
	contest   contest.Contest
	organizer access.Account
	entries   map[string]int64 // by organization name
	experts   map[string]int64 // by expert name
}

func newAssignWorld(t *testing.T) assignWorld {
	t.Helper()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	w := assignWorld{s: s, entries: map[string]int64{}, experts: map[string]int64{}}
	w.organizer = contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("assign")
	setup.Rounds[0].ReviewsPerEntry = 2
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	semi := setup.Rounds[0]
	semi.Key, semi.NameZh, semi.ReviewsPerEntry = "semi", "复赛", 5
	setup.Rounds = append(setup.Rounds, semi)
	var err error
	if w.contest, err = s.CreateContest(ctx, w.organizer.ID, setup); err != nil {
		t.Fatal(err)
	}
	orgs := []struct {
		name, track string
		conflicts   []entry.DeclaredConflict
	}{
		{"星河智能科技有限公司", "materials", nil},
		{"鹰眼装备股份有限公司", "manufacturing", []entry.DeclaredConflict{{Kind: "expert", Name: "钱专家", Reason: "合作过"}}},
		{"绿种团队", "materials", []entry.DeclaredConflict{{Kind: "organization", Name: "北方 大学", Reason: "导师所在单位"}}},
		{"芯算微电子有限公司", "manufacturing", nil},
	}
	var ids []int64
	for i, o := range orgs {
		a := contesttest.Account(t, s, access.RoleEntrant, fmt.Sprintf("e%d@example.com", i))
		if _, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: o.name, ContactName: "联系人", ContactEmail: fmt.Sprintf("c%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		e, err := s.CreateEntry(ctx, a.ID, w.contest.ID, entry.Input{Track: o.track, Group: "team", Title: "项目" + o.name,
			Fields: entry.Fields{Keywords: []string{"材料", "AI"}}, Conflicts: o.conflicts})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitEntry(ctx, a.ID, e.ID, false); err != nil {
			t.Fatal(err)
		}
		w.entries[o.name], ids = e.ID, append(ids, e.ID)
	}
	if _, err := s.ReviewEntries(ctx, w.organizer.ID, w.contest.ID, ids, true, ""); err != nil {
		t.Fatal(err)
	}
	for _, x := range []judging.ExpertInput{
		{Name: "赵专家", Organization: "星河智能科技 有限公司", Keywords: []string{"材料"}}, // same organization as an entrant, written differently
		{Name: "钱专家", Organization: "华东理工"},                                  // declared by an entrant
		{Name: "孙专家", Organization: "北方大学"},                                  // of an organization an entrant declared
		{Name: "李专家", Organization: "南方研究院", Fields: []string{"智能制造"}},       // judges manufacturing only
		{Name: "周专家", Organization: "西部实验室", Keywords: []string{"ai"}},
		{Name: "吴专家", Organization: "东海研究所", Conflicts: []string{"芯算微电子 有限公司"}}, // declares a conflict himself
	} {
		e, err := s.SaveExpert(ctx, w.organizer.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		w.experts[x.Name] = e.ID
	}
	return w
}

func (w assignWorld) panel(t *testing.T, round string, names ...string) {
	t.Helper()
	var ids []int64
	for _, n := range names {
		ids = append(ids, w.experts[n])
	}
	if err := w.s.SetPanel(context.Background(), w.organizer.ID, w.contest.ID, round, ids); err != nil {
		t.Fatal(err)
	}
}

// advanceAll marks every entry as advanced from a round (what ConfirmAdvancement
// records), so that the next round takes them all.
func (w assignWorld) advanceAll(t *testing.T, from string) {
	t.Helper()
	if _, err := w.s.DB.Exec(`INSERT INTO results (round_id, entry_id, score, rank, advanced)
		SELECT r.id, e.id, 0, 1, true FROM rounds r, entries e WHERE r.contest_id = $1 AND r.key = $2 AND e.contest_id = $1`,
		w.contest.ID, from); err != nil {
		t.Fatal(err)
	}
}

func (w assignWorld) run(t *testing.T, round string) judging.AssignmentRun {
	t.Helper()
	ctx := context.Background()
	run, err := w.s.StartAssignment(ctx, w.organizer.ID, w.contest.ID, round, 7)
	if err != nil {
		t.Fatal(err)
	}
	if run, err = w.s.RunAssignment(ctx, w.organizer.ID, w.contest.ID, round, run.ID); err != nil {
		t.Fatal(err)
	}
	return run
}

func TestConflictsAreComputedInTheDatabase(t *testing.T) {
	t.Parallel()
	w := newAssignWorld(t)
	ctx := context.Background()
	n, err := w.s.ComputeConflicts(ctx, w.contest.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("computed %d conflicts, want 4 (same organization, declared expert, declared organization, expert's declaration)", n)
	}
	var pairs []string
	if err := w.s.DB.Select(&pairs, `SELECT x.name || '→' || o.name || ':' || c.source FROM conflicts c
		JOIN experts x ON x.id = c.expert_id JOIN entries e ON e.id = c.entry_id JOIN organizations o ON o.id = e.organization_id
		ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	want := "吴专家→芯算微电子有限公司:expert,孙专家→绿种团队:entrant,赵专家→星河智能科技有限公司:organization,钱专家→鹰眼装备股份有限公司:entrant"
	if got := strings.Join(pairs, ","); got != want {
		t.Errorf("conflicts\n got %s\nwant %s", got, want)
	}
	// Recomputing is idempotent and keeps what organizers added.
	if err := w.s.AddConflict(ctx, w.organizer.ID, w.contest.ID, w.experts["周专家"], w.entries["芯算微电子有限公司"], "亲属"); err != nil {
		t.Fatal(err)
	}
	if n, err := w.s.ComputeConflicts(ctx, w.contest.ID); err != nil || n != 4 {
		t.Errorf("recompute: %d %v", n, err)
	}
	var total int
	_ = w.s.DB.Get(&total, `SELECT count(*) FROM conflicts`)
	if total != 5 {
		t.Errorf("conflicts after recomputing: %d, want 5", total)
	}
}

func TestAssignmentRunHoldsTheRules(t *testing.T) {
	t.Parallel()
	w := newAssignWorld(t)
	ctx := context.Background()
	w.panel(t, "prelim", "赵专家", "钱专家", "孙专家", "李专家", "周专家", "吴专家")
	run := w.run(t, "prelim")
	if run.State != "done" || run.Added != 8 || run.Done != 8 || run.Total != 8 {
		t.Fatalf("run %+v", run)
	}
	list, err := w.s.Assignments(ctx, w.contest.ID, "prelim")
	if err != nil || len(list) != 8 {
		t.Fatalf("assignments %d %v", len(list), err)
	}
	perEntry := map[int64]int{}
	for _, a := range list {
		perEntry[a.EntryID]++
		title := a.EntryTitle
		switch {
		case a.ExpertName == "赵专家" && strings.Contains(title, "星河"),
			a.ExpertName == "钱专家" && strings.Contains(title, "鹰眼"),
			a.ExpertName == "孙专家" && strings.Contains(title, "绿种"):
			t.Errorf("conflicted assignment %s → %s", a.ExpertName, title)
		case a.ExpertName == "李专家" && (strings.Contains(title, "星河") || strings.Contains(title, "绿种")):
			t.Errorf("an expert judged outside their fields: %s → %s", a.ExpertName, title)
		}
		if a.BlindCode == "" {
			t.Errorf("assignment without a blind code: %+v", a)
		}
	}
	for id, n := range perEntry {
		if n != 2 {
			t.Errorf("entry %d has %d experts, want 2", id, n)
		}
	}
	// Running again keeps what exists and adds nothing.
	if again := w.run(t, "prelim"); again.State != "done" || again.Added != 0 {
		t.Errorf("second run %+v", again)
	}
	if n, problems, err := w.s.Verify(ctx, &w.contest.ID); err != nil || len(problems) != 0 || n == 0 {
		t.Errorf("audit after assignment: %d %v %v", n, problems, err)
	}
	log, _ := w.s.Records(ctx, w.contest.ID)
	if last := log[len(log)-1]; last.Action != audit.AssignmentsRun || !strings.Contains(string(last.Payload), `"added": 0`) {
		t.Errorf("last audit record %s %s", last.Action, last.Payload)
	}
}

// A round that cannot be fully served is assigned as far as it can be, and
// the run reports every entry left short, by entry, with the reason as data.
func TestAssignmentServesImpossibleRoundsAsFarAsItCan(t *testing.T) {
	t.Parallel()
	w := newAssignWorld(t)
	w.advanceAll(t, "prelim")
	w.panel(t, "semi", "周专家", "吴专家", "李专家") // five reviews per entry, three experts
	run := w.run(t, "semi")
	// 周 judges all four, 吴 all but 芯算 (declared), 李 only the two manufacturing entries.
	if run.State != judging.RunPartial || run.Added != 9 || len(run.Report.Unfilled) != 4 {
		t.Fatalf("run %+v", run)
	}
	for _, g := range run.Report.Unfilled {
		if g.Code == "" || !strings.HasPrefix(g.Title, "项目") || g.Reason != judging.GapFewEligible || g.Pool == nil || g.Required != 5 {
			t.Errorf("gap %+v", g)
		}
	}
	list, _ := w.s.Assignments(context.Background(), w.contest.ID, "semi")
	if len(list) != 9 {
		t.Errorf("a partial run assigned %d, want 9", len(list))
	}
}

func TestRecusalIsReplacedAndAudited(t *testing.T) {
	t.Parallel()
	w := newAssignWorld(t)
	ctx := context.Background()
	w.panel(t, "prelim", "赵专家", "钱专家", "孙专家", "李专家", "周专家", "吴专家")
	w.run(t, "prelim")
	list, _ := w.s.Assignments(ctx, w.contest.ID, "prelim")
	target := list[0]
	inv, err := w.s.InviteExpert(ctx, w.organizer.ID, w.contest.ID, target.ExpertID)
	if err != nil {
		t.Fatal(err)
	}
	// Only the judge of the assignment may recuse from it.
	if _, err := w.s.Recuse(ctx, access.EveryContest(w.organizer.ID), target.ID, "我认识他们"); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("recusal by someone else: %v", err)
	}
	if _, err := w.s.Recuse(ctx, access.EveryContest(inv.AccountID), target.ID, " "); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Errorf("recusal without a reason: %v", err)
	}
	replacement, err := w.s.Recuse(ctx, access.EveryContest(inv.AccountID), target.ID, "项目负责人是我的学生")
	if err != nil {
		t.Fatal(err)
	}
	if replacement == 0 || replacement == target.ExpertID {
		t.Fatalf("replacement %d for expert %d", replacement, target.ExpertID)
	}
	after, _ := w.s.Assignments(ctx, w.contest.ID, "prelim")
	active := 0
	for _, a := range after {
		if a.EntryID == target.EntryID && a.State == "active" {
			active++
			if a.ExpertID == target.ExpertID {
				t.Error("the recused expert is still active on the entry")
			}
		}
	}
	if active != 2 {
		t.Errorf("entry has %d active experts after recusal, want 2", active)
	}
	// A later run never puts the recused expert back.
	w.run(t, "prelim")
	again, _ := w.s.Assignments(ctx, w.contest.ID, "prelim")
	for _, a := range again {
		if a.EntryID == target.EntryID && a.ExpertID == target.ExpertID && a.State == "active" {
			t.Error("a re-run reassigned the recused expert")
		}
	}
	log, _ := w.s.Records(ctx, w.contest.ID)
	found := false
	for _, r := range log {
		found = found || r.Action == audit.AssignmentRecused && strings.Contains(string(r.Payload), "项目负责人是我的学生")
	}
	if !found {
		t.Error("the recusal is not in the audit log")
	}
}

func TestManualAssignmentChangesAreCheckedAndAudited(t *testing.T) {
	t.Parallel()
	w := newAssignWorld(t)
	ctx := context.Background()
	w.panel(t, "prelim", "赵专家", "钱专家", "周专家", "吴专家", "李专家")
	// A conflicted pair is refused even by hand.
	err := w.s.AddAssignment(ctx, w.organizer.ID, w.contest.ID, "prelim", w.entries["星河智能科技有限公司"], w.experts["赵专家"], true)
	if e := wantCode(t, err, fault.CodeConflict); e.Message != "err.assign.conflicted_organization" {
		t.Errorf("conflicted manual assignment, even with override: %v, want the same organization named", err)
	}
	// Outside the expert's fields: refused, saying so, unless the organizer means it.
	err = w.s.AddAssignment(ctx, w.organizer.ID, w.contest.ID, "prelim", w.entries["绿种团队"], w.experts["李专家"], false)
	if e := wantCode(t, err, fault.CodeConflict); e.Message != "err.assign.out_of_field" || len(e.Args) != 1 || e.Args[0] != "新材料" {
		t.Errorf("out of field: %+v", err)
	}
	if err := w.s.AddAssignment(ctx, w.organizer.ID, w.contest.ID, "prelim", w.entries["绿种团队"], w.experts["李专家"], true); err != nil {
		t.Fatalf("out of field, overridden: %v", err)
	}
	if log, _ := w.s.Records(ctx, w.contest.ID); !strings.Contains(string(log[len(log)-1].Payload), `"overridden": ["field"]`) {
		t.Errorf("the override is not audited: %s", log[len(log)-1].Payload)
	}
	// Not on the panel.
	err = w.s.AddAssignment(ctx, w.organizer.ID, w.contest.ID, "prelim", w.entries["绿种团队"], w.experts["孙专家"], true)
	if e := wantCode(t, err, fault.CodeInvalid); e.Fields["expert"] != "err.assign.not_on_panel" {
		t.Errorf("not on the panel: %+v", err)
	}
	if err := w.s.AddAssignment(ctx, w.organizer.ID, w.contest.ID, "prelim", w.entries["星河智能科技有限公司"], w.experts["周专家"], false); err != nil {
		t.Fatal(err)
	}
	// A second review by the same expert is refused for that reason, with or
	// without override, even once the entry has all its reviews (the soft
	// rule would otherwise speak first, and only an override revealed why).
	if err := w.s.AddAssignment(ctx, w.organizer.ID, w.contest.ID, "prelim", w.entries["星河智能科技有限公司"], w.experts["吴专家"], true); err != nil {
		t.Fatal(err)
	}
	for _, override := range []bool{false, true} {
		err := w.s.AddAssignment(ctx, w.organizer.ID, w.contest.ID, "prelim", w.entries["星河智能科技有限公司"], w.experts["周专家"], override)
		if e := wantCode(t, err, fault.CodeConflict); e.Message != "err.assign.exists" {
			t.Errorf("duplicate manual assignment (override %v): %v, want err.assign.exists", override, err)
		}
	}
	list, _ := w.s.Assignments(ctx, w.contest.ID, "prelim")
	if err := w.s.RemoveAssignment(ctx, w.organizer.ID, w.contest.ID, list[0].ID, "换人"); err != nil {
		t.Fatal(err)
	}
	log, _ := w.s.Records(ctx, w.contest.ID)
	var actions []string
	for _, r := range log {
		actions = append(actions, string(r.Action))
	}
	got := strings.Join(actions, ",")
	if !strings.HasSuffix(got, string(audit.AssignmentAdded+","+audit.AssignmentRemoved)) {
		t.Errorf("audit actions %s", got)
	}
}

func TestInterruptedRunDoesNotBlockTheRound(t *testing.T) {
	t.Parallel()
	s, clock := contesttest.NewStore(t)
	ctx := context.Background()
	org := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	c, err := s.CreateContest(ctx, org.ID, contesttest.Setup("interrupted"))
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.StartAssignment(ctx, org.ID, c.ID, "prelim", 1) // its instance stops before running it
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartAssignment(ctx, org.ID, c.ID, "prelim", 2); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("a second run while one is running: %v", err)
	}
	clock.Advance(2 * time.Hour)
	if _, err := s.StartAssignment(ctx, org.ID, c.ID, "prelim", 3); err != nil {
		t.Fatalf("a run after an interrupted one: %v", err)
	}
	if old, err := s.AssignmentRunByID(ctx, c.ID, first.ID); err != nil || old.State != "failed" {
		t.Errorf("interrupted run %+v %v", old, err)
	}
}

func TestLivePanelJudgesEveryEntryExceptConflicts(t *testing.T) {
	t.Parallel()
	w := newAssignWorld(t)
	ctx := context.Background()
	c := w.contest
	live := c.Rounds[0]
	live.Key, live.NameZh, live.Kind = "final", "决赛", contest.KindLive
	c.Rounds = append(c.Rounds, live)
	if _, err := w.s.UpdateContest(ctx, w.organizer.ID, c.ID, c.Setup); err != nil {
		t.Fatal(err)
	}
	w.panel(t, "final", "赵专家", "周专家", "吴专家")
	if run := w.run(t, "final"); run.Added != 0 {
		t.Fatalf("the final took entries that never advanced: %+v", run)
	}
	w.advanceAll(t, "semi")
	run := w.run(t, "final")
	// 3 judges × 4 entries, less 赵专家 on his own organization's entry and 吴专家 on the one he declared.
	if run.State != "done" || run.Added != 10 {
		t.Fatalf("live run %+v", run)
	}
	list, _ := w.s.Assignments(ctx, c.ID, "final")
	for _, a := range list {
		if a.ExpertName == "赵专家" && strings.Contains(a.EntryTitle, "星河") {
			t.Error("a conflicted judge sits on the entry")
		}
	}
	// A live round requires its seated panel: the two entries a judge sits
	// out are short, for the organizers to decide.
	all, err := w.s.RoundReviews(ctx, c.ID, "final")
	if err != nil {
		t.Fatal(err)
	}
	var short []string
	for _, e := range all {
		if e.Required != 3 {
			t.Errorf("%s requires %d reviews, want the panel's 3", e.Title, e.Required)
		}
		if e.Status == judging.ReviewsShort {
			short = append(short, e.Title)
		}
	}
	if len(short) != 2 {
		t.Errorf("short entries %v, want the two a judge sits out", short)
	}
}
