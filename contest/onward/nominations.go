package onward

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/audit"
	"podium/contest/results"
	"podium/fault"
	"podium/scoring"
)

// This file holds nominations to the higher contests (推荐参加省赛、国赛):
// the suggestion from the final published round, the organizer's choice,
// the target at the higher contest, and the status flow
//
//	draft ─► submitted ─► accepted | rejected
//	  └──────────┴──► withdrawn (a failed due diligence, diligence.go)
//
// Every change is audited in its transaction. Nominations are the one thing
// this room writes (tables nomination_quotas, nominations, nomination_checks,
// nomination_check_files: migration 00018).

// Level is the higher contest a nomination goes to.
type Level string

// The levels.
const (
	Province Level = "province" // the provincial contest
	Nation   Level = "nation"   // the national contest (中国创新创业大赛)
)

// Levels lists the levels in the order pages show them.
var Levels = []Level{Province, Nation}

// ParseLevel reads a level; anything else is invalid.
func ParseLevel(s string) (Level, error) {
	if l := Level(strings.TrimSpace(s)); slices.Contains(Levels, l) {
		return l, nil
	}
	return "", fault.Invalid("level", "err.nomination.level")
}

// NominationStatus is where a nomination stands.
type NominationStatus string

// The statuses.
const (
	StatusDraft     NominationStatus = "draft"
	StatusSubmitted NominationStatus = "submitted" // sent to the higher contest
	StatusAccepted  NominationStatus = "accepted"  // the higher contest took the entry
	StatusRejected  NominationStatus = "rejected"  // the higher contest did not
	StatusWithdrawn NominationStatus = "withdrawn" // a due diligence failed
)

// NominationStatuses lists the statuses in flow order.
var NominationStatuses = []NominationStatus{StatusDraft, StatusSubmitted, StatusAccepted, StatusRejected, StatusWithdrawn}

// transitions are the status changes the flow allows; a decided nomination
// may be decided again with the same status, to correct its result.
var transitions = map[NominationStatus][]NominationStatus{
	StatusDraft:     {StatusSubmitted, StatusWithdrawn},
	StatusSubmitted: {StatusAccepted, StatusRejected, StatusWithdrawn},
	StatusAccepted:  {StatusAccepted},
	StatusRejected:  {StatusRejected},
}

// CanMove reports whether the flow allows a nomination to go from one status to another.
func CanMove(from, to NominationStatus) bool { return slices.Contains(transitions[from], to) }

// Current reports whether the nomination still stands (not withdrawn).
func (s NominationStatus) Current() bool { return s != StatusWithdrawn && s != "" }

// Message keys of nominations' refusals.
const (
	MsgNoResults   = "err.nomination.no_results"   // nothing published to suggest from
	MsgNotRanked   = "err.nomination.not_ranked"   // an entry the final publication does not rank
	MsgAlready     = "err.nomination.already"      // an entry nominated at that level already
	MsgNotFound    = "err.nomination.not_found"    // no such nomination in the contest
	MsgTransition  = "err.nomination.transition"   // the flow does not allow the change
	MsgNotDraft    = "err.nomination.not_draft"    // only a draft is changed or taken back
	MsgHasChecks   = "err.nomination.has_checks"   // a draft with due diligence recorded stays
	MsgNoDrafts    = "err.nomination.no_drafts"    // nothing to submit at that level
	MsgCoverage    = "err.nomination.coverage"     // due diligence does not cover enough nominees
	MsgYear        = "err.nomination.year"         // a year outside 2000–2200
	MsgQuota       = "err.nomination.quota"        // a quota outside 1–100
	MsgNoneChosen  = "err.nomination.none_chosen"  // no entry chosen to nominate
	MsgDecision    = "err.nomination.decision"     // a decision other than accepted or rejected
	MsgCheckClosed = "err.nomination.check_closed" // due diligence only for a draft or submitted nomination
)

