package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/entry"
	"podium/eligibility"
	"podium/fault"
	"podium/files/pdftext"
)

// Demo logins, printed when the demo starts. They exist only in a demo database.
const (
	demoOrganizerEmail = "organizer@demo.podium.local"
	demoEntrantEmail   = "entrant@demo.podium.local"
	demoPassword       = "podium-demo-2026"
	demoSlug           = "demo-2026"
)

// seedDemo creates the demo accounts and contests unless they exist, issues
// a fresh invite link for the demo judge, and returns the text that tells a
// person how to log in, as whom, and where to look (as `podium demo` prints it).
func seedDemo(ctx context.Context, dom *Domain, baseURL string) (string, error) {
	return seedDemoFor(ctx, dom, baseURL, false)
}

// seedDemoFor is seedDemo; live says the final is about to be played
// (`podium demo --live`), and the text says so. Seeding again changes
// nothing and sends nothing: the demo judge's new link is printed, not mailed.
func seedDemoFor(ctx context.Context, dom *Domain, baseURL string, live bool) (string, error) {
	organizer, err := ensureAccount(ctx, dom, access.NewAccount{
		Role: access.RoleOrganizer, Email: demoOrganizerEmail, DisplayName: "演示组织方", Password: demoPassword,
	})
	if err != nil {
		return "", err
	}
	if _, err := ensureAccount(ctx, dom, access.NewAccount{
		Role: access.RoleEntrant, Email: demoEntrantEmail, DisplayName: "演示参赛者", Password: demoPassword,
	}); err != nil {
		return "", err
	}
	// Demo accounts share a password printed on the screen: a slow hash guards
	// nothing there, and 120 entrants at the production cost take half a minute.
	defer func(cost int) { dom.Accounts.PasswordCost = cost }(dom.Accounts.PasswordCost)
	dom.Accounts.PasswordCost = min(dom.Accounts.PasswordCost, demoPasswordCost)
	id, err := dom.Contests.ContestIDBySlug(ctx, demoSlug)
	if fault.ErrorCode(err) == fault.CodeNotFound {
		var c contest.Contest
		if c, err = dom.Contests.CreateContest(ctx, organizer.ID, demoSetup(time.Now())); err == nil {
			id = c.ID
			err = seedDemoContest(ctx, dom, organizer.ID, id)
		}
	}
	if err != nil {
		return "", err
	}
	inv, err := demoJudgeInvite(ctx, dom, organizer.ID, id)
	if err != nil {
		return "", err
	}
	published, err := seedDemoPublished(ctx, dom, organizer.ID)
	if err != nil {
		return "", err
	}
	final, err := ensureDemoFinalRoom(ctx, dom, organizer.ID, id)
	if err != nil {
		return "", err
	}
	finalState, err := demoFinalStateOf(ctx, dom, final)
	if err != nil {
		return "", err
	}
	advanced, err := demoAdvancedEntrant(ctx, dom, id)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Contest:    %s/contests/%s  (public home page; %s)\n", baseURL, demoSlug, "2026年丹东市创新创业大赛（演示）")
	fmt.Fprintf(&b, "Results:    %s/results/%s  (the published rounds' results and who advanced)\n", baseURL, demoSlug)
	fmt.Fprintf(&b, "Organizer:  %s/login  %s / %s  (then %s/organizer/contests/%d)\n", baseURL, demoOrganizerEmail, demoPassword, baseURL, id)
	fmt.Fprintf(&b, "Entrant:    %s/login  %s / %s  (an entry that advanced to the semifinal)\n", baseURL, advanced, demoPassword)
	fmt.Fprintf(&b, "Newcomer:   %s/login  %s / %s  (an entrant without an entry yet)\n", baseURL, demoEntrantEmail, demoPassword)
	semi, err := demoRoundNamed(ctx, dom, id, demoSemiRound)
	if err != nil {
		return "", err
	}
	work := "the semifinal's sheets to score"
	switch {
	case semi.State != contest.RoundOpen:
		work = "her semifinal sheets, submitted when `--live` completed the semifinal"
	case live && finalState == finalToPlay:
		work = "her semifinal sheets, submitted now as `--live` completes the semifinal"
	}
	fmt.Fprintf(&b, "Judge:      %s/invite/%s  (%s; one-time link, valid for 7 days; %s)\n", baseURL, inv.Token, demoJudge.Name, work)

	fmt.Fprintf(&b, "Review:     %s/organizer/contests/%d/entries?ineligible=1  (an entry failing a national eligibility rule, named there; rejected at review)\n", baseURL, id)
	switch finalState {
	case finalToPlay:
		if live {
			fmt.Fprintf(&b, "Live final: %s/live/%d  (%s, six judges seated; being played now: the semifinal is completed and the final plays, see below)\n",
				baseURL, id, demoLiveRoom)
			break
		}
		fmt.Fprintf(&b, "Live final: %s/live/%d  (%s, six judges seated; its entrants are the semifinal's: `podium demo --live` completes the semifinal and plays the final)\n",
			baseURL, id, demoLiveRoom)
	case finalPlayed:
		fmt.Fprintf(&b, "Live final: %s/live/%d  (played, its results published; to play the story again: `podium demo --reset --live`)\n", baseURL, id)
	default:
		fmt.Fprintf(&b, "Live final: %s/live/%d  (stopped after its draw was committed, it cannot go on; to play the story again: `podium demo --reset --live`)\n", baseURL, id)
	}
	fmt.Fprintf(&b, "Published:  %s/results/%s  (last year's results, final: their publicity period is over; entrant %s / %s sees a result and a receipt)\n",
		baseURL, demoPublishedSlug, demoLiveEntrants[0].email, demoPassword)
	fmt.Fprintf(&b, "Investor:   %s/login  %s / %s  (approved for both contests' showcases; last year's is open: %s/investor/contests/%d/showcase, one request for contact accepted, one waiting)\n",
		baseURL, demoInvestorEmail, demoPassword, baseURL, published)
	fmt.Fprintf(&b, "Reset:      podium demo --reset  (removes the demo contests and seeds fresh ones)\n")
	return b.String(), nil
}

