package showcase

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"golang.org/x/text/width"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/audit"
	"podium/contest/results"
	"podium/fault"
)

// Card is what an investor sees of an entry in the showcase, and what its
// entrant previews before opting in: nothing more.
type Card struct {
	EntryID      int64       `db:"entry_id" json:"entry_id"`
	Title        string      `db:"title" json:"title"`
	Summary      string      `db:"summary" json:"summary"`
	Track        string      `db:"track" json:"track"`
	Group        string      `db:"grp" json:"group"`
	AwardLevel   string      `db:"-" json:"award_level,omitempty"` // in the final publication; "" for none
	RoundRaised  RoundRaised `db:"round_raised" json:"round_raised"`
	AmountSought int64       `db:"amount_sought" json:"amount_sought"` // yuan
}

// Amount units an entrant may type the amount sought in.
const (
	UnitYuan = "yuan"
	UnitWan  = "wan" // 万元: 10,000 yuan
)

// maxAmount is the largest amount sought accepted (yuan): ¥1 trillion.
const maxAmount = 1_000_000_000_000

// ParseAmount reads an amount sought as typed: whole yuan, or 万元 with up to
// four decimals (exact: 12.5 万元 is 125,000 yuan). Thousands separators and
// spaces are ignored.
func ParseAmount(amount, unit string) (int64, error) {
	bad := fault.Invalid("amount_sought", "err.showcase.amount")
	a := strings.NewReplacer(",", "", "，", "", " ", "").Replace(strings.TrimSpace(width.Fold.String(amount)))
	whole, frac, dotted := strings.Cut(a, ".")
	if whole == "" || !digits(whole) || dotted && (frac == "" || !digits(frac)) || len(whole) > 13 {
		return 0, bad
	}
	var scale int64
	switch unit {
	case UnitYuan, "":
		if dotted && strings.Trim(frac, "0") != "" {
			return 0, bad
		}
		scale, frac = 1, ""
	case UnitWan:
		if len(frac) > 4 {
			return 0, bad
		}
		scale = 10_000
	default:
		return 0, fault.Invalid("unit", "err.showcase.amount")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/scale {
		return 0, bad
	}
	n := w * scale
	if frac != "" {
		f, _ := strconv.ParseInt((frac + "0000")[:4], 10, 64)
		n += f
	}
	if n <= 0 || n > maxAmount {
		return 0, bad
	}
	return n, nil
}

func digits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// OptInInput is what an entrant states to be shown.
type OptInInput struct {
	RoundRaised RoundRaised `json:"round_raised"`
	Amount      string      `json:"amount_sought"` // as typed
	Unit        string      `json:"unit"`          // yuan (default) or wan
}

// Listing is an entry's opt-in.
type Listing struct {
	RoundRaised  RoundRaised `db:"round_raised" json:"round_raised"`
	AmountSought int64       `db:"amount_sought" json:"amount_sought"`
	OptedInAt    time.Time   `db:"opted_in_at" json:"opted_in_at"`
	WithdrawnAt  *time.Time  `db:"withdrawn_at" json:"withdrawn_at,omitempty"`
}

// Shown reports whether the listing is shown (opted in and not withdrawn).
func (l *Listing) Shown() bool { return l != nil && l.WithdrawnAt == nil }

// IncomingRequest is an investor's request as its entrant sees it: the
// institution and the message; the investor's contact once accepted.
type IncomingRequest struct {
	ID           int64        `db:"id" json:"id"`
	Institution  string       `db:"institution" json:"institution"`
	ContactName  string       `db:"contact_name" json:"contact_name"`
	ContactPhone string       `db:"contact_phone" json:"contact_phone,omitempty"`
	ContactEmail string       `db:"contact_email" json:"contact_email,omitempty"`
	Message      string       `db:"message" json:"message"`
	State        RequestState `db:"state" json:"state"`
	CreatedAt    time.Time    `db:"created_at" json:"created_at"`
	DecidedAt    *time.Time   `db:"decided_at" json:"decided_at,omitempty"`
}

// EntrantView is an entry's showcase as its entrant sees it.
type EntrantView struct {
	EntryID   int64  `json:"entry_id"`
	ContestID int64  `json:"contest_id"`
	ContestZh string `json:"contest_name_zh"`
	ContestEn string `json:"contest_name_en"`
	// Accepted: only accepted entries may be shown. Final: the contest's
	// results are final, so the showcase is open.
	Accepted bool     `json:"accepted"`
	Final    bool     `json:"final"`
	Listing  *Listing `json:"listing,omitempty"`
	// Preview is exactly what investors see (its round raised and amount
	// those of the listing, if any).
	Preview  Card               `json:"preview"`
	Requests []IncomingRequest  `json:"requests"`
	Tracks   []contest.Category `json:"-"`
	Groups   []contest.Category `json:"-"`
}

// entryRow is an entrant's entry as the showcase reads it.
type entryRow struct {
	ContestID int64  `db:"contest_id"`
	State     string `db:"state"`
	Card
}

const cardSQL = `
	SELECT e.contest_id, e.state, e.id AS entry_id, e.title, coalesce(e.fields->>'summary', '') AS summary,
	       t.key AS track, g.key AS grp, coalesce(l.round_raised, '') AS round_raised, coalesce(l.amount_sought, 0) AS amount_sought
	FROM entries e JOIN tracks t ON t.id = e.track_id JOIN contest_groups g ON g.id = e.group_id
	LEFT JOIN showcase_listings l ON l.entry_id = e.id`

// ownEntry is the entrant's entry, locked in tx when lock; anyone else's is not found.
func ownEntry(ctx context.Context, q sqlx.QueryerContext, accountID, entryID int64, lock bool) (entryRow, error) {
	var r entryRow
	query := cardSQL + ` WHERE e.id = $1 AND e.account_id = $2`
	if lock {
		query += ` FOR UPDATE OF e`
	}
	err := sqlx.GetContext(ctx, q, &r, query, entryID, accountID)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fault.NotFound("err.entry.not_found")
	}
	return r, err
}

