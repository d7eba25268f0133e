package live

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/audit"
	"podium/fault"
	"podium/scoring"
)

// Audience is who a board is for.
type Audience string

// The audiences of a board.
const (
	// AudiencePublic: the big screen and phones. Entrants' names are public
	// at a final (they pitch on stage); judges' never are: a judge is a seat
	// (评委1, Judge 1). While the board is frozen, no result that is not yet
	// revealed shows: the current entry's totals and score are hidden, and
	// the ranking holds only the revealed entries.
	AudiencePublic Audience = "public"
	// AudienceOrganizer: the organizer's own board, always live, with which
	// judges have submitted and which are missing.
	AudienceOrganizer Audience = "organizer"
)

// Board is what a room's screen shows, derived from PostgreSQL (Derive).
// Scores are decimal strings in points with two places ("87.50"): the
// judges' totals and the final score, rounded once by the round's rule.
type Board struct {
	Version     int64        `json:"version"` // see the package comment: a screen keeps the highest
	Audience    Audience     `json:"audience"`
	RoomID      int64        `json:"room_id"`
	Room        string       `json:"room"`
	RoundName   string       `json:"round_name"`
	RoundNameEn string       `json:"round_name_en"`
	Method      string       `json:"method"`               // the round's aggregation method (trimmed: highest and lowest struck)
	Commitment  string       `json:"commitment,omitempty"` // the draw's commitment, hex SHA-256 of the seed, once made
	Seed        string       `json:"seed,omitempty"`       // the draw's seed, once revealed (anyone can then run podium draw)
	Frozen      bool         `json:"frozen"`
	Phase       Phase        `json:"phase"`
	Timer       Timer        `json:"timer"`
	Current     *BoardEntry  `json:"current"` // nil when no entry is called
	Order       []BoardSlot  `json:"order"`   // the pitch order
	Ranking     []BoardRank  `json:"ranking"` // the entries whose result is shown (public: revealed), by rank
	Judges      []JudgeState `json:"judges,omitempty"`
}

// BoardEntry is the entry on stage and its scores.
type BoardEntry struct {
	SlotID       int64        `json:"slot_id"`
	Position     int          `json:"position"`
	Code         string       `json:"code"`
	Title        string       `json:"title"`
	Organization string       `json:"organization"`
	Judges       []BoardJudge `json:"judges"`          // by seat
	Final        string       `json:"final,omitempty"` // the score, once shown (organizers: as soon as there are totals)
	Rule         string       `json:"rule,omitempty"`  // the rule the score was computed by, e.g. "trimmed" or "plain mean of 4 sheets: trimmed needs at least 5"
	Hidden       bool         `json:"hidden"`          // frozen: its totals and score are not revealed yet
}

// BoardJudge is one seat's total for the entry on stage. The public board
// names a judge by seat only.
type BoardJudge struct {
	Seat    int    `json:"seat"`
	Label   string `json:"label"`    // 评委1
	LabelEn string `json:"label_en"` // Judge 1
	Total   string `json:"total,omitempty"`
	Recused bool   `json:"recused"` // conflicted with the entry or recused: the score uses the others
	Struck  bool   `json:"struck"`  // dropped as the highest or lowest under the trimmed rule
}

// BoardSlot is an entry in the pitch order.
type BoardSlot struct {
	Position     int        `json:"position"`
	Code         string     `json:"code"`
	Title        string     `json:"title"`
	Organization string     `json:"organization"`
	Status       SlotStatus `json:"status"`
	MovedToEnd   bool       `json:"moved_to_end"`
}

// BoardRank is a line of the ranking.
type BoardRank struct {
	Rank         int    `json:"rank"`
	Code         string `json:"code"`
	Title        string `json:"title"`
	Organization string `json:"organization"`
	Score        string `json:"score"`
}

// JudgeState is, for the organizer, a seated judge's sheet for the entry on
// stage: submitted, pending (not yet submitted: missing) or recused.
type JudgeState struct {
	Seat         int    `json:"seat"`
	ExpertID     int64  `json:"expert_id"`
	Name         string `json:"name"`
	State        string `json:"state"` // submitted, pending, recused
	AssignmentID int64  `json:"assignment_id,omitempty"`
}

