package audit_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/contesttest"
)

// auditedContest makes a contest whose chain has three records: created, updated, updated.
func auditedContest(t *testing.T) (*contesttest.Stores, contest.Contest) {
	t.Helper()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	org := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	c, err := s.CreateContest(ctx, org.ID, contesttest.Setup("audited"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"第一次修改", "第二次修改"} {
		c.Description = d
		if c, err = s.UpdateContest(ctx, org.ID, c.ID, c.Setup); err != nil {
			t.Fatal(err)
		}
	}
	return s, c
}

// tamper runs SQL on the audit log with its append-only trigger lifted, as an
// attacker with database access could.
func tamper(t *testing.T, s *contesttest.Stores, sql string, args ...any) {
	t.Helper()
	tx := s.DB.MustBegin()
	tx.MustExec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`)
	tx.MustExec(sql, args...)
	tx.MustExec(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestAuditChainHolds(t *testing.T) {
	t.Parallel()
	s, c := auditedContest(t)
	ctx := context.Background()
	recs, err := s.Records(ctx, c.ID)
	if err != nil || len(recs) != 3 {
		t.Fatalf("records %d %v", len(recs), err)
	}
	if recs[0].Action != audit.ContestCreated || recs[2].Action != audit.ContestUpdated || !strings.Contains(string(recs[2].Payload), "第二次修改") {
		t.Errorf("records %+v", recs)
	}
	n, problems, err := s.Verify(ctx, nil)
	if err != nil || n != 3 || len(problems) != 0 {
		t.Errorf("VerifyAudit = %d, %v, %v", n, problems, err)
	}
	// The log is append-only for ordinary SQL.
	if _, err := s.DB.Exec(`UPDATE audit_log SET subject = 'x' WHERE seq = 1`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("UPDATE on the audit log: %v", err)
	}
	if _, err := s.DB.Exec(`DELETE FROM audit_log`); err == nil {
		t.Error("DELETE on the audit log succeeded")
	}
}

func TestAuditVerifyFindsTheFirstBadRecord(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		sql    []string
		seq    int64
		reason string
	}{
		{"changed", []string{`UPDATE audit_log SET payload = jsonb_set(payload, '{description}', '"改过"') WHERE seq = 2`}, 2, "hash does not match"},
		{"deleted", []string{`DELETE FROM audit_log WHERE seq = 2`}, 2, "missing"},
		// Nothing follows the last record, but the chain's head remembers it.
		{"last deleted", []string{`DELETE FROM audit_log WHERE seq = 3`}, 3, "missing"},
		// seq is unique, so the swap goes through negative numbers.
		{"reordered", []string{`UPDATE audit_log SET seq = -seq WHERE seq IN (2, 3)`,
			`UPDATE audit_log SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END WHERE seq IN (-2, -3)`}, 2, "previous-hash link broken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := auditedContest(t)
			for _, q := range tc.sql {
				tamper(t, s, q)
			}
			_, problems, err := s.Verify(context.Background(), &c.ID)
			if err != nil || len(problems) != 1 {
				t.Fatalf("problems %v %v", problems, err)
			}
			if p := problems[0]; p.Seq != tc.seq || !strings.Contains(p.Reason, tc.reason) {
				t.Errorf("first bad record: %s; want seq %d, %q", p, tc.seq, tc.reason)
			}
		})
	}
}

func TestAuditAppendsAreSerialized(t *testing.T) {
	t.Parallel()
	s, c := auditedContest(t)
	ctx := context.Background()
	org, err := s.Authenticate(ctx, "org@example.com", contesttest.Password)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			setup := contesttest.Setup("audited")
			setup.Description = strings.Repeat("改", i+1)
			if _, err := s.UpdateContest(ctx, org.ID, c.ID, setup); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	n, problems, err := s.Verify(ctx, &c.ID)
	if err != nil || n != 15 || len(problems) != 0 {
		t.Errorf("after concurrent changes: %d records, problems %v, %v", n, problems, err)
	}
}

// Records written before the chain's head existed (scheme 1) stay verifiable,
// and new records chain on from them with the documented scheme-2 hash.
func TestAuditChainContinuesFromSchemeOneRecords(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	// Two scheme-1 records on the global chain, as the code before migration
	// 00006 wrote them, and the head that the migration derives from them.
	prev := make([]byte, sha256.Size)
	for seq := int64(1); seq <= 2; seq++ {
		r := audit.Record{Seq: seq, At: time.Date(2026, 3, 1, 8, 0, int(seq), 0, time.UTC), Action: "test.v1",
			Subject: "旧记录", Payload: json.RawMessage(`{"n":1}`), PrevHash: prev, Scheme: 1}
		h, err := r.DigestV1()
		if err != nil {
			t.Fatal(err)
		}
		s.DB.MustExec(`INSERT INTO audit_log (contest_id, seq, at, action, subject, payload, prev_hash, hash, scheme)
			VALUES (NULL, $1, $2, $3, $4, $5, $6, $7, 1)`, r.Seq, r.At, r.Action, r.Subject, string(r.Payload), r.PrevHash, h)
		s.DB.MustExec(`INSERT INTO audit_heads (chain, seq, prev_hash, hash) VALUES (0, $1, $2, $3)
			ON CONFLICT (chain) DO UPDATE SET seq = EXCLUDED.seq, prev_hash = EXCLUDED.prev_hash, hash = EXCLUDED.hash`, seq, prev, h)
		prev = h
	}
	if err := audit.AppendAlone(ctx, s.DB.DB, nil, nil, "test.v2", "新记录", map[string]int{"n": 2}); err != nil {
		t.Fatal(err)
	}
	n, problems, err := s.Verify(ctx, nil)
	if err != nil || n != 3 || len(problems) != 0 {
		t.Fatalf("verify: %d records, %v, %v", n, problems, err)
	}
	var third audit.Record
	if err := s.DB.Get(&third, `SELECT id, contest_id, seq, at, actor_id, action, subject, payload, prev_hash, hash, scheme
		FROM audit_log WHERE contest_id IS NULL AND seq = 3`); err != nil {
		t.Fatal(err)
	}
	if third.Scheme != 2 || !bytes.Equal(third.PrevHash, prev) {
		t.Errorf("appended record: scheme %d prev %x, want 2, %x", third.Scheme, third.PrevHash, prev)
	}
	// PostgreSQL computed SHA-256(prev ‖ seq as 8 bytes ‖ SHA-256(body)).
	body, err := third.BodyDigest()
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(slices.Concat(prev, []byte{0, 0, 0, 0, 0, 0, 0, 3}, body))
	if !bytes.Equal(third.Hash, want[:]) {
		t.Errorf("hash %x, want %x", third.Hash, want)
	}
}

// An attacker who rewrites the last record and recomputes its hash still
// disagrees with the chain's head.
func TestAuditVerifyFindsARewrittenLastRecord(t *testing.T) {
	t.Parallel()
	s, c := auditedContest(t)
	ctx := context.Background()
	recs, err := s.Records(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := recs[len(recs)-1]
	last.Subject = "改写"
	body, err := last.BodyDigest()
	if err != nil {
		t.Fatal(err)
	}
	hash := sha256.Sum256(slices.Concat(last.PrevHash, []byte{0, 0, 0, 0, 0, 0, 0, byte(last.Seq)}, body))
	tamper(t, s, `UPDATE audit_log SET subject = $1, hash = $2 WHERE id = $3`, last.Subject, hash[:], last.ID)
	_, problems, err := s.Verify(ctx, &c.ID)
	if err != nil || len(problems) != 1 || problems[0].Seq != last.Seq || !strings.Contains(problems[0].Reason, "differs from the chain's head") {
		t.Errorf("problems %v, %v", problems, err)
	}
}

// An exported chain verifies on its own; a record changed or moved in the file is named.
func TestAuditVerifyRecordsOfAnExport(t *testing.T) {
	t.Parallel()
	s, c := auditedContest(t)
	recs, err := s.Records(context.Background(), c.ID)
	if err != nil || len(recs) != 3 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	b, _ := json.Marshal(recs)
	var export []audit.Record
	if err := json.Unmarshal(b, &export); err != nil {
		t.Fatal(err)
	}
	if p := audit.VerifyRecords(export); p != nil {
		t.Fatalf("a sound export: %s", p)
	}
	changed := slices.Clone(export)
	changed[2].Payload = json.RawMessage(`{"description":"改过"}`)
	if p := audit.VerifyRecords(changed); p == nil || p.Seq != 3 || !strings.Contains(p.Reason, "hash does not match") {
		t.Errorf("changed: %v", p)
	}
	moved := []audit.Record{export[0], export[2], export[1]}
	if p := audit.VerifyRecords(moved); p == nil || p.Seq != 2 || *p.ContestID != c.ID {
		t.Errorf("reordered: %v", p)
	}
}
