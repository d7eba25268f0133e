package entry

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/assign"
	"podium/fault"
)

// validate trims an entry and checks it against the contest's tracks and groups,
// returning their ids.
func (in *Input) validate(ctx context.Context, q sqlx.QueryerContext, contestID int64) (trackID, groupID int64, err error) {
	p := fault.Problems{}
	in.Title = strings.TrimSpace(in.Title)
	contest.CheckName(p, "title", in.Title, true)
	f := &in.Fields
	for _, v := range []*string{&f.Summary, &f.Stage, &f.Technology, &f.Market, &f.Team, &f.Financing} {
		*v = strings.TrimSpace(*v)
	}
	for _, key := range contest.EntryFieldKeys {
		if utf8.RuneCountInString(f.Value(key)) > 5000 {
			p.Add("fields."+key, "err.too_long")
		}
	}
	f.Keywords = contest.CleanKeywords(f.Keywords)
	if len(f.Keywords) > 20 {
		p.Add("fields.keywords", "err.too_long")
	}
	if f.Stage != "" && !slices.Contains(Stages, f.Stage) {
		p.Add("fields.stage", "err.entry.stage")
	}
	if len(in.Conflicts) > 20 {
		p.Add("conflicts", "err.too_long")
	}
	conflicts := []DeclaredConflict{} // never null in the database: conflicts are computed from it
	for i, c := range in.Conflicts {
		c.Name, c.Reason = strings.TrimSpace(c.Name), strings.TrimSpace(c.Reason)
		if c.Name == "" && c.Reason == "" {
			continue
		}
		at := fmt.Sprintf("conflicts[%d]", i)
		if c.Kind != ConflictExpert && c.Kind != ConflictOrganization {
			p.Add(at+".kind", "err.entry.conflict_kind")
		}
		contest.CheckName(p, at+".name", c.Name, true)
		c.NameNorm = assign.NormalizeOrg(c.Name)
		if utf8.RuneCountInString(c.Reason) > 500 {
			p.Add(at+".reason", "err.too_long")
		}
		conflicts = append(conflicts, c)
	}
	in.Conflicts = conflicts
	// Tracks and groups may be given by key or by Chinese name (imports use
	// names); from here on they are their keys, in the entry and its snapshot.
	var ok bool
	if trackID, ok, err = categoryByKeyOrName(ctx, q, "tracks", contestID, &in.Track); err != nil {
		return 0, 0, err
	} else if !ok {
		p.Add("track", "err.unknown_track")
	}
	if groupID, ok, err = categoryByKeyOrName(ctx, q, "contest_groups", contestID, &in.Group); err != nil {
		return 0, 0, err
	} else if !ok {
		p.Add("group", "err.unknown_group")
	}
	return trackID, groupID, p.Err()
}

// categoryByKeyOrName finds a track or group (table, trusted) of the contest by its key
// or Chinese name, and sets *given to its key; a key wins over another
// category's Chinese name that spells it. ok is false when there is none.
func categoryByKeyOrName(ctx context.Context, q sqlx.QueryerContext, table string, contestID int64, given *string) (id int64, ok bool, err error) {
	var c struct {
		ID  int64  `db:"id"`
		Key string `db:"key"`
	}
	err = sqlx.GetContext(ctx, q, &c, `SELECT id, key FROM `+table+` WHERE contest_id = $1 AND (key = $2 OR name_zh = $2)
		ORDER BY key = $2 DESC LIMIT 1`, contestID, *given)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	*given = c.Key
	return c.ID, true, nil
}

// contestWindow is what decides whether entries may change.
type contestWindow struct {
	Opens    *time.Time `db:"registration_opens_at"`
	Deadline *time.Time `db:"submission_deadline"`
	Settings []byte     `db:"settings"`
}

