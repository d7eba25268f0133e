package results

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/judging"
	"podium/fault"
	"podium/scoring"
)

// RoundResult is an entry's recorded result in a round: what advancement and
// award confirmation wrote, and what publication fixes.
type RoundResult struct {
	Code         string         `db:"code" json:"code"`
	Title        string         `db:"title" json:"title"`
	Organization string         `db:"organization" json:"organization"`
	Track        string         `db:"track" json:"track"`
	Group        string         `db:"grp" json:"group"`
	Score        scoring.Points `db:"score" json:"score"`
	Rank         int            `db:"rank" json:"rank"`
	Advanced     bool           `db:"advanced" json:"advanced"`
	AwardLevel   string         `db:"award_level" json:"award_level,omitempty"`
	PublishedAt  *time.Time     `db:"published_at" json:"published_at,omitempty"`
}

const roundResultsSQL = `
	SELECT coalesce(b.code, '') AS code, e.title, coalesce(o.name, '') AS organization, t.key AS track, g.key AS grp,
	       res.score, res.rank, res.advanced, coalesce(res.award_level, '') AS award_level, res.published_at
	FROM results res JOIN entries e ON e.id = res.entry_id
	JOIN tracks t ON t.id = e.track_id JOIN contest_groups g ON g.id = e.group_id
	LEFT JOIN organizations o ON o.id = e.organization_id
	LEFT JOIN blind_codes b ON b.round_id = res.round_id AND b.entry_id = res.entry_id
	WHERE res.round_id = $1
	ORDER BY res.rank, code`

// RoundResults are a round's recorded results, by rank (empty before any confirmation).
func (s *Service) RoundResults(ctx context.Context, contestID int64, roundKey string) ([]RoundResult, error) {
	r, err := contest.RoundByKey(ctx, s.db, contestID, roundKey)
	if err != nil {
		return nil, err
	}
	out := []RoundResult{}
	err = s.db.SelectContext(ctx, &out, roundResultsSQL, r.ID)
	for i := range out {
		out[i].PublishedAt = contest.UTC(out[i].PublishedAt)
	}
	return out, err
}

// lockDecidableRound locks a round whose advancement or awards may be
// confirmed: closed for scoring (so its ranking no longer moves with every
// sheet, and a confirmed advancement does not feed the next round while judges
// still score) and not yet published. The lock holds the round closed until
// the confirmation commits.
func lockDecidableRound(ctx context.Context, tx *sqlx.Tx, contestID int64, roundKey string) (int64, error) {
	return lockRoundClosed(ctx, tx, contestID, roundKey, "err.results.round_not_closed")
}

// lockRoundClosed locks a round that is closed for scoring and not published;
// notClosed is the refusal for a round in any other state.
func lockRoundClosed(ctx context.Context, tx *sqlx.Tx, contestID int64, roundKey, notClosed string) (int64, error) {
	var r struct {
		ID    int64              `db:"id"`
		State contest.RoundState `db:"state"`
	}
	err := tx.GetContext(ctx, &r, `SELECT id, state FROM rounds WHERE contest_id = $1 AND key = $2 FOR UPDATE`, contestID, roundKey)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fault.NotFound("err.round.not_found")
	}
	if err != nil {
		return 0, err
	}
	switch r.State {
	case contest.RoundPublished:
		return 0, fault.Conflict("err.results.published")
	case contest.RoundClosed:
		return r.ID, nil
	default:
		return 0, fault.Conflict(notClosed)
	}
}

// RoundPublished reports whether a round's results are published.
func (s *Service) RoundPublished(ctx context.Context, contestID int64, roundKey string) (bool, error) {
	r, err := contest.RoundByKey(ctx, s.db, contestID, roundKey)
	return r.State == contest.RoundPublished, err
}

// PublishResults publishes a round with the default publicity period (see Publish).
func (s *Service) PublishResults(ctx context.Context, actorID, contestID int64, roundKey string) ([]RoundResult, error) {
	published, _, err := s.Publish(ctx, actorID, contestID, roundKey, PublishOptions{})
	return published, err
}

