package live

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"

	"podium/internal/testredis"
)

// sharedRedis is the test Redis ($TEST_REDIS_URL) and a key prefix of this
// test's own, whose keys are deleted at the end.
func sharedRedis(t *testing.T) (redis.UniversalClient, string) {
	t.Helper()
	u := os.Getenv("TEST_REDIS_URL")
	if u == "" {
		u = "redis://localhost:6379/0"
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("these tests need Redis at %s: %v", opt.Addr, err)
	}
	prefix := "podium_test_" + strings.ToLower(rand.Text()[:12]) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := c.Scan(ctx, 0, "{"+prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
		c.Close()
	})
	return c, prefix
}

// serve serves hub over httptest: /?board=B&version=V&epoch=E.
func serve(t *testing.T, hub *Hub) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := hub.Serve(w, r, r.URL.Query().Get("board"), PositionFromQuery(r.URL.Query())); err != nil {
			t.Logf("serve: %v", err)
		}
	}))
	t.Cleanup(func() { hub.Close(); srv.Close() })
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// screen is a test's websocket client: every message it reads goes to msgs.
type screen struct {
	ws   *websocket.Conn
	msgs chan Message
}

func watch(t *testing.T, base, board string, since Position) *screen {
	t.Helper()
	q := url.Values{"board": {board}, "version": {strconv.FormatInt(since.Version, 10)}, "epoch": {since.Epoch}}
	ws, _, err := websocket.DefaultDialer.Dial(base+"/?"+q.Encode(), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	s := &screen{ws: ws, msgs: make(chan Message, 100000)}
	go func() {
		defer close(s.msgs)
		for {
			var m Message
			if err := ws.ReadJSON(&m); err != nil {
				return
			}
			s.msgs <- m
		}
	}()
	t.Cleanup(func() { ws.Close() })
	return s
}

// until reads messages until one satisfies ok, failing after d; it returns
// every message read, that one included.
func (s *screen) until(t *testing.T, d time.Duration, what string, ok func(Message) bool) []Message {
	t.Helper()
	var seen []Message
	timeout := time.After(d)
	for {
		select {
		case m, open := <-s.msgs:
			if !open {
				t.Fatalf("waiting for %s: connection closed after %v", what, seen)
			}
			seen = append(seen, m)
			if ok(m) {
				return seen
			}
		case <-timeout:
			t.Fatalf("waiting for %s: not within %v; got %v", what, d, seen)
		}
	}
}

func version(v int64) func(Message) bool {
	return func(m Message) bool { return m.Type != TypeStatus && m.Version >= v }
}

// ordered fails unless the state messages' versions strictly increase.
func ordered(t *testing.T, who string, msgs []Message) {
	t.Helper()
	var last int64 = -1
	for _, m := range msgs {
		if m.Type == TypeStatus {
			continue
		}
		if m.Version <= last {
			t.Fatalf("%s: version %d after %d", who, m.Version, last)
		}
		last = m.Version
	}
}

func state(board string, v int64) Message {
	return Message{Board: board, Version: v, Epoch: "e", Data: json.RawMessage(fmt.Sprintf(`{"v":%d}`, v))}
}

func TestVersionsNeverGoBack(t *testing.T) {
	// Coalescing off, queues long enough for every version: the test is about order.
	hub := NewHub(Options{MinInterval: -1, QueueSize: 1000})
	base := serve(t, hub)
	a := watch(t, base, "b", Position{})
	// Deliveries race, repeat and come late: the screen sees each version at
	// most once, in increasing order, and ends at the highest.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for v := int64(1); v <= 200; v++ {
				hub.Deliver(state("b", v-int64(w%2)))
			}
		})
	}
	wg.Wait()
	if hub.Deliver(state("b", 3)) {
		t.Error("an old version was accepted")
	}
	ordered(t, "screen", a.until(t, 5*time.Second, "v200", version(200)))

	// A screen reconnecting with the latest gets no snapshot; one behind gets it.
	current := watch(t, base, "b", Position{Version: 200, Epoch: "e"})
	behind := watch(t, base, "b", Position{Version: 150, Epoch: "e"})
	otherEpoch := watch(t, base, "b", Position{Version: 200, Epoch: "old"})
	for name, s := range map[string]*screen{"behind": behind, "other epoch": otherEpoch} {
		got := s.until(t, 5*time.Second, name+" snapshot", version(200))
		if m := got[0]; m.Type != TypeSnapshot || m.Version != 200 || string(m.Data) != `{"v":200}` {
			t.Errorf("%s: first message %+v, want the v200 snapshot", name, m)
		}
	}
	hub.Deliver(state("b", 201))
	if got := current.until(t, 5*time.Second, "v201", version(201)); len(got) != 1 || got[0].Type != TypeUpdate {
		t.Errorf("screen already at v200 got %+v, want only the v201 update", got)
	}
	if st := hub.Stats(); st.FromMemory < 3 || st.FromSource != 0 {
		t.Errorf("stats %+v: reconnects should be served from memory", st)
	}
}