func (s *Service) window(ctx context.Context, q sqlx.QueryerContext, contestID int64) (contestWindow, contest.EntrySettings, error) {
	var w contestWindow
	err := sqlx.GetContext(ctx, q, &w, `SELECT registration_opens_at, submission_deadline, settings FROM contests WHERE id = $1`, contestID)
	if errors.Is(err, sql.ErrNoRows) {
		return w, contest.EntrySettings{}, fault.NotFound("err.contest.not_found")
	}
	if err != nil {
		return w, contest.EntrySettings{}, err
	}
	var settings struct {
		Entry contest.EntrySettings `json:"entry"`
	}
	if err := json.Unmarshal(w.Settings, &settings); err != nil {
		return w, contest.EntrySettings{}, err
	}
	setup := contest.Setup{Entry: settings.Entry}
	setup.Normalize()
	return w, setup.Entry, nil
}

// openForChanges loads the contest's entry settings and checks that entrants may
// change entries now.
func (s *Service) openForChanges(ctx context.Context, q sqlx.QueryerContext, contestID int64) (contest.EntrySettings, error) {
	w, settings, err := s.window(ctx, q, contestID)
	if err != nil {
		return contest.EntrySettings{}, err
	}
	return settings, s.open(w)
}

// open reports whether entrants may change entries now, by the server's clock.
func (s *Service) open(w contestWindow) error {
	now := s.now()
	if w.Opens != nil && now.Before(*w.Opens) {
		return fault.Conflict("err.entry.not_open")
	}
	if w.Deadline != nil && !now.Before(*w.Deadline) {
		return fault.Conflict("err.entry.deadline_passed")
	}
	return nil
}

// CreateEntry starts a draft entry in a contest for an entrant with a profile.
func (s *Service) CreateEntry(ctx context.Context, accountID, contestID int64, in Input) (Entry, error) {
	org, err := s.OrganizationOf(ctx, accountID)
	if fault.ErrorCode(err) == fault.CodeNotFound {
		return Entry{}, fault.Conflict("err.entry.profile_required")
	}
	if err != nil {
		return Entry{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := s.openForChanges(ctx, tx, contestID); err != nil {
			return err
		}
		trackID, groupID, err := in.validate(ctx, tx, contestID)
		if err != nil {
			return err
		}
		fields, conflicts := contest.MustJSON(in.Fields), contest.MustJSON(in.Conflicts)
		err = tx.GetContext(ctx, &id, `
			INSERT INTO entries (contest_id, account_id, organization_id, track_id, group_id, title, fields, declared_conflicts, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			contestID, accountID, org.ID, trackID, groupID, in.Title, fields, conflicts, s.now())
		if contest.IsUniqueViolation(err, "entries_one_per_title") {
			return &fault.Error{Code: fault.CodeConflict, Message: "err.invalid", Fields: map[string]string{"title": "err.entry.title_taken"}}
		}
		return err
	})
	if err != nil {
		return Entry{}, err
	}
	return s.EntryOfEntrant(ctx, accountID, id)
}

// lockOwnEntry locks an entrant's entry for a change; another entrant's entry is not found.
func lockOwnEntry(ctx context.Context, tx *sqlx.Tx, accountID, entryID int64) (contestID int64, state State, err error) {
	err = tx.QueryRowxContext(ctx, `SELECT contest_id, state FROM entries WHERE id = $1 AND account_id = $2 FOR UPDATE`,
		entryID, accountID).Scan(&contestID, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fault.NotFound("err.entry.not_found")
	}
	return contestID, state, err
}

// editable says whether an entry in state may be changed by its entrant.
func editable(state State) error {
	if state == Draft || state == Withdrawn {
		return nil
	}
	return fault.Conflict("err.entry.locked")
}

// UpdateEntry changes a draft (or withdrawn) entry before the deadline. A
// withdrawn entry becomes a draft again.
func (s *Service) UpdateEntry(ctx context.Context, accountID, entryID int64, in Input) (Entry, error) {
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		contestID, state, err := lockOwnEntry(ctx, tx, accountID, entryID)
		if err != nil {
			return err
		}
		if err := editable(state); err != nil {
			return err
		}
		if _, err := s.openForChanges(ctx, tx, contestID); err != nil {
			return err
		}
		trackID, groupID, err := in.validate(ctx, tx, contestID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE entries SET track_id = $2, group_id = $3, title = $4, fields = $5, declared_conflicts = $6,
			       state = 'draft', updated_at = $7
			WHERE id = $1`, entryID, trackID, groupID, in.Title, contest.MustJSON(in.Fields), contest.MustJSON(in.Conflicts), s.now())
		if contest.IsUniqueViolation(err, "entries_one_per_title") {
			return &fault.Error{Code: fault.CodeConflict, Message: "err.invalid", Fields: map[string]string{"title": "err.entry.title_taken"}}
		}
		return err
	})
	if err != nil {
		return Entry{}, err
	}
	return s.EntryOfEntrant(ctx, accountID, entryID)
}