// demoPasswordCost is the bcrypt cost of the demo's accounts (bcrypt.MinCost).
const demoPasswordCost = 4

// seedDemoContest fills the new demo contest: entries, then the preliminary
// judged and published, the semifinal under way.
func seedDemoContest(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	if err := seedDemoEntries(ctx, dom, organizerID, contestID); err != nil {
		return fmt.Errorf("seed demo entries: %w", err)
	}
	if err := seedDemoJudging(ctx, dom, organizerID, contestID); err != nil {
		return fmt.Errorf("seed demo judging: %w", err)
	}
	if err := seedDemoSemifinal(ctx, dom, organizerID, contestID); err != nil {
		return fmt.Errorf("seed demo semifinal: %w", err)
	}
	if err := seedDemoInvestor(ctx, dom, organizerID, contestID); err != nil {
		return err
	}
	// Registration is over, the preliminary long done, the semifinal under
	// way, the final in three weeks: the contest's dates as the story has them.
	c, err := dom.Contests.Contest(ctx, contestID)
	if err != nil {
		return err
	}
	setup := c.Setup
	at := func(days int) *time.Time {
		t := time.Now().UTC().Truncate(time.Hour).AddDate(0, 0, days)
		return &t
	}
	setup.RegistrationOpensAt, setup.SubmissionDeadline = at(-100), at(-70)
	dates := map[string][2]int{demoRound: {-60, -45}, demoSemiRound: {-10, 10}, "final": {21, 22}}
	for i, r := range setup.Rounds {
		setup.Rounds[i].OpensAt, setup.Rounds[i].ClosesAt = at(dates[r.Key][0]), at(dates[r.Key][1])
	}
	if _, err := dom.Contests.UpdateContest(ctx, organizerID, contestID, setup); err != nil {
		return fmt.Errorf("close the demo registration: %w", err)
	}
	return nil
}

