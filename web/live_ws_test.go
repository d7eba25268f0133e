package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/live"
	"podium/files/blob"
	"podium/internal/testredis"
	"podium/web"
	fanout "podium/web/live"
)

// liveInstance is one Podium web server of several on one database and one
// Redis prefix, with its live broker running (its one subscription).
func liveInstance(t *testing.T, store *contesttest.Stores, clock *contesttest.Clock, rdb redis.UniversalClient, prefix string, logs ...io.Writer) *harness {
	t.Helper()
	blobDir, stagingDir := t.TempDir(), t.TempDir()
	blobs, err := blob.NewLocal(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	store.Blobs = blobs
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logs = append(logs, testWriter{t})
	}
	if len(logs) > 0 {
		log = slog.New(slog.NewTextHandler(io.MultiWriter(logs...), &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	var srv *web.Server
	hub := web.NewLiveHub(fanout.Options{Log: log, MinInterval: -1})
	broker := fanout.NewBroker(rdb, hub, fanout.BrokerOptions{Prefix: prefix, Log: log, CheckInterval: 100 * time.Millisecond,
		Rebuild: func(ctx context.Context) error { return srv.RebuildLive(ctx) }})
	srv, err = web.New(web.Config{
		DB: store.DB, Contests: store.Contests, Accounts: store.Accounts, Entries: store.Entries, Judging: store.Judging,
		Results: store.Results, Audit: store.Audit, Live: store.Live, LiveHub: hub, LiveBroker: broker,
		Redis: rdb, RedisPrefix: prefix, Blobs: blobs, StagingDir: stagingDir, Log: log,
		LoginPerAccount: redis_rate.PerMinute(1000), LoginPerIP: redis_rate.PerMinute(1000),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = broker.Run(ctx)
	}()
	h := &harness{t: t, store: store, clock: clock, server: srv, http: httptest.NewServer(srv.Handler()), blobs: blobs,
		blobDir: blobDir, stagingDir: stagingDir}
	t.Cleanup(func() {
		hub.Close()
		h.http.Close()
		closeCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		if err := srv.Close(closeCtx); err != nil {
			t.Error(err)
		}
		cancel()
		<-done
	})
	return h
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// secondStore opens another pool on store's database: a second instance's own
// services (its own judging.SheetChanged).
func secondStore(t *testing.T, store *contesttest.Stores, clock *contesttest.Clock) *contesttest.Stores {
	t.Helper()
	var name string
	if err := store.DB.Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	u := mustURL(t, contesttest.DatabaseURL())
	u.Path = "/" + name
	db, err := contest.OpenDB(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	s := contesttest.StoresOn(db)
	s.DB.Now = clock.Now
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Judging.Close(ctx)
		db.Close()
	})
	return s
}

// liveFinal is contesttest.LiveFinal, as these tests name it.
type liveFinal struct {
	organizer, otherOrganizer access.Account
	contest, otherContest     contest.Contest
	judges                    []access.Account // by expert
	rooms                     []live.Room
}

func newLiveFinal(t *testing.T, s *contesttest.Stores) *liveFinal {
	t.Helper()
	f := contesttest.NewLiveFinal(t, s)
	return &liveFinal{organizer: f.Organizer, otherOrganizer: f.OtherOrganizer, contest: f.Contest, otherContest: f.OtherContest,
		judges: f.Judges, rooms: f.Rooms}
}

// assignment is the judge's assignment for the entry on stage in room 0.
func (w *liveFinal) assignment(t *testing.T, s *contesttest.Stores, judge int) int64 {
	t.Helper()
	st, err := s.Live.JudgeStage(context.Background(), access.EveryContest(w.judges[judge].ID), w.rooms[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current == nil || st.Current.AssignmentID == 0 || !st.ScoringOpen {
		t.Fatalf("judge %d cannot score: %+v", judge, st)
	}
	return st.Current.AssignmentID
}

// submit submits judge's sheet through the instance's HTTP API, as a tablet does.
func (w *liveFinal) submit(t *testing.T, h *harness, judge int, tech int) {
	t.Helper()
	id := w.assignment(t, h.store, judge)
	cl := h.loggedIn(w.judges[judge])
	res := cl.do(http.MethodPost, fmt.Sprintf("/api/v1/judge/assignments/%d/sheet", id), "application/json",
		strings.NewReader(fmt.Sprintf(`{"marks":{"tech":%d,"market":20,"team":20}}`, tech)),
		"X-CSRF-Token", cl.csrf, "Idempotency-Key", fmt.Sprintf("live-%d-%d", judge, id))
	if res.status != http.StatusCreated {
		t.Fatalf("judge %d submits: %d %s", judge, res.status, res.body)
	}
}

func (w *liveFinal) publicPath(room int) string {
	return fmt.Sprintf("/live/%d/rooms/%d/ws", w.contest.ID, w.rooms[room].ID)
}

// screen is a websocket client that records every message it receives.
type screen struct {
	t    *testing.T
	name string
	ws   *websocket.Conn

	mu     sync.Mutex
	msgs   []fanout.Message
	status fanout.Status
	closed error
	change chan struct{}
}

func dialScreen(t *testing.T, h *harness, name, path string, header http.Header) (*screen, *http.Response, error) {
	t.Helper()
	url := "ws" + strings.TrimPrefix(h.http.URL, "http") + path
	ws, res, err := websocket.DefaultDialer.Dial(url, header)
	if err != nil {
		return nil, res, err
	}
	sc := &screen{t: t, name: name, ws: ws, status: fanout.StatusLive, change: make(chan struct{}, 1)}
	t.Cleanup(func() { ws.Close() })
	go func() {
		for {
			var m fanout.Message
			if err := ws.ReadJSON(&m); err != nil {
				sc.mu.Lock()
				sc.closed = err
				sc.mu.Unlock()
				sc.notify()
				return
			}
			sc.mu.Lock()
			if m.Type == fanout.TypeStatus {
				sc.status = m.Status
			} else {
				sc.msgs = append(sc.msgs, m)
			}
			sc.mu.Unlock()
			sc.notify()
		}
	}()
	return sc, res, nil
}

func mustScreen(t *testing.T, h *harness, name, path string) *screen {
	t.Helper()
	sc, res, err := dialScreen(t, h, name, path, nil)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("%s: dial %s: %v (status %d)", name, path, err, status)
	}
	return sc
}

func (sc *screen) notify() {
	select {
	case sc.change <- struct{}{}:
	default:
	}
}

// last is the state the screen shows: its last snapshot or update.
func (sc *screen) last() (fanout.Message, fanout.Status, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if len(sc.msgs) == 0 {
		return fanout.Message{}, sc.status, false
	}
	return sc.msgs[len(sc.msgs)-1], sc.status, true
}

// waitFor waits until ok holds for the screen's state and status.
func (sc *screen) waitFor(what string, ok func(m fanout.Message, st fanout.Status) bool) fanout.Message {
	sc.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		m, st, has := sc.last()
		if has && ok(m, st) {
			return m
		}
		select {
		case <-sc.change:
		case <-deadline:
			sc.mu.Lock()
			err := sc.closed
			sc.mu.Unlock()
			sc.t.Fatalf("%s: never saw %s; shows %s (status %s, closed: %v)", sc.name, what, describe(m), st, err)
		}
	}
}

// inOrder checks that the screen was never sent an older state than one it had.
func (sc *screen) inOrder() {
	sc.t.Helper()
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for i := 1; i < len(sc.msgs); i++ {
		a, b := sc.msgs[i-1], sc.msgs[i]
		if b.Epoch == a.Epoch && b.Version < a.Version {
			sc.t.Errorf("%s: version %d after %d", sc.name, b.Version, a.Version)
		}
	}
}

func describe(m fanout.Message) string {
	return fmt.Sprintf("%s v%d epoch %s %.300s", m.Type, m.Version, m.Epoch, m.Data)
}

func boardOf(t *testing.T, m fanout.Message) live.Board {
	t.Helper()
	var b live.Board
	if err := json.Unmarshal(m.Data, &b); err != nil {
		t.Fatalf("board %s: %v", m.Data, err)
	}
	return b
}

// totals is the judges' totals of the entry on stage, by seat ("" unscored).
func totals(b live.Board) []string {
	var out []string
	if b.Current != nil {
		for _, j := range b.Current.Judges {
			out = append(out, j.Total)
		}
	}
	return out
}

func scored(b live.Board) int {
	n := 0
	for _, tot := range totals(b) {
		if tot != "" {
			n++
		}
	}
	return n
}

// truth is the public board as PostgreSQL has it now.
func (w *liveFinal) truth(t *testing.T, s *contesttest.Stores, room int) live.Board {
	t.Helper()
	b, err := s.Live.Board(context.Background(), w.contest.ID, w.rooms[room].ID, live.AudiencePublic)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameBoard compares what a screen shows with the truth, but for the timer's
// moment of reading (see steadyTimer).
func sameBoard(t *testing.T, got, want live.Board) bool {
	t.Helper()
	got.Timer, want.Timer = live.Timer{}, live.Timer{}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	return string(a) == string(b)
}

// Two real server instances on one Redis: a score submitted through one
// reaches the spectators of the other, in order.
func TestLiveScoreReachesAnotherInstance(t *testing.T) {
	storeA, clock := contesttest.NewStore(t)
	storeB := secondStore(t, storeA, clock)
	rdb, prefix := contesttest.NewRedis(t)
	a := liveInstance(t, storeA, clock, rdb, prefix)
	b := liveInstance(t, storeB, clock, rdb, prefix)
	w := newLiveFinal(t, storeA)
	a.server.PublishRoom(context.Background(), w.contest.ID, w.rooms[0].ID, false)

	spectators := []*screen{mustScreen(t, b, "spectator on B", w.publicPath(0)), mustScreen(t, b, "second spectator on B", w.publicPath(0)),
		mustScreen(t, a, "spectator on A", w.publicPath(0))}
	first := spectators[0].waitFor("the snapshot", func(m fanout.Message, _ fanout.Status) bool { return m.Type == fanout.TypeSnapshot })
	if first.Epoch == "" || first.Board != fmt.Sprintf("c%d:room%d:public", w.contest.ID, w.rooms[0].ID) {
		t.Fatalf("snapshot %s", describe(first))
	}
	if n := scored(boardOf(t, first)); n != 0 {
		t.Fatalf("snapshot shows %d totals before any sheet", n)
	}
	for judge := range 5 {
		w.submit(t, a, judge, 20+judge)
		for _, sc := range spectators {
			sc.waitFor(fmt.Sprintf("%d totals", judge+1), func(m fanout.Message, _ fanout.Status) bool {
				return scored(boardOf(t, m)) == judge+1
			})
		}
	}
	want := w.truth(t, storeA, 0)
	for _, sc := range spectators {
		m, _, _ := sc.last()
		sc.inOrder()
		if got := boardOf(t, m); m.Version != want.Version || !sameBoard(t, got, want) {
			t.Errorf("%s shows %s, PostgreSQL has v%d %v", sc.name, describe(m), want.Version, totals(want))
		}
		sc.mu.Lock()
		n := len(sc.msgs)
		sc.mu.Unlock()
		if n < 6 { // the snapshot and one update per sheet (no coalescing here)
			t.Errorf("%s got %d messages, want a snapshot and 5 updates", sc.name, n)
		}
	}
	// B's screens were served from its memory (the board came through the
	// subscription, or from Redis once), never from PostgreSQL.
	if st := b.server.LiveHub().Stats(); st.FromMemory+st.FromSource != 2 {
		t.Errorf("instance B's two screens: %+v", st)
	}
}

// Redis stopped and restarted during scoring: no score is lost, every screen
// is told the board is catching up, then converges to the PostgreSQL truth
// under a new epoch.
func TestLiveBoardSurvivesRedisRestart(t *testing.T) {
	redisSrv := testredis.Start(t)
	storeA, clock := contesttest.NewStore(t)
	storeB := secondStore(t, storeA, clock)
	a := liveInstance(t, storeA, clock, redisSrv.Client(), "podium:")
	b := liveInstance(t, storeB, clock, redisSrv.Client(), "podium:")
	w := newLiveFinal(t, storeA)
	ctx := context.Background()
	a.server.PublishRoom(ctx, w.contest.ID, w.rooms[0].ID, false)
	token, _, err := storeA.CreateSession(ctx, w.organizer.ID)
	if err != nil {
		t.Fatal(err)
	}
	orgPath := fmt.Sprintf("/organizer/contests/%d/live/rooms/%d/ws", w.contest.ID, w.rooms[0].ID)
	orgScreen, res, err := dialScreen(t, a, "organizer on A", orgPath, http.Header{"Cookie": {"podium_session=" + token}})
	if err != nil {
		t.Fatalf("organizer's websocket: %v (%v)", err, res)
	}
	screens := []*screen{mustScreen(t, a, "spectator on A", w.publicPath(0)), mustScreen(t, b, "spectator on B", w.publicPath(0)), orgScreen}
	var epoch string
	for _, sc := range screens {
		epoch = sc.waitFor("the snapshot", func(m fanout.Message, _ fanout.Status) bool { return m.Type == fanout.TypeSnapshot }).Epoch
	}
	w.submit(t, a, 0, 30)
	w.submit(t, b, 1, 31)
	for _, sc := range screens {
		sc.waitFor("2 totals", func(m fanout.Message, _ fanout.Status) bool { return scored(boardOf(t, m)) == 2 })
	}

	redisSrv.Stop()
	// Scoring goes on through both instances.
	w.submit(t, b, 2, 32)
	w.submit(t, a, 3, 33)
	for _, sc := range screens {
		sc.waitFor("catching up", func(_ fanout.Message, st fanout.Status) bool { return st == fanout.StatusCatchingUp })
	}
	// The instance that took a sheet shows it to its own screens meanwhile.
	screens[0].waitFor("the sheet submitted through A", func(m fanout.Message, _ fanout.Status) bool {
		return totals(boardOf(t, m))[3] != ""
	})

	redisSrv.Start() // empty: it lost every key
	w.submit(t, b, 4, 34)
	wantPublic, wantOrg := w.truth(t, storeA, 0), live.Board{}
	if wantOrg, err = storeA.Live.Board(ctx, w.contest.ID, w.rooms[0].ID, live.AudienceOrganizer); err != nil {
		t.Fatal(err)
	}
	if scored(wantPublic) != 5 {
		t.Fatalf("PostgreSQL has %d of 5 totals: a score was lost", scored(wantPublic))
	}
	for _, sc := range screens {
		want := wantPublic
		if sc == orgScreen {
			want = wantOrg
		}
		m := sc.waitFor("the truth under a new epoch, live", func(m fanout.Message, st fanout.Status) bool {
			return st == fanout.StatusLive && m.Epoch != epoch && m.Version == want.Version && sameBoard(t, boardOf(t, m), want)
		})
		sc.inOrder()
		t.Logf("%s: %s", sc.name, describe(m))
	}
	var sheets int
	if err := storeA.DB.Get(&sheets, `SELECT count(*) FROM score_sheets WHERE state = 'submitted'`); err != nil {
		t.Fatal(err)
	}
	if sheets != 5 {
		t.Errorf("%d sheets submitted in PostgreSQL, want 5", sheets)
	}
	// Redis holds the rebuilt board too: a screen connecting now gets it.
	late := mustScreen(t, b, "late spectator on B", w.publicPath(0))
	late.waitFor("the truth", func(m fanout.Message, _ fanout.Status) bool {
		return m.Version == wantPublic.Version && m.Epoch != epoch && sameBoard(t, boardOf(t, m), wantPublic)
	})
}

// dialStatus opens a websocket and reports the HTTP status of the answer (101 when upgraded).
func dialStatus(t *testing.T, h *harness, path string, header http.Header) int {
	t.Helper()
	sc, res, err := dialScreen(t, h, path, path, header)
	if err == nil {
		sc.ws.Close()
		return http.StatusSwitchingProtocols
	}
	if res == nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	return res.StatusCode
}

// The boards' websockets on real rooms: the public one for anyone and from
// any origin; the organizers' for the contest's organizers, from this site;
// the judges' for the judges seated in the room only.
func TestLiveSocketsAuthorization(t *testing.T) {
	store, clock := contesttest.NewStore(t)
	rdb, prefix := contesttest.NewRedis(t)
	h := liveInstance(t, store, clock, rdb, prefix)
	w := newLiveFinal(t, store)
	ctx := context.Background()
	for _, r := range w.rooms {
		h.server.PublishRoom(ctx, w.contest.ID, r.ID, false)
	}
	entrant := contesttest.Account(t, store, access.RoleEntrant, "live-entrant@example.com")
	cookie := func(a access.Account) http.Header {
		token, _, err := store.CreateSession(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return http.Header{"Cookie": {"podium_session=" + token}}
	}
	judgePath := func(room int) string { return fmt.Sprintf("/judge/live/rooms/%d/ws", w.rooms[room].ID) }
	orgPath := func(contestID int64, room int) string {
		return fmt.Sprintf("/organizer/contests/%d/live/rooms/%d/ws", contestID, w.rooms[room].ID)
	}
	withOrigin := func(hd http.Header, origin string) http.Header {
		if hd == nil {
			hd = http.Header{}
		}
		hd.Set("Origin", origin)
		return hd
	}
	for _, c := range []struct {
		name   string
		path   string
		header http.Header
		want   int
	}{
		{"anyone: the public board", w.publicPath(0), nil, 101},
		{"anyone, from another site: the public board", w.publicPath(1), withOrigin(nil, "https://graphics.example"), 101},
		{"anyone: a room that does not exist", fmt.Sprintf("/live/%d/rooms/999999/ws", w.contest.ID), nil, 404},
		{"anyone: a room under another contest", fmt.Sprintf("/live/%d/rooms/%d/ws", w.otherContest.ID, w.rooms[0].ID), nil, 404},
		{"the contest's organizer", orgPath(w.contest.ID, 0), cookie(w.organizer), 101},
		{"the contest's organizer, from another site", orgPath(w.contest.ID, 0), withOrigin(cookie(w.organizer), "https://evil.example"), 403},
		{"another contest's organizer", orgPath(w.contest.ID, 0), cookie(w.otherOrganizer), 404},
		{"another contest's organizer, through their own contest", orgPath(w.otherContest.ID, 0), cookie(w.otherOrganizer), 404},
		{"anyone: the organizers' board", orgPath(w.contest.ID, 0), nil, 303},
		{"a judge seated in the room", judgePath(0), cookie(w.judges[0]), 101},
		{"a judge seated in the other room", judgePath(0), cookie(w.judges[5]), 404},
		{"a judge, their own room", judgePath(1), cookie(w.judges[5]), 101},
		{"a judge seated in room 0, room 1", judgePath(1), cookie(w.judges[0]), 404},
		{"a judge, from another site", judgePath(0), withOrigin(cookie(w.judges[0]), "https://evil.example"), 403},
		{"an entrant: the judges' board", judgePath(0), cookie(entrant), 403},
		{"the organizer: the judges' board", judgePath(0), cookie(w.organizer), 403},
		{"anyone: the judges' board", judgePath(0), nil, 303},
	} {
		if got := dialStatus(t, h, c.path, c.header); got != c.want {
			t.Errorf("%s (%s): %d, want %d", c.name, c.path, got, c.want)
		}
	}
	// The judges' board is a notification: no scores, no names.
	sc, _, err := dialScreen(t, h, "judge 0", judgePath(0), cookie(w.judges[0]))
	if err != nil {
		t.Fatal(err)
	}
	m := sc.waitFor("the snapshot", func(m fanout.Message, _ fanout.Status) bool { return m.Type == fanout.TypeSnapshot })
	var fields map[string]any
	if err := json.Unmarshal(m.Data, &fields); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if strings.Join(keys, ",") != "phase,room_id,scoring_open,slot_id,version" || fields["scoring_open"] != true || fields["phase"] != "scoring" {
		t.Errorf("judges' notice %s", m.Data)
	}
}

// The public board is served from the instance's memory without PostgreSQL
// (and, once seen, without Redis): a reconnect storm costs the database nothing.
func TestPublicBoardNeedsNoPostgreSQL(t *testing.T) {
	redisSrv := testredis.Start(t)
	store, clock := contesttest.NewStore(t)
	h := liveInstance(t, store, clock, redisSrv.Client(), "podium:")
	w := newLiveFinal(t, store)
	w.submit(t, h, 0, 25)
	h.server.WaitLive()
	h.server.PublishRoom(context.Background(), w.contest.ID, w.rooms[0].ID, false)
	want := w.truth(t, store, 0)
	first := mustScreen(t, h, "first spectator", w.publicPath(0))
	first.waitFor("the board", func(m fanout.Message, _ fanout.Status) bool { return m.Version == want.Version })
	boardPath := fmt.Sprintf("/api/v1/live/contests/%d/rooms/%d/board", w.contest.ID, w.rooms[0].ID)
	check := func(when string, status fanout.Status) {
		t.Helper()
		sc := mustScreen(t, h, "spectator "+when, w.publicPath(0))
		m := sc.waitFor("the snapshot", func(m fanout.Message, _ fanout.Status) bool { return m.Type == fanout.TypeSnapshot })
		if m.Version != want.Version || !sameBoard(t, boardOf(t, m), want) {
			t.Errorf("%s: snapshot %s, want v%d", when, describe(m), want.Version)
		}
		res := h.client().get(boardPath)
		var got web.PublicBoard
		if res.status != http.StatusOK {
			t.Fatalf("%s: board JSON %d %s", when, res.status, res.body)
		}
		res.json(t, &got)
		if got.Type != fanout.TypeSnapshot || got.Version != want.Version || got.Epoch == "" || got.Status != status ||
			time.Since(got.ServerTime).Abs() > time.Minute || !sameBoard(t, boardOf(t, got.Message), want) {
			t.Errorf("%s: board JSON %s", when, res.body)
		}
	}
	check("with PostgreSQL", fanout.StatusLive)
	store.DB.Close() // every query fails from here on
	if err := store.DB.Ping(); err == nil {
		t.Fatal("the pool still answers")
	}
	for i := range 20 {
		check(fmt.Sprintf("without PostgreSQL #%d", i), fanout.StatusLive)
	}
	if res := h.client().get(fmt.Sprintf("/live/%d/rooms/999999/ws", w.contest.ID)); res.status != http.StatusNotFound {
		t.Errorf("no such room, without PostgreSQL: %d", res.status)
	}
	redisSrv.Stop()
	first.waitFor("catching up", func(_ fanout.Message, st fanout.Status) bool { return st == fanout.StatusCatchingUp })
	check("without PostgreSQL and Redis", fanout.StatusCatchingUp)
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// After a freeze, a reveal and a reopening, the boards are recomputed from
// PostgreSQL and compared with Redis: a board that drifted at the same
// version is logged and corrected, on screens too.
func TestLiveBoardReconciledWithPostgreSQL(t *testing.T) {
	store, clock := contesttest.NewStore(t)
	rdb, prefix := contesttest.NewRedis(t)
	var logs lockedBuffer
	h := liveInstance(t, store, clock, rdb, prefix, &logs)
	w := newLiveFinal(t, store)
	ctx := context.Background()
	room := w.rooms[0].ID
	h.server.PublishRoom(ctx, w.contest.ID, room, false)
	sc := mustScreen(t, h, "spectator", w.publicPath(0))
	for judge := range 5 {
		w.submit(t, h, judge, 20+judge)
	}
	h.server.WaitLive()
	apply := func(op live.Op, reconcile bool) {
		t.Helper()
		if _, err := store.Live.Apply(ctx, w.organizer.ID, w.contest.ID, room, op); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		h.server.PublishRoom(ctx, w.contest.ID, room, reconcile)
	}
	converged := func(what string) live.Board {
		t.Helper()
		want := w.truth(t, store, 0)
		m := sc.waitFor(what, func(m fanout.Message, _ fanout.Status) bool {
			return m.Version == want.Version && sameBoard(t, boardOf(t, m), want)
		})
		return boardOf(t, m)
	}
	apply(live.OpFreeze, true)
	apply(live.OpCloseScoring, false)
	apply(live.OpShowResult, false)
	if b := converged("the frozen board"); b.Current == nil || !b.Current.Hidden || len(b.Ranking) != 0 {
		t.Fatalf("frozen board shows %+v", b)
	}
	if strings.Contains(logs.String(), "differs") {
		t.Fatalf("a difference logged where there was none:\n%s", logs.String())
	}

	// Redis drifts: another board at the same version, published to every screen.
	key := fmt.Sprintf("c%d:room%d:public", w.contest.ID, room)
	tag := "{" + prefix + "live}"
	raw, err := rdb.HGet(ctx, tag+":snap:"+key, "m").Result()
	if err != nil {
		t.Fatal(err)
	}
	var bad fanout.Message
	if err := json.Unmarshal([]byte(raw), &bad); err != nil {
		t.Fatal(err)
	}
	drifted := boardOf(t, bad)
	drifted.Ranking = []live.BoardRank{{Rank: 1, Code: "X", Title: "不该出现", Score: "99.99"}}
	bad.Data, _ = json.Marshal(drifted)
	badRaw, _ := json.Marshal(bad)
	if err := rdb.HSet(ctx, tag+":snap:"+key, "m", badRaw).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Publish(ctx, tag+":events", badRaw).Err(); err != nil {
		t.Fatal(err)
	}
	sc.waitFor("the drifted board", func(m fanout.Message, _ fanout.Status) bool { return len(boardOf(t, m).Ranking) == 1 })
	h.server.PublishRoom(ctx, w.contest.ID, room, true) // as after a freeze, a reveal, a reopening
	if b := converged("the corrected board"); len(b.Ranking) != 0 {
		t.Errorf("corrected board ranks %+v", b.Ranking)
	}
	if !strings.Contains(logs.String(), "board differs from PostgreSQL; corrected") {
		t.Errorf("the difference was not logged:\n%s", logs.String())
	}

	apply(live.OpRevealNext, true)
	if b := converged("the revealed result"); b.Current == nil || b.Current.Hidden || len(b.Ranking) != 1 || b.Current.Final == "" {
		t.Errorf("revealed board %+v", b)
	}
	if _, err := store.Live.ReopenSheet(ctx, w.organizer.ID, w.contest.ID, room, 2, "评委误触"); err != nil {
		t.Fatal(err)
	}
	h.server.PublishRoom(ctx, w.contest.ID, room, true)
	h.server.WaitLive()
	// The result is taken back (and, frozen, no totals show) until shown again.
	if b := converged("the reopened sheet"); b.Phase != live.PhaseScoring || len(b.Ranking) != 0 || !b.Current.Hidden {
		t.Errorf("after reopening seat 2: %+v", b)
	}
	sc.inOrder()
}
