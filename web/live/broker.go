package live

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Rank is one member of a board's ranking, kept in Redis as a sorted set.
type Rank struct {
	Member string
	Score  float64
}

// Update is a board's new state, derived by the app from PostgreSQL after a commit.
type Update struct {
	Board   string
	Version int64           // monotonic per board, from the truth (e.g. a counter row in PostgreSQL)
	Data    json.RawMessage // the whole board, as screens draw it
	// Ranking, when not nil, replaces the board's sorted set (members and scores).
	Ranking []Rank
}

// BrokerOptions configure a Broker.
type BrokerOptions struct {
	// Prefix of every Redis key (the app's, e.g. "podium:").
	Prefix string
	// Rebuild recomputes every live board from PostgreSQL and publishes it. The
	// broker calls it when it starts, when Redis lost its state (a new epoch) and
	// when Redis is reachable again after an outage; until it succeeds, screens
	// are told the board is catching up, and it is tried again at each check.
	Rebuild func(ctx context.Context) error
	// CheckInterval is how often the broker checks Redis and its epoch. Default 1s.
	CheckInterval time.Duration
	// Log: outages, new epochs, failed rebuilds, reconciliation differences.
	Log *slog.Logger
}

// Broker carries board states between processes through Redis: Publish writes
// a board's snapshot and ranking and publishes it; Run keeps the process's one
// subscription, delivering to the local Hub, and watches Redis's epoch.
//
// Keys, all under one hash tag so that the script runs on a Redis Cluster too
// (a contest has a handful of live boards):
//
//	{PREFIXlive}:epoch          the epoch: a random id set when Redis has none
//	{PREFIXlive}:snap:BOARD     hash: v (version), m (the message, JSON)
//	{PREFIXlive}:rank:BOARD     sorted set: the ranking
//	{PREFIXlive}:events         the channel
type Broker struct {
	rdb redis.UniversalClient
	hub *Hub
	opt BrokerOptions
	tag string

	mu          sync.Mutex
	epoch       string
	down        bool // Redis failed and the board has not been rebuilt since
	needRebuild bool
	kick        chan struct{}
	rebuildMu   sync.Mutex // one rebuild at a time
}

// NewBroker returns a broker for hub on rdb; it is the hub's Source from then on.
// Call Run to subscribe.
func NewBroker(rdb redis.UniversalClient, hub *Hub, opt BrokerOptions) *Broker {
	if opt.CheckInterval <= 0 {
		opt.CheckInterval = time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	b := &Broker{rdb: rdb, hub: hub, opt: opt, tag: "{" + opt.Prefix + "live}", kick: make(chan struct{}, 1), needRebuild: true}
	hub.SetSource(b)
	return b
}

func (b *Broker) epochKey() string            { return b.tag + ":epoch" }
func (b *Broker) snapKey(board string) string { return b.tag + ":snap:" + board }
func (b *Broker) rankKey(board string) string { return b.tag + ":rank:" + board }
func (b *Broker) channel() string             { return b.tag + ":events" }

// Epoch is the epoch the broker knows ("" before it first reached Redis).
func (b *Broker) Epoch() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.epoch
}

// publishScript writes a board's snapshot only if it is newer and publishes it,
// atomically. KEYS: epoch, snap, rank. ARGV: version, epoch, message, channel,
// force (the same version may replace: a correction), has ranking, then
// score/member pairs. Returns {1, epoch} written, {0, epoch} not newer,
// {-1, ""} no epoch (Redis lost its state), {-2, epoch} another epoch.
var publishScript = redis.NewScript(`
local ep = redis.call('GET', KEYS[1])
if not ep then return {-1, ''} end
if ep ~= ARGV[2] then return {-2, ep} end
local cur = tonumber(redis.call('HGET', KEYS[2], 'v') or '-1')
local v = tonumber(ARGV[1])
if cur > v or (cur == v and ARGV[5] ~= '1') then return {0, ep} end
redis.call('HSET', KEYS[2], 'v', ARGV[1], 'm', ARGV[3])
if ARGV[6] == '1' then
  redis.call('DEL', KEYS[3])
  for i = 7, #ARGV, 2 do redis.call('ZADD', KEYS[3], ARGV[i], ARGV[i+1]) end
end
redis.call('PUBLISH', ARGV[4], ARGV[3])
return {1, ep}
`)

// ErrUnavailable wraps the Redis failure of a Publish: the state reached this
// instance's screens only, and the board is rebuilt when Redis returns.
var ErrUnavailable = errors.New("live: redis unavailable")

// Publish makes u the board's state everywhere: Redis (if u is newer than what
// it holds) and, through the subscription, every instance's screens. Call it
// after the change committed to PostgreSQL. When Redis is away it delivers u
// to this instance's screens, tells them the board is catching up, and returns
// an error wrapping ErrUnavailable; scoring goes on regardless.
func (b *Broker) Publish(ctx context.Context, u Update) error {
	_, err := b.publish(ctx, u, false)
	return err
}