func TestCoalescedLatestWins(t *testing.T) {
	hub := NewHub(Options{MinInterval: 200 * time.Millisecond})
	s := watch(t, serve(t, hub), "b", Position{})
	for v := int64(1); v <= 100; v++ {
		hub.Deliver(state("b", v))
	}
	got := s.until(t, 5*time.Second, "v100", version(100))
	ordered(t, "screen", got)
	if len(got) > 3 {
		t.Errorf("100 changes within the interval reached the screen as %d messages, want at most 3 (first, latest)", len(got))
	}
}

func TestTwoBoards(t *testing.T) {
	hub := NewHub(Options{MinInterval: -1, QueueSize: 1000})
	base := serve(t, hub)
	a, b := watch(t, base, "room1", Position{}), watch(t, base, "room2", Position{})
	for v := int64(1); v <= 50; v++ {
		hub.Deliver(state("room1", v))
		hub.Deliver(state("room2", 1000+v))
	}
	for name, c := range map[string]struct {
		s    *screen
		last int64
	}{"room1": {a, 50}, "room2": {b, 1050}} {
		got := c.s.until(t, 5*time.Second, name, version(c.last))
		ordered(t, name, got)
		for _, m := range got {
			if m.Board != name {
				t.Fatalf("a screen of %s got %+v", name, m)
			}
		}
	}
}

