package contest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"podium/contest/audit"
	"podium/fault"
	"podium/scoring"
)

// Contest is a saved contest: its setup plus what the system keeps about it.
type Contest struct {
	ID        int64     `json:"id"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Setup
}

// OpenForEntries reports whether entrants may make and submit entries at
// now: registration has opened and the deadline has not passed, whatever a
// round is doing meanwhile (an early round may already be judged).
func (c Contest) OpenForEntries(now time.Time) bool {
	return c.State != "archived" && (c.RegistrationOpensAt == nil || !now.Before(*c.RegistrationOpensAt)) &&
		(c.SubmissionDeadline == nil || now.Before(*c.SubmissionDeadline))
}

// Round finds a round of the contest by its key.
func (c Contest) Round(key string) (Round, bool) {
	for _, r := range c.Rounds {
		if r.Key == key {
			return r, true
		}
	}
	return Round{}, false
}

// ContestSummary is a contest as listed.
type ContestSummary struct {
	ID                 int64      `db:"id" json:"id"`
	Slug               string     `db:"slug" json:"slug"`
	NameZh             string     `db:"name_zh" json:"name_zh"`
	NameEn             string     `db:"name_en" json:"name_en"`
	State              string     `db:"state" json:"state"`
	SubmissionDeadline *time.Time `db:"submission_deadline" json:"submission_deadline"`
	// Phase is where the contest stands now (PhaseOf).
	Phase Phase `db:"phase" json:"phase"`
}

// CreateContest validates and saves a new contest; the creator becomes its organizer.
func (s *Service) CreateContest(ctx context.Context, creatorID int64, c Setup) (Contest, error) {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return Contest{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &id, `
			INSERT INTO contests (slug, name_zh, name_en, description, registration_opens_at, submission_deadline, settings, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			c.Slug, c.NameZh, c.NameEn, c.Description, c.RegistrationOpensAt, c.SubmissionDeadline, settingsJSON(c), creatorID, s.db.NowUTC())
		if IsUniqueViolation(err, "contests_slug_key") {
			return &fault.Error{Code: fault.CodeConflict, Message: "err.invalid", Fields: map[string]string{"slug": "err.contest.slug_taken"}}
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO contest_organizers (contest_id, account_id) VALUES ($1, $2)`, id, creatorID); err != nil {
			return err
		}
		if err := saveStructure(ctx, tx, id, c); err != nil {
			return err
		}
		return audit.Append(ctx, tx, s.db.NowUTC(), &id, &creatorID, audit.ContestCreated, c.Slug, c)
	})
	if err != nil {
		return Contest{}, err
	}
	return s.Contest(ctx, id)
}

// UpdateContest replaces a contest's setup. Tracks, groups, rounds and criteria are
// matched by key, so unchanged parts keep their identity; removing one that entries
// or scores already use is a conflict, and so is changing the rubric of a round
// that has opened.
func (s *Service) UpdateContest(ctx context.Context, actorID, id int64, c Setup) (Contest, error) {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return Contest{}, err
	}
	current, err := s.Contest(ctx, id)
	if err != nil {
		return Contest{}, err
	}
	for i, r := range c.Rounds {
		if old, ok := findRound(current.Rounds, r.Key); ok && old.State != RoundDraft && !sameRubric(old.Criteria, r.Criteria) {
			return Contest{}, &fault.Error{Code: fault.CodeConflict, Message: "err.invalid",
				Fields: map[string]string{"rounds[" + strconv.Itoa(i) + "].criteria": "err.rubric.locked"}}
		}
	}
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE contests SET slug = $2, name_zh = $3, name_en = $4, description = $5,
			       registration_opens_at = $6, submission_deadline = $7, settings = $8, updated_at = $9
			WHERE id = $1`,
			id, c.Slug, c.NameZh, c.NameEn, c.Description, c.RegistrationOpensAt, c.SubmissionDeadline, settingsJSON(c), s.db.NowUTC())
		if IsUniqueViolation(err, "contests_slug_key") {
			return &fault.Error{Code: fault.CodeConflict, Message: "err.invalid", Fields: map[string]string{"slug": "err.contest.slug_taken"}}
		}
		if err != nil {
			return err
		}
		if err := saveStructure(ctx, tx, id, c); err != nil {
			return err
		}
		return audit.Append(ctx, tx, s.db.NowUTC(), &id, &actorID, audit.ContestUpdated, c.Slug, c)
	})
	if pq.As(err, pqerror.ForeignKeyViolation) != nil { // a removed part is still referenced
		return Contest{}, &fault.Error{Code: fault.CodeConflict, Message: "err.contest.in_use", Err: err}
	}
	if err != nil {
		return Contest{}, err
	}
	return s.Contest(ctx, id)
}

