// Package overview is the organizer's dashboard: for each contest they run,
// its entries by state, each round's progress, the objections and
// notifications that wait, and what needs their action next. It only reads,
// in one query per kind over all the organizer's contests; it imports only
// contest.
package overview

import (
	"context"

	"github.com/lib/pq"

	"podium/contest"
)

// Service reads the dashboard.
type Service struct{ db *contest.DB }

// New returns the service on db.
func New(db *contest.DB) *Service { return &Service{db: db} }

// Round is a round's progress: sheets submitted of the reviews assigned.
type Round struct {
	ContestID int64              `db:"contest_id" json:"-"`
	Key       string             `db:"key" json:"key"`
	NameZh    string             `db:"name_zh" json:"name_zh"`
	NameEn    string             `db:"name_en" json:"name_en"`
	State     contest.RoundState `db:"state" json:"state"`
	Kind      contest.RoundKind  `db:"kind" json:"kind"`
	Assigned  int                `db:"assigned" json:"assigned"`
	Submitted int                `db:"submitted" json:"submitted"`
	// A live round on stage: its rooms, whether a draw was revealed, whether
	// a pitch began (a room's stage past waiting, an entry done), its
	// entries to pitch and those done with (pitched or absent).
	Rooms    int  `db:"rooms" json:"rooms"`
	Drawn    bool `db:"drawn" json:"-"`
	Pitched  bool `db:"pitched" json:"-"`
	Slots    int  `db:"slots" json:"-"`
	Finished int  `db:"finished" json:"-"`
	// Stage is where a live round on stage stands ("" for any other round).
	Stage Stage `db:"-" json:"stage,omitempty"`
}

// Stage is where a live round on stage stands.
type Stage string

// The stages of a live round on stage.
const (
	StageReady    Stage = "ready"     // rooms set, the draw not made, nobody pitched
	StageDrawn    Stage = "drawn"     // the order drawn, the first pitch not begun
	StageUnderWay Stage = "under_way" // pitches going on
	StageDone     Stage = "done"      // every entry pitched (or marked absent)
)

// Stages lists every stage, for the catalogs' test.
var Stages = []Stage{StageReady, StageDrawn, StageUnderWay, StageDone}

// stage derives a live round's stage from what happened on it; "" when the
// round is not a live one on stage (no rooms), which is scored like an
// online round.
func (r Round) stage() Stage {
	switch {
	case r.Kind != contest.KindLive || r.Rooms == 0:
		return ""
	case r.Slots > 0 && r.Finished == r.Slots:
		return StageDone
	case r.Pitched:
		return StageUnderWay
	case r.Drawn:
		return StageDrawn
	}
	return StageReady
}

// Percent is how far the round's scoring is, 0 to 100 (rounded down, so 100
// means every sheet is in).
func (r Round) Percent() int {
	if r.Assigned == 0 {
		return 0
	}
	return r.Submitted * 100 / r.Assigned
}

// ActionKind is what needs the organizer.
type ActionKind string

// The actions the dashboard asks for, most urgent kinds first.
const (
	ActReview     ActionKind = "review"     // entries submitted, not yet reviewed for eligibility
	ActObjections ActionKind = "objections" // objections received or under investigation
	ActInvestors  ActionKind = "investors"  // investors' applications to the showcase awaiting a decision
	ActScoring    ActionKind = "scoring"    // an open round with sheets outstanding (not a live round on stage)
	ActLive       ActionKind = "live"       // an open live round on stage: where it stands (Round.Stage)
	ActPublish    ActionKind = "publish"    // a closed round: rank, advance or award, publish
	ActMessages   ActionKind = "messages"   // notifications that failed
)

// Action is one thing to do, with how many it concerns and, for a round's, which.
type Action struct {
	Kind  ActionKind `json:"kind"`
	Count int        `json:"count"`
	Round *Round     `json:"round,omitempty"`
}

// Contest is one contest's dashboard.
type Contest struct {
	ID               int64          `json:"id"`
	Entries          map[string]int `json:"entries"` // by state, drafts not counted
	Rounds           []Round        `json:"rounds"`
	OpenObjections   int            `json:"open_objections"`
	PendingInvestors int            `json:"pending_investors"`
	FailedMessages   int            `json:"failed_messages"`
	Next             []Action       `json:"next"`
}

