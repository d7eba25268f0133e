package contest_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/contesttest"
	"podium/fault"
	"podium/scoring"
)

func TestSetupValidation(t *testing.T) {
	t.Parallel()
	ten, zero, pct := 10, 0, 101
	early := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	late := early.Add(24 * time.Hour)
	tests := []struct {
		name   string
		change func(*contest.Setup)
		want   map[string]string // field → message key; nil means valid
	}{
		{"valid", func(*contest.Setup) {}, nil},
		{"weight defaults to max", func(c *contest.Setup) {
			for i := range c.Rounds[0].Criteria {
				c.Rounds[0].Criteria[i].Weight = 0
			}
		}, nil},
		{"bad slug", func(c *contest.Setup) { c.Slug = "Bad Slug!" }, map[string]string{"slug": "err.contest.slug"}},
		{"missing name", func(c *contest.Setup) { c.NameZh = "  " }, map[string]string{"name_zh": "err.required"}},
		{"deadline before opening", func(c *contest.Setup) { c.RegistrationOpensAt, c.SubmissionDeadline = &late, &early },
			map[string]string{"submission_deadline": "err.contest.deadline_before_opening"}},
		{"no tracks, no groups", func(c *contest.Setup) { c.Tracks, c.Groups = nil, nil },
			map[string]string{"tracks": "err.contest.tracks_required", "groups": "err.contest.groups_required"}},
		{"duplicate track key", func(c *contest.Setup) { c.Tracks[1].Key = c.Tracks[0].Key },
			map[string]string{"tracks[1].key": "err.key_duplicate"}},
		{"bad group key", func(c *contest.Setup) { c.Groups[0].Key = "企业" }, map[string]string{"groups[0].key": "err.key"}},
		{"no rounds", func(c *contest.Setup) { c.Rounds = nil }, map[string]string{"rounds": "err.contest.rounds_required"}},
		{"weights do not sum to 100", func(c *contest.Setup) { c.Rounds[0].Criteria[0].Weight = 3900 },
			map[string]string{"rounds[0].criteria": "err.rubric.weights_sum"}},
		{"max not positive, step does not divide", func(c *contest.Setup) {
			c.Rounds[0].Criteria[0].Max = -100
			c.Rounds[0].Criteria[1].Step = 700
		}, map[string]string{"rounds[0].criteria[0].max": "err.rubric.max", "rounds[0].criteria[1].step": "err.rubric.step"}},
		{"empty rubric", func(c *contest.Setup) { c.Rounds[0].Criteria = nil },
			map[string]string{"rounds[0].criteria": "err.rubric.required"}},
		{"unknown method and kind", func(c *contest.Setup) { c.Rounds[0].Method, c.Rounds[0].Kind = "max", "hybrid" },
			map[string]string{"rounds[0].method": "err.round.method", "rounds[0].kind": "err.round.kind"}},
		{"advance count and percent both", func(c *contest.Setup) { c.Rounds[0].AdvanceCount, c.Rounds[0].AdvancePercent = &ten, &ten },
			map[string]string{"rounds[0].advance_percent": "err.round.advance_both"}},
		{"advance count zero", func(c *contest.Setup) { c.Rounds[0].AdvanceCount = &zero },
			map[string]string{"rounds[0].advance_count": "err.positive"}},
		{"advance percent over 100", func(c *contest.Setup) { c.Rounds[0].AdvancePercent = &pct },
			map[string]string{"rounds[0].advance_percent": "err.round.advance_percent"}},
		{"final weights sum", func(c *contest.Setup) { c.Rounds[0].FinalWeight = 40 },
			map[string]string{"rounds": "err.round.final_weights_sum"}},
		{"tie-break on unknown criterion", func(c *contest.Setup) { c.Rounds[0].TieBreak = []string{"tech", "luck"} },
			map[string]string{"rounds[0].tie_break[1]": "err.round.tie_break_unknown"}},
		{"round closes before it opens", func(c *contest.Setup) { c.Rounds[0].OpensAt, c.Rounds[0].ClosesAt = &late, &early },
			map[string]string{"rounds[0].closes_at": "err.round.closes_before_opening"}},
		{"quota on unknown track", func(c *contest.Setup) {
			c.Rounds[0].Quotas = []contest.Quota{{Track: "space", Group: "team", Count: 3}}
		}, map[string]string{"rounds[0].quotas[0].track": "err.unknown_track"}},
		{"award level and group", func(c *contest.Setup) {
			c.Awards = []contest.AwardQuota{{Group: "enterprise", Level: "first", Count: 1}, {Group: "pro", Level: "gold", Count: -1}}
		}, map[string]string{"awards[1].group": "err.unknown_group", "awards[1].level": "err.award.level", "awards[1].count": "err.not_negative"}},
		{"duplicate award quota", func(c *contest.Setup) {
			c.Awards = []contest.AwardQuota{{Group: "team", Level: "first", Count: 1}, {Group: "team", Level: "first", Count: 2}}
		}, map[string]string{"awards[1]": "err.duplicate"}},
		{"award quotas per track and across tracks in one group", func(c *contest.Setup) {
			c.Awards = []contest.AwardQuota{{Group: "team", Track: "materials", Level: "first", Count: 1},
				{Group: "team", Level: "second", Count: 2}, {Group: "enterprise", Level: "first", Count: 1},
				{Group: "team", Track: "manufacturing", Level: "first", Count: 1}, {Group: "team", Level: "third", Count: 0}}
		}, map[string]string{"awards[1].track": "err.award.mixed_tracks", "awards[4].track": "err.award.mixed_tracks"}},
		{"award quotas per track in one group, across tracks in another", func(c *contest.Setup) {
			c.Awards = []contest.AwardQuota{{Group: "team", Track: "materials", Level: "first", Count: 1},
				{Group: "team", Track: "manufacturing", Level: "first", Count: 1}, {Group: "enterprise", Level: "first", Count: 2}}
		}, nil},
		{"duplicate round key", func(c *contest.Setup) { c.Rounds = append(c.Rounds, c.Rounds[0]) },
			map[string]string{"rounds[1].key": "err.key_duplicate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := contesttest.Setup("valid-contest")
			tt.change(&c)
			c.Normalize()
			err := c.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			e, ok := err.(*fault.Error)
			if !ok || e.Code != fault.CodeInvalid {
				t.Fatalf("Validate() = %v, want an invalid-input error", err)
			}
			if !maps.Equal(e.Fields, tt.want) {
				t.Errorf("fields = %v\nwant     %v", e.Fields, tt.want)
			}
		})
	}
}

func TestSetupNormalizeDefaults(t *testing.T) {
	t.Parallel()
	c := contesttest.Setup("Defaults ")
	c.Rounds[0].TrimMin = 0
	c.Rounds[0].Criteria[0].Weight = 0
	c.Rounds[0].Criteria[0].Step = 0
	c.Normalize()
	cr := c.Rounds[0].Criteria[0]
	if c.Slug != "defaults" || c.Rounds[0].TrimMin != 5 || cr.Weight != cr.Max || cr.Step != 100 {
		t.Errorf("after Normalize: slug %q, trim-min %d, weight %v (max %v), step %v", c.Slug, c.Rounds[0].TrimMin, cr.Weight, cr.Max, cr.Step)
	}
	if !slices.Contains(scoring.Methods, "zscore") {
		t.Error("zscore missing from Methods")
	}
}
