package contest

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"podium/fault"
	"podium/files/filecheck"
	"podium/scoring"
)

// Setup is everything an organizer decides about a contest: its identity, schedule,
// tracks, groups, rounds with their rubrics and quotas, and award quotas. It is
// validated and saved as a whole, so a contest is never half-configured.
type Setup struct {
	Slug                string        `json:"slug"`
	NameZh              string        `json:"name_zh"`
	NameEn              string        `json:"name_en"`
	Description         string        `json:"description"`
	RegistrationOpensAt *time.Time    `json:"registration_opens_at"`
	SubmissionDeadline  *time.Time    `json:"submission_deadline"`
	Tracks              []Category    `json:"tracks"`
	Groups              []Category    `json:"groups"`
	Rounds              []Round       `json:"rounds"`
	Awards              []AwardQuota  `json:"awards"`
	Entry               EntrySettings `json:"entry"`
}

// EntryFieldKeys names the fields of an entry (entry.Fields) a contest can
// require, in the order forms show them.
var EntryFieldKeys = []string{"summary", "stage", "technology", "market", "team", "financing"}

// EntrySettings are the contest's rules for entries: which fields and uploads a
// submission needs, and how large uploads may be.
type EntrySettings struct {
	RequiredFields  []string         `json:"required_fields"`   // EntryFieldKeys
	RequiredUploads []filecheck.Kind `json:"required_uploads"`  // upload kinds; nil means a business plan
	DocumentLimitMB int              `json:"document_limit_mb"` // 0 means 20
	VideoLimitMB    int              `json:"video_limit_mb"`    // 0 means 500
}

// UploadLimit is the largest file of kind the contest accepts, in bytes.
func (e EntrySettings) UploadLimit(kind filecheck.Kind) int64 {
	if kind == filecheck.Video {
		return int64(e.VideoLimitMB) << 20
	}
	return int64(e.DocumentLimitMB) << 20
}

// Category is a track (industry field, e.g. 智能制造) or a group (e.g. 企业组).
type Category struct {
	Key    string `db:"key" json:"key"`
	NameZh string `db:"name_zh" json:"name_zh"`
	NameEn string `db:"name_en" json:"name_en"`
}

// RoundKind is how a round is judged.
type RoundKind string

// Round kinds.
const (
	KindOnline RoundKind = "online" // judges score remotely within a window
	KindLive   RoundKind = "live"   // a panel scores pitches in real time
)

// RoundState is where a round stands: drafted, open for scoring, closed for
// it, or published (its results are public and final).
type RoundState string

// Round states.
const (
	RoundDraft     RoundState = "draft"
	RoundOpen      RoundState = "open"
	RoundClosed    RoundState = "closed"
	RoundPublished RoundState = "published"
)

// Published reports whether the round's results are published: final, and
// no longer to be scored, reopened or decided again.
func (s RoundState) Published() bool { return s == RoundPublished }

// Closed reports whether scoring has ended: the round is closed or published.
func (s RoundState) Closed() bool { return s == RoundClosed || s == RoundPublished }

// Round is one stage of judging with its rubric and advancement rule.
type Round struct {
	Key             string         `json:"key"`
	NameZh          string         `json:"name_zh"`
	NameEn          string         `json:"name_en"`
	Kind            RoundKind      `json:"kind"`
	State           RoundState     `json:"state,omitempty"` // read-only here; changed by round lifecycle actions
	Method          scoring.Method `json:"method"`
	TrimMin         int            `json:"trim_min"`
	ReviewsPerEntry int            `json:"reviews_per_entry"`
	AdvanceCount    *int           `json:"advance_count"`
	AdvancePercent  *int           `json:"advance_percent"`
	FinalWeight     int            `json:"final_weight"`
	TieBreak        []string       `json:"tie_break"`
	OpensAt         *time.Time     `json:"opens_at"`
	ClosesAt        *time.Time     `json:"closes_at"`
	Criteria        []Criterion    `json:"criteria"`
	Quotas          []Quota        `json:"quotas"`
	// Live rounds' stage (contest/live): the pitch and Q&A timer's durations
	// (default 8 and 7 minutes), and whether the judges see entrants' names
	// (blindness off for this round, where the contest's rules make them public).
	PitchSeconds int  `json:"pitch_seconds"`
	QASeconds    int  `json:"qa_seconds"`
	NamesPublic  bool `json:"names_public"`
}

