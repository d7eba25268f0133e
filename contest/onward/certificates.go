// Certificates (package onward): a prize certificate per awarded entry of a
// published round, and the verification of a certificate's number against
// the database. The number is derived from the publication that gave the
// prize, so no table holds it:
//
//	<year>-<round key>-v<version>-<code>
//
// where year is the publication's year in Beijing time and code is the
// unpadded base32 of the first 10 bytes of HMAC-SHA256 keyed with the
// publication's Merkle tree root over the entry's id (8 bytes, big-endian)
// and its award level. A new version of the round (a new tree root) or
// another prize gives another number; a number of an older version names it,
// so verification says it was superseded.

package onward

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/results"
	"podium/fault"
	"podium/files/certificate"
)

// PrizeNames are the printed names of the award levels, Chinese and English.
var PrizeNames = map[string][2]string{
	"first":     {"一等奖", "First Prize"},
	"second":    {"二等奖", "Second Prize"},
	"third":     {"三等奖", "Third Prize"},
	"honorable": {"优秀奖", "Honourable Mention"},
}

var code32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// CertificateNumber is the number of the certificate of the entry's award
// level in publication p (see the package comment).
func CertificateNumber(p results.Publication, entryID int64, level string) string {
	mac := hmac.New(sha256.New, p.TreeRoot)
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], uint64(entryID))
	mac.Write(id[:])
	mac.Write([]byte(level))
	return fmt.Sprintf("%d-%s-v%d-%s", p.PublishedAt.In(contest.Beijing).Year(), p.RoundKey, p.Version, code32.EncodeToString(mac.Sum(nil)[:10]))
}

// parsedNumber is a certificate number taken apart.
type parsedNumber struct {
	year     int
	roundKey string
	version  int
	code     string
}

func parseNumber(number string) (parsedNumber, bool) {
	var n parsedNumber
	number = strings.TrimSpace(number)
	first, last := strings.IndexByte(number, '-'), strings.LastIndexByte(number, '-')
	if first < 0 || last <= first {
		return n, false
	}
	middle := number[first+1 : last]
	v := strings.LastIndex(middle, "-v")
	if v <= 0 {
		return n, false
	}
	var err1, err2 error
	n.year, err1 = strconv.Atoi(number[:first])
	n.version, err2 = strconv.Atoi(middle[v+2:])
	n.roundKey, n.code = middle[:v], strings.ToUpper(number[last+1:])
	if err1 != nil || err2 != nil || n.roundKey == "" || n.version < 1 || len(n.code) != 16 {
		return n, false
	}
	return n, true
}

// Award is a certificate to print: what it says, and where it stands.
type Award struct {
	ContestID   int64
	ContestSlug string
	EntryID     int64
	AwardLevel  string
	RoundKey    string
	Version     int
	Certificate certificate.Certificate // VerifyURL left for the caller, who knows the public address
}

// FileName is the award's name in a ZIP of certificates: prize and title.
func (a Award) FileName() string {
	name := a.Certificate.PrizeZh + "-" + a.Certificate.Title
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf("%s-%d.pdf", name, a.EntryID)
}

type contestNames struct {
	Slug   string `db:"slug"`
	NameZh string `db:"name_zh"`
	NameEn string `db:"name_en"`
}

type roundNames struct {
	NameZh string `db:"name_zh"`
	NameEn string `db:"name_en"`
}

func (s *Service) names(ctx context.Context, q sqlx.QueryerContext, contestID int64, roundKey string) (contestNames, roundNames, error) {
	var c contestNames
	var r roundNames
	if err := sqlx.GetContext(ctx, q, &c, `SELECT slug, name_zh, name_en FROM contests WHERE id = $1`, contestID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return c, r, fault.NotFound("err.contest.not_found")
		}
		return c, r, err
	}
	err := sqlx.GetContext(ctx, q, &r, `SELECT name_zh, name_en FROM rounds WHERE contest_id = $1 AND key = $2`, contestID, roundKey)
	if errors.Is(err, sql.ErrNoRows) {
		return c, r, fault.NotFound("err.certificate.not_found")
	}
	return c, r, err
}

func award(c contestNames, contestID int64, r roundNames, p results.Publication, res results.PublishedResult) Award {
	prize := PrizeNames[res.AwardLevel]
	if prize[0] == "" {
		prize = [2]string{res.AwardLevel, res.AwardLevel}
	}
	return Award{ContestID: contestID, ContestSlug: c.Slug, EntryID: res.EntryID, AwardLevel: res.AwardLevel,
		RoundKey: p.RoundKey, Version: p.Version,
		Certificate: certificate.Certificate{
			ContestZh: c.NameZh, ContestEn: c.NameEn, Title: res.Title, Organization: res.Organization,
			PrizeZh: prize[0], PrizeEn: prize[1], RoundZh: r.NameZh, RoundEn: r.NameEn,
			Date: p.PublishedAt, Number: CertificateNumber(p, res.EntryID, res.AwardLevel),
		}}
}

// Awards are the certificates of a round's current publication: every
// awarded entry, best prize first; not found when the round was never
// published.
func (s *Service) Awards(ctx context.Context, contestID int64, roundKey string) ([]Award, error) {
	p, err := s.results.CurrentPublication(ctx, s.db, contestID, roundKey)
	if err != nil {
		return nil, err
	}
	c, r, err := s.names(ctx, s.db, contestID, roundKey)
	if err != nil {
		return nil, err
	}
	out := []Award{}
	for _, level := range contest.AwardLevels {
		for _, res := range p.Results {
			if res.AwardLevel == level {
				out = append(out, award(c, contestID, r, p, res))
			}
		}
	}
	return out, nil
}

