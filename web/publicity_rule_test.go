package web

import (
	"testing"

	"podium/contest"
	"podium/contest/results"
	"podium/scoring"
)

// The public page shows who advances and why: a table per track of a group,
// with that track and group's quota (advancement is decided per track and
// group, so a lower score may advance in another track), ties marked, and the
// tie-break criterion that ordered two entries of the same score.
func TestPublicResultsExplainQuotasAndTies(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	l := cat.localizer("zh-CN")
	three := 1
	ct := contest.Contest{Setup: contest.Setup{
		Tracks: []contest.Category{{Key: "manufacturing", NameZh: "智能制造"}, {Key: "materials", NameZh: "新材料"}},
		Groups: []contest.Category{{Key: "team", NameZh: "团队组"}},
	}}
	round := contest.Round{Key: "prelim", AdvanceCount: &three, TieBreak: []string{"tech"},
		Quotas:   []contest.Quota{{Track: "materials", Group: "team", Count: 2}},
		Criteria: []contest.Criterion{{Key: "tech", NameZh: "技术"}}}
	res := []results.PublishedResult{
		{EntryID: 1, Title: "甲", Track: "manufacturing", Group: "team", Score: scoring.Points(8000), Rank: 1, Advanced: true},
		{EntryID: 2, Title: "乙", Track: "manufacturing", Group: "team", Score: scoring.Points(7517), Rank: 2},
		{EntryID: 3, Title: "丙", Track: "materials", Group: "team", Score: scoring.Points(7517), Rank: 3, Advanced: true,
			SameScoreAbove: true, TieBreakCriterion: "tech"},
		{EntryID: 4, Title: "丁", Track: "materials", Group: "team", Score: scoring.Points(7183), Rank: 4, Advanced: true},
		{EntryID: 5, Title: "戊", Track: "materials", Group: "team", Score: scoring.Points(7183), Rank: 4, SameScoreAbove: true},
	}
	groups := byGroup(ct, round, res, l)
	if len(groups) != 1 || len(groups[0].Tracks) != 2 {
		t.Fatalf("groups %+v", groups)
	}
	mf, mt := groups[0].Tracks[0], groups[0].Tracks[1]
	if mf.Name != "智能制造" || mf.Quota != "前 1 名" || mf.Advanced != 1 || len(mf.Rows) != 2 {
		t.Errorf("智能制造: %+v", mf)
	}
	if mt.Name != "新材料" || mt.Quota != "前 2 名" || mt.Advanced != 2 || len(mt.Rows) != 3 {
		t.Errorf("新材料: %+v", mt)
	}
	if got := l.T("results.quota_line", mt.Quota, mt.Advanced); got != "晋级名额：前 2 名 · 晋级 2 个" {
		t.Errorf("quota line %q", got)
	}
	if r := mt.Rows[0]; r.GroupRank != 3 || r.Tied || r.TieBreak != "技术" {
		t.Errorf("丙, ordered by the tie-break: %+v", r)
	}
	if a, b := mt.Rows[1], mt.Rows[2]; a.GroupRank != 4 || b.GroupRank != 4 || !a.Tied || !b.Tied || b.TieBreak != "" {
		t.Errorf("丁 and 戊 share rank 4: %+v %+v", a, b)
	}
	percent := 30
	if got := quotaText(l, contest.Round{AdvancePercent: &percent}, "materials", "team"); got != "前 30%" {
		t.Errorf("percent quota %q", got)
	}
	if advances(contest.Round{}) || quotaText(l, contest.Round{}, "materials", "team") != "" {
		t.Error("a round without quotas advances")
	}
}
