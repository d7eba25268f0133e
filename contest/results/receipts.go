package results

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/fault"
	"podium/transparency"
)

// This file holds the transparency log over a contest's audit records: the
// Merkle tree (RFC 6962, package transparency) whose leaves are the records
// in their order, judges named by a pseudonym; the contest's signing key; the
// signed tree head every publication states; and the receipt an entrant
// downloads to check that the sheets behind their result are the ones
// recorded, and that nothing recorded was changed afterwards.
// docs/verifiable-results.*.md explain the scheme.

// logKeys are a contest's signing key and the secret behind its pseudonyms.
type logKeys struct {
	Signer   string `db:"signer_key"`
	Verifier string `db:"verifier_key"`
	Salt     []byte `db:"pseudonym_salt"`
}

// keysOf reads a contest's log keys, making them on first use.
func keysOf(ctx context.Context, tx *sqlx.Tx, contestID int64, now time.Time) (logKeys, error) {
	var k logKeys
	err := tx.GetContext(ctx, &k, `SELECT signer_key, verifier_key, pseudonym_salt FROM contest_keys WHERE contest_id = $1`, contestID)
	if !errors.Is(err, sql.ErrNoRows) {
		return k, err
	}
	var slug string
	if err := tx.GetContext(ctx, &slug, `SELECT slug FROM contests WHERE id = $1`, contestID); err != nil {
		return k, err
	}
	if k.Signer, k.Verifier, err = transparency.NewKeys(keyName(slug, contestID)); err != nil {
		return k, err
	}
	k.Salt = make([]byte, 32)
	if _, err := rand.Read(k.Salt); err != nil {
		return k, err
	}
	// Two first publications at once: the one that loses the race reads the winner's keys.
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO contest_keys (contest_id, signer_key, verifier_key, pseudonym_salt, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (contest_id) DO NOTHING`,
		contestID, k.Signer, k.Verifier, k.Salt, now); err != nil {
		return k, err
	}
	err = tx.GetContext(ctx, &k, `SELECT signer_key, verifier_key, pseudonym_salt FROM contest_keys WHERE contest_id = $1`, contestID)
	return k, err
}

// keyName names a contest's key: its slug when that is a valid key name.
func keyName(slug string, contestID int64) string {
	for _, r := range slug {
		if r <= ' ' || r == '+' || r > '~' {
			slug = ""
		}
	}
	if slug == "" {
		return fmt.Sprintf("podium-contest-%d", contestID)
	}
	return "podium-" + slug
}

// logTree builds the tree over the contest's first size audit records.
func logTree(ctx context.Context, q sqlx.QueryerContext, contestID int64, salt []byte, size int64) (*transparency.Tree, error) {
	rows, err := q.QueryxContext(ctx, `
		SELECT seq, at, actor_id, action, subject, payload FROM audit_log
		WHERE contest_id = $1 AND seq <= $2 ORDER BY seq`, contestID, size)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	leaves := make([][]byte, 0, size)
	for rows.Next() {
		var r struct {
			Seq     int64     `db:"seq"`
			At      time.Time `db:"at"`
			ActorID *int64    `db:"actor_id"`
			Action  string    `db:"action"`
			Subject string    `db:"subject"`
			Payload []byte    `db:"payload"`
		}
		if err := rows.StructScan(&r); err != nil {
			return nil, err
		}
		if r.Seq != int64(len(leaves))+1 {
			return nil, fmt.Errorf("audit chain of contest %d: record %d follows %d", contestID, r.Seq, len(leaves))
		}
		leaf := transparency.Leaf{Seq: r.Seq, At: r.At.UTC().Format(time.RFC3339Nano), Action: r.Action,
			Subject: r.Subject, Payload: json.RawMessage(r.Payload)}
		if r.ActorID != nil {
			leaf.Actor = transparency.Pseudonym(salt, *r.ActorID)
		}
		leaves = append(leaves, leaf.Encode())
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if int64(len(leaves)) != size {
		return nil, fmt.Errorf("audit chain of contest %d has %d records, not %d", contestID, len(leaves), size)
	}
	return transparency.NewTree(leaves)
}

// signedHead is a tree head and its signed note.
type signedHead struct {
	transparency.Head
	Signed string
}

// signHead signs the head of the tree over every audit record of the contest
// so far, in the caller's transaction (which holds the chain's head after
// its last append).
func (s *Service) signHead(ctx context.Context, tx *sqlx.Tx, contestID int64) (signedHead, error) {
	keys, err := keysOf(ctx, tx, contestID, s.now())
	if err != nil {
		return signedHead{}, err
	}
	var size int64
	if err := tx.GetContext(ctx, &size, `SELECT seq FROM audit_heads WHERE chain = $1`, contestID); err != nil {
		return signedHead{}, err
	}
	tree, err := logTree(ctx, tx, contestID, keys.Salt, size)
	if err != nil {
		return signedHead{}, err
	}
	root, err := tree.Root(size)
	if err != nil {
		return signedHead{}, err
	}
	h := signedHead{Head: transparency.Head{Origin: originOf(keys.Verifier), Size: size, Root: root}}
	h.Signed, err = transparency.SignHead(keys.Signer, h.Head)
	return h, err
}

// logName is the name a contest's log goes by, fixed when its key is made:
// its slug then (or "contest-<id>" for a slug a key name cannot hold). The
// key is named "podium-<log name>" and its heads' origin is "podium/<log name>".
func logName(verifier string) string {
	name, _, _ := strings.Cut(verifier, "+")
	return strings.TrimPrefix(name, "podium-")
}

// originOf is the origin line of a contest's heads.
func originOf(verifier string) string { return "podium/" + logName(verifier) }

// Heads are every signed head the contest published, oldest first, with its
// verifier key: what anyone checks a receipt against (transparency.VerifyPublished).
func (s *Service) Heads(ctx context.Context, contestID int64) (transparency.PublishedHeads, error) {
	out := transparency.PublishedHeads{Heads: []transparency.PublishedHead{}}
	if err := s.db.GetContext(ctx, &out.Contest, `SELECT slug FROM contests WHERE id = $1`, contestID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return out, fault.NotFound("err.contest.not_found")
		}
		return out, err
	}
	switch err := s.db.GetContext(ctx, &out.VerifierKey, `SELECT verifier_key FROM contest_keys WHERE contest_id = $1`, contestID); {
	case err == nil:
		out.Contest = logName(out.VerifierKey) // the name the heads are signed under
	case !errors.Is(err, sql.ErrNoRows):
		return out, err
	}
	pubs, err := s.Publications(ctx, contestID)
	if err != nil {
		return out, err
	}
	for _, p := range pubs {
		out.Heads = append(out.Heads, transparency.PublishedHead{Round: p.RoundKey, Version: p.Version, Size: p.TreeSize,
			Root: base64.StdEncoding.EncodeToString(p.TreeRoot), Signed: p.SignedHead, PublishedAt: p.PublishedAt.Format(time.RFC3339Nano)})
	}
	return out, nil
}

// Receipt is the receipt of an entry's result in the current version of a
// round's publication: the signed head, the publication's record and the
// entry's sheets with their inclusion proofs, and every earlier head of the
// contest with the proof that this head extends it. Not found when the entry
// has no result in that version.
func (s *Service) Receipt(ctx context.Context, contestID, entryID int64, roundKey string) (transparency.Receipt, error) {
	var rc transparency.Receipt
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		p, err := s.CurrentPublication(ctx, tx, contestID, roundKey)
		if err != nil {
			return err
		}
		res, ok := p.ResultOf(entryID)
		if !ok {
			return fault.NotFound("err.results.no_result")
		}
		ct, err := contest.Load(ctx, tx, contestID)
		if err != nil {
			return err
		}
		round, _ := ct.Round(roundKey)
		keys, err := keysOf(ctx, tx, contestID, s.now())
		if err != nil {
			return err
		}
		tree, err := logTree(ctx, tx, contestID, keys.Salt, p.TreeSize)
		if err != nil {
			return err
		}
		pubs, err := s.Publications(ctx, contestID)
		if err != nil {
			return err
		}
		var earlier []string
		for _, e := range pubs {
			if e.TreeSize < p.TreeSize {
				earlier = append(earlier, e.SignedHead)
			}
		}
		records := []transparency.RecordRef{{Seq: p.AuditSeq, Kind: transparency.KindPublication}}
		for _, seq := range res.Sheets {
			records = append(records, transparency.RecordRef{Seq: seq, Kind: transparency.KindSheet})
		}
		base := transparency.Receipt{
			Contest: transparency.ReceiptContest{Slug: logName(keys.Verifier), Name: ct.NameZh},
			Round:   transparency.ReceiptRound{Key: roundKey, Name: round.NameZh, Version: p.Version},
			Entry:   transparency.ReceiptEntry{Code: res.Code, Title: res.Title},
			Result:  transparency.ReceiptResult{Score: int64(res.Score), Rank: res.Rank, Advanced: res.Advanced, Award: res.AwardLevel},
		}
		rc, err = transparency.BuildReceipt(tree, base, keys.Verifier, p.SignedHead, earlier, records)
		return err
	})
	return rc, err
}