// Publish makes a closed round's confirmed results public (公示) as the next
// version of its publication: every result gets its publication time, the
// round becomes published, the version's snapshot and the audit record of
// every result (with the sheets behind it) are written, and the transparency
// log's head over the contest's audit records is signed and recorded, all in
// one transaction. The publicity period runs until opts says. It refuses
// unless the recorded results are exactly the round's current ranking — so the
// organizers confirm advancement or awards first, and again after any change —
// while a reopened sheet waits for its judge, and while an entry of the round
// is short of reviews or not scored without the organizers' decision (the
// refusal names them by code and title). Afterwards nothing can change the
// round's ranking (see migrations/00007_published_results.sql) unless an
// objection is upheld (ReviseTx).
func (s *Service) Publish(ctx context.Context, actorID, contestID int64, roundKey string, opts PublishOptions) ([]RoundResult, Publication, error) {
	var published []RoundResult
	var pub Publication
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		roundID, err := lockClosedRound(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		// No entry is published short of reviews, or left out, without the
		// organizers deciding it (judging/shortfalls.go).
		r, err := contest.RoundByKey(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		all, err := judging.ReviewsOf(ctx, tx, r)
		if err != nil {
			return err
		}
		if err := judging.RefuseUndecided(all, "err.publish.undecided"); err != nil {
			return err
		}
		// The round is locked: sheets can no longer leave or enter the ranking.
		rk, _, combined, err := s.DecidingRanking(ctx, contestID, roundKey)
		if err != nil {
			return err
		}
		if combined {
			if err := earlierWeightedRoundsPublished(ctx, tx, contestID, roundID); err != nil {
				return err
			}
		}
		if err := resultsMatchRanking(ctx, tx, roundID, rk); err != nil {
			return err
		}
		now := s.now().Truncate(time.Microsecond)
		if _, err := tx.ExecContext(ctx, `UPDATE results SET published_at = $2 WHERE round_id = $1`, roundID, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rounds SET state = $2 WHERE id = $1`, roundID, contest.RoundPublished); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &published, roundResultsSQL, roundID); err != nil {
			return err
		}
		pub, err = s.recordPublication(ctx, tx, actorID, contestID, roundID, roundKey, now, opts)
		if err != nil {
			return err
		}
		return tellEntrants(ctx, tx, contestID, roundID, pub.PeriodEndsAt)
	})
	return published, pub, err
}

// lockClosedRound locks a round that may be published: closed, with no reopened sheet pending.
func lockClosedRound(ctx context.Context, tx *sqlx.Tx, contestID int64, roundKey string) (int64, error) {
	id, err := lockRoundClosed(ctx, tx, contestID, roundKey, "err.publish.not_closed")
	if err != nil {
		return 0, err
	}
	var reopened int
	if err := tx.GetContext(ctx, &reopened, `
		SELECT count(*) FROM score_sheets sh JOIN assignments a ON a.id = sh.assignment_id
		WHERE a.round_id = $1 AND a.state = 'active' AND sh.state = 'reopened'`, id); err != nil {
		return 0, err
	}
	if reopened > 0 {
		return 0, fault.Conflict("err.publish.sheets_reopened")
	}
	return id, nil
}

// earlierWeightedRoundsPublished refuses to publish awards given on the
// combined ranking while a round it combines could still change.
func earlierWeightedRoundsPublished(ctx context.Context, tx *sqlx.Tx, contestID, roundID int64) error {
	var open int
	if err := tx.GetContext(ctx, &open, `
		SELECT count(*) FROM rounds WHERE contest_id = $1 AND id <> $2 AND final_weight > 0 AND state <> 'published'`,
		contestID, roundID); err != nil {
		return err
	}
	if open > 0 {
		return fault.Conflict("err.publish.earlier_rounds")
	}
	return nil
}

// resultsMatchRanking checks that the recorded results are the ranking's, entry for entry.
func resultsMatchRanking(ctx context.Context, tx *sqlx.Tx, roundID int64, rk scoring.Ranking) error {
	recorded, same, err := recordedRanking(ctx, tx, roundID, rk)
	if err != nil {
		return err
	}
	if len(rk.Entries) == 0 {
		return fault.Conflict("err.publish.nothing_ranked")
	}
	if !recorded {
		return fault.Conflict("err.publish.not_confirmed")
	}
	if !same {
		return fault.Conflict("err.publish.stale")
	}
	return nil
}

// recordedRanking reports whether a round has recorded results, and whether
// they are exactly the ranking rk: the same entries with the same scores and ranks.
func recordedRanking(ctx context.Context, tx *sqlx.Tx, roundID int64, rk scoring.Ranking) (recorded, same bool, err error) {
	var stored []struct {
		Code  string         `db:"code"`
		Score scoring.Points `db:"score"`
		Rank  int            `db:"rank"`
	}
	if err := tx.SelectContext(ctx, &stored, `
		SELECT coalesce(b.code, '') AS code, res.score, res.rank FROM results res
		LEFT JOIN blind_codes b ON b.round_id = res.round_id AND b.entry_id = res.entry_id
		WHERE res.round_id = $1`, roundID); err != nil {
		return false, false, err
	}
	if len(stored) != len(rk.Entries) {
		return len(stored) > 0, false, nil
	}
	byCode := make(map[string]scoring.Result, len(rk.Entries))
	for _, r := range rk.Entries {
		byCode[r.Entry] = r
	}
	for _, st := range stored {
		if r, ok := byCode[st.Code]; !ok || r.Score != st.Score || r.Rank != st.Rank {
			return true, false, nil
		}
	}
	return len(stored) > 0, true, nil
}

// SQL that forgets one of a round's two decisions (see forgetStaleDecision).
const (
	clearAwardsSQL      = `UPDATE results SET award_level = NULL WHERE round_id = $1 AND award_level IS NOT NULL`
	clearAdvancementSQL = `UPDATE results SET advanced = false WHERE round_id = $1 AND advanced`
)

// forgetStaleDecision runs clear — forgetting the round's other decision,
// awards when advancement is confirmed and advancement when awards are — if
// the recorded results are not the ranking rk about to be recorded. Confirming
// one decision rewrites every result's score and rank, so the other, taken on
// the old ranking, would otherwise pass for current at publication. It reports
// whether anything was forgotten; the organizers confirm that decision again.
func forgetStaleDecision(ctx context.Context, tx *sqlx.Tx, roundID int64, rk scoring.Ranking, clear string) (bool, error) {
	recorded, same, err := recordedRanking(ctx, tx, roundID, rk)
	if err != nil || !recorded || same {
		return false, err
	}
	res, err := tx.ExecContext(ctx, clear, roundID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// dropUnranked deletes the results of entries that are no longer in the round's
// ranking (e.g. all their sheets were reopened), so that confirming again leaves
// exactly the ranking's results.
func dropUnranked(ctx context.Context, tx *sqlx.Tx, roundID int64, rk scoring.Ranking) error {
	codes := make([]string, len(rk.Entries))
	for i, r := range rk.Entries {
		codes[i] = r.Entry
	}
	_, err := tx.ExecContext(ctx, `
		DELETE FROM results res WHERE res.round_id = $1 AND NOT EXISTS (
			SELECT 1 FROM blind_codes b WHERE b.round_id = res.round_id AND b.entry_id = res.entry_id AND b.code = ANY($2))`,
		roundID, pq.StringArray(codes))
	return err
}

// PublishedRound is a round's published results as the public sees them:
// the current version, where it stands, and every version with what it
// changed.
type PublishedRound struct {
	Key     string         `json:"round"`
	NameZh  string         `json:"name_zh"`
	NameEn  string         `json:"name_en"`
	State   PublicityState `json:"state"`
	Current Publication    `json:"current"`
	// Versions are every version, oldest first, each with its changes
	// against the one before (none for the first).
	Versions []PublishedVersion `json:"versions"`
}

// PublishedVersion is one version in a round's history.
type PublishedVersion struct {
	Version      int        `json:"version"`
	PublishedAt  time.Time  `json:"published_at"`
	PeriodEndsAt time.Time  `json:"period_ends_at"`
	Reason       string     `json:"reason,omitempty"`
	RevisedAt    *time.Time `json:"revised_at,omitempty"`
	FinalAt      *time.Time `json:"final_at,omitempty"`
	TreeSize     int64      `json:"tree_size"`
	TreeRoot     []byte     `json:"tree_root"`
	Changes      []Change   `json:"changes"`
}

// PublishedResults are the contest's published rounds, in round order, each
// with its current version and history; empty before anything is published.
// Publications whose period has ended are settled first (SettleFinality), so
// that what the public reads is where the results stand now.
func (s *Service) PublishedResults(ctx context.Context, contestID int64) ([]PublishedRound, error) {
	if _, err := s.SettleFinality(ctx, contestID); err != nil {
		return nil, err
	}
	rounds, err := s.PublishedRounds(ctx, contestID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]PublishedRound, 0, len(rounds))
	for _, r := range rounds {
		var versions []Publication
		if err := s.db.SelectContext(ctx, &versions, publicationSQL+`
			WHERE p.contest_id = $1 AND r.key = $2 ORDER BY p.version`, contestID, r.Key); err != nil {
			return nil, err
		}
		pr := PublishedRound{Key: r.Key, NameZh: r.NameZh, NameEn: r.NameEn}
		var before []PublishedResult
		for i := range versions {
			v := &versions[i]
			if err := loadPublication(ctx, s.db, v); err != nil {
				return nil, err
			}
			pv := PublishedVersion{Version: v.Version, PublishedAt: v.PublishedAt, PeriodEndsAt: v.PeriodEndsAt,
				Reason: v.Reason, RevisedAt: v.RevisedAt, FinalAt: v.FinalAt, TreeSize: v.TreeSize, TreeRoot: v.TreeRoot,
				Changes: []Change{}}
			if i > 0 {
				pv.Changes = Diff(before, v.Results)
			}
			before = v.Results
			pr.Versions = append(pr.Versions, pv)
		}
		pr.Current = versions[len(versions)-1]
		pr.State = pr.Current.State(now)
		out = append(out, pr)
	}
	return out, nil
}
