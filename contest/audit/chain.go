// Package audit is the contests' audit chain: every change that matters to
// fairness appends a record in the same transaction as the change (Append),
// hash-chained so that a changed, removed or reordered record is found
// (Verify), and read a page at a time by the organizers (Page). Every action a
// record can name is declared here, as an Action, in one place.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Record is one link of a contest's audit chain. Hash covers PrevHash, the
// previous record's Hash, so changing, deleting or reordering a record breaks
// the chain from there on.
//
// Scheme 2 (every record written since migration 00006):
//
//	Hash = SHA-256(PrevHash ‖ Seq as 8 bytes big-endian ‖ SHA-256(body))
//
// where body is the JSON array [contest_id, at, actor_id, action, subject,
// payload]. PostgreSQL computes the outer hash while it holds the chain's head,
// so the record's place in the chain is fixed by the same statement that
// writes it. Scheme 1 (older records) hashed the fields with Seq and PrevHash
// inside one JSON array; see digestV1.
type Record struct {
	ID        int64           `db:"id" json:"id"`
	ContestID *int64          `db:"contest_id" json:"contest_id"`
	Seq       int64           `db:"seq" json:"seq"`
	At        time.Time       `db:"at" json:"at"`
	ActorID   *int64          `db:"actor_id" json:"actor_id"`
	Action    Action          `db:"action" json:"action"`
	Subject   string          `db:"subject" json:"subject"`
	Payload   json.RawMessage `db:"payload" json:"payload"`
	PrevHash  []byte          `db:"prev_hash" json:"prev_hash"`
	Hash      []byte          `db:"hash" json:"hash"`
	Scheme    int             `db:"scheme" json:"scheme"`
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

// bodyDigest is the SHA-256 of a record's own content (everything but its place
// in the chain).
func (r Record) bodyDigest() ([]byte, error) {
	payload, err := canonicalJSON(r.Payload)
	if err != nil {
		return nil, fmt.Errorf("audit record %d payload: %w", r.Seq, err)
	}
	b, err := json.Marshal([]any{r.ContestID, r.At.UTC().Format(time.RFC3339Nano), r.ActorID,
		r.Action, r.Subject, json.RawMessage(payload)})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	return sum[:], nil
}

// digest is the hash the record should carry, by its scheme.
func (r Record) digest() ([]byte, error) {
	if r.Scheme == 1 {
		return r.digestV1()
	}
	body, err := r.bodyDigest()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write(r.PrevHash)
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(r.Seq)))
	h.Write(body)
	return h.Sum(nil), nil
}

// digestV1 is scheme 1: SHA-256 over a JSON array of the fields, Seq and
// PrevHash included.
func (r Record) digestV1() ([]byte, error) {
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

// Pending is a record about to be appended: its content and the digest of it.
type Pending struct {
	chain   int64 // contest id, 0 for the global chain
	rec     Record
	digest  []byte
	payload string // canonical JSON, as text (the column is jsonb)
}

// NewPending makes the record of action at time at, for a contest's chain
// (contestID nil: the global chain), ready to append with CTEs and Args.
func NewPending(at time.Time, contestID, actorID *int64, action Action, subject string, payload any) (Pending, error) {
	e := Pending{rec: Record{ContestID: contestID, ActorID: actorID, Action: action, Subject: subject,
		At: at.UTC().Truncate(time.Microsecond)}} // PostgreSQL keeps microseconds
	if contestID != nil {
		e.chain = *contestID
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return e, err
	}
	if e.rec.Payload, err = canonicalJSON(raw); err != nil {
		return e, err
	}
	e.payload = string(e.rec.Payload)
	e.digest, err = e.rec.bodyDigest()
	return e, err
}

// Args are the record's values for the placeholders of CTEs, in order.
func (e Pending) Args() []any {
	return []any{e.chain, e.digest, e.rec.ContestID, e.rec.At, e.rec.ActorID, e.rec.Action, e.rec.Subject, e.payload}
}

// CTEs appends a record as two common table expressions, audit_head and
// audit_record, so that a caller can fold the append into its own statement.
// first is the number of the first of the eight placeholders that take
// Pending.Args; source, if not empty, is a FROM clause the append depends
// on (no row: no record). The head's row lock is the chain's lock; fence, if
// not empty, is a condition checked again once it is held.
func CTEs(first int, source, fence string) string {
	if fence != "" {
		fence = "AND " + fence
	}
	p := make([]any, 8)
	for i := range p {
		p[i] = fmt.Sprintf("$%d", first+i)
	}
	return fmt.Sprintf(`
	audit_head AS (
		UPDATE audit_heads AS h SET seq = h.seq + 1, prev_hash = h.hash, hash = sha256(h.hash || int8send(h.seq + 1) || %[2]s::bytea)
		%[9]s
		WHERE h.chain = %[1]s::bigint %[10]s
		RETURNING h.seq, h.prev_hash, h.hash),
	audit_record AS (
		INSERT INTO audit_log (contest_id, seq, at, actor_id, action, subject, payload, prev_hash, hash, scheme)
		SELECT %[3]s::bigint, seq, %[4]s::timestamptz, %[5]s::bigint, %[6]s::text, %[7]s::text, %[8]s::jsonb, prev_hash, hash, 2 FROM audit_head
		RETURNING seq)`, append(p, source, fence)...)
}

// Append appends the record of action, taken at time at, to the contest's
// chain (contestID nil: the global chain) inside tx, the transaction of the
// change it records. The chain's head row stays locked until tx ends, so
// concurrent changes cannot fork the chain; append last, to hold it briefly.
func Append(ctx context.Context, tx *sqlx.Tx, at time.Time, contestID, actorID *int64, action Action, subject string, payload any) error {
	e, err := NewPending(at, contestID, actorID, action, subject, payload)
	if err != nil {
		return err
	}
	var seq int64
	err = tx.GetContext(ctx, &seq, `WITH `+CTEs(1, "", "")+` SELECT seq FROM audit_record`, e.Args()...)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit chain %d has no head", e.chain)
	}
	return err
}

