package contest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/judging"
	"podium/fault"
	"podium/scoring"
)

// sheetOf is the sheet the nth judge of an entry (judges in order of expert id)
// submits; entries are named by organization.
type sheetOf func(org string, nth int) judging.SheetInput

// same gives every criterion the same mark.
func same(m string) judging.SheetInput { return marks(m, m, m) }

// scoreRound opens a round, has every active assignment's judge submit the
// sheet given by sheet, and closes the round.
func (w assignWorld) scoreRound(t *testing.T, round string, sheet sheetOf) []judging.Assignment {
	t.Helper()
	ctx := context.Background()
	if err := w.s.SetRoundState(ctx, w.organizer.ID, w.contest.ID, round, contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	orgOf := map[int64]string{}
	for name, id := range w.entries {
		orgOf[id] = name
	}
	list, err := w.s.Assignments(ctx, w.contest.ID, round)
	if err != nil {
		t.Fatal(err)
	}
	list = slices.DeleteFunc(list, func(a judging.Assignment) bool { return a.State != "active" })
	slices.SortFunc(list, func(a, b judging.Assignment) int {
		return int(a.EntryID-b.EntryID)*1_000_000 + int(a.ExpertID-b.ExpertID)
	})
	nth := map[int64]int{}
	for _, a := range list {
		inv, err := w.s.InviteExpert(ctx, w.organizer.ID, w.contest.ID, a.ExpertID)
		if err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprintf("%s-%d", round, a.ID)
		if _, err := w.s.SubmitSheet(ctx, access.EveryContest(inv.AccountID), a.ID, sheet(orgOf[a.EntryID], nth[a.EntryID]), key, hash(key)); err != nil {
			t.Fatal(err)
		}
		nth[a.EntryID]++
	}
	if err := w.s.SetRoundState(ctx, w.organizer.ID, w.contest.ID, round, contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	return list
}

// codeOf is the blind code of an organization's entry in a round.
func (w assignWorld) codeOf(t *testing.T, round, org string) string {
	t.Helper()
	var code string
	if err := w.s.DB.Get(&code, `SELECT b.code FROM blind_codes b JOIN rounds r ON r.id = b.round_id
		WHERE r.contest_id = $1 AND r.key = $2 AND b.entry_id = $3`, w.contest.ID, round, w.entries[org]); err != nil {
		t.Fatal(err)
	}
	return code
}

func wantError(t *testing.T, err error, code fault.Code, message string) {
	t.Helper()
	e, ok := err.(*fault.Error)
	if !ok || e.Code != code || (message != "" && e.Message != message && e.Fields["chosen"] != message) {
		t.Errorf("error %v, want %s %s", err, code, message)
	}
}

// prelimWithTie scores the preliminary so that 芯算 is first (75), 鹰眼 and 绿种
// share second place (60) and 星河 is last (30), with one first, one second and
// one third prize for the team group: the tie spans the second and third prizes.
// The preliminary is the contest's only round, so its prizes are the contest's.
func prelimWithTie(t *testing.T) assignWorld {
	t.Helper()
	w := newAssignWorld(t)
	ctx := context.Background()
	c, _ := w.s.Contest(ctx, w.contest.ID)
	c.Rounds = c.Rounds[:1]
	c.Awards = []contest.AwardQuota{{Group: "team", Level: "first", Count: 1}, {Group: "team", Level: "second", Count: 1},
		{Group: "team", Level: "third", Count: 1}}
	if _, err := w.s.UpdateContest(ctx, w.organizer.ID, c.ID, c.Setup); err != nil {
		t.Fatal(err)
	}
	w.panel(t, "prelim", "赵专家", "钱专家", "孙专家", "李专家", "周专家", "吴专家")
	w.run(t, "prelim")
	marksOf := map[string]string{"芯算微电子有限公司": "25", "鹰眼装备股份有限公司": "20", "绿种团队": "20", "星河智能科技有限公司": "10"}
	w.scoreRound(t, "prelim", func(org string, _ int) judging.SheetInput { return same(marksOf[org]) })
	return w
}

func TestAwardTiesAreDecidedWithinTheirPlaces(t *testing.T) {
	t.Parallel()
	w := prelimWithTie(t)
	ctx := context.Background()
	id := w.contest.ID
	eagle, seed, star := w.codeOf(t, "prelim", "鹰眼装备股份有限公司"), w.codeOf(t, "prelim", "绿种团队"), w.codeOf(t, "prelim", "星河智能科技有限公司")
	plan, _, err := w.s.AwardPlan(ctx, id, "prelim")
	if err != nil || len(plan) != 1 || len(plan[0].Ties) != 1 {
		t.Fatalf("plan %+v %v", plan, err)
	}
	tie := plan[0].Ties[0]
	if !slices.Equal(tie.Levels, []string{"second", "third"}) || !slices.Equal(tie.Places, []int{1, 1}) {
		t.Fatalf("tie %+v", tie)
	}
	for _, bad := range []struct {
		chosen map[string]string
		want   string
	}{
		{map[string]string{eagle: "second", seed: "second"}, "err.award.too_many"}, // one second prize only
		{map[string]string{eagle: "first"}, "err.award.not_tied"},                  // not a level of the tie
		{map[string]string{star: "none"}, "err.award.not_tied"},                    // not tied
		{map[string]string{eagle: ""}, "err.award.not_tied"},                       // no level at all
		{map[string]string{eagle: "second"}, "err.award.undecided"},                // 绿种 left out
		{nil, "err.award.undecided"},                                               // both left out
	} {
		_, err := w.s.ConfirmAwards(ctx, w.organizer.ID, id, "prelim", bad.chosen)
		wantError(t, err, fault.CodeInvalid, bad.want)
	}
	given, err := w.s.ConfirmAwards(ctx, w.organizer.ID, id, "prelim", map[string]string{eagle: "third", seed: "second"})
	if err != nil || given[eagle] != "third" || given[seed] != "second" || given[star] != "" || len(given) != 3 {
		t.Fatalf("given %v %v", given, err)
	}
	// Leaving a tied place vacant is the organizers' choice too.
	given, err = w.s.ConfirmAwards(ctx, w.organizer.ID, id, "prelim", map[string]string{eagle: "none", seed: "second"})
	if err != nil || given[seed] != "second" || len(given) != 2 {
		t.Fatalf("given with a vacancy %v %v", given, err)
	}
}

func TestPublishingFixesTheResults(t *testing.T) {
	t.Parallel()
	w := prelimWithTie(t)
	ctx := context.Background()
	id, org := w.contest.ID, w.organizer.ID
	eagle, seed := w.codeOf(t, "prelim", "鹰眼装备股份有限公司"), w.codeOf(t, "prelim", "绿种团队")

	_, err := w.s.PublishResults(ctx, org, id, "prelim")
	wantError(t, err, fault.CodeConflict, "err.publish.not_confirmed")
	if rounds, err := w.s.PublishedResults(ctx, id); err != nil || len(rounds) != 0 {
		t.Errorf("published results before publication: %+v %v", rounds, err)
	}
	if _, err := w.s.ConfirmAwards(ctx, org, id, "prelim", map[string]string{eagle: "second", seed: "third"}); err != nil {
		t.Fatal(err)
	}

	// A sheet reopened after the awards: publication waits for it, and after the
	// judge changes it the confirmed awards no longer match the ranking.
	list, _ := w.s.Assignments(ctx, id, "prelim")
	var starSheet judging.Assignment
	for _, a := range list {
		if a.EntryID == w.entries["星河智能科技有限公司"] && a.State == "active" {
			starSheet = a
		}
	}
	if err := w.s.ReopenSheet(ctx, org, id, starSheet.ID, "误填"); err != nil {
		t.Fatal(err)
	}
	_, err = w.s.PublishResults(ctx, org, id, "prelim")
	wantError(t, err, fault.CodeConflict, "err.publish.sheets_reopened")
	if err := w.s.SetRoundState(ctx, org, id, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	_, err = w.s.PublishResults(ctx, org, id, "prelim")
	wantError(t, err, fault.CodeConflict, "err.publish.not_closed")
	inv, _ := w.s.InviteExpert(ctx, org, id, starSheet.ExpertID)
	if _, err := w.s.SubmitSheet(ctx, access.EveryContest(inv.AccountID), starSheet.ID, same("12"), "again", hash("again")); err != nil {
		t.Fatal(err)
	}
	if err := w.s.SetRoundState(ctx, org, id, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	_, err = w.s.PublishResults(ctx, org, id, "prelim")
	wantError(t, err, fault.CodeConflict, "err.publish.stale")
	if _, err := w.s.ConfirmAwards(ctx, org, id, "prelim", map[string]string{eagle: "second", seed: "third"}); err != nil {
		t.Fatal(err)
	}

	published, err := w.s.PublishResults(ctx, org, id, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	if len(published) != 4 || published[0].Organization != "芯算微电子有限公司" || published[0].AwardLevel != "first" ||
		published[0].PublishedAt == nil || published[3].Score != 3300 {
		t.Fatalf("published %+v", published)
	}
	before, _, _ := w.s.Ranking(ctx, id, "prelim")

	// Nothing changes a published round's results any more.
	_, err = w.s.PublishResults(ctx, org, id, "prelim")
	wantError(t, err, fault.CodeConflict, "err.results.published")
	_, err = w.s.ConfirmAwards(ctx, org, id, "prelim", map[string]string{eagle: "third", seed: "second"})
	wantError(t, err, fault.CodeConflict, "err.results.published")
	_, err = w.s.ConfirmAdvancement(ctx, org, id, "prelim", nil)
	wantError(t, err, fault.CodeConflict, "err.results.published")
	err = w.s.ReopenSheet(ctx, org, id, starSheet.ID, "再改一次")
	wantError(t, err, fault.CodeConflict, "err.results.published")
	if err := w.s.SetRoundState(ctx, org, id, "prelim", contest.RoundOpen); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("reopening a published round: %v", err)
	}
	_, err = w.s.Recuse(ctx, access.EveryContest(inv.AccountID), starSheet.ID, "回避")
	wantError(t, err, fault.CodeConflict, "err.results.published")
	c, _ := w.s.Contest(ctx, id)
	c.Rounds[0].Method = "mean"
	_, err = w.s.UpdateContest(ctx, org, id, c.Setup)
	wantError(t, err, fault.CodeConflict, "err.results.published")
	c, _ = w.s.Contest(ctx, id)
	c.Rounds[0].Key = "again" // removing the published round (the only one) for another
	_, err = w.s.UpdateContest(ctx, org, id, c.Setup)
	wantError(t, err, fault.CodeConflict, "err.results.published")
	if _, err := w.s.DB.Exec(`UPDATE results SET score = 0`); err == nil {
		t.Error("the database let a published result change")
	}

	after, _, _ := w.s.Ranking(ctx, id, "prelim")
	if !reflect.DeepEqual(before, after) {
		t.Errorf("ranking changed after publication:\n%v\n%v", before, after)
	}
	rounds, err := w.s.PublishedResults(ctx, id)
	if err != nil || len(rounds) != 1 || rounds[0].Key != "prelim" || len(rounds[0].Current.Results) != 4 {
		t.Fatalf("public results %+v %v", rounds, err)
	}
	log, _ := w.s.Records(ctx, id)
	var record *audit.Record
	for i := range log {
		if log[i].Action == audit.ResultsPublished {
			record = &log[i]
		}
	}
	if record == nil || record.Subject != "prelim" {
		t.Fatalf("publication audit record %+v", record)
	}
	var payload struct {
		Results []struct {
			Entry string `json:"entry"`
			Award string `json:"award"`
		} `json:"results"`
	}
	if err := json.Unmarshal(record.Payload, &payload); err != nil || len(payload.Results) != 4 || payload.Results[0].Award != "first" {
		t.Errorf("publication audit payload %s %v", record.Payload, err)
	}
	if _, problems, err := w.s.Verify(ctx, &id); err != nil || len(problems) != 0 {
		t.Errorf("audit: %v %v", problems, err)
	}
}

// weightedPreliminary weighs the preliminary 30% and the semifinal 70% (two
// judges each there), scores the preliminary — 芯算 75.00; 绿种 (61.5 + 60) / 2
// = 60.75; 鹰眼 60.00; 星河 30.00 — advances one entry per track and group
// (绿种 and 芯算) and assigns the semifinal, ready to be scored.
func weightedPreliminary(t *testing.T, awards []contest.AwardQuota) assignWorld {
	t.Helper()
	w := newAssignWorld(t)
	ctx := context.Background()
	c, _ := w.s.Contest(ctx, w.contest.ID)
	one := 1
	c.Rounds[0].AdvanceCount, c.Rounds[0].FinalWeight, c.Rounds[1].FinalWeight = &one, 30, 70
	c.Rounds[1].ReviewsPerEntry = 2
	c.Awards = awards
	if _, err := w.s.UpdateContest(ctx, w.organizer.ID, c.ID, c.Setup); err != nil {
		t.Fatal(err)
	}
	w.panel(t, "prelim", "赵专家", "钱专家", "孙专家", "李专家", "周专家", "吴专家")
	w.run(t, "prelim")
	w.scoreRound(t, "prelim", func(org string, nth int) judging.SheetInput {
		switch {
		case org == "芯算微电子有限公司":
			return same("25")
		case org == "绿种团队" && nth == 0:
			return same("20.5")
		case org == "绿种团队", org == "鹰眼装备股份有限公司":
			return same("20")
		}
		return same("10")
	})
	if advanced, err := w.s.ConfirmAdvancement(ctx, w.organizer.ID, c.ID, "prelim", nil); err != nil || len(advanced) != 2 {
		t.Fatalf("advanced %v %v", advanced, err)
	}
	w.panel(t, "semi", "周专家", "吴专家", "李专家", "孙专家", "钱专家")
	w.run(t, "semi")
	return w
}

// The combined ranking, 30% preliminary + 70% semifinal, worked by hand. Each
// judge's total is the sum of three equal marks unless noted; two judges per entry
// in both rounds, so a score is the mean of two totals.
//
// Preliminary: 芯算 75 + 75 → 75.00; 绿种 61.5 + 60 → 60.75; 鹰眼 60.00; 星河 30.00.
// One entry per track and group advances: 绿种 (materials) and 芯算 (manufacturing).
// Semifinal: 绿种 87 (29+29+29) + 86 (29+29+28) → 86.50; 芯算 73.5 + 73.5 → 73.50.
//
//	绿种: 0.3 × 60.75 + 0.7 × 86.50 = 18.225 + 60.55 = 78.775 → 78.78 (half up, once)
//	芯算: 0.3 × 75.00 + 0.7 × 73.50 = 22.50 + 51.45 = 73.95
//
// 鹰眼 and 星河 have no semifinal score: they are not in the combined ranking.
func TestCombinedRankingWeighsRounds(t *testing.T) {
	t.Parallel()
	w := weightedPreliminary(t, nil)
	ctx := context.Background()
	id := w.contest.ID
	w.scoreRound(t, "semi", func(org string, nth int) judging.SheetInput {
		switch {
		case org == "绿种团队" && nth == 0:
			return same("29")
		case org == "绿种团队":
			return marks("29", "29", "28")
		}
		return same("24.5")
	})

	got, err := w.s.CombinedRanking(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rounds) != 2 || got.Rounds[0].Weight != 30 || got.Rounds[1].Weight != 70 || got.Excluded != 2 || len(got.Entries) != 2 {
		t.Fatalf("combined %+v", got)
	}
	seed, chip := got.Entries[0], got.Entries[1]
	if seed.Organization != "绿种团队" || seed.Rank != 1 || seed.Score != 7878 || seed.Exact != "78.775" ||
		!slices.Equal(seed.Parts, []scoring.Points{6075, 8650}) || seed.PoolRank != 1 ||
		!slices.Equal(seed.Codes, []string{w.codeOf(t, "prelim", "绿种团队"), w.codeOf(t, "semi", "绿种团队")}) {
		t.Errorf("first %+v", seed)
	}
	if chip.Organization != "芯算微电子有限公司" || chip.Rank != 2 || chip.Score != 7395 || chip.Exact != "73.95" ||
		!slices.Equal(chip.Parts, []scoring.Points{7500, 7350}) || chip.PoolRank != 1 {
		t.Errorf("second %+v", chip)
	}

	// Without weights there is no combined ranking to show.
	c, _ := w.s.Contest(ctx, id)
	c.Rounds[0].FinalWeight, c.Rounds[1].FinalWeight = 0, 0
	if _, err := w.s.UpdateContest(ctx, w.organizer.ID, id, c.Setup); err != nil {
		t.Fatal(err)
	}
	_, err = w.s.CombinedRanking(ctx, id)
	wantError(t, err, fault.CodeConflict, "err.combined.no_weights")
}

// Where rounds are weighted (30% preliminary + 70% semifinal), the last round's
// prizes go by the combined final ranking, which here reverses the semifinal's
// own order. Worked by hand; totals are the sums of the three marks, two judges
// per entry agreeing in the semifinal:
//
//	preliminary: 芯算 75.00; 绿种 (61.5 + 60) / 2 = 60.75 (鹰眼 60.00, 星河 30.00 do not advance)
//	semifinal:   绿种 27+27+26 = 80.00; 芯算 27+26+26 = 79.00 → 绿种 first on its own
//	combined:    绿种 0.3 × 60.75 + 0.7 × 80.00 = 18.225 + 56.00 = 74.225 → 74.23
//	             芯算 0.3 × 75.00 + 0.7 × 79.00 = 22.50 + 55.30 = 77.80 → 芯算 first
func TestAwardsFollowTheCombinedFinalRanking(t *testing.T) {
	t.Parallel()
	w := weightedPreliminary(t, []contest.AwardQuota{{Group: "team", Level: "first", Count: 1}, {Group: "team", Level: "second", Count: 1}})
	ctx := context.Background()
	id := w.contest.ID
	w.scoreRound(t, "semi", func(org string, _ int) judging.SheetInput {
		if org == "绿种团队" {
			return marks("27", "27", "26")
		}
		return marks("27", "26", "26")
	})
	seed, chip := w.codeOf(t, "semi", "绿种团队"), w.codeOf(t, "semi", "芯算微电子有限公司")

	own, _, err := w.s.Ranking(ctx, id, "semi")
	if err != nil || own.Entries[0].Entry != seed || own.Entries[0].Score != 8000 {
		t.Fatalf("semifinal's own ranking %+v %v", own.Entries, err)
	}
	if _, _, combined, err := w.s.DecidingRanking(ctx, id, "prelim"); err != nil || combined {
		t.Errorf("the preliminary decides on its own ranking: combined %v, %v", combined, err)
	}
	plan, _, err := w.s.AwardPlan(ctx, id, "semi")
	if err != nil || len(plan) != 1 || len(plan[0].Awards) != 2 {
		t.Fatalf("award plan %+v %v", plan, err)
	}
	if a := plan[0].Awards; a[0].Entry != chip || a[0].Level != "first" || a[1].Entry != seed || a[1].Level != "second" {
		t.Errorf("awards %+v, want first %s (77.80), second %s (74.23)", a, chip, seed)
	}
	if _, err := w.s.ConfirmAwards(ctx, w.organizer.ID, id, "semi", nil); err != nil {
		t.Fatal(err)
	}
	// The combined scores rest on the preliminary's: it is published first.
	_, err = w.s.PublishResults(ctx, w.organizer.ID, id, "semi")
	wantError(t, err, fault.CodeConflict, "err.publish.earlier_rounds")
	if _, err := w.s.PublishResults(ctx, w.organizer.ID, id, "prelim"); err != nil {
		t.Fatal(err)
	}
	// The two who advance are told so, with the round they go on to; the
	// others, that the results are published.
	var told []string
	if err := w.s.DB.Select(&told, `SELECT kind || ' ' || coalesce(data->>'NextRound', '') FROM outbox WHERE contest_id = $1 AND kind IN ('entry.advanced', 'results.published') ORDER BY kind`, id); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(told, []string{"entry.advanced 复赛", "entry.advanced 复赛", "results.published ", "results.published "}) {
		t.Errorf("entrants told %q", told)
	}
	published, err := w.s.PublishResults(ctx, w.organizer.ID, id, "semi")
	if err != nil || len(published) != 2 {
		t.Fatalf("published %+v %v", published, err)
	}
	if p := published[0]; p.Code != chip || p.Score != 7780 || p.Rank != 1 || p.AwardLevel != "first" {
		t.Errorf("first published %+v", p)
	}
	if p := published[1]; p.Code != seed || p.Score != 7423 || p.Rank != 2 || p.AwardLevel != "second" {
		t.Errorf("second published %+v", p)
	}
}

// The award quotas are the contest's prizes: a preliminary round gives none,
// however its ranking looks, and nothing is recorded when it is asked to.
func TestAwardsOnlyOnTheLastRound(t *testing.T) {
	t.Parallel()
	w := newAssignWorld(t) // preliminary, then semifinal
	ctx := context.Background()
	id := w.contest.ID
	c, _ := w.s.Contest(ctx, id)
	c.Awards = []contest.AwardQuota{{Group: "team", Level: "first", Count: 1}}
	if _, err := w.s.UpdateContest(ctx, w.organizer.ID, id, c.Setup); err != nil {
		t.Fatal(err)
	}
	w.panel(t, "prelim", "赵专家", "钱专家", "孙专家", "李专家", "周专家", "吴专家")
	w.run(t, "prelim")
	w.scoreRound(t, "prelim", func(org string, _ int) judging.SheetInput {
		if org == "芯算微电子有限公司" {
			return same("25")
		}
		return same("10")
	})
	_, _, err := w.s.AwardPlan(ctx, id, "prelim")
	wantError(t, err, fault.CodeConflict, "err.award.final_round_only")
	_, err = w.s.ConfirmAwards(ctx, w.organizer.ID, id, "prelim", nil)
	wantError(t, err, fault.CodeConflict, "err.award.final_round_only")
	if results, _ := w.s.RoundResults(ctx, id, "prelim"); len(results) != 0 {
		t.Errorf("awards refused on the preliminary recorded %+v", results)
	}
	_, _, err = w.s.AwardPlan(ctx, id, "nope")
	wantError(t, err, fault.CodeNotFound, "err.round.not_found")
	// The semifinal is the last round: its plan is the contest's (nobody is ranked yet).
	if plan, _, err := w.s.AwardPlan(ctx, id, "semi"); err != nil || len(plan) != 0 {
		t.Errorf("semifinal plan %+v %v", plan, err)
	}
}

// rescore reopens the first active sheet of an organization's entry in a
// closed round, has its judge submit sheet instead, and closes the round
// again: the ranking changes after the organizers decided on it. While the
// round is open, neither decision can be confirmed.
func (w assignWorld) rescore(t *testing.T, round, org string, sheet judging.SheetInput) {
	t.Helper()
	ctx := context.Background()
	id := w.contest.ID
	list, _ := w.s.Assignments(ctx, id, round)
	i := slices.IndexFunc(list, func(a judging.Assignment) bool { return a.EntryID == w.entries[org] && a.State == "active" })
	if i < 0 {
		t.Fatalf("no sheet of %s in %s", org, round)
	}
	a := list[i]
	if err := w.s.ReopenSheet(ctx, w.organizer.ID, id, a.ID, "误填"); err != nil {
		t.Fatal(err)
	}
	if err := w.s.SetRoundState(ctx, w.organizer.ID, id, round, contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	_, err := w.s.ConfirmAdvancement(ctx, w.organizer.ID, id, round, nil)
	wantError(t, err, fault.CodeConflict, "err.results.round_not_closed")
	_, err = w.s.ConfirmAwards(ctx, w.organizer.ID, id, round, nil)
	wantError(t, err, fault.CodeConflict, "err.results.round_not_closed")
	inv, err := w.s.InviteExpert(ctx, w.organizer.ID, id, a.ExpertID)
	if err != nil {
		t.Fatal(err)
	}
	key := fmt.Sprintf("rescore-%d-%s", a.ID, sheet.Marks["tech"])
	if _, err := w.s.SubmitSheet(ctx, access.EveryContest(inv.AccountID), a.ID, sheet, key, hash(key)); err != nil {
		t.Fatal(err)
	}
	if err := w.s.SetRoundState(ctx, w.organizer.ID, id, round, contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
}

// A round decided both ways (advancement and awards) whose ranking then
// changes: confirming one decision again records the new scores and ranks for
// every result, and forgets the other decision, taken on the old ranking, so
// that it is never published as if current. On an unchanged ranking the other
// decision stays.
func TestReconfirmingOneDecisionForgetsTheOtherOnAChangedRanking(t *testing.T) {
	t.Parallel()
	w := prelimWithTie(t)
	ctx := context.Background()
	id, org := w.contest.ID, w.organizer.ID
	c, _ := w.s.Contest(ctx, id)
	one := 1
	c.Rounds[0].AdvanceCount = &one // 芯算 (manufacturing) and 绿种 (materials) advance
	if _, err := w.s.UpdateContest(ctx, org, id, c.Setup); err != nil {
		t.Fatal(err)
	}
	chip, eagle, seed := w.codeOf(t, "prelim", "芯算微电子有限公司"), w.codeOf(t, "prelim", "鹰眼装备股份有限公司"), w.codeOf(t, "prelim", "绿种团队")
	prizes := map[string]string{eagle: "second", seed: "third"}
	recorded := func() (advanced []string, awards map[string]string) {
		t.Helper()
		results, err := w.s.RoundResults(ctx, id, "prelim")
		if err != nil || len(results) != 4 {
			t.Fatalf("results %+v %v", results, err)
		}
		awards = map[string]string{}
		for _, r := range results {
			if r.Advanced {
				advanced = append(advanced, r.Code)
			}
			if r.AwardLevel != "" {
				awards[r.Code] = r.AwardLevel
			}
		}
		slices.Sort(advanced)
		return advanced, awards
	}
	bothAdvance := []string{chip, seed}
	slices.Sort(bothAdvance)
	allPrizes := map[string]string{chip: "first", eagle: "second", seed: "third"}

	if _, err := w.s.ConfirmAdvancement(ctx, org, id, "prelim", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.ConfirmAwards(ctx, org, id, "prelim", prizes); err != nil {
		t.Fatal(err)
	}
	// Confirming again on the same ranking keeps the other decision.
	if _, err := w.s.ConfirmAdvancement(ctx, org, id, "prelim", nil); err != nil {
		t.Fatal(err)
	}
	if advanced, awards := recorded(); !slices.Equal(advanced, bothAdvance) || !maps.Equal(awards, allPrizes) {
		t.Fatalf("after confirming advancement again: advanced %v, awards %v", advanced, awards)
	}

	// 星河's score changes (30 → 33), so every recorded score and rank is rewritten.
	w.rescore(t, "prelim", "星河智能科技有限公司", same("12"))
	if _, err := w.s.ConfirmAdvancement(ctx, org, id, "prelim", nil); err != nil {
		t.Fatal(err)
	}
	if advanced, awards := recorded(); !slices.Equal(advanced, bothAdvance) || len(awards) != 0 {
		t.Fatalf("advancement confirmed on a changed ranking kept the old awards: advanced %v, awards %v", advanced, awards)
	}
	if _, err := w.s.ConfirmAwards(ctx, org, id, "prelim", prizes); err != nil {
		t.Fatal(err)
	}
	if advanced, awards := recorded(); !slices.Equal(advanced, bothAdvance) || !maps.Equal(awards, allPrizes) {
		t.Fatalf("both confirmed on the new ranking: advanced %v, awards %v", advanced, awards)
	}

	// And the other way round: awards confirmed on a changed ranking forget the advancement.
	w.rescore(t, "prelim", "星河智能科技有限公司", same("11"))
	if _, err := w.s.ConfirmAwards(ctx, org, id, "prelim", prizes); err != nil {
		t.Fatal(err)
	}
	if advanced, awards := recorded(); len(advanced) != 0 || !maps.Equal(awards, allPrizes) {
		t.Fatalf("awards confirmed on a changed ranking kept the old advancement: advanced %v, awards %v", advanced, awards)
	}
	log, _ := w.s.Records(ctx, id)
	var cleared struct {
		Advancement bool `json:"advancement_cleared"`
	}
	if last := log[len(log)-1]; last.Action != audit.AwardsConfirmed || json.Unmarshal(last.Payload, &cleared) != nil || !cleared.Advancement {
		t.Errorf("the forgotten advancement is not in the audit record: %s %s", last.Action, last.Payload)
	}
	if _, err := w.s.ConfirmAdvancement(ctx, org, id, "prelim", nil); err != nil {
		t.Fatal(err)
	}
	published, err := w.s.PublishResults(ctx, org, id, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	rk, _, _ := w.s.Ranking(ctx, id, "prelim")
	for i, p := range published {
		if p.Code != rk.Entries[i].Entry || p.Score != rk.Entries[i].Score || p.AwardLevel != allPrizes[p.Code] ||
			p.Advanced != slices.Contains(bothAdvance, p.Code) {
			t.Errorf("published %+v, ranked %+v", p, rk.Entries[i])
		}
	}
}

// Prizes are given on the last round only, so the combined ranking decides
// only when the last round is also the last weighted one.
func TestCombinedRankingDecidesOnlyTheLastRound(t *testing.T) {
	t.Parallel()
	w := newAssignWorld(t)
	ctx := context.Background()
	c, _ := w.s.Contest(ctx, w.contest.ID)
	final := c.Rounds[1]
	final.Key, final.NameZh, final.FinalWeight = "final", "决赛", 0
	c.Rounds[0].FinalWeight, c.Rounds[1].FinalWeight = 30, 70
	c.Rounds = append(c.Rounds, final)
	if _, err := w.s.UpdateContest(ctx, w.organizer.ID, c.ID, c.Setup); err != nil {
		t.Fatal(err)
	}
	for _, round := range []string{"prelim", "semi", "final"} {
		if _, _, combined, err := w.s.DecidingRanking(ctx, c.ID, round); err != nil || combined {
			t.Errorf("%s: combined %v, %v; want the round's own ranking (semi is weighted last, final is last)", round, combined, err)
		}
	}
}

// Once a round is published it is final, and the domain says so in one
// place: its sheets are no longer offered for reopening nor reopened, whether
// the organizer names the round (the progress page) or not (the API), and the
// round can be neither opened nor closed again (err.results.published). A
// sheet is reopened only in its own round.
func TestPublishedRoundIsFinalForReopeningAndItsState(t *testing.T) {
	t.Parallel()
	w := prelimWithTie(t)
	ctx := context.Background()
	id, org := w.contest.ID, w.organizer.ID
	eagle, seed := w.codeOf(t, "prelim", "鹰眼装备股份有限公司"), w.codeOf(t, "prelim", "绿种团队")
	sheets, err := w.s.SubmittedSheets(ctx, id, "prelim")
	if err != nil || len(sheets) == 0 {
		t.Fatalf("submitted sheets before publication: %v %v", sheets, err)
	}
	sheet := sheets[0].AssignmentID
	wantError(t, w.s.ReopenSheetInRound(ctx, org, id, "final", sheet, "误填"), fault.CodeNotFound, "err.score.not_submitted")

	if _, err := w.s.ConfirmAwards(ctx, org, id, "prelim", map[string]string{eagle: "second", seed: "third"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.PublishResults(ctx, org, id, "prelim"); err != nil {
		t.Fatal(err)
	}
	if sheets, err := w.s.SubmittedSheets(ctx, id, "prelim"); err != nil || len(sheets) != 0 {
		t.Errorf("sheets offered for reopening in a published round: %v %v", sheets, err)
	}
	wantError(t, w.s.ReopenSheet(ctx, org, id, sheet, "误填"), fault.CodeConflict, "err.results.published")
	wantError(t, w.s.ReopenSheetInRound(ctx, org, id, "prelim", sheet, "误填"), fault.CodeConflict, "err.results.published")
	for _, state := range []contest.RoundState{contest.RoundOpen, contest.RoundClosed} {
		wantError(t, w.s.SetRoundState(ctx, org, id, "prelim", state), fault.CodeConflict, "err.results.published")
	}
	if published, err := w.s.RoundPublished(ctx, id, "prelim"); err != nil || !published {
		t.Errorf("round published: %v %v", published, err)
	}
}