func (b *Broker) publish(ctx context.Context, u Update, force bool) (written bool, err error) {
	if u.Board == "" || u.Version < 0 || !json.Valid(u.Data) {
		return false, fmt.Errorf("live: publish %q: a board, a version ≥ 0 and JSON data are required", u.Board)
	}
	var data bytes.Buffer
	if err := json.Compact(&data, u.Data); err != nil {
		return false, err
	}
	for attempt := 0; ; attempt++ {
		m := Message{Type: TypeUpdate, Board: u.Board, Version: u.Version, Epoch: b.Epoch(), Data: data.Bytes()}
		if m.Epoch == "" {
			b.learn(ctx) // the first publish before Run's first check
			m.Epoch = b.Epoch()
		}
		raw, err := json.Marshal(m)
		if err != nil {
			return false, err
		}
		args := []any{u.Version, m.Epoch, raw, b.channel(), flag(force), flag(u.Ranking != nil)}
		for _, r := range u.Ranking {
			args = append(args, strconv.FormatFloat(r.Score, 'f', -1, 64), r.Member)
		}
		res, err := publishScript.Run(ctx, b.rdb, []string{b.epochKey(), b.snapKey(u.Board), b.rankKey(u.Board)}, args...).Slice()
		if err != nil {
			b.failed(err)
			b.hub.Deliver(m)
			return false, fmt.Errorf("%w: publish %s v%d: %w", ErrUnavailable, u.Board, u.Version, err)
		}
		code, _ := res[0].(int64)
		switch {
		case code >= 0:
			return code == 1, nil
		case attempt == 0:
			// Redis lost its state, or another instance set a new epoch: learn
			// it (Run rebuilds the boards), then write this state under it.
			b.learn(ctx)
		default:
			b.hub.Deliver(m)
			return false, fmt.Errorf("live: publish %s v%d: the epoch keeps changing", u.Board, u.Version)
		}
	}
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// Snapshot reads a board's latest state from Redis (the Hub's Source).
func (b *Broker) Snapshot(ctx context.Context, board string) (Message, bool, error) {
	raw, err := b.rdb.HGet(ctx, b.snapKey(board), "m").Bytes()
	if errors.Is(err, redis.Nil) {
		return Message{}, false, nil
	}
	if err != nil {
		b.failed(err)
		return Message{}, false, err
	}
	var m Message
	if err := json.Unmarshal(raw, &m); err != nil {
		return Message{}, false, fmt.Errorf("live: snapshot of %s: %w", board, err)
	}
	return m, true, nil
}

// Ranking reads a board's ranking from Redis, highest score first.
func (b *Broker) Ranking(ctx context.Context, board string) ([]Rank, error) {
	zs, err := b.rdb.ZRevRangeWithScores(ctx, b.rankKey(board), 0, -1).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Rank, len(zs))
	for i, z := range zs {
		out[i] = Rank{Member: fmt.Sprint(z.Member), Score: z.Score}
	}
	return out, nil
}

// Reconcile compares what Redis holds for a board with want, recomputed from
// PostgreSQL (after a freeze, a reveal, a reopening). A difference — a missing
// or older snapshot, other data at the same version, another ranking — is
// logged and corrected (written and published again, so screens converge). It
// reports whether there was a difference.
func (b *Broker) Reconcile(ctx context.Context, want Update) (bool, error) {
	got, found, err := b.Snapshot(ctx, want.Board)
	if err != nil {
		return false, err
	}
	var data bytes.Buffer
	if err := json.Compact(&data, want.Data); err != nil {
		return false, err
	}
	var why string
	switch {
	case !found:
		why = "no snapshot in redis"
	case got.Version > want.Version:
		return false, nil // a newer change has already been published
	case got.Version < want.Version:
		why = fmt.Sprintf("redis holds version %d", got.Version)
	case !bytes.Equal(got.Data, data.Bytes()):
		why = "redis holds other data at this version"
	}
	if why == "" && want.Ranking != nil {
		have, err := b.Ranking(ctx, want.Board)
		if err != nil {
			return false, err
		}
		if !sameRanking(have, want.Ranking) {
			why = "redis holds another ranking"
		}
	}
	if why == "" {
		return false, nil
	}
	b.opt.Log.WarnContext(ctx, "live: board differs from PostgreSQL; corrected", slog.String("board", want.Board),
		slog.Int64("version", want.Version), slog.String("difference", why))
	_, err = b.publish(ctx, want, true)
	return true, err
}