// IdentityFinder reports which of names occur in a document's text. The store is
// given one (pdftext.FindIdentity) so that this package stays free of PDF code.
type IdentityFinder func(text string, names []string) []string

// Leak is an uploaded file that names the entrant, in its text or in its
// metadata (document properties and XMP, which judges are not served but which
// travel with the file wherever else it goes).
type Leak struct {
	UploadID string   `json:"upload_id"`
	Kind     string   `json:"kind"`
	Names    []string `json:"names"`
	// InText and InMetadata say where the names are; Found is the metadata
	// that carries them, one "Key: value" each (e.g. "Author: 张伟").
	InText     bool     `json:"in_text"`
	InMetadata bool     `json:"in_metadata"`
	Found      []string `json:"found,omitempty"`
}

// detail is the leak as the entrant reads it after the message: the metadata
// that names them, else the names in the text.
func (l Leak) detail() string {
	if len(l.Found) > 0 {
		return strings.Join(l.Found, "; ")
	}
	return strings.Join(l.Names, ", ")
}

// leaks checks the entry's uploaded documents, text and metadata, for the
// organization's and team's names.
func (s *Service) leaks(ctx context.Context, q sqlx.QueryerContext, entryID int64, org OrganizationInput) ([]Leak, error) {
	if s.FindIdentity == nil {
		return nil, nil
	}
	var docs []struct {
		ID       string `db:"id"`
		Kind     string `db:"kind"`
		Text     string `db:"text"`
		Metadata string `db:"metadata"`
	}
	if err := sqlx.SelectContext(ctx, q, &docs, `
		SELECT id, kind, text, metadata FROM blobs WHERE entry_id = $1 AND (text <> '' OR metadata <> '')
		ORDER BY created_at`, entryID); err != nil {
		return nil, err
	}
	names := org.identityNames()
	var out []Leak
	for _, d := range docs {
		l := Leak{UploadID: d.ID, Kind: d.Kind}
		found := map[string]bool{}
		for _, n := range s.FindIdentity(d.Text, names) {
			l.InText, found[n] = true, true
		}
		for line := range strings.Lines(d.Metadata) {
			line = strings.TrimSpace(line)
			if hit := s.FindIdentity(line, names); len(hit) > 0 {
				l.InMetadata = true
				l.Found = append(l.Found, line)
				for _, n := range hit {
					found[n] = true
				}
			}
		}
		if len(found) > 0 {
			l.Names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return !found[n] })
			out = append(out, l)
		}
	}
	return out, nil
}