func findRound(rounds []Round, key string) (Round, bool) {
	for _, r := range rounds {
		if r.Key == key {
			return r, true
		}
	}
	return Round{}, false
}

func sameRubric(a, b []Criterion) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || a[i].Max != b[i].Max || a[i].Weight != b[i].Weight || a[i].Step != b[i].Step {
			return false
		}
	}
	return true
}

// saveStructure upserts tracks, groups, rounds and criteria by key, deletes the ones
// no longer listed, and rewrites the quotas.
func saveStructure(ctx context.Context, tx *sqlx.Tx, contestID int64, c Setup) error {
	trackIDs, err := upsertCategories(ctx, tx, "tracks", contestID, c.Tracks)
	if err != nil {
		return err
	}
	groupIDs, err := upsertCategories(ctx, tx, "contest_groups", contestID, c.Groups)
	if err != nil {
		return err
	}
	var roundKeys []string
	for pos, r := range c.Rounds {
		roundKeys = append(roundKeys, r.Key)
		var roundID int64
		err := tx.GetContext(ctx, &roundID, `
			INSERT INTO rounds (contest_id, key, position, name_zh, name_en, kind, method, trim_min, reviews_per_entry,
			                    advance_count, advance_percent, final_weight, tie_break, opens_at, closes_at,
			                    pitch_seconds, qa_seconds, names_public)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
			ON CONFLICT (contest_id, key) DO UPDATE SET
			    position = EXCLUDED.position, name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en,
			    kind = EXCLUDED.kind, method = EXCLUDED.method, trim_min = EXCLUDED.trim_min,
			    reviews_per_entry = EXCLUDED.reviews_per_entry, advance_count = EXCLUDED.advance_count,
			    advance_percent = EXCLUDED.advance_percent, final_weight = EXCLUDED.final_weight,
			    tie_break = EXCLUDED.tie_break, opens_at = EXCLUDED.opens_at, closes_at = EXCLUDED.closes_at,
			    pitch_seconds = EXCLUDED.pitch_seconds, qa_seconds = EXCLUDED.qa_seconds, names_public = EXCLUDED.names_public
			RETURNING id`,
			contestID, r.Key, pos, r.NameZh, r.NameEn, r.Kind, r.Method, r.TrimMin, r.ReviewsPerEntry,
			r.AdvanceCount, r.AdvancePercent, r.FinalWeight, pq.StringArray(NonNil(r.TieBreak)), r.OpensAt, r.ClosesAt,
			r.PitchSeconds, r.QASeconds, r.NamesPublic)
		if err != nil {
			return err
		}
		var criterionKeys []string
		for cpos, cr := range r.Criteria {
			criterionKeys = append(criterionKeys, cr.Key)
			_, err := tx.ExecContext(ctx, `
				INSERT INTO criteria (round_id, key, position, name_zh, name_en, description_zh, description_en, max_points, weight, step)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (round_id, key) DO UPDATE SET
				    position = EXCLUDED.position, name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en,
				    description_zh = EXCLUDED.description_zh, description_en = EXCLUDED.description_en,
				    max_points = EXCLUDED.max_points, weight = EXCLUDED.weight, step = EXCLUDED.step`,
				roundID, cr.Key, cpos, cr.NameZh, cr.NameEn, cr.DescriptionZh, cr.DescriptionEn, cr.Max, cr.Weight, cr.Step)
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM criteria WHERE round_id = $1 AND key <> ALL($2)`,
			roundID, pq.StringArray(criterionKeys)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM advancement_quotas WHERE round_id = $1`, roundID); err != nil {
			return err
		}
		for _, q := range r.Quotas {
			if _, err := tx.ExecContext(ctx, `INSERT INTO advancement_quotas (round_id, track_id, group_id, count) VALUES ($1, $2, $3, $4)`,
				roundID, trackIDs[q.Track], groupIDs[q.Group], q.Count); err != nil {
				return err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM rounds WHERE contest_id = $1 AND key <> ALL($2)`,
		contestID, pq.StringArray(roundKeys)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM award_quotas WHERE contest_id = $1`, contestID); err != nil {
		return err
	}
	for _, a := range c.Awards {
		var track *int64
		if a.Track != "" {
			id := trackIDs[a.Track]
			track = &id
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO award_quotas (contest_id, group_id, track_id, level, count) VALUES ($1, $2, $3, $4, $5)`,
			contestID, groupIDs[a.Group], track, a.Level, a.Count); err != nil {
			return err
		}
	}
	return nil
}

// upsertCategories saves tracks or groups (table is trusted, never user input) and
// returns their ids by key.
func upsertCategories(ctx context.Context, tx *sqlx.Tx, table string, contestID int64, cats []Category) (map[string]int64, error) {
	ids := map[string]int64{}
	var keys []string
	for pos, c := range cats {
		var id int64
		err := tx.GetContext(ctx, &id, `
			INSERT INTO `+table+` (contest_id, key, name_zh, name_en, position) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (contest_id, key) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, position = EXCLUDED.position
			RETURNING id`, contestID, c.Key, c.NameZh, c.NameEn, pos)
		if err != nil {
			return nil, err
		}
		ids[c.Key] = id
		keys = append(keys, c.Key)
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE contest_id = $1 AND key <> ALL($2)`, contestID, pq.StringArray(keys))
	return ids, err
}

// Contest loads a contest with its whole setup.
func (s *Service) Contest(ctx context.Context, id int64) (Contest, error) { return Load(ctx, s.db, id) }

// Load reads a contest with its whole setup, for any room.
func Load(ctx context.Context, q sqlx.QueryerContext, id int64) (Contest, error) {
	var row struct {
		ID                  int64      `db:"id"`
		Slug                string     `db:"slug"`
		NameZh              string     `db:"name_zh"`
		NameEn              string     `db:"name_en"`
		Description         string     `db:"description"`
		State               string     `db:"state"`
		RegistrationOpensAt *time.Time `db:"registration_opens_at"`
		SubmissionDeadline  *time.Time `db:"submission_deadline"`
		Settings            []byte     `db:"settings"`
		CreatedAt           time.Time  `db:"created_at"`
		UpdatedAt           time.Time  `db:"updated_at"`
	}
	err := sqlx.GetContext(ctx, q, &row, `
		SELECT id, slug, name_zh, name_en, description, state, registration_opens_at, submission_deadline, settings, created_at, updated_at
		FROM contests WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Contest{}, fault.NotFound("err.contest.not_found")
	}
	if err != nil {
		return Contest{}, err
	}
	c := Contest{ID: row.ID, State: row.State, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt, Setup: Setup{
		Slug: row.Slug, NameZh: row.NameZh, NameEn: row.NameEn, Description: row.Description,
		RegistrationOpensAt: UTC(row.RegistrationOpensAt), SubmissionDeadline: UTC(row.SubmissionDeadline),
	}}
	var settings struct {
		Entry EntrySettings `json:"entry"`
	}
	if err := json.Unmarshal(row.Settings, &settings); err != nil {
		return Contest{}, fmt.Errorf("contest %d settings: %w", id, err)
	}
	c.Entry = settings.Entry
	c.Setup.Normalize() // fills defaults for contests saved before a setting existed
	if err := sqlx.SelectContext(ctx, q, &c.Tracks, `SELECT key, name_zh, name_en FROM tracks WHERE contest_id = $1 ORDER BY position`, id); err != nil {
		return Contest{}, err
	}
	if err := sqlx.SelectContext(ctx, q, &c.Groups, `SELECT key, name_zh, name_en FROM contest_groups WHERE contest_id = $1 ORDER BY position`, id); err != nil {
		return Contest{}, err
	}
	if err := loadRounds(ctx, q, &c); err != nil {
		return Contest{}, err
	}
	err = sqlx.SelectContext(ctx, q, &c.Awards, `
		SELECT g.key AS "group", coalesce(t.key, '') AS track, a.level, a.count
		FROM award_quotas a JOIN contest_groups g ON g.id = a.group_id LEFT JOIN tracks t ON t.id = a.track_id
		WHERE a.contest_id = $1
		ORDER BY g.position, t.position NULLS FIRST, array_position(ARRAY['first','second','third','honorable'], a.level)`, id)
	return c, err
}

func loadRounds(ctx context.Context, q sqlx.QueryerContext, c *Contest) error {
	var rounds []struct {
		ID              int64          `db:"id"`
		Key             string         `db:"key"`
		NameZh          string         `db:"name_zh"`
		NameEn          string         `db:"name_en"`
		Kind            RoundKind      `db:"kind"`
		State           RoundState     `db:"state"`
		Method          scoring.Method `db:"method"`
		TrimMin         int            `db:"trim_min"`
		ReviewsPerEntry int            `db:"reviews_per_entry"`
		AdvanceCount    *int           `db:"advance_count"`
		AdvancePercent  *int           `db:"advance_percent"`
		FinalWeight     int            `db:"final_weight"`
		TieBreak        pq.StringArray `db:"tie_break"`
		OpensAt         *time.Time     `db:"opens_at"`
		ClosesAt        *time.Time     `db:"closes_at"`
		PitchSeconds    int            `db:"pitch_seconds"`
		QASeconds       int            `db:"qa_seconds"`
		NamesPublic     bool           `db:"names_public"`
	}
	err := sqlx.SelectContext(ctx, q, &rounds, `
		SELECT id, key, name_zh, name_en, kind, state, method, trim_min, reviews_per_entry, advance_count,
		       advance_percent, final_weight, tie_break, opens_at, closes_at, pitch_seconds, qa_seconds, names_public
		FROM rounds WHERE contest_id = $1 ORDER BY position`, c.ID)
	if err != nil {
		return err
	}
	var criteria []struct {
		RoundID int64 `db:"round_id"`
		Criterion
	}
	err = sqlx.SelectContext(ctx, q, &criteria, `
		SELECT cr.round_id, cr.key, cr.name_zh, cr.name_en, cr.description_zh, cr.description_en,
		       cr.max_points AS max, cr.weight, cr.step
		FROM criteria cr JOIN rounds r ON r.id = cr.round_id
		WHERE r.contest_id = $1 ORDER BY cr.position`, c.ID)
	if err != nil {
		return err
	}
	var quotas []struct {
		RoundID int64 `db:"round_id"`
		Quota
	}
	err = sqlx.SelectContext(ctx, q, &quotas, `
		SELECT q.round_id, t.key AS track, g.key AS "group", q.count
		FROM advancement_quotas q JOIN tracks t ON t.id = q.track_id JOIN contest_groups g ON g.id = q.group_id
		JOIN rounds r ON r.id = q.round_id
		WHERE r.contest_id = $1 ORDER BY t.position, g.position`, c.ID)
	if err != nil {
		return err
	}
	c.Rounds = make([]Round, 0, len(rounds))
	for _, r := range rounds {
		round := Round{Key: r.Key, NameZh: r.NameZh, NameEn: r.NameEn, Kind: r.Kind, State: r.State, Method: r.Method,
			TrimMin: r.TrimMin, ReviewsPerEntry: r.ReviewsPerEntry, AdvanceCount: r.AdvanceCount, AdvancePercent: r.AdvancePercent,
			FinalWeight: r.FinalWeight, TieBreak: []string(r.TieBreak), OpensAt: UTC(r.OpensAt), ClosesAt: UTC(r.ClosesAt),
			Criteria: []Criterion{}, Quotas: []Quota{}, PitchSeconds: r.PitchSeconds, QASeconds: r.QASeconds, NamesPublic: r.NamesPublic}
		for _, cr := range criteria {
			if cr.RoundID == r.ID {
				round.Criteria = append(round.Criteria, cr.Criterion)
			}
		}
		for _, q := range quotas {
			if q.RoundID == r.ID {
				round.Quotas = append(round.Quotas, q.Quota)
			}
		}
		c.Rounds = append(c.Rounds, round)
	}
	return nil
}

// ContestsOrganizedBy lists the contests an organizer runs, newest first.
func (s *Service) ContestsOrganizedBy(ctx context.Context, accountID int64) ([]ContestSummary, error) {
	list := []ContestSummary{}
	err := s.db.SelectContext(ctx, &list, `
		SELECT c.id, c.slug, c.name_zh, c.name_en, c.state, c.submission_deadline, `+phaseColumn("$2")+` AS phase
		FROM contests c JOIN contest_organizers o ON o.contest_id = c.id
		WHERE o.account_id = $1 ORDER BY c.created_at DESC, c.id DESC`, accountID, s.db.NowUTC())
	return list, err
}

// ContestsJudgedBy lists the contests a judge has been invited to.
func (s *Service) ContestsJudgedBy(ctx context.Context, accountID int64) ([]ContestSummary, error) {
	list := []ContestSummary{}
	err := s.db.SelectContext(ctx, &list, `
		SELECT c.id, c.slug, c.name_zh, c.name_en, c.state, c.submission_deadline, `+phaseColumn("$2")+` AS phase
		FROM contests c JOIN contest_judges j ON j.contest_id = c.id
		WHERE j.account_id = $1 ORDER BY c.created_at DESC, c.id DESC`, accountID, s.db.NowUTC())
	return list, err
}

// ContestIDBySlug finds a contest's id from its slug.
func (s *Service) ContestIDBySlug(ctx context.Context, slug string) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT id FROM contests WHERE slug = $1`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fault.NotFound("err.contest.not_found")
	}
	return id, err
}

// settingsJSON is what contests.settings holds of a setup.
func settingsJSON(c Setup) []byte {
	b, _ := json.Marshal(map[string]any{"entry": c.Entry}) // plain data: cannot fail
	return b
}