// MaxResultRunes bounds the result at the higher contest; MaxTargetRunes the
// target's track and group.
const (
	MaxResultRunes = 200
	MaxTargetRunes = 100
)

// Names is a name in both languages: the web layer picks the reader's.
type Names struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// NameList is a list of names, which the web layer writes in the reader's
// language when it is an argument of a message (the tracks lacking checks).
type NameList []Names

// Candidate is a ranked entry of the final published round, as the
// nominations page lists it for a level.
type Candidate struct {
	EntryID      int64          `db:"entry_id" json:"entry_id"`
	Code         string         `db:"code" json:"code"`
	Title        string         `db:"title" json:"title"`
	Organization string         `db:"organization" json:"organization"`
	TrackID      int64          `db:"track_id" json:"-"`
	GroupID      int64          `db:"group_id" json:"-"`
	Track        Names          `db:"-" json:"track"`
	Group        Names          `db:"-" json:"group"`
	TrackZh      string         `db:"track_zh" json:"-"`
	TrackEn      string         `db:"track_en" json:"-"`
	GroupZh      string         `db:"group_zh" json:"-"`
	GroupEn      string         `db:"group_en" json:"-"`
	Rank         int            `db:"rank" json:"rank"`
	Score        scoring.Points `db:"score" json:"score"`
	Award        string         `db:"award_level" json:"award,omitempty"`
	// PoolRank is the rank within the entry's track and group (ties share it).
	PoolRank int `db:"-" json:"pool_rank"`
	// Suggested: within the level's quota of its track and group.
	Suggested bool `db:"-" json:"suggested"`
	// Status is the entry's nomination at the level, if it has one.
	Status NominationStatus `db:"-" json:"status,omitempty"`
	// Preselected: suggested, not nominated, and its track and group still has
	// a seat at the level; the page ticks it. Once the pool's seats are taken,
	// a suggested entry left out (a tie across the line) is no longer ticked,
	// so pressing "nominate" again cannot add it by accident.
	Preselected bool `db:"-" json:"preselected"`
}

// Suggestions are a level's candidates: every ranked entry of the final
// published round by group, track and rank, the quota's top ones suggested.
type Suggestions struct {
	Level      Level                  `json:"level"`
	Round      results.RoundName      `json:"round"`
	Version    int                    `json:"version"`
	Quota      int                    `json:"quota"` // per track and group; 0 when not set (nothing suggested)
	Candidates []Candidate            `json:"candidates"`
	State      results.PublicityState `json:"state"`
}

// finalPublication is the current version of the contest's last published
// round: the ranking nominations are made from. Conflict when nothing is
// published.
func (s *Service) finalPublication(ctx context.Context, q sqlx.QueryerContext, contestID int64) (results.RoundName, results.Publication, error) {
	rounds, err := s.results.PublishedRounds(ctx, contestID)
	if err != nil {
		return results.RoundName{}, results.Publication{}, err
	}
	if len(rounds) == 0 {
		return results.RoundName{}, results.Publication{}, fault.Conflict(MsgNoResults)
	}
	r := rounds[len(rounds)-1]
	p, err := s.results.CurrentPublication(ctx, q, contestID, r.Key)
	return r, p, err
}

const candidatesSQL = `
	SELECT pr.entry_id, pr.code, pr.title, pr.organization, pr.rank, pr.score, coalesce(pr.award_level, '') AS award_level,
	       e.track_id, e.group_id, t.name_zh AS track_zh, t.name_en AS track_en, g.name_zh AS group_zh, g.name_en AS group_en
	FROM publication_results pr
	JOIN entries e ON e.id = pr.entry_id
	JOIN tracks t ON t.id = e.track_id
	JOIN contest_groups g ON g.id = e.group_id
	WHERE pr.publication_id = $1
	ORDER BY g.position, t.position, pr.rank, pr.code`

