package contest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Audit actions: everything that matters to fairness is recorded in the same
// transaction as the change.
const (
	AuditContestCreated  = "contest.created"
	AuditContestUpdated  = "contest.updated"
	AuditEntriesReviewed = "entries.reviewed"
	AuditEntriesImported = "entries.imported"
)

// AuditRecord is one link of a contest's audit chain. Hash is the SHA-256 of the
// record's canonical form, which includes PrevHash, the previous record's Hash:
// changing, deleting or reordering a record breaks the chain from there on.
type AuditRecord struct {
	ID        int64           `db:"id" json:"id"`
	ContestID *int64          `db:"contest_id" json:"contest_id"`
	Seq       int64           `db:"seq" json:"seq"`
	At        time.Time       `db:"at" json:"at"`
	ActorID   *int64          `db:"actor_id" json:"actor_id"`
	Action    string          `db:"action" json:"action"`
	Subject   string          `db:"subject" json:"subject"`
	Payload   json.RawMessage `db:"payload" json:"payload"`
	PrevHash  []byte          `db:"prev_hash" json:"prev_hash"`
	Hash      []byte          `db:"hash" json:"hash"`
}

// canonicalJSON re-encodes JSON with sorted keys and numbers as written, so that
// the payload hashes the same before storage and after PostgreSQL's jsonb has
// reordered it.
func canonicalJSON(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v) // maps marshal with sorted keys
}

// digest is the hash of a record: SHA-256 over a JSON array of its fields.
func (r AuditRecord) digest() ([]byte, error) {
	payload, err := canonicalJSON(r.Payload)
	if err != nil {
		return nil, fmt.Errorf("audit record %d payload: %w", r.Seq, err)
	}
	b, err := json.Marshal([]any{r.Seq, r.ContestID, r.At.UTC().Format(time.RFC3339Nano), r.ActorID,
		r.Action, r.Subject, json.RawMessage(payload), hex.EncodeToString(r.PrevHash)})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	return sum[:], nil
}

// audit appends a record to the contest's chain (contestID nil: the global
// chain) inside tx. Appends to one chain are serialized by a transaction-scoped
// advisory lock, so concurrent changes cannot fork it.
func (s *Store) audit(ctx context.Context, tx *sqlx.Tx, contestID, actorID *int64, action, subject string, payload any) error {
	chain := int64(0)
	if contestID != nil {
		chain = *contestID
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('podium.audit', $1))`, chain); err != nil {
		return err
	}
	rec := AuditRecord{ContestID: contestID, ActorID: actorID, Action: action, Subject: subject,
		At: s.now().Truncate(time.Microsecond), PrevHash: make([]byte, sha256.Size)} // PostgreSQL keeps microseconds
	var last struct {
		Seq  int64  `db:"seq"`
		Hash []byte `db:"hash"`
	}
	// "contest_id = $1" (not IS NOT DISTINCT FROM) lets PostgreSQL read the chain's
	// tail from the (contest_id, seq) index instead of scanning the whole log.
	tail := `SELECT seq, hash FROM audit_log WHERE contest_id = $1 ORDER BY seq DESC LIMIT 1`
	args := []any{contestID}
	if contestID == nil {
		tail, args = `SELECT seq, hash FROM audit_log WHERE contest_id IS NULL ORDER BY seq DESC LIMIT 1`, nil
	}
	err := tx.GetContext(ctx, &last, tail, args...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		rec.Seq = 1
	case err != nil:
		return err
	default:
		rec.Seq, rec.PrevHash = last.Seq+1, last.Hash
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	if rec.Payload, err = canonicalJSON(raw); err != nil {
		return err
	}
	if rec.Hash, err = rec.digest(); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO audit_log (contest_id, seq, at, actor_id, action, subject, payload, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		rec.ContestID, rec.Seq, rec.At, rec.ActorID, rec.Action, rec.Subject, []byte(rec.Payload), rec.PrevHash, rec.Hash)
	return err
}

// AuditLog returns a contest's chain in order.
func (s *Store) AuditLog(ctx context.Context, contestID int64) ([]AuditRecord, error) {
	return s.auditChain(ctx, &contestID)
}

func (s *Store) auditChain(ctx context.Context, contestID *int64) ([]AuditRecord, error) {
	recs := []AuditRecord{}
	err := s.DB.SelectContext(ctx, &recs, `
		SELECT id, contest_id, seq, at, actor_id, action, subject, payload, prev_hash, hash
		FROM audit_log WHERE contest_id IS NOT DISTINCT FROM $1 ORDER BY seq, id`, contestID)
	return recs, err
}

// ChainProblem is the first record at which an audit chain does not hold.
type ChainProblem struct {
	ContestID *int64 `json:"contest_id"`
	Seq       int64  `json:"seq"` // the sequence number expected or found there
	ID        int64  `json:"id"`  // the record's row id, 0 when a record is missing
	Reason    string `json:"reason"`
}

func (p ChainProblem) String() string {
	chain := "global"
	if p.ContestID != nil {
		chain = fmt.Sprintf("contest %d", *p.ContestID)
	}
	return fmt.Sprintf("%s: record seq %d (id %d): %s", chain, p.Seq, p.ID, p.Reason)
}

// VerifyAudit checks audit chains — one contest's, or every chain when contestID
// is nil — and returns how many records it checked and the first problem found
// in each broken chain. A chain holds when its records are numbered 1, 2, 3 …
// without gaps, each carries the previous record's hash, and each hash matches
// the record's content.
func (s *Store) VerifyAudit(ctx context.Context, contestID *int64) (int, []ChainProblem, error) {
	var chains []*int64
	if contestID != nil {
		chains = []*int64{contestID}
	} else {
		var ids []sql.NullInt64
		if err := s.DB.SelectContext(ctx, &ids, `SELECT DISTINCT contest_id FROM audit_log ORDER BY contest_id NULLS FIRST`); err != nil {
			return 0, nil, err
		}
		for _, id := range ids {
			if id.Valid {
				v := id.Int64
				chains = append(chains, &v)
			} else {
				chains = append(chains, nil)
			}
		}
	}
	checked := 0
	var problems []ChainProblem
	for _, chain := range chains {
		recs, err := s.auditChain(ctx, chain)
		if err != nil {
			return checked, nil, err
		}
		checked += len(recs)
		if p := verifyChain(recs); p != nil {
			p.ContestID = chain
			problems = append(problems, *p)
		}
	}
	return checked, problems, nil
}

// verifyChain returns the first problem in a chain read in seq order, or nil.
func verifyChain(recs []AuditRecord) *ChainProblem {
	prev := make([]byte, sha256.Size)
	for i, r := range recs {
		want := int64(i + 1)
		switch {
		case r.Seq != want:
			return &ChainProblem{Seq: want, ID: r.ID, Reason: fmt.Sprintf("expected record %d, found %d: a record is missing or duplicated", want, r.Seq)}
		case !bytes.Equal(r.PrevHash, prev):
			return &ChainProblem{Seq: r.Seq, ID: r.ID, Reason: "previous-hash link broken: a record before it was changed, removed or reordered"}
		}
		sum, err := r.digest()
		if err != nil {
			return &ChainProblem{Seq: r.Seq, ID: r.ID, Reason: err.Error()}
		}
		if !bytes.Equal(sum, r.Hash) {
			return &ChainProblem{Seq: r.Seq, ID: r.ID, Reason: "hash does not match the record's content: the record was changed"}
		}
		prev = r.Hash
	}
	return nil
}
