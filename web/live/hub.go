package live

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Options tune a Hub; the zero value of a field takes its default.
type Options struct {
	// MinInterval is the least time between two sends of one board (coalescing:
	// the latest state wins, the last one is always sent). Default 100ms: at most
	// about 10 sends a second per board. Negative: every state is sent.
	MinInterval time.Duration
	// QueueSize is each connection's queue of messages not yet written; a
	// connection whose queue is full is dropped. Default 16, at least 2.
	QueueSize int
	// WriteTimeout bounds one write to a connection. Default 5s.
	WriteTimeout time.Duration
	// PingInterval is how often each connection is pinged; PongTimeout how long
	// it may stay silent (no pong, no message) before it is dropped. Defaults 3s
	// and 8s: a screen that stopped reading is gone within about 8s.
	PingInterval, PongTimeout time.Duration
	// CheckOrigin decides cross-origin upgrades (nil: the Origin's host must be
	// the request's Host, gorilla's default).
	CheckOrigin func(r *http.Request) bool
	// Log receives one line per dropped connection at debug level, and errors. Default slog.Default().
	Log *slog.Logger
}

func (o *Options) fill() {
	if o.MinInterval == 0 {
		o.MinInterval = 100 * time.Millisecond
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 16
	}
	o.QueueSize = max(o.QueueSize, 2) // a snapshot and a status fit in a new queue
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 5 * time.Second
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 3 * time.Second
	}
	if o.PongTimeout <= 0 {
		o.PongTimeout = 8 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
}

// Source gives a board's latest state when an instance serves a board it has
// not seen yet (the Broker: from Redis). found is false when there is none.
type Source interface {
	Snapshot(ctx context.Context, board string) (m Message, found bool, err error)
}

// readLimit bounds a message from a screen; screens have nothing to say, and
// what they send is discarded.
const readLimit = 512

// writeBuffers is shared by every connection of every hub: a connection holds a
// write buffer only while it writes, so an idle one costs no buffer.
var writeBuffers = &sync.Pool{}

// Hub holds the boards of one process and the websocket connections watching
// them. Its methods are safe for concurrent use.
type Hub struct {
	opt Options
	up  websocket.Upgrader

	mu     sync.Mutex
	boards map[string]*board
	closed bool

	source atomic.Pointer[Source]
	status atomic.Pointer[websocket.PreparedMessage] // nil while live

	conns, dropped, timedOut, fromMemory, fromSource atomic.Int64
}

// NewHub returns an empty hub.
func NewHub(opt Options) *Hub {
	opt.fill()
	return &Hub{
		opt:    opt,
		boards: map[string]*board{},
		up: websocket.Upgrader{
			// Small read buffers of its own (screens send nothing but pongs),
			// pooled write buffers: an idle connection holds neither net/http's
			// buffers nor a 4 KiB buffer of its own.
			ReadBufferSize:  256,
			WriteBufferSize: 4096,
			WriteBufferPool: writeBuffers,
			CheckOrigin:     opt.CheckOrigin,
		},
	}
}

// SetSource sets where the hub finds a board it has not seen (the Broker).
func (h *Hub) SetSource(s Source) { h.source.Store(&s) }

// Stats are a hub's counters.
type Stats struct {
	Boards, Conns int
	// Dropped: connections dropped because their queue was full (they did not
	// keep up). TimedOut: dropped because a write stalled past WriteTimeout or
	// no pong came within PongTimeout.
	Dropped, TimedOut int64
	// Snapshots sent to connecting screens from the hub's memory, and boards
	// loaded from the Source (Redis) because this instance had not seen them.
	FromMemory, FromSource int64
}

// Stats returns the hub's counters.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	n := len(h.boards)
	h.mu.Unlock()
	return Stats{Boards: n, Conns: int(h.conns.Load()), Dropped: h.dropped.Load(), TimedOut: h.timedOut.Load(),
		FromMemory: h.fromMemory.Load(), FromSource: h.fromSource.Load()}
}