// candidates reads a publication's ranked entries with their pool ranks.
func candidates(ctx context.Context, q sqlx.QueryerContext, publicationID int64) ([]Candidate, error) {
	var list []Candidate
	if err := sqlx.SelectContext(ctx, q, &list, candidatesSQL, publicationID); err != nil {
		return nil, err
	}
	type pool struct{ track, group int64 }
	ahead := map[pool][]int{} // ranks of the pool so far, in order
	for i := range list {
		c := &list[i]
		c.Track, c.Group = Names{c.TrackZh, c.TrackEn}, Names{c.GroupZh, c.GroupEn}
		k := pool{c.TrackID, c.GroupID}
		c.PoolRank = 1
		for _, r := range ahead[k] {
			if r < c.Rank {
				c.PoolRank++
			}
		}
		ahead[k] = append(ahead[k], c.Rank)
	}
	return list, nil
}

// Suggest lists a level's candidates, the top ranked of each track and group
// up to the level's quota suggested, each with its nomination's status at the
// level.
func (s *Service) Suggest(ctx context.Context, contestID int64, level Level) (Suggestions, error) {
	if _, err := ParseLevel(string(level)); err != nil {
		return Suggestions{}, err
	}
	if _, err := contest.Load(ctx, s.db, contestID); err != nil {
		return Suggestions{}, err
	}
	if _, err := s.results.SettleFinality(ctx, contestID); err != nil {
		return Suggestions{}, err
	}
	round, pub, err := s.finalPublication(ctx, s.db, contestID)
	if err != nil {
		return Suggestions{}, err
	}
	out := Suggestions{Level: level, Round: round, Version: pub.Version, State: pub.State(s.db.NowUTC())}
	quotas, err := s.Quotas(ctx, contestID)
	if err != nil {
		return Suggestions{}, err
	}
	out.Quota = quotas[level]
	if out.Candidates, err = candidates(ctx, s.db, pub.ID); err != nil {
		return Suggestions{}, err
	}
	var statuses []struct {
		EntryID int64            `db:"entry_id"`
		Status  NominationStatus `db:"status"`
	}
	if err := s.db.SelectContext(ctx, &statuses, `SELECT entry_id, status FROM nominations WHERE contest_id = $1 AND level = $2`,
		contestID, level); err != nil {
		return Suggestions{}, err
	}
	byEntry := map[int64]NominationStatus{}
	for _, st := range statuses {
		byEntry[st.EntryID] = st.Status
	}
	type pool struct{ track, group int64 }
	taken := map[pool]int{} // seats held by a nomination not withdrawn
	for i := range out.Candidates {
		c := &out.Candidates[i]
		c.Suggested = out.Quota > 0 && c.PoolRank <= out.Quota
		c.Status = byEntry[c.EntryID]
		if c.Status != "" && c.Status != StatusWithdrawn {
			taken[pool{c.TrackID, c.GroupID}]++
		}
	}
	for i := range out.Candidates {
		c := &out.Candidates[i]
		c.Preselected = c.Suggested && c.Status == "" && taken[pool{c.TrackID, c.GroupID}] < out.Quota
	}
	return out, nil
}

// Quotas are the contest's quotas per track and group, by level (absent: not set).
func (s *Service) Quotas(ctx context.Context, contestID int64) (map[Level]int, error) {
	var rows []struct {
		Level Level `db:"level"`
		N     int   `db:"per_pool"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT level, per_pool FROM nomination_quotas WHERE contest_id = $1`, contestID); err != nil {
		return nil, err
	}
	m := map[Level]int{}
	for _, r := range rows {
		m[r.Level] = r.N
	}
	return m, nil
}

