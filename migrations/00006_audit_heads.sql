-- +goose Up
-- The head of each audit chain: its last record's seq and hash. Appending a
-- record updates this row (INSERT … ON CONFLICT DO UPDATE … RETURNING) and so
-- locks it until commit: appends to one chain are serialized, for only as long
-- as the rest of the appending statement and its commit take. Chain 0 is the
-- global chain (audit_log.contest_id IS NULL).
CREATE TABLE audit_heads (
    chain     bigint PRIMARY KEY,
    seq       bigint NOT NULL,
    prev_hash bytea NOT NULL,
    hash      bytea NOT NULL
);

INSERT INTO audit_heads (chain, seq, prev_hash, hash)
SELECT DISTINCT ON (coalesce(contest_id, 0)) coalesce(contest_id, 0), seq, prev_hash, hash
FROM audit_log ORDER BY coalesce(contest_id, 0), seq DESC;

-- Records written so far hash their fields with prev_hash inside (scheme 1);
-- new ones are linked by PostgreSQL while it holds the head (scheme 2):
-- hash = SHA-256(prev_hash ‖ seq as 8 bytes big-endian ‖ SHA-256(body)).
ALTER TABLE audit_log ADD COLUMN scheme smallint NOT NULL DEFAULT 1 CHECK (scheme IN (1, 2));
ALTER TABLE audit_log ALTER COLUMN scheme SET DEFAULT 2;

-- +goose Down
ALTER TABLE audit_log DROP COLUMN scheme;
DROP TABLE audit_heads;