// SubmitEntry submits a draft: it checks the contest's required fields and uploads,
// the deadline, and the contest's eligibility rules (err.entry.ineligible, each
// failing rule under its field, nothing written), freezes a snapshot, and gives the entry a blind code for every
// round. When a document names the entrant, the submission is refused with
// err.entry.identity_leak unless acknowledged; an acknowledged one is flagged for
// the organizers.
func (s *Service) SubmitEntry(ctx context.Context, accountID, entryID int64, acknowledgeLeaks bool) (Entry, error) {
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		contestID, state, err := lockOwnEntry(ctx, tx, accountID, entryID)
		if err != nil {
			return err
		}
		if state == Submitted || state == Accepted || state == Rejected {
			return fault.Conflict("err.entry.already_submitted")
		}
		settings, err := s.openForChanges(ctx, tx, contestID)
		if err != nil {
			return err
		}
		entry, err := s.loadEntry(ctx, tx, `e.id = $1`, entryID)
		if err != nil {
			return err
		}
		org, err := s.OrganizationOf(ctx, accountID)
		if err != nil {
			return err
		}
		p := fault.Problems{}
		for _, f := range settings.RequiredFields {
			if entry.Fields.Value(f) == "" {
				p.Add("fields."+f, "err.required")
			}
		}
		var missing MissingUploads
		for _, kind := range settings.RequiredUploads {
			if !slices.ContainsFunc(entry.Uploads, func(u Upload) bool { return u.Kind == kind }) {
				p.Add("uploads."+string(kind), "err.entry.upload_required")
				missing = append(missing, kind)
			}
		}
		if len(missing) > 0 { // said once for the materials as a whole, naming what is missing
			p.Add("uploads", "err.entry.uploads_missing")
		}
		ch, err := s.checkerFor(ctx, tx, contestID)
		if err != nil {
			return err
		}
		if fails := ch.check(org.OrganizationInput, entry.Group); len(fails) > 0 {
			e := ineligibleError(fails)
			for field, key := range p {
				e.Fields[field] = key
			}
			if len(missing) > 0 {
				e.FieldArgs["uploads"] = []any{missing}
			}
			return e
		}
		if len(missing) > 0 {
			return &fault.Error{Code: fault.CodeInvalid, Message: "err.entry.uploads_missing", Args: []any{missing},
				Fields: p, FieldArgs: map[string][]any{"uploads": {missing}}}
		}
		if err := p.Err(); err != nil {
			return err
		}
		leaks, err := s.leaks(ctx, tx, entryID, org.OrganizationInput)
		if err != nil {
			return err
		}
		if len(leaks) > 0 && !acknowledgeLeaks {
			fields, detail := map[string]string{}, map[string]string{}
			for _, l := range leaks {
				field := "uploads." + l.Kind
				fields[field] = "err.entry.identity_leak_in"
				if l.InMetadata && !l.InText {
					fields[field] = "err.entry.identity_leak_meta"
				}
				detail[field] = strings.TrimPrefix(detail[field]+"; "+l.detail(), "; ")
			}
			return &fault.Error{Code: fault.CodeConflict, Message: "err.entry.identity_leak", Fields: fields, Detail: detail}
		}
		now := s.now()
		snap := Snapshot{Input: entry.Input, Organization: org, Uploads: entry.Uploads, SubmittedAt: now, Leaks: leaks}
		flags := slices.DeleteFunc(slices.Clone(entry.Flags), func(f string) bool { return f == FlagIdentityLeak })
		if len(leaks) > 0 {
			flags = append(flags, FlagIdentityLeak)
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE entries SET state = 'submitted', snapshot = $2, submitted_at = $3, updated_at = $3, flags = $4,
			       organization_id = $5
			WHERE id = $1`, entryID, contest.MustJSON(snap), now, pq.StringArray(contest.NonNil(flags)), org.ID)
		if err != nil {
			return err
		}
		if err := assignBlindCodes(ctx, tx, contestID, entryID, entry.Track); err != nil {
			return err
		}
		return tellSubmitted(ctx, tx, contestID, entryID, now)
	})
	if err != nil {
		return Entry{}, err
	}
	return s.EntryOfEntrant(ctx, accountID, entryID)
}

// blindAlphabet avoids characters that are easily confused (0/O, 1/I/L).
const blindAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// newBlindCode makes a code such as "MA-4K7Q": the track's prefix (see
// BlindPrefixes) and four random characters, so judges can speak about an entry
// without knowing whose it is.
func newBlindCode(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = blindAlphabet[int(b[i])%len(blindAlphabet)]
	}
	return prefix + "-" + string(b)
}

// BlindPrefixes gives every track of a contest its own two-letter code prefix,
// so that a judge reading a code can tell its track. Tracks are taken in the
// order given (the contest's order, so tracks added later do not move the
// prefixes of earlier ones); each takes the first free of: the key's first two
// letters ("manufacturing" MA), its first letter with each later letter
// ("materials" MT), its first letter with any letter, any two letters.
func BlindPrefixes(trackKeys []string) map[string]string {
	taken := map[string]bool{}
	out := map[string]string{}
	for _, key := range trackKeys {
		letters := []byte{}
		for _, r := range strings.ToUpper(key) {
			if r >= 'A' && r <= 'Z' {
				letters = append(letters, byte(r))
			}
		}
		var candidates []string
		if len(letters) > 0 {
			for _, l := range letters[1:] {
				candidates = append(candidates, string([]byte{letters[0], l}))
			}
			for l := byte('A'); l <= 'Z'; l++ {
				candidates = append(candidates, string([]byte{letters[0], l}))
			}
		}
		for a := byte('A'); a <= 'Z'; a++ {
			for b := byte('A'); b <= 'Z'; b++ {
				candidates = append(candidates, string([]byte{a, b}))
			}
		}
		for _, c := range candidates {
			if !taken[c] {
				taken[c], out[key] = true, c
				break
			}
		}
	}
	return out
}

// assignBlindCodes gives the entry a code in every round of its contest that has
// none yet; codes already given (an entry resubmitted) stay as they are.
func assignBlindCodes(ctx context.Context, tx *sqlx.Tx, contestID, entryID int64, track string) error {
	var rounds []int64
	if err := tx.SelectContext(ctx, &rounds, `
		SELECT r.id FROM rounds r WHERE r.contest_id = $1
		AND NOT EXISTS (SELECT 1 FROM blind_codes b WHERE b.round_id = r.id AND b.entry_id = $2)`, contestID, entryID); err != nil {
		return err
	}
	if len(rounds) == 0 {
		return nil
	}
	var keys []string
	if err := tx.SelectContext(ctx, &keys, `SELECT key FROM tracks WHERE contest_id = $1 ORDER BY position, id`, contestID); err != nil {
		return err
	}
	prefix, ok := BlindPrefixes(keys)[track]
	if !ok {
		return fmt.Errorf("entry %d: track %q is not one of contest %d", entryID, track, contestID)
	}
	for _, roundID := range rounds {
		for attempt := 0; ; attempt++ {
			res, err := tx.ExecContext(ctx, `INSERT INTO blind_codes (round_id, entry_id, code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
				roundID, entryID, newBlindCode(prefix))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				break
			}
			if attempt == 20 { // about a million codes per track prefix: this means a bug, not bad luck
				return fmt.Errorf("no free blind code for entry %d in round %d", entryID, roundID)
			}
		}
	}
	return nil
}