// SetQuota records the quota the higher contest gives the city at a level:
// how many entries of each track and group it takes (1–100).
func (s *Service) SetQuota(ctx context.Context, actorID, contestID int64, level Level, perPool int) error {
	if _, err := ParseLevel(string(level)); err != nil {
		return err
	}
	if perPool < 1 || perPool > 100 {
		return fault.Invalid("quota", MsgQuota)
	}
	if _, err := contest.Load(ctx, s.db, contestID); err != nil {
		return err
	}
	now := s.db.NowUTC()
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO nomination_quotas (contest_id, level, per_pool) VALUES ($1, $2, $3)
			ON CONFLICT (contest_id, level) DO UPDATE SET per_pool = EXCLUDED.per_pool`, contestID, level, perPool); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, &contestID, &actorID, audit.NominationQuotaSet, string(level),
			map[string]any{"level": level, "per_track_and_group": perPool})
	})
}

// Nomination is one entry nominated to a level, with its target there, its
// status, result and due diligence, and its place in the city's final ranking.
type Nomination struct {
	ID          int64  `db:"id" json:"id"`
	ContestID   int64  `db:"contest_id" json:"contest_id"`
	EntryID     int64  `db:"entry_id" json:"entry_id"`
	Level       Level  `db:"level" json:"level"`
	Year        int    `db:"target_year" json:"year"`
	TargetTrack string `db:"target_track" json:"target_track"`
	TargetGroup string `db:"target_group" json:"target_group"`
	// TargetTrackEn and TargetGroupEn are the English names of the city's
	// track and group the target is named as (the default target), if any.
	TargetTrackEn string           `db:"target_track_en" json:"-"`
	TargetGroupEn string           `db:"target_group_en" json:"-"`
	Status        NominationStatus `db:"status" json:"status"`
	Result        string           `db:"result" json:"result"`
	Title         string           `db:"title" json:"title"`
	Organization  string           `db:"organization" json:"organization"`
	TrackID       int64            `db:"track_id" json:"-"`
	TrackZh       string           `db:"track_zh" json:"-"`
	TrackEn       string           `db:"track_en" json:"-"`
	GroupZh       string           `db:"group_zh" json:"-"`
	GroupEn       string           `db:"group_en" json:"-"`
	Track         Names            `db:"-" json:"track"`
	Group         Names            `db:"-" json:"group"`
	CreatedAt     time.Time        `db:"created_at" json:"created_at"`
	SubmittedAt   *time.Time       `db:"submitted_at" json:"submitted_at,omitempty"`
	DecidedAt     *time.Time       `db:"decided_at" json:"decided_at,omitempty"`
	WithdrawnAt   *time.Time       `db:"withdrawn_at" json:"withdrawn_at,omitempty"`
	// The city's final ranking, as currently published (zero when the
	// entry is no longer in it).
	Rank     int            `db:"-" json:"city_rank"`
	PoolRank int            `db:"-" json:"city_pool_rank"`
	Score    scoring.Points `db:"-" json:"city_score"`
	Award    string         `db:"-" json:"city_award,omitempty"`
	Checks   []Check        `db:"-" json:"checks"`
}

// Checked reports whether a due diligence passed for the nomination.
func (n Nomination) Checked() bool {
	return slices.ContainsFunc(n.Checks, func(c Check) bool { return c.Outcome == CheckPass })
}

// Diligence is the nomination's due-diligence outcome as the package says
// it: the last check's, or "" when none was recorded.
func (n Nomination) Diligence() CheckOutcome {
	if len(n.Checks) == 0 {
		return ""
	}
	return n.Checks[len(n.Checks)-1].Outcome
}

const nominationsSQL = `
	SELECT n.id, n.contest_id, n.entry_id, n.level, n.target_year, n.target_track, n.target_group, n.status, n.result,
	       e.title, coalesce(o.name, '') AS organization, e.track_id,
	       t.name_zh AS track_zh, t.name_en AS track_en, g.name_zh AS group_zh, g.name_en AS group_en,
	       n.created_at, n.submitted_at, n.decided_at, n.withdrawn_at,
	       coalesce((SELECT nullif(x.name_en, '') FROM tracks x WHERE x.contest_id = n.contest_id AND x.name_zh = n.target_track LIMIT 1), '') AS target_track_en,
	       coalesce((SELECT nullif(x.name_en, '') FROM contest_groups x WHERE x.contest_id = n.contest_id AND x.name_zh = n.target_group LIMIT 1), '') AS target_group_en
	FROM nominations n
	JOIN entries e ON e.id = n.entry_id
	JOIN tracks t ON t.id = e.track_id
	JOIN contest_groups g ON g.id = e.group_id
	LEFT JOIN organizations o ON o.id = e.organization_id`

const nominationsOrder = ` ORDER BY array_position(ARRAY['nation', 'province'], n.level), g.position, t.position, n.id`

// Nominations lists the contest's nominations (level "" for every level),
// each with its checks and its place in the final published ranking.
func (s *Service) Nominations(ctx context.Context, contestID int64, level Level) ([]Nomination, error) {
	if _, err := contest.Load(ctx, s.db, contestID); err != nil {
		return nil, err
	}
	return s.nominations(ctx, s.db, contestID, level, false)
}

func (s *Service) nominations(ctx context.Context, q sqlx.QueryerContext, contestID int64, level Level, lock bool) ([]Nomination, error) {
	query := nominationsSQL + ` WHERE n.contest_id = $1 AND ($2 = '' OR n.level = $2)` + nominationsOrder
	if lock {
		query += ` FOR UPDATE OF n`
	}
	list := []Nomination{}
	if err := sqlx.SelectContext(ctx, q, &list, query, contestID, string(level)); err != nil {
		return nil, err
	}
	return list, s.complete(ctx, q, contestID, list)
}

// complete adds the names, the city's ranking and the checks to nominations of one contest.
func (s *Service) complete(ctx context.Context, q sqlx.QueryerContext, contestID int64, list []Nomination) error {
	if len(list) == 0 {
		return nil
	}
	ranked := map[int64]Candidate{}
	if _, pub, err := s.finalPublication(ctx, q, contestID); err == nil {
		cs, err := candidates(ctx, q, pub.ID)
		if err != nil {
			return err
		}
		for _, c := range cs {
			ranked[c.EntryID] = c
		}
	} else if fault.ErrorCode(err) != fault.CodeConflict {
		return err
	}
	ids := make([]int64, len(list))
	for i := range list {
		n := &list[i]
		ids[i] = n.ID
		n.Track, n.Group = Names{n.TrackZh, n.TrackEn}, Names{n.GroupZh, n.GroupEn}
		n.CreatedAt = n.CreatedAt.UTC()
		n.SubmittedAt, n.DecidedAt, n.WithdrawnAt = contest.UTC(n.SubmittedAt), contest.UTC(n.DecidedAt), contest.UTC(n.WithdrawnAt)
		if c, ok := ranked[n.EntryID]; ok {
			n.Rank, n.PoolRank, n.Score, n.Award = c.Rank, c.PoolRank, c.Score, c.Award
		}
		n.Checks = []Check{}
	}
	checks, err := checksOf(ctx, q, ids)
	if err != nil {
		return err
	}
	at := map[int64]int{}
	for i, n := range list {
		at[n.ID] = i
	}
	for _, c := range checks {
		list[at[c.NominationID]].Checks = append(list[at[c.NominationID]].Checks, c)
	}
	return nil
}

// nomination reads one nomination of the contest, locked for a change.
func (s *Service) nomination(ctx context.Context, tx *sqlx.Tx, contestID, id int64) (Nomination, error) {
	var n Nomination
	err := tx.GetContext(ctx, &n, nominationsSQL+` WHERE n.contest_id = $1 AND n.id = $2 FOR UPDATE OF n`, contestID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return n, fault.NotFound(MsgNotFound)
	}
	return n, err
}

// Nominate nominates entries of the final published round to a level, in
// draft, for the given year; their target track and group start as the
// city's names, which the organizer can change (SetTarget). An entry the
// final publication does not rank is refused, and so is one already
// nominated at the level: nothing is written then.
func (s *Service) Nominate(ctx context.Context, actorID, contestID int64, level Level, year int, entryIDs []int64) ([]int64, error) {
	p := fault.Problems{}
	if _, err := ParseLevel(string(level)); err != nil {
		p.Add("level", "err.nomination.level")
	}
	if year < 2000 || year > 2200 {
		p.Add("year", MsgYear)
	}
	if len(entryIDs) == 0 {
		p.Add("entries", MsgNoneChosen)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if _, err := contest.Load(ctx, s.db, contestID); err != nil {
		return nil, err
	}
	now := s.db.NowUTC()
	var ids []int64
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		round, pub, err := s.finalPublication(ctx, tx, contestID)
		if err != nil {
			return err
		}
		cs, err := candidates(ctx, tx, pub.ID)
		if err != nil {
			return err
		}
		byEntry := map[int64]Candidate{}
		for _, c := range cs {
			byEntry[c.EntryID] = c
		}
		var codes []string
		for _, id := range entryIDs {
			c, ok := byEntry[id]
			if !ok {
				return fault.Invalid("entries", MsgNotRanked)
			}
			var nid int64
			err := tx.GetContext(ctx, &nid, `
				INSERT INTO nominations (contest_id, entry_id, level, target_year, target_track, target_group, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
				ON CONFLICT (contest_id, entry_id, level) DO NOTHING RETURNING id`,
				contestID, id, level, year, c.TrackZh, c.GroupZh, actorID, now)
			if errors.Is(err, sql.ErrNoRows) {
				return &fault.Error{Code: fault.CodeConflict, Message: MsgAlready,
					Args: []any{contest.EntryRefs{{Code: c.Code, Title: c.Title}}}}
			}
			if err != nil {
				return err
			}
			ids = append(ids, nid)
			codes = append(codes, c.Code)
		}
		return audit.Append(ctx, tx, now, &contestID, &actorID, audit.NominationAdded, string(level), map[string]any{
			"level": level, "year": year, "round": round.Key, "version": pub.Version, "entries": codes, "nominations": ids})
	})
	return ids, err
}

// Remove takes back a draft nomination with no due diligence recorded.
func (s *Service) Remove(ctx context.Context, actorID, contestID, id int64) error {
	now := s.db.NowUTC()
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		n, err := s.nomination(ctx, tx, contestID, id)
		if err != nil {
			return err
		}
		if n.Status != StatusDraft {
			return fault.Conflict(MsgNotDraft)
		}
		var checks int
		if err := tx.GetContext(ctx, &checks, `SELECT count(*) FROM nomination_checks WHERE nomination_id = $1`, id); err != nil {
			return err
		}
		if checks > 0 {
			return fault.Conflict(MsgHasChecks)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM nominations WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, &contestID, &actorID, audit.NominationRemoved, nominationSubject(id),
			map[string]any{"level": n.Level, "entry": n.EntryID, "title": n.Title})
	})
}

// Target is a nomination's target at the higher contest.
type Target struct {
	Year  int
	Track string // as the higher contest names it
	Group string
}

// SetTarget changes a draft nomination's year, track and group at the higher contest.
func (s *Service) SetTarget(ctx context.Context, actorID, contestID, id int64, t Target) error {
	t.Track, t.Group = strings.TrimSpace(t.Track), strings.TrimSpace(t.Group)
	p := fault.Problems{}
	if t.Year < 2000 || t.Year > 2200 {
		p.Add("year", MsgYear)
	}
	for field, v := range map[string]string{"track": t.Track, "group": t.Group} {
		switch n := utf8.RuneCountInString(v); {
		case n == 0:
			p.Add(field, "err.required")
		case n > MaxTargetRunes:
			p.Add(field, "err.too_long")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	now := s.db.NowUTC()
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		n, err := s.nomination(ctx, tx, contestID, id)
		if err != nil {
			return err
		}
		if n.Status != StatusDraft {
			return fault.Conflict(MsgNotDraft)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE nominations SET target_year = $2, target_track = $3, target_group = $4, updated_at = $5 WHERE id = $1`,
			id, t.Year, t.Track, t.Group, now); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, &contestID, &actorID, audit.NominationTargetSet, nominationSubject(id),
			map[string]any{"year": t.Year, "track": t.Track, "group": t.Group})
	})
}

