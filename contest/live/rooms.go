package live

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/audit"
	"podium/contest/judging"
	"podium/fault"
)

// RoomInput is a room as the organizer sets it up: its name, the panel
// members seated in it (expert ids, in seat order) and the entries pitching
// in it (entry ids). With a single room, no judges seats the whole panel in
// it (by expert id) and no entries puts every entry of the round in it (those
// judging.ReviewsOf lists, less the withdrawn).
type RoomInput struct {
	Name    string  `json:"name"`
	Judges  []int64 `json:"judges"`
	Entries []int64 `json:"entries"`
}

// roomRow is a live_rooms row with its round's settings.
type roomRow struct {
	ID             int64      `db:"id"`
	ContestID      int64      `db:"contest_id"`
	RoundID        int64      `db:"round_id"`
	RoundKey       string     `db:"round_key"`
	RoundState     string     `db:"round_state"`
	RoundName      string     `db:"round_name"`
	RoundNameEn    string     `db:"round_name_en"`
	Name           string     `db:"name"`
	Position       int        `db:"position"`
	SeedHash       *string    `db:"seed_hash"`
	CommittedAt    *time.Time `db:"committed_at"`
	Seed           *string    `db:"seed"`
	RevealedAt     *time.Time `db:"revealed_at"`
	Current        *int64     `db:"current_slot"`
	Phase          Phase      `db:"phase"`
	PhaseStartedAt *time.Time `db:"phase_started_at"`
	PausedAt       *time.Time `db:"paused_at"`
	Frozen         bool       `db:"frozen"`
	FrozenAt       *time.Time `db:"frozen_at"`
	PitchSeconds   int        `db:"pitch_seconds"`
	QASeconds      int        `db:"qa_seconds"`
	NamesPublic    bool       `db:"names_public"`
}

const roomSQL = `
	SELECT lr.id, r.contest_id, lr.round_id, r.key AS round_key, r.state AS round_state, r.name_zh AS round_name, r.name_en AS round_name_en, lr.name, lr.position,
	       lr.seed_hash, lr.committed_at, lr.seed, lr.revealed_at, lr.current_slot, lr.phase, lr.phase_started_at,
	       lr.paused_at, lr.frozen, lr.frozen_at, r.pitch_seconds, r.qa_seconds, r.names_public
	FROM live_rooms lr JOIN rounds r ON r.id = lr.round_id`

func errRoomNotFound() error { return fault.NotFound("err.live.room_not_found") }

// lockRoom locks a room of the contest for a change.
func lockRoom(ctx context.Context, tx *sqlx.Tx, contestID, roomID int64) (roomRow, error) {
	var r roomRow
	err := tx.GetContext(ctx, &r, roomSQL+` WHERE lr.id = $1 AND r.contest_id = $2 FOR UPDATE OF lr`, roomID, contestID)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errRoomNotFound()
	}
	return r, err
}

// version is the contest's audit chain head: see the package comment.
func version(ctx context.Context, q sqlx.QueryerContext, contestID int64) (int64, error) {
	var v int64
	err := sqlx.GetContext(ctx, q, &v, `SELECT seq FROM audit_heads WHERE chain = $1`, contestID)
	return v, err
}

