-- +goose Up
-- No entry is short of reviews, or left out of a round, without the organizers
-- deciding it. An entry with fewer reviews than its round requires is either
-- accepted as it is (with the reason) or withdrawn from the round (with the
-- reason); assigning an expert to it by hand undoes either decision.
CREATE TABLE review_decisions (
    round_id   bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    entry_id   bigint NOT NULL REFERENCES entries (id),
    kind       text NOT NULL CHECK (kind IN ('accepted', 'withdrawn')),
    reviews    int NOT NULL CHECK (reviews >= 0),    -- the reviews it had when decided
    required   int NOT NULL CHECK (required > 0),    -- the reviews its round required then
    reason     text NOT NULL CHECK (reason <> ''),
    decided_by bigint NOT NULL REFERENCES accounts (id),
    decided_at timestamptz NOT NULL,
    PRIMARY KEY (round_id, entry_id)
);

-- +goose StatementBegin
-- A published round's decisions are final, like its results (00007).
CREATE FUNCTION published_decision_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rid bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        rid := NEW.round_id;
    ELSE
        rid := OLD.round_id;
    END IF;
    PERFORM 1 FROM rounds r WHERE r.id = rid AND r.state = 'published' FOR SHARE;
    IF FOUND THEN
        RAISE EXCEPTION 'the results of this round are published' USING ERRCODE = 'PD001';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER review_decisions_published_frozen BEFORE INSERT OR UPDATE OR DELETE ON review_decisions
    FOR EACH ROW EXECUTE FUNCTION published_decision_frozen();

-- An assignment run reports what it could not assign as data (entry, reviews
-- missing, reason, counts), told in the reader's language when shown. A run
-- that assigned what it could but not everything is 'partial'. Diagnoses
-- written before were English text naming entries by internal number: they
-- are kept only as the fact that there was one.
ALTER TABLE assignment_runs ADD COLUMN report jsonb NOT NULL DEFAULT '{}';
UPDATE assignment_runs SET report = '{"legacy": true}' WHERE cardinality(diagnosis) > 0;
ALTER TABLE assignment_runs DROP COLUMN diagnosis;
ALTER TABLE assignment_runs DROP CONSTRAINT assignment_runs_state_check;
ALTER TABLE assignment_runs ADD CONSTRAINT assignment_runs_state_check
    CHECK (state IN ('running', 'done', 'partial', 'infeasible', 'failed'));

-- +goose Down
UPDATE assignment_runs SET state = 'done' WHERE state = 'partial';
ALTER TABLE assignment_runs DROP CONSTRAINT assignment_runs_state_check;
ALTER TABLE assignment_runs ADD CONSTRAINT assignment_runs_state_check
    CHECK (state IN ('running', 'done', 'infeasible', 'failed'));
ALTER TABLE assignment_runs ADD COLUMN diagnosis text[] NOT NULL DEFAULT '{}';
ALTER TABLE assignment_runs DROP COLUMN report;
DROP TRIGGER review_decisions_published_frozen ON review_decisions;
DROP FUNCTION published_decision_frozen();
DROP TABLE review_decisions;
