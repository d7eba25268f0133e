package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/entry"
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

// seedDemo creates the demo accounts and contest unless they exist, issues a fresh
// invite link for the demo judge, and returns the text that tells a person how
// to log in.
func seedDemo(ctx context.Context, dom *Domain, baseURL string) (string, error) {
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
	if _, err := seedDemoPublished(ctx, dom, organizer.ID); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Organizer:  %s / %s\n", demoOrganizerEmail, demoPassword)
	fmt.Fprintf(&b, "Entrant:    %s / %s\n", demoEntrantEmail, demoPassword)
	fmt.Fprintf(&b, "Judge:      %s/invite/%s  (%s; one-time link, valid for 7 days)\n", baseURL, inv.Token, demoJudge.Name)
	fmt.Fprintf(&b, "Published:  %s/results/%s  (last year's results in their publicity period; entrant %s / %s sees a result and a receipt)\n",
		baseURL, demoPublishedSlug, demoLiveEntrants[0].email, demoPassword)
	return b.String(), nil
}

// seedDemoContest fills the new demo contest: entries, then the preliminary
// round's judging under way.
func seedDemoContest(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	if err := seedDemoEntries(ctx, dom, contestID); err != nil {
		return fmt.Errorf("seed demo entries: %w", err)
	}
	if err := seedDemoJudging(ctx, dom, organizerID, contestID); err != nil {
		return fmt.Errorf("seed demo judging: %w", err)
	}
	return nil
}

func ensureAccount(ctx context.Context, dom *Domain, n access.NewAccount) (access.Account, error) {
	acct, err := dom.Accounts.CreateAccount(ctx, n)
	if fault.ErrorCode(err) == fault.CodeConflict {
		return dom.Accounts.Authenticate(ctx, n.Email, n.Password)
	}
	return acct, err
}

// demoSetup is a realistic city contest: four tracks, two groups, three rounds.
func demoSetup(now time.Time) contest.Setup {
	at := func(days int) *time.Time {
		t := now.UTC().Truncate(time.Hour).AddDate(0, 0, days)
		return &t
	}
	ten, thirty := 10, 30
	rubric := []contest.Criterion{
		{Key: "tech", NameZh: "技术与产品", NameEn: "Technology and product", DescriptionZh: "技术先进性、创新性、知识产权", Max: 3000, Step: 50},
		{Key: "market", NameZh: "市场与商业模式", NameEn: "Market and business model", DescriptionZh: "市场规模、竞争优势、商业模式可行性", Max: 2500, Step: 50},
		{Key: "team", NameZh: "团队", NameEn: "Team", DescriptionZh: "核心团队能力、结构与执行力", Max: 2000, Step: 50},
		{Key: "finance", NameZh: "财务与融资", NameEn: "Finance and funding", DescriptionZh: "财务状况、融资计划与资金使用", Max: 1500, Step: 50},
		{Key: "impact", NameZh: "社会效益", NameEn: "Social impact", DescriptionZh: "就业带动、产业带动与社会价值", Max: 1000, Step: 50},
	}
	return contest.Setup{
		Slug: demoSlug, NameZh: "2026年示范市创新创业大赛", NameEn: "2026 Demo City Innovation and Entrepreneurship Contest",
		Description:         "演示大赛：由市科学技术局主办，优秀项目推荐参加省赛和国赛。",
		RegistrationOpensAt: at(-7), SubmissionDeadline: at(21),
		Tracks: []contest.Category{
			{Key: "manufacturing", NameZh: "智能制造", NameEn: "Smart manufacturing"},
			{Key: "materials", NameZh: "新材料", NameEn: "New materials"},
			{Key: "biomed", NameZh: "生物医药", NameEn: "Biomedicine"},
			{Key: "it", NameZh: "电子信息", NameEn: "Electronics and IT"},
		},
		Groups: []contest.Category{
			{Key: "enterprise", NameZh: "企业组", NameEn: "Enterprise"},
			{Key: "team", NameZh: "团队组", NameEn: "Team"},
		},
		Rounds: []contest.Round{
			{Key: "prelim", NameZh: "初赛（网评）", NameEn: "Preliminary (online)", Kind: contest.KindOnline, Method: "trimmed",
				ReviewsPerEntry: 5, AdvancePercent: &thirty, FinalWeight: 30, TieBreak: []string{"tech", "market"},
				OpensAt: at(22), ClosesAt: at(32), Criteria: rubric},
			{Key: "semi", NameZh: "复赛", NameEn: "Semifinal", Kind: contest.KindOnline, Method: "zscore",
				ReviewsPerEntry: 7, AdvanceCount: &ten, TieBreak: []string{"tech"},
				OpensAt: at(35), ClosesAt: at(42), Criteria: rubric},
			{Key: "final", NameZh: "决赛（现场路演）", NameEn: "Final (live roadshow)", Kind: contest.KindLive, Method: "trimmed",
				ReviewsPerEntry: 7, FinalWeight: 70, TieBreak: []string{"tech"},
				OpensAt: at(49), ClosesAt: at(50), Criteria: rubric},
		},
		Awards: []contest.AwardQuota{
			{Group: "enterprise", Level: "first", Count: 1}, {Group: "enterprise", Level: "second", Count: 2},
			{Group: "enterprise", Level: "third", Count: 3}, {Group: "enterprise", Level: "honorable", Count: 10},
			{Group: "team", Level: "first", Count: 1}, {Group: "team", Level: "second", Count: 2},
			{Group: "team", Level: "third", Count: 3}, {Group: "team", Level: "honorable", Count: 10},
		},
	}
}