// Submit marks a level's draft nominations submitted to the higher contest.
// The due diligence must cover the level's nominees first (Coverage);
// otherwise it is refused (MsgCoverage) naming the tracks lacking checks.
func (s *Service) Submit(ctx context.Context, actorID, contestID int64, level Level) (int, error) {
	if _, err := ParseLevel(string(level)); err != nil {
		return 0, err
	}
	if _, err := contest.Load(ctx, s.db, contestID); err != nil {
		return 0, err
	}
	now := s.db.NowUTC()
	var submitted []int64
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		list, err := s.nominations(ctx, tx, contestID, level, true)
		if err != nil {
			return err
		}
		submitted = submitted[:0]
		for _, n := range list {
			if n.Status == StatusDraft {
				submitted = append(submitted, n.ID)
			}
		}
		if len(submitted) == 0 {
			return fault.Conflict(MsgNoDrafts)
		}
		if cov := CoverageOf(level, list); !cov.OK {
			return cov.refusal()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE nominations SET status = 'submitted', submitted_at = $2, updated_at = $2 WHERE id = ANY($1)`,
			pq.Int64Array(submitted), now); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, now, &contestID, &actorID, audit.NominationsSubmitted, string(level),
			map[string]any{"level": level, "nominations": submitted}); err != nil {
			return err
		}
		return tellNominees(ctx, tx, contestID, submitted)
	})
	return len(submitted), err
}

// Decide records the higher contest's decision on a submitted nomination,
// accepted or rejected, with the result there (e.g. "全国赛优秀企业"). A
// decided nomination can be decided again with the same status, to correct
// or complete its result; any other change is refused (MsgTransition).
func (s *Service) Decide(ctx context.Context, actorID, contestID, id int64, status NominationStatus, result string) error {
	result = strings.TrimSpace(result)
	p := fault.Problems{}
	if status != StatusAccepted && status != StatusRejected {
		p.Add("status", MsgDecision)
	}
	if utf8.RuneCountInString(result) > MaxResultRunes {
		p.Add("result", "err.too_long")
	}
	if err := p.Err(); err != nil {
		return err
	}
	now := s.db.NowUTC()
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		n, err := s.nomination(ctx, tx, contestID, id)
		if err != nil {
			return err
		}
		if !CanMove(n.Status, status) {
			return transitionRefusal(n.Status, status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE nominations SET status = $2, result = $3, decided_at = $4, updated_at = $4 WHERE id = $1`,
			id, status, result, now); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, now, &contestID, &actorID, audit.NominationDecided, nominationSubject(id),
			map[string]any{"from": n.Status, "status": status, "result": result}); err != nil {
			return err
		}
		return tellNominees(ctx, tx, contestID, []int64{id})
	})
}

// transitionRefusal says which change the flow refused: the words of both
// statuses are arguments the web layer names.
func transitionRefusal(from, to NominationStatus) error {
	return &fault.Error{Code: fault.CodeConflict, Message: MsgTransition, Args: []any{StatusWord(from), StatusWord(to)}}
}

// StatusWord is a status as an argument of a message, which the web layer
// writes in the reader's language.
type StatusWord NominationStatus

func nominationSubject(id int64) string { return fmt.Sprintf("nomination:%d", id) }