// The states of a JudgeState.
const (
	JudgeSubmitted = "submitted"
	JudgePending   = "pending"
	JudgeRecused   = "recused"
)

// BoardInput is everything a board is derived from, as read from PostgreSQL.
type BoardInput struct {
	Room    Room
	Round   RoundRules
	Version int64
	Now     time.Time
	// Sheets are the submitted sheets of the room's judges on the room's
	// entries: Entry is the slot's code and Judge the seat, as a number.
	Sheets []scoring.Sheet
	// Active is, per slot code, the seats with an active assignment for it;
	// a seat without one is recused.
	Active map[string][]int
	// Assignments maps slot code and seat to the assignment, for organizers.
	Assignments map[string]map[int]int64
}

// RoundRules is the round's name and aggregation rule.
type RoundRules struct {
	Name, NameEn string
	Rubric       scoring.Rubric
	Options      scoring.Options
}

func seatName(seat int) string { return fmt.Sprintf("%04d", seat) } // name order is seat order

// Derive computes a room's board for an audience: a pure function of what
// was read. Each total and score comes from scoring.Rank with the round's
// method and options, so the board's rule is the ranking's.
func Derive(in BoardInput, aud Audience) (Board, error) {
	r := in.Room
	b := Board{Version: in.Version, Audience: aud, RoomID: r.ID, Room: r.Name, RoundName: in.Round.Name,
		RoundNameEn: in.Round.NameEn, Method: string(in.Round.Options.Method), Commitment: r.Commitment, Seed: r.Seed,
		Frozen: r.Frozen, Phase: r.Phase,
		Timer: r.Timer, Order: []BoardSlot{}, Ranking: []BoardRank{}}
	public := aud == AudiencePublic
	bySlot := map[string]Slot{}
	for _, sl := range r.Slots {
		bySlot[sl.Code] = sl
		if sl.Position != nil {
			b.Order = append(b.Order, BoardSlot{Position: *sl.Position, Code: sl.Code, Title: sl.Title,
				Organization: sl.Organization, Status: sl.Status, MovedToEnd: sl.MovedToEnd})
		}
	}
	sheetsOf := func(include func(code string) bool) []scoring.Sheet {
		out := []scoring.Sheet{}
		for _, sh := range in.Sheets {
			if include(sh.Entry) {
				out = append(out, sh)
			}
		}
		return out
	}
	// The ranking: the entries whose result is shown (public: and revealed).
	ranked := sheetsOf(func(code string) bool {
		sl := bySlot[code]
		return sl.Status == SlotDone && (!public || sl.Public)
	})
	if len(ranked) > 0 {
		rk, err := scoring.Rank(in.Round.Rubric, ranked, in.Round.Options)
		if err != nil {
			return b, err
		}
		for _, res := range rk.Entries {
			sl := bySlot[res.Entry]
			b.Ranking = append(b.Ranking, BoardRank{Rank: res.Rank, Code: sl.Code, Title: sl.Title,
				Organization: sl.Organization, Score: res.Score.String()})
		}
	}
	var cur *Slot
	for i := range r.Slots {
		if r.Current != nil && r.Slots[i].ID == *r.Current {
			cur = &r.Slots[i]
		}
	}
	if cur == nil {
		return b, nil
	}
	e := &BoardEntry{SlotID: cur.ID, Code: cur.Code, Title: cur.Title, Organization: cur.Organization, Judges: []BoardJudge{}}
	if cur.Position != nil {
		e.Position = *cur.Position
	}
	b.Current = e
	e.Hidden = public && r.Frozen && !cur.Public
	resultShown := cur.Status == SlotDone
	var res *scoring.Result
	if mine := sheetsOf(func(code string) bool { return code == cur.Code }); len(mine) > 0 {
		rk, err := scoring.Rank(in.Round.Rubric, mine, in.Round.Options)
		if err != nil {
			return b, err
		}
		res = &rk.Entries[0]
	}
	active := in.Active[cur.Code]
	for _, seat := range r.Judges {
		j := BoardJudge{Seat: seat.Seat, Label: fmt.Sprintf("评委%d", seat.Seat), LabelEn: fmt.Sprintf("Judge %d", seat.Seat),
			Recused: !slices.Contains(active, seat.Seat)}
		if res != nil && !e.Hidden {
			for _, t := range res.Sheets {
				if t.Judge == seatName(seat.Seat) {
					j.Total = t.Total.String()
					j.Struck = t.Dropped && (!public || resultShown)
				}
			}
		}
		e.Judges = append(e.Judges, j)
		if !public {
			st := JudgeState{Seat: seat.Seat, ExpertID: seat.ExpertID, Name: seat.Name, State: JudgePending,
				AssignmentID: in.Assignments[cur.Code][seat.Seat]}
			switch {
			case j.Recused:
				st.State = JudgeRecused
			case j.Total != "":
				st.State = JudgeSubmitted
			}
			b.Judges = append(b.Judges, st)
		}
	}
	if res != nil && !e.Hidden && (!public || resultShown) {
		e.Final, e.Rule = res.Score.String(), res.Rule.String()
	}
	return b, nil
}

