package results

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/audit"
	"podium/fault"
	"podium/scoring"
)

// This file holds the publicity period (公示期): a publication is one version
// of a round's results, fixed in publication_results; it runs a period during
// which anyone may object (contest/objections); an upheld objection reopens
// the round for correction (ReviseTx) and publishing again makes the next
// version; a version becomes final once its period has ended with no
// objection open (SettleFinality).

// Publicity periods: the default and the bounds an organizer may choose.
const (
	DefaultPeriodDays = 7
	MinPeriod         = time.Hour
	MaxPeriod         = 60 * 24 * time.Hour
)

// PublishOptions are the organizer's choices when publishing.
type PublishOptions struct {
	// PeriodEndsAt ends the publicity period at a given time; when zero,
	// PeriodDays (default DefaultPeriodDays) days from now.
	PeriodEndsAt time.Time
	PeriodDays   int
	// KeepPeriod, for a version after the first, keeps the period of the
	// version before instead of running a new one.
	KeepPeriod bool
	// Reason says why a version after the first replaces the one before
	// (the objections upheld); required then.
	Reason string
}

// PublicityState is where a publication stands, as the public page says it.
type PublicityState string

const (
	StatePublicity PublicityState = "publicity" // the period runs: objections are received
	StateReview    PublicityState = "review"    // an objection is open, or the round is being corrected
	StateFinal     PublicityState = "final"     // the period ended with no objection open
)

// PublishedResult is one entry's result as a version published it.
type PublishedResult struct {
	EntryID      int64          `db:"entry_id" json:"-"`
	Code         string         `db:"code" json:"-"` // the blind code: judges' name for the entry, never public
	Title        string         `db:"title" json:"title"`
	Organization string         `db:"organization" json:"organization"`
	Track        string         `db:"track" json:"track"`
	Group        string         `db:"grp" json:"group"`
	Score        scoring.Points `db:"score" json:"score"`
	Rank         int            `db:"rank" json:"rank"`
	Advanced     bool           `db:"advanced" json:"advanced"`
	AwardLevel   string         `db:"award_level" json:"award_level,omitempty"`
	Sheets       pq.Int64Array  `db:"sheets" json:"-"`
	// SameScoreAbove: the entry ranked just above has the same score (read
	// from the published explanation); TieBreakCriterion is the tie-break
	// criterion that ordered the two, "" when none did (they share the rank).
	SameScoreAbove    bool   `db:"same_score_above" json:"-"`
	TieBreakCriterion string `db:"tie_break_criterion" json:"-"`
}

// Publication is one version of a round's published results.
type Publication struct {
	ID           int64      `db:"id" json:"-"`
	ContestID    int64      `db:"contest_id" json:"-"`
	RoundID      int64      `db:"round_id" json:"-"`
	RoundKey     string     `db:"round_key" json:"round"`
	Version      int        `db:"version" json:"version"`
	PublishedAt  time.Time  `db:"published_at" json:"published_at"`
	PeriodEndsAt time.Time  `db:"period_ends_at" json:"period_ends_at"`
	Reason       string     `db:"reason" json:"reason,omitempty"`
	AuditSeq     int64      `db:"audit_seq" json:"audit_seq"`
	TreeSize     int64      `db:"tree_size" json:"tree_size"`
	TreeRoot     []byte     `db:"tree_root" json:"tree_root"`
	SignedHead   string     `db:"signed_head" json:"signed_head"`
	RevisedAt    *time.Time `db:"revised_at" json:"revised_at,omitempty"`
	FinalAt      *time.Time `db:"final_at" json:"final_at,omitempty"`
	// OpenObjections counts the round's objections not yet decided.
	OpenObjections int               `db:"open_objections" json:"open_objections"`
	Results        []PublishedResult `db:"-" json:"results"`
}

// PeriodOpen reports whether objections are still received at now.
func (p Publication) PeriodOpen(now time.Time) bool { return now.Before(p.PeriodEndsAt) }

// State is where the publication stands at now.
func (p Publication) State(now time.Time) PublicityState {
	switch {
	case p.RevisedAt != nil || p.OpenObjections > 0:
		return StateReview
	case p.FinalAt != nil || !p.PeriodOpen(now):
		return StateFinal
	default:
		return StatePublicity
	}
}

