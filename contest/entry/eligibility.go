package entry

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/audit"
	"podium/eligibility"
	"podium/fault"
)

// EligibilityRules is a contest's rule set as stored, with when and by whom it
// was last set. A contest without rules has the zero Set (no rule enabled).
type EligibilityRules struct {
	Set       eligibility.RuleSet `json:"rules"`
	UpdatedAt *time.Time          `json:"updated_at"`
}

// Ineligible is one rule an entry fails: the failure as eligibility.Check
// reports it and, for the registration-date rule, the contest's group the
// entry belongs in (named, not keyed, where the message says it).
type Ineligible struct {
	eligibility.Failure
	Belongs *contest.Category `json:"belongs,omitempty"`
}

// MessageArgs are the arguments of the failure's message, the group named by
// its category (the web layer writes it in the reader's language).
func (f Ineligible) MessageArgs() []any {
	args := make([]any, len(f.Args))
	for i, a := range f.Args {
		args[i] = a
	}
	for i, y := range f.Amounts { // money, for the reader's language to write
		if i < len(args) {
			args[i] = y
		}
	}
	if f.Belongs != nil && len(args) == 2 {
		args[1] = *f.Belongs
	}
	return args
}

// rulesRow is a contest's stored rule set and what the checks need of the contest.
type rulesRow struct {
	Preset       string         `db:"preset"`
	Rules        []byte         `db:"rules"`
	StartupGroup sql.NullString `db:"startup_group"`
	GrowthGroup  sql.NullString `db:"growth_group"`
	UpdatedAt    *time.Time     `db:"updated_at"`
}

// loadRules reads a contest's rule set with the group keys filled in.
func loadRules(ctx context.Context, q sqlx.QueryerContext, contestID int64) (EligibilityRules, error) {
	var row rulesRow
	err := sqlx.GetContext(ctx, q, &row, `
		SELECT r.preset, r.rules, s.key AS startup_group, g.key AS growth_group, r.updated_at
		FROM eligibility_rules r
		LEFT JOIN contest_groups s ON s.id = r.startup_group_id
		LEFT JOIN contest_groups g ON g.id = r.growth_group_id
		WHERE r.contest_id = $1`, contestID)
	if errors.Is(err, sql.ErrNoRows) {
		return EligibilityRules{Set: eligibility.RuleSet{Rules: []eligibility.Rule{}}}, nil
	}
	if err != nil {
		return EligibilityRules{}, err
	}
	set, err := eligibility.Unmarshal(row.Rules)
	if err != nil {
		return EligibilityRules{}, err
	}
	set.Preset, set.StartupGroup, set.GrowthGroup = row.Preset, row.StartupGroup.String, row.GrowthGroup.String
	return EligibilityRules{Set: set, UpdatedAt: contest.UTC(row.UpdatedAt)}, nil
}

// EligibilityRulesOf returns a contest's eligibility rules.
func (s *Service) EligibilityRulesOf(ctx context.Context, contestID int64) (EligibilityRules, error) {
	return loadRules(ctx, s.db, contestID)
}

