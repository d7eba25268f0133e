package judging

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/notify"
	"podium/fault"
)

// Reminders are notices from a round's organizers to judges whose sheets are not
// all submitted, shown in the judge's app until dismissed. A reminder names the
// round only — never an entry — so it cannot break blindness. Reminders do not
// change any score or assignment, so they are not audited.

// ReminderCooldown is how long after reminding a judge about a round another
// reminder about it is held back, so that a double click or a retried form
// does not pile up notices on the judge's tablet.
const ReminderCooldown = 10 * time.Minute

// RemindResult says how many judges were reminded, and how many were left out
// because they had been reminded within ReminderCooldown.
type RemindResult struct {
	Sent    int `json:"sent"`
	Skipped int `json:"skipped"`
}

// JudgeReminder is a reminder as the judge sees it: the round, its deadline and
// how many of the judge's sheets in it are still not submitted.
type JudgeReminder struct {
	ID          int64      `db:"id" json:"id"`
	ContestName string     `db:"contest_name" json:"contest_name"`
	RoundName   string     `db:"round_name" json:"round_name"`
	ClosesAt    *time.Time `db:"closes_at" json:"closes_at"`
	SentAt      time.Time  `db:"sent_at" json:"sent_at"`
	Pending     int        `db:"pending" json:"pending"`
}

// RemindJudge reminds one judge of the round (by expert id) of their sheets not
// yet submitted. It is a conflict when the round is not open, when the judge has
// nothing left to submit, or when the judge was reminded within ReminderCooldown.
func (s *Service) RemindJudge(ctx context.Context, actorID, contestID int64, roundKey string, expertID int64) error {
	res, err := s.remind(ctx, actorID, contestID, roundKey, &expertID)
	if err == nil && res.Sent == 0 {
		return fault.Conflict("err.reminder.recent")
	}
	return err
}

// RemindBehindJudges reminds every judge of the round who has sheets not yet
// submitted, except those reminded within ReminderCooldown.
func (s *Service) RemindBehindJudges(ctx context.Context, actorID, contestID int64, roundKey string) (RemindResult, error) {
	return s.remind(ctx, actorID, contestID, roundKey, nil)
}

// behindJudge is a judge of a round with sheets not yet submitted.
type behindJudge struct {
	ExpertID int64      `db:"expert_id"`
	Pending  int        `db:"pending"`
	LastSent *time.Time `db:"last_sent"`
}