// ResultOf is the entry's result in the publication, if it has one.
func (p Publication) ResultOf(entryID int64) (PublishedResult, bool) {
	for _, r := range p.Results {
		if r.EntryID == entryID {
			return r, true
		}
	}
	return PublishedResult{}, false
}

// RoundName is a round's key and names.
type RoundName struct {
	Key    string `db:"key"`
	NameZh string `db:"name_zh"`
	NameEn string `db:"name_en"`
}

// PublishedRounds are the contest's rounds that were ever published, in round order.
func (s *Service) PublishedRounds(ctx context.Context, contestID int64) ([]RoundName, error) {
	var rounds []RoundName
	err := s.db.SelectContext(ctx, &rounds, `
		SELECT r.key, r.name_zh, r.name_en FROM rounds r
		WHERE r.contest_id = $1 AND EXISTS (SELECT 1 FROM publications p WHERE p.round_id = r.id)
		ORDER BY r.position`, contestID)
	return rounds, err
}

const publicationSQL = `
	SELECT p.id, p.contest_id, p.round_id, r.key AS round_key, p.version, p.published_at, p.period_ends_at, p.reason,
	       p.audit_seq, p.tree_size, p.tree_root, p.signed_head, p.revised_at, p.final_at,
	       (SELECT count(*) FROM objections o WHERE o.round_id = p.round_id AND o.state IN ('received', 'investigating')) AS open_objections
	FROM publications p JOIN rounds r ON r.id = p.round_id`

const publicationResultsSQL = `
	SELECT entry_id, code, title, organization, track, grp, score, rank, advanced, award_level, sheets,
	       coalesce(jsonb_typeof(explanation->'TieBreak') = 'object', false) AS same_score_above,
	       coalesce(explanation->'TieBreak'->>'Criterion', '') AS tie_break_criterion
	FROM publication_results WHERE publication_id = $1 ORDER BY rank, code`

// loadPublication reads a publication's results and puts its times in UTC.
func loadPublication(ctx context.Context, q sqlx.QueryerContext, p *Publication) error {
	p.PublishedAt, p.PeriodEndsAt = p.PublishedAt.UTC(), p.PeriodEndsAt.UTC()
	p.RevisedAt, p.FinalAt = contest.UTC(p.RevisedAt), contest.UTC(p.FinalAt)
	p.Results = []PublishedResult{}
	return sqlx.SelectContext(ctx, q, &p.Results, publicationResultsSQL, p.ID)
}

// CurrentPublication is the newest version of a round's publication, with its
// results; not found when the round was never published.
func (s *Service) CurrentPublication(ctx context.Context, q sqlx.QueryerContext, contestID int64, roundKey string) (Publication, error) {
	var p Publication
	err := sqlx.GetContext(ctx, q, &p, publicationSQL+`
		WHERE p.contest_id = $1 AND r.key = $2 ORDER BY p.version DESC LIMIT 1`, contestID, roundKey)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fault.NotFound("err.results.not_published")
	}
	if err != nil {
		return p, err
	}
	return p, loadPublication(ctx, q, &p)
}

// Publications are every version of every round's publication of the
// contest, oldest first, without their results.
func (s *Service) Publications(ctx context.Context, contestID int64) ([]Publication, error) {
	out := []Publication{}
	if err := s.db.SelectContext(ctx, &out, publicationSQL+`
		WHERE p.contest_id = $1 ORDER BY p.tree_size, p.id`, contestID); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].PublishedAt, out[i].PeriodEndsAt = out[i].PublishedAt.UTC(), out[i].PeriodEndsAt.UTC()
		out[i].RevisedAt, out[i].FinalAt = contest.UTC(out[i].RevisedAt), contest.UTC(out[i].FinalAt)
	}
	return out, nil
}