// Award is the certificate of one entry in a round's current publication;
// not found (err.certificate.not_found) when the entry has no prize there.
func (s *Service) Award(ctx context.Context, contestID int64, roundKey string, entryID int64) (Award, error) {
	p, err := s.results.CurrentPublication(ctx, s.db, contestID, roundKey)
	if err != nil {
		return Award{}, err
	}
	res, ok := p.ResultOf(entryID)
	if !ok || res.AwardLevel == "" {
		return Award{}, fault.NotFound("err.certificate.not_found")
	}
	c, r, err := s.names(ctx, s.db, contestID, roundKey)
	if err != nil {
		return Award{}, err
	}
	return award(c, contestID, r, p, res), nil
}

// EntryAward is the certificate of an entry, looked up by the entry alone:
// in roundKey, or where roundKey is empty, in the last published round
// whose current version gives it a prize.
func (s *Service) EntryAward(ctx context.Context, entryID int64, roundKey string) (Award, error) {
	var contestID int64
	if err := s.db.GetContext(ctx, &contestID, `SELECT contest_id FROM entries WHERE id = $1`, entryID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Award{}, fault.NotFound("err.certificate.not_found")
		}
		return Award{}, err
	}
	if roundKey != "" {
		return s.Award(ctx, contestID, roundKey, entryID)
	}
	rounds, err := s.results.PublishedRounds(ctx, contestID)
	if err != nil {
		return Award{}, err
	}
	for i := len(rounds) - 1; i >= 0; i-- {
		a, err := s.Award(ctx, contestID, rounds[i].Key, entryID)
		if fault.ErrorCode(err) == fault.CodeNotFound {
			continue
		}
		return a, err
	}
	return Award{}, fault.NotFound("err.certificate.not_found")
}

// Verified is what the database says of a certificate number that it issued.
type Verified struct {
	Number       string
	ContestZh    string
	ContestEn    string
	Title        string
	Organization string
	AwardLevel   string
	PrizeZh      string
	PrizeEn      string
	RoundKey     string
	RoundZh      string
	RoundEn      string
	Version      int       // the version the certificate was issued on
	PublishedAt  time.Time // when that version was published
	// Current reports whether that version is still the round's current
	// one. When it is not, CurrentVersion is the newest version and
	// CurrentAwardLevel the entry's prize there ("" for none).
	Current           bool
	CurrentVersion    int
	CurrentAwardLevel string
	CurrentNumber     string // the entry's certificate in the current version, if it has a prize there
}

// VerifyCertificate recomputes a certificate number from the database: it is
// genuine when a version of the named round's publication gives an entry the
// prize whose code it carries. Anything else — a malformed number, a changed
// character, another contest's number — is not found
// (err.certificate.not_found).
func (s *Service) VerifyCertificate(ctx context.Context, contestID int64, number string) (Verified, error) {
	notFound := fault.NotFound("err.certificate.not_found")
	n, ok := parseNumber(number)
	if !ok {
		return Verified{}, notFound
	}
	var p results.Publication
	err := s.db.GetContext(ctx, &p, `
		SELECT p.id, p.round_id, r.key AS round_key, p.version, p.published_at, p.tree_root
		FROM publications p JOIN rounds r ON r.id = p.round_id
		WHERE p.contest_id = $1 AND r.key = $2 AND p.version = $3`, contestID, n.roundKey, n.version)
	if errors.Is(err, sql.ErrNoRows) {
		return Verified{}, notFound
	}
	if err != nil {
		return Verified{}, err
	}
	if p.PublishedAt.In(contest.Beijing).Year() != n.year {
		return Verified{}, notFound
	}
	var awarded []results.PublishedResult
	if err := s.db.SelectContext(ctx, &awarded, `
		SELECT entry_id, title, organization, award_level FROM publication_results
		WHERE publication_id = $1 AND award_level IS NOT NULL AND award_level <> ''`, p.ID); err != nil {
		return Verified{}, err
	}
	want := fmt.Sprintf("%d-%s-v%d-%s", n.year, n.roundKey, n.version, n.code)
	for _, res := range awarded {
		if !hmac.Equal([]byte(CertificateNumber(p, res.EntryID, res.AwardLevel)), []byte(want)) {
			continue
		}
		c, r, err := s.names(ctx, s.db, contestID, n.roundKey)
		if err != nil {
			return Verified{}, err
		}
		prize := PrizeNames[res.AwardLevel]
		v := Verified{Number: want, ContestZh: c.NameZh, ContestEn: c.NameEn, Title: res.Title, Organization: res.Organization,
			AwardLevel: res.AwardLevel, PrizeZh: prize[0], PrizeEn: prize[1], RoundKey: n.roundKey, RoundZh: r.NameZh, RoundEn: r.NameEn,
			Version: n.version, PublishedAt: p.PublishedAt.UTC()}
		current, err := s.results.CurrentPublication(ctx, s.db, contestID, n.roundKey)
		if err != nil {
			return Verified{}, err
		}
		v.CurrentVersion = current.Version
		v.Current = current.Version == n.version
		if now, ok := current.ResultOf(res.EntryID); ok {
			v.CurrentAwardLevel = now.AwardLevel
			if now.AwardLevel != "" {
				v.CurrentNumber = CertificateNumber(current, res.EntryID, now.AwardLevel)
			}
		}
		return v, nil
	}
	return Verified{}, notFound
}