func sameRanking(have, want []Rank) bool {
	if len(have) != len(want) {
		return false
	}
	scores := make(map[string]float64, len(have))
	for _, r := range have {
		scores[r.Member] = r.Score
	}
	for _, r := range want {
		if s, ok := scores[r.Member]; !ok || s != r.Score {
			return false
		}
	}
	return true
}

// failed records a Redis failure: screens are told the board is catching up,
// and the next successful check rebuilds it.
func (b *Broker) failed(err error) {
	b.mu.Lock()
	first := !b.down
	b.down, b.needRebuild = true, true
	b.mu.Unlock()
	if first {
		b.opt.Log.Warn("live: redis unavailable; screens catch up when it returns", slog.Any("err", err))
		b.hub.SetStatus(StatusCatchingUp)
	}
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// learn reads the epoch, or sets a new one when Redis has none (it lost its
// state, or never had any). A changed epoch asks Run for a rebuild.
func (b *Broker) learn(ctx context.Context) bool {
	ep, err := b.rdb.Get(ctx, b.epochKey()).Result()
	if errors.Is(err, redis.Nil) {
		fresh := rand.Text()[:16]
		var set bool
		set, err = b.rdb.SetNX(ctx, b.epochKey(), fresh, 0).Result()
		ep = fresh
		if err == nil && !set {
			ep, err = b.rdb.Get(ctx, b.epochKey()).Result()
		}
	}
	if err != nil {
		b.failed(err)
		return false
	}
	b.mu.Lock()
	if ep != b.epoch {
		if b.epoch != "" {
			b.opt.Log.Warn("live: new redis epoch; rebuilding the boards", slog.String("old", b.epoch), slog.String("new", ep))
		}
		b.epoch, b.needRebuild = ep, true
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
	b.mu.Unlock()
	return true
}

// check learns the epoch and, after an outage or on a new epoch, rebuilds the
// boards, then tells the screens the board is live. Only Run calls it: Rebuild
// publishes, and a publish only learns.
func (b *Broker) check(ctx context.Context) {
	if !b.learn(ctx) {
		return
	}
	b.mu.Lock()
	rebuild := b.needRebuild
	b.mu.Unlock()
	if rebuild {
		b.rebuild(ctx)
	}
}

func (b *Broker) rebuild(ctx context.Context) {
	b.rebuildMu.Lock()
	defer b.rebuildMu.Unlock()
	b.mu.Lock()
	b.needRebuild = false
	b.mu.Unlock()
	if b.opt.Rebuild != nil {
		if err := b.opt.Rebuild(ctx); err != nil {
			b.opt.Log.Warn("live: rebuilding the boards failed; trying again", slog.Any("err", err))
			b.mu.Lock()
			b.needRebuild = true
			b.mu.Unlock()
			return
		}
	}
	// The subscription may not be back yet: this instance's screens get the
	// rebuilt boards from Redis directly.
	b.refresh(ctx)
	b.mu.Lock()
	recovered := b.down && !b.needRebuild
	if recovered {
		b.down = false
	}
	b.mu.Unlock()
	if recovered {
		b.opt.Log.Info("live: redis available again; boards rebuilt")
		b.hub.SetStatus(StatusLive)
	}
}

// refresh delivers Redis's snapshot of every board the hub knows: what the
// subscription missed while it was away.
func (b *Broker) refresh(ctx context.Context) {
	for _, board := range b.hub.Boards() {
		m, found, err := b.Snapshot(ctx, board)
		if err != nil {
			return
		}
		if found {
			b.hub.Deliver(m)
		}
	}
}

// Run keeps the subscription and checks Redis until ctx ends. It returns nil
// when ctx ends; the owner waits for it at shutdown.
func (b *Broker) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		t := time.NewTicker(b.opt.CheckInterval)
		defer t.Stop()
		for {
			b.check(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-b.kick:
				select { // a failure kicks; wait a little before trying again
				case <-ctx.Done():
					return
				case <-time.After(min(b.opt.CheckInterval, 200*time.Millisecond)):
				}
			}
		}
	})
	ps := b.rdb.Subscribe(ctx, b.channel())
	stop := context.AfterFunc(ctx, func() { ps.Close() }) // Receive does not heed ctx while it waits
	defer func() {
		if stop() {
			ps.Close()
		}
	}()
	for {
		msg, err := ps.Receive(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			b.failed(err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(min(b.opt.CheckInterval, 200*time.Millisecond)):
			}
			continue // Receive reconnects and subscribes again
		}
		switch msg := msg.(type) {
		case *redis.Subscription:
			if msg.Kind == "subscribe" {
				b.refresh(ctx)
			}
		case *redis.Message:
			var m Message
			if err := json.Unmarshal([]byte(msg.Payload), &m); err != nil {
				b.opt.Log.Error("live: unreadable message", slog.Any("err", err))
				continue
			}
			b.hub.Deliver(m)
		}
	}
}