// Boards lists the keys of the boards the hub has seen.
func (h *Hub) Boards() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	keys := make([]string, 0, len(h.boards))
	for k := range h.boards {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// State returns the latest state the hub has accepted for a board.
func (h *Hub) State(board string) (Message, bool) {
	b := h.board(board)
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.latest, b.has
}

// Peek returns the latest state the hub has accepted for a board, without
// taking note of the board when the hub has not seen it (a request naming a
// board that does not exist leaves nothing behind).
func (h *Hub) Peek(board string) (Message, bool) {
	h.mu.Lock()
	b := h.boards[board]
	h.mu.Unlock()
	if b == nil {
		return Message{}, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.latest, b.has
}

// Status is what the hub tells screens: live, or catching up (Redis is away).
func (h *Hub) Status() Status {
	if h.status.Load() != nil {
		return StatusCatchingUp
	}
	return StatusLive
}

func (h *Hub) board(key string) *board {
	h.mu.Lock()
	defer h.mu.Unlock()
	b := h.boards[key]
	if b == nil {
		b = &board{hub: h, key: key, conns: map[*conn]struct{}{}}
		h.boards[key] = b
	}
	return b
}

// Deliver hands the hub a board's state (from the Broker's subscription, or
// directly when Redis is away). A state that does not supersede the board's
// latest is ignored; it reports whether m was accepted.
func (h *Hub) Deliver(m Message) bool {
	if m.Board == "" {
		return false
	}
	m.Type = TypeUpdate
	return h.board(m.Board).deliver(m)
}

// SetStatus tells every connected screen, and every screen that connects until
// the next call, whether the board is live or catching up. Repeating the
// current status sends nothing.
func (h *Hub) SetStatus(s Status) {
	var pm *websocket.PreparedMessage
	if s != StatusLive {
		pm = prepare(Message{Type: TypeStatus, Status: s})
	}
	old := h.status.Swap(pm)
	if (old == nil) == (pm == nil) {
		return
	}
	if pm == nil {
		pm = prepare(Message{Type: TypeStatus, Status: StatusLive})
	}
	h.mu.Lock()
	boards := make([]*board, 0, len(h.boards))
	for _, b := range h.boards {
		boards = append(boards, b)
	}
	h.mu.Unlock()
	for _, b := range boards {
		b.mu.Lock()
		for c := range b.conns {
			b.sendLocked(c, pm)
		}
		b.mu.Unlock()
	}
}

// Serve upgrades the request to a websocket watching board, sends the board's
// current state unless the screen already shows it (since), and returns; the
// connection's read and write pumps run until it closes. On an upgrade failure
// the client has had its error reply and Serve returns the error. The caller
// decides, before Serve, whether the request may watch that board.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, board string, since Position) error {
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return errors.New("live: hub closed")
	}
	ws, err := h.up.Upgrade(w, r, nil)
	if err != nil {
		return err
	}
	b := h.board(board)
	b.load()
	c := &conn{ws: ws, board: b, send: make(chan *websocket.PreparedMessage, h.opt.QueueSize), done: make(chan struct{})}
	b.join(c, since)
	h.conns.Add(1) // after joining: a counted screen gets every version delivered from now on
	go c.writePump(h.opt)
	go c.readPump(h.opt)
	return nil
}

// Close closes every connection (going away) and refuses new ones.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	boards := make([]*board, 0, len(h.boards))
	for _, b := range h.boards {
		boards = append(boards, b)
	}
	h.mu.Unlock()
	for _, b := range boards {
		b.mu.Lock()
		conns := make([]*conn, 0, len(b.conns))
		for c := range b.conns {
			conns = append(conns, c)
		}
		if b.timer != nil {
			b.timer.Stop()
			b.timer = nil
		}
		b.mu.Unlock()
		for _, c := range conns {
			_ = c.ws.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(100*time.Millisecond))
			c.close()
		}
	}
}

func prepare(m Message) *websocket.PreparedMessage {
	raw, err := json.Marshal(m)
	if err != nil {
		panic(err) // a Message always encodes: Data is checked JSON
	}
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, raw)
	if err != nil {
		panic(err) // only compression fails, and it is off
	}
	return pm
}

// board is one board's state and watchers.
type board struct {
	hub *Hub
	key string

	loadMu sync.Mutex  // one load from the Source at a time
	loaded atomic.Bool // the hub knows the board's latest state (or that there is none)

	mu        sync.Mutex
	conns     map[*conn]struct{}
	latest    Message // newest accepted state (maybe not sent yet: coalescing)
	has       bool
	sent      Message // newest state sent
	sentAny   bool
	snap      *websocket.PreparedMessage // sent, as a snapshot; built when first needed
	lastFlush time.Time
	timer     *time.Timer // the trailing send, when one is due
}

