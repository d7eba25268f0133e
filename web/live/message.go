// Package live fans a live board out to the screens watching it: the audience's
// scoreboard of a live final, or any other board whose whole state is a small
// JSON document with a version.
//
// The path of one change:
//
//	the app commits to PostgreSQL, derives the board, calls Broker.Publish
//	  ─► Redis: the board's snapshot (a hash, written only if its version is newer),
//	     its ranking (a sorted set) and a PUBLISH, in one script
//	  ─► every process's one subscription ─► Hub.Deliver
//	  ─► the board's coalescer (at most one send per Options.MinInterval; the latest wins)
//	  ─► one websocket.PreparedMessage, queued to every connection of the board
//	  ─► each connection's write pump.
//
// Every state message carries the board's whole state (Data), its Version (set by
// the app, monotonic per board, e.g. kept in PostgreSQL) and the Epoch of the
// Redis data it came through. A screen therefore never needs a message it missed:
// it applies a state whose epoch differs from the one it shows (Redis lost its
// state and was rebuilt: reload), or whose version is not lower, and ignores the
// rest. The hub itself never sends a connection a lower version than it sent it
// before. A reconnecting screen passes the version and epoch it shows
// (?version=&epoch=); it gets the current snapshot, from the hub's memory or, the
// first time an instance serves the board, from Redis — never from PostgreSQL.
//
// This package imports no Podium domain package: boards are keys and opaque JSON.
package live

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
)

// Type is what a message is.
type Type string

const (
	// TypeSnapshot is the board's current state, sent when a screen connects.
	TypeSnapshot Type = "snapshot"
	// TypeUpdate is the board's new state, broadcast after a change.
	TypeUpdate Type = "update"
	// TypeStatus says whether the board is live or catching up (Redis is away).
	TypeStatus Type = "status"
)

// Status is the state of the fan-out a status message reports.
type Status string

const (
	// StatusLive: updates flow.
	StatusLive Status = "live"
	// StatusCatchingUp: Redis is unreachable; this instance shows what it knows,
	// and the board is rebuilt from PostgreSQL when Redis returns.
	StatusCatchingUp Status = "catching_up"
)

// Message is what a screen receives, as JSON:
//
//	{"type":"snapshot"|"update","board":"c12:r3:room2:public","version":42,"epoch":"…","data":{…}}
//	{"type":"status","status":"live"|"catching_up"}
type Message struct {
	Type    Type            `json:"type"`
	Board   string          `json:"board,omitempty"`
	Version int64           `json:"version,omitempty"`
	Epoch   string          `json:"epoch,omitempty"`
	Status  Status          `json:"status,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// supersedes reports whether state m should replace state cur on a screen: a
// higher version; or the same version from another epoch (Redis was rebuilt) or
// with other data (a correction after a reconciliation). Never a lower version.
func (m Message) supersedes(cur Message) bool {
	if m.Version != cur.Version {
		return m.Version > cur.Version
	}
	return m.Epoch != cur.Epoch || !bytes.Equal(m.Data, cur.Data)
}

// Position is what a screen shows: the version and epoch of its last state.
// The zero Position is a screen that shows nothing yet.
type Position struct {
	Version int64
	Epoch   string
}

// PositionFromQuery reads a reconnecting screen's ?version=&epoch=; anything
// unreadable is the zero Position (the screen gets the snapshot).
func PositionFromQuery(q url.Values) Position {
	v, err := strconv.ParseInt(q.Get("version"), 10, 64)
	if err != nil || v < 0 {
		return Position{}
	}
	return Position{Version: v, Epoch: q.Get("epoch")}
}

// behind reports whether a screen at p lacks state s.
func (p Position) behind(s Message) bool { return p.Epoch != s.Epoch || p.Version < s.Version }
