package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"podium/web/live"
)

// The live-target scenario measures running Podium servers end to end:
// spectators watch a room's public board over websockets spread over the
// targets, and judges (from their invite links) submit their sheets for the
// entry on stage through the targets' HTTP API, one after another; each
// submission's latency is from the request's start to each screen's first
// newer board. The room must be scoring the entry on stage (the organizer
// runs the stage), so a run makes one submission per judge with an open
// sheet: it is a check of a real deployment (several instances, one Redis,
// the load balancer), not a throughput test — podiumload live is that.

type targetConfig struct {
	targets, invites  []string
	contest, room     int64
	spectators        int
	marks             string
	interval, timeout time.Duration
}

func runLiveTarget(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("podiumload live-target", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg targetConfig
	var targets, invites string
	fs.StringVar(&targets, "target", "", "base URLs of the running Podium instances, comma-separated (e.g. http://a:8080,http://b:8080)")
	fs.Int64Var(&cfg.contest, "contest", 0, "the contest's id")
	fs.Int64Var(&cfg.room, "room", 0, "the live room's id; it must be scoring the entry on stage")
	fs.StringVar(&invites, "invites", "", "judges' invite tokens (the last part of their invite links), comma-separated: each judge seated in the room submits once")
	fs.IntVar(&cfg.spectators, "spectators", 100, "spectators' websockets, spread over the targets")
	fs.StringVar(&cfg.marks, "marks", `{"tech":25,"market":20,"team":15,"finance":10,"impact":8}`, "each sheet's marks (JSON, points by criterion key; the demo contest's by default)")
	fs.DurationVar(&cfg.interval, "interval", time.Second, "pause between two judges' submissions")
	fs.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "how long a submission may take to reach every screen")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cfg.targets, cfg.invites = commaSplit(targets), commaSplit(invites)
	if fs.NArg() > 0 || len(cfg.targets) == 0 || cfg.contest <= 0 || cfg.room <= 0 || len(cfg.invites) == 0 || cfg.spectators < 1 ||
		!json.Valid([]byte(cfg.marks)) {
		fmt.Fprintln(stderr, "podiumload live-target: --target, --contest, --room, --invites and valid --marks are required")
		fs.Usage()
		return 2
	}
	if err := liveTarget(ctx, cfg, stdout); err != nil {
		fmt.Fprintf(stderr, "podiumload live-target: %v\n", err)
		return 1
	}
	return 0
}

func commaSplit(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.TrimRight(p, "/"))
		}
	}
	return out
}

// watcher is one spectator: the versions it saw, when.
type watcher struct {
	mu       sync.Mutex
	versions []int64
	at       []time.Time
	disorder int
	changed  chan struct{}
}

func (w *watcher) read(ws *websocket.Conn) {
	for {
		var m live.Message
		if err := ws.ReadJSON(&m); err != nil {
			return
		}
		if m.Type == live.TypeStatus {
			continue
		}
		now := time.Now()
		w.mu.Lock()
		if n := len(w.versions); n > 0 && m.Version < w.versions[n-1] {
			w.disorder++
		}
		w.versions, w.at = append(w.versions, m.Version), append(w.at, now)
		w.mu.Unlock()
		select {
		case w.changed <- struct{}{}:
		default:
		}
	}
}

// last is the newest version the spectator has seen (-1: none yet).
func (w *watcher) last() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.versions) == 0 {
		return -1
	}
	return w.versions[len(w.versions)-1]
}

// newerThan is when the spectator first saw a version above v.
func (w *watcher) newerThan(v int64) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, got := range w.versions {
		if got > v {
			return w.at[i], true
		}
	}
	return time.Time{}, false
}

// targetJudge is a judge's session on one target.
type targetJudge struct {
	base, csrf string
	http       *http.Client
}

