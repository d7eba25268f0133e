package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

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
	demoSemiRound      = "semi"
	demoAssignmentSeed = 2026
	demoJudgeEmail     = "judge@demo.podium.local"
)

// demoExpert is one expert of the demo pool.
type demoExpert struct {
	judging.ExpertInput
	leniency float64 // added to the share of every criterion's maximum the expert gives
}

func demoX(name, org, title string, leniency float64, fields ...string) demoExpert {
	return demoExpert{judging.ExpertInput{Name: name, Organization: org, Title: title, Fields: fields, Region: "丹东市",
		Keywords: demoKeywords(fields), Email: fmt.Sprintf("expert.%s@demo.podium.local", demoPinyin[name])}, leniency}
}

// demoKeywords are the keywords of an expert's fields.
func demoKeywords(fields []string) []string {
	var out []string
	for _, f := range fields {
		out = append(out, demoTrackWords[f].keywords...)
	}
	return out
}

// demoPinyin gives the experts' e-mail addresses.
var demoPinyin = map[string]string{"孙立军": "sun.lijun", "赵雅丽": "zhao.yali", "钱志刚": "qian.zhigang", "吴海燕": "wu.haiyan",
	"郑宏": "zheng.hong", "冯晓光": "feng.xiaoguang", "褚建民": "chu.jianmin", "卫红梅": "wei.hongmei", "蒋国平": "jiang.guoping",
	"沈丹": "shen.dan", "韩志伟": "han.zhiwei", "杨帆": "yang.fan", "朱晓峰": "zhu.xiaofeng", "秦雪": "qin.xue", "许文": "xu.wen",
	"何建": "he.jian", "吕静": "lv.jing", "施国强": "shi.guoqiang", "曹敏": "cao.min"}

// demoExperts is the demo pool of 26: specialists judge their fields,
// generalists (no fields) any track. Three conflict with entrants, which the
// assignment avoids: 陈立华 works for 星河新材料, 施国强 for a generated
// company (demoPool), and 曹敏 declares one. The last one is the demo judge,
// behind on the semifinal: her reviews are left to the person trying the demo.
var demoExperts = []demoExpert{
	{judging.ExpertInput{Name: "王建国", Organization: "丹东市智能制造研究院", Title: "研究员",
		Fields: []string{"manufacturing", "instruments"}, Keywords: []string{"工业机器人", "机器视觉"}, Region: "丹东市",
		Email: "wang.jianguo@demo.podium.local"}, -0.04},
	{judging.ExpertInput{Name: "李慧敏", Organization: "辽东学院化学与材料工程学院", Title: "教授",
		Fields: []string{"materials", "textiles"}, Keywords: []string{"石墨烯", "复合材料"}, Region: "丹东市",
		Email: "li.huimin@demo.podium.local"}, 0.02},
	{judging.ExpertInput{Name: "张志远", Organization: "辽宁省生物医药产业技术研究院", Title: "研究员",
		Fields: []string{"biomed", "medtech"}, Keywords: []string{"创新药", "基因编辑"}, Region: "沈阳市",
		Email: "zhang.zhiyuan@demo.podium.local"}, -0.02},
	{judging.ExpertInput{Name: "刘芳", Organization: "丹东创新投资基金管理有限公司", Title: "投资总监",
		Keywords: []string{"天使投资", "财务"}, Region: "丹东市", Email: "liu.fang@demo.podium.local"}, 0.05},
	{judging.ExpertInput{Name: "陈立华", Organization: "星河新材料科技有限公司", Title: "首席科学家",
		Fields: []string{"materials", "manufacturing"}, Keywords: []string{"散热材料"}, Region: "丹东市",
		Email: "chen.lihua@demo.podium.local"}, 0},
	{judging.ExpertInput{Name: "周文博", Organization: "丹东市科技创新服务中心", Title: "高级工程师",
		Keywords: []string{"科技成果转化"}, Region: "丹东市", Email: "zhou.wenbo@demo.podium.local"}, 0},
	demoX("孙立军", "丹东市农业科学院", "研究员", 0.01, "agriculture"),
	demoX("赵雅丽", "辽宁中医药大学药学院", "教授", -0.03, "biomed"),
	demoX("钱志刚", "丹东市仪器仪表行业协会", "高级工程师", 0.02, "instruments"),
	demoX("吴海燕", "东北大学材料科学与工程学院", "副教授", -0.01, "materials"),
	demoX("郑宏", "丹东市中心医院", "主任医师", 0.03, "medtech", "biomed"),
	demoX("冯晓光", "丹东纺织科学研究所", "研究员", 0, "textiles"),
	demoX("褚建民", "沈阳工业大学机械工程学院", "教授", -0.02, "manufacturing"),
	demoX("卫红梅", "辽宁省农业发展服务中心", "高级农艺师", 0.04, "agriculture"),
	demoX("蒋国平", "大连理工大学化工学院", "教授", -0.05, "materials", "textiles"),
	demoX("沈丹", "丹东市第一医院", "副主任医师", 0.01, "medtech"),
	demoX("韩志伟", "丹东市产业投资集团", "合伙人", 0.03),
	demoX("杨帆", "中国医科大学附属第一医院", "主任医师", -0.02, "medtech", "biomed"),
	demoX("朱晓峰", "辽宁省检验检测认证中心", "高级工程师", 0, "instruments", "manufacturing"),
	demoX("秦雪", "丹东科技金融服务中心", "经理", 0.02),
	demoX("许文", "东北财经大学工商管理学院", "教授", -0.01),
	demoX("何建", "沈阳农业大学", "教授", 0.02, "agriculture", "biomed"),
	demoX("吕静", "丹东市检验检测中心", "高级工程师", -0.03, "textiles", "instruments"),
	demoX("施国强", "", "技术顾问", 0.01),           // works for a generated company: see demoPool
	demoX("曹敏", "丹东市工业设计中心", "高级工程师", -0.01), // declares a conflict: see demoPool
	{judging.ExpertInput{Name: "林晓雯", Organization: "辽东学院", Title: "教授",
		Keywords: []string{"创新创业"}, Region: "丹东市", Email: demoJudgeEmail}, 0},
}