// demoEntrant is one seeded entrant with an entry.
type demoEntrant struct {
	email, person string
	org           entry.OrganizationInput
	entry         entry.Input
	plan          []string // the business plan's lines
	submit        bool
}

var demoEntrants = []demoEntrant{
	{"xinghe@demo.podium.local", "陈星",
		entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "星河新材料科技有限公司", USCC: "914403001922038216", ContactName: "陈星", ContactPhone: "13800138001",
			Members: []entry.Member{{Name: "陈星", Role: "总经理"}, {Name: "刘洋", Role: "技术总监"}}},
		entry.Input{Track: "materials", Group: "enterprise", Title: "高导热石墨烯散热膜",
			Fields: entry.Fields{Summary: "面向 5G 基站与新能源汽车电控的高导热石墨烯散热膜，导热系数达 1500 W/mK。", Stage: "revenue",
				Technology: "低温还原与连续卷对卷成膜工艺，已获发明专利 6 项。", Market: "国内散热材料市场规模约 300 亿元，年增速 15%。",
				Team: "核心团队 12 人，其中博士 4 人。", Financing: "已完成天使轮 2000 万元，拟融资 A 轮 8000 万元。"}},
		[]string{"高导热石墨烯散热膜 商业计划书", "一、项目概述：面向 5G 基站与新能源汽车电控的散热材料。", "二、核心技术：低温还原与连续卷对卷成膜工艺。", "三、市场分析：年增速 15%。"}, true},
	{"shijue@demo.podium.local", "赵敏",
		entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "鹰眼智能装备有限公司", USCC: "91440300708461136T", ContactName: "赵敏", ContactEmail: "zhao@demo.podium.local",
			Members: []entry.Member{{Name: "赵敏", Role: "CEO"}}},
		entry.Input{Track: "manufacturing", Group: "enterprise", Title: "工业视觉缺陷检测平台",
			Fields: entry.Fields{Summary: "基于小样本学习的产线视觉质检平台，漏检率低于 0.1%。", Stage: "pilot"}},
		[]string{"工业视觉缺陷检测平台 商业计划书", "项目已在三家汽车零部件工厂试点。"}, true},
	{"jiyin@demo.podium.local", "孙悦",
		entry.OrganizationInput{Kind: entry.OrgTeam, Name: "绿种基因团队", ContactName: "孙悦", ContactPhone: "13800138003",
			Members: []entry.Member{{Name: "孙悦", Role: "队长"}, {Name: "周航", Role: "研究员"}}},
		entry.Input{Track: "biomed", Group: "team", Title: "抗旱水稻基因编辑育种",
			Fields: entry.Fields{Summary: "利用碱基编辑培育抗旱水稻新品系，节水 30%。", Stage: "prototype"}},
		[]string{"抗旱水稻基因编辑育种 项目计划书", "节水 30%，产量持平。"}, true},
	{"rouxing@demo.podium.local", "吴桐",
		entry.OrganizationInput{Kind: entry.OrgTeam, Name: "灵动机器人团队", ContactName: "吴桐", ContactPhone: "13800138004",
			Members: []entry.Member{{Name: "吴桐", Role: "队长"}}},
		entry.Input{Track: "manufacturing", Group: "team", Title: "软体抓取机器人",
			Fields: entry.Fields{Summary: "用于生鲜分拣的软体抓手，破损率降低 80%。", Stage: "prototype"}},
		// This plan names its team: the demo shows the identity-leak flag.
		[]string{"软体抓取机器人 计划书", "编写：灵动机器人团队 吴桐", "破损率降低 80%。"}, true},
	{"xinpian@demo.podium.local", "郑凯",
		entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "芯算微电子有限公司", USCC: "91330100799655058B", ContactName: "郑凯", ContactPhone: "13800138005"},
		entry.Input{Track: "it", Group: "enterprise", Title: "边缘 AI 推理芯片",
			Fields: entry.Fields{Summary: "低功耗边缘推理芯片，能效比 10 TOPS/W。", Stage: "prototype"}},
		[]string{"边缘 AI 推理芯片 商业计划书（草稿）"}, false},
}

// seedDemoEntries gives the new demo contest entrants and entries, with small
// generated business plans, most of them submitted.
func seedDemoEntries(ctx context.Context, dom *Domain, contestID int64) error {
	for _, d := range demoEntrants {
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
	}
	return nil
}