func (j *targetJudge) do(ctx context.Context, method, path string, body []byte, header ...string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, j.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if j.csrf != "" {
		req.Header.Set("X-CSRF-Token", j.csrf)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := j.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// openSheets is the judge's assignment for the entry on stage in the room,
// from the judge's live stage (GET /api/v1/judge/live/rooms/{room}); where a
// server does not have that route, the judge's unsubmitted tasks in open
// rounds, which PostgreSQL refuses but for the entry being scored.
func (j *targetJudge) openSheets(ctx context.Context, room int64) ([]int64, error) {
	status, body, err := j.do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/judge/live/rooms/%d", room), nil)
	if err != nil {
		return nil, err
	}
	if status == http.StatusOK {
		var stage struct {
			ScoringOpen bool `json:"scoring_open"`
			Current     *struct {
				AssignmentID int64 `json:"assignment_id"`
			} `json:"current"`
		}
		if err := json.Unmarshal(body, &stage); err != nil {
			return nil, fmt.Errorf("stage: %w", err)
		}
		if !stage.ScoringOpen || stage.Current == nil || stage.Current.AssignmentID == 0 {
			return nil, nil
		}
		return []int64{stage.Current.AssignmentID}, nil
	}
	if status != http.StatusNotFound {
		return nil, fmt.Errorf("stage: %d %.200s", status, body)
	}
	status, body, err = j.do(ctx, http.MethodGet, "/api/v1/judge/tasks", nil)
	if err != nil {
		return nil, err
	}
	var tasks struct {
		Tasks []struct {
			AssignmentID int64  `json:"assignment_id"`
			RoundState   string `json:"round_state"`
			SheetState   string `json:"sheet_state"`
		} `json:"tasks"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &tasks) != nil {
		return nil, fmt.Errorf("tasks: %d %.200s", status, body)
	}
	var out []int64
	for _, t := range tasks.Tasks {
		if t.RoundState == "open" && t.SheetState != "submitted" {
			out = append(out, t.AssignmentID)
		}
	}
	return out, nil
}

func liveTarget(ctx context.Context, cfg targetConfig, stdout io.Writer) error {
	fmt.Fprintf(stdout, "podiumload live-target: %d spectators on %d instance(s), %d judges, contest %d room %d\n",
		cfg.spectators, len(cfg.targets), len(cfg.invites), cfg.contest, cfg.room)
	var judges []*targetJudge
	for i, token := range cfg.invites {
		jar, _ := cookiejar.New(nil)
		j := &targetJudge{base: cfg.targets[i%len(cfg.targets)], http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
		status, body, err := j.do(ctx, http.MethodPost, "/api/v1/invites/"+token, []byte(`{}`), "Idempotency-Key", "podiumload-"+token)
		if err != nil {
			return err
		}
		var sess struct {
			CSRF string `json:"csrf_token"`
		}
		if status != http.StatusOK || json.Unmarshal(body, &sess) != nil || sess.CSRF == "" {
			return fmt.Errorf("invite %d: %d %.200s", i+1, status, body)
		}
		j.csrf = sess.CSRF
		judges = append(judges, j)
	}

	dialer := &websocket.Dialer{HandshakeTimeout: 30 * time.Second}
	watchers := make([]*watcher, cfg.spectators)
	for i := range watchers {
		u := "ws" + strings.TrimPrefix(cfg.targets[i%len(cfg.targets)], "http") + fmt.Sprintf("/live/%d/rooms/%d/ws", cfg.contest, cfg.room)
		ws, res, err := dialer.DialContext(ctx, u, nil)
		if err != nil {
			if res != nil {
				return fmt.Errorf("spectator %d: %s: %w (%s)", i+1, u, err, res.Status)
			}
			return fmt.Errorf("spectator %d: %s: %w", i+1, u, err)
		}
		defer ws.Close()
		w := &watcher{changed: make(chan struct{}, 1)}
		watchers[i] = w
		go w.read(ws)
	}
	waitAll := func(ok func(k int, w *watcher) bool) bool {
		deadline := time.Now().Add(cfg.timeout)
		for k, w := range watchers {
			for !ok(k, w) {
				if time.Now().After(deadline) {
					return false
				}
				select {
				case <-w.changed:
				case <-time.After(5 * time.Millisecond):
				case <-ctx.Done():
					return false
				}
			}
		}
		return true
	}
	if !waitAll(func(_ int, w *watcher) bool { return w.last() >= 0 }) {
		return errors.New("not every spectator got the board's snapshot: is the room's board published?")
	}

	fmt.Fprintf(stdout, "%-6s %-24s %8s %9s %8s %8s %8s %8s\n", "judge", "instance", "v before", "submit ms", "reached", "p50 ms", "p99 ms", "max ms")
	var all []float64
	submitted, missed := 0, 0
	for i, j := range judges {
		candidates, err := j.openSheets(ctx, cfg.room)
		if err != nil {
			return fmt.Errorf("judge %d: %w", i+1, err)
		}
		if len(candidates) == 0 {
			fmt.Fprintf(stdout, "%-6d %-24s skipped: no open sheet for the entry on stage\n", i+1, j.base)
			continue
		}
		before := make([]int64, len(watchers))
		for k, w := range watchers {
			before[k] = w.last()
		}
		t0 := time.Now()
		var status int
		var body []byte
		for _, id := range candidates {
			status, body, err = j.do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/judge/assignments/%d/sheet", id),
				fmt.Appendf(nil, `{"marks":%s}`, cfg.marks), "Idempotency-Key", fmt.Sprintf("podiumload-%d-%d", id, t0.UnixNano()))
			if err != nil {
				return err
			}
			if status != http.StatusConflict || len(candidates) == 1 {
				break // a conflict: scoring is not open for that one (tasks, below); try the next
			}
		}
		submitMs := float64(time.Since(t0).Microseconds()) / 1000
		if status != http.StatusCreated {
			return fmt.Errorf("judge %d submits: %d %.300s", i+1, status, body)
		}
		submitted++
		waitAll(func(k int, w *watcher) bool { return w.last() > before[k] })
		var lat []float64
		for k, w := range watchers {
			if at, ok := w.newerThan(before[k]); ok {
				lat = append(lat, float64(at.Sub(t0).Microseconds())/1000)
			} else {
				missed++
			}
		}
		slices.Sort(lat)
		all = append(all, lat...)
		fmt.Fprintf(stdout, "%-6d %-24s %8d %9.1f %8d %8.1f %8.1f %8.1f\n", i+1, j.base, slices.Max(before), submitMs, len(lat),
			pctF(lat, 50), pctF(lat, 99), pctF(lat, 100))
		if i < len(judges)-1 {
			select {
			case <-time.After(cfg.interval):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	disorder := 0
	for _, w := range watchers {
		w.mu.Lock()
		disorder += w.disorder
		w.mu.Unlock()
	}
	slices.Sort(all)
	fmt.Fprintf(stdout, "submissions %d; submit-to-screen p50 %.1f ms, p99 %.1f ms, max %.1f ms; missed %d; out of order %d\n",
		submitted, pctF(all, 50), pctF(all, 99), pctF(all, 100), missed, disorder)
	if missed > 0 || disorder > 0 {
		return fmt.Errorf("%d screen updates missed, %d out of order", missed, disorder)
	}
	return nil
}

func pctF(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
