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

// The demo's published contest: last year's, whose final results were
// published a month before the demo is seeded and whose publicity period
// (公示期) ended without objection, so that its results are final: a newcomer
// sees the public results page, reads an entrant's result with its receipt,
// and the investor showcase (open once results are final) has entries in it.
const (
	demoPublishedSlug  = "demo-2025"
	demoPublishedRound = "final"
	demoPublishedDays  = 7
	// demoPublishedAgo is how long before seeding last year's contest was
	// judged and published: its publicity period ended demoPublishedAgo −
	// demoPublishedDays ago.
	demoPublishedAgo = 30 * 24 * time.Hour
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
	s.Description = "演示：上一届大赛，决赛成绩公示期已满、无异议，成绩为最终结果；部分决赛项目已进入投资对接展示。"
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
// exists, and opens its investor showcase; it returns the contest's id.
// Everything up to the nominations happens demoPublishedAgo before now,
// through the same use cases on a clock set back (so its records carry those
// times and its audit chain verifies); the showcase, which opens only once
// the results are final, is seeded now.
func seedDemoPublished(ctx context.Context, dom *Domain, organizerID int64) (int64, error) {
	id, err := dom.Contests.ContestIDBySlug(ctx, demoPublishedSlug)
	if fault.ErrorCode(err) != fault.CodeNotFound {
		return id, err
	}
	id, entries, err := seedDemoPublishedAt(ctx, demoBackdated(dom, demoPublishedAgo), organizerID)
	if err != nil {
		return 0, err
	}
	if err := seedDemoShowcase(ctx, dom, organizerID, id, entries); err != nil {
		return 0, fmt.Errorf("demo showcase: %w", err)
	}
	return id, nil
}

// demoBackdated is dom on a clock running ago behind the real one: the same
// database and settings, another handle (the server's clock is left alone).
func demoBackdated(dom *Domain, ago time.Duration) *Domain {
	past := newDomain(dom.DB.DB)
	past.DB.Now = func() time.Time { return dom.DB.Now().Add(-ago) }
	past.Accounts.PasswordCost = dom.Accounts.PasswordCost
	past.Entries.FindIdentity, past.Entries.Blobs, past.Entries.Log = dom.Entries.FindIdentity, dom.Entries.Blobs, dom.Entries.Log
	past.Judging.Log = dom.Judging.Log
	past.Onward.Blobs, past.Onward.Log = dom.Onward.Blobs, dom.Onward.Log
	return past
}

// seedDemoPublishedAt is last year's contest as dom's clock has it:
// created, judged, published, its nominations prepared. It returns the
// contest's id and its entries in demoLiveEntrants' order.
func seedDemoPublishedAt(ctx context.Context, dom *Domain, organizerID int64) (int64, []int64, error) {
	c, err := dom.Contests.CreateContest(ctx, organizerID, demoPublishedSetup(dom.DB.Now()))
	if err != nil {
		return 0, nil, fmt.Errorf("create the published demo contest: %w", err)
	}
	ids, err := seedDemoLiveEntrants(ctx, dom, organizerID, c.ID)
	if err != nil {
		return 0, nil, err
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
			return 0, nil, fmt.Errorf("expert %s: %w", d.Name, err)
		}
		panel[i], leniency[x.ID] = x.ID, d.leniency
	}
	if err := dom.Judging.SetPanel(ctx, organizerID, c.ID, demoPublishedRound, panel); err != nil {
		return 0, nil, fmt.Errorf("panel: %w", err)
	}
	run, err := dom.Judging.StartAssignment(ctx, organizerID, c.ID, demoPublishedRound, demoAssignmentSeed)
	if err == nil {
		_, err = dom.Judging.RunAssignment(ctx, organizerID, c.ID, demoPublishedRound, run.ID)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("assign the panel: %w", err)
	}
	if err := dom.Judging.SetRoundState(ctx, organizerID, c.ID, demoPublishedRound, contest.RoundOpen); err != nil {
		return 0, nil, err
	}
	list, err := dom.Judging.Assignments(ctx, c.ID, demoPublishedRound)
	if err != nil {
		return 0, nil, err
	}
	judges := map[int64]int64{} // expert → account
	for _, a := range list {
		if a.State != "active" {
			continue
		}
		if _, ok := judges[a.ExpertID]; !ok {
			inv, err := dom.Judging.InviteExpert(ctx, organizerID, c.ID, a.ExpertID)
			if err != nil {
				return 0, nil, err
			}
			judges[a.ExpertID] = inv.AccountID
		}
		in := demoSheet(c.Rounds[0].Criteria, demoReview{quality: quality[a.EntryID]}, leniency[a.ExpertID], a)
		if err := submitDemoSheet(ctx, dom, judges[a.ExpertID], a.ID, in); err != nil {
			return 0, nil, fmt.Errorf("sheet %d: %w", a.ID, err)
		}
	}
	if err := dom.Judging.SetRoundState(ctx, organizerID, c.ID, demoPublishedRound, contest.RoundClosed); err != nil {
		return 0, nil, err
	}
	// Prizes as planned; an entry tied across a level boundary gets the better level.
	if err := confirmDemoAwards(ctx, dom, organizerID, c.ID, demoPublishedRound); err != nil {
		return 0, nil, err
	}
	if _, _, err := dom.Results.Publish(ctx, organizerID, c.ID, demoPublishedRound, results.PublishOptions{PeriodDays: demoPublishedDays}); err != nil {
		return 0, nil, fmt.Errorf("publish the demo results: %w", err)
	}
	// Registration is long over (no newcomer enters last year's contest),
	// and the final was judged in the days before its publication.
	past := func(days int) *time.Time {
		t := dom.DB.NowUTC().Truncate(time.Hour).AddDate(0, 0, days)
		return &t
	}
	setup := c.Setup
	setup.RegistrationOpensAt, setup.SubmissionDeadline = past(-60), past(-30)
	setup.Rounds[0].OpensAt, setup.Rounds[0].ClosesAt = past(-3), past(-1)
	if _, err := dom.Contests.UpdateContest(ctx, organizerID, c.ID, setup); err != nil {
		return 0, nil, fmt.Errorf("close the demo registration: %w", err)
	}
	if err := seedDemoNominations(ctx, dom, organizerID, c.ID); err != nil {
		return 0, nil, err
	}
	return c.ID, ids, nil
}
