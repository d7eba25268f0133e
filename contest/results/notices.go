package results

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/notify"
)

// entrantNotice is an entrant of a published round, as its e-mail needs them.
type entrantNotice struct {
	EntryID   int64  `db:"entry_id"`
	Title     string `db:"title"`
	Email     string `db:"email"`
	Name      string `db:"name"`
	Locale    string `db:"locale"`
	Advanced  bool   `db:"advanced"`
	Contest   string `db:"contest"`
	ContestEn string `db:"contest_en"`
	Slug      string `db:"slug"`
	Round     string `db:"round"`
	RoundEn   string `db:"round_en"`
	Next      string `db:"next_round"`
	NextEn    string `db:"next_round_en"`
}

// tellEntrants records, with a publication, the e-mail each entrant of the
// round gets: that they advance to the next round, or that the results are
// published, with the period to object in. The address is the entrant's
// account's, or else their organization's contact (imported entries).
func tellEntrants(ctx context.Context, tx *sqlx.Tx, contestID, roundID int64, periodEnds time.Time) error {
	var list []entrantNotice
	if err := tx.SelectContext(ctx, &list, `
		SELECT e.id AS entry_id, e.title,
		       coalesce(nullif(a.email, ''), nullif(o.contact_email, ''), '') AS email,
		       coalesce(nullif(o.contact_name, ''), a.display_name, '') AS name, coalesce(a.locale, 'zh-CN') AS locale,
		       r.advanced, c.name_zh AS contest, c.name_en AS contest_en, c.slug, rd.name_zh AS round, rd.name_en AS round_en,
		       coalesce(nx.name_zh, '') AS next_round, coalesce(nx.name_en, '') AS next_round_en
		FROM results r
		JOIN entries e ON e.id = r.entry_id
		JOIN rounds rd ON rd.id = r.round_id
		JOIN contests c ON c.id = rd.contest_id
		LEFT JOIN accounts a ON a.id = e.account_id
		LEFT JOIN organizations o ON o.id = e.organization_id
		LEFT JOIN LATERAL (SELECT name_zh, name_en FROM rounds WHERE contest_id = rd.contest_id AND position > rd.position
		                   ORDER BY position LIMIT 1) nx ON true
		WHERE r.round_id = $1
		ORDER BY e.id`, roundID); err != nil {
		return err
	}
	for _, n := range list {
		en := notify.Locale(n.Locale) == "en"
		name := func(zh, english string) string {
			if en && english != "" {
				return english
			}
			return zh
		}
		m := notify.Message{ContestID: contestID, To: n.Email, Name: n.Name, Locale: n.Locale}
		if n.Advanced {
			m.Kind = notify.EntryAdvanced
			m.Data = map[string]any{"Contest": name(n.Contest, n.ContestEn), "Title": n.Title, "Round": name(n.Round, n.RoundEn),
				"NextRound": name(n.Next, n.NextEn), "Link": "/results/" + n.Slug}
		} else {
			m.Kind = notify.ResultsPublished
			m.Data = map[string]any{"Contest": name(n.Contest, n.ContestEn), "Round": name(n.Round, n.RoundEn),
				"PeriodEnds": periodEnds.In(contest.Beijing).Format("2006-01-02 15:04"), "Link": "/results/" + n.Slug}
		}
		if _, err := notify.Enqueue(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}