// periodEnd is when a new version's publicity period ends.
func periodEnd(now time.Time, opts PublishOptions, previous *Publication) (time.Time, error) {
	if previous != nil && opts.KeepPeriod {
		return maxTime(previous.PeriodEndsAt, now), nil
	}
	end := opts.PeriodEndsAt.UTC()
	if end.IsZero() {
		days := opts.PeriodDays
		if days == 0 {
			days = DefaultPeriodDays
		}
		end = now.Add(time.Duration(days) * 24 * time.Hour)
	}
	if d := end.Sub(now); d < MinPeriod || d > MaxPeriod {
		return time.Time{}, fault.Invalid("period", "err.publish.period_range")
	}
	return end, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// sheetsByEntry are the audit seqs of the submitted sheets behind each
// entry's score in the round: each active assignment's sheet, as its latest
// score.submitted record wrote it.
func sheetsByEntry(ctx context.Context, tx *sqlx.Tx, contestID, roundID int64) (map[int64][]int64, error) {
	var rows []struct {
		EntryID int64 `db:"entry_id"`
		Seq     int64 `db:"seq"`
	}
	if err := tx.SelectContext(ctx, &rows, `
		WITH latest AS (
			SELECT DISTINCT ON (payload->>'assignment') (payload->>'assignment')::bigint AS assignment_id, seq
			FROM audit_log WHERE contest_id = $1 AND action = $3
			ORDER BY payload->>'assignment', seq DESC)
		SELECT a.entry_id, l.seq
		FROM assignments a
		JOIN score_sheets sh ON sh.assignment_id = a.id AND sh.state = 'submitted'
		JOIN latest l ON l.assignment_id = a.id
		WHERE a.round_id = $2 AND a.state = 'active'
		ORDER BY a.entry_id, l.seq`, contestID, roundID, audit.ScoreSubmitted); err != nil {
		return nil, err
	}
	out := map[int64][]int64{}
	for _, r := range rows {
		out[r.EntryID] = append(out[r.EntryID], r.Seq)
	}
	return out, nil
}

// recordPublication writes a round's next version in the publishing
// transaction, once its results carry their publication time: the audit
// record of every result (with the sheets behind it), the version's fixed
// snapshot, and the signed head of the transparency log over the contest's
// audit records up to that record, itself recorded in the log.
func (s *Service) recordPublication(ctx context.Context, tx *sqlx.Tx, actorID, contestID, roundID int64, roundKey string,
	now time.Time, opts PublishOptions) (Publication, error) {
	var previous *Publication
	var prev Publication
	err := tx.GetContext(ctx, &prev, publicationSQL+` WHERE p.round_id = $1 ORDER BY p.version DESC LIMIT 1`, roundID)
	switch {
	case err == nil:
		previous = &prev
	case !errors.Is(err, sql.ErrNoRows):
		return Publication{}, err
	}
	p := Publication{ContestID: contestID, RoundID: roundID, RoundKey: roundKey, Version: 1, PublishedAt: now,
		Reason: strings.TrimSpace(opts.Reason)}
	if previous != nil {
		p.Version = previous.Version + 1
		if p.Reason == "" {
			return p, fault.Invalid("reason", "err.publish.reason_required")
		}
	}
	if p.PeriodEndsAt, err = periodEnd(now, opts, previous); err != nil {
		return p, err
	}
	sheets, err := sheetsByEntry(ctx, tx, contestID, roundID)
	if err != nil {
		return p, err
	}
	rows, err := recordedResults(ctx, tx, roundID)
	if err != nil {
		return p, err
	}
	payload := make([]map[string]any, len(rows))
	for i := range rows {
		rows[i].Sheets = sheets[rows[i].EntryID]
		if rows[i].Sheets == nil {
			rows[i].Sheets = pq.Int64Array{}
		}
		r := rows[i]
		// Scores in hundredths, as receipts read them (transparency.PublicationResult).
		payload[i] = map[string]any{"entry": r.Code, "rank": r.Rank, "score": int64(r.Score), "advanced": r.Advanced,
			"award": r.AwardLevel, "sheets": []int64(r.Sheets)}
	}
	p.Results = rows
	if err := audit.Append(ctx, tx, now, &contestID, &actorID, audit.ResultsPublished, roundKey, map[string]any{
		"published_at": now, "version": p.Version, "reason": p.Reason, "period_ends_at": p.PeriodEndsAt,
		"results": payload}); err != nil {
		return p, err
	}
	head, err := s.signHead(ctx, tx, contestID)
	if err != nil {
		return p, err
	}
	p.AuditSeq, p.TreeSize, p.TreeRoot, p.SignedHead = head.Size, head.Size, head.Root[:], head.Signed
	if err := tx.GetContext(ctx, &p.ID, `
		INSERT INTO publications (contest_id, round_id, version, published_at, published_by, period_ends_at, reason,
		                          audit_seq, tree_size, tree_root, signed_head)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		contestID, roundID, p.Version, now, actorID, p.PeriodEndsAt, p.Reason, p.AuditSeq, p.TreeSize, p.TreeRoot, p.SignedHead); err != nil {
		return p, err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO publication_results (publication_id, entry_id, code, title, organization, track, grp, score, rank,
		                                 advanced, award_level, explanation, sheets)
		SELECT $1, res.entry_id, x.code, x.title, x.organization, x.track, x.grp, res.score, res.rank, res.advanced,
		       coalesce(res.award_level, ''), res.explanation, x.sheets::bigint[]
		FROM results res JOIN unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
		     AS x(entry_id, code, title, organization, track, grp, sheets) ON x.entry_id = res.entry_id
		WHERE res.round_id = $2`,
		p.ID, roundID, pq.Array(col(rows, func(r PublishedResult) int64 { return r.EntryID })),
		pq.Array(col(rows, func(r PublishedResult) string { return r.Code })),
		pq.Array(col(rows, func(r PublishedResult) string { return r.Title })),
		pq.Array(col(rows, func(r PublishedResult) string { return r.Organization })),
		pq.Array(col(rows, func(r PublishedResult) string { return r.Track })),
		pq.Array(col(rows, func(r PublishedResult) string { return r.Group })),
		pq.Array(col(rows, func(r PublishedResult) string { return int64sLiteral(r.Sheets) }))); err != nil {
		return p, err
	}
	err = audit.Append(ctx, tx, now, &contestID, &actorID, audit.ResultsHeadSigned, roundKey, map[string]any{
		"version": p.Version, "size": head.Size, "root": head.Root[:], "signed": head.Signed})
	return p, err
}

// recordedResults are a round's recorded results, by rank, as a version would publish them.
func recordedResults(ctx context.Context, q sqlx.QueryerContext, roundID int64) ([]PublishedResult, error) {
	rows := []PublishedResult{}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT res.entry_id, coalesce(b.code, '') AS code, e.title, coalesce(o.name, '') AS organization,
		       t.key AS track, g.key AS grp, res.score, res.rank, res.advanced, coalesce(res.award_level, '') AS award_level
		FROM results res JOIN entries e ON e.id = res.entry_id
		JOIN tracks t ON t.id = e.track_id JOIN contest_groups g ON g.id = e.group_id
		LEFT JOIN organizations o ON o.id = e.organization_id
		LEFT JOIN blind_codes b ON b.round_id = res.round_id AND b.entry_id = res.entry_id
		WHERE res.round_id = $1 ORDER BY res.rank, code`, roundID)
	return rows, err
}

// Pending is what publishing a round now would publish, before the organizer presses it.
type Pending struct {
	// Stale: the recorded results are not the round's current ranking (a
	// sheet re-scored, an entry withdrawn): advancement or awards are to be
	// confirmed again first, or publishing is refused.
	Stale bool
	// Changes are the recorded results against the round's current version
	// (none before the first publication).
	Changes []Change
}

// PendingPublication says, for a round not published now, whether its
// recorded results are current and what they change against the version the
// public sees.
func (s *Service) PendingPublication(ctx context.Context, contestID int64, roundKey string) (Pending, error) {
	var out Pending
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, err := contest.RoundByKey(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		rk, _, _, err := s.DecidingRanking(ctx, contestID, roundKey)
		if err != nil {
			return err
		}
		recorded, same, err := recordedRanking(ctx, tx, r.ID, rk)
		if err != nil {
			return err
		}
		out.Stale = recorded && !same
		p, err := s.CurrentPublication(ctx, tx, contestID, roundKey)
		if fault.ErrorCode(err) == fault.CodeNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		now, err := recordedResults(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		out.Changes = Diff(p.Results, now)
		return nil
	})
	return out, err
}

func col[T, V any](rows []T, f func(T) V) []V {
	out := make([]V, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out
}

// int64sLiteral is a PostgreSQL array literal of ids, so that an array per
// row passes through unnest as text and is cast back (x.sheets::bigint[]).
func int64sLiteral(v []int64) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.FormatInt(n, 10)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// ReviseTx reopens a published round for correction, in the caller's
// transaction (an objection upheld): the round goes back to closed, so that
// the organizers correct it with the usual tools (reopen a sheet, withdraw an
// entry, correct data) and publish again, which makes the next version; until
// then the public sees the current version under review. The database allows
// a published round back to closed only in such a transaction
// (migrations/00014_publicity.sql). A round already under revision stays so.
func ReviseTx(ctx context.Context, tx *sqlx.Tx, now time.Time, actorID, contestID, roundID int64, reason string) error {
	var state contest.RoundState
	var key string
	err := tx.QueryRowxContext(ctx, `SELECT state, key FROM rounds WHERE id = $1 AND contest_id = $2 FOR UPDATE`,
		roundID, contestID).Scan(&state, &key)
	if errors.Is(err, sql.ErrNoRows) {
		return fault.NotFound("err.round.not_found")
	}
	if err != nil {
		return err
	}
	var pubID int64
	var version int
	err = tx.QueryRowxContext(ctx, `SELECT id, version FROM publications WHERE round_id = $1 ORDER BY version DESC LIMIT 1`,
		roundID).Scan(&pubID, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Conflict("err.results.not_published")
	}
	if err != nil {
		return err
	}
	if state != contest.RoundPublished {
		return nil // already reopened by an objection upheld before
	}
	if _, err := tx.ExecContext(ctx, `SET LOCAL podium.revising = 'on'`); err != nil {
		return err
	}
	for _, q := range []string{
		`UPDATE results SET published_at = NULL WHERE round_id = $1`,
		`UPDATE rounds SET state = 'closed' WHERE id = $1`,
	} {
		if _, err := tx.ExecContext(ctx, q, roundID); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `SET LOCAL podium.revising = 'off'`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE publications SET revised_at = $2 WHERE id = $1`, pubID, now); err != nil {
		return err
	}
	return audit.Append(ctx, tx, now, &contestID, &actorID, audit.ResultsRevised, key,
		map[string]any{"version": version, "reason": reason})
}

