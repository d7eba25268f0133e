package onward

import (
	"context"
	"time"

	"podium/files/table"
	"podium/web/i18n"
)

// entryRow is one entry as the export reads it, joined with its organization
// (contact details are the organization's: the entrant's profile, or an
// import's own record), track and group.
type entryRow struct {
	ID           int64      `db:"id"`
	Title        string     `db:"title"`
	TrackZh      string     `db:"track_zh"`
	TrackEn      string     `db:"track_en"`
	GroupZh      string     `db:"group_zh"`
	GroupEn      string     `db:"group_en"`
	Organization string     `db:"org_name"`
	Kind         string     `db:"org_kind"`
	USCC         string     `db:"uscc"`
	ContactName  string     `db:"contact_name"`
	ContactPhone string     `db:"contact_phone"`
	ContactEmail string     `db:"contact_email"`
	Summary      string     `db:"summary"`
	Stage        string     `db:"stage"`
	Technology   string     `db:"technology"`
	Market       string     `db:"market"`
	Team         string     `db:"team"`
	Financing    string     `db:"financing"`
	Keywords     string     `db:"keywords"`
	Source       string     `db:"source"`
	State        string     `db:"state"`
	Reason       string     `db:"review_reason"`
	SubmittedAt  *time.Time `db:"submitted_at"`
	ReviewedAt   *time.Time `db:"reviewed_at"`
}

// entriesQuery reads a contest's entries, every state, by id. Entry fields
// are jsonb; a field an entry never had reads as empty.
const entriesQuery = `
	SELECT e.id, e.title, t.name_zh AS track_zh, t.name_en AS track_en, g.name_zh AS group_zh, g.name_en AS group_en,
	       coalesce(o.name, '') AS org_name, coalesce(o.kind, '') AS org_kind, coalesce(o.uscc, '') AS uscc,
	       coalesce(o.contact_name, '') AS contact_name, coalesce(o.contact_phone, '') AS contact_phone,
	       coalesce(o.contact_email, '') AS contact_email,
	       coalesce(e.fields ->> 'summary', '') AS summary, coalesce(e.fields ->> 'stage', '') AS stage,
	       coalesce(e.fields ->> 'technology', '') AS technology, coalesce(e.fields ->> 'market', '') AS market,
	       coalesce(e.fields ->> 'team', '') AS team, coalesce(e.fields ->> 'financing', '') AS financing,
	       CASE jsonb_typeof(e.fields -> 'keywords') WHEN 'array'
	            THEN array_to_string(ARRAY(SELECT jsonb_array_elements_text(e.fields -> 'keywords')), '; ')
	            ELSE '' END AS keywords,
	       e.source, e.state, e.review_reason, e.submitted_at, e.reviewed_at
	FROM entries e
	JOIN tracks t ON t.id = e.track_id
	JOIN contest_groups g ON g.id = e.group_id
	LEFT JOIN organizations o ON o.id = e.organization_id
	WHERE e.contest_id = $1
	ORDER BY e.id`

func (s *Service) entries(_ context.Context, e *Export, contestID int64, lang Lang) error {
	e.cols = words(lang, entryColumns...)
	e.write = func(ctx context.Context, t *table.Writer) error {
		// Row by row from the server: memory does not grow with the entries.
		rows, err := s.db.QueryxContext(ctx, entriesQuery, contestID)
		if err != nil {
			return err
		}
		defer rows.Close()
		var r entryRow
		for rows.Next() {
			r = entryRow{}
			if err := rows.StructScan(&r); err != nil {
				return err
			}
			if err := t.WriteRow(r.ID, r.Title, pick(lang, r.TrackZh, r.TrackEn), pick(lang, r.GroupZh, r.GroupEn),
				r.Organization, kindName(lang, r.Kind), r.USCC, r.ContactName, r.ContactPhone, r.ContactEmail,
				r.Summary, stageWord(lang, r.Stage), r.Technology, r.Market, r.Team, r.Financing, r.Keywords,
				named(lang, "entry.source.", r.Source), named(lang, "entry.state.", r.State), r.Reason, s.local(r.SubmittedAt), s.local(r.ReviewedAt)); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	return nil
}

// stageWord is an entry's stage by its name; a stage typed freely (an
// import) is shown as it is.
func stageWord(l Lang, stage string) string {
	if stage == "" {
		return ""
	}
	if w, ok := i18n.Text(string(l), "entry.stage."+stage); ok {
		return w
	}
	return stage
}
