package main

import (
	"context"
	"fmt"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/live"
	"podium/fault"
	"podium/files/filecheck"
)

// The demo's live final is a contest of its own (its one round is live, so
// its entries need no earlier round's advancement): a roadshow in 第一会场,
// played by `podium demo --live`. A final once played (or its draw committed
// by a run that did not live to reveal it) stays as it ended, auditable; the
// next run seeds a fresh one under the next slug (demo-2026-live-2, …).
const (
	demoLiveSlug  = "demo-2026-live"
	demoLiveRound = "final"
	demoLiveRoom  = "第一会场"
)

// demoLiveEntrant is an entrant of the live final, with how the panel sees
// the pitch (the share of each criterion's maximum it earns).
type demoLiveEntrant struct {
	email, person string
	org           entry.OrganizationInput
	track, group  string
	title, pitch  string
	quality       float64
}

func liveOrg(kind entry.OrgKind, name, uscc, person string, phone int) entry.OrganizationInput {
	return entry.OrganizationInput{Kind: kind, Name: name, USCC: uscc, ContactName: person,
		ContactPhone: fmt.Sprintf("139001390%02d", phone)}
}

var demoLiveEntrants = []demoLiveEntrant{
	{"qingneng@demo.podium.local", "何振宇", liveOrg(entry.OrgEnterprise, "丹东氢能动力科技有限公司", "91440300MA5G7K2P0C", "何振宇", 1),
		"manufacturing", "growth", "氢燃料电池金属双极板精密成形", "超薄不锈钢双极板一次冲压成形，良率 98%，成本降低 40%。", 0.84},
	{"anyi@demo.podium.local", "沈佳怡", liveOrg(entry.OrgEnterprise, "安颐智能科技有限公司", "91440300MA5H1R3W1R", "沈佳怡", 2),
		"medtech", "growth", "毫米波雷达独居老人跌倒监测系统", "不用摄像头的居家跌倒监测，误报率低于 1 次/月，已进入 30 家养老机构。", 0.8},
	{"kangyuan@demo.podium.local", "马骁", liveOrg(entry.OrgEnterprise, "康缘生物材料有限公司", "91440300MA5J8N4X50", "马骁", 3),
		"biomed", "growth", "可吸收聚乳酸医用缝合线", "国产可吸收缝合线，降解周期可控，已获二类医疗器械注册证。", 0.76},
	{"naneng@demo.podium.local", "高远", liveOrg(entry.OrgEnterprise, "钠能新材料科技有限公司", "91440300MA5K2T6Q57", "高远", 4),
		"materials", "growth", "钠离子电池层状氧化物正极材料量产", "百吨级产线已投产，循环 3000 次容量保持 90%。", 0.82},
	{"fenghe@demo.podium.local", "罗晓峰", liveOrg(entry.OrgTeam, "丰禾智农团队", "", "罗晓峰", 5),
		"agriculture", "team", "农田病虫害无人机识别与精准施药", "多光谱识别病虫害，按需施药，农药用量减少 35%。", 0.7},
	{"qingyuan@demo.podium.local", "韩雪", liveOrg(entry.OrgTeam, "清源环境材料团队", "", "韩雪", 6),
		"materials", "team", "工业废水重金属吸附新材料", "改性生物炭吸附剂，铅、镉去除率 99%，可再生使用 10 次。", 0.66},
	{"zhiwei@demo.podium.local", "邓磊", liveOrg(entry.OrgEnterprise, "智维工业互联网有限公司", "91440300MA5L9D1B6B", "邓磊", 7),
		"manufacturing", "growth", "中小工厂设备预测性维护平台", "振动与电流数据预测故障，平均提前 7 天预警，停机减少 45%。", 0.74},
}