// loadRoom reads a room, its seats and slots as its organizer sees them.
func loadRoom(ctx context.Context, q sqlx.QueryerContext, row roomRow, now time.Time) (Room, error) {
	r := Room{ID: row.ID, ContestID: row.ContestID, RoundID: row.RoundID, RoundKey: row.RoundKey, Name: row.Name,
		Position: row.Position, CommittedAt: contest.UTC(row.CommittedAt), RevealedAt: contest.UTC(row.RevealedAt),
		Phase: row.Phase, Current: row.Current, Frozen: row.Frozen, FrozenAt: contest.UTC(row.FrozenAt),
		NamesPublic: row.NamesPublic, Judges: []Seat{}, Slots: []Slot{},
		Timer: timerOf(row.Phase, contest.UTC(row.PhaseStartedAt), contest.UTC(row.PausedAt), row.PitchSeconds, row.QASeconds, now)}
	if row.SeedHash != nil {
		r.Commitment = *row.SeedHash
	}
	if row.Seed != nil {
		r.Seed = *row.Seed
	}
	if err := sqlx.SelectContext(ctx, q, &r.Judges, `
		SELECT j.seat, j.expert_id, x.name FROM live_room_judges j JOIN experts x ON x.id = j.expert_id
		WHERE j.room_id = $1 ORDER BY j.seat`, row.ID); err != nil {
		return r, err
	}
	if err := sqlx.SelectContext(ctx, q, &r.Slots, `
		SELECT s.id, s.entry_id, s.code, e.title, coalesce(o.name, '') AS organization, s.position, s.drawn,
		       s.status, s.moved_to_end, s.reason, s.public
		FROM live_slots s JOIN entries e ON e.id = s.entry_id LEFT JOIN organizations o ON o.id = e.organization_id
		WHERE s.room_id = $1 ORDER BY s.position NULLS LAST, s.code`, row.ID); err != nil {
		return r, err
	}
	var err error
	r.Version, err = version(ctx, q, row.ContestID)
	return r, err
}

// Room reads a room of the contest as its organizer sees it.
func (s *Service) Room(ctx context.Context, contestID, roomID int64) (Room, error) {
	var row roomRow
	err := s.db.GetContext(ctx, &row, roomSQL+` WHERE lr.id = $1 AND r.contest_id = $2`, roomID, contestID)
	if errors.Is(err, sql.ErrNoRows) {
		return Room{}, errRoomNotFound()
	}
	if err != nil {
		return Room{}, err
	}
	return loadRoom(ctx, s.db, row, s.now())
}

