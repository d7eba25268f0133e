package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/live"
	"podium/files/blob"
	"podium/files/pdfmeta"
	"podium/web"
)

// TestJudgeFacingRoutesAreBlind seeds an entrant whose every identity field is
// distinctive, assigns the entry to a judge, and walks every route a judge can
// reach: no response body or header may carry any of them.
func TestJudgeFacingRoutesAreBlind(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("blind"))
	if err != nil {
		t.Fatal(err)
	}
	identity := entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "秘密星辰量子科技有限公司", USCC: "91110000802100433B",
		ContactName: "欧阳绝密", ContactPhone: "13912345678", ContactEmail: "secret.founder@example.com",
		Members: []entry.Member{{Name: "司马隐名", Role: "CTO"}, {Name: "诸葛匿迹", Role: "CFO"}, {Name: "Ouyang Juemi", Role: "顾问"}}}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "secret-login@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, identity); err != nil {
		t.Fatal(err)
	}
	title := "量子隐形项目甲"
	ent, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: "materials", Group: "enterprise", Title: title,
		Fields: entry.Fields{Summary: "由秘密星辰量子科技有限公司研发。", Team: "欧阳绝密任 CEO，司马隐名负责技术，诸葛匿迹负责财务。",
			// The names in other spellings: case, full-width forms, a space inside.
			Technology: "量子点材料，秘密星辰量子科技 有限公司专利；顾问 OUYANG JUEMI（ｏｕｙａｎｇ　ｊｕｅｍｉ）。",
			// Contact details and a credit code typed into free text, beside ordinary numbers.
			Financing: "拟融资 1,000,000 元（2025 年）。联系 139-1234-5678 或 +86 139 1234 5678，座机 0571-88888888，" +
				"邮件 Founder@Secret-Star.CN，统一社会信用代码 91350100MA2Y0G7L1X。",
			Keywords: []string{"量子", "ouyang juemi"}}})
	if err != nil {
		t.Fatal(err)
	}
	// A real LibreOffice export whose document properties and XMP name the
	// entrant (Title, Author, Keywords), recorded without a judge copy (as
	// uploads from before judge copies were): the first judge to open it
	// gets one made.
	pdf, err := os.ReadFile("../files/pdfmeta/testdata/libreoffice-pdfa.pdf")
	if err != nil {
		t.Fatal(err)
	}
	key := blob.NewKey()
	size, sum, err := h.blobs.Put(ctx, key, bytes.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	uploadID := uuid.NewString()
	originalName := "欧阳绝密的秘密星辰计划书.pdf"
	if _, err := h.store.AddUpload(ctx, entrant.ID, ent.ID, entry.StoredUpload{Upload: entry.Upload{ID: uploadID, Kind: entry.UploadBusinessPlan,
		Name: originalName, ContentType: "application/pdf", Size: size, SHA256: sum}, Key: key}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.SubmitEntry(ctx, entrant.ID, ent.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.ReviewEntries(ctx, org.ID, c.ID, []int64{ent.ID}, true, ""); err != nil {
		t.Fatal(err)
	}
	x, err := h.store.SaveExpert(ctx, org.ID, judging.ExpertInput{Name: "评委甲", Organization: "某大学"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetPanel(ctx, org.ID, c.ID, "prelim", []int64{x.ID}); err != nil {
		t.Fatal(err)
	}
	setup := c.Setup
	setup.Rounds[0].ReviewsPerEntry = 1
	if _, err := h.store.UpdateContest(ctx, org.ID, c.ID, setup); err != nil {
		t.Fatal(err)
	}
	run, err := h.store.StartAssignment(ctx, org.ID, c.ID, "prelim", 1)
	if err != nil {
		t.Fatal(err)
	}
	if run, err = h.store.RunAssignment(ctx, org.ID, c.ID, "prelim", run.ID); err != nil || run.Added != 1 {
		t.Fatalf("run %+v %v", run, err)
	}
	inv, err := h.store.InviteExpert(ctx, org.ID, c.ID, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetRoundState(ctx, org.ID, c.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	list, _ := h.store.Assignments(ctx, c.ID, "prelim")
	judgeAcct, err := h.store.Account(ctx, inv.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	judge := h.loggedIn(judgeAcct)
	// The organizers remind the judge: the reminder is on the judge's pages walked below.
	if err := h.store.RemindJudge(ctx, org.ID, c.ID, "prelim", x.ID); err != nil {
		t.Fatal(err)
	}
	reminders, err := h.store.JudgeReminders(ctx, access.EveryContest(judgeAcct.ID))
	if err != nil || len(reminders) != 1 {
		t.Fatalf("reminders %+v %v", reminders, err)
	}

	secrets := []string{identity.Name, "秘密星辰", identity.USCC, identity.ContactName, identity.ContactPhone, identity.ContactEmail,
		"司马隐名", "诸葛匿迹", title, originalName, "secret-login@example.com",
		"秘密星辰量子科技 有限公司", "Ouyang Juemi", "OUYANG JUEMI", "ｏｕｙａｎｇ　ｊｕｅｍｉ", "ouyang juemi",
		"139-1234-5678", "+86 139 1234 5678", "0571-88888888", "Founder@Secret-Star.CN", "91350100MA2Y0G7L1X"}
	check := func(what string, res response) {
		t.Helper()
		all := res.body
		for k, v := range res.header {
			all += "\n" + k + ": " + strings.Join(v, ",")
		}
		for _, s := range secrets {
			if strings.Contains(all, s) {
				t.Errorf("%s carries %q", what, s)
			}
		}
	}
	visited := 0
	for _, r := range h.server.Routes() {
		if r.Access != web.Judge && !(r.Access == web.LoggedIn && r.Method == http.MethodGet) {
			continue
		}
		path := strings.NewReplacer(":assignment", fmt.Sprint(list[0].ID), ":upload", uploadID, ":reminder", fmt.Sprint(reminders[0].ID)).Replace(r.Path)
		var res response
		switch r.Method {
		case http.MethodGet:
			res = judge.get(path)
		case http.MethodPut:
			res = judge.api(r.Method, path, map[string]any{"marks": map[string]float64{"tech": 30}})
		default:
			continue // writes are checked below with real content
		}
		if res.status >= 500 {
			t.Errorf("%s %s: %d", r.Method, path, res.status)
		}
		check(r.Method+" "+path, res)
		visited++
	}
	if visited < 5 {
		t.Fatalf("visited only %d judge-facing routes", visited)
	}
	for path, shown := range map[string]string{"/judge": fmt.Sprintf(`/judge/reminders/%d/dismiss`, reminders[0].ID),
		"/api/v1/judge/tasks": fmt.Sprintf(`"reminders":[{"id":%d,`, reminders[0].ID)} {
		if res := judge.get(path); !strings.Contains(res.body, shown) {
			t.Errorf("%s does not show the reminder, so its blindness was not checked: %.300s", path, res.body)
		}
	}
	dismissed := judge.api(http.MethodPost, fmt.Sprintf("/api/v1/judge/reminders/%d/dismiss", reminders[0].ID), nil)
	if dismissed.status != http.StatusOK {
		t.Errorf("dismiss: %d %s", dismissed.status, dismissed.body)
	}
	check("dismissing the reminder", dismissed)
	// The submission's response, and the draft's, are judge-facing too.
	res := judge.do(http.MethodPost, fmt.Sprintf("/api/v1/judge/assignments/%d/sheet", list[0].ID), "application/json",
		strings.NewReader(`{"marks":{"tech":30,"market":20,"team":25}}`), "X-CSRF-Token", judge.csrf, "Idempotency-Key", "blind-1")
	if res.status != http.StatusCreated {
		t.Fatalf("submit: %d %s", res.status, res.body)
	}
	check("the submission", res)
	// The judge's view still shows the redacted team text, so redaction is what hid the names.
	page := judge.get(fmt.Sprintf("/judge/assignments/%d", list[0].ID))
	if !strings.Contains(page.body, "■■任 CEO") {
		t.Errorf("the team field was not shown with names blacked out")
	}
	// The rest of the text is as the entrant wrote it: ordinary numbers stay,
	// only names and contact details are marked.
	for _, want := range []string{"量子点材料，■■专利；顾问 ■■（■■）。", "拟融资 1,000,000 元（2025 年）。联系 ■■ 或 ■■，座机 ■■，邮件 ■■，统一社会信用代码 ■■。"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the judge's page lacks %q", want)
		}
	}
	// The material is served under the blind code, not the uploaded name.
	file := judge.get(fmt.Sprintf("/judge/assignments/%d/files/%s", list[0].ID, uploadID))
	if file.status != http.StatusOK || !strings.Contains(file.header.Get("Content-Disposition"), list[0].BlindCode) {
		t.Errorf("material: %d %q", file.status, file.header.Get("Content-Disposition"))
	}
	// Its bytes are a copy without the document properties and XMP that
	// named the entrant, with the same pages.
	meta, err := pdfmeta.Scrub(ctx, bytes.NewReader([]byte(file.body)), int64(len(file.body)), io.Discard)
	if err != nil {
		t.Fatalf("the material is not a readable PDF: %v", err)
	}
	for _, f := range meta {
		if slices.ContainsFunc(secrets, func(s string) bool { return strings.Contains(f.Value, s) }) {
			t.Errorf("the material's metadata names the entrant: %s: %s", f.Key, f.Value)
		}
	}
	if text := extractText(t, []byte(file.body)); !strings.Contains(text, "量子点散热膜") {
		t.Errorf("the material lost its text: %q", text)
	}
	// The copy was recorded: a second request gets the same bytes.
	if again := judge.get(fmt.Sprintf("/judge/assignments/%d/files/%s", list[0].ID, uploadID)); again.body != file.body {
		t.Error("a second request got another copy")
	}
}

// extractText is poppler's text of a PDF: an independent reader.
func extractText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("this test needs pdftotext: apt-get install -y poppler-utils")
	}
	cmd := exec.Command(bin, "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// wsRecorder is a judge's tablet on the judges' websocket: it keeps every
// message as received, byte for byte.
type wsRecorder struct {
	mu     sync.Mutex
	raw    []string
	latest int64 // the highest version received
	change chan struct{}
}

func dialJudgeWS(t *testing.T, h *harness, cl *client, room int64) *wsRecorder {
	t.Helper()
	u := mustURL(t, h.http.URL)
	header := http.Header{"Origin": {h.http.URL}}
	for _, ck := range cl.http.Jar.Cookies(u) {
		header.Add("Cookie", ck.String())
	}
	ws, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(h.http.URL, "http")+fmt.Sprintf("/judge/live/rooms/%d/ws", room), header)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial the judges' websocket: %v (%d)", err, status)
	}
	t.Cleanup(func() { ws.Close() })
	r := &wsRecorder{change: make(chan struct{}, 1)}
	go func() {
		for {
			_, b, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var m struct {
				Version int64 `json:"version"`
			}
			_ = json.Unmarshal(b, &m)
			r.mu.Lock()
			r.raw = append(r.raw, string(b))
			r.latest = max(r.latest, m.Version)
			r.mu.Unlock()
			select {
			case r.change <- struct{}{}:
			default:
			}
		}
	}()
	return r
}

// waitVersion waits until the tablet has received version v or a later one.
func (r *wsRecorder) waitVersion(t *testing.T, what string, v int64) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		got := r.latest
		r.mu.Unlock()
		if got >= v {
			return
		}
		select {
		case <-r.change:
		case <-deadline:
			t.Fatalf("%s: the judges' websocket never delivered version %d (latest %d)", what, v, got)
		}
	}
}

func (r *wsRecorder) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.raw)
}

