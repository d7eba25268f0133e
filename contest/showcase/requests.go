package showcase

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/audit"
	"podium/fault"
)

// Contact is an entrant's contact details, shared with an investor whose
// request the entrant accepted, and with no one else.
type Contact struct {
	Organization string `db:"organization" json:"organization"`
	Name         string `db:"contact_name" json:"name"`
	Phone        string `db:"contact_phone" json:"phone,omitempty"`
	Email        string `db:"contact_email" json:"email,omitempty"`
}

// SentRequest is an investor's own request for an entry's contact.
type SentRequest struct {
	ID        int64        `db:"id" json:"id"`
	EntryID   int64        `db:"entry_id" json:"-"`
	Message   string       `db:"message" json:"message"`
	State     RequestState `db:"state" json:"state"`
	CreatedAt time.Time    `db:"created_at" json:"created_at"`
	DecidedAt *time.Time   `db:"decided_at" json:"decided_at,omitempty"`
	// Contact is set only when the entrant accepted.
	Contact *Contact `db:"-" json:"contact,omitempty"`
}

// InvestorCard is a card of the showcase with the investor's request, if any.
type InvestorCard struct {
	Card
	Request *SentRequest `json:"request,omitempty"`
}

// Showcase is a contest's showcase as an approved investor sees it.
type Showcase struct {
	ContestID int64              `json:"contest_id"`
	ContestZh string             `json:"contest_name_zh"`
	ContestEn string             `json:"contest_name_en"`
	Track     string             `json:"track,omitempty"` // the filters applied
	Group     string             `json:"group,omitempty"`
	Tracks    []contest.Category `json:"tracks"`
	Groups    []contest.Category `json:"groups"`
	Cards     []InvestorCard     `json:"entries"`
}

// Browse is the contest's showcase for an investor approved for it, once
// the contest's results are final: the entries shown (filtered by track and
// group keys when given), each with the investor's own request and, where
// the entrant accepted it, the entrant's contact. An investor not approved
// for this contest is refused (err.showcase.not_approved) before anything
// else is read.
func (s *Service) Browse(ctx context.Context, investorID, contestID int64, track, group string) (Showcase, error) {
	if err := approved(ctx, s.db, contestID, investorID); err != nil {
		return Showcase{}, err
	}
	p, err := s.Final(ctx, contestID)
	if err != nil {
		return Showcase{}, err
	}
	ct, err := contest.Load(ctx, s.db, contestID)
	if err != nil {
		return Showcase{}, err
	}
	out := Showcase{ContestID: contestID, ContestZh: ct.NameZh, ContestEn: ct.NameEn, Track: track, Group: group,
		Tracks: ct.Tracks, Groups: ct.Groups, Cards: []InvestorCard{}}
	cards, err := shownCards(ctx, s.db, p, contestID, track, group)
	if err != nil {
		return out, err
	}
	sent, err := s.sentRequests(ctx, investorID, contestID)
	if err != nil {
		return out, err
	}
	for _, c := range cards {
		ic := InvestorCard{Card: c}
		if r, ok := sent[c.EntryID]; ok {
			ic.Request = &r
		}
		out.Cards = append(out.Cards, ic)
	}
	return out, nil
}

