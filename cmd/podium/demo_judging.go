package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/google/uuid"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/scoring"
)

// The demo's judging happens in its preliminary round, seeded with a fixed
// assignment seed so that every demo database looks alike.
const (
	demoRound          = "prelim"
	demoAssignmentSeed = 2026
	demoJudgeEmail     = "judge@demo.podium.local"
)

// demoExpert is one expert of the demo pool.
type demoExpert struct {
	judging.ExpertInput
	leniency float64 // added to the share of every criterion's maximum the expert gives
}

// demoExperts is the demo pool, chosen so that every accepted demo entry gets
// exactly the preliminary round's five reviews: generalists judge any track,
// specialists their fields. 陈立华 works for an entrant (星河新材料), a conflict
// the assignment avoids: he is never on that entry. The last one is the demo
// judge, whose reviews are left to the person trying the demo.
var demoExperts = []demoExpert{
	{judging.ExpertInput{Name: "王建国", Organization: "示范市智能制造研究院", Title: "研究员",
		Fields: []string{"manufacturing", "it"}, Keywords: []string{"工业机器人", "机器视觉"}, Region: "示范市",
		Email: "wang.jianguo@demo.podium.local"}, -0.04},
	{judging.ExpertInput{Name: "李慧敏", Organization: "示范大学材料科学与工程学院", Title: "教授",
		Fields: []string{"materials", "biomed"}, Keywords: []string{"石墨烯", "生物材料"}, Region: "示范市",
		Email: "li.huimin@demo.podium.local"}, 0.02},
	{judging.ExpertInput{Name: "张志远", Organization: "省生物医药产业技术研究院", Title: "研究员",
		Fields: []string{"biomed", "materials"}, Keywords: []string{"基因编辑", "作物育种"}, Region: "省会市",
		Email: "zhang.zhiyuan@demo.podium.local"}, -0.02},
	{judging.ExpertInput{Name: "刘芳", Organization: "示范创新投资基金管理有限公司", Title: "投资总监",
		Keywords: []string{"天使投资", "财务"}, Region: "示范市", Email: "liu.fang@demo.podium.local"}, 0.05},
	{judging.ExpertInput{Name: "陈立华", Organization: "星河新材料科技有限公司", Title: "首席科学家",
		Fields: []string{"materials", "manufacturing"}, Keywords: []string{"散热材料"}, Region: "示范市",
		Email: "chen.lihua@demo.podium.local"}, 0},
	{judging.ExpertInput{Name: "周文博", Organization: "示范市科技创新服务中心", Title: "高级工程师",
		Keywords: []string{"科技成果转化"}, Region: "示范市", Email: "zhou.wenbo@demo.podium.local"}, 0},
	{judging.ExpertInput{Name: "林晓雯", Organization: "示范理工大学", Title: "教授",
		Keywords: []string{"创新创业"}, Region: "示范市", Email: demoJudgeEmail}, 0},
}

// demoJudge is the expert whose invite link the demo prints.
var demoJudge = demoExperts[len(demoExperts)-1]

// demoReview is how the panel sees a demo entry: the share of each
// criterion's maximum it earns, and an overall comment.
type demoReview struct {
	quality float64
	comment string
}

var demoReviews = map[string]demoReview{
	"高导热石墨烯散热膜":  {0.86, "技术指标领先，已有量产能力和专利布局；建议补充与国外同类产品的成本对比。"},
	"工业视觉缺陷检测平台": {0.78, "试点数据可信，商业模式清晰；团队偏小，需说明规模化交付能力。"},
	"抗旱水稻基因编辑育种": {0.72, "社会效益突出，但品种审定周期长，商业化路径有待细化。"},
	"软体抓取机器人":    {0.64, "应用场景明确，技术尚在样机阶段；财务与融资计划较为薄弱。"},
}