// SettleFinality makes final every current publication of the contest (every
// one when contestID is 0) whose period has ended, whose round is not under
// revision and has no objection open, auditing each. It is idempotent: the
// server runs it now and then, and before the public reads a contest's results.
func (s *Service) SettleFinality(ctx context.Context, contestID int64) (int, error) {
	now := s.now()
	var due []struct {
		ID        int64  `db:"id"`
		ContestID int64  `db:"contest_id"`
		RoundID   int64  `db:"round_id"`
		RoundKey  string `db:"key"`
		Version   int    `db:"version"`
	}
	if err := s.db.SelectContext(ctx, &due, `
		SELECT p.id, p.contest_id, p.round_id, r.key, p.version
		FROM publications p JOIN rounds r ON r.id = p.round_id
		WHERE ($1 = 0 OR p.contest_id = $1) AND p.final_at IS NULL AND p.revised_at IS NULL
		  AND p.period_ends_at <= $2 AND r.state = 'published'
		  AND NOT EXISTS (SELECT 1 FROM publications n WHERE n.round_id = p.round_id AND n.version > p.version)
		  AND NOT EXISTS (SELECT 1 FROM objections o WHERE o.round_id = p.round_id AND o.state IN ('received', 'investigating'))`,
		contestID, now); err != nil {
		return 0, err
	}
	settled := 0
	for _, d := range due {
		err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
			// The round's lock orders this after an objection's decision in flight.
			if _, err := tx.ExecContext(ctx, `SELECT 1 FROM rounds WHERE id = $1 FOR UPDATE`, d.RoundID); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `
				UPDATE publications p SET final_at = $2 WHERE p.id = $1 AND p.final_at IS NULL AND p.revised_at IS NULL
				  AND NOT EXISTS (SELECT 1 FROM objections o WHERE o.round_id = p.round_id AND o.state IN ('received', 'investigating'))`,
				d.ID, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			settled++
			return audit.Append(ctx, tx, now, &d.ContestID, nil, audit.ResultsFinal, d.RoundKey, map[string]any{"version": d.Version})
		})
		if err != nil {
			return settled, fmt.Errorf("settle publication %d: %w", d.ID, err)
		}
	}
	return settled, nil
}

