package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"podium/contest/access"
	"podium/contest/judging"
	"podium/contest/live"
)

// TestDemoLiveDirectorPlaysTheFinal runs `podium demo --live`'s director at a
// tiny pace inside a served Main (the real wiring: boards published through
// web and Redis): the room reaches the end with every entry scored by every
// judge not conflicted, the public board served over HTTP is PostgreSQL's,
// its ranking is the round's ranking, and the audit chain verifies.
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
	organizer, err := ensureAccount(ctx, m.Domain, access.NewAccount{Role: access.RoleOrganizer, Email: demoOrganizerEmail,
		DisplayName: "演示组织方", Password: demoPassword})
	if err != nil {
		t.Fatal(err)
	}
	d, err := seedDemoLive(ctx, m.Domain, organizer.ID)
	if err != nil {
		t.Fatal(err)
	}
	dir := newLiveDirector(m.Domain, organizer.ID, d, livePace{Step: time.Millisecond, Sheet: time.Millisecond}, m.Log)
	var published int
	dir.publish = func(ctx context.Context, contestID, roomID int64, reconcile bool) {
		published++
		m.Web.PublishRoom(ctx, contestID, roomID, reconcile)
	}
	type result struct {
		b   live.Board
		err error
	}
	played := make(chan result, 1)
	m.Go(func(ctx context.Context) {
		b, err := dir.Run(ctx)
		played <- result{b, err}
	})
	served := make(chan error, 1)
	go func() { served <- m.Serve(ctx) }()
	var end live.Board
	select {
	case r := <-played:
		if r.err != nil {
			t.Fatal(r.err)
		}
		end = r.b
	case <-time.After(2 * time.Minute):
		t.Fatal("the director did not finish")
	}

	room, err := m.Live.Room(ctx, d.ContestID, d.RoomID)
	if err != nil {
		t.Fatal(err)
	}
	if !demoLiveOver(room) || room.Seed == "" || len(room.Slots) != len(demoLiveEntrants) {
		t.Fatalf("room at the end: %+v", room)
	}
	if demoLivePlayable(room) {
		t.Error("a played final is still playable")
	}
	// Every pitch scored by every seated judge but the conflicted one, once.
	assignments, err := m.Judging.Assignments(ctx, d.ContestID, demoLiveRound)
	if err != nil {
		t.Fatal(err)
	}
	active := map[string]int{}
	for _, a := range assignments {
		if a.State == judging.AssignmentActive {
			active[a.EntryTitle]++
		}
		if a.ExpertName == "郭振华" && a.EntryTitle == "钠离子电池层状氧化物正极材料量产" && a.Active() {
			t.Error("the conflicted judge is assigned to 钠能新材料's pitch")
		}
	}
	sheets := 0
	for _, e := range demoLiveEntrants {
		want := len(demoLiveExperts)
		if e.org.Name == "钠能新材料科技有限公司" {
			want--
		}
		if active[e.title] != want {
			t.Errorf("%s: %d judges, want %d", e.title, active[e.title], want)
		}
		sheets += want
	}
	var submitted int
	if err := m.DB.GetContext(ctx, &submitted, `SELECT count(*) FROM score_sheets sh JOIN assignments a ON a.id = sh.assignment_id
		JOIN rounds r ON r.id = a.round_id WHERE r.contest_id = $1 AND sh.state = 'submitted'`, d.ContestID); err != nil {
		t.Fatal(err)
	}
	if submitted != sheets {
		t.Errorf("%d sheets submitted, want %d", submitted, sheets)
	}
	// The board the director ended on is PostgreSQL's, the organizer's agrees,
	// and both rank as the round's ranking does.
	public, err := m.Live.Board(ctx, d.ContestID, d.RoomID, live.AudiencePublic)
	if err != nil {
		t.Fatal(err)
	}
	organizerBoard, err := m.Live.Board(ctx, d.ContestID, d.RoomID, live.AudienceOrganizer)
	if err != nil {
		t.Fatal(err)
	}
	if public.Frozen || len(public.Ranking) != len(demoLiveEntrants) {
		t.Fatalf("public board at the end: frozen %v, ranking %+v", public.Frozen, public.Ranking)
	}
	if !reflect.DeepEqual(end.Ranking, public.Ranking) || end.Version != public.Version {
		t.Errorf("director's last board %+v, PostgreSQL's %+v", end.Ranking, public.Ranking)
	}
	if !reflect.DeepEqual(organizerBoard.Ranking, public.Ranking) {
		t.Errorf("organizer's ranking %+v, public %+v", organizerBoard.Ranking, public.Ranking)
	}
	ranking, _, err := m.Results.Ranking(ctx, d.ContestID, demoLiveRound)
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
	// The screens' board, served from the fan-out, is the same.
	resp, err := http.Get(fmt.Sprintf("%s/api/v1/live/contests/%d/rooms/%d/board", m.URL(), d.ContestID, d.RoomID))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var screen struct {
		Version int64      `json:"version"`
		Data    live.Board `json:"data"`
	}
	if err := json.Unmarshal(body, &screen); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("board over HTTP: %d %s %v", resp.StatusCode, body, err)
	}
	if screen.Data.Version != public.Version || !reflect.DeepEqual(screen.Data.Ranking, public.Ranking) {
		t.Errorf("screens' board v%d %+v, PostgreSQL's v%d", screen.Data.Version, screen.Data.Ranking, public.Version)
	}
	// Frozen before the last two pitches, their results revealed one by one.
	var actions []string
	if err := m.DB.SelectContext(ctx, &actions, `SELECT action FROM audit_log WHERE contest_id = $1
		AND action IN ('live.frozen', 'live.revealed', 'live.unfrozen') ORDER BY seq`, d.ContestID); err != nil {
		t.Fatal(err)
	}
	if want := []string{"live.frozen", "live.revealed", "live.revealed", "live.unfrozen"}; !slices.Equal(actions, want) {
		t.Errorf("freeze and reveal: %v, want %v", actions, want)
	}
	if published == 0 {
		t.Error("the director published nothing")
	}
	if n, problems, err := m.Audit.Verify(ctx, &d.ContestID); err != nil || len(problems) > 0 || n == 0 {
		t.Errorf("audit chain: %d records, %v, %v", n, problems, err)
	}
	// A second demo start seeds the next final rather than the one played.
	next, err := seedDemoLive(ctx, m.Domain, organizer.ID)
	if err != nil || next.ContestID == d.ContestID || !strings.HasSuffix(next.Slug, "-2") {
		t.Errorf("after a played final: %+v %v", next, err)
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}
