package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/judging"
	"podium/contest/live"
	"podium/scoring"
)

// livePace is how fast the director plays: the wait after each stage
// operation, the pitch and the questions, and between two judges' sheets.
type livePace struct {
	Step, Pitch, QA, Sheet time.Duration
}

// demoPace is the pace of `podium demo --live`: a pitch of 20 s and 10 s of
// questions (the demo round's timers), a judge's sheet every 2–4 s.
var demoPace = livePace{Step: 3 * time.Second, Pitch: 20 * time.Second, QA: 10 * time.Second, Sheet: 3 * time.Second}

// liveDirector plays the demo's live final in real time through contest/live,
// as an organizer at the console and a panel on tablets would: the draw
// committed and revealed, each entry's pitch, questions, scoring (each seated
// judge submits a plausible sheet through judging, with a fresh
// idempotency key), the result; the board frozen before the last two
// entries, then revealed step by step and unfrozen. After every stage
// operation it republishes the room's boards (publish); sheets are
// published by judging's SheetChanged hook.
type liveDirector struct {
	dom       *Domain
	actorID   int64 // the demo organizer
	contestID int64
	roomID    int64
	publish   func(ctx context.Context, contestID, roomID int64, reconcile bool) // nil: nothing to publish to
	pace      livePace
	log       *slog.Logger
	rand      *mrand.Rand

	seed     string              // the draw's seed, between the commitment and its reveal
	accounts map[int64]int64     // judge account by expert
	rubric   []contest.Criterion // the final's
	quality  map[string]float64  // how the panel sees each pitch, by title
}

func newLiveDirector(dom *Domain, actorID int64, d demoLive, pace livePace, log *slog.Logger) *liveDirector {
	return &liveDirector{dom: dom, actorID: actorID, contestID: d.ContestID, roomID: d.RoomID, pace: pace, log: log,
		rand: mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), uint64(d.RoomID))), accounts: map[int64]int64{},
		quality: demoQualities()}
}