// WithdrawEntry takes an entry out of the contest (before review). Before the
// deadline it can be edited and submitted again.
func (s *Service) WithdrawEntry(ctx context.Context, accountID, entryID int64) (Entry, error) {
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, state, err := lockOwnEntry(ctx, tx, accountID, entryID)
		if err != nil {
			return err
		}
		switch state {
		case Withdrawn:
			return fault.Conflict("err.entry.already_withdrawn")
		case Accepted, Rejected:
			return fault.Conflict("err.entry.reviewed")
		}
		_, err = tx.ExecContext(ctx, `UPDATE entries SET state = 'withdrawn', withdrawn_at = $2, updated_at = $2 WHERE id = $1`, entryID, s.now())
		return err
	})
	if err != nil {
		return Entry{}, err
	}
	return s.EntryOfEntrant(ctx, accountID, entryID)
}

// EntryOfEntrant returns an entrant's own entry; anyone else's is not found.
func (s *Service) EntryOfEntrant(ctx context.Context, accountID, entryID int64) (Entry, error) {
	return s.loadEntry(ctx, s.db, `e.id = $1 AND e.account_id = $2`, entryID, accountID)
}

// EntryInContest returns an entry of a contest, for its organizers.
// Ineligible lists the contest's eligibility rules it fails.
func (s *Service) EntryInContest(ctx context.Context, contestID, entryID int64) (Entry, error) {
	e, err := s.loadEntry(ctx, s.db, `e.id = $1 AND e.contest_id = $2`, entryID, contestID)
	if err != nil {
		return e, err
	}
	fails, err := s.ineligibleInContest(ctx, s.db, contestID, []int64{e.ID})
	e.Ineligible = fails[e.ID]
	return e, err
}