// EntrantView is the entrant's entry in the showcase: whether it may be
// shown, its opt-in, what investors see and the requests for contact.
func (s *Service) EntrantView(ctx context.Context, accountID, entryID int64) (EntrantView, error) {
	r, err := ownEntry(ctx, s.db, accountID, entryID, false)
	if err != nil {
		return EntrantView{}, err
	}
	ct, err := contest.Load(ctx, s.db, r.ContestID)
	if err != nil {
		return EntrantView{}, err
	}
	v := EntrantView{EntryID: entryID, ContestID: r.ContestID, ContestZh: ct.NameZh, ContestEn: ct.NameEn,
		Accepted: r.State == "accepted", Preview: r.Card, Requests: []IncomingRequest{}, Tracks: ct.Tracks, Groups: ct.Groups}
	p, err := s.Final(ctx, r.ContestID)
	switch {
	case err == nil:
		v.Final = true
		if res, ok := p.ResultOf(entryID); ok {
			v.Preview.AwardLevel = res.AwardLevel
		}
	case fault.ErrorCode(err) != fault.CodeConflict:
		return v, err
	}
	var l Listing
	err = s.db.GetContext(ctx, &l, `SELECT round_raised, amount_sought, opted_in_at, withdrawn_at FROM showcase_listings WHERE entry_id = $1`, entryID)
	switch {
	case err == nil:
		l.OptedInAt, l.WithdrawnAt = l.OptedInAt.UTC(), contest.UTC(l.WithdrawnAt)
		v.Listing = &l
	case !errors.Is(err, sql.ErrNoRows):
		return v, err
	}
	if err := s.db.SelectContext(ctx, &v.Requests, `
		SELECT r.id, i.institution, i.contact_name,
		       CASE WHEN r.state = 'accepted' THEN i.contact_phone ELSE '' END AS contact_phone,
		       CASE WHEN r.state = 'accepted' THEN i.contact_email ELSE '' END AS contact_email,
		       r.message, r.state, r.created_at, r.decided_at
		FROM showcase_requests r JOIN investors i ON i.account_id = r.investor_id
		WHERE r.entry_id = $1 ORDER BY r.state <> 'pending', r.created_at DESC, r.id DESC`, entryID); err != nil {
		return v, err
	}
	for i := range v.Requests {
		v.Requests[i].CreatedAt, v.Requests[i].DecidedAt = v.Requests[i].CreatedAt.UTC(), contest.UTC(v.Requests[i].DecidedAt)
	}
	return v, nil
}