// demoJudge is the expert whose invite link the demo prints.
var demoJudge = demoExperts[len(demoExperts)-1]

// demoPool is the demo pool with its two conflicts on generated entrants:
// 施国强 works for the first generated company, 曹敏 declares one with the
// second.
func demoPool(generated []demoGenerated) []demoExpert {
	pool := slices.Clone(demoExperts)
	var companies []string
	for _, g := range generated {
		if g.org.Kind == entry.OrgEnterprise && g.submit {
			companies = append(companies, g.org.Name)
		}
	}
	for i := range pool {
		switch pool[i].Name {
		case "施国强":
			pool[i].Organization = companies[0]
		case "曹敏":
			pool[i].Conflicts = []string{companies[1]}
		}
	}
	return pool
}

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

// seedDemoJudging runs the demo contest's preliminary round to the end: the
// submitted entries accepted, the demo pool on the panel and assigned, the
// round open, every sheet submitted, the round closed, its advancement
// confirmed (the top of each track and group) and published.
func seedDemoJudging(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	if err := acceptDemoEntries(ctx, dom, organizerID, contestID); err != nil {
		return err
	}
	panel, err := seedDemoPanel(ctx, dom, organizerID, contestID, demoRound, false)
	if err != nil {
		return err
	}
	if err := assignDemoRound(ctx, dom, organizerID, contestID, demoRound); err != nil {
		return err
	}
	if err := dom.Judging.SetRoundState(ctx, organizerID, contestID, demoRound, contest.RoundOpen); err != nil {
		return fmt.Errorf("open the demo round: %w", err)
	}
	judges, err := inviteDemoPanel(ctx, dom, organizerID, contestID, panel)
	if err != nil {
		return err
	}
	if err := scoreDemoRound(ctx, dom, contestID, demoRound, judges, nil); err != nil {
		return err
	}
	if err := dom.Judging.SetRoundState(ctx, organizerID, contestID, demoRound, contest.RoundClosed); err != nil {
		return fmt.Errorf("close the demo round: %w", err)
	}
	return advanceDemoRound(ctx, dom, organizerID, contestID, demoRound)
}

