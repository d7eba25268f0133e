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
	"podium/contest/results"
)

// The demo's live final is demo-2026's own final round: a roadshow in
// 第一会场, its panel seated there from the start. Its entries are those the
// semifinal advances, so the room fills only once the semifinal is complete:
// `podium demo --live` completes it (the judges behind submit their sheets),
// confirms its advancement and publishes it, seats the advanced entries in
// the room, and plays the final in real time (see liveDirector); at the end
// it publishes the final's results. A final once played (or whose draw was
// committed by a run that did not live to reveal it) stays as it ended,
// auditable: `podium demo --reset --live` plays the story again on fresh
// contests.
const (
	demoLiveRound = "final"
	demoLiveRoom  = "第一会场"
	// demoOldLiveSlug is where earlier versions of the demo played their live
	// final, a contest of its own (demo-2026-live, demo-2026-live-2, …): the
	// reset still removes those.
	demoOldLiveSlug = "demo-2026-live"
)

// demoLiveEntrant is an entrant of last year's final (demo-2025), with how
// the panel saw the entry (the share of each criterion's maximum it earned).
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

// demoLiveExperts is the final's panel. 郭振华 advised 星河新材料 and
// declares it: should its entry reach the final, he sits in the room but
// does not score that pitch (the board shows the seat recused).
var demoLiveExperts = []demoExpert{
	{judging.ExpertInput{Name: "王建国", Organization: "丹东市智能制造研究院", Title: "研究员",
		Fields: []string{"manufacturing", "instruments"}, Email: "wang.jianguo@demo.podium.local"}, -0.04},
	{judging.ExpertInput{Name: "李慧敏", Organization: "辽东学院化学与材料工程学院", Title: "教授",
		Fields: []string{"materials", "biomed"}, Email: "li.huimin@demo.podium.local"}, 0.02},
	{judging.ExpertInput{Name: "刘芳", Organization: "丹东创新投资基金管理有限公司", Title: "投资总监",
		Email: "liu.fang@demo.podium.local"}, 0.05},
	{judging.ExpertInput{Name: "郭振华", Organization: "辽东学院化学化工学院", Title: "教授",
		Fields: []string{"materials"}, Email: "guo.zhenhua@demo.podium.local", Conflicts: []string{"星河新材料科技有限公司"}}, -0.01},
	{judging.ExpertInput{Name: "黄丽娟", Organization: "丹东市中心医院", Title: "主任医师",
		Fields: []string{"biomed"}, Email: "huang.lijuan@demo.podium.local"}, 0.03},
	{judging.ExpertInput{Name: "周文博", Organization: "丹东市科技创新服务中心", Title: "高级工程师",
		Email: "zhou.wenbo@demo.podium.local"}, 0},
}

// Short timers, so that a newcomer sees the whole flow: 20 s of pitch, 10 s
// of questions.
const demoPitchSeconds, demoQASeconds = 20, 10

// demoLive is the demo's live final: demo-2026 and its room.
type demoLive struct {
	ContestID, RoomID int64
}

// ensureDemoFinalRoom gives demo-2026's final its room, the whole panel
// seated, unless it has rooms; its entries come with the semifinal's
// advancement (see prepareDemoFinal). It returns the final's first room.
func ensureDemoFinalRoom(ctx context.Context, dom *Domain, organizerID, contestID int64) (demoLive, error) {
	rooms, err := dom.Live.Rooms(ctx, contestID, demoLiveRound)
	if err == nil && len(rooms) == 0 {
		// One room, no judges named: the whole panel seated, in the order of
		// the panel; no entries named: those the round has, none before the
		// semifinal's advancement.
		rooms, err = dom.Live.SetRooms(ctx, organizerID, contestID, demoLiveRound, []live.RoomInput{{Name: demoLiveRoom}})
	}
	if err != nil {
		return demoLive{}, fmt.Errorf("the demo final's room: %w", err)
	}
	return demoLive{ContestID: contestID, RoomID: rooms[0].ID}, nil
}