// OptIn shows an accepted entry in its contest's showcase, once the
// contest's results are final, with the round raised and the amount sought;
// opting in again changes them (and shows a withdrawn entry again). Audited.
func (s *Service) OptIn(ctx context.Context, accountID, entryID int64, in OptInInput) (Listing, error) {
	p := fault.Problems{}
	if !slices.Contains(RoundsRaised, in.RoundRaised) {
		p.Add("round_raised", "err.showcase.round_raised")
	}
	amount, err := ParseAmount(in.Amount, in.Unit)
	if err != nil {
		var fe *fault.Error
		if errors.As(err, &fe) {
			for k, v := range fe.Fields {
				p.Add(k, v)
			}
		}
	}
	if err := p.Err(); err != nil {
		return Listing{}, err
	}
	r, err := ownEntry(ctx, s.db, accountID, entryID, false)
	if err != nil {
		return Listing{}, err
	}
	if _, err := s.results.SettleFinality(ctx, r.ContestID); err != nil {
		return Listing{}, err
	}
	l := Listing{RoundRaised: in.RoundRaised, AmountSought: amount}
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, err := ownEntry(ctx, tx, accountID, entryID, true)
		if err != nil {
			return err
		}
		if r.State != "accepted" {
			return fault.Conflict("err.showcase.entry_not_accepted")
		}
		if _, err := s.final(ctx, tx, r.ContestID); err != nil {
			return err
		}
		l.OptedInAt = s.db.NowUTC()
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO showcase_listings (entry_id, contest_id, round_raised, amount_sought, opted_in_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (entry_id) DO UPDATE SET round_raised = EXCLUDED.round_raised, amount_sought = EXCLUDED.amount_sought,
			    opted_in_at = EXCLUDED.opted_in_at, withdrawn_at = NULL`,
			entryID, r.ContestID, l.RoundRaised, l.AmountSought, l.OptedInAt); err != nil {
			return err
		}
		return audit.Append(ctx, tx, l.OptedInAt, &r.ContestID, &accountID, audit.ShowcaseOptedIn, fmt.Sprintf("entry %d", entryID),
			map[string]any{"round_raised": l.RoundRaised, "amount_sought": l.AmountSought})
	})
	return l, err
}

// Withdraw takes the entry out of the showcase: investors no longer see it,
// nor any contact shared before; pending requests can no longer be answered.
// Withdrawing what is not shown is refused (err.showcase.not_listed). Audited.
func (s *Service) Withdraw(ctx context.Context, accountID, entryID int64) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, err := ownEntry(ctx, tx, accountID, entryID, true)
		if err != nil {
			return err
		}
		now := s.db.NowUTC()
		res, err := tx.ExecContext(ctx, `UPDATE showcase_listings SET withdrawn_at = $2 WHERE entry_id = $1 AND withdrawn_at IS NULL`, entryID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.Conflict("err.showcase.not_listed")
		}
		return audit.Append(ctx, tx, now, &r.ContestID, &accountID, audit.ShowcaseWithdrawn, fmt.Sprintf("entry %d", entryID), nil)
	})
}

// awardOrder sorts cards by prize, best first, then unawarded.
func awardOrder(level string) int {
	if i := slices.Index(contest.AwardLevels, level); i >= 0 {
		return i
	}
	return len(contest.AwardLevels)
}

// shownCards are the contest's entries shown in the showcase (opted in, not
// withdrawn, accepted), filtered by track and group keys when given, with
// their prizes in the final publication p, best prize first.
func shownCards(ctx context.Context, q sqlx.QueryerContext, p results.Publication, contestID int64, track, group string) ([]Card, error) {
	var rows []entryRow
	if err := sqlx.SelectContext(ctx, q, &rows, cardSQL+`
		WHERE e.contest_id = $1 AND e.state = 'accepted' AND l.entry_id IS NOT NULL AND l.withdrawn_at IS NULL
		  AND ($2 = '' OR t.key = $2) AND ($3 = '' OR g.key = $3)
		ORDER BY e.id`, contestID, track, group); err != nil {
		return nil, err
	}
	cards := make([]Card, len(rows))
	for i, r := range rows {
		cards[i] = r.Card
		if res, ok := p.ResultOf(r.EntryID); ok {
			cards[i].AwardLevel = res.AwardLevel
		}
	}
	slices.SortStableFunc(cards, func(a, b Card) int { return awardOrder(a.AwardLevel) - awardOrder(b.AwardLevel) })
	return cards, nil
}
