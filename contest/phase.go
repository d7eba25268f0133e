package contest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"podium/fault"
)

// Phase is where a contest stands, as its people would say it: derived from
// its dates, its rounds and its publications whenever it is read, never
// stored, so it cannot fall behind what happened.
type Phase string

// The phases, in the order a contest goes through them.
const (
	PhasePreparing    Phase = "preparing"    // registration not open yet
	PhaseRegistration Phase = "registration" // entrants may register and submit
	PhaseJudging      Phase = "judging"      // the deadline passed or a round began
	PhasePublicity    Phase = "publicity"    // results published, their publicity period running
	PhaseLiveReady    Phase = "live_ready"   // a live final round is open, its draw not made, nobody pitched
	PhaseLive         Phase = "live"         // a live final round is under way: its draw made or a pitch begun
	PhaseFinal        Phase = "final"        // the last round's results are final
	PhaseArchived     Phase = "archived"     // put away by its organizers
)

// Phases lists every phase, for the catalogs' test.
var Phases = []Phase{PhasePreparing, PhaseRegistration, PhaseJudging, PhasePublicity, PhaseLiveReady, PhaseLive, PhaseFinal, PhaseArchived}

// liveStartedSQL is true when the live round aliased r has begun on stage:
// a room's draw revealed, a room's stage moved (a slot called, a phase
// begun) or an entry's pitch done. Before that, its open sheets are not late:
// nobody has pitched.
const liveStartedSQL = `(EXISTS (SELECT 1 FROM live_rooms lr WHERE lr.round_id = r.id
	                AND (lr.revealed_at IS NOT NULL OR lr.current_slot IS NOT NULL OR lr.phase <> 'waiting'))
	   OR EXISTS (SELECT 1 FROM live_slots ls WHERE ls.round_id = r.id AND ls.status = 'done'))`

// staged is true when the round aliased r is a live round run on stage (it
// has rooms); a live round without rooms is scored like an online one.
const staged = `(r.kind = 'live' AND EXISTS (SELECT 1 FROM live_rooms lr WHERE lr.round_id = r.id))`

// phaseColumn is the SQL that derives the phase of the contest aliased c at
// the time in parameter now. Precedence: the last round final; a live round
// open and begun on stage (draw made or a pitch begun); any other round open
// (judging goes on while an earlier round is in publicity); a live round open
// on stage, not begun; a publication in its period; a round begun or the
// deadline passed; registration open; before it.
func phaseColumn(now string) string {
	return fmt.Sprintf(`CASE
	WHEN c.state = 'archived' THEN 'archived'
	WHEN EXISTS (SELECT 1 FROM rounds r JOIN publications p ON p.round_id = r.id
	             WHERE r.contest_id = c.id AND r.state = 'published' AND p.final_at IS NOT NULL AND p.revised_at IS NULL
	               AND r.position = (SELECT max(position) FROM rounds WHERE contest_id = c.id)) THEN 'final'
	WHEN EXISTS (SELECT 1 FROM rounds r WHERE r.contest_id = c.id AND r.kind = 'live' AND r.state = 'open' AND `+liveStartedSQL+`) THEN 'live'
	WHEN EXISTS (SELECT 1 FROM rounds r WHERE r.contest_id = c.id AND r.state = 'open' AND NOT `+staged+`) THEN 'judging'
	WHEN EXISTS (SELECT 1 FROM rounds r WHERE r.contest_id = c.id AND r.state = 'open') THEN 'live_ready'
	WHEN EXISTS (SELECT 1 FROM publications p WHERE p.contest_id = c.id AND p.final_at IS NULL AND p.revised_at IS NULL) THEN 'publicity'
	WHEN EXISTS (SELECT 1 FROM rounds r WHERE r.contest_id = c.id AND r.state <> 'draft')
	  OR (c.submission_deadline IS NOT NULL AND c.submission_deadline <= %[1]s) THEN 'judging'
	WHEN c.registration_opens_at IS NULL OR c.registration_opens_at <= %[1]s THEN 'registration'
	ELSE 'preparing' END`, now)
}

// PhaseOf is the phase of a contest now.
func (s *Service) PhaseOf(ctx context.Context, contestID int64) (Phase, error) {
	var p Phase
	err := s.db.GetContext(ctx, &p, `SELECT `+phaseColumn("$2")+` FROM contests c WHERE c.id = $1`, contestID, s.db.NowUTC())
	if errors.Is(err, sql.ErrNoRows) {
		return "", fault.NotFound("err.contest.not_found")
	}
	return p, err
}