// seedDemoJudging runs the demo contest's preliminary round up to the middle
// of scoring: the submitted entries accepted, the demo pool on the panel and
// assigned, the round open, and every expert but the demo judge done (the demo
// judge has one draft and the rest to do).
func seedDemoJudging(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	if err := acceptDemoEntries(ctx, dom, organizerID, contestID); err != nil {
		return err
	}
	panel, err := seedDemoPanel(ctx, dom, organizerID, contestID)
	if err != nil {
		return err
	}
	if err := assignDemoRound(ctx, dom, organizerID, contestID); err != nil {
		return err
	}
	if err := dom.Judging.SetRoundState(ctx, organizerID, contestID, demoRound, contest.RoundOpen); err != nil {
		return fmt.Errorf("open the demo round: %w", err)
	}
	judges, err := inviteDemoPanel(ctx, dom, organizerID, contestID, panel)
	if err != nil {
		return err
	}
	return scoreDemoRound(ctx, dom, contestID, judges)
}

// acceptDemoEntries accepts every submitted demo entry as eligible.
func acceptDemoEntries(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	submitted, err := dom.Entries.EntriesInContest(ctx, contestID, entry.Filter{State: entry.Submitted})
	if err != nil {
		return fmt.Errorf("list submitted demo entries: %w", err)
	}
	ids := make([]int64, len(submitted))
	for i, e := range submitted {
		ids[i] = e.ID
	}
	if _, err := dom.Entries.ReviewEntries(ctx, organizerID, contestID, ids, true, ""); err != nil {
		return fmt.Errorf("accept demo entries: %w", err)
	}
	return nil
}

// seedDemoPanel adds the demo experts to the pool and makes them the demo
// round's panel. It returns the experts.
func seedDemoPanel(ctx context.Context, dom *Domain, organizerID, contestID int64) ([]judging.Expert, error) {
	panel := make([]judging.Expert, len(demoExperts))
	ids := make([]int64, len(demoExperts))
	for i, d := range demoExperts {
		x, err := dom.Judging.SaveExpert(ctx, organizerID, d.ExpertInput)
		if err != nil {
			return nil, fmt.Errorf("demo expert %s: %w", d.Name, err)
		}
		panel[i], ids[i] = x, x.ID
	}
	if err := dom.Judging.SetPanel(ctx, organizerID, contestID, demoRound, ids); err != nil {
		return nil, fmt.Errorf("demo panel: %w", err)
	}
	return panel, nil
}

// assignDemoRound runs the automatic assignment of the demo round to the end.
func assignDemoRound(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	run, err := dom.Judging.StartAssignment(ctx, organizerID, contestID, demoRound, demoAssignmentSeed)
	if err != nil {
		return fmt.Errorf("start demo assignment: %w", err)
	}
	if run, err = dom.Judging.RunAssignment(ctx, organizerID, contestID, demoRound, run.ID); err != nil {
		return fmt.Errorf("run demo assignment: %w", err)
	}
	if run.State != judging.RunDone {
		return fmt.Errorf("demo assignment ended %s: %d entries not fully served", run.State, len(run.Report.Unfilled))
	}
	return nil
}

// inviteDemoPanel makes every panel expert a judge of the contest (creating
// their judge accounts). It returns each expert's account id by expert id.
func inviteDemoPanel(ctx context.Context, dom *Domain, organizerID, contestID int64, panel []judging.Expert) (map[int64]int64, error) {
	accounts := make(map[int64]int64, len(panel))
	for _, x := range panel {
		inv, err := dom.Judging.InviteExpert(ctx, organizerID, contestID, x.ID)
		if err != nil {
			return nil, fmt.Errorf("invite demo expert %s: %w", x.Name, err)
		}
		accounts[x.ID] = inv.AccountID
	}
	return accounts, nil
}

// scoreDemoRound has every judge but the demo judge submit a sheet for each of
// their assignments; the demo judge saves a draft of their first.
func scoreDemoRound(ctx context.Context, dom *Domain, contestID int64, judges map[int64]int64) error {
	rubric, err := demoRubric(ctx, dom, contestID)
	if err != nil {
		return err
	}
	assignments, err := dom.Judging.Assignments(ctx, contestID, demoRound)
	if err != nil {
		return fmt.Errorf("demo assignments: %w", err)
	}
	drafted := false
	for _, a := range assignments {
		if a.State != judging.AssignmentActive {
			continue
		}
		expert, ok := demoExpertNamed(a.ExpertName)
		if !ok {
			return fmt.Errorf("assignment %d: %s is not a demo expert", a.ID, a.ExpertName)
		}
		review := demoReviews[a.EntryTitle]
		sheet := demoSheet(rubric, review, expert.leniency, a)
		var err error
		switch {
		case expert.Email != demoJudgeEmail:
			err = submitDemoSheet(ctx, dom, judges[a.ExpertID], a.ID, sheet)
		case !drafted:
			err = saveDemoDraft(ctx, dom, judges[a.ExpertID], a.ID, sheet)
			drafted = true
		}
		if err != nil {
			return fmt.Errorf("score %s by %s: %w", a.EntryTitle, a.ExpertName, err)
		}
	}
	return nil
}