// Run plays the room from wherever it is to the end, and returns the public
// board as it ends. It stops when ctx ends, returning ctx's error.
func (d *liveDirector) Run(ctx context.Context) (live.Board, error) {
	c, err := d.dom.Contests.Contest(ctx, d.contestID)
	if err != nil {
		return live.Board{}, err
	}
	for _, r := range c.Rounds {
		if r.Key == demoLiveRound {
			d.rubric = r.Criteria
		}
	}
	for {
		r, err := d.dom.Live.Room(ctx, d.contestID, d.roomID)
		if err != nil {
			return live.Board{}, err
		}
		if demoLiveOver(r) {
			return d.dom.Live.Board(ctx, d.contestID, d.roomID, live.AudiencePublic)
		}
		wait, err := d.step(ctx, r)
		if err != nil {
			return live.Board{}, err
		}
		select {
		case <-ctx.Done():
			return live.Board{}, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// step does the room's next thing and returns how long to wait before the next.
func (d *liveDirector) step(ctx context.Context, r live.Room) (time.Duration, error) {
	switch {
	case r.Commitment == "":
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return 0, err
		}
		d.seed = hex.EncodeToString(b[:])
		_, err := d.dom.Live.CommitDraw(ctx, d.actorID, d.contestID, d.roomID, live.Commitment(d.seed))
		return 2 * d.pace.Step, d.published(ctx, "draw committed", false, err)
	case r.Seed == "":
		if d.seed == "" {
			return 0, errors.New("the draw was committed by another run, which kept its seed")
		}
		_, err := d.dom.Live.RevealDraw(ctx, d.actorID, d.contestID, d.roomID, d.seed)
		return 2 * d.pace.Step, d.published(ctx, "draw revealed", false, err)
	}
	var cur *live.Slot
	waiting, hidden := 0, 0
	for i, s := range r.Slots {
		if r.Current != nil && s.ID == *r.Current {
			cur = &r.Slots[i]
		}
		switch {
		case s.Status == live.SlotWaiting:
			waiting++
		case s.Status == live.SlotDone && !s.Public:
			hidden++
		}
	}
	switch {
	case cur == nil && hidden > 0:
		return 2 * d.pace.Step, d.apply(ctx, live.OpRevealNext)
	case cur == nil && r.Frozen:
		return d.pace.Step, d.apply(ctx, live.OpUnfreeze)
	case cur == nil || cur.Status != live.SlotWaiting: // the result shown: the next entry, or none
		return d.pace.Step, d.apply(ctx, live.OpNext)
	}
	switch r.Phase {
	case live.PhaseWaiting:
		if !r.Frozen && waiting <= 2 && len(r.Slots) > 2 {
			return d.pace.Step, d.apply(ctx, live.OpFreeze)
		}
		return d.pace.Pitch, d.apply(ctx, live.OpStartPitch)
	case live.PhasePitch:
		return d.pace.QA, d.apply(ctx, live.OpStartQA)
	case live.PhaseQA:
		return d.sheetWait(), d.apply(ctx, live.OpOpenScoring)
	case live.PhaseScoring:
		done, err := d.submitOne(ctx, *cur)
		if err != nil {
			return 0, err
		}
		if done {
			return d.pace.Step, d.apply(ctx, live.OpCloseScoring)
		}
		return d.sheetWait(), nil
	case live.PhaseClosed:
		return 2 * d.pace.Step, d.apply(ctx, live.OpShowResult)
	}
	return d.pace.Step, d.apply(ctx, live.OpNext)
}

func (d *liveDirector) sheetWait() time.Duration {
	if d.pace.Sheet <= 0 {
		return 0
	}
	// 2/3 to 4/3 of the mean: 2–4 s at the demo's pace.
	return d.pace.Sheet*2/3 + time.Duration(d.rand.Int64N(int64(d.pace.Sheet)*2/3+1))
}

func (d *liveDirector) apply(ctx context.Context, op live.Op) error {
	_, err := d.dom.Live.Apply(ctx, d.actorID, d.contestID, d.roomID, op)
	reconcile := op == live.OpFreeze || op == live.OpRevealNext || op == live.OpUnfreeze
	return d.published(ctx, string(op), reconcile, err)
}

// published republishes the room's boards after a change that committed.
func (d *liveDirector) published(ctx context.Context, what string, reconcile bool, err error) error {
	if err != nil {
		return fmt.Errorf("live demo, %s: %w", what, err)
	}
	d.log.Debug("live demo", "room", d.roomID, "did", what)
	if d.publish != nil {
		d.publish(ctx, d.contestID, d.roomID, reconcile)
	}
	return nil
}

// submitOne has one seated judge who has not yet scored the entry on stage
// submit a sheet, as a tablet would. It reports whether every judge is done.
func (d *liveDirector) submitOne(ctx context.Context, cur live.Slot) (bool, error) {
	b, err := d.dom.Live.Board(ctx, d.contestID, d.roomID, live.AudienceOrganizer)
	if err != nil {
		return false, err
	}
	var pending []live.JudgeState
	for _, j := range b.Judges {
		if j.State == live.JudgePending && j.AssignmentID != 0 {
			pending = append(pending, j)
		}
	}
	if len(pending) == 0 {
		return true, nil
	}
	j := pending[d.rand.IntN(len(pending))]
	account, err := d.account(ctx, j.ExpertID)
	if err != nil {
		return false, err
	}
	in := d.sheet(cur.Title, j.Name)
	body, err := json.Marshal(in)
	if err != nil {
		return false, err
	}
	if _, err := d.dom.Judging.SubmitSheet(ctx, access.EveryContest(account), j.AssignmentID, in, "demo-live-"+uuid.NewString(),
		judging.RequestHash(j.AssignmentID, body)); err != nil {
		return false, fmt.Errorf("live demo, %s's sheet for %s: %w", j.Name, cur.Title, err)
	}
	d.log.Debug("live demo", "room", d.roomID, "sheet", j.Name, "entry", cur.Title)
	return len(pending) == 1, nil
}

// account is the judge account of a panel member.
func (d *liveDirector) account(ctx context.Context, expertID int64) (int64, error) {
	if a, ok := d.accounts[expertID]; ok {
		return a, nil
	}
	x, err := d.dom.Judging.Expert(ctx, d.actorID, expertID)
	if err != nil {
		return 0, err
	}
	if x.AccountID == nil {
		return 0, fmt.Errorf("expert %s has no judge account", x.Name)
	}
	d.accounts[expertID] = *x.AccountID
	return *x.AccountID, nil
}

// sheet is a plausible sheet for the entry by the judge: the pitch's
// quality, the judge's leniency and a little noise, per criterion.
func (d *liveDirector) sheet(title, judge string) judging.SheetInput {
	quality, leniency := 0.7, 0.0
	if q, ok := d.quality[title]; ok {
		quality = q
	}
	for _, x := range append(slices.Clone(demoLiveExperts), demoExperts...) {
		if x.Name == judge {
			leniency = x.leniency
			break
		}
	}
	in := judging.SheetInput{Marks: map[string]scoring.Points{}}
	for _, c := range d.rubric {
		share := min(max(quality+leniency+d.rand.NormFloat64()*0.04, 0), 1)
		step := max(c.Step, 1)
		in.Marks[c.Key] = scoring.Points(math.Round(share*float64(c.Max/step))) * step
	}
	return in
}

// printLiveDemo tells where to watch the demo's live final.
func printLiveDemo(w io.Writer, baseURL string, d demoLive, rep demoSemifinalReport) {
	if rep.Sheets > 0 {
		fmt.Fprintf(w, "The semifinal is complete: the judges behind submitted their %d sheets.\n", rep.Sheets)
	}
	fmt.Fprintf(w, "Advanced to the final (the semifinal's results published): %s\n", strings.Join(rep.Advanced, "、"))
	fmt.Fprintf(w, "Live final (%s, played by a simulated panel):\n", demoLiveRoom)
	fmt.Fprintf(w, "  Big screen:  %s/live/%d/rooms/%d\n", baseURL, d.ContestID, d.RoomID)
	fmt.Fprintf(w, "  Phone:       %s/live/%d/rooms/%d/phone\n", baseURL, d.ContestID, d.RoomID)
	fmt.Fprintf(w, "  Console:     %s/organizer/contests/%d/live/rooms/%d  (log in as the organizer)\n", baseURL, d.ContestID, d.RoomID)
}

// printLiveResult prints the final's ranking as its board ends.
func printLiveResult(w io.Writer, baseURL string, b live.Board) {
	fmt.Fprintf(w, "The live final in %s is over:\n", b.Room)
	for _, r := range b.Ranking {
		fmt.Fprintf(w, "  %2d. %-7s %s（%s）\n", r.Rank, r.Score, r.Title, r.Organization)
	}
	fmt.Fprintf(w, "Its results are published: %s/results/%s\n", baseURL, demoSlug)
}

// demoPlayedText tells why `podium demo --live` does not play again.
func demoPlayedText(baseURL string, state demoFinalState) string {
	why := "The demo's live final has been played"
	if state == finalUnplayable {
		why = "The demo's live final cannot go on: its draw was committed by a run that stopped before revealing it"
	}
	return fmt.Sprintf("%s; its results stay as they are (%s/results/%s).\n"+
		"To play the story again on fresh demo contests: podium demo --reset --live\n", why, baseURL, demoSlug)
}

// startLiveDemo makes demo-2026's final ready (see prepareDemoFinal), prints
// where to watch it, and has m play it while it serves: the director stops
// when the server does; when the final is over it publishes its results and
// prints the ranking. A final already played is not played again: it says
// so, and how to play the story again.
func startLiveDemo(ctx context.Context, m *Main, stdout io.Writer, pace livePace) error {
	organizer, err := m.Accounts.Authenticate(ctx, demoOrganizerEmail, demoPassword)
	if err != nil {
		return fmt.Errorf("the demo organizer: %w", err)
	}
	id, err := m.Contests.ContestIDBySlug(ctx, demoSlug)
	if err != nil {
		return err
	}
	d, err := ensureDemoFinalRoom(ctx, m.Domain, organizer.ID, id)
	if err != nil {
		return err
	}
	state, err := demoFinalStateOf(ctx, m.Domain, d)
	switch {
	case err != nil:
		return err
	case state == finalPlayed:
		// Played to the end by a run stopped before it published: publish now.
		if err := publishDemoFinal(ctx, m.Domain, organizer.ID, id); err != nil {
			return err
		}
		fallthrough
	case state == finalUnplayable:
		fmt.Fprint(stdout, demoPlayedText(m.URL(), state))
		return nil
	}
	d, rep, err := prepareDemoFinal(ctx, m.Domain, organizer.ID, d)
	if err != nil {
		return err
	}
	printLiveDemo(stdout, m.URL(), d, rep)
	dir := newLiveDirector(m.Domain, organizer.ID, d, pace, m.Log)
	dir.publish = m.Web.PublishRoom
	m.Go(func(ctx context.Context) {
		b, err := dir.Run(ctx)
		if err == nil {
			err = publishDemoFinal(ctx, m.Domain, organizer.ID, id)
		}
		switch {
		case ctx.Err() != nil:
			m.Log.Info("live demo stopped", "room", d.RoomID)
		case err != nil:
			m.Log.Error("live demo", "err", err)
		default:
			printLiveResult(stdout, m.URL(), b)
		}
	})
	return nil
}