// demoLiveExperts is the final's panel. 郭振华 advises 钠能新材料 and declares
// it: he sits in the room but does not score that pitch (the board shows the
// seat recused).
var demoLiveExperts = []demoExpert{
	{judging.ExpertInput{Name: "王建国", Organization: "丹东市智能制造研究院", Title: "研究员",
		Fields: []string{"manufacturing", "instruments"}, Email: "wang.jianguo@demo.podium.local"}, -0.04},
	{judging.ExpertInput{Name: "李慧敏", Organization: "辽东学院化学与材料工程学院", Title: "教授",
		Fields: []string{"materials", "biomed"}, Email: "li.huimin@demo.podium.local"}, 0.02},
	{judging.ExpertInput{Name: "刘芳", Organization: "丹东创新投资基金管理有限公司", Title: "投资总监",
		Email: "liu.fang@demo.podium.local"}, 0.05},
	{judging.ExpertInput{Name: "郭振华", Organization: "辽东学院化学化工学院", Title: "教授",
		Fields: []string{"materials"}, Email: "guo.zhenhua@demo.podium.local", Conflicts: []string{"钠能新材料科技有限公司"}}, -0.01},
	{judging.ExpertInput{Name: "黄丽娟", Organization: "丹东市中心医院", Title: "主任医师",
		Fields: []string{"biomed"}, Email: "huang.lijuan@demo.podium.local"}, 0.03},
	{judging.ExpertInput{Name: "周文博", Organization: "丹东市科技创新服务中心", Title: "高级工程师",
		Email: "zhou.wenbo@demo.podium.local"}, 0},
}

// demoLiveSetup is the live final's contest: one live round, short timers
// (20 s of pitch, 10 s of questions) so that a newcomer sees the whole flow.
func demoLiveSetup(slug string, n int, now time.Time) contest.Setup {
	s := demoSetup(now)
	at := func(days int) *time.Time {
		t := now.UTC().Truncate(time.Hour).AddDate(0, 0, days)
		return &t
	}
	s.Slug = slug
	s.NameZh, s.NameEn = "2026年丹东市创新创业大赛（演示）· 决赛", "2026 Dandong Innovation and Entrepreneurship Contest (demo) · Final"
	if n > 1 {
		s.NameZh += fmt.Sprintf("（第%d场）", n)
		s.NameEn += fmt.Sprintf(" (run %d)", n)
	}
	s.Description = "演示现场决赛：路演、答辩、评委现场打分，大屏实时滚动。"
	s.Entry.RequiredUploads = []filecheck.Kind{}
	final := s.Rounds[2]
	final.ReviewsPerEntry, final.FinalWeight = len(demoLiveExperts), 0
	final.OpensAt, final.ClosesAt = at(-1), at(30)
	final.PitchSeconds, final.QASeconds = 20, 10
	s.Rounds = []contest.Round{final}
	s.Awards = nil
	return s
}

// demoLive is the seeded live final: its contest and room.
type demoLive struct {
	ContestID, RoomID int64
	Slug              string
}

// seedDemoLive returns the demo live final to play: the newest one not yet
// played, or a fresh one seeded when every earlier one has been (see
// demoLivePlayable).
func seedDemoLive(ctx context.Context, dom *Domain, organizerID int64) (demoLive, error) {
	for n := 1; n <= 1000; n++ {
		slug := demoLiveSlug
		if n > 1 {
			slug = fmt.Sprintf("%s-%d", demoLiveSlug, n)
		}
		id, err := dom.Contests.ContestIDBySlug(ctx, slug)
		if fault.ErrorCode(err) == fault.CodeNotFound {
			c, err := dom.Contests.CreateContest(ctx, organizerID, demoLiveSetup(slug, n, time.Now()))
			if err != nil {
				return demoLive{}, fmt.Errorf("create demo live final: %w", err)
			}
			room, err := seedDemoLiveContest(ctx, dom, organizerID, c.ID)
			if err != nil {
				return demoLive{}, fmt.Errorf("seed demo live final: %w", err)
			}
			return demoLive{ContestID: c.ID, RoomID: room, Slug: slug}, nil
		}
		if err != nil {
			return demoLive{}, err
		}
		rooms, err := dom.Live.Rooms(ctx, id, demoLiveRound)
		if err != nil {
			return demoLive{}, err
		}
		if len(rooms) > 0 && demoLivePlayable(rooms[0]) {
			return demoLive{ContestID: id, RoomID: rooms[0].ID, Slug: slug}, nil
		}
	}
	return demoLive{}, fmt.Errorf("every demo live final has been played")
}

// demoLivePlayable tells whether the director can play (or go on playing) a
// room: its draw not committed, or revealed and the final not over.
func demoLivePlayable(r live.Room) bool {
	switch {
	case r.Commitment == "":
		return true
	case r.Seed == "":
		return false // committed by a run that kept the seed to itself
	}
	return !demoLiveOver(r)
}

