package onward

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"podium/contest/notify"
)

// nomineeWords are the levels and statuses as an entrant's e-mail says them.
var nomineeWords = map[string]map[string]string{
	"zh-CN": {"province": "省赛", "nation": "全国赛", "submitted": "已报送", "accepted": "已获通过", "rejected": "未获通过", "withdrawn": "已撤回（尽职调查未通过）"},
	"en":    {"province": "the provincial contest", "nation": "the national contest", "submitted": "submitted", "accepted": "accepted", "rejected": "not accepted", "withdrawn": "withdrawn (due diligence failed)"},
}

// tellNominees records, in the change's transaction, the e-mail that tells
// each nominee's entrant where their nomination stands: submitted to the
// higher contest, its decision there (with the result), or withdrawn.
func tellNominees(ctx context.Context, tx *sqlx.Tx, contestID int64, ids []int64) error {
	var list []struct {
		EntryID   int64  `db:"entry_id"`
		Title     string `db:"title"`
		Email     string `db:"email"`
		Name      string `db:"name"`
		Locale    string `db:"locale"`
		Contest   string `db:"contest"`
		ContestEn string `db:"contest_en"`
		Level     string `db:"level"`
		Year      int    `db:"target_year"`
		Status    string `db:"status"`
		Result    string `db:"result"`
	}
	if err := tx.SelectContext(ctx, &list, `
		SELECT e.id AS entry_id, e.title, coalesce(nullif(a.email, ''), nullif(o.contact_email, ''), '') AS email,
		       coalesce(nullif(o.contact_name, ''), a.display_name, '') AS name, coalesce(a.locale, 'zh-CN') AS locale,
		       c.name_zh AS contest, c.name_en AS contest_en, n.level, n.target_year, n.status, n.result
		FROM nominations n JOIN entries e ON e.id = n.entry_id JOIN contests c ON c.id = n.contest_id
		LEFT JOIN accounts a ON a.id = e.account_id LEFT JOIN organizations o ON o.id = e.organization_id
		WHERE n.id = ANY($1) ORDER BY n.id`, pq.Int64Array(ids)); err != nil {
		return err
	}
	for _, n := range list {
		locale := notify.Locale(n.Locale)
		words := nomineeWords[locale]
		contestName, target := n.Contest, fmt.Sprintf("%d年%s", n.Year, words[n.Level])
		if locale == "en" {
			target = fmt.Sprintf("%s %d", words[n.Level], n.Year)
			if n.ContestEn != "" {
				contestName = n.ContestEn
			}
		}
		if _, err := notify.Enqueue(ctx, tx, notify.Message{ContestID: contestID, To: n.Email, Name: n.Name, Locale: n.Locale,
			Kind: notify.NominationChanged, Data: map[string]any{"Contest": contestName, "Title": n.Title, "Target": target,
				"Status": words[n.Status], "Result": n.Result, "Link": "/entrant/entries/" + strconv.FormatInt(n.EntryID, 10)}}); err != nil {
			return err
		}
	}
	return nil
}