func TestSlowScreenDroppedOthersUndelayed(t *testing.T) {
	hub := NewHub(Options{MinInterval: -1, QueueSize: 128, WriteTimeout: 2 * time.Second, PongTimeout: 5 * time.Second})
	base := serve(t, hub)
	fast := []*screen{watch(t, base, "b", Position{}), watch(t, base, "b", Position{}), watch(t, base, "b", Position{})}
	// The slow screen connects and never reads: its socket buffers fill, then
	// its queue, and it must go, without holding the others back.
	slow, _, err := websocket.DefaultDialer.Dial(base+"/?board=b", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	for hub.Stats().Conns < 4 {
		time.Sleep(time.Millisecond)
	}
	pad := strings.Repeat("x", 32<<10)
	const n = 400 // 400 × 32 KiB: more than loopback socket buffers hold
	start := time.Now()
	for v := int64(1); v <= n; v++ {
		hub.Deliver(Message{Board: "b", Version: v, Epoch: "e", Data: json.RawMessage(`"` + pad + `"`)})
		time.Sleep(time.Millisecond)
	}
	for i, s := range fast {
		got := s.until(t, 20*time.Second, "the last version", version(n))
		ordered(t, fmt.Sprint("fast screen ", i), got)
		if len(got) != n {
			t.Errorf("fast screen %d got %d messages, want all %d", i, len(got), n)
		}
	}
	for hub.Stats().Conns > 3 {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("the slow screen was not dropped within 10s: %+v", hub.Stats())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st := hub.Stats(); st.Dropped+st.TimedOut != 1 {
		t.Errorf("stats %+v: want the one slow screen dropped", st)
	}
}

func TestTwoHubsOnOneRedis(t *testing.T) {
	rdb, prefix := sharedRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	var hubs [2]*Hub
	var brokers [2]*Broker
	for i := range hubs {
		hubs[i] = NewHub(Options{MinInterval: -1, QueueSize: 1000})
		brokers[i] = NewBroker(rdb, hubs[i], BrokerOptions{Prefix: prefix, CheckInterval: 100 * time.Millisecond})
		wg.Go(func() { _ = brokers[i].Run(ctx) })
	}
	s1 := watch(t, serve(t, hubs[1]), "b", Position{})
	s0 := watch(t, serve(t, hubs[0]), "b", Position{})
	waitReady(t, brokers[0])
	waitReady(t, brokers[1])
	// The dial returns once the socket is upgraded; the hub joins the screen
	// to its board just after. Publishing before that would leave the first
	// versions to the catch-up snapshot, not each one.
	for _, h := range hubs {
		for deadline := time.Now().Add(5 * time.Second); h.Stats().Conns < 1; {
			if time.Now().After(deadline) {
				t.Fatal("a screen was not joined to its board")
			}
			time.Sleep(time.Millisecond)
		}
	}
	const n = 100
	for v := int64(1); v <= n; v++ {
		err := brokers[0].Publish(ctx, Update{Board: "b", Version: v, Data: json.RawMessage(fmt.Sprintf(`{"v": %d}`, v)),
			Ranking: []Rank{{"entry-1", float64(v)}, {"entry-2", 50}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, s := range map[string]*screen{"instance 0": s0, "instance 1": s1} {
		got := s.until(t, 5*time.Second, "v100", version(n))
		ordered(t, name, got)
		if len(got) != n {
			t.Errorf("%s: %d messages, want %d", name, len(got), n)
		}
		if last := got[len(got)-1]; string(last.Data) != `{"v":100}` || last.Epoch != brokers[0].Epoch() {
			t.Errorf("%s: last %+v", name, last)
		}
	}
	// An older version is refused by Redis too.
	if err := brokers[1].Publish(ctx, Update{Board: "b", Version: 5, Data: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if m, _, _ := brokers[1].Snapshot(ctx, "b"); m.Version != n {
		t.Errorf("redis snapshot at v%d, want %d", m.Version, n)
	}
	if r, err := brokers[1].Ranking(ctx, "b"); err != nil || len(r) != 2 || r[0] != (Rank{"entry-1", 100}) {
		t.Errorf("ranking %v %v", r, err)
	}
	// A third screen on a fresh instance is served from Redis once, then from memory.
	h2 := NewHub(Options{})
	NewBroker(rdb, h2, BrokerOptions{Prefix: prefix})
	base2 := serve(t, h2)
	for range 3 {
		got := watch(t, base2, "b", Position{}).until(t, 5*time.Second, "snapshot", version(n))
		if got[0].Type != TypeSnapshot {
			t.Errorf("first message %+v, want a snapshot", got[0])
		}
	}
	if st := h2.Stats(); st.FromSource != 1 || st.FromMemory != 2 {
		t.Errorf("stats %+v: want one load from Redis, then memory", st)
	}
}

// waitReady waits until the broker is ready: subscribed, its first check done.
func waitReady(t *testing.T, b *Broker) {
	t.Helper()
	select {
	case <-b.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("the broker did not get ready")
	}
}

func TestRedisRestartNewEpoch(t *testing.T) {
	srv := testredis.Start(t)
	rdb := srv.Client()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })

	// The truth, as PostgreSQL would hold it; Rebuild publishes it.
	var mu sync.Mutex
	truth := int64(0)
	var broker *Broker
	upd := func(v int64) Update {
		return Update{Board: "b", Version: v, Data: json.RawMessage(fmt.Sprintf(`{"v":%d}`, v))}
	}
	rebuilds := 0
	hub := NewHub(Options{MinInterval: -1})
	broker = NewBroker(rdb, hub, BrokerOptions{Prefix: "podium:", CheckInterval: 50 * time.Millisecond,
		Rebuild: func(ctx context.Context) error {
			mu.Lock()
			v := truth
			rebuilds++
			mu.Unlock()
			if v == 0 {
				return nil
			}
			return broker.Publish(ctx, upd(v))
		}})
	wg.Go(func() { _ = broker.Run(ctx) })
	s := watch(t, serve(t, hub), "b", Position{})
	waitReady(t, broker)
	score := func(v int64) error {
		mu.Lock()
		truth = v
		mu.Unlock()
		return broker.Publish(ctx, upd(v))
	}
	if err := score(1); err != nil {
		t.Fatal(err)
	}
	first := s.until(t, 5*time.Second, "v1", version(1))
	epoch1 := first[len(first)-1].Epoch

	srv.Stop()
	// Scoring goes on: the publish fails quickly, this instance's screens get
	// the state and are told the board is catching up.
	if err := score(2); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("publish with Redis down: %v, want ErrUnavailable", err)
	}
	var down []Message
	for !(seen(down, func(m Message) bool { return m.Status == StatusCatchingUp }) && seen(down, version(2))) {
		down = append(down, s.until(t, 5*time.Second, "v2 and catching up", func(Message) bool { return true })...)
	}
	srv.Start()
	// The broker finds Redis empty: a new epoch, the board rebuilt from the
	// truth; the screen gets v2 under the new epoch, then "live".
	rest := s.until(t, 10*time.Second, "live again", func(m Message) bool { return m.Type == TypeStatus && m.Status == StatusLive })
	all := append(append(append([]Message{}, first...), down...), rest...)
	var sawNewEpoch bool
	var last int64
	for _, m := range all {
		switch {
		case m.Type != TypeStatus:
			if m.Version < last {
				t.Errorf("version went back: %d after %d", m.Version, last)
			}
			last = m.Version
			if m.Epoch != epoch1 {
				sawNewEpoch = m.Version == 2
			}
		}
	}
	if !sawNewEpoch || broker.Epoch() == epoch1 {
		t.Errorf("messages %+v: want v2 under a new epoch (was %s, now %s)", all, epoch1, broker.Epoch())
	}
	if m, ok, err := broker.Snapshot(ctx, "b"); err != nil || !ok || m.Version != 2 {
		t.Errorf("redis after the rebuild: %+v %v %v", m, ok, err)
	}
	if err := score(3); err != nil {
		t.Fatal(err)
	}
	s.until(t, 5*time.Second, "v3", version(3))
}

func seen(msgs []Message, ok func(Message) bool) bool {
	for _, m := range msgs {
		if ok(m) {
			return true
		}
	}
	return false
}

func TestReconcileCorrectsRedisAndScreens(t *testing.T) {
	rdb, prefix := sharedRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	hub := NewHub(Options{MinInterval: -1})
	broker := NewBroker(rdb, hub, BrokerOptions{Prefix: prefix, CheckInterval: 100 * time.Millisecond})
	wg.Go(func() { _ = broker.Run(ctx) })
	s := watch(t, serve(t, hub), "b", Position{})
	waitReady(t, broker)
	truth := Update{Board: "b", Version: 7, Data: json.RawMessage(`{"top":"entry-1"}`), Ranking: []Rank{{"entry-1", 90}, {"entry-2", 80}}}
	if err := broker.Publish(ctx, truth); err != nil {
		t.Fatal(err)
	}
	s.until(t, 5*time.Second, "v7", version(7))
	if differs, err := broker.Reconcile(ctx, truth); err != nil || differs {
		t.Fatalf("reconcile of an intact board: %v %v", differs, err)
	}
	// Redis drifts from the truth at the same version (a bug, an operator's hand).
	wrong := Update{Board: "b", Version: 7, Data: json.RawMessage(`{"top":"entry-2"}`), Ranking: []Rank{{"entry-2", 95}}}
	if _, err := broker.publish(ctx, wrong, true); err != nil {
		t.Fatal(err)
	}
	s.until(t, 5*time.Second, "the wrong board", func(m Message) bool { return string(m.Data) == `{"top":"entry-2"}` })
	differs, err := broker.Reconcile(ctx, truth)
	if err != nil || !differs {
		t.Fatalf("reconcile of a drifted board: %v %v", differs, err)
	}
	got := s.until(t, 5*time.Second, "the corrected board", func(m Message) bool { return string(m.Data) == `{"top":"entry-1"}` })
	if m := got[len(got)-1]; m.Version != 7 {
		t.Errorf("corrected at v%d, want 7", m.Version)
	}
	if r, _ := broker.Ranking(ctx, "b"); len(r) != 2 || r[0] != (Rank{"entry-1", 90}) {
		t.Errorf("ranking after the correction: %v", r)
	}
}