// Rooms lists the rooms of a round, in their order.
func (s *Service) Rooms(ctx context.Context, contestID int64, roundKey string) ([]Room, error) {
	if _, err := contest.RoundByKey(ctx, s.db, contestID, roundKey); err != nil {
		return nil, err
	}
	var rows []roomRow
	if err := s.db.SelectContext(ctx, &rows, roomSQL+` WHERE r.contest_id = $1 AND r.key = $2 ORDER BY lr.position`,
		contestID, roundKey); err != nil {
		return nil, err
	}
	out := make([]Room, 0, len(rows))
	for _, row := range rows {
		r, err := loadRoom(ctx, s.db, row, s.now())
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// RoomsOfEntry lists the rooms of a round where the entry pitches (one at
// most): the boards to redraw when one of its sheets changes (see
// judging.Service.SheetChanged).
func (s *Service) RoomsOfEntry(ctx context.Context, roundID, entryID int64) ([]int64, error) {
	out := []int64{}
	err := s.db.SelectContext(ctx, &out, `SELECT room_id FROM live_slots WHERE round_id = $1 AND entry_id = $2`, roundID, entryID)
	return out, err
}

// SetRooms sets a live round's rooms, replacing those it had: every room
// named, every panel member in one room at most, every entry in one room at
// most (the round's entries, less those withdrawn from it). It is refused
// once a room of the round has committed its draw. Audited.
func (s *Service) SetRooms(ctx context.Context, actorID, contestID int64, roundKey string, rooms []RoomInput) ([]Room, error) {
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, err := contest.LockRound(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		if r.Kind != contest.KindLive {
			return fault.Conflict("err.live.not_live")
		}
		var committed bool
		if err := tx.GetContext(ctx, &committed, `SELECT EXISTS (SELECT FROM live_rooms WHERE round_id = $1 AND seed_hash IS NOT NULL)`, r.ID); err != nil {
			return err
		}
		if committed {
			return fault.Conflict("err.live.draw_committed")
		}
		var panel, entries []int64
		if err := tx.SelectContext(ctx, &panel, `SELECT expert_id FROM panel_members WHERE round_id = $1 ORDER BY expert_id`, r.ID); err != nil {
			return err
		}
		reviews, err := judging.ReviewsOf(ctx, tx, r)
		if err != nil {
			return err
		}
		for _, e := range reviews {
			if e.Status != judging.ReviewsWithdrawn {
				entries = append(entries, e.EntryID)
			}
		}
		slices.Sort(entries)
		if len(rooms) == 1 {
			if len(rooms[0].Judges) == 0 {
				rooms[0].Judges = panel
			}
			if len(rooms[0].Entries) == 0 {
				rooms[0].Entries = entries
			}
		}
		if err := checkRooms(rooms, panel, entries); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM live_rooms WHERE round_id = $1`, r.ID); err != nil {
			return err
		}
		record := []map[string]any{}
		for i, in := range rooms {
			var id int64
			if err := tx.GetContext(ctx, &id, `INSERT INTO live_rooms (round_id, name, position) VALUES ($1, $2, $3) RETURNING id`,
				r.ID, strings.TrimSpace(in.Name), i+1); err != nil {
				return err
			}
			for seat, x := range in.Judges {
				if _, err := tx.ExecContext(ctx, `INSERT INTO live_room_judges (room_id, round_id, expert_id, seat) VALUES ($1, $2, $3, $4)`,
					id, r.ID, x, seat+1); err != nil {
					return err
				}
			}
			for _, e := range in.Entries {
				if _, err := tx.ExecContext(ctx, `INSERT INTO live_slots (room_id, round_id, entry_id, code) VALUES ($1, $2, $3, $4)`,
					id, r.ID, e, EntryCode(e)); err != nil {
					return err
				}
			}
			record = append(record, map[string]any{"room": id, "name": strings.TrimSpace(in.Name), "judges": in.Judges, "entries": in.Entries})
		}
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.LiveRoomsSet, roundKey, map[string]any{"rooms": record})
	})
	if err != nil {
		return nil, err
	}
	return s.Rooms(ctx, contestID, roundKey)
}

// EntryCode is an entry's public code in the draw: its number.
func EntryCode(entryID int64) string { return strconv.FormatInt(entryID, 10) }

func checkRooms(rooms []RoomInput, panel, entries []int64) error {
	p := fault.Problems{}
	if len(rooms) == 0 {
		p.Add("rooms", "err.live.no_rooms")
	}
	names, judges, ents := map[string]bool{}, map[int64]bool{}, map[int64]bool{}
	for i, r := range rooms {
		at := fmt.Sprintf("rooms[%d]", i)
		name := strings.TrimSpace(r.Name)
		switch {
		case name == "" || len([]rune(name)) > 100:
			p.Add(at+".name", "err.live.room_name")
		case names[name]:
			p.Add(at+".name", "err.live.room_name_taken")
		}
		names[name] = true
		if len(r.Judges) == 0 {
			p.Add(at+".judges", "err.live.no_judges")
		}
		for _, x := range r.Judges {
			if !slices.Contains(panel, x) || judges[x] {
				p.Add(at+".judges", "err.live.judge_not_seatable")
			}
			judges[x] = true
		}
		for _, e := range r.Entries {
			if !slices.Contains(entries, e) || ents[e] {
				p.Add(at+".entries", "err.live.entry_not_placeable")
			}
			ents[e] = true
		}
	}
	return p.Err()
}

// change runs fn on a locked room in one transaction, appends fn's audit
// record, and returns the room as it then is.
func (s *Service) change(ctx context.Context, actorID, contestID, roomID int64,
	fn func(tx *sqlx.Tx, r roomRow, now time.Time) (audit.Action, map[string]any, error)) (Room, error) {
	var out Room
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, err := lockRoom(ctx, tx, contestID, roomID)
		if err != nil {
			return err
		}
		now := s.now()
		action, payload, err := fn(tx, r, now)
		if err != nil {
			return err
		}
		payload["room"] = r.ID
		if err := audit.Append(ctx, tx, now, &contestID, &actorID, action, r.Name, payload); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &r, roomSQL+` WHERE lr.id = $1`, roomID); err != nil {
			return err
		}
		out, err = loadRoom(ctx, tx, r, now)
		return err
	})
	return out, err
}

// CommitDraw records the organizer's commitment to the room's seed: the hex
// SHA-256 of the seed (see Commitment), shown on the big screen and audited.
// The seed itself stays with the organizer until RevealDraw. A commitment is
// made once: a second is refused (err.live.draw_committed).
func (s *Service) CommitDraw(ctx context.Context, actorID, contestID, roomID int64, commitment string) (Room, error) {
	commitment = strings.ToLower(strings.TrimSpace(commitment))
	if err := CheckCommitment(commitment); err != nil {
		return Room{}, err
	}
	return s.change(ctx, actorID, contestID, roomID, func(tx *sqlx.Tx, r roomRow, now time.Time) (audit.Action, map[string]any, error) {
		if r.SeedHash != nil {
			return "", nil, fault.Conflict("err.live.draw_committed")
		}
		var codes []string
		if err := tx.SelectContext(ctx, &codes, `SELECT code FROM live_slots WHERE room_id = $1 ORDER BY code`, r.ID); err != nil {
			return "", nil, err
		}
		if len(codes) == 0 {
			return "", nil, fault.Conflict("err.live.no_entries")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE live_rooms SET seed_hash = $2, committed_at = $3 WHERE id = $1`, r.ID, commitment, now); err != nil {
			return "", nil, err
		}
		return audit.LiveDrawCommitted, map[string]any{"commitment": commitment, "entries": codes}, nil
	})
}

