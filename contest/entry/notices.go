package entry

import (
	"context"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/notify"
)

// entrantAddress is where an entry's entrant is told things: the account's
// e-mail, or else the organization's contact address, in the account's language.
type entrantAddress struct {
	EntryID   int64  `db:"entry_id"`
	Title     string `db:"title"`
	Email     string `db:"email"`
	Name      string `db:"name"`
	Locale    string `db:"locale"`
	Contest   string `db:"contest"`
	ContestEn string `db:"contest_en"`
	State     State  `db:"state"`
	Reason    string `db:"review_reason"`
}

const entrantAddressSelect = `
	SELECT e.id AS entry_id, e.title, coalesce(nullif(a.email, ''), nullif(o.contact_email, ''), '') AS email,
	       coalesce(nullif(o.contact_name, ''), a.display_name, '') AS name, coalesce(a.locale, 'zh-CN') AS locale,
	       c.name_zh AS contest, c.name_en AS contest_en, e.state, e.review_reason
	FROM entries e JOIN contests c ON c.id = e.contest_id
	LEFT JOIN accounts a ON a.id = e.account_id
	LEFT JOIN organizations o ON o.id = e.organization_id
	WHERE e.id = ANY($1)
	ORDER BY e.id`

func (a entrantAddress) contestName() string {
	if notify.Locale(a.Locale) == "en" && a.ContestEn != "" {
		return a.ContestEn
	}
	return a.Contest
}

func entrantAddresses(ctx context.Context, tx *sqlx.Tx, ids []int64) ([]entrantAddress, error) {
	var list []entrantAddress
	err := tx.SelectContext(ctx, &list, entrantAddressSelect, pq.Int64Array(ids))
	return list, err
}

// tellSubmitted records the receipt of a submission, in its transaction.
func tellSubmitted(ctx context.Context, tx *sqlx.Tx, contestID, entryID int64, at time.Time) error {
	list, err := entrantAddresses(ctx, tx, []int64{entryID})
	if err != nil || len(list) == 0 {
		return err
	}
	a := list[0]
	_, err = notify.Enqueue(ctx, tx, notify.Message{ContestID: contestID, To: a.Email, Name: a.Name, Locale: a.Locale,
		Kind: notify.EntrySubmitted, Data: map[string]any{"Contest": a.contestName(), "Title": a.Title,
			"SubmittedAt": at.In(contest.Beijing).Format("2006-01-02 15:04"),
			"Link":        "/entrant/entries/" + strconv.FormatInt(entryID, 10)}})
	return err
}

// tellReviewed records the eligibility decision's e-mail to each entrant
// whose entry it changed, in the decision's transaction.
func tellReviewed(ctx context.Context, tx *sqlx.Tx, contestID int64, changed []int64) error {
	if len(changed) == 0 {
		return nil
	}
	list, err := entrantAddresses(ctx, tx, changed)
	if err != nil {
		return err
	}
	for _, a := range list {
		if _, err := notify.Enqueue(ctx, tx, notify.Message{ContestID: contestID, To: a.Email, Name: a.Name, Locale: a.Locale,
			Kind: notify.EntryReviewed, Data: map[string]any{"Contest": a.contestName(), "Title": a.Title,
				"Accepted": a.State == Accepted, "Reason": a.Reason,
				"Link": "/entrant/entries/" + strconv.FormatInt(a.EntryID, 10)}}); err != nil {
			return err
		}
	}
	return nil
}