// loadEntry reads one entry with its uploads and organization; where is trusted SQL.
func (s *Service) loadEntry(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) (Entry, error) {
	var row struct {
		ID           int64          `db:"id"`
		ContestID    int64          `db:"contest_id"`
		OrgID        sql.NullInt64  `db:"organization_id"`
		Source       string         `db:"source"`
		Track        string         `db:"track"`
		Group        string         `db:"grp"`
		Title        string         `db:"title"`
		Fields       []byte         `db:"fields"`
		Conflicts    []byte         `db:"declared_conflicts"`
		State        State          `db:"state"`
		ReviewReason string         `db:"review_reason"`
		Flags        pq.StringArray `db:"flags"`
		Snapshot     []byte         `db:"snapshot"`
		SubmittedAt  *time.Time     `db:"submitted_at"`
		UpdatedAt    time.Time      `db:"updated_at"`
	}
	err := sqlx.GetContext(ctx, q, &row, `
		SELECT e.id, e.contest_id, e.organization_id, e.source, t.key AS track, g.key AS grp, e.title, e.fields,
		       e.declared_conflicts, e.state, e.review_reason, e.flags, e.snapshot, e.submitted_at, e.updated_at
		FROM entries e JOIN tracks t ON t.id = e.track_id JOIN contest_groups g ON g.id = e.group_id
		WHERE `+where, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, fault.NotFound("err.entry.not_found")
	}
	if err != nil {
		return Entry{}, err
	}
	e := Entry{ID: row.ID, ContestID: row.ContestID, Source: row.Source, State: row.State, ReviewReason: row.ReviewReason,
		Flags: contest.NonNil(row.Flags), SubmittedAt: contest.UTC(row.SubmittedAt), UpdatedAt: row.UpdatedAt.UTC(),
		Input: Input{Track: row.Track, Group: row.Group, Title: row.Title}}
	if err := json.Unmarshal(row.Fields, &e.Fields); err != nil {
		return Entry{}, err
	}
	if err := json.Unmarshal(row.Conflicts, &e.Conflicts); err != nil {
		return Entry{}, err
	}
	if row.Snapshot != nil {
		e.Snapshot = &Snapshot{}
		if err := json.Unmarshal(row.Snapshot, e.Snapshot); err != nil {
			return Entry{}, err
		}
	}
	e.Uploads = []Upload{}
	if err := sqlx.SelectContext(ctx, q, &e.Uploads, `
		SELECT id, kind, original_name, content_type, size_bytes, sha256, created_at
		FROM blobs WHERE entry_id = $1 ORDER BY array_position(ARRAY['business_plan','deck','video','attachment'], kind), created_at`, e.ID); err != nil {
		return Entry{}, err
	}
	if row.OrgID.Valid {
		var org organizationRow
		if err := sqlx.GetContext(ctx, q, &org, `SELECT `+organizationColumns+` FROM organizations o WHERE o.id = $1`, row.OrgID.Int64); err != nil {
			return Entry{}, err
		}
		o, err := org.organization()
		if err != nil {
			return Entry{}, err
		}
		e.Organization = &o
	}
	return e, nil
}