// RevealDraw reveals the room's seed and draws the order with it (DrawOrder
// over the room's entry codes). A seed whose SHA-256 is not the commitment is
// refused (ErrSeedMismatch), as is a second reveal. Audited with the order.
func (s *Service) RevealDraw(ctx context.Context, actorID, contestID, roomID int64, seed string) (Room, error) {
	if err := CheckSeed(seed); err != nil {
		return Room{}, err
	}
	return s.change(ctx, actorID, contestID, roomID, func(tx *sqlx.Tx, r roomRow, now time.Time) (audit.Action, map[string]any, error) {
		switch {
		case r.SeedHash == nil:
			return "", nil, fault.Conflict("err.live.draw_not_committed")
		case r.Seed != nil:
			return "", nil, fault.Conflict("err.live.draw_revealed")
		case Commitment(seed) != *r.SeedHash:
			return "", nil, ErrSeedMismatch()
		}
		var codes []string
		if err := tx.SelectContext(ctx, &codes, `SELECT code FROM live_slots WHERE room_id = $1 ORDER BY code`, r.ID); err != nil {
			return "", nil, err
		}
		order := DrawOrder(seed, codes)
		list := make([]string, len(order))
		for i, d := range order {
			list[i] = d.Code
			if _, err := tx.ExecContext(ctx, `UPDATE live_slots SET position = $3, drawn = $3 WHERE room_id = $1 AND code = $2`,
				r.ID, d.Code, d.Position); err != nil {
				return "", nil, err
			}
		}
		// The first entry is called.
		if _, err := tx.ExecContext(ctx, `
			UPDATE live_rooms SET seed = $2, revealed_at = $3, phase = 'waiting', phase_started_at = NULL, paused_at = NULL,
			    current_slot = (SELECT id FROM live_slots WHERE room_id = $1 ORDER BY position LIMIT 1)
			WHERE id = $1`, r.ID, seed, now); err != nil {
			return "", nil, err
		}
		return audit.LiveDrawRevealed, map[string]any{"seed": seed, "commitment": *r.SeedHash, "order": list}, nil
	})
}

// lockSlot locks a waiting slot of a drawn room.
func lockSlot(ctx context.Context, tx *sqlx.Tx, r roomRow, slotID int64) (Slot, error) {
	var sl Slot
	err := tx.GetContext(ctx, &sl, `
		SELECT s.id, s.entry_id, s.code, '' AS title, '' AS organization, s.position, s.drawn, s.status, s.moved_to_end, s.reason, s.public
		FROM live_slots s WHERE s.id = $1 AND s.room_id = $2 FOR UPDATE`, slotID, r.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return sl, fault.NotFound("err.live.slot_not_found")
	case err != nil:
		return sl, err
	case r.Seed == nil:
		return sl, fault.Conflict("err.live.draw_not_revealed")
	case sl.Status != SlotWaiting:
		return sl, fault.Conflict("err.live.slot_not_waiting")
	case r.Current != nil && *r.Current == sl.ID && r.Phase != PhaseWaiting:
		return sl, fault.Conflict("err.live.slot_on_stage")
	}
	return sl, nil
}

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return "", fault.Invalid("reason", "err.live.reason")
	}
	return reason, nil
}