// The semifinal's judges behind: the demo judge (one draft, the rest to do)
// and 周文博 (half done).
const demoSlowJudge = "周文博"

// seedDemoSemifinal starts the semifinal on the entries that advanced: the
// pool's generalists (investors, managers, the demo judge) on its panel, assigned, the round open, most judges done, some
// with a draft, two behind.
func seedDemoSemifinal(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	panel, err := seedDemoPanel(ctx, dom, organizerID, contestID, demoSemiRound, true)
	if err != nil {
		return err
	}
	if err := assignDemoRound(ctx, dom, organizerID, contestID, demoSemiRound); err != nil {
		return err
	}
	if err := dom.Judging.SetRoundState(ctx, organizerID, contestID, demoSemiRound, contest.RoundOpen); err != nil {
		return fmt.Errorf("open the demo semifinal: %w", err)
	}
	judges, err := inviteDemoPanel(ctx, dom, organizerID, contestID, panel)
	if err != nil {
		return err
	}
	// The final's panel is chosen already, and seated in its room (see
	// ensureDemoFinalRoom); the finalists come with the semifinal's advancement.
	var finalPanel []int64
	for _, d := range demoLiveExperts {
		x, err := dom.Judging.SaveExpert(ctx, organizerID, d.ExpertInput)
		if err != nil {
			return fmt.Errorf("demo expert %s: %w", d.Name, err)
		}
		finalPanel = append(finalPanel, x.ID)
	}
	if err := dom.Judging.SetPanel(ctx, organizerID, contestID, "final", finalPanel); err != nil {
		return fmt.Errorf("demo final panel: %w", err)
	}
	done := map[int64]int{} // sheets each expert has written so far
	return scoreDemoRound(ctx, dom, contestID, demoSemiRound, judges, func(a judging.Assignment, total int) demoSheetFate {
		n := done[a.ExpertID]
		done[a.ExpertID]++
		switch {
		case a.ExpertName == demoJudge.Name && n == 0:
			return fateDraft
		case a.ExpertName == demoJudge.Name:
			return fateNone
		case a.ExpertName == demoSlowJudge && n >= total/2:
			return fateNone
		case a.ExpertID%4 == 0 && n == total-1: // a few sheets left half-way
			return fateDraft
		}
		return fateSubmit
	})
}

// demoSheetFate is what becomes of an assignment's sheet in the demo.
type demoSheetFate int

const (
	fateSubmit demoSheetFate = iota
	fateDraft
	fateNone
)

// acceptDemoEntries reviews the submitted demo entries as an organizer
// would: those that meet the contest's eligibility rules accepted, those
// that fail one rejected with the rule as the reason.
func acceptDemoEntries(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	submitted, err := dom.Entries.EntriesInContest(ctx, contestID, entry.Filter{State: entry.Submitted})
	if err != nil {
		return fmt.Errorf("list submitted demo entries: %w", err)
	}
	var ok, ineligible []int64
	for _, e := range submitted {
		if len(e.Ineligible) > 0 {
			ineligible = append(ineligible, e.ID)
		} else {
			ok = append(ok, e.ID)
		}
	}
	if _, err := dom.Entries.ReviewEntries(ctx, organizerID, contestID, ok, true, ""); err != nil {
		return fmt.Errorf("accept demo entries: %w", err)
	}
	if len(ineligible) > 0 {
		if _, err := dom.Entries.ReviewEntries(ctx, organizerID, contestID, ineligible, false, demoIneligibleReason); err != nil {
			return fmt.Errorf("reject ineligible demo entries: %w", err)
		}
	}
	return nil
}

// seedDemoPanel adds the demo experts to the pool and makes them (or only
// the generalists among them) the round's panel. It returns the panel.
func seedDemoPanel(ctx context.Context, dom *Domain, organizerID, contestID int64, round string, generalists bool) ([]judging.Expert, error) {
	var panel []judging.Expert
	var ids []int64
	for _, d := range demoPool(demoGenerate(time.Now().Year())) {
		x, err := dom.Judging.SaveExpert(ctx, organizerID, d.ExpertInput)
		if err != nil {
			return nil, fmt.Errorf("demo expert %s: %w", d.Name, err)
		}
		if !generalists || len(d.Fields) == 0 {
			panel, ids = append(panel, x), append(ids, x.ID)
		}
	}
	if err := dom.Judging.SetPanel(ctx, organizerID, contestID, round, ids); err != nil {
		return nil, fmt.Errorf("demo panel: %w", err)
	}
	return panel, nil
}

