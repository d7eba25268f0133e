package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/contesttest"
	"podium/web"
	fanout "podium/web/live"
)

// TestLiveTargetSmall runs live-target against two real Podium web servers on
// one database and one Redis: spectators on both, five judges submitting
// through both, every screen reached in order.
func TestLiveTargetSmall(t *testing.T) {
	dsn := contesttest.NewDSN(t)
	rdb, prefix := contesttest.NewRedis(t)
	var stores []*contesttest.Stores
	var urls []string
	var servers []*web.Server
	for range 2 {
		db, err := contest.OpenDB(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		s := contesttest.StoresOn(db)
		stores = append(stores, s)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		var srv *web.Server
		hub := web.NewLiveHub(fanout.Options{Log: log})
		broker := fanout.NewBroker(rdb, hub, fanout.BrokerOptions{Prefix: prefix, Log: log, CheckInterval: 100 * time.Millisecond,
			Rebuild: func(ctx context.Context) error { return srv.RebuildLive(ctx) }})
		srv, err = web.New(web.Config{DB: s.DB, Contests: s.Contests, Accounts: s.Accounts, Entries: s.Entries, Judging: s.Judging,
			Results: s.Results, Audit: s.Audit, Live: s.Live, LiveHub: hub, LiveBroker: broker, Redis: rdb, RedisPrefix: prefix,
			StagingDir: t.TempDir(), Log: log})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = broker.Run(ctx)
		}()
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(func() {
			hub.Close()
			ts.Close()
			_ = srv.Close(context.Background())
			cancel()
			<-done
			_ = s.Judging.Close(context.Background())
			db.Close()
		})
		urls, servers = append(urls, ts.URL), append(servers, srv)
	}
	ctx := context.Background()
	f := contesttest.NewLiveFinal(t, stores[0])
	if err := servers[0].RebuildLive(ctx); err != nil { // the stage console publishes as it goes
		t.Fatal(err)
	}
	var invites []string
	for _, x := range f.Experts[:5] { // room 0's judges, each with a fresh invite link
		inv, err := stores[0].InviteExpert(ctx, f.Organizer.ID, f.Contest.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		invites = append(invites, inv.Token)
	}
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"live-target", "--target", strings.Join(urls, ","), "--contest", fmt.Sprint(f.Contest.ID),
		"--room", fmt.Sprint(f.Rooms[0].ID), "--invites", strings.Join(invites, ","), "--spectators", "20",
		"--marks", `{"tech":30,"market":20,"team":20}`, "--interval", "20ms"}, &stdout, &stderr, func(string) string { return "" })
	out := stdout.String()
	if code != 0 || !strings.Contains(out, "submissions 5;") || !strings.Contains(out, "missed 0; out of order 0") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr.String())
	}
	t.Log(out)
	if code := run(ctx, []string{"live-target", "--target", urls[0]}, &stdout, &stderr, func(string) string { return "" }); code != 2 {
		t.Errorf("without --contest: exit %d, want 2", code)
	}
}