// MarkAbsent marks a waiting entrant absent, with the reason (audited). An
// entrant already on stage (past waiting) is not.
func (s *Service) MarkAbsent(ctx context.Context, actorID, contestID, roomID, slotID int64, reason string) (Room, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return Room{}, err
	}
	return s.change(ctx, actorID, contestID, roomID, func(tx *sqlx.Tx, r roomRow, now time.Time) (audit.Action, map[string]any, error) {
		sl, err := lockSlot(ctx, tx, r, slotID)
		if err != nil {
			return "", nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE live_slots SET status = 'absent', reason = $2 WHERE id = $1`, sl.ID, reason); err != nil {
			return "", nil, err
		}
		return audit.LiveSlotAbsent, map[string]any{"slot": sl.ID, "entry": sl.EntryID, "code": sl.Code, "reason": reason}, nil
	})
}

// MoveToEnd moves a waiting entrant to the end of the room's order, with the
// reason (audited); the drawn position stays on record. If the entrant was
// the one called, the next waiting one is called.
func (s *Service) MoveToEnd(ctx context.Context, actorID, contestID, roomID, slotID int64, reason string) (Room, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return Room{}, err
	}
	return s.change(ctx, actorID, contestID, roomID, func(tx *sqlx.Tx, r roomRow, now time.Time) (audit.Action, map[string]any, error) {
		sl, err := lockSlot(ctx, tx, r, slotID)
		if err != nil {
			return "", nil, err
		}
		var pos int
		if err := tx.GetContext(ctx, &pos, `
			UPDATE live_slots SET position = (SELECT max(position) + 1 FROM live_slots WHERE room_id = $2), moved_to_end = true, reason = $3
			WHERE id = $1 RETURNING position`, sl.ID, r.ID, reason); err != nil {
			return "", nil, err
		}
		if r.Current != nil && *r.Current == sl.ID {
			if _, err := tx.ExecContext(ctx, `UPDATE live_rooms SET current_slot = `+nextSlotSQL+` WHERE id = $1`, r.ID); err != nil {
				return "", nil, err
			}
		}
		return audit.LiveSlotMoved, map[string]any{"slot": sl.ID, "entry": sl.EntryID, "code": sl.Code, "position": pos, "reason": reason}, nil
	})
}

// nextSlotSQL is the room $1's first waiting slot in order.
const nextSlotSQL = `(SELECT id FROM live_slots WHERE room_id = $1 AND status = 'waiting' ORDER BY position LIMIT 1)`

// RoomRef names a room and its contest: a board's address.
type RoomRef struct {
	ContestID int64 `db:"contest_id"`
	RoomID    int64 `db:"room_id"`
}

// ActiveRooms lists the rooms of every live round not yet published (draft,
// open or closed): the boards screens may be watching, which the web layer
// rebuilds from PostgreSQL when Redis lost them.
func (s *Service) ActiveRooms(ctx context.Context) ([]RoomRef, error) {
	out := []RoomRef{}
	err := s.db.SelectContext(ctx, &out, `
		SELECT r.contest_id, lr.id AS room_id FROM live_rooms lr JOIN rounds r ON r.id = lr.round_id
		WHERE r.state IN ('draft', 'open', 'closed') ORDER BY r.contest_id, lr.id`)
	return out, err
}

// ContestOfRoom is the contest a room belongs to.
func (s *Service) ContestOfRoom(ctx context.Context, roomID int64) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT r.contest_id FROM live_rooms lr JOIN rounds r ON r.id = lr.round_id WHERE lr.id = $1`, roomID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errRoomNotFound()
	}
	return id, err
}