// remind reminds the round's judges who are behind (only: just that one).
func (s *Service) remind(ctx context.Context, actorID, contestID int64, roundKey string, only *int64) (RemindResult, error) {
	var out RemindResult
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, err := contest.RoundByKey(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		if r.State != contest.RoundOpen {
			return fault.Conflict("err.reminder.round_not_open")
		}
		// One reminding at a time per round, so two clicks cannot both pass the cooldown.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('podium.reminders', $1))`, r.ID); err != nil {
			return err
		}
		var judges []behindJudge
		err = tx.SelectContext(ctx, &judges, `
			SELECT a.expert_id, count(*) AS pending,
			       (SELECT max(m.sent_at) FROM reminders m WHERE m.round_id = $1 AND m.expert_id = a.expert_id) AS last_sent
			FROM assignments a LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
			WHERE a.round_id = $1 AND a.state = 'active' AND (sh.state IS NULL OR sh.state <> 'submitted')
			  AND ($2::bigint IS NULL OR a.expert_id = $2)
			GROUP BY a.expert_id ORDER BY a.expert_id`, r.ID, only)
		if err != nil {
			return err
		}
		if only != nil && len(judges) == 0 {
			return notBehind(ctx, tx, r.ID, *only)
		}
		now := s.now()
		for _, j := range judges {
			if j.LastSent != nil && now.Sub(*j.LastSent) < ReminderCooldown {
				out.Skipped++
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO reminders (round_id, expert_id, sent_by, sent_at, pending) VALUES ($1, $2, $3, $4, $5)`,
				r.ID, j.ExpertID, actorID, now, j.Pending); err != nil {
				return err
			}
			if err := mailReminder(ctx, tx, r, j); err != nil {
				return err
			}
			out.Sent++
		}
		return nil
	})
	return out, err
}

// notBehind explains why a judge cannot be reminded: not a judge of the round, or done.
func notBehind(ctx context.Context, q sqlx.QueryerContext, roundID, expertID int64) error {
	var assigned bool
	err := sqlx.GetContext(ctx, q, &assigned, `SELECT EXISTS (SELECT 1 FROM assignments WHERE round_id = $1 AND expert_id = $2 AND state = 'active')`,
		roundID, expertID)
	switch {
	case err != nil:
		return err
	case !assigned:
		return fault.NotFound("err.reminder.judge_not_found")
	}
	return fault.Conflict("err.reminder.nothing_due")
}

// LastReminders returns when each judge of the round (by expert id) was last reminded.
func (s *Service) LastReminders(ctx context.Context, contestID int64, roundKey string) (map[int64]time.Time, error) {
	var rows []struct {
		ExpertID int64     `db:"expert_id"`
		SentAt   time.Time `db:"sent_at"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT m.expert_id, max(m.sent_at) AS sent_at
		FROM reminders m JOIN rounds r ON r.id = m.round_id
		WHERE r.contest_id = $1 AND r.key = $2 GROUP BY m.expert_id`, contestID, roundKey)
	last := make(map[int64]time.Time, len(rows))
	for _, r := range rows {
		last[r.ExpertID] = r.SentAt.UTC()
	}
	return last, err
}

// JudgeReminders lists the judge's reminders still to be read, newest first: the
// latest undismissed one per round, for open rounds in which the judge still has
// sheets to submit (finishing the work retires a reminder, too).
func (s *Service) JudgeReminders(ctx context.Context, j access.JudgeSession) ([]JudgeReminder, error) {
	var rows []JudgeReminder
	err := s.db.SelectContext(ctx, &rows, `
		SELECT DISTINCT ON (m.round_id) m.id, c.name_zh AS contest_name, r.name_zh AS round_name, r.closes_at, m.sent_at,
		       (SELECT count(*) FROM assignments a LEFT JOIN score_sheets sh ON sh.assignment_id = a.id
		        WHERE a.round_id = m.round_id AND a.expert_id = m.expert_id AND a.state = 'active'
		          AND (sh.state IS NULL OR sh.state <> 'submitted')) AS pending
		FROM reminders m
		JOIN experts x ON x.id = m.expert_id
		JOIN rounds r ON r.id = m.round_id
		JOIN contests c ON c.id = r.contest_id
		WHERE x.account_id = $1 AND m.dismissed_at IS NULL AND r.state = 'open' AND `+access.ReachSQL("r.contest_id", "$2")+`
		ORDER BY m.round_id, m.sent_at DESC, m.id DESC`, j.AccountID, j.Reach.Arg())
	if err != nil {
		return nil, err
	}
	out := []JudgeReminder{}
	for _, r := range rows {
		if r.Pending > 0 {
			r.SentAt, r.ClosesAt = r.SentAt.UTC(), contest.UTC(r.ClosesAt)
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b JudgeReminder) int { return b.SentAt.Compare(a.SentAt) })
	return out, nil
}

// DismissReminder marks the judge's reminder, and any earlier one about the same
// round, as read. Dismissing twice is harmless; another judge's reminder is not found.
func (s *Service) DismissReminder(ctx context.Context, j access.JudgeSession, reminderID int64) error {
	var target struct {
		RoundID  int64 `db:"round_id"`
		ExpertID int64 `db:"expert_id"`
	}
	err := s.db.GetContext(ctx, &target, `
		SELECT m.round_id, m.expert_id FROM reminders m JOIN experts x ON x.id = m.expert_id JOIN rounds r ON r.id = m.round_id
		WHERE m.id = $1 AND x.account_id = $2 AND `+access.ReachSQL("r.contest_id", "$3"), reminderID, j.AccountID, j.Reach.Arg())
	if errors.Is(err, sql.ErrNoRows) {
		return fault.NotFound("err.reminder.not_found")
	}
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `
		UPDATE reminders SET dismissed_at = $4
		WHERE round_id = $1 AND expert_id = $2 AND id <= $3 AND dismissed_at IS NULL`,
		target.RoundID, target.ExpertID, reminderID, s.now())
	return err
}

// mailReminder records the e-mail copy of a reminder, for a judge whose
// address the pool has: the round and how many sheets, never an entry.
func mailReminder(ctx context.Context, tx *sqlx.Tx, r contest.RoundRef, j behindJudge) error {
	var to struct {
		Email   string     `db:"email"`
		Name    string     `db:"name"`
		Locale  string     `db:"locale"`
		Contest string     `db:"contest"`
		En      string     `db:"contest_en"`
		Round   string     `db:"round"`
		RoundEn string     `db:"round_en"`
		Closes  *time.Time `db:"closes_at"`
	}
	if err := tx.GetContext(ctx, &to, `
		SELECT x.email, x.name, coalesce(a.locale, 'zh-CN') AS locale, c.name_zh AS contest, c.name_en AS contest_en,
		       rd.name_zh AS round, rd.name_en AS round_en, rd.closes_at
		FROM experts x JOIN rounds rd ON rd.id = $2 JOIN contests c ON c.id = rd.contest_id
		LEFT JOIN accounts a ON a.id = x.account_id
		WHERE x.id = $1`, j.ExpertID, r.ID); err != nil {
		return err
	}
	en := notify.Locale(to.Locale) == "en"
	pick := func(zh, english string) string {
		if en && english != "" {
			return english
		}
		return zh
	}
	deadline := ""
	if to.Closes != nil {
		deadline = to.Closes.In(contest.Beijing).Format("2006-01-02 15:04")
	}
	_, err := notify.Enqueue(ctx, tx, notify.Message{ContestID: r.ContestID, To: to.Email, Name: to.Name, Locale: to.Locale,
		Kind: notify.JudgeReminded, Data: map[string]any{"Contest": pick(to.Contest, to.En), "Round": pick(to.Round, to.RoundEn),
			"Pending": j.Pending, "Deadline": deadline, "Link": "/judge"}})
	return err
}
