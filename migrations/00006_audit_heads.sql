-- +goose Up
-- The head of each audit chain: its last record's seq and hash (0 and 32 zero
-- bytes while the chain is empty). Appending a record updates this row
-- (UPDATE … RETURNING) and so locks it until commit: appends to one chain are
-- serialized, for only as long as the rest of the appending statement and its
-- commit take. A plain UPDATE queues waiters on the row one behind the other;
-- an INSERT … ON CONFLICT would wake them all at each commit. Chain 0 is the
-- global chain (audit_log.contest_id IS NULL); every contest gets its head
-- when it is created.
CREATE TABLE audit_heads (
    chain     bigint PRIMARY KEY,
    seq       bigint NOT NULL,
    prev_hash bytea NOT NULL,
    hash      bytea NOT NULL
);

INSERT INTO audit_heads (chain, seq, prev_hash, hash)
SELECT DISTINCT ON (coalesce(contest_id, 0)) coalesce(contest_id, 0), seq, prev_hash, hash
FROM audit_log ORDER BY coalesce(contest_id, 0), seq DESC;

INSERT INTO audit_heads (chain, seq, prev_hash, hash)
SELECT chain, 0, decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex')
FROM (SELECT 0 AS chain UNION ALL SELECT id FROM contests) AS chains
ON CONFLICT (chain) DO NOTHING;

-- +goose StatementBegin
CREATE FUNCTION audit_head_for_contest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_heads (chain, seq, prev_hash, hash)
    VALUES (NEW.id, 0, decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex'));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER contests_audit_head AFTER INSERT ON contests
    FOR EACH ROW EXECUTE FUNCTION audit_head_for_contest();

-- Records written so far hash their fields with prev_hash inside (scheme 1);
-- new ones are linked by PostgreSQL while it holds the head (scheme 2):
-- hash = SHA-256(prev_hash ‖ seq as 8 bytes big-endian ‖ SHA-256(body)).
ALTER TABLE audit_log ADD COLUMN scheme smallint NOT NULL DEFAULT 1 CHECK (scheme IN (1, 2));
ALTER TABLE audit_log ALTER COLUMN scheme SET DEFAULT 2;

-- A score submission is checked against the snapshot its statement started
-- with, then takes the contest's chain head. A change that took the head and
-- committed in between (the round closed, the assignment was withdrawn) is
-- caught here: called once the head is locked, this function reads with a
-- fresh snapshot (it is VOLATILE) and aborts the whole statement.
-- +goose StatementBegin
CREATE FUNCTION assert_sheet_open(assignment bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM assignments a JOIN rounds r ON r.id = a.round_id
                   WHERE a.id = assignment AND a.state = 'active' AND r.state = 'open') THEN
        RAISE EXCEPTION 'assignment % is no longer open for scoring', assignment USING ERRCODE = 'PD002';
    END IF;
    RETURN true;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION assert_sheet_open(bigint);
DROP TRIGGER contests_audit_head ON contests;
DROP FUNCTION audit_head_for_contest();
ALTER TABLE audit_log DROP COLUMN scheme;
DROP TABLE audit_heads;