// load fetches the board from the Source the first time the instance serves it.
func (b *board) load() {
	if b.loaded.Load() {
		b.hub.fromMemory.Add(1)
		return
	}
	b.loadMu.Lock()
	defer b.loadMu.Unlock()
	if b.loaded.Load() {
		b.hub.fromMemory.Add(1)
		return
	}
	src := b.hub.source.Load()
	if src == nil {
		b.loaded.Store(true)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	m, found, err := (*src).Snapshot(ctx, b.key)
	if err != nil {
		b.hub.opt.Log.Warn("live: board snapshot unavailable", slog.String("board", b.key), slog.Any("err", err))
		return // the next screen tries again; this one gets the board when it changes
	}
	b.hub.fromSource.Add(1)
	b.loaded.Store(true)
	if found {
		m.Type, m.Board = TypeUpdate, b.key
		b.mu.Lock()
		if !b.has || m.supersedes(b.latest) {
			b.latest, b.has = m, true
			b.flushLocked(time.Now()) // the first state: no reason to wait
		}
		b.mu.Unlock()
	}
}

func (b *board) deliver(m Message) bool {
	b.loaded.Store(true)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.has && !m.supersedes(b.latest) {
		return false
	}
	b.latest, b.has = m, true
	if b.timer != nil {
		return true // a trailing send is due; it takes the latest
	}
	now := time.Now()
	if wait := b.lastFlush.Add(b.hub.opt.MinInterval).Sub(now); wait > 0 && b.hub.opt.MinInterval > 0 {
		b.timer = time.AfterFunc(wait, b.flushTimer)
		return true
	}
	b.flushLocked(now)
	return true
}

func (b *board) flushTimer() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.timer = nil
	b.flushLocked(time.Now())
}

// flushLocked sends the latest state to every watcher, serialized once.
func (b *board) flushLocked(now time.Time) {
	if !b.has || (b.sentAny && !b.latest.supersedes(b.sent)) {
		return
	}
	pm := prepare(b.latest)
	b.sent, b.sentAny, b.snap, b.lastFlush = b.latest, true, nil, now
	for c := range b.conns {
		b.sendLocked(c, pm)
	}
}

// sendLocked queues pm to c, or drops c when its queue is full: a screen that
// does not keep up never delays the others.
func (b *board) sendLocked(c *conn, pm *websocket.PreparedMessage) {
	select {
	case c.send <- pm:
	default:
		delete(b.conns, c)
		b.hub.dropped.Add(1)
		b.hub.opt.Log.Debug("live: slow screen dropped", slog.String("board", b.key))
		c.close()
	}
}

func (b *board) join(c *conn, since Position) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sentAny && since.behind(b.sent) {
		if b.snap == nil {
			s := b.sent
			s.Type = TypeSnapshot
			b.snap = prepare(s)
		}
		c.send <- b.snap // the queue is new and empty
	}
	if st := b.hub.status.Load(); st != nil {
		c.send <- st
	}
	b.conns[c] = struct{}{}
}

func (b *board) leave(c *conn) {
	b.mu.Lock()
	delete(b.conns, c)
	b.mu.Unlock()
}

// conn is one screen: a read pump (pongs, discarded messages, the read
// deadline) and a write pump (the queue, pings, write deadlines).
type conn struct {
	ws    *websocket.Conn
	board *board
	send  chan *websocket.PreparedMessage
	done  chan struct{}
	once  sync.Once
}

func (c *conn) close() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
		c.board.hub.conns.Add(-1)
	})
}

func (c *conn) readPump(opt Options) {
	defer func() {
		c.board.leave(c)
		c.close()
	}()
	c.ws.SetReadLimit(readLimit)
	_ = c.ws.SetReadDeadline(time.Now().Add(opt.PongTimeout))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(opt.PongTimeout)) })
	for {
		if _, _, err := c.ws.NextReader(); err != nil {
			if isTimeout(err) {
				c.board.hub.timedOut.Add(1)
			}
			return
		}
		// Screens have nothing to say: NextReader discards the message.
		_ = c.ws.SetReadDeadline(time.Now().Add(opt.PongTimeout))
	}
}

func (c *conn) writePump(opt Options) {
	ping := time.NewTicker(opt.PingInterval)
	defer func() {
		ping.Stop()
		c.close()
	}()
	for {
		select {
		case pm := <-c.send:
			_ = c.ws.SetWriteDeadline(time.Now().Add(opt.WriteTimeout))
			if err := c.ws.WritePreparedMessage(pm); err != nil {
				c.countTimeout(err)
				return
			}
		case <-ping.C:
			_ = c.ws.SetWriteDeadline(time.Now().Add(opt.WriteTimeout))
			if err := c.ws.WriteMessage(websocket.PingMessage, nil); err != nil {
				c.countTimeout(err)
				return
			}
		case <-c.done:
			return
		}
	}
}

func (c *conn) countTimeout(err error) {
	select {
	case <-c.done: // closed on purpose
	default:
		if isTimeout(err) {
			c.board.hub.timedOut.Add(1)
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