// SnapshotOf is what an entry was when it was submitted, as review and
// judging read it: the zero Snapshot for an entry never submitted.
func SnapshotOf(ctx context.Context, q sqlx.QueryerContext, entryID int64) (Snapshot, error) {
	var raw []byte
	var snap Snapshot
	if err := sqlx.GetContext(ctx, q, &raw, `SELECT snapshot FROM entries WHERE id = $1`, entryID); err != nil {
		return snap, err
	}
	if raw != nil {
		if err := json.Unmarshal(raw, &snap); err != nil {
			return snap, err
		}
	}
	return snap, nil
}

// Summary is an entry in a list.
type Summary struct {
	ID           int64          `db:"id" json:"id"`
	ContestID    int64          `db:"contest_id" json:"contest_id"`
	ContestName  string         `db:"contest_name" json:"contest_name"`
	ContestEn    string         `db:"contest_name_en" json:"contest_name_en"` // English pages use it where there is one
	Title        string         `db:"title" json:"title"`
	Track        string         `db:"track" json:"track"`
	Group        string         `db:"grp" json:"group"`
	Organization string         `db:"organization" json:"organization"`
	State        State          `db:"state" json:"state"`
	Flags        pq.StringArray `db:"flags" json:"flags"`
	Source       string         `db:"source" json:"source"`
	Uploads      int            `db:"uploads" json:"uploads"`
	SubmittedAt  *time.Time     `db:"submitted_at" json:"submitted_at"`
	UpdatedAt    time.Time      `db:"updated_at" json:"updated_at"`
	// Ineligible are the contest's eligibility rules the entry fails (the
	// organizers' list only).
	Ineligible []Ineligible `db:"-" json:"ineligible,omitempty"`
}

const entrySummarySelect = `
	SELECT e.id, e.contest_id, c.name_zh AS contest_name, c.name_en AS contest_name_en, e.title, t.key AS track, g.key AS grp,
	       coalesce(o.name, '') AS organization, e.state, e.flags, e.source,
	       (SELECT count(*) FROM blobs b WHERE b.entry_id = e.id) AS uploads, e.submitted_at, e.updated_at
	FROM entries e
	JOIN contests c ON c.id = e.contest_id
	JOIN tracks t ON t.id = e.track_id
	JOIN contest_groups g ON g.id = e.group_id
	LEFT JOIN organizations o ON o.id = e.organization_id`

// EntriesOfEntrant lists an entrant's entries across contests, newest first.
func (s *Service) EntriesOfEntrant(ctx context.Context, accountID int64) ([]Summary, error) {
	list := []Summary{}
	err := s.db.SelectContext(ctx, &list, entrySummarySelect+` WHERE e.account_id = $1 ORDER BY e.updated_at DESC, e.id DESC`, accountID)
	return list, err
}

// OpenContest is a contest an entrant can enter now.
type OpenContest struct {
	contest.ContestSummary
	RegistrationOpensAt *time.Time `db:"registration_opens_at" json:"registration_opens_at"`
}

// ContestsOpenForEntries lists contests whose registration is open by the server's clock.
func (s *Service) ContestsOpenForEntries(ctx context.Context) ([]OpenContest, error) {
	list := []OpenContest{}
	err := s.db.SelectContext(ctx, &list, `
		SELECT id, slug, name_zh, name_en, state, submission_deadline, registration_opens_at FROM contests
		WHERE state <> 'archived' AND (registration_opens_at IS NULL OR registration_opens_at <= $1)
		  AND (submission_deadline IS NULL OR submission_deadline > $1)
		ORDER BY submission_deadline NULLS LAST, id`, s.now())
	return list, err
}
