package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"podium/contest"
)

// Demo logins, printed when the demo starts. They exist only in a demo database.
const (
	demoOrganizerEmail = "organizer@demo.podium.local"
	demoEntrantEmail   = "entrant@demo.podium.local"
	demoPassword       = "podium-demo-2026"
	demoSlug           = "demo-2026"
)

// seedDemo creates the demo accounts and contest unless they exist, issues a fresh
// judge invite link, and returns the text that tells a person how to log in.
func seedDemo(ctx context.Context, store *contest.Store, baseURL string) (string, error) {
	organizer, err := ensureAccount(ctx, store, contest.NewAccount{
		Role: contest.RoleOrganizer, Email: demoOrganizerEmail, DisplayName: "演示组织方", Password: demoPassword,
	})
	if err != nil {
		return "", err
	}
	if _, err := ensureAccount(ctx, store, contest.NewAccount{
		Role: contest.RoleEntrant, Email: demoEntrantEmail, DisplayName: "演示参赛者", Password: demoPassword,
	}); err != nil {
		return "", err
	}
	id, err := store.ContestIDBySlug(ctx, demoSlug)
	if contest.ErrorCode(err) == contest.CodeNotFound {
		var c contest.Contest
		c, err = store.CreateContest(ctx, organizer.ID, demoSetup(store.Now()))
		id = c.ID
	}
	if err != nil {
		return "", err
	}
	inv, err := store.CreateInvite(ctx, organizer.ID, id, contest.NewJudge{DisplayName: "演示评委", Email: "judge@demo.podium.local"})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Organizer:  %s / %s\n", demoOrganizerEmail, demoPassword)
	fmt.Fprintf(&b, "Entrant:    %s / %s\n", demoEntrantEmail, demoPassword)
	fmt.Fprintf(&b, "Judge:      %s/invite/%s  (one-time link, valid for 7 days)\n", baseURL, inv.Token)
	return b.String(), nil
}

func ensureAccount(ctx context.Context, store *contest.Store, n contest.NewAccount) (contest.Account, error) {
	acct, err := store.CreateAccount(ctx, n)
	if contest.ErrorCode(err) == contest.CodeConflict {
		return store.Authenticate(ctx, n.Email, n.Password)
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