// Board reads a room's board for an audience from PostgreSQL, in one
// consistent snapshot (its Version is the chain head of that snapshot).
func (s *Service) Board(ctx context.Context, contestID, roomID int64, aud Audience) (Board, error) {
	if aud != AudiencePublic && aud != AudienceOrganizer {
		return Board{}, fault.Invalid("audience", "err.live.audience")
	}
	var b Board
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return b, err
	}
	defer tx.Rollback() //nolint:errcheck // read only
	var row roomRow
	if err := tx.GetContext(ctx, &row, roomSQL+` WHERE lr.id = $1 AND r.contest_id = $2`, roomID, contestID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return b, errRoomNotFound()
		}
		return b, err
	}
	in, err := loadBoardInput(ctx, tx, row, s.now())
	if err != nil {
		return b, err
	}
	return Derive(in, aud)
}

// BoardsOfRound reads every room's board of a round (a round-wide screen).
func (s *Service) BoardsOfRound(ctx context.Context, contestID int64, roundKey string, aud Audience) ([]Board, error) {
	rooms, err := s.Rooms(ctx, contestID, roundKey)
	if err != nil {
		return nil, err
	}
	out := make([]Board, 0, len(rooms))
	for _, r := range rooms {
		b, err := s.Board(ctx, contestID, r.ID, aud)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// loadBoardInput reads what a room's board is derived from.
func loadBoardInput(ctx context.Context, q sqlx.QueryerContext, row roomRow, now time.Time) (BoardInput, error) {
	in := BoardInput{Now: now, Active: map[string][]int{}, Assignments: map[string]map[int]int64{}}
	var err error
	if in.Room, err = loadRoom(ctx, q, row, now); err != nil {
		return in, err
	}
	in.Version = in.Room.Version
	in.Round.Name, in.Round.NameEn = row.RoundName, row.RoundNameEn
	var rules struct {
		Method   string         `db:"method"`
		TrimMin  int            `db:"trim_min"`
		TieBreak pq.StringArray `db:"tie_break"`
	}
	if err := sqlx.GetContext(ctx, q, &rules, `SELECT method, trim_min, tie_break FROM rounds WHERE id = $1`, row.RoundID); err != nil {
		return in, err
	}
	method, err := scoring.ParseMethod(rules.Method)
	if err != nil {
		return in, err
	}
	in.Round.Options = scoring.Options{Method: method, TrimMin: rules.TrimMin, TieBreak: rules.TieBreak}
	criteria, err := contest.RoundCriteria(ctx, q, row.RoundID)
	if err != nil {
		return in, err
	}
	for _, c := range criteria {
		in.Round.Rubric.Criteria = append(in.Round.Rubric.Criteria, scoring.Criterion{Key: c.Key, Name: c.NameZh, NameEn: c.NameEn, Max: c.Max, Weight: c.Weight})
	}
	var rows []struct {
		Code       string         `db:"code"`
		Seat       int            `db:"seat"`
		Assignment int64          `db:"assignment_id"`
		Submitted  bool           `db:"submitted"`
		Keys       pq.StringArray `db:"keys"`
		Points     pq.Int64Array  `db:"points"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT s.code, j.seat, a.id AS assignment_id, coalesce(sh.state = 'submitted', false) AS submitted,
		       m.keys, m.points
		FROM live_slots s JOIN live_room_judges j ON j.room_id = s.room_id
		JOIN assignments a ON a.round_id = s.round_id AND a.entry_id = s.entry_id AND a.expert_id = j.expert_id AND a.state = 'active'
		LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
		LEFT JOIN LATERAL (
			SELECT array_agg(c.key ORDER BY c.key) AS keys, array_agg(mk.points ORDER BY c.key) AS points
			FROM marks mk JOIN criteria c ON c.id = mk.criterion_id WHERE mk.sheet_id = sh.id AND sh.state = 'submitted') m ON true
		WHERE s.room_id = $1
		ORDER BY s.code, j.seat`, row.ID); err != nil {
		return in, err
	}
	for _, r := range rows {
		in.Active[r.Code] = append(in.Active[r.Code], r.Seat)
		if in.Assignments[r.Code] == nil {
			in.Assignments[r.Code] = map[int]int64{}
		}
		in.Assignments[r.Code][r.Seat] = r.Assignment
		if !r.Submitted {
			continue
		}
		sh := scoring.Sheet{Entry: r.Code, Judge: seatName(r.Seat), Marks: map[string]scoring.Points{}}
		for i, k := range r.Keys {
			sh.Marks[k] = scoring.Points(r.Points[i])
		}
		in.Sheets = append(in.Sheets, sh)
	}
	return in, nil
}

// board runs the freeze operations on a locked room.
func (s *Service) board(ctx context.Context, tx *sqlx.Tx, r roomRow, op Op, now time.Time) (audit.Action, map[string]any, error) {
	switch op {
	case OpFreeze:
		if r.Frozen {
			return "", nil, fault.Conflict("err.live.frozen")
		}
		_, err := tx.ExecContext(ctx, `UPDATE live_rooms SET frozen = true, frozen_at = $2 WHERE id = $1`, r.ID, now)
		return audit.LiveFrozen, map[string]any{"op": op}, err
	case OpUnfreeze:
		if !r.Frozen {
			return "", nil, fault.Conflict("err.live.not_frozen")
		}
		var shown []string
		if err := tx.SelectContext(ctx, &shown, `
			UPDATE live_slots SET public = true WHERE room_id = $1 AND status = 'done' AND NOT public RETURNING code`, r.ID); err != nil {
			return "", nil, err
		}
		slices.Sort(shown)
		_, err := tx.ExecContext(ctx, `UPDATE live_rooms SET frozen = false, frozen_at = NULL WHERE id = $1`, r.ID)
		return audit.LiveUnfrozen, map[string]any{"op": op, "revealed": shown}, err
	}
	// Reveal: the hidden result lowest in the organizer's (live) ranking.
	if !r.Frozen {
		return "", nil, fault.Conflict("err.live.not_frozen")
	}
	in, err := loadBoardInput(ctx, tx, r, now)
	if err != nil {
		return "", nil, err
	}
	b, err := Derive(in, AudienceOrganizer)
	if err != nil {
		return "", nil, err
	}
	hidden := map[string]Slot{}
	for _, sl := range in.Room.Slots {
		if sl.Status == SlotDone && !sl.Public {
			hidden[sl.Code] = sl
		}
	}
	for i := len(b.Ranking) - 1; i >= 0; i-- {
		line := b.Ranking[i]
		sl, ok := hidden[line.Code]
		if !ok {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE live_slots SET public = true WHERE id = $1`, sl.ID); err != nil {
			return "", nil, err
		}
		return audit.LiveRevealed, map[string]any{"op": op, "slot": sl.ID, "entry": sl.EntryID, "code": sl.Code,
			"rank": line.Rank, "score": line.Score, "left": len(hidden) - 1}, nil
	}
	// A result shown without a sheet is in no ranking: reveal it last.
	for _, sl := range in.Room.Slots {
		if _, ok := hidden[sl.Code]; ok {
			_, err := tx.ExecContext(ctx, `UPDATE live_slots SET public = true WHERE id = $1`, sl.ID)
			return audit.LiveRevealed, map[string]any{"op": op, "slot": sl.ID, "entry": sl.EntryID, "code": sl.Code,
				"left": len(hidden) - 1}, err
		}
	}
	return "", nil, fault.Conflict("err.live.nothing_to_reveal")
}
