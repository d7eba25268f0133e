package main

import (
	"context"
	"fmt"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/judging"
	"podium/files/filecheck"
	"podium/scoring"
)

// world is an open round whose assignments are spread evenly over judges, each
// with a session (cookie token and CSRF token) as a logged-in tablet has.
type world struct {
	contestID int64
	judges    []judge
}

type judge struct {
	account      int64
	cookie, csrf string
	sheets       []sheet
}

// sheet is one submission prepared in advance: the same key, body and input
// whichever way it is sent.
type sheet struct {
	assignment int64
	key        string
	body       []byte             // what a tablet posts
	hash       []byte             // what the handler derives from it (judging.RequestHash)
	input      judging.SheetInput // what the handler decodes from it
}

// seed builds the world in bulk SQL; the contest itself goes through the rooms so
// that the rubric, the round's state change and the audit chain are the real ones.
// Entry i is reviewed by judges (i·reviews + k) mod judges for k < reviews, which
// are distinct and give every judge the same load (±1).
// seedRooms are the rooms the seed goes through.
type seedRooms struct {
	contests *contest.Service
	accounts *access.Service
	judging  *judging.Service
}

func seed(ctx context.Context, db *contest.DB, s seedRooms, judges, perJudge int) (world, error) {
	const reviews = 5
	if judges < reviews {
		return world{}, fmt.Errorf("need at least %d judges, have %d", reviews, judges)
	}
	entries := (judges*perJudge + reviews - 1) / reviews
	exec := func(query string, args ...any) error {
		if _, err := db.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		return nil
	}
	var organizer int64
	if err := db.GetContext(ctx, &organizer, `INSERT INTO accounts (role, email, display_name)
		VALUES ('organizer', 'load@example.com', '压测组织者') RETURNING id`); err != nil {
		return world{}, fmt.Errorf("seed organizer: %w", err)
	}
	c, err := s.contests.CreateContest(ctx, organizer, contest.Setup{
		Slug: "load", NameZh: "压测大赛", NameEn: "Load test contest",
		Tracks: []contest.Category{{Key: "manufacturing", NameZh: "智能制造"}},
		Groups: []contest.Category{{Key: "team", NameZh: "团队组"}},
		Rounds: []contest.Round{{
			Key: "prelim", NameZh: "初赛", Kind: contest.KindOnline, Method: "trimmed", ReviewsPerEntry: reviews,
			Criteria: []contest.Criterion{
				{Key: "tech", NameZh: "技术", Max: 4000, Weight: 4000, Step: 50},
				{Key: "market", NameZh: "市场", Max: 3000, Weight: 3000, Step: 50},
				{Key: "team", NameZh: "团队", Max: 3000, Weight: 3000, Step: 50},
			},
		}},
		Entry: contest.EntrySettings{RequiredUploads: []filecheck.Kind{}},
	})
	if err != nil {
		return world{}, fmt.Errorf("seed contest: %w", err)
	}
	steps := []struct {
		query string
		args  []any
	}{
		{`INSERT INTO entries (contest_id, track_id, group_id, title, state, source, submitted_at)
			SELECT $1, (SELECT id FROM tracks WHERE contest_id = $1), (SELECT id FROM contest_groups WHERE contest_id = $1),
			       '项目 ' || g, 'accepted', 'import', now()
			FROM generate_series(1, $2) g`, []any{c.ID, entries}},
		{`INSERT INTO blind_codes (round_id, entry_id, code)
			SELECT r.id, e.id, 'LD-' || lpad(e.id::text, 7, '0') FROM entries e JOIN rounds r ON r.contest_id = e.contest_id
			WHERE e.contest_id = $1`, []any{c.ID}},
		{`INSERT INTO accounts (role, display_name) SELECT 'judge', '评委 ' || lpad(g::text, 4, '0') FROM generate_series(1, $1) g`, []any{judges}},
		{`INSERT INTO experts (account_id, name, organization, organization_norm)
			SELECT id, display_name, '单位 ' || id, '单位' || id FROM accounts WHERE role = 'judge'`, nil},
		{`INSERT INTO contest_judges (contest_id, account_id) SELECT $1, id FROM accounts WHERE role = 'judge'`, []any{c.ID}},
		{`INSERT INTO panel_members (round_id, expert_id) SELECT r.id, x.id FROM experts x, rounds r WHERE r.contest_id = $1`, []any{c.ID}},
		{`WITH e AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM entries WHERE contest_id = $1),
			     x AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS j FROM experts)
			INSERT INTO assignments (round_id, entry_id, expert_id)
			SELECT r.id, e.id, x.id FROM e CROSS JOIN generate_series(0, $2 - 1) k
			JOIN x ON x.j = (e.i * $2 + k) % $3 JOIN rounds r ON r.contest_id = $1`, []any{c.ID, reviews, judges}},
		{`ANALYZE`, nil},
	}
	for _, st := range steps {
		if err := exec(st.query, st.args...); err != nil {
			return world{}, err
		}
	}
	if err := s.judging.SetRoundState(ctx, organizer, c.ID, "prelim", contest.RoundOpen); err != nil {
		return world{}, fmt.Errorf("open round: %w", err)
	}
	var rows []struct {
		Account    int64 `db:"account_id"`
		Assignment int64 `db:"id"`
	}
	if err := db.SelectContext(ctx, &rows, `SELECT x.account_id, a.id FROM assignments a JOIN experts x ON x.id = a.expert_id
		ORDER BY x.account_id, a.id`); err != nil {
		return world{}, err
	}
	w := world{contestID: c.ID}
	for n, r := range rows {
		if len(w.judges) == 0 || w.judges[len(w.judges)-1].account != r.Account {
			cookie, sess, err := s.accounts.CreateSession(ctx, r.Account)
			if err != nil {
				return world{}, err
			}
			w.judges = append(w.judges, judge{account: r.Account, cookie: cookie, csrf: sess.CSRFToken})
		}
		j := &w.judges[len(w.judges)-1]
		marks := map[string]scoring.Points{
			"tech": scoring.Points(50 * (n % 81)), "market": scoring.Points(50 * (n * 7 % 61)), "team": scoring.Points(50 * (n * 13 % 61)),
		}
		comment := fmt.Sprintf("load sheet %d", n)
		body := fmt.Sprintf(`{"marks":{"tech":%s,"market":%s,"team":%s},"comments":{"tech":"技术评语 %d"},"comment":%q}`,
			marks["tech"], marks["market"], marks["team"], n, comment)
		j.sheets = append(j.sheets, sheet{
			assignment: r.Assignment, key: fmt.Sprintf("load-%d-%d", r.Account, r.Assignment), body: []byte(body), hash: judging.RequestHash(r.Assignment, []byte(body)),
			input: judging.SheetInput{Marks: marks, Comments: map[string]string{"tech": fmt.Sprintf("技术评语 %d", n)}, Comment: comment},
		})
	}
	if len(w.judges) != judges {
		return world{}, fmt.Errorf("seeded %d judges, want %d", len(w.judges), judges)
	}
	for _, j := range w.judges {
		if len(j.sheets) < perJudge {
			return world{}, fmt.Errorf("judge %d has %d assignments, want at least %d", j.account, len(j.sheets), perJudge)
		}
	}
	return w, nil
}