// OfContests returns the dashboards of the given contests, by id.
func (s *Service) OfContests(ctx context.Context, ids []int64) (map[int64]*Contest, error) {
	out := map[int64]*Contest{}
	for _, id := range ids {
		out[id] = &Contest{ID: id, Entries: map[string]int{}}
	}
	if len(ids) == 0 {
		return out, nil
	}
	arg := pq.Int64Array(ids)
	var states []struct {
		ContestID int64  `db:"contest_id"`
		State     string `db:"state"`
		N         int    `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &states, `SELECT contest_id, state, count(*) AS n FROM entries
		WHERE contest_id = ANY($1) AND state <> 'draft' GROUP BY contest_id, state`, arg); err != nil {
		return nil, err
	}
	for _, r := range states {
		out[r.ContestID].Entries[r.State] = r.N
	}
	var rounds []Round
	if err := s.db.SelectContext(ctx, &rounds, `
		SELECT r.contest_id, r.key, r.name_zh, r.name_en, r.state, r.kind,
		       count(a.id) AS assigned, count(sh.assignment_id) FILTER (WHERE sh.state = 'submitted') AS submitted,
		       (SELECT count(*) FROM live_rooms lr WHERE lr.round_id = r.id) AS rooms,
		       EXISTS (SELECT 1 FROM live_rooms lr WHERE lr.round_id = r.id AND lr.revealed_at IS NOT NULL) AS drawn,
		       (EXISTS (SELECT 1 FROM live_rooms lr WHERE lr.round_id = r.id AND lr.phase <> 'waiting')
		        OR EXISTS (SELECT 1 FROM live_slots ls WHERE ls.round_id = r.id AND ls.status = 'done')) AS pitched,
		       (SELECT count(*) FROM live_slots ls WHERE ls.round_id = r.id) AS slots,
		       (SELECT count(*) FROM live_slots ls WHERE ls.round_id = r.id AND ls.status <> 'waiting') AS finished
		FROM rounds r
		LEFT JOIN assignments a ON a.round_id = r.id AND a.state = 'active'
		LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
		WHERE r.contest_id = ANY($1)
		GROUP BY r.id ORDER BY r.contest_id, r.position`, arg); err != nil {
		return nil, err
	}
	for _, r := range rounds {
		r.Stage = r.stage()
		out[r.ContestID].Rounds = append(out[r.ContestID].Rounds, r)
	}
	var counts []struct {
		ContestID  int64 `db:"contest_id"`
		Objections int   `db:"objections"`
		Investors  int   `db:"investors"`
		Failed     int   `db:"failed"`
	}
	if err := s.db.SelectContext(ctx, &counts, `
		SELECT c.id AS contest_id,
		       (SELECT count(*) FROM objections o WHERE o.contest_id = c.id AND o.state IN ('received', 'investigating')) AS objections,
		       (SELECT count(*) FROM showcase_investors si WHERE si.contest_id = c.id AND si.state = 'pending') AS investors,
		       (SELECT count(*) FROM outbox m WHERE m.contest_id = c.id AND m.state = 'failed') AS failed
		FROM contests c WHERE c.id = ANY($1)`, arg); err != nil {
		return nil, err
	}
	for _, r := range counts {
		d := out[r.ContestID]
		d.OpenObjections, d.PendingInvestors, d.FailedMessages = r.Objections, r.Investors, r.Failed
	}
	for _, c := range out {
		c.Next = next(c)
	}
	return out, nil
}

// next is what the contest needs from its organizers now, in order.
func next(c *Contest) []Action {
	var acts []Action
	if n := c.Entries["submitted"]; n > 0 {
		acts = append(acts, Action{Kind: ActReview, Count: n})
	}
	if c.OpenObjections > 0 {
		acts = append(acts, Action{Kind: ActObjections, Count: c.OpenObjections})
	}
	if c.PendingInvestors > 0 {
		acts = append(acts, Action{Kind: ActInvestors, Count: c.PendingInvestors})
	}
	for i := range c.Rounds {
		r := &c.Rounds[i]
		switch {
		case r.State == contest.RoundOpen && r.Stage != "":
			// Its sheets are scored as the entries pitch: nothing to remind
			// the judges of before; where the stage stands instead.
			acts = append(acts, Action{Kind: ActLive, Round: r})
		case r.State == contest.RoundOpen && r.Submitted < r.Assigned:
			acts = append(acts, Action{Kind: ActScoring, Count: r.Assigned - r.Submitted, Round: r})
		case r.State == contest.RoundClosed:
			acts = append(acts, Action{Kind: ActPublish, Round: r})
		}
	}
	if c.FailedMessages > 0 {
		acts = append(acts, Action{Kind: ActMessages, Count: c.FailedMessages})
	}
	return acts
}