// TestLiveJudgeTabletIsBlind drives a live room's stage through every
// operation (the draw, moving an entry to the end, the pitch and its pause,
// the questions, scoring opened and closed, sheets submitted and one
// reopened, results shown, the board frozen, revealed and unfrozen, an entry
// marked absent) while two judges of the room — one of them recused for an
// entry — listen on the judges' websocket. Every message they receive, every
// stage they fetch (GET /api/v1/judge/live/rooms/:room), their live page and
// their submissions' answers are collected. In a blind round none carries any
// identity of any entrant (titles, organizations, names, contacts, file
// names); where the round makes names public (names_public), the stage names
// the entry on stage (title and organization) and still nothing else, and the
// websocket, which only nudges the tablets, never names anyone.
func TestLiveJudgeTabletIsBlind(t *testing.T) {
	for _, public := range []bool{false, true} {
		t.Run(fmt.Sprintf("names_public=%v", public), func(t *testing.T) {
			store, clock := contesttest.NewStore(t)
			rdb, prefix := contesttest.NewRedis(t)
			h := liveInstance(t, store, clock, rdb, prefix)
			w := newLiveWorld(t, h, public)
			ctx := context.Background()
			room := w.rooms[0].ID
			tablets := []*client{h.loggedIn(w.judges[0]), h.loggedIn(w.judges[2])} // judge 2 is recused for entry 1
			screens := []*wsRecorder{dialJudgeWS(t, h, tablets[0], room), dialJudgeWS(t, h, tablets[1], room)}
			var collected []response // every HTTP answer a tablet got
			var stages []live.JudgeStage
			steps := 0
			// step publishes the room (as the console's handlers do after a change), waits
			// for both tablets to hear of it, and fetches what they fetch.
			step := func(what string) {
				t.Helper()
				steps++
				h.server.PublishRoom(ctx, w.contest.ID, room, true)
				for i, cl := range tablets {
					res := cl.get(fmt.Sprintf("/api/v1/judge/live/rooms/%d", room))
					if res.status != http.StatusOK {
						t.Fatalf("%s: stage for tablet %d: %d %s", what, i, res.status, res.body)
					}
					var st live.JudgeStage
					res.json(t, &st)
					stages = append(stages, st)
					screens[i].waitVersion(t, what, st.Version)
					collected = append(collected, res, cl.get(fmt.Sprintf("/judge/live/rooms/%d", room)))
				}
			}
			org := w.org.ID
			do := func(what string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				step(what)
			}
			_, err := store.Live.CommitDraw(ctx, org, w.contest.ID, room, live.Commitment("blind-walk"))
			do("commit", err)
			r, err := store.Live.RevealDraw(ctx, org, w.contest.ID, room, "blind-walk")
			do("reveal", err)
			slots := slices.Clone(r.Slots)
			slices.SortFunc(slots, func(a, b live.Slot) int { return *a.Position - *b.Position })
			_, err = store.Live.MoveToEnd(ctx, org, w.contest.ID, room, slots[0].ID, "候场未到")
			do("move to end", err)
			sheet := func(cl *client, st live.JudgeStage, n int) {
				t.Helper()
				res := cl.do(http.MethodPost, fmt.Sprintf("/api/v1/judge/assignments/%d/sheet", st.Current.AssignmentID), "application/json",
					strings.NewReader(`{"marks":{"tech":30,"market":20,"team":25}}`), "X-CSRF-Token", cl.csrf, "Idempotency-Key", fmt.Sprint("walk-", st.Current.AssignmentID, "-", n))
				if res.status != http.StatusCreated {
					t.Fatalf("submit: %d %s", res.status, res.body)
				}
				collected = append(collected, res)
			}
			judge1 := h.loggedIn(w.judges[1])
			recusedSeen := false
			for n := range 3 { // three entries pitch; the fourth is marked absent
				for _, op := range []live.Op{live.OpNext, live.OpStartPitch, live.OpPause, live.OpResume, live.OpStartQA, live.OpOpenScoring} {
					if op == live.OpNext && n == 0 {
						continue // the reveal called the first entry
					}
					if op == live.OpPause || op == live.OpResume {
						clock.Advance(30 * time.Second)
					}
					_, err := store.Live.Apply(ctx, org, w.contest.ID, room, op)
					do(fmt.Sprint(op, " for the entry ", n), err)
				}
				for _, cl := range []*client{tablets[0], tablets[1], judge1} {
					st := stages[len(stages)-1]
					res := cl.get(fmt.Sprintf("/api/v1/judge/live/rooms/%d", room))
					collected = append(collected, res)
					res.json(t, &st)
					if st.Current.Recused {
						recusedSeen = true
						continue
					}
					sheet(cl, st, n)
				}
				step("sheets submitted") // also published by SheetChanged, off the request
				if n == 1 {
					_, err := store.Live.ReopenSheet(ctx, org, w.contest.ID, room, 1, "评委误触")
					do("reopen", err)
					var st live.JudgeStage
					tablets[0].get(fmt.Sprintf("/api/v1/judge/live/rooms/%d", room)).json(t, &st)
					sheet(tablets[0], st, 100)
					step("resubmitted")
				}
				for _, op := range []live.Op{live.OpCloseScoring, live.OpShowResult} {
					_, err := store.Live.Apply(ctx, org, w.contest.ID, room, op)
					do(string(op), err)
				}
				if n == 0 {
					_, err := store.Live.Apply(ctx, org, w.contest.ID, room, live.OpFreeze)
					do("freeze", err)
				}
			}
			for _, op := range []live.Op{live.OpRevealNext, live.OpUnfreeze} {
				_, err := store.Live.Apply(ctx, org, w.contest.ID, room, op)
				do(string(op), err)
			}
			r, err = store.Live.Room(ctx, w.contest.ID, room)
			if err != nil {
				t.Fatal(err)
			}
			for _, sl := range r.Slots {
				if sl.Status == live.SlotWaiting {
					_, err := store.Live.MarkAbsent(ctx, org, w.contest.ID, room, sl.ID, "弃权")
					do("absent", err)
				}
			}
			_, err = store.Live.Apply(ctx, org, w.contest.ID, room, live.OpNext)
			do("next after the last", err)
			if !recusedSeen {
				t.Error("the recused judge's entry never came on stage: the walk missed the recused stage")
			}

			// What the tablets received.
			allowed := map[string]bool{}
			if public {
				for i := range w.entries {
					allowed[w.titles[i]], allowed[w.orgs[i]] = true, true
				}
			}
			check := func(what, text string) {
				t.Helper()
				for _, s := range w.identities {
					if strings.Contains(text, s) && !allowed[s] {
						t.Errorf("%s carries %q: %.300s", what, s, text)
					}
				}
			}
			nmsg := 0
			for i, sc := range screens {
				for _, m := range sc.messages() {
					nmsg++
					// The websocket nudges: no identity even where names are public.
					for _, s := range w.identities {
						if strings.Contains(m, s) {
							t.Errorf("tablet %d's websocket message carries %q: %s", i, s, m)
						}
					}
				}
			}
			if nmsg < steps {
				t.Errorf("only %d websocket messages for %d steps", nmsg, steps)
			}
			for _, res := range collected {
				all := res.body
				for k, v := range res.header {
					all += "\n" + k + ": " + strings.Join(v, ",")
				}
				check("a tablet's HTTP answer", all)
			}
			named := 0
			for _, st := range stages {
				if st.Current == nil {
					continue
				}
				if public != (st.Current.Names != nil) {
					t.Errorf("names_public=%v, yet the stage's names are %+v", public, st.Current.Names)
				}
				if st.Current.Names != nil && slices.Contains(w.titles, st.Current.Names.Title) && slices.Contains(w.orgs, st.Current.Names.Organization) {
					named++
				}
			}
			if public && named == 0 {
				t.Error("names_public is on, yet no stage named the entry on stage")
			}
			if !public && named != 0 {
				t.Errorf("a blind round's stage named the entry %d times", named)
			}
		})
	}
}
