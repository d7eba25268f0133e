package main

import (
	"context"
	"fmt"
	"time"

	"podium/contest"
	"podium/contest/judging"
	"podium/contest/results"
	"podium/fault"
	"podium/files/filecheck"
)

// The demo's published contest: last year's, whose final results are in
// their publicity period (公示期), so that a newcomer sees the public results
// page, files an objection, handles it as the organizer, and reads an
// entrant's result with its receipt.
const (
	demoPublishedSlug  = "demo-2025"
	demoPublishedRound = "final"
	demoPublishedDays  = 7
)

// demoPublishedExperts is last year's panel: five, so that the trimmed mean
// drops one highest and one lowest total of every entry.
var demoPublishedExperts = []demoExpert{
	{judging.ExpertInput{Name: "陈立新", Organization: "丹东市科学技术协会", Title: "研究员", Email: "chen.lixin@demo.podium.local"}, 0.03},
	{judging.ExpertInput{Name: "杨晓燕", Organization: "辽宁科技学院", Title: "教授", Email: "yang.xiaoyan@demo.podium.local"}, -0.02},
	{judging.ExpertInput{Name: "赵国栋", Organization: "丹东产业投资发展集团", Title: "合伙人", Email: "zhao.guodong@demo.podium.local"}, 0.05},
	{judging.ExpertInput{Name: "孙雅琴", Organization: "丹东市生产力促进中心", Title: "高级工程师", Email: "sun.yaqin@demo.podium.local"}, 0},
	{judging.ExpertInput{Name: "钱伟", Organization: "辽东学院经济管理学院", Title: "副教授", Email: "qian.wei@demo.podium.local"}, -0.04},
}

// demoPublishedSetup is last year's contest: one online final, prizes per group.
func demoPublishedSetup(now time.Time) contest.Setup {
	s := demoSetup(now)
	s.Slug = demoPublishedSlug
	s.NameZh, s.NameEn = "2025年丹东市创新创业大赛（演示）", "2025 Dandong Innovation and Entrepreneurship Contest (demo)"
	s.Description = "演示：上一届大赛，决赛成绩正在公示，公示期内可实名提出异议。"
	s.Entry.RequiredUploads = []filecheck.Kind{}
	final := s.Rounds[2]
	final.Kind, final.NameZh, final.NameEn = contest.KindOnline, "决赛（网评）", "Final (online)"
	final.ReviewsPerEntry, final.FinalWeight = len(demoPublishedExperts), 0
	s.Rounds = []contest.Round{final}
	s.Awards = []contest.AwardQuota{
		{Group: "growth", Level: "first", Count: 1}, {Group: "growth", Level: "second", Count: 1},
		{Group: "growth", Level: "third", Count: 2},
		{Group: "team", Level: "first", Count: 1}, {Group: "team", Level: "second", Count: 1},
	}
	return s
}

// seedDemoPublished creates and publishes last year's contest unless it
// exists; it returns the contest's id.
func seedDemoPublished(ctx context.Context, dom *Domain, organizerID int64) (int64, error) {
	id, err := dom.Contests.ContestIDBySlug(ctx, demoPublishedSlug)
	if fault.ErrorCode(err) != fault.CodeNotFound {
		return id, err
	}
	c, err := dom.Contests.CreateContest(ctx, organizerID, demoPublishedSetup(time.Now()))
	if err != nil {
		return 0, fmt.Errorf("create the published demo contest: %w", err)
	}
	ids, err := seedDemoLiveEntrants(ctx, dom, organizerID, c.ID)
	if err != nil {
		return 0, err
	}
	quality := map[int64]float64{}
	for i, id := range ids {
		quality[id] = demoLiveEntrants[i].quality
	}
	panel := make([]int64, len(demoPublishedExperts))
	leniency := map[int64]float64{}
	for i, d := range demoPublishedExperts {
		x, err := dom.Judging.SaveExpert(ctx, organizerID, d.ExpertInput)
		if err != nil {
			return 0, fmt.Errorf("expert %s: %w", d.Name, err)
		}
		panel[i], leniency[x.ID] = x.ID, d.leniency
	}
	if err := dom.Judging.SetPanel(ctx, organizerID, c.ID, demoPublishedRound, panel); err != nil {
		return 0, fmt.Errorf("panel: %w", err)
	}
	run, err := dom.Judging.StartAssignment(ctx, organizerID, c.ID, demoPublishedRound, demoAssignmentSeed)
	if err == nil {
		_, err = dom.Judging.RunAssignment(ctx, organizerID, c.ID, demoPublishedRound, run.ID)
	}
	if err != nil {
		return 0, fmt.Errorf("assign the panel: %w", err)
	}
	if err := dom.Judging.SetRoundState(ctx, organizerID, c.ID, demoPublishedRound, contest.RoundOpen); err != nil {
		return 0, err
	}
	list, err := dom.Judging.Assignments(ctx, c.ID, demoPublishedRound)
	if err != nil {
		return 0, err
	}
	judges := map[int64]int64{} // expert → account
	for _, a := range list {
		if a.State != "active" {
			continue
		}
		if _, ok := judges[a.ExpertID]; !ok {
			inv, err := dom.Judging.InviteExpert(ctx, organizerID, c.ID, a.ExpertID)
			if err != nil {
				return 0, err
			}
			judges[a.ExpertID] = inv.AccountID
		}
		in := demoSheet(c.Rounds[0].Criteria, demoReview{quality: quality[a.EntryID]}, leniency[a.ExpertID], a)
		if err := submitDemoSheet(ctx, dom, judges[a.ExpertID], a.ID, in); err != nil {
			return 0, fmt.Errorf("sheet %d: %w", a.ID, err)
		}
	}
	if err := dom.Judging.SetRoundState(ctx, organizerID, c.ID, demoPublishedRound, contest.RoundClosed); err != nil {
		return 0, err
	}
	// Prizes as planned; an entry tied across a level boundary gets the better level.
	if err := confirmDemoAwards(ctx, dom, organizerID, c.ID, demoPublishedRound); err != nil {
		return 0, err
	}
	if _, _, err := dom.Results.Publish(ctx, organizerID, c.ID, demoPublishedRound, results.PublishOptions{PeriodDays: demoPublishedDays}); err != nil {
		return 0, fmt.Errorf("publish the demo results: %w", err)
	}
	// Registration is long over: no newcomer enters last year's contest.
	past := func(days int) *time.Time {
		t := time.Now().UTC().Truncate(time.Hour).AddDate(0, 0, days)
		return &t
	}
	setup := c.Setup
	setup.RegistrationOpensAt, setup.SubmissionDeadline = past(-60), past(-30)
	if _, err := dom.Contests.UpdateContest(ctx, organizerID, c.ID, setup); err != nil {
		return 0, fmt.Errorf("close the demo registration: %w", err)
	}
	if err := seedDemoNominations(ctx, dom, organizerID, c.ID); err != nil {
		return 0, err
	}
	return c.ID, nil
}