// demoAdvancedEntrant is the login of a generated entrant whose entry
// advanced from the preliminary.
func demoAdvancedEntrant(ctx context.Context, dom *Domain, contestID int64) (string, error) {
	var email string
	err := dom.DB.GetContext(ctx, &email, `
		SELECT a.email FROM results r JOIN rounds ro ON ro.id = r.round_id JOIN entries e ON e.id = r.entry_id
		JOIN accounts a ON a.id = e.account_id
		WHERE ro.contest_id = $1 AND ro.key = $2 AND r.advanced ORDER BY r.rank, e.id LIMIT 1`, contestID, demoRound)
	if err != nil {
		return "", fmt.Errorf("an advanced demo entrant: %w", err)
	}
	return email, nil
}

func ensureAccount(ctx context.Context, dom *Domain, n access.NewAccount) (access.Account, error) {
	acct, err := dom.Accounts.CreateAccount(ctx, n)
	if fault.ErrorCode(err) == fault.CodeConflict {
		return dom.Accounts.Authenticate(ctx, n.Email, n.Password)
	}
	return acct, err
}

// demoSetup is the demo's contest, modelled on the Dandong S&T bureau's
// (丹东市科学技术局) annual 创新创业大赛: seven tracks, the national contest's
// groups (初创组 and 成长组 for companies, 团队组), an online preliminary, an
// online semifinal and a live final.
func demoSetup(now time.Time) contest.Setup {
	at := func(days int) *time.Time {
		t := now.UTC().Truncate(time.Hour).AddDate(0, 0, days)
		return &t
	}
	two := 2
	rubric := []contest.Criterion{
		{Key: "tech", NameZh: "技术与产品", NameEn: "Technology and product", DescriptionZh: "技术先进性、创新性、知识产权", Max: 3000, Step: 50},
		{Key: "market", NameZh: "市场与商业模式", NameEn: "Market and business model", DescriptionZh: "市场规模、竞争优势、商业模式可行性", Max: 2500, Step: 50},
		{Key: "team", NameZh: "团队", NameEn: "Team", DescriptionZh: "核心团队能力、结构与执行力", Max: 2000, Step: 50},
		{Key: "finance", NameZh: "财务与融资", NameEn: "Finance and funding", DescriptionZh: "财务状况、融资计划与资金使用", Max: 1500, Step: 50},
		{Key: "impact", NameZh: "社会效益", NameEn: "Social impact", DescriptionZh: "就业带动、产业带动与社会价值", Max: 1000, Step: 50},
	}
	return contest.Setup{
		Slug: demoSlug, NameZh: "2026年丹东市创新创业大赛（演示）", NameEn: "2026 Dandong Innovation and Entrepreneurship Contest (demo)",
		Description: "演示大赛，仿照丹东市科学技术局主办的年度创新创业大赛：七个赛道，初赛、复赛网评，决赛现场路演；" +
			"优秀项目推荐参加省赛和国赛。参赛单位、项目与专家均为生成的演示数据。",
		RegistrationOpensAt: at(-7), SubmissionDeadline: at(21),
		Tracks: []contest.Category{
			{Key: "manufacturing", NameZh: "智能制造", NameEn: "Smart manufacturing"},
			{Key: "materials", NameZh: "新材料", NameEn: "New materials"},
			{Key: "biomed", NameZh: "生物医药", NameEn: "Biomedicine"},
			{Key: "instruments", NameZh: "仪器仪表", NameEn: "Instruments and meters"},
			{Key: "textiles", NameZh: "防护纺织", NameEn: "Protective textiles"},
			{Key: "agriculture", NameZh: "现代农业", NameEn: "Modern agriculture"},
			{Key: "medtech", NameZh: "医疗科技", NameEn: "Medical technology"},
		},
		Groups: []contest.Category{
			{Key: "startup", NameZh: "初创组", NameEn: "Startup companies"},
			{Key: "growth", NameZh: "成长组", NameEn: "Growth companies"},
			{Key: "team", NameZh: "团队组", NameEn: "Teams"},
		},
		Rounds: []contest.Round{
			{Key: "prelim", NameZh: "初赛（网评）", NameEn: "Preliminary (online)", Kind: contest.KindOnline, Method: "mean",
				ReviewsPerEntry: 3, AdvanceCount: &two, TieBreak: []string{"tech", "market"},
				Quotas:  []contest.Quota{{Track: "manufacturing", Group: "growth", Count: 3}, {Track: "materials", Group: "growth", Count: 3}},
				OpensAt: at(22), ClosesAt: at(32), Criteria: rubric},
			{Key: "semi", NameZh: "复赛（网评）", NameEn: "Semifinal (online)", Kind: contest.KindOnline, Method: "mean",
				ReviewsPerEntry: 3, TieBreak: []string{"tech"}, Quotas: demoFinalSeats,
				OpensAt: at(35), ClosesAt: at(42), Criteria: rubric},
			{Key: "final", NameZh: "决赛（现场路演）", NameEn: "Final (live roadshow)", Kind: contest.KindLive, Method: "trimmed",
				ReviewsPerEntry: 7, TieBreak: []string{"tech"},
				OpensAt: at(49), ClosesAt: at(50), Criteria: rubric},
		},
		Awards: []contest.AwardQuota{
			{Group: "startup", Level: "first", Count: 1}, {Group: "startup", Level: "second", Count: 2},
			{Group: "startup", Level: "third", Count: 3}, {Group: "startup", Level: "honorable", Count: 5},
			{Group: "growth", Level: "first", Count: 1}, {Group: "growth", Level: "second", Count: 2},
			{Group: "growth", Level: "third", Count: 3}, {Group: "growth", Level: "honorable", Count: 5},
			{Group: "team", Level: "first", Count: 1}, {Group: "team", Level: "second", Count: 2},
			{Group: "team", Level: "third", Count: 3}, {Group: "team", Level: "honorable", Count: 5},
		},
	}
}