// SetEligibilityRules saves a contest's rule set, checked against the
// contest's groups, and audits it. A set with no preset and no rule enabled
// removes the contest's rules.
func (s *Service) SetEligibilityRules(ctx context.Context, actorID, contestID int64, set eligibility.RuleSet) (EligibilityRules, error) {
	set.Normalize()
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var groups []struct {
			ID  int64  `db:"id"`
			Key string `db:"key"`
		}
		if err := tx.SelectContext(ctx, &groups, `SELECT id, key FROM contest_groups WHERE contest_id = $1 ORDER BY position`, contestID); err != nil {
			return err
		}
		keys, ids := []string{}, map[string]int64{}
		for _, g := range groups {
			keys, ids[g.Key] = append(keys, g.Key), g.ID
		}
		if err := eligibility.Validate(set, keys); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM contests WHERE id = $1 FOR UPDATE`, contestID); err != nil {
			return err
		}
		payload := map[string]any{"preset": set.Preset, "reference_year": set.ReferenceYear, "rules": set.Rules,
			"startup_group": set.StartupGroup, "growth_group": set.GrowthGroup}
		if set.Preset == "" && !set.Enabled() {
			if _, err := tx.ExecContext(ctx, `DELETE FROM eligibility_rules WHERE contest_id = $1`, contestID); err != nil {
				return err
			}
			return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.EligibilityRulesSet, "none", payload)
		}
		stored := set
		stored.Preset, stored.StartupGroup, stored.GrowthGroup = "", "", ""
		nullID := func(key string) sql.NullInt64 {
			id, ok := ids[key]
			return sql.NullInt64{Int64: id, Valid: ok}
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO eligibility_rules (contest_id, preset, rules, startup_group_id, growth_group_id, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (contest_id) DO UPDATE SET preset = EXCLUDED.preset, rules = EXCLUDED.rules,
			    startup_group_id = EXCLUDED.startup_group_id, growth_group_id = EXCLUDED.growth_group_id,
			    updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
			contestID, set.Preset, stored.Marshal(), nullID(set.StartupGroup), nullID(set.GrowthGroup), s.now(), actorID); err != nil {
			return err
		}
		subject := set.Preset
		if subject == "" {
			subject = "custom"
		}
		return audit.Append(ctx, tx, s.now(), &contestID, &actorID, audit.EligibilityRulesSet, subject, payload)
	})
	if err != nil {
		return EligibilityRules{}, err
	}
	return s.EligibilityRulesOf(ctx, contestID)
}

// contestYear is the year of the contest's submission deadline in China, or
// of now when it has none: the rules' default reference year.
func contestYear(deadline *time.Time, now time.Time) int {
	if deadline != nil {
		return deadline.In(contest.Beijing).Year()
	}
	return now.In(contest.Beijing).Year()
}

// factsOf are the facts the rules read of an organization and an entry's group.
func factsOf(org OrganizationInput, group string, year int) eligibility.Facts {
	f := eligibility.Facts{
		Group: group, RevenuePrevYear: org.RevenuePrevYear, Listed: org.Listed,
		TechSMENumber: org.TechSMENumber, HighTechCertNumber: org.HighTechCertNumber,
		NationalTop3Before: org.NationalTop3Before, ContestYear: year,
	}
	if d, err := time.Parse(time.DateOnly, org.EstablishedOn); err == nil {
		f.EstablishedOn = &d
	}
	return f
}

// checker checks entries of one contest against its rules.
type checker struct {
	rules  eligibility.RuleSet
	year   int
	groups map[string]contest.Category
}

func (s *Service) checkerFor(ctx context.Context, q sqlx.QueryerContext, contestID int64) (checker, error) {
	r, err := loadRules(ctx, q, contestID)
	if err != nil {
		return checker{}, err
	}
	ch := checker{rules: r.Set, groups: map[string]contest.Category{}}
	if !r.Set.Enabled() {
		return ch, nil
	}
	var deadline *time.Time
	if err := sqlx.GetContext(ctx, q, &deadline, `SELECT submission_deadline FROM contests WHERE id = $1`, contestID); err != nil {
		return checker{}, err
	}
	ch.year = contestYear(deadline, s.now())
	var cats []contest.Category
	if err := sqlx.SelectContext(ctx, q, &cats, `SELECT key, name_zh, name_en FROM contest_groups WHERE contest_id = $1`, contestID); err != nil {
		return checker{}, err
	}
	for _, c := range cats {
		ch.groups[c.Key] = c
	}
	return ch, nil
}

// check returns the rules an organization's entry in group fails.
func (ch checker) check(org OrganizationInput, group string) []Ineligible {
	if !ch.rules.Enabled() {
		return []Ineligible{}
	}
	out := []Ineligible{}
	for _, f := range eligibility.Check(ch.rules, factsOf(org, group, ch.year)) {
		in := Ineligible{Failure: f}
		if c, ok := ch.groups[f.Group]; ok {
			in.Belongs = &c
		}
		out = append(out, in)
	}
	return out
}

// ineligibleError refuses a submission that fails rules: each failure under
// the field it is about ("group" for the group, "organization.<fact>" for
// the profile's facts), with its arguments.
func ineligibleError(fails []Ineligible) *fault.Error {
	e := &fault.Error{Code: fault.CodeInvalid, Message: "err.entry.ineligible", Fields: map[string]string{}, FieldArgs: map[string][]any{}}
	for _, f := range fails {
		field := "organization." + f.Field
		if f.Field == eligibility.FieldGroup {
			field = "group"
		}
		if _, ok := e.Fields[field]; ok {
			continue
		}
		e.Fields[field], e.FieldArgs[field] = f.Message, f.MessageArgs()
	}
	return e
}

// ineligibleInContest computes, for the listed entries of a contest, the
// rules each fails, from its organization's current facts.
func (s *Service) ineligibleInContest(ctx context.Context, q sqlx.QueryerContext, contestID int64, entryIDs []int64) (map[int64][]Ineligible, error) {
	out := map[int64][]Ineligible{}
	ch, err := s.checkerFor(ctx, q, contestID)
	if err != nil || !ch.rules.Enabled() || len(entryIDs) == 0 {
		return out, err
	}
	var rows []struct {
		EntryID int64  `db:"entry_id"`
		Grp     string `db:"grp"`
		organizationRow
	}
	err = sqlx.SelectContext(ctx, q, &rows, `
		SELECT e.id AS entry_id, g.key AS grp, `+organizationColumns+`
		FROM entries e JOIN contest_groups g ON g.id = e.group_id
		JOIN organizations o ON o.id = e.organization_id
		WHERE e.contest_id = $1 AND e.id = ANY($2)`, contestID, pq.Int64Array(entryIDs))
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		org, err := r.organization()
		if err != nil {
			return nil, err
		}
		if fails := ch.check(org.OrganizationInput, r.Grp); len(fails) > 0 {
			out[r.EntryID] = fails
		}
	}
	return out, nil
}