// Service reads and verifies the chains.
type Service struct {
	db *sqlx.DB
}

// New returns the audit service on db. (It sits below the domain's other
// rooms, which all append to it, so it takes the pool itself rather than
// contest.DB.)
func New(db *sqlx.DB) *Service { return &Service{db: db} }

// Records returns a contest's chain in order.
func (s *Service) Records(ctx context.Context, contestID int64) ([]Record, error) {
	return s.chain(ctx, &contestID)
}

func (s *Service) chain(ctx context.Context, contestID *int64) ([]Record, error) {
	recs := []Record{}
	err := s.db.SelectContext(ctx, &recs, `
		SELECT id, contest_id, seq, at, actor_id, action, subject, payload, prev_hash, hash, scheme
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

// Verify checks audit chains — one contest's, or every chain when contestID
// is nil — and returns how many records it checked and the first problem found
// in each broken chain. A chain holds when its records are numbered 1, 2, 3 …
// without gaps, each carries the previous record's hash, and each hash matches
// the record's content.
func (s *Service) Verify(ctx context.Context, contestID *int64) (int, []ChainProblem, error) {
	var chains []*int64
	if contestID != nil {
		chains = []*int64{contestID}
	} else {
		var ids []sql.NullInt64
		if err := s.db.SelectContext(ctx, &ids, `SELECT DISTINCT contest_id FROM audit_log ORDER BY contest_id NULLS FIRST`); err != nil {
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
		recs, err := s.chain(ctx, chain)
		if err != nil {
			return checked, nil, err
		}
		checked += len(recs)
		p := verifyChain(recs)
		if p == nil {
			if p, err = s.verifyHead(ctx, chain, recs); err != nil {
				return checked, nil, err
			}
		}
		if p != nil {
			p.ContestID = chain
			problems = append(problems, *p)
		}
	}
	return checked, problems, nil
}

// verifyHead checks a sound chain against its head row, which knows the last
// record: removing records from the end is found here.
func (s *Service) verifyHead(ctx context.Context, contestID *int64, recs []Record) (*ChainProblem, error) {
	chain := int64(0)
	if contestID != nil {
		chain = *contestID
	}
	var head struct {
		Seq  int64  `db:"seq"`
		Hash []byte `db:"hash"`
	}
	err := s.db.GetContext(ctx, &head, `SELECT seq, hash FROM audit_heads WHERE chain = $1`, chain)
	if errors.Is(err, sql.ErrNoRows) {
		head.Seq = 0
	} else if err != nil {
		return nil, err
	}
	var last Record
	if len(recs) > 0 {
		last = recs[len(recs)-1]
	}
	switch {
	case head.Seq > last.Seq:
		return &ChainProblem{Seq: last.Seq + 1, Reason: fmt.Sprintf("the chain's head is at record %d, but the log ends at %d: records at the end are missing", head.Seq, last.Seq)}, nil
	case head.Seq < last.Seq:
		return &ChainProblem{Seq: head.Seq + 1, Reason: fmt.Sprintf("the log goes on to record %d past the chain's head at %d: records were added outside the chain", last.Seq, head.Seq)}, nil
	case head.Seq == last.Seq && !bytes.Equal(head.Hash, last.Hash) && head.Seq > 0:
		return &ChainProblem{Seq: last.Seq, ID: last.ID, Reason: "the last record's hash differs from the chain's head: the end of the chain was rewritten"}, nil
	}
	return nil, nil
}

// VerifyRecords checks one chain given as records in order — an export of the
// audit log, say — without the database: numbering, links and hashes. It
// returns the first problem, or nil. (The chain's head is not in an export, so
// records cut from its end are not found here; Verify finds them.)
func VerifyRecords(recs []Record) *ChainProblem {
	p := verifyChain(recs)
	if p != nil && len(recs) > 0 {
		p.ContestID = recs[0].ContestID
	}
	return p
}

// verifyChain returns the first problem in a chain read in seq order, or nil.
func verifyChain(recs []Record) *ChainProblem {
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