// demoFinalSeats are the semifinal's quotas: the final's seven places, one
// per track, each in the group named for it (the pools not named send
// nobody), so that one room hears every track.
var demoFinalSeats = []contest.Quota{
	{Track: "manufacturing", Group: "growth", Count: 1}, {Track: "materials", Group: "growth", Count: 1},
	{Track: "biomed", Group: "startup", Count: 1}, {Track: "instruments", Group: "startup", Count: 1},
	{Track: "textiles", Group: "team", Count: 1}, {Track: "agriculture", Group: "team", Count: 1},
	{Track: "medtech", Group: "growth", Count: 1},
}

// demoEntrant is one seeded entrant with an entry.
type demoEntrant struct {
	email, person string
	org           entry.OrganizationInput
	entry         entry.Input
	plan          []string // the business plan's lines
	submit        bool
	// revised, when set, are the company's facts as the entrant corrects
	// them after submitting (the review checks the current facts).
	revised *entry.CompanyFacts
}

var demoEntrants = []demoEntrant{
	{"xinghe@demo.podium.local", "陈星",
		entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "星河新材料科技有限公司", USCC: "914403001922038216", ContactName: "陈星", ContactPhone: "13800138001",
			Members:      []entry.Member{{Name: "陈星", Role: "总经理"}, {Name: "刘洋", Role: "技术总监"}},
			CompanyFacts: demoCompany("2016-05-18", 3000, 8600, "GR202221000417")},
		entry.Input{Track: "materials", Group: "growth", Title: "高导热石墨烯散热膜",
			Fields: entry.Fields{Summary: "面向 5G 基站与新能源汽车电控的高导热石墨烯散热膜，导热系数达 1500 W/mK。", Stage: "revenue",
				Technology: "低温还原与连续卷对卷成膜工艺，已获发明专利 6 项。", Market: "国内散热材料市场规模约 300 亿元，年增速 15%。",
				Team: "核心团队 12 人，其中博士 4 人。", Financing: "已完成天使轮 2000 万元，拟融资 A 轮 8000 万元。"}},
		[]string{"高导热石墨烯散热膜 商业计划书", "一、项目概述：面向 5G 基站与新能源汽车电控的散热材料。", "二、核心技术：低温还原与连续卷对卷成膜工艺。", "三、市场分析：年增速 15%。"}, true, nil},
	{"shijue@demo.podium.local", "赵敏",
		entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "鹰眼智能装备有限公司", USCC: "91440300708461136T", ContactName: "赵敏", ContactEmail: "zhao@demo.podium.local",
			Members: []entry.Member{{Name: "赵敏", Role: "CEO"}}, CompanyFacts: demoCompany("startup", 200, 35, "")},
		entry.Input{Track: "manufacturing", Group: "startup", Title: "工业视觉缺陷检测平台",
			Fields: entry.Fields{Summary: "基于小样本学习的产线视觉质检平台，漏检率低于 0.1%。", Stage: "pilot"}},
		[]string{"工业视觉缺陷检测平台 商业计划书", "项目已在三家汽车零部件工厂试点。"}, true, nil},
	{"jiyin@demo.podium.local", "孙悦",
		entry.OrganizationInput{Kind: entry.OrgTeam, Name: "绿种基因团队", ContactName: "孙悦", ContactPhone: "13800138003",
			Members: []entry.Member{{Name: "孙悦", Role: "队长"}, {Name: "周航", Role: "研究员"}}},
		entry.Input{Track: "agriculture", Group: "team", Title: "抗旱水稻基因编辑育种",
			Fields: entry.Fields{Summary: "利用碱基编辑培育抗旱水稻新品系，节水 30%。", Stage: "prototype"}},
		[]string{"抗旱水稻基因编辑育种 项目计划书", "节水 30%，产量持平。"}, true, nil},
	{"rouxing@demo.podium.local", "吴桐",
		entry.OrganizationInput{Kind: entry.OrgTeam, Name: "灵动机器人团队", ContactName: "吴桐", ContactPhone: "13800138004",
			Members: []entry.Member{{Name: "吴桐", Role: "队长"}}},
		entry.Input{Track: "manufacturing", Group: "team", Title: "软体抓取机器人",
			Fields: entry.Fields{Summary: "用于生鲜分拣的软体抓手，破损率降低 80%。", Stage: "prototype"}},
		// This plan names its team: the demo shows the identity-leak flag.
		[]string{"软体抓取机器人 计划书", "编写：灵动机器人团队 吴桐", "破损率降低 80%。"}, true, nil},
	// Eligible when it submitted; then last year's audited revenue came in
	// above the national limit of 2亿元, the entrant corrected the profile,
	// and the review rejected the entry under that rule.
	{"beichen@demo.podium.local", "许卫东",
		entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "北辰精密仪器有限公司", USCC: "91210603MA0T4B2N6Q", ContactName: "许卫东", ContactPhone: "13800138006",
			Members:      []entry.Member{{Name: "许卫东", Role: "董事长"}},
			CompanyFacts: demoBeichenFacts},
		entry.Input{Track: "instruments", Group: "growth", Title: "高精度激光干涉测量仪",
			Fields: entry.Fields{Summary: "纳米级激光干涉测量仪，用于数控机床与半导体设备的精度校准。", Stage: "revenue"}},
		[]string{"高精度激光干涉测量仪 商业计划书", "产品已批量供货国内二十余家机床厂。"}, true, demoRevenue(demoBeichenFacts, 23600)},
	{"xinpian@demo.podium.local", "郑凯",
		entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "芯算微电子有限公司", USCC: "91330100799655058B", ContactName: "郑凯", ContactPhone: "13800138005",
			CompanyFacts: demoCompany("startup", 100, 0, "")},
		entry.Input{Track: "instruments", Group: "startup", Title: "边缘 AI 推理芯片",
			Fields: entry.Fields{Summary: "低功耗边缘推理芯片，能效比 10 TOPS/W。", Stage: "prototype"}},
		[]string{"边缘 AI 推理芯片 商业计划书（草稿）"}, false, nil},
}