// sentRequests are the investor's requests in the contest by entry, with
// the entrant's contact read only for accepted ones (of entries still shown).
func (s *Service) sentRequests(ctx context.Context, investorID, contestID int64) (map[int64]SentRequest, error) {
	var rows []struct {
		SentRequest
		Contact
	}
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT r.id, r.entry_id, r.message, r.state, r.created_at, r.decided_at,
		       CASE WHEN r.state = 'accepted' THEN coalesce(o.name, '') ELSE '' END AS organization,
		       CASE WHEN r.state = 'accepted' THEN coalesce(nullif(o.contact_name, ''), a.display_name, '') ELSE '' END AS contact_name,
		       CASE WHEN r.state = 'accepted' THEN coalesce(nullif(o.contact_phone, ''), a.phone, '') ELSE '' END AS contact_phone,
		       CASE WHEN r.state = 'accepted' THEN coalesce(nullif(o.contact_email, ''), a.email, '') ELSE '' END AS contact_email
		FROM showcase_requests r JOIN showcase_listings l ON l.entry_id = r.entry_id AND l.withdrawn_at IS NULL
		JOIN entries e ON e.id = r.entry_id
		LEFT JOIN organizations o ON o.id = e.organization_id
		LEFT JOIN accounts a ON a.id = e.account_id
		WHERE r.investor_id = $1 AND r.contest_id = $2`, investorID, contestID); err != nil {
		return nil, err
	}
	out := make(map[int64]SentRequest, len(rows))
	for _, r := range rows {
		sr := r.SentRequest
		sr.CreatedAt, sr.DecidedAt = sr.CreatedAt.UTC(), contest.UTC(sr.DecidedAt)
		if sr.State == RequestAccepted {
			c := r.Contact
			sr.Contact = &c
		}
		out[sr.EntryID] = sr
	}
	return out, nil
}

// MaxMessage is the longest message an investor may send with a request.
const MaxMessage = 500

// RequestContact records an approved investor's request for the contact of
// an entry shown in the contest's showcase, with a short message; one per
// investor and entry. Audited (without the message).
func (s *Service) RequestContact(ctx context.Context, investorID, contestID, entryID int64, message string) (SentRequest, error) {
	if err := approved(ctx, s.db, contestID, investorID); err != nil {
		return SentRequest{}, err
	}
	message = strings.TrimSpace(message)
	if message == "" || utf8.RuneCountInString(message) > MaxMessage {
		return SentRequest{}, fault.Invalid("message", "err.showcase.message")
	}
	if _, err := s.results.SettleFinality(ctx, contestID); err != nil {
		return SentRequest{}, err
	}
	r := SentRequest{EntryID: entryID, Message: message, State: RequestPending}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := approved(ctx, tx, contestID, investorID); err != nil {
			return err
		}
		if _, err := s.final(ctx, tx, contestID); err != nil {
			return err
		}
		var shown bool
		err := tx.GetContext(ctx, &shown, `
			SELECT l.withdrawn_at IS NULL AND e.state = 'accepted'
			FROM showcase_listings l JOIN entries e ON e.id = l.entry_id
			WHERE l.entry_id = $1 AND l.contest_id = $2 FOR SHARE OF l`, entryID, contestID)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !shown {
			return fault.NotFound("err.showcase.not_listed")
		}
		if err != nil {
			return err
		}
		r.CreatedAt = s.db.NowUTC()
		err = tx.GetContext(ctx, &r.ID, `
			INSERT INTO showcase_requests (contest_id, entry_id, investor_id, message, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (entry_id, investor_id) DO NOTHING RETURNING id`, contestID, entryID, investorID, message, r.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.Conflict("err.showcase.already_requested")
		}
		if err != nil {
			return err
		}
		return audit.Append(ctx, tx, r.CreatedAt, &contestID, &investorID, audit.ShowcaseContactAsked, fmt.Sprintf("entry %d", entryID),
			map[string]any{"request": r.ID, "investor": investorID})
	})
	return r, err
}

// DecideRequest is the entrant's answer to a request for contact on its
// entry: accepted shares the entrant's contact with that investor, declined
// shares nothing. A request is answered once, while the entry is shown. Audited.
func (s *Service) DecideRequest(ctx context.Context, accountID, entryID, requestID int64, accept bool) error {
	state := RequestDeclined
	if accept {
		state = RequestAccepted
	}
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		e, err := ownEntry(ctx, tx, accountID, entryID, true)
		if err != nil {
			return err
		}
		var row struct {
			State     RequestState `db:"state"`
			Withdrawn bool         `db:"withdrawn"`
		}
		err = tx.GetContext(ctx, &row, `
			SELECT r.state, l.withdrawn_at IS NOT NULL AS withdrawn
			FROM showcase_requests r JOIN showcase_listings l ON l.entry_id = r.entry_id
			WHERE r.id = $1 AND r.entry_id = $2 FOR UPDATE OF r`, requestID, entryID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fault.NotFound("err.showcase.request_not_found")
		case err != nil:
			return err
		case row.State != RequestPending:
			return fault.Conflict("err.showcase.decided")
		case row.Withdrawn:
			return fault.Conflict("err.showcase.not_listed")
		}
		now := s.db.NowUTC()
		if _, err := tx.ExecContext(ctx, `UPDATE showcase_requests SET state = $2, decided_at = $3 WHERE id = $1`, requestID, state, now); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, &e.ContestID, &accountID, audit.ShowcaseContactDecided, fmt.Sprintf("entry %d", entryID),
			map[string]any{"request": requestID, "state": state})
	})
}

// ReportRow is one request for contact, as the organizers' report lists it:
// who asked whom, when, and where it stands (no contact detail, no message).
type ReportRow struct {
	ID           int64        `db:"id" json:"id"`
	Institution  string       `db:"institution" json:"institution"`
	EntryID      int64        `db:"entry_id" json:"entry_id"`
	Title        string       `db:"title" json:"title"`
	Organization string       `db:"organization" json:"organization"`
	Track        string       `db:"track" json:"track"`
	Group        string       `db:"grp" json:"group"`
	State        RequestState `db:"state" json:"state"`
	CreatedAt    time.Time    `db:"created_at" json:"created_at"`
	DecidedAt    *time.Time   `db:"decided_at" json:"decided_at,omitempty"`
}

// Report is a contest's showcase for its organizers: the investors'
// applications, the entries shown, and every request for contact.
type Report struct {
	Final        bool          `json:"final"`
	Applications []Application `json:"applications"`
	Shown        int           `json:"entries_shown"`
	Requests     []ReportRow   `json:"requests"`
}

// Report is the contest's showcase report for its organizers.
func (s *Service) Report(ctx context.Context, contestID int64) (Report, error) {
	var out Report
	var err error
	if out.Final, err = s.IsFinal(ctx, contestID); err != nil {
		return out, err
	}
	if out.Applications, err = s.ContestApplications(ctx, contestID); err != nil {
		return out, err
	}
	if err := s.db.GetContext(ctx, &out.Shown, `
		SELECT count(*) FROM showcase_listings l JOIN entries e ON e.id = l.entry_id
		WHERE l.contest_id = $1 AND l.withdrawn_at IS NULL AND e.state = 'accepted'`, contestID); err != nil {
		return out, err
	}
	out.Requests = []ReportRow{}
	if err := s.db.SelectContext(ctx, &out.Requests, `
		SELECT r.id, i.institution, r.entry_id, e.title, coalesce(o.name, '') AS organization, t.key AS track, g.key AS grp,
		       r.state, r.created_at, r.decided_at
		FROM showcase_requests r JOIN investors i ON i.account_id = r.investor_id JOIN entries e ON e.id = r.entry_id
		JOIN tracks t ON t.id = e.track_id JOIN contest_groups g ON g.id = e.group_id
		LEFT JOIN organizations o ON o.id = e.organization_id
		WHERE r.contest_id = $1 ORDER BY r.created_at DESC, r.id DESC`, contestID); err != nil {
		return out, err
	}
	for i := range out.Requests {
		out.Requests[i].CreatedAt, out.Requests[i].DecidedAt = out.Requests[i].CreatedAt.UTC(), contest.UTC(out.Requests[i].DecidedAt)
	}
	return out, nil
}
