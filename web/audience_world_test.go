package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/live"
	"podium/files/filecheck"
	"podium/scoring"
)

// audienceWorld is a contest whose final is live, in one room (第一会场) with
// five judges and twelve entries (more than a projector's ranking shows).
type audienceWorld struct {
	h       *harness
	org     access.Account
	contest contest.Contest
	room    live.Room
	judges  []access.JudgeSession // by seat
	titles  []string              // the entries' titles, by entry
	seed    string
}

// audienceTitles are the entries' titles: long enough to test line breaks.
var audienceTitles = []string{"面向县域果园的智能农业无人机巡检与病虫害预警平台", "可降解包装材料", "工业视觉质检系统", "社区养老服务机器人",
	"基于联邦学习的医疗影像辅助诊断系统", "钠离子电池正极材料", "城市地下管网智能监测", "乡村文旅数字化运营平台",
	"高精度MEMS惯性导航芯片", "工业废水零排放处理装备", "AI 英语口语陪练", "低空物流无人机调度系统"}

func newAudienceWorld(t *testing.T, h *harness) *audienceWorld {
	t.Helper()
	ctx := context.Background()
	s := h.store
	h.clock.T = time.Now().UTC() // the stage's timer is read against the browser's clock
	w := &audienceWorld{h: h, org: contesttest.Account(t, s, access.RoleOrganizer, "org@example.com"), titles: audienceTitles,
		seed: "第一会场 2026-12-07 公开抽签"}
	setup := contesttest.Setup("live-final")
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	r := &setup.Rounds[0]
	r.Key, r.NameZh, r.NameEn, r.Kind, r.TrimMin, r.ReviewsPerEntry = "final", "决赛（现场路演）", "Final (live roadshow)", contest.KindLive, 5, 5
	r.PitchSeconds, r.QASeconds = 300, 240
	r.Criteria = []contest.Criterion{
		{Key: "tech", NameZh: "技术", Max: 4000, Weight: 4000, Step: 25},
		{Key: "market", NameZh: "市场", Max: 3000, Weight: 3000, Step: 25},
		{Key: "team", NameZh: "团队", Max: 3000, Weight: 3000, Step: 25},
	}
	var err error
	if w.contest, err = s.CreateContest(ctx, w.org.ID, setup); err != nil {
		t.Fatal(err)
	}
	var entries []int64
	for i, title := range w.titles {
		a := contesttest.Account(t, s, access.RoleEntrant, fmt.Sprintf("e%d@example.com", i))
		if _, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: fmt.Sprintf("第%d创业团队", i+1),
			ContactName: "联系人", ContactEmail: fmt.Sprintf("c%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		e, err := s.CreateEntry(ctx, a.ID, w.contest.ID, entry.Input{Track: "materials", Group: "team", Title: title})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitEntry(ctx, a.ID, e.ID, false); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e.ID)
	}
	if _, err := s.ReviewEntries(ctx, w.org.ID, w.contest.ID, entries, true, ""); err != nil {
		t.Fatal(err)
	}
	var experts []int64
	for i := range 5 {
		x, err := s.SaveExpert(ctx, w.org.ID, judging.ExpertInput{Name: fmt.Sprintf("专家%d", i), Organization: fmt.Sprintf("研究院%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		experts = append(experts, x.ID)
	}
	if err := s.SetPanel(ctx, w.org.ID, w.contest.ID, "final", experts); err != nil {
		t.Fatal(err)
	}
	run, err := s.StartAssignment(ctx, w.org.ID, w.contest.ID, "final", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunAssignment(ctx, w.org.ID, w.contest.ID, "final", run.ID); err != nil {
		t.Fatal(err)
	}
	for _, x := range experts {
		inv, err := s.InviteExpert(ctx, w.org.ID, w.contest.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		_, sess, err := s.RedeemInvite(ctx, inv.Token, access.Redemption{})
		if err != nil {
			t.Fatal(err)
		}
		w.judges = append(w.judges, sess.Judge())
	}
	if err := s.SetRoundState(ctx, w.org.ID, w.contest.ID, "final", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	rooms, err := s.Live.SetRooms(ctx, w.org.ID, w.contest.ID, "final", []live.RoomInput{{Name: "第一会场", Judges: experts, Entries: entries}})
	if err != nil {
		t.Fatal(err)
	}
	w.room = rooms[0]
	return w
}

// draw commits to the world's seed and reveals it.
func (w *audienceWorld) draw(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if _, err := w.h.store.Live.CommitDraw(ctx, w.org.ID, w.contest.ID, w.room.ID, live.Commitment(w.seed)); err != nil {
		t.Fatal(err)
	}
	r, err := w.h.store.Live.RevealDraw(ctx, w.org.ID, w.contest.ID, w.room.ID, w.seed)
	if err != nil {
		t.Fatal(err)
	}
	w.room = r
}

// apply runs stage operations in the room.
func (w *audienceWorld) apply(t *testing.T, ops ...live.Op) {
	t.Helper()
	for _, op := range ops {
		r, err := w.h.store.Live.Apply(context.Background(), w.org.ID, w.contest.ID, w.room.ID, op)
		if err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		w.room = r
	}
}

// submit submits the seat's (1-based) sheet for the entry on stage, whose total is total.
func (w *audienceWorld) submit(t *testing.T, seat int, total string) {
	t.Helper()
	ctx := context.Background()
	j := w.judges[seat-1]
	st, err := w.h.store.Live.JudgeStage(ctx, j, w.room.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current == nil || st.Current.AssignmentID == 0 {
		t.Fatalf("评委%d has nothing to score: %+v", seat, st.Current)
	}
	p, err := scoring.ParsePoints(total)
	if err != nil {
		t.Fatal(err)
	}
	tech := min(p, 4000)
	market := min(p-tech, 3000)
	in := judging.SheetInput{Marks: judging.Marks{"tech": tech, "market": market, "team": p - tech - market}}
	key := fmt.Sprintf("k-%d-%d-%s", seat, st.Current.AssignmentID, total)
	if _, err := w.h.store.SubmitSheet(ctx, j, st.Current.AssignmentID, in, key, []byte(key)); err != nil {
		t.Fatalf("评委%d submits %s: %v", seat, total, err)
	}
}

func (w *audienceWorld) screenPath() string {
	return fmt.Sprintf("/live/%d/rooms/%d", w.contest.ID, w.room.ID)
}

// current is the title of the entry on stage.
func (w *audienceWorld) current(t *testing.T) string {
	t.Helper()
	for _, sl := range w.room.Slots {
		if w.room.Current != nil && sl.ID == *w.room.Current {
			return sl.Title
		}
	}
	t.Fatal("no entry on stage")
	return ""
}