// demoLiveOver tells whether every entry's result is shown and public.
func demoLiveOver(r live.Room) bool {
	if r.Current != nil || r.Frozen {
		return false
	}
	for _, s := range r.Slots {
		if s.Status == live.SlotWaiting || (s.Status == live.SlotDone && !s.Public) {
			return false
		}
	}
	return true
}

// seedDemoLiveEntrants gives a contest the live final's entrants, each with an
// entry submitted and accepted; it returns the entries in demoLiveEntrants' order.
func seedDemoLiveEntrants(ctx context.Context, dom *Domain, organizerID, contestID int64) ([]int64, error) {
	ids := make([]int64, 0, len(demoLiveEntrants))
	for _, d := range demoLiveEntrants {
		acct, err := ensureAccount(ctx, dom, access.NewAccount{Role: access.RoleEntrant, Email: d.email, DisplayName: d.person, Password: demoPassword})
		if err != nil {
			return nil, err
		}
		if _, err := dom.Entries.SaveOrganization(ctx, acct.ID, d.org); err != nil {
			return nil, fmt.Errorf("profile of %s: %w", d.email, err)
		}
		e, err := dom.Entries.CreateEntry(ctx, acct.ID, contestID, entry.Input{Track: d.track, Group: d.group, Title: d.title,
			Fields: entry.Fields{Summary: d.pitch, Stage: "revenue"}})
		if err != nil {
			return nil, fmt.Errorf("entry %s: %w", d.title, err)
		}
		if _, err := dom.Entries.SubmitEntry(ctx, acct.ID, e.ID, true); err != nil {
			return nil, fmt.Errorf("submit %s: %w", d.title, err)
		}
		ids = append(ids, e.ID)
	}
	if _, err := dom.Entries.ReviewEntries(ctx, organizerID, contestID, ids, true, ""); err != nil {
		return nil, fmt.Errorf("accept entries: %w", err)
	}
	return ids, nil
}

// seedDemoLiveContest fills a new live final: entrants submitted and
// accepted, the panel seated (the conflicted judge's assignment left out by
// the conflict rules), judge accounts, the round open, and one room with the
// whole panel and every entry. It returns the room.
func seedDemoLiveContest(ctx context.Context, dom *Domain, organizerID, contestID int64) (int64, error) {
	ids, err := seedDemoLiveEntrants(ctx, dom, organizerID, contestID)
	if err != nil {
		return 0, err
	}
	panel := make([]int64, len(demoLiveExperts))
	for i, d := range demoLiveExperts {
		x, err := dom.Judging.SaveExpert(ctx, organizerID, d.ExpertInput)
		if err != nil {
			return 0, fmt.Errorf("expert %s: %w", d.Name, err)
		}
		panel[i] = x.ID
	}
	if err := dom.Judging.SetPanel(ctx, organizerID, contestID, demoLiveRound, panel); err != nil {
		return 0, fmt.Errorf("panel: %w", err)
	}
	run, err := dom.Judging.StartAssignment(ctx, organizerID, contestID, demoLiveRound, demoAssignmentSeed)
	if err != nil {
		return 0, fmt.Errorf("seat the panel: %w", err)
	}
	if _, err := dom.Judging.RunAssignment(ctx, organizerID, contestID, demoLiveRound, run.ID); err != nil {
		return 0, fmt.Errorf("seat the panel: %w", err)
	}
	for _, x := range panel {
		if _, err := dom.Judging.InviteExpert(ctx, organizerID, contestID, x); err != nil {
			return 0, fmt.Errorf("invite expert %d: %w", x, err)
		}
	}
	if err := dom.Judging.SetRoundState(ctx, organizerID, contestID, demoLiveRound, contest.RoundOpen); err != nil {
		return 0, fmt.Errorf("open the final: %w", err)
	}
	rooms, err := dom.Live.SetRooms(ctx, organizerID, contestID, demoLiveRound, []live.RoomInput{{Name: demoLiveRoom, Judges: panel, Entries: ids}})
	if err != nil {
		return 0, fmt.Errorf("room: %w", err)
	}
	return rooms[0].ID, nil
}