// Change is what a version changed for one entry, against the version before.
type Change struct {
	Code   string         `json:"code"`
	Title  string         `json:"title"`
	Before *ChangedResult `json:"before,omitempty"` // nil: new in this version
	Now    *ChangedResult `json:"now,omitempty"`    // nil: no longer in the results
}

// ChangedResult is an entry's place in one version (nil: not in it).
type ChangedResult struct {
	Rank       int            `json:"rank"`
	Score      scoring.Points `json:"score"`
	Advanced   bool           `json:"advanced"`
	AwardLevel string         `json:"award_level,omitempty"`
}

// Diff is every entry whose rank, score, advancement or award differs between
// two versions, or that is in only one of them, in the newer version's order
// (entries it dropped last).
func Diff(before, now []PublishedResult) []Change {
	old := make(map[int64]PublishedResult, len(before))
	for _, r := range before {
		old[r.EntryID] = r
	}
	placed := func(r PublishedResult) *ChangedResult {
		return &ChangedResult{Rank: r.Rank, Score: r.Score, Advanced: r.Advanced, AwardLevel: r.AwardLevel}
	}
	var out []Change
	seen := make(map[int64]bool, len(now))
	for _, r := range now {
		seen[r.EntryID] = true
		o, ok := old[r.EntryID]
		if ok && *placed(o) == *placed(r) {
			continue
		}
		c := Change{Code: r.Code, Title: r.Title, Now: placed(r)}
		if ok {
			c.Before = placed(o)
		}
		out = append(out, c)
	}
	for _, r := range before {
		if !seen[r.EntryID] {
			out = append(out, Change{Code: r.Code, Title: r.Title, Before: placed(r)})
		}
	}
	return out
}