// Criterion is one line of a round's rubric. Points are in hundredths.
type Criterion struct {
	Key           string         `db:"key" json:"key"`
	NameZh        string         `db:"name_zh" json:"name_zh"`
	NameEn        string         `db:"name_en" json:"name_en"`
	DescriptionZh string         `db:"description_zh" json:"description_zh"`
	DescriptionEn string         `db:"description_en" json:"description_en"`
	Max           scoring.Points `db:"max" json:"max"`
	Weight        scoring.Points `db:"weight" json:"weight"`
	Step          scoring.Points `db:"step" json:"step"`
}

// Quota overrides a round's advancement count for one track and group.
type Quota struct {
	Track string `db:"track" json:"track"`
	Group string `db:"group" json:"group"`
	Count int    `db:"count" json:"count"`
}

// Award levels, highest first.
var AwardLevels = []string{"first", "second", "third", "honorable"}

// AwardQuota is how many prizes of a level a group (optionally one track of it) gets.
type AwardQuota struct {
	Group string `db:"group" json:"group"`
	Track string `db:"track" json:"track,omitempty"` // empty: across all tracks of the group
	Level string `db:"level" json:"level"`
	Count int    `db:"count" json:"count"`
}

var (
	slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
	keyPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
)

// hundred is 100.00 points: the sum of a rubric's weights.
const hundred scoring.Points = 100_00

// Normalize trims names and fills defaults (trim-min 5, weight = max, step 1.00).
func (c *Setup) Normalize() {
	c.Slug = strings.ToLower(strings.TrimSpace(c.Slug))
	c.NameZh, c.NameEn = strings.TrimSpace(c.NameZh), strings.TrimSpace(c.NameEn)
	c.Description = strings.TrimSpace(c.Description)
	for _, cats := range [][]Category{c.Tracks, c.Groups} {
		for i := range cats {
			cats[i].Key = strings.TrimSpace(cats[i].Key)
			cats[i].NameZh, cats[i].NameEn = strings.TrimSpace(cats[i].NameZh), strings.TrimSpace(cats[i].NameEn)
		}
	}
	if c.Entry.RequiredUploads == nil {
		c.Entry.RequiredUploads = []filecheck.Kind{filecheck.BusinessPlan}
	}
	if c.Entry.RequiredFields == nil {
		c.Entry.RequiredFields = []string{}
	}
	if c.Entry.DocumentLimitMB == 0 {
		c.Entry.DocumentLimitMB = 20
	}
	if c.Entry.VideoLimitMB == 0 {
		c.Entry.VideoLimitMB = 500
	}
	for i := range c.Rounds {
		r := &c.Rounds[i]
		r.Key = strings.TrimSpace(r.Key)
		r.NameZh, r.NameEn = strings.TrimSpace(r.NameZh), strings.TrimSpace(r.NameEn)
		if r.TrimMin == 0 {
			r.TrimMin = 5
		}
		if r.PitchSeconds == 0 {
			r.PitchSeconds = 480
		}
		if r.QASeconds == 0 {
			r.QASeconds = 420
		}
		for j := range r.Criteria {
			cr := &r.Criteria[j]
			cr.Key = strings.TrimSpace(cr.Key)
			cr.NameZh, cr.NameEn = strings.TrimSpace(cr.NameZh), strings.TrimSpace(cr.NameEn)
			if cr.Weight == 0 {
				cr.Weight = cr.Max
			}
			if cr.Step == 0 {
				cr.Step = 100
			}
		}
	}
}