// demoRubric is the demo round's criteria.
func demoRubric(ctx context.Context, dom *Domain, contestID int64) ([]contest.Criterion, error) {
	c, err := dom.Contests.Contest(ctx, contestID)
	if err != nil {
		return nil, fmt.Errorf("load demo contest: %w", err)
	}
	for _, r := range c.Rounds {
		if r.Key == demoRound {
			return r.Criteria, nil
		}
	}
	return nil, fmt.Errorf("demo contest has no round %q", demoRound)
}

func demoExpertNamed(name string) (demoExpert, bool) {
	for _, d := range demoExperts {
		if d.Name == name {
			return d, true
		}
	}
	return demoExpert{}, false
}

// demoSheet is a plausible sheet: each mark is the entry's quality plus the
// expert's leniency plus a small deterministic spread, as a share of the
// criterion's maximum, rounded to the criterion's step.
func demoSheet(rubric []contest.Criterion, review demoReview, leniency float64, a judging.Assignment) judging.SheetInput {
	in := judging.SheetInput{Marks: map[string]scoring.Points{}, Comment: review.comment}
	for i, c := range rubric {
		spread := float64((a.EntryID+3*a.ExpertID+7*int64(i))%5-2) * 0.03
		share := min(max(review.quality+leniency+spread, 0), 1)
		steps := math.Round(share * float64(c.Max/c.Step))
		in.Marks[c.Key] = scoring.Points(steps) * c.Step
	}
	return in
}

// submitDemoSheet submits a sheet as the judge's tablet would: with a fresh
// idempotency key and the hash of the request.
func submitDemoSheet(ctx context.Context, dom *Domain, judgeID, assignmentID int64, in judging.SheetInput) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode sheet: %w", err)
	}
	_, err = dom.Judging.SubmitSheet(ctx, access.EveryContest(judgeID), assignmentID, in, "demo-"+uuid.NewString(),
		judging.RequestHash(assignmentID, body))
	return err
}

// saveDemoDraft keeps the first two marks of a sheet as a draft, as a judge
// interrupted half-way would.
func saveDemoDraft(ctx context.Context, dom *Domain, judgeID, assignmentID int64, in judging.SheetInput) error {
	draft := judging.SheetInput{Marks: map[string]scoring.Points{}}
	for _, key := range []string{"tech", "market"} {
		if m, ok := in.Marks[key]; ok {
			draft.Marks[key] = m
		}
	}
	_, err := dom.Judging.SaveDraft(ctx, access.EveryContest(judgeID), assignmentID, draft)
	return err
}

// demoJudgeInvite issues a fresh one-time link for the demo judge. A demo
// database seeded before the demo had a panel has no demo expert: its judge
// is invited by name, as then.
func demoJudgeInvite(ctx context.Context, dom *Domain, organizerID, contestID int64) (access.Invite, error) {
	experts, err := dom.Judging.Experts(ctx, organizerID, demoJudge.Name)
	if err != nil {
		return access.Invite{}, fmt.Errorf("find the demo judge: %w", err)
	}
	for _, x := range experts {
		if x.Email == demoJudgeEmail {
			inv, err := dom.Judging.InviteExpert(ctx, organizerID, contestID, x.ID)
			if err != nil {
				return inv, fmt.Errorf("invite the demo judge: %w", err)
			}
			return inv, nil
		}
	}
	inv, err := dom.Accounts.CreateInvite(ctx, organizerID, contestID, access.NewJudge{DisplayName: "演示评委", Email: demoJudgeEmail})
	if err != nil {
		return inv, fmt.Errorf("invite the demo judge: %w", err)
	}
	return inv, nil
}
