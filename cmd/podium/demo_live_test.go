package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"podium/contest"
	"podium/contest/judging"
	"podium/contest/live"
)

// TestDemoLiveDirectorPlaysTheFinal runs `podium demo --live` at a tiny pace
// inside a served Main (the real wiring: boards published through web and
// Redis) on a seeded demo: the semifinal is completed (every sheet
// submitted), its advancement confirmed by its quota and published; the
// advanced entries, and only they, are seated in demo-2026's 第一会场 with
// its six judges; the room reaches the end with every entry scored by every
// judge not conflicted; the public board served over HTTP is PostgreSQL's,
// its ranking is the round's ranking; the final's results are published
// with the finalists; every audit chain verifies; and a second `--live`
// says the final has been played rather than play it again.
func TestDemoLiveDirectorPlaysTheFinal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := testConfig(t)
	cfg.RedisPrefix = "podium_test_demo_live_" + uuid.NewString()[:8] + ":"
	m := &Main{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	t.Cleanup(func() { m.Close() })
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	storesOf(m).PasswordCost = bcrypt.MinCost
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	if _, err := seedDemo(ctx, m.Domain, m.URL()); err != nil {
		t.Fatal(err)
	}
	contestID := demoContestIDs(t, m)[demoSlug]
	semiSheets, err := m.Judging.SubmittedSheets(ctx, contestID, demoSemiRound)
	if err != nil {
		t.Fatal(err)
	}
	before, err := m.Live.Rooms(ctx, contestID, demoLiveRound)
	if err != nil || len(before) != 1 {
		t.Fatalf("demo final rooms %+v %v", before, err)
	}

	// `podium demo --live`, as runServe calls it, at a tiny pace.
	var out syncBuffer
	pace := livePace{Step: time.Millisecond, Sheet: time.Millisecond}
	if err := startLiveDemo(ctx, m, &out, pace); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- m.Serve(ctx) }()
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(out.String(), "Its results are published") {
		if time.Now().After(deadline) {
			t.Fatalf("the live demo did not finish:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("podium demo --live printed:\n%s", out.String())

	// The semifinal: complete, its advancement by its quota, published.
	c, err := m.Contests.Contest(ctx, contestID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Rounds[1].State != contest.RoundPublished || c.Rounds[2].State != contest.RoundPublished {
		t.Fatalf("rounds after the live demo: %+v", c.Rounds)
	}
	semiAssigned, err := m.Judging.Assignments(ctx, contestID, demoSemiRound)
	if err != nil {
		t.Fatal(err)
	}
	active := 0
	for _, a := range semiAssigned {
		if a.Active() {
			active++
		}
	}
	if semiAfter := submittedSheets(t, m, contestID, demoSemiRound); semiAfter != active || semiAfter <= len(semiSheets) {
		t.Errorf("semifinal sheets: %d before, %d after, %d assigned", len(semiSheets), semiAfter, active)
	}
	var advanced []int64
	if err := m.DB.SelectContext(ctx, &advanced, `SELECT r.entry_id FROM results r JOIN rounds ro ON ro.id = r.round_id
		WHERE ro.contest_id = $1 AND ro.key = $2 AND r.advanced AND r.published_at IS NOT NULL ORDER BY r.entry_id`, contestID, demoSemiRound); err != nil {
		t.Fatal(err)
	}
	if len(advanced) != len(demoFinalSeats) {
		t.Errorf("%d advanced from the semifinal, %d places in the final", len(advanced), len(demoFinalSeats))
	}

	// The final's room: its judges as seeded, the advanced entries, played to the end.
	rooms, err := m.Live.Rooms(ctx, contestID, demoLiveRound)
	if err != nil || len(rooms) != 1 {
		t.Fatalf("rooms %+v %v", rooms, err)
	}
	room := rooms[0]
	d := demoLive{ContestID: contestID, RoomID: room.ID}
	var seated []int64
	for _, s := range room.Slots {
		seated = append(seated, s.EntryID)
	}
	slices.Sort(seated)
	if room.Name != demoLiveRoom || !reflect.DeepEqual(room.Judges, before[0].Judges) || !slices.Equal(seated, advanced) {
		t.Errorf("the final's room %+v, advanced %v", room, advanced)
	}
	if !demoLiveOver(room) || room.Seed == "" || demoLivePlayable(room) {
		t.Fatalf("room at the end: %+v", room)
	}
	if !strings.Contains(out.String(), fmt.Sprintf("%s/live/%d/rooms/%d", m.URL(), contestID, room.ID)) {
		t.Errorf("the printed big screen is not the room's:\n%s", out.String())
	}
	// Every pitch scored by every seated judge but those conflicted, once.
	assignments, err := m.Judging.Assignments(ctx, contestID, demoLiveRound)
	if err != nil {
		t.Fatal(err)
	}
	var conflicted int
	if err := m.DB.GetContext(ctx, &conflicted, `SELECT count(*) FROM conflicts c JOIN live_room_judges j ON j.expert_id = c.expert_id
		WHERE c.contest_id = $1 AND j.room_id = $2 AND c.entry_id = ANY(SELECT entry_id FROM live_slots WHERE room_id = $2)`, contestID, room.ID); err != nil {
		t.Fatal(err)
	}
	perEntry := map[int64]int{}
	for _, a := range assignments {
		if a.State == judging.AssignmentActive {
			perEntry[a.EntryID]++
		}
	}
	sheets := 0
	for _, e := range advanced {
		sheets += perEntry[e]
	}
	if sheets != len(advanced)*len(demoLiveExperts)-conflicted {
		t.Errorf("%d assignments for %d finalists, %d conflicts", sheets, len(advanced), conflicted)
	}
	if n := submittedSheets(t, m, contestID, demoLiveRound); n != sheets {
		t.Errorf("%d final sheets submitted, want %d", n, sheets)
	}
	// The board is PostgreSQL's and ranks as the round's ranking does.
	public, err := m.Live.Board(ctx, contestID, room.ID, live.AudiencePublic)
	if err != nil {
		t.Fatal(err)
	}
	if public.Frozen || len(public.Ranking) != len(advanced) {
		t.Fatalf("public board at the end: frozen %v, ranking %+v", public.Frozen, public.Ranking)
	}
	ranking, _, err := m.Results.Ranking(ctx, contestID, demoLiveRound)
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, r := range ranking.Entries {
		want = append(want, fmt.Sprintf("%d %d.%02d", r.Rank, r.Score/100, r.Score%100))
	}
	for _, r := range public.Ranking {
		got = append(got, fmt.Sprintf("%d %s", r.Rank, r.Score))
	}
	if !slices.Equal(got, want) {
		t.Errorf("board ranks %v, the round's ranking %v", got, want)
	}
	resp, err := http.Get(fmt.Sprintf("%s/api/v1/live/contests/%d/rooms/%d/board", m.URL(), contestID, room.ID))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var screen struct {
		Data live.Board `json:"data"`
	}
	if err := json.Unmarshal(body, &screen); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("board over HTTP: %d %s %v", resp.StatusCode, body, err)
	}
	if !reflect.DeepEqual(screen.Data.Ranking, public.Ranking) { // the version moved on: the final was published since
		t.Errorf("screens' board %+v, PostgreSQL's %+v", screen.Data.Ranking, public.Ranking)
	}
	// Frozen before the last two pitches, their results revealed one by one.
	var actions []string
	if err := m.DB.SelectContext(ctx, &actions, `SELECT action FROM audit_log WHERE contest_id = $1
		AND action IN ('live.frozen', 'live.revealed', 'live.unfrozen') ORDER BY seq`, contestID); err != nil {
		t.Fatal(err)
	}
	if want := []string{"live.frozen", "live.revealed", "live.revealed", "live.unfrozen"}; !slices.Equal(actions, want) {
		t.Errorf("freeze and reveal: %v, want %v", actions, want)
	}

	// The final's results, published: the finalists, with prizes.
	published, err := m.Results.PublishedResults(ctx, contestID)
	if err != nil {
		t.Fatal(err)
	}
	var finalists []int64
	prizes := 0
	for _, p := range published {
		if p.Key != demoLiveRound {
			continue
		}
		for _, r := range p.Current.Results {
			finalists = append(finalists, r.EntryID)
			if r.AwardLevel != "" {
				prizes++
			}
		}
	}
	slices.Sort(finalists)
	if len(published) != 3 || !slices.Equal(finalists, advanced) || prizes == 0 {
		t.Errorf("published rounds %d, the final's %v (advanced %v), %d prizes", len(published), finalists, advanced, prizes)
	}
	// Every chain verifies, as `podium audit verify` checks.
	if n, problems, err := m.Audit.Verify(ctx, nil); err != nil || len(problems) > 0 || n == 0 {
		t.Errorf("audit chains: %d records, %v, %v", n, problems, err)
	}

	// Another `podium demo` says it has been played; another `--live` plays
	// nothing and tells how to play the story again.
	logins, err := seedDemo(ctx, m.Domain, m.URL())
	if err != nil || !strings.Contains(logins, "played") {
		t.Errorf("logins after the final: %v\n%s", err, logins)
	}
	if state, err := demoFinalStateOf(ctx, m.Domain, d); err != nil || state != finalPlayed {
		t.Errorf("the final after the play: %v %v", state, err)
	}
	var again bytes.Buffer
	if err := startLiveDemo(ctx, m, &again, pace); err != nil || !strings.Contains(again.String(), "podium demo --reset --live") {
		t.Errorf("a second --live: %v\n%s", err, again.String())
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}

// submittedSheets counts a round's submitted sheets of active assignments.
func submittedSheets(t *testing.T, m *Main, contestID int64, round string) int {
	t.Helper()
	var n int
	if err := m.DB.GetContext(context.Background(), &n, `SELECT count(*) FROM score_sheets sh JOIN assignments a ON a.id = sh.assignment_id
		JOIN rounds r ON r.id = a.round_id WHERE r.contest_id = $1 AND r.key = $2 AND a.state = 'active' AND sh.state = 'submitted'`,
		contestID, round); err != nil {
		t.Fatal(err)
	}
	return n
}

// syncBuffer is a bytes.Buffer the live demo's goroutine writes while the
// test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
