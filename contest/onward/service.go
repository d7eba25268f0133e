// Package onward is what leaves Podium after the results: exports of a
// contest's tables for its organizers (entries, a round's ranking and score
// matrix, winners, judges' workload, objections, the audit log, the
// nominations), certificates, ZIPs of materials, printable score sheets, and
// nominations to the provincial and national contests. It imports contest,
// contest/audit (the log's paged view and Append), results (a round's
// ranking, computed as the published one is) and judging (a round's entries;
// whose sheets count in a live room), and reads other rooms' tables only in
// joins. The nominations (with their quotas and due diligence) are the one
// thing it writes, in tables of its own (migration 00018), every change
// audited in its transaction.
//
// An export is prepared first (the contest and round are checked, and what
// must be computed whole, such as a ranking, is computed), then written: a
// web handler can still answer with an error before the first byte goes out.
// Rows that need no computation (entries, winners, workload, objections,
// audit) stream from PostgreSQL row by row (the audit log a page at a time)
// into a files/table.Writer, never all held in memory.
package onward

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"time"

	"podium/contest"
	"podium/contest/results"
	"podium/fault"
	"podium/files/blob"
	"podium/files/table"
)

// Service prepares and writes exports.
type Service struct {
	db      *contest.DB
	results *results.Service
	loc     *time.Location
	// Blobs is where entries' uploads are, for the ZIPs of materials; set
	// before those are asked for (exports of tables need none).
	Blobs blob.Store
	// Log takes what a caller is not told (a blob left behind); nil: slog's default.
	Log *slog.Logger
}

// New returns the service on db, ranking rounds through res. Times in exports
// are Asia/Shanghai wall clock, where contests happen.
func New(db *contest.DB, res *results.Service) *Service {
	return &Service{db: db, results: res, loc: contest.Beijing}
}

// What is an export's kind.
type What string

// The exports.
const (
	Entries What = "entries" // every entry with its fields and review state
	Ranking What = "ranking" // a round's ranking with its explanation
	Winners What = "winners" // the prizes, per group and track
	Matrix  What = "matrix"  // a round's sheets, as `podium score` reads them
	// Scores are a round's sheets for people: the matrix's marks under the
	// criteria's names, with each entry's title, track and group.
	Scores What = "scores"
	// Workload is each judge's assignments and sheets, per round.
	Workload What = "workload"
	// Objections are the objections (异议) and their outcomes, without objectors' identities.
	Objections What = "objections"
	// Audit is the contest's audit log.
	Audit What = "audit"
	// Nominations are the nominations to the higher contests, with status and result.
	Nominations What = "nominations"
)

// Whats lists the exports, in the order menus show them.
var Whats = []What{Entries, Ranking, Scores, Matrix, Winners, Workload, Objections, Audit, Showcase, Nominations}

// ParseWhat reads an export's kind.
func ParseWhat(s string) (What, error) {
	for _, w := range Whats {
		if string(w) == s {
			return w, nil
		}
	}
	return "", fault.NotFound("err.export.unknown")
}

// NeedsRound reports whether the export is of one round.
func (w What) NeedsRound() bool { return w == Ranking || w == Matrix || w == Scores }

// Request is what to export.
type Request struct {
	ContestID int64
	What      What
	Round     string // a round's key, for the exports of a round
	Lang      Lang
}

// Export is a prepared export: checked, ready to write.
type Export struct {
	// Name is the file name, without extension, in the request's language
	// (Chinese for zh-CN), e.g. "2026创新大赛-初赛-排名".
	Name  string
	sheet string
	cols  []string
	write func(ctx context.Context, t *table.Writer) error
}

// WriteTo writes the export to w in format f. An error after rows went out
// leaves w with an incomplete file; the caller can only drop it.
func (e *Export) WriteTo(ctx context.Context, w io.Writer, f table.Format) error {
	t, err := table.New(w, f, e.sheet, e.cols)
	if err != nil {
		return err
	}
	if err := e.write(ctx, t); err != nil {
		_ = t.Close() // releases excelize's temporary file
		return err
	}
	return t.Close()
}

// Prepare checks a request and readies its export. Unknown contests and
// rounds are fault not-found; a round export without a round is invalid.
func (s *Service) Prepare(ctx context.Context, req Request) (*Export, error) {
	c, err := contest.Load(ctx, s.db, req.ContestID)
	if err != nil {
		return nil, err
	}
	lang := req.Lang.orDefault()
	contestName := pick(lang, c.NameZh, c.NameEn)
	var roundName string
	if req.What.NeedsRound() {
		if strings.TrimSpace(req.Round) == "" {
			return nil, fault.Invalid("round", "err.export.round_required")
		}
		r, err := contest.RoundByKey(ctx, s.db, req.ContestID, req.Round)
		if err != nil {
			return nil, err
		}
		var names struct {
			Zh string `db:"name_zh"`
			En string `db:"name_en"`
		}
		if err := s.db.GetContext(ctx, &names, `SELECT name_zh, name_en FROM rounds WHERE id = $1`, r.ID); err != nil {
			return nil, err
		}
		roundName = pick(lang, names.Zh, names.En)
	}
	e := &Export{}
	switch req.What {
	case Entries:
		err = s.entries(ctx, e, req.ContestID, lang)
	case Ranking:
		err = s.ranking(ctx, e, req.ContestID, req.Round, lang)
	case Matrix:
		err = s.matrix(ctx, e, req.ContestID, req.Round)
	case Scores:
		err = s.scores(ctx, e, req.ContestID, req.Round, lang)
	case Winners:
		err = s.winners(ctx, e, req.ContestID, lang)
	case Workload:
		err = s.workload(ctx, e, req.ContestID, lang)
	case Objections:
		err = s.objections(ctx, e, req.ContestID, lang)
	case Audit:
		err = s.auditLog(ctx, e, req.ContestID, lang)
	case Showcase:
		err = s.showcase(ctx, e, req.ContestID, lang)
	case Nominations:
		err = s.nominationsExport(ctx, e, req.ContestID, lang)
	default:
		return nil, fault.NotFound("err.export.unknown")
	}
	if err != nil {
		return nil, err
	}
	e.sheet = sheetName(req.What, lang)
	parts := []string{contestName}
	if roundName != "" {
		parts = append(parts, roundName)
	}
	e.Name = fileName(append(parts, e.sheet)...)
	return e, nil
}

// fileName joins parts with "-", without characters file systems refuse.
func fileName(parts ...string) string {
	name := strings.Join(parts, "-")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`<>:"/\|?*`, r) {
			return '_'
		}
		return r
	}, name)
}

// pick is a name in the reader's language; English falls back to Chinese,
// which every name has.
func pick(lang Lang, zh, en string) string {
	if lang == English && en != "" {
		return en
	}
	return zh
}

// local is t on the contest's wall clock (zero stays zero: an empty cell).
func (s *Service) local(t *time.Time) time.Time {
	if t == nil || t.IsZero() {
		return time.Time{}
	}
	return t.In(s.loc)
}