// Validate checks the whole setup and reports every invalid field at once, with
// field paths such as "rounds[1].criteria[0].max".
func (c *Setup) Validate() error {
	p := fault.Problems{}
	if !slugPattern.MatchString(c.Slug) {
		p.Add("slug", "err.contest.slug")
	}
	CheckName(p, "name_zh", c.NameZh, true)
	CheckName(p, "name_en", c.NameEn, false)
	if utf8.RuneCountInString(c.Description) > 5000 {
		p.Add("description", "err.too_long")
	}
	if c.RegistrationOpensAt != nil && c.SubmissionDeadline != nil && !c.RegistrationOpensAt.Before(*c.SubmissionDeadline) {
		p.Add("submission_deadline", "err.contest.deadline_before_opening")
	}
	tracks := checkCategories(p, "tracks", c.Tracks)
	groups := checkCategories(p, "groups", c.Groups)

	if len(c.Rounds) == 0 {
		p.Add("rounds", "err.contest.rounds_required")
	}
	roundKeys := map[string]bool{}
	weightSum := 0
	for i, r := range c.Rounds {
		at := fmt.Sprintf("rounds[%d]", i)
		if !keyPattern.MatchString(r.Key) {
			p.Add(at+".key", "err.key")
		} else if roundKeys[r.Key] {
			p.Add(at+".key", "err.key_duplicate")
		}
		roundKeys[r.Key] = true
		CheckName(p, at+".name_zh", r.NameZh, true)
		CheckName(p, at+".name_en", r.NameEn, false)
		if r.Kind != KindOnline && r.Kind != KindLive {
			p.Add(at+".kind", "err.round.kind")
		}
		if !slices.Contains(scoring.Methods, r.Method) {
			p.Add(at+".method", "err.round.method")
		}
		if r.TrimMin < 3 || r.TrimMin > 100 {
			p.Add(at+".trim_min", "err.round.trim_min")
		}
		if r.PitchSeconds < 1 || r.PitchSeconds > 7200 {
			p.Add(at+".pitch_seconds", "err.round.stage_seconds")
		}
		if r.QASeconds < 1 || r.QASeconds > 7200 {
			p.Add(at+".qa_seconds", "err.round.stage_seconds")
		}
		if r.ReviewsPerEntry < 1 || r.ReviewsPerEntry > 50 {
			p.Add(at+".reviews_per_entry", "err.round.reviews_per_entry")
		}
		switch {
		case r.AdvanceCount != nil && r.AdvancePercent != nil:
			p.Add(at+".advance_percent", "err.round.advance_both")
		case r.AdvanceCount != nil && *r.AdvanceCount < 1:
			p.Add(at+".advance_count", "err.positive")
		case r.AdvancePercent != nil && (*r.AdvancePercent < 1 || *r.AdvancePercent > 100):
			p.Add(at+".advance_percent", "err.round.advance_percent")
		}
		if r.FinalWeight < 0 || r.FinalWeight > 100 {
			p.Add(at+".final_weight", "err.round.final_weight")
		}
		weightSum += r.FinalWeight
		if r.OpensAt != nil && r.ClosesAt != nil && !r.OpensAt.Before(*r.ClosesAt) {
			p.Add(at+".closes_at", "err.round.closes_before_opening")
		}
		criteria := checkRubric(p, at, r.Criteria)
		for j, key := range r.TieBreak {
			if !criteria[key] {
				p.Add(fmt.Sprintf("%s.tie_break[%d]", at, j), "err.round.tie_break_unknown")
			}
		}
		seen := map[[2]string]bool{}
		for j, q := range r.Quotas {
			qat := fmt.Sprintf("%s.quotas[%d]", at, j)
			if !tracks[q.Track] {
				p.Add(qat+".track", "err.unknown_track")
			}
			if !groups[q.Group] {
				p.Add(qat+".group", "err.unknown_group")
			}
			if q.Count < 0 {
				p.Add(qat+".count", "err.not_negative")
			}
			if seen[[2]string{q.Track, q.Group}] {
				p.Add(qat, "err.duplicate")
			}
			seen[[2]string{q.Track, q.Group}] = true
		}
	}
	for i, f := range c.Entry.RequiredFields {
		if !slices.Contains(EntryFieldKeys, f) {
			p.Add(fmt.Sprintf("entry.required_fields[%d]", i), "err.entry.unknown_field")
		}
	}
	for i, k := range c.Entry.RequiredUploads {
		if !slices.Contains(filecheck.Kinds, k) {
			p.Add(fmt.Sprintf("entry.required_uploads[%d]", i), "err.upload.kind")
		}
	}
	if c.Entry.DocumentLimitMB < 1 || c.Entry.DocumentLimitMB > 200 {
		p.Add("entry.document_limit_mb", "err.entry.document_limit")
	}
	if c.Entry.VideoLimitMB < 1 || c.Entry.VideoLimitMB > 4096 {
		p.Add("entry.video_limit_mb", "err.entry.video_limit")
	}
	if weightSum != 0 && weightSum != 100 {
		p.Add("rounds", "err.round.final_weights_sum")
	}
	seen := map[[3]string]bool{}
	for i, a := range c.Awards {
		at := fmt.Sprintf("awards[%d]", i)
		if !groups[a.Group] {
			p.Add(at+".group", "err.unknown_group")
		}
		if a.Track != "" && !tracks[a.Track] {
			p.Add(at+".track", "err.unknown_track")
		}
		if !slices.Contains(AwardLevels, a.Level) {
			p.Add(at+".level", "err.award.level")
		}
		if a.Count < 0 {
			p.Add(at+".count", "err.not_negative")
		}
		if seen[[3]string{a.Group, a.Track, a.Level}] {
			p.Add(at, "err.duplicate")
		}
		seen[[3]string{a.Group, a.Track, a.Level}] = true
	}
	// A group's quotas are per track or across its tracks, never both: with
	// any per-track row, the rows without a track would count for nothing.
	byTrack := map[string]bool{}
	for _, a := range c.Awards {
		if a.Track != "" {
			byTrack[a.Group] = true
		}
	}
	for i, a := range c.Awards {
		if a.Track == "" && byTrack[a.Group] {
			p.Add(fmt.Sprintf("awards[%d].track", i), "err.award.mixed_tracks")
		}
	}
	return p.Err()
}