// demoIneligibleReason is the reason the review gives the entry that fails
// the revenue rule.
const demoIneligibleReason = "上一年度营业收入 2.36 亿元，超过国赛成长组 2 亿元的上限，不符合参赛条件。"

// demoBeichenFacts are 北辰精密仪器's facts as it submitted them: a growth
// company with a tech-SME number, revenue 1.85亿元.
var demoBeichenFacts = func() entry.CompanyFacts {
	f := demoCompany("2012-09-03", 5000, 18500, "")
	f.TechSMENumber = fmt.Sprintf("%d210603A0012345", time.Now().Year()-1)
	return f
}()

// demoRevenue is a company's facts with another revenue, in 万元.
func demoRevenue(f entry.CompanyFacts, revenueWan int64) *entry.CompanyFacts {
	revenue := revenueWan * 10_000
	f.RevenuePrevYear = &revenue
	return &f
}

// demoCompany is a company's facts: established on day ("startup": in the
// startup group's years), capital and last year's revenue in 万元, a
// high-tech certificate number.
func demoCompany(day string, capitalWan, revenueWan int64, highTech string) entry.CompanyFacts {
	if day == "startup" {
		day = time.Date(time.Now().Year()-1, time.March, 15, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	capital, revenue := capitalWan*10_000, revenueWan*10_000
	return entry.CompanyFacts{EstablishedOn: day, RegisteredCapital: &capital, RevenuePrevYear: &revenue, HighTechCertNumber: highTech}
}

// seedDemoEntries gives the new demo contest the national eligibility rules
// and its entrants and entries (the six written by hand, then the
// generated ones), with small generated business plans, most of them
// submitted.
func seedDemoEntries(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	year := time.Now().Year()
	preset, _ := eligibility.PresetByID(fmt.Sprintf("national-%d", year))
	set := preset.Set
	if set.Preset == "" { // a year whose rules do not ship: the same rules, unnamed
		set = eligibility.National(year).Set
		set.Preset = ""
	}
	set.ReferenceYear, set.StartupGroup, set.GrowthGroup = year, "startup", "growth"
	if _, err := dom.Entries.SetEligibilityRules(ctx, organizerID, contestID, set); err != nil {
		return fmt.Errorf("eligibility rules: %w", err)
	}
	all := slices.Clone(demoEntrants)
	for _, g := range demoGenerate(year) {
		all = append(all, g.demoEntrant)
	}
	for _, d := range all {
		if err := seedDemoEntrant(ctx, dom, contestID, d); err != nil {
			return err
		}
	}
	return nil
}

func seedDemoEntrant(ctx context.Context, dom *Domain, contestID int64, d demoEntrant) error {
	acct, err := ensureAccount(ctx, dom, access.NewAccount{Role: access.RoleEntrant, Email: d.email, DisplayName: d.person, Password: demoPassword})
	if err != nil {
		return err
	}
	if _, err := dom.Entries.SaveOrganization(ctx, acct.ID, d.org); err != nil {
		return fmt.Errorf("profile of %s: %w", d.email, err)
	}
	ent, err := dom.Entries.CreateEntry(ctx, acct.ID, contestID, d.entry)
	if err != nil {
		return fmt.Errorf("entry %s: %w", d.entry.Title, err)
	}
	pdf := pdftext.Generate(d.plan)
	if err := dom.Entries.AcceptUpload(ctx, acct.ID, ent.ID, entry.NewUpload{Kind: entry.UploadBusinessPlan,
		Name: d.entry.Title + " 商业计划书.pdf", File: bytes.NewReader(pdf), Size: int64(len(pdf))}); err != nil {
		return fmt.Errorf("business plan of %s: %w", d.entry.Title, err)
	}
	if d.submit {
		if _, err := dom.Entries.SubmitEntry(ctx, acct.ID, ent.ID, true); err != nil {
			return fmt.Errorf("submit %s: %w", d.entry.Title, err)
		}
	}
	if d.revised != nil {
		org := d.org
		org.CompanyFacts = *d.revised
		if _, err := dom.Entries.SaveOrganization(ctx, acct.ID, org); err != nil {
			return fmt.Errorf("corrected profile of %s: %w", d.email, err)
		}
	}
	return nil
}