// demoFinalState is where demo-2026's final stands for `podium demo --live`.
type demoFinalState int

const (
	finalToPlay     demoFinalState = iota // the semifinal to complete, or the room to play (or to go on playing)
	finalPlayed                           // played and published: the results stand
	finalUnplayable                       // its draw committed by a run that kept the seed to itself
)

// demoFinalStateOf tells where the final stands: published (or played to the
// end, which publishDemoFinal then publishes) is played.
func demoFinalStateOf(ctx context.Context, dom *Domain, d demoLive) (demoFinalState, error) {
	final, err := demoRoundNamed(ctx, dom, d.ContestID, demoLiveRound)
	if err != nil {
		return 0, err
	}
	if final.State.Published() {
		return finalPlayed, nil
	}
	r, err := dom.Live.Room(ctx, d.ContestID, d.RoomID)
	switch {
	case err != nil:
		return 0, err
	case len(r.Slots) > 0 && r.Seed != "" && demoLiveOver(r):
		return finalPlayed, nil
	case !demoLivePlayable(r):
		return finalUnplayable, nil
	}
	return finalToPlay, nil
}

// demoRoundNamed is a round of a demo contest.
func demoRoundNamed(ctx context.Context, dom *Domain, contestID int64, key string) (contest.Round, error) {
	c, err := dom.Contests.Contest(ctx, contestID)
	if err != nil {
		return contest.Round{}, err
	}
	for _, r := range c.Rounds {
		if r.Key == key {
			return r, nil
		}
	}
	return contest.Round{}, fmt.Errorf("demo contest %d has no round %q", contestID, key)
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

// demoSemifinalReport is what prepareDemoFinal did to the semifinal.
type demoSemifinalReport struct {
	Sheets   int      // late sheets submitted
	Advanced []string // the titles of the entries that advanced to the final
}

// prepareDemoFinal makes demo-2026's final ready to play, as its organizer
// and judges would, each step only if not yet done (an interrupted run goes
// on where it stopped): the judges behind on the semifinal submit their
// sheets (drafts finished); the semifinal closed, its advancement confirmed
// by its quota (the first of a tie at the cut line, as many as the seats
// left) and published; the final moved to today with the demo's short
// timers, the panel invited and assigned to the advanced entries (less
// their conflicts), the round opened; the room set again with its judges
// and the advanced entries. It returns the room, which setting it anew
// renumbers.
func prepareDemoFinal(ctx context.Context, dom *Domain, organizerID int64, d demoLive) (demoLive, demoSemifinalReport, error) {
	var rep demoSemifinalReport
	semi, err := demoRoundNamed(ctx, dom, d.ContestID, demoSemiRound)
	if err != nil {
		return d, rep, err
	}
	if semi.State == contest.RoundOpen {
		if rep.Sheets, err = completeDemoSemifinal(ctx, dom, organizerID, d.ContestID); err != nil {
			return d, rep, fmt.Errorf("complete the demo semifinal: %w", err)
		}
		if err := dom.Judging.SetRoundState(ctx, organizerID, d.ContestID, demoSemiRound, contest.RoundClosed); err != nil {
			return d, rep, fmt.Errorf("close the demo semifinal: %w", err)
		}
		semi.State = contest.RoundClosed
	}
	if semi.State == contest.RoundClosed {
		if err := advanceDemoRound(ctx, dom, organizerID, d.ContestID, demoSemiRound); err != nil {
			return d, rep, err
		}
	}
	if err := dom.DB.SelectContext(ctx, &rep.Advanced, `
		SELECT e.title FROM results r JOIN rounds ro ON ro.id = r.round_id JOIN entries e ON e.id = r.entry_id
		WHERE ro.contest_id = $1 AND ro.key = $2 AND r.advanced ORDER BY r.rank, e.id`, d.ContestID, demoSemiRound); err != nil {
		return d, rep, fmt.Errorf("the demo finalists: %w", err)
	}
	final, err := demoRoundNamed(ctx, dom, d.ContestID, demoLiveRound)
	if err != nil {
		return d, rep, err
	}
	room, err := dom.Live.Room(ctx, d.ContestID, d.RoomID)
	if err != nil {
		return d, rep, err
	}
	if final.State == contest.RoundDraft {
		if err := demoFinalToday(ctx, dom, organizerID, d.ContestID); err != nil {
			return d, rep, err
		}
		for _, j := range room.Judges {
			x, err := dom.Judging.Expert(ctx, organizerID, j.ExpertID)
			if err == nil && x.AccountID == nil {
				_, err = dom.Judging.InviteExpert(ctx, organizerID, d.ContestID, j.ExpertID)
			}
			if err != nil {
				return d, rep, fmt.Errorf("invite %s: %w", j.Name, err)
			}
		}
		if err := assignDemoRound(ctx, dom, organizerID, d.ContestID, demoLiveRound); err != nil {
			return d, rep, err
		}
		if err := dom.Judging.SetRoundState(ctx, organizerID, d.ContestID, demoLiveRound, contest.RoundOpen); err != nil {
			return d, rep, fmt.Errorf("open the demo final: %w", err)
		}
	}
	if len(room.Slots) == 0 {
		judges := make([]int64, len(room.Judges))
		for i, j := range room.Judges {
			judges[i] = j.ExpertID
		}
		// No entries named: every entry of the round, the advanced ones.
		rooms, err := dom.Live.SetRooms(ctx, organizerID, d.ContestID, demoLiveRound, []live.RoomInput{{Name: room.Name, Judges: judges}})
		if err != nil {
			return d, rep, fmt.Errorf("seat the finalists in %s: %w", room.Name, err)
		}
		d.RoomID = rooms[0].ID
	}
	return d, rep, nil
}

// completeDemoSemifinal has every judge with a semifinal sheet not yet
// submitted submit it, as their tablets would. It returns how many.
func completeDemoSemifinal(ctx context.Context, dom *Domain, organizerID, contestID int64) (int, error) {
	submitted, err := dom.Judging.SubmittedSheets(ctx, contestID, demoSemiRound)
	if err != nil {
		return 0, err
	}
	done := map[int64]bool{}
	for _, s := range submitted {
		done[s.AssignmentID] = true
	}
	assignments, err := dom.Judging.Assignments(ctx, contestID, demoSemiRound)
	if err != nil {
		return 0, err
	}
	rubric, err := demoRubric(ctx, dom, contestID, demoSemiRound)
	if err != nil {
		return 0, err
	}
	quality := demoQualities()
	accounts := map[int64]int64{}
	n := 0
	for _, a := range assignments {
		if !a.Active() || done[a.ID] {
			continue
		}
		if _, ok := accounts[a.ExpertID]; !ok {
			x, err := dom.Judging.Expert(ctx, organizerID, a.ExpertID)
			if err != nil {
				return n, err
			}
			if x.AccountID == nil {
				return n, fmt.Errorf("expert %s has no judge account", x.Name)
			}
			accounts[a.ExpertID] = *x.AccountID
		}
		expert, _ := demoExpertNamed(a.ExpertName)
		in := demoSheet(rubric, demoReview{quality: quality[a.EntryTitle]}, expert.leniency, a)
		if err := submitDemoSheet(ctx, dom, accounts[a.ExpertID], a.ID, in); err != nil {
			return n, fmt.Errorf("score %s by %s: %w", a.EntryTitle, a.ExpertName, err)
		}
		n++
	}
	return n, nil
}

// demoQualities is how the panels see each entry of demo-2026 (and of last
// year's final), by title.
func demoQualities() map[string]float64 {
	q := map[string]float64{}
	for title, r := range demoReviews {
		q[title] = r.quality
	}
	for _, g := range demoGenerate(time.Now().Year()) {
		q[g.entry.Title] = g.quality
	}
	for _, e := range demoLiveEntrants {
		q[e.title] = e.quality
	}
	return q
}

// demoFinalToday moves the final to today (the semifinal ends now) and
// gives it the demo's short timers: the organizer's schedule, changed as an
// organizer changes it.
func demoFinalToday(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	c, err := dom.Contests.Contest(ctx, contestID)
	if err != nil {
		return err
	}
	setup := c.Setup
	now := time.Now().UTC().Truncate(time.Minute)
	for i, r := range setup.Rounds {
		opens, closes := now.Add(-time.Hour), now.AddDate(0, 0, 1)
		switch r.Key {
		case demoSemiRound:
			setup.Rounds[i].ClosesAt = &now
		case demoLiveRound:
			setup.Rounds[i].OpensAt, setup.Rounds[i].ClosesAt = &opens, &closes
			setup.Rounds[i].PitchSeconds, setup.Rounds[i].QASeconds = demoPitchSeconds, demoQASeconds
		}
	}
	if _, err := dom.Contests.UpdateContest(ctx, organizerID, contestID, setup); err != nil {
		return fmt.Errorf("move the demo final to today: %w", err)
	}
	return nil
}

// advanceDemoRound confirms a closed demo round's advancement by its quotas
// (tied at the cut line: the first ones, as many as the seats left) and
// publishes it.
func advanceDemoRound(ctx context.Context, dom *Domain, organizerID, contestID int64, round string) error {
	plan, _, err := dom.Results.AdvancementPlan(ctx, contestID, round)
	if err != nil {
		return fmt.Errorf("demo advancement plan of %s: %w", round, err)
	}
	var chosen []string
	for _, p := range plan {
		left := p.Seats - len(p.Advanced)
		chosen = append(chosen, p.Tied[:min(max(left, 0), len(p.Tied))]...)
	}
	if _, err := dom.Results.ConfirmAdvancement(ctx, organizerID, contestID, round, chosen); err != nil {
		return fmt.Errorf("confirm the demo advancement of %s: %w", round, err)
	}
	if _, _, err := dom.Results.Publish(ctx, organizerID, contestID, round, results.PublishOptions{PeriodDays: demoPublishedDays}); err != nil {
		return fmt.Errorf("publish the demo %s: %w", round, err)
	}
	return nil
}

// publishDemoFinal closes the played final, confirms its prizes as planned
// and publishes its results, unless it is published.
func publishDemoFinal(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	final, err := demoRoundNamed(ctx, dom, contestID, demoLiveRound)
	if err != nil || final.State.Published() {
		return err
	}
	if final.State == contest.RoundOpen {
		if err := dom.Judging.SetRoundState(ctx, organizerID, contestID, demoLiveRound, contest.RoundClosed); err != nil {
			return fmt.Errorf("close the demo final: %w", err)
		}
	}
	if err := confirmDemoAwards(ctx, dom, organizerID, contestID, demoLiveRound); err != nil {
		return err
	}
	if _, _, err := dom.Results.Publish(ctx, organizerID, contestID, demoLiveRound, results.PublishOptions{PeriodDays: demoPublishedDays}); err != nil {
		return fmt.Errorf("publish the demo final: %w", err)
	}
	return nil
}

// confirmDemoAwards confirms a closed round's prizes as planned; an entry
// tied across a level boundary gets the better level.
func confirmDemoAwards(ctx context.Context, dom *Domain, organizerID, contestID int64, round string) error {
	plan, _, err := dom.Results.AwardPlan(ctx, contestID, round)
	if err != nil {
		return err
	}
	chosen := map[string]string{}
	for _, p := range plan {
		for _, tie := range p.Ties {
			k := 0
			for j, level := range tie.Levels {
				for n := 0; n < tie.Places[j] && k < len(tie.Entries); n++ {
					chosen[tie.Entries[k]], k = level, k+1
				}
			}
			for ; k < len(tie.Entries); k++ {
				chosen[tie.Entries[k]] = "none"
			}
		}
	}
	if _, err := dom.Results.ConfirmAwards(ctx, organizerID, contestID, round, chosen); err != nil {
		return fmt.Errorf("confirm the demo awards of %s: %w", round, err)
	}
	return nil
}

// seedDemoLiveEntrants gives a contest last year's finalists, each with an
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