// checkCategories validates tracks or groups and returns the set of valid keys.
func checkCategories(p fault.Problems, field string, cats []Category) map[string]bool {
	if len(cats) == 0 {
		p.Add(field, "err.contest."+field+"_required")
	}
	keys := map[string]bool{}
	for i, c := range cats {
		at := fmt.Sprintf("%s[%d]", field, i)
		if !keyPattern.MatchString(c.Key) {
			p.Add(at+".key", "err.key")
		} else if keys[c.Key] {
			p.Add(at+".key", "err.key_duplicate")
		}
		keys[c.Key] = true
		CheckName(p, at+".name_zh", c.NameZh, true)
		CheckName(p, at+".name_en", c.NameEn, false)
	}
	return keys
}

// checkRubric validates a round's criteria (max > 0, weights sum to 100, the step
// divides the max) and returns the set of criterion keys.
func checkRubric(p fault.Problems, round string, criteria []Criterion) map[string]bool {
	if len(criteria) == 0 {
		p.Add(round+".criteria", "err.rubric.required")
	}
	keys := map[string]bool{}
	var sum scoring.Points
	for i, c := range criteria {
		at := fmt.Sprintf("%s.criteria[%d]", round, i)
		if !keyPattern.MatchString(c.Key) {
			p.Add(at+".key", "err.key")
		} else if keys[c.Key] {
			p.Add(at+".key", "err.key_duplicate")
		}
		keys[c.Key] = true
		CheckName(p, at+".name_zh", c.NameZh, true)
		CheckName(p, at+".name_en", c.NameEn, false)
		if utf8.RuneCountInString(c.DescriptionZh) > 2000 || utf8.RuneCountInString(c.DescriptionEn) > 2000 {
			p.Add(at+".description_zh", "err.too_long")
		}
		if c.Max <= 0 || c.Max > hundred*10 {
			p.Add(at+".max", "err.rubric.max")
		}
		if c.Weight <= 0 || c.Weight > hundred {
			p.Add(at+".weight", "err.rubric.weight")
		}
		if c.Step <= 0 || (c.Max > 0 && c.Max%c.Step != 0) {
			p.Add(at+".step", "err.rubric.step")
		}
		sum += c.Weight
	}
	if len(criteria) > 0 && sum != hundred {
		p.Add(round+".criteria", "err.rubric.weights_sum")
	}
	return keys
}