// EntryResult is an entry's result in the current version of one round's
// publication, as its entrant reads it.
type EntryResult struct {
	RoundKey     string         `json:"round"`
	RoundNameZh  string         `json:"round_name_zh"`
	RoundNameEn  string         `json:"round_name_en"`
	Method       scoring.Method `json:"method"`
	Version      int            `json:"version"`
	State        PublicityState `json:"state"`
	PublishedAt  time.Time      `json:"published_at"`
	PeriodEndsAt time.Time      `json:"period_ends_at"`
	FinalAt      *time.Time     `json:"final_at,omitempty"`
	PeriodOpen   bool           `json:"period_open"`
	Result       PublishedResult
	// GroupRank is the entry's rank within its group (tracks together, ties
	// kept), as the public page shows it: prizes are given by group.
	GroupRank int `json:"group_rank"`
	// Explanation is how the score was reached: the judges' totals (judges
	// named by anonymous labels), what was dropped, the rule, a tie-break.
	Explanation scoring.Result `json:"explanation"`
}

// EntryResults are an entry's results in every published round of its
// contest, in round order; empty before any publication names it. The caller
// has checked that the reader may see the entry (its entrant).
func (s *Service) EntryResults(ctx context.Context, contestID, entryID int64) ([]EntryResult, error) {
	if _, err := s.SettleFinality(ctx, contestID); err != nil {
		return nil, err
	}
	ct, err := contest.Load(ctx, s.db, contestID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := []EntryResult{}
	for _, round := range ct.Rounds {
		p, err := s.CurrentPublication(ctx, s.db, contestID, round.Key)
		if fault.ErrorCode(err) == fault.CodeNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		res, ok := p.ResultOf(entryID)
		if !ok {
			continue
		}
		er := EntryResult{RoundKey: round.Key, RoundNameZh: round.NameZh, RoundNameEn: round.NameEn, Method: round.Method,
			Version: p.Version, State: p.State(now), PublishedAt: p.PublishedAt, PeriodEndsAt: p.PeriodEndsAt,
			FinalAt: p.FinalAt, PeriodOpen: p.PeriodOpen(now), Result: res, GroupRank: 1}
		for _, other := range p.Results {
			if other.Group == res.Group && other.Rank < res.Rank {
				er.GroupRank++
			}
		}
		var explanation []byte
		if err := s.db.GetContext(ctx, &explanation, `SELECT explanation FROM publication_results WHERE publication_id = $1 AND entry_id = $2`,
			p.ID, entryID); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(explanation, &er.Explanation); err != nil {
			return nil, fmt.Errorf("explanation of entry %d in %s: %w", entryID, round.Key, err)
		}
		out = append(out, er)
	}
	return out, nil
}

// LatestPublication is CurrentPublication outside a transaction.
func (s *Service) LatestPublication(ctx context.Context, contestID int64, roundKey string) (Publication, error) {
	return s.CurrentPublication(ctx, s.db, contestID, roundKey)
}
