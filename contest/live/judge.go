package live

import (
	"context"
	"database/sql"
	"errors"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/judging"
)

// JudgeStage is what a judge's tablet shows in live mode: the room's stage
// and, when an entry is on stage, the judge's own assignment for it. The
// judge then reads the entry and scores it through judging (JudgeEntry,
// SaveDraft, SubmitSheet), by AssignmentID, with the same exactly-once,
// offline-queueing and blindness rules as online rounds. It carries no
// identity of the entrant unless the round makes names public (Names), and
// never another judge's total.
type JudgeStage struct {
	Version     int64       `json:"version"`
	RoomID      int64       `json:"room_id"`
	Room        string      `json:"room"`
	RoundName   string      `json:"round_name"`
	Seat        int         `json:"seat"`
	Phase       Phase       `json:"phase"`
	Timer       Timer       `json:"timer"`
	ScoringOpen bool        `json:"scoring_open"` // the judge may score the entry on stage now
	Current     *JudgeEntry `json:"current"`      // nil when no entry is called
}

// JudgeEntry is the entry on stage as a judge sees it.
type JudgeEntry struct {
	AssignmentID int64              `json:"assignment_id,omitempty"` // 0 when recused
	BlindCode    string             `json:"blind_code,omitempty"`
	Recused      bool               `json:"recused"` // conflicted or recused: the judge does not score it
	SheetState   judging.SheetState `json:"sheet_state,omitempty"`
	Names        *PublicNames       `json:"names,omitempty"` // only where the round makes names public
}

// PublicNames are an entrant's names, shown to judges only in a live round
// whose rules make them public (names_public).
type PublicNames struct {
	Title        string `json:"title"`
	Organization string `json:"organization"`
}

// JudgeRooms lists the rooms the judge sits in, in the contests the session
// reaches (one per live round).
func (s *Service) JudgeRooms(ctx context.Context, j access.JudgeSession) ([]int64, error) {
	out := []int64{}
	err := s.db.SelectContext(ctx, &out, `
		SELECT lj.room_id FROM live_room_judges lj JOIN experts x ON x.id = lj.expert_id JOIN rounds r ON r.id = lj.round_id
		WHERE x.account_id = $1 AND r.state IN ('open', 'closed') AND `+access.ReachSQL("r.contest_id", "$2")+`
		ORDER BY r.position, lj.room_id`, j.AccountID, j.Reach.Arg())
	return out, err
}

// JudgeStage reads the stage of a room the judge sits in; another room is
// not found.
func (s *Service) JudgeStage(ctx context.Context, j access.JudgeSession, roomID int64) (JudgeStage, error) {
	var row struct {
		roomRow
		Seat     int   `db:"seat"`
		ExpertID int64 `db:"expert_id"`
	}
	err := s.db.GetContext(ctx, &row, `
		SELECT q.*, lj.seat, lj.expert_id FROM (`+roomSQL+`) q
		JOIN live_room_judges lj ON lj.room_id = q.id JOIN experts x ON x.id = lj.expert_id
		WHERE q.id = $1 AND x.account_id = $2 AND `+access.ReachSQL("q.contest_id", "$3"), roomID, j.AccountID, j.Reach.Arg())
	if errors.Is(err, sql.ErrNoRows) {
		return JudgeStage{}, errRoomNotFound()
	}
	if err != nil {
		return JudgeStage{}, err
	}
	r := row.roomRow
	now := s.now()
	st := JudgeStage{RoomID: r.ID, Room: r.Name, RoundName: r.RoundName, Seat: row.Seat, Phase: r.Phase,
		Timer: timerOf(r.Phase, contest.UTC(r.PhaseStartedAt), contest.UTC(r.PausedAt), r.PitchSeconds, r.QASeconds, now)}
	if st.Version, err = version(ctx, s.db, r.ContestID); err != nil {
		return st, err
	}
	if r.Current == nil {
		return st, nil
	}
	var cur struct {
		Assignment   sql.NullInt64  `db:"assignment_id"`
		BlindCode    string         `db:"blind_code"`
		SheetState   sql.NullString `db:"sheet_state"`
		Title        string         `db:"title"`
		Organization string         `db:"organization"`
	}
	if err := s.db.GetContext(ctx, &cur, `
		SELECT a.id AS assignment_id, coalesce(b.code, '') AS blind_code, sh.state AS sheet_state,
		       e.title, coalesce(o.name, '') AS organization
		FROM live_slots sl JOIN entries e ON e.id = sl.entry_id LEFT JOIN organizations o ON o.id = e.organization_id
		LEFT JOIN assignments a ON a.round_id = sl.round_id AND a.entry_id = sl.entry_id AND a.expert_id = $2 AND a.state = 'active'
		LEFT JOIN blind_codes b ON b.round_id = sl.round_id AND b.entry_id = sl.entry_id
		LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
		WHERE sl.id = $1`, *r.Current, row.ExpertID); err != nil {
		return st, err
	}
	e := &JudgeEntry{Recused: !cur.Assignment.Valid}
	if !e.Recused {
		e.AssignmentID, e.BlindCode = cur.Assignment.Int64, cur.BlindCode
		e.SheetState = judging.SheetNew
		if cur.SheetState.Valid {
			e.SheetState = judging.SheetState(cur.SheetState.String)
		}
	}
	if r.NamesPublic {
		e.Names = &PublicNames{Title: cur.Title, Organization: cur.Organization}
	}
	st.Current = e
	st.ScoringOpen = !e.Recused && r.Phase == PhaseScoring && contest.RoundState(r.RoundState) == contest.RoundOpen && e.SheetState != judging.SheetSubmitted
	return st, nil
}
