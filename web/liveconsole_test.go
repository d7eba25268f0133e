package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
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

// consoleWorld is a contest whose final is live and open: six entries, six
// panel members (each assigned every entry), each logged in as a judge.
// No rooms yet: the tests set them up through the web.
type consoleWorld struct {
	contest   contest.Contest
	organizer access.Account
	entries   []int64
	titles    []string
	experts   []int64
	judges    map[int64]access.JudgeSession
}

func newConsoleWorld(t *testing.T, h *harness) consoleWorld {
	t.Helper()
	s, ctx := h.store, context.Background()
	w := consoleWorld{judges: map[int64]access.JudgeSession{}}
	w.organizer = contesttest.Account(t, s, access.RoleOrganizer, "live-org@example.com")
	setup := contesttest.Setup("livefinal")
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	r := &setup.Rounds[0]
	r.Key, r.NameZh, r.NameEn, r.Kind, r.TrimMin, r.ReviewsPerEntry = "final", "决赛", "Final", contest.KindLive, 5, 3
	r.PitchSeconds, r.QASeconds = 300, 240
	r.Criteria = []contest.Criterion{
		{Key: "tech", NameZh: "技术", NameEn: "Technology", Max: 5000, Weight: 5000, Step: 50},
		{Key: "market", NameZh: "市场", NameEn: "Market", Max: 5000, Weight: 5000, Step: 50},
	}
	var err error
	if w.contest, err = s.CreateContest(ctx, w.organizer.ID, setup); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		a := contesttest.Account(t, s, access.RoleEntrant, fmt.Sprintf("live-e%d@example.com", i))
		if _, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: fmt.Sprintf("星火%d团队", i),
			ContactName: "联系人", ContactEmail: fmt.Sprintf("live-c%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		title := fmt.Sprintf("星火%d号项目", i)
		e, err := s.CreateEntry(ctx, a.ID, w.contest.ID, entry.Input{Track: "materials", Group: "team", Title: title})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitEntry(ctx, a.ID, e.ID, false); err != nil {
			t.Fatal(err)
		}
		w.entries, w.titles = append(w.entries, e.ID), append(w.titles, title)
	}
	if _, err := s.ReviewEntries(ctx, w.organizer.ID, w.contest.ID, w.entries, true, ""); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		x, err := s.SaveExpert(ctx, w.organizer.ID, judging.ExpertInput{Name: fmt.Sprintf("评审专家%d", i), Organization: fmt.Sprintf("研究所%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		w.experts = append(w.experts, x.ID)
	}
	if err := s.SetPanel(ctx, w.organizer.ID, w.contest.ID, "final", w.experts); err != nil {
		t.Fatal(err)
	}
	for _, e := range w.entries { // every panel member scores every entry of their room
		for _, x := range w.experts {
			if err := s.AddAssignment(ctx, w.organizer.ID, w.contest.ID, "final", e, x, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, x := range w.experts {
		inv, err := s.InviteExpert(ctx, w.organizer.ID, w.contest.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		_, sess, err := s.RedeemInvite(ctx, inv.Token, access.Redemption{})
		if err != nil {
			t.Fatal(err)
		}
		w.judges[x] = sess.Judge()
	}
	if err := s.SetRoundState(ctx, w.organizer.ID, w.contest.ID, "final", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	return w
}

// twoRoomsForm seats experts 0–2 in the first room and 3–5 in the second,
// entries 0–2 and 3–5 likewise, through the setup form.
func (w consoleWorld) twoRoomsForm() url.Values {
	v := url.Values{"rooms.0.name": {"第一会场"}, "rooms.1.name": {"第二会场"}, "rooms.2.name": {""}}
	for i, x := range w.experts {
		v.Set(fmt.Sprintf("judge.%d", x), fmt.Sprint(i/3+1))
		v.Set(fmt.Sprintf("seat.%d", x), fmt.Sprint(3-i%3)) // seats in reverse order of the list
	}
	for i, e := range w.entries {
		v.Set(fmt.Sprintf("entry.%d", e), fmt.Sprint(i/3+1))
	}
	return v
}

// submitLive submits the sheet of the judge in seat of the room for the entry on stage.
func submitLive(t *testing.T, h *harness, w consoleWorld, roomID int64, expert int, total string) error {
	t.Helper()
	st, err := h.store.Live.JudgeStage(context.Background(), w.judges[w.experts[expert]], roomID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current == nil || st.Current.AssignmentID == 0 {
		t.Fatalf("expert %d has nothing to score: %+v", expert, st.Current)
	}
	p, err := scoring.ParsePoints(total)
	if err != nil {
		t.Fatal(err)
	}
	tech := min(p, 5000)
	key := fmt.Sprintf("live-%d-%d-%d", expert, st.Current.AssignmentID, time.Now().UnixNano())
	_, err = h.store.SubmitSheet(context.Background(), w.judges[w.experts[expert]], st.Current.AssignmentID,
		judging.SheetInput{Marks: judging.Marks{"tech": tech, "market": p - tech}}, key, []byte(key))
	return err
}

func TestLiveSetupAndConsoleForms(t *testing.T) {
	h := newHarness(t)
	w := newConsoleWorld(t, h)
	org := h.loggedIn(w.organizer)
	ctx := context.Background()
	base := fmt.Sprintf("/organizer/contests/%d", w.contest.ID)

	// The contest's page links the round's live setup; the setup starts from one room with everyone.
	if res := org.get(base); !strings.Contains(res.body, base+"/rounds/final/live") {
		t.Fatalf("the contest page does not link the live setup")
	}
	res := org.get(base + "/rounds/final/live")
	if res.status != http.StatusOK || !strings.Contains(res.body, "第1会场") || !strings.Contains(res.body, "评审专家5") {
		t.Fatalf("setup page: %d %.300s", res.status, res.body)
	}

	// A judge in two rooms is refused, in Chinese, beside the row; nothing is saved.
	bad := w.twoRoomsForm()
	bad.Set("rooms.2.name", "第一会场")
	res = org.form(base+"/rounds/final/live", bad)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "两个会场重名") {
		t.Fatalf("duplicate room name: %d %.500s", res.status, res.body)
	}

	// Two rooms through the form; seats follow the numbers typed.
	res = org.form(base+"/rounds/final/live", w.twoRoomsForm())
	if res.status != http.StatusSeeOther {
		t.Fatalf("save rooms: %d %.500s", res.status, res.body)
	}
	rooms, err := h.store.Live.Rooms(ctx, w.contest.ID, "final")
	if err != nil || len(rooms) != 2 || len(rooms[0].Judges) != 3 || len(rooms[1].Slots) != 3 {
		t.Fatalf("rooms %+v %v", rooms, err)
	}
	if rooms[0].Judges[0].ExpertID != w.experts[2] {
		t.Errorf("seat 1 of the first room is %d, want expert 2 (%d)", rooms[0].Judges[0].ExpertID, w.experts[2])
	}
	room := rooms[0]
	console := fmt.Sprintf("%s/live/rooms/%d", base, room.ID)
	res = org.get(base + "/rounds/final/live")
	for _, want := range []string{console, fmt.Sprintf("/live/%d/rooms/%d", w.contest.ID, room.ID), fmt.Sprintf("/live/%d/rooms/%d/phone", w.contest.ID, room.ID)} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the setup page does not link %s", want)
		}
	}

	// Stage settings: durations in minutes, names public shown.
	res = org.form(base+"/rounds/final/live/stage", url.Values{"pitch_minutes": {"6"}, "qa_minutes": {"4.5"}, "names_public": {"1"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("stage settings: %d %.300s", res.status, res.body)
	}
	c, _ := h.store.Contest(ctx, w.contest.ID)
	if r := c.Rounds[0]; r.PitchSeconds != 360 || r.QASeconds != 270 || !r.NamesPublic {
		t.Fatalf("stage settings saved as %d %d %v", r.PitchSeconds, r.QASeconds, r.NamesPublic)
	}
	if res := org.get(base + "/rounds/final/live"); !strings.Contains(res.body, "本轮评委可见参赛者名称") {
		t.Errorf("names_public is not shown to the organizer")
	}
	// Saving the contest's editor as it stands keeps them.
	edit := org.get(base)
	form := url.Values{}
	name, value := regexp.MustCompile(` name="([^"]+)"`), regexp.MustCompile(` value="([^"]*)"`)
	for _, tag := range regexp.MustCompile(`<input[^>]*>`).FindAllString(edit.body, -1) {
		n, v := name.FindStringSubmatch(tag), value.FindStringSubmatch(tag)
		if n == nil || strings.Contains(tag, `type="checkbox"`) && !strings.Contains(tag, "checked") {
			continue
		}
		if v == nil {
			v = []string{"", ""}
		}
		form.Add(n[1], html.UnescapeString(v[1]))
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea[^>]* name="([^"]+)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(edit.body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<select name="([^"]+)".*?<option value="([^"]*)"[^>]*selected`).FindAllStringSubmatch(edit.body, -1) {
		form.Set(m[1], m[2])
	}
	if res := org.form(base, form); res.status != http.StatusSeeOther {
		t.Fatalf("saving the contest editor: %d %q", res.status, regexp.MustCompile(`(field-error|class="error")[^<]*<`).FindAllString(res.body, -1))
	}
	if c, _ := h.store.Contest(ctx, w.contest.ID); c.Rounds[0].PitchSeconds != 360 || c.Rounds[0].QASeconds != 270 || !c.Rounds[0].NamesPublic {
		t.Errorf("the contest editor changed the stage settings: %+v", c.Rounds[0])
	}

	// Before the draw, an operation is refused with its reason.
	res = org.form(console+"/ops", url.Values{"op": {"start_pitch"}})
	if res.status != http.StatusConflict || !strings.Contains(res.body, "本会场尚未揭示抽签结果") {
		t.Fatalf("op before the draw: %d %.300s", res.status, res.body)
	}

	// Generate shows a seed and commits nothing.
	res = org.form(console+"/draw/commit", url.Values{"generate": {"1"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "已生成随机种子") {
		t.Fatalf("generate: %d", res.status)
	}
	if r, _ := h.store.Live.Room(ctx, w.contest.ID, room.ID); r.Commitment != "" {
		t.Fatalf("generating a seed committed %s", r.Commitment)
	}
	// Commit: only the SHA-256 is stored.
	seed := "种子-甲-2026"
	if res = org.form(console+"/draw/commit", url.Values{"seed": {seed}}); res.status != http.StatusSeeOther {
		t.Fatalf("commit: %d %.300s", res.status, res.body)
	}
	r, _ := h.store.Live.Room(ctx, w.contest.ID, room.ID)
	if r.Commitment != live.Commitment(seed) || r.Seed != "" {
		t.Fatalf("commitment %q seed %q", r.Commitment, r.Seed)
	}
	if res = org.get(console); !strings.Contains(res.body, live.Commitment(seed)) || strings.Contains(res.body, seed) {
		t.Fatalf("the console must show the commitment and not the seed")
	}
	// A changed seed is refused with a clear message; the right one draws.
	res = org.form(console+"/draw/reveal", url.Values{"seed": {seed + "x"}})
	if res.status != http.StatusConflict || !strings.Contains(res.body, "该种子与抽签前提交的承诺值不符") {
		t.Fatalf("changed seed: %d %.300s", res.status, res.body)
	}
	if res = org.form(console+"/draw/reveal", url.Values{"seed": {seed}}); res.status != http.StatusSeeOther {
		t.Fatalf("reveal: %d %.300s", res.status, res.body)
	}
	r, _ = h.store.Live.Room(ctx, w.contest.ID, room.ID)
	first := r.CurrentSlot()
	if r.Seed != seed || first == nil || *first.Position != 1 {
		t.Fatalf("after the reveal: seed %q current %+v", r.Seed, first)
	}

	// The console: the current entry by name, the next step primary, illegal ones disabled with their reason.
	res = org.get(console)
	if !strings.Contains(res.body, first.Title) || !strings.Contains(res.body, `class="big primary" id="op-start_pitch"`) ||
		!strings.Contains(res.body, `id="op-show_result" disabled`) || !strings.Contains(res.body, "当前为“候场”：请先截止评分。") {
		i := strings.Index(res.body, "op-start_pitch")
		t.Fatalf("console after the draw: %.1500s", res.body[max(i-100, 0):])
	}

	// Ops in order; an illegal one is refused 409 with its message.
	for _, op := range []string{"start_pitch", "pause", "resume", "start_qa", "open_scoring"} {
		if res = org.form(console+"/ops", url.Values{"op": {op}}); res.status != http.StatusSeeOther {
			t.Fatalf("%s: %d %.300s", op, res.status, res.body)
		}
	}
	res = org.form(console+"/ops", url.Values{"op": {"show_result"}})
	if res.status != http.StatusConflict || !strings.Contains(res.body, "现场当前阶段不能进行此操作") {
		t.Fatalf("show_result while scoring: %d", res.status)
	}
	// Judges submitted and missing, by seat and name.
	for i := range 2 {
		if err := submitLive(t, h, w, room.ID, i, "80.00"); err != nil {
			t.Fatal(err)
		}
	}
	res = org.get(console)
	if !strings.Contains(res.body, "已提交 2 / 3") || !strings.Contains(res.body, `data-seat="1" data-state="pending"`) {
		i := strings.Index(res.body, `id="judges"`)
		t.Fatalf("judges on the console: %.2500s", res.body[max(i, 0):])
	}
	// Reopen: a reason is required; with one it is audited.
	res = org.form(console+"/reopen", url.Values{"seat": {"2"}, "reason": {""}})
	if res.status == http.StatusSeeOther {
		t.Fatalf("reopen without a reason was accepted")
	}
	if res = org.form(console+"/reopen", url.Values{"seat": {"2"}, "reason": {"评委误操作"}}); res.status != http.StatusSeeOther {
		t.Fatalf("reopen: %d %.300s", res.status, res.body)
	}
	if res := org.get(base + "/audit"); !strings.Contains(res.body, "评委误操作") {
		t.Errorf("the reopen's reason is not in the audit log")
	}
	for _, i := range []int{1, 2} { // the reopened sheet (seat 2: expert 1) and the missing one
		if err := submitLive(t, h, w, room.ID, i, "82.00"); err != nil {
			t.Fatal(err)
		}
	}
	for _, op := range []string{"close_scoring", "show_result", "next"} {
		if res = org.form(console+"/ops", url.Values{"op": {op}}); res.status != http.StatusSeeOther {
			t.Fatalf("%s: %d %.300s", op, res.status, res.body)
		}
	}

	// Absent and move to the end need a reason, and are audited.
	r, _ = h.store.Live.Room(ctx, w.contest.ID, room.ID)
	var last live.Slot
	for _, sl := range r.Slots {
		if sl.Status == live.SlotWaiting && (r.Current == nil || sl.ID != *r.Current) {
			last = sl
		}
	}
	slot := fmt.Sprintf("%s/slots/%d", console, last.ID)
	res = org.form(slot+"/absent", url.Values{"reason": {"  "}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "请填写理由") {
		t.Fatalf("absent without a reason: %d", res.status)
	}
	if res = org.form(slot+"/move-to-end", url.Values{"reason": {"路上堵车"}}); res.status != http.StatusSeeOther {
		t.Fatalf("move to end: %d %.300s", res.status, res.body)
	}
	if res = org.form(slot+"/absent", url.Values{"reason": {"未到场"}}); res.status != http.StatusSeeOther {
		t.Fatalf("absent: %d %.300s", res.status, res.body)
	}
	if res := org.get(base + "/audit"); !strings.Contains(res.body, "路上堵车") || !strings.Contains(res.body, "未到场") {
		t.Errorf("absent and move reasons are not in the audit log")
	}

	// Freeze, reveal, unfreeze.
	ops := func(list ...string) {
		t.Helper()
		for _, op := range list {
			if res = org.form(console+"/ops", url.Values{"op": {op}}); res.status != http.StatusSeeOther {
				t.Fatalf("%s: %d %.300s", op, res.status, res.body)
			}
		}
	}
	ops("freeze", "start_pitch", "open_scoring")
	for i := range 3 {
		if err := submitLive(t, h, w, room.ID, i, "90.00"); err != nil {
			t.Fatal(err)
		}
	}
	ops("close_scoring", "show_result")
	if res := org.get(console); !strings.Contains(res.body, "有 1 个成绩尚未揭晓") || !strings.Contains(res.body, "90.00") {
		t.Errorf("the organizer's console must stay live while frozen")
	}
	ops("reveal_next", "unfreeze")
	res = org.form(console+"/ops", url.Values{"op": {"unfreeze"}})
	if res.status != http.StatusConflict || !strings.Contains(res.body, "大屏未封榜") {
		t.Fatalf("unfreeze twice: %d", res.status)
	}

	// English on request.
	if res := org.get(console + "?lang=en"); !strings.Contains(res.body, "Stage console") || !strings.Contains(res.body, "Open scoring") {
		t.Errorf("the console in English: %.500s", res.body)
	}
}

func TestLiveConsoleAPI(t *testing.T) {
	h := newHarness(t)
	w := newConsoleWorld(t, h)
	org := h.loggedIn(w.organizer)
	path := fmt.Sprintf("/api/v1/contests/%d/live", w.contest.ID)

	res := org.api(http.MethodPut, path+"/rounds/final/rooms", map[string]any{"rooms": []map[string]any{
		{"name": "A厅", "judges": w.experts[:3], "entries": w.entries[:3]},
		{"name": "B厅", "judges": w.experts[3:], "entries": w.entries[3:]},
	}})
	var rooms struct{ Rooms []live.Room }
	res.json(t, &rooms)
	if res.status != http.StatusOK || len(rooms.Rooms) != 2 {
		t.Fatalf("set rooms: %d %s", res.status, res.body)
	}
	room := fmt.Sprintf("%s/rooms/%d", path, rooms.Rooms[1].ID)

	if res = org.api(http.MethodPut, path+"/rounds/final/stage", map[string]any{"pitch_seconds": 0, "qa_seconds": 60, "names_public": false}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("stage with no pitch: %d %s", res.status, res.body)
	}
	if res = org.api(http.MethodPut, path+"/rounds/final/stage", map[string]any{"pitch_seconds": 90, "qa_seconds": 60, "names_public": false}); res.status != http.StatusOK {
		t.Errorf("stage: %d %s", res.status, res.body)
	}

	seed := "B厅的种子"
	if res = org.api(http.MethodPost, room+"/draw/commit", map[string]any{"commitment": live.Commitment(seed)}); res.status != http.StatusOK {
		t.Fatalf("commit: %d %s", res.status, res.body)
	}
	res = org.api(http.MethodPost, room+"/draw/commit", map[string]any{"commitment": live.Commitment("another")})
	if res.status != http.StatusConflict || res.errorBody(t).Message != "本会场的抽签承诺已提交，不能更改。" {
		t.Errorf("second commitment: %d %s", res.status, res.body)
	}
	res = org.api(http.MethodPost, room+"/draw/reveal", map[string]any{"seed": "another"})
	if e := res.errorBody(t); res.status != http.StatusConflict || e.Reason != live.ReasonSeedMismatch || e.Message != "该种子与抽签前提交的承诺值不符。" {
		t.Errorf("changed seed: %d %s", res.status, res.body)
	}
	if res = org.api(http.MethodPost, room+"/draw/reveal", map[string]any{"seed": seed}); res.status != http.StatusOK {
		t.Fatalf("reveal: %d %s", res.status, res.body)
	}
	res = org.api(http.MethodPost, room+"/ops", map[string]any{"op": "close_scoring"})
	if res.status != http.StatusConflict || res.errorBody(t).Message != "现场当前阶段不能进行此操作。" {
		t.Errorf("close before open: %d %s", res.status, res.body)
	}
	if res = org.api(http.MethodPost, room+"/ops", map[string]any{"op": "dance"}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown op: %d %s", res.status, res.body)
	}
	for _, op := range []string{"start_pitch", "start_qa", "open_scoring"} {
		if res = org.api(http.MethodPost, room+"/ops", map[string]any{"op": op}); res.status != http.StatusOK {
			t.Fatalf("%s: %d %s", op, res.status, res.body)
		}
	}
	if err := submitLive(t, h, w, rooms.Rooms[1].ID, 3, "77.50"); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Room  live.Room
		Board live.Board
	}
	res = org.get(room)
	res.json(t, &got)
	if got.Board.Audience != live.AudienceOrganizer || len(got.Board.Judges) != 3 || got.Board.Judges[0].State != live.JudgeSubmitted ||
		got.Board.Judges[1].State != live.JudgePending || got.Board.Judges[0].Name == "" {
		t.Fatalf("organizer board: %s", res.body)
	}
	if res = org.api(http.MethodPost, room+"/reopen", map[string]any{"seat": 1, "reason": ""}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("reopen without a reason: %d %s", res.status, res.body)
	}
	if res = org.api(http.MethodPost, room+"/reopen", map[string]any{"seat": 2, "reason": "未提交"}); res.status != http.StatusNotFound {
		t.Errorf("reopen of a missing sheet: %d %s", res.status, res.body)
	}
	if res = org.api(http.MethodPost, room+"/reopen", map[string]any{"seat": 1, "reason": "分数录错"}); res.status != http.StatusOK {
		t.Fatalf("reopen: %d %s", res.status, res.body)
	}
	log := org.get(fmt.Sprintf("/api/v1/contests/%d/audit", w.contest.ID))
	if !strings.Contains(log.body, "分数录错") || !strings.Contains(log.body, live.Commitment(seed)) {
		t.Errorf("the audit log lacks the reopen's reason or the commitment")
	}

	var r live.Room
	res = org.api(http.MethodPost, room+"/ops", map[string]any{"op": "close_scoring"})
	res.json(t, &r)
	var waiting live.Slot
	for _, sl := range r.Slots {
		if sl.Status == live.SlotWaiting && sl.ID != *r.Current {
			waiting = sl
		}
	}
	slot := fmt.Sprintf("%s/slots/%d", room, waiting.ID)
	if res = org.api(http.MethodPost, slot+"/absent", map[string]any{"reason": ""}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("absent without a reason: %d %s", res.status, res.body)
	}
	if res = org.api(http.MethodPost, slot+"/move-to-end", map[string]any{"reason": "设备故障"}); res.status != http.StatusOK {
		t.Errorf("move to end: %d %s", res.status, res.body)
	}
	if res = org.api(http.MethodPost, slot+"/absent", map[string]any{"reason": "弃权"}); res.status != http.StatusOK {
		t.Errorf("absent: %d %s", res.status, res.body)
	}

	// Another contest's organizer reaches none of it, nor through their own contest's address.
	other := contesttest.Account(t, h.store, access.RoleOrganizer, "live-other@example.com")
	oc, err := h.store.CreateContest(context.Background(), other.ID, contesttest.Setup("other-live"))
	if err != nil {
		t.Fatal(err)
	}
	intruder := h.loggedIn(other)
	if res = intruder.api(http.MethodPost, room+"/ops", map[string]any{"op": "freeze"}); res.status != http.StatusNotFound {
		t.Errorf("another contest's organizer: %d %s", res.status, res.body)
	}
	sideways := fmt.Sprintf("/api/v1/contests/%d/live/rooms/%d/ops", oc.ID, rooms.Rooms[1].ID)
	if res = intruder.api(http.MethodPost, sideways, map[string]any{"op": "freeze"}); res.status != http.StatusNotFound {
		t.Errorf("a room of another contest through one's own: %d %s", res.status, res.body)
	}
	if res = intruder.get(fmt.Sprintf("/organizer/contests/%d/live/rooms/%d", oc.ID, rooms.Rooms[1].ID)); res.status != http.StatusNotFound {
		t.Errorf("another contest's console page through one's own: %d", res.status)
	}
	if r, _ := h.store.Live.Room(context.Background(), w.contest.ID, rooms.Rooms[1].ID); r.Frozen {
		t.Errorf("the intruder froze the board")
	}
}