// assignDemoRound runs the automatic assignment of a demo round to the end.
func assignDemoRound(ctx context.Context, dom *Domain, organizerID, contestID int64, round string) error {
	run, err := dom.Judging.StartAssignment(ctx, organizerID, contestID, round, demoAssignmentSeed)
	if err != nil {
		return fmt.Errorf("start demo assignment: %w", err)
	}
	if run, err = dom.Judging.RunAssignment(ctx, organizerID, contestID, round, run.ID); err != nil {
		return fmt.Errorf("run demo assignment: %w", err)
	}
	if run.State != judging.RunDone {
		return fmt.Errorf("demo assignment of %s ended %s: %d entries not fully served", round, run.State, len(run.Report.Unfilled))
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

// scoreDemoRound writes the round's sheets: for each active assignment, in
// order, what fate says (every sheet submitted when fate is nil). fate is
// told how many assignments the expert has.
func scoreDemoRound(ctx context.Context, dom *Domain, contestID int64, round string, judges map[int64]int64,
	fate func(a judging.Assignment, total int) demoSheetFate) error {
	rubric, err := demoRubric(ctx, dom, contestID, round)
	if err != nil {
		return err
	}
	assignments, err := dom.Judging.Assignments(ctx, contestID, round)
	if err != nil {
		return fmt.Errorf("demo assignments: %w", err)
	}
	reviews := maps.Clone(demoReviews)
	for _, g := range demoGenerate(time.Now().Year()) {
		r := demoReview{quality: g.quality}
		switch {
		case g.quality >= 0.78:
			r.comment = "技术先进，市场验证充分，团队执行力强，建议重点关注。"
		case g.quality >= 0.64:
			r.comment = "项目方向符合本地产业需求，商业模式需进一步细化。"
		default:
			r.comment = "创新性一般，市场分析与财务预测依据不足。"
		}
		reviews[g.entry.Title] = r
	}
	total := map[int64]int{}
	for _, a := range assignments {
		if a.Active() {
			total[a.ExpertID]++
		}
	}
	for _, a := range assignments {
		if !a.Active() {
			continue
		}
		expert, ok := demoExpertNamed(a.ExpertName)
		if !ok {
			return fmt.Errorf("assignment %d: %s is not a demo expert", a.ID, a.ExpertName)
		}
		sheet := demoSheet(rubric, reviews[a.EntryTitle], expert.leniency, a)
		what := fateSubmit
		if fate != nil {
			what = fate(a, total[a.ExpertID])
		}
		var err error
		switch what {
		case fateSubmit:
			err = submitDemoSheet(ctx, dom, judges[a.ExpertID], a.ID, sheet)
		case fateDraft:
			err = saveDemoDraft(ctx, dom, judges[a.ExpertID], a.ID, sheet)
		}
		if err != nil {
			return fmt.Errorf("score %s by %s: %w", a.EntryTitle, a.ExpertName, err)
		}
	}
	return nil
}

// demoRubric is a demo round's criteria.
func demoRubric(ctx context.Context, dom *Domain, contestID int64, round string) ([]contest.Criterion, error) {
	c, err := dom.Contests.Contest(ctx, contestID)
	if err != nil {
		return nil, fmt.Errorf("load demo contest: %w", err)
	}
	for _, r := range c.Rounds {
		if r.Key == round {
			return r.Criteria, nil
		}
	}
	return nil, fmt.Errorf("demo contest has no round %q", round)
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
			// Printed, not mailed: her panels' invitations were mailed when
			// the rounds were seeded, and a demo started again sends nothing.
			inv, err := dom.Judging.InviteExpertForCard(ctx, organizerID, contestID, x.ID)
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
