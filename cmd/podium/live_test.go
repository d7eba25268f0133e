package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"podium/contest/contesttest"
	fanout "podium/web/live"
)

// The app runs the live boards' broker on its Redis and prefix for the
// server's lifetime (its subscription carries a published board to the
// screens), and at shutdown tells every screen it is going away before the
// HTTP server drains.
func TestMainRunsLiveBoardsAndClosesScreensFirst(t *testing.T) {
	cfg := testConfig(t)
	rdb, prefix := contesttest.NewRedis(t)
	cfg.RedisPrefix = prefix
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := &Main{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	t.Cleanup(func() { m.Close() })
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx) }()

	publish := func(v int64) {
		t.Helper()
		if err := m.LiveBroker.Publish(ctx, fanout.Update{Board: "c1:room1:public", Version: v, Data: json.RawMessage(`{"n":1}`)}); err != nil {
			t.Fatal(err)
		}
	}
	publish(7)
	if v, err := rdb.HGet(ctx, "{"+prefix+"live}:snap:c1:room1:public", "v").Result(); err != nil || v != "7" {
		t.Fatalf("the board under the app's prefix: %q %v", v, err)
	}
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(m.URL(), "http")+"/live/1/rooms/1/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	read := func() fanout.Message {
		t.Helper()
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		var msg fanout.Message
		if err := ws.ReadJSON(&msg); err != nil {
			t.Fatal(err)
		}
		return msg
	}
	if msg := read(); msg.Type != fanout.TypeSnapshot || msg.Version != 7 {
		t.Fatalf("first message %+v", msg)
	}
	publish(8) // reaches the screen only through the broker's subscription
	if msg := read(); msg.Type != fanout.TypeUpdate || msg.Version != 8 {
		t.Fatalf("second message %+v", msg)
	}

	start := time.Now()
	cancel()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _, err = ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("at shutdown the screen got %v, want close 1001 (going away)", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %s", d)
	}
}
