-- +goose Up
-- Expert contacts, assignment runs (background jobs with progress) and
-- normalized names for organization conflicts declared by entrants.

ALTER TABLE experts
    ADD COLUMN phone text NOT NULL DEFAULT '',
    ADD COLUMN email text NOT NULL DEFAULT '',
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX experts_identity ON experts (name, organization_norm);

CREATE TABLE assignment_runs (
    id          bigserial PRIMARY KEY,
    round_id    bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    state       text NOT NULL CHECK (state IN ('running', 'done', 'infeasible', 'failed')),
    seed        bigint NOT NULL,
    done        int NOT NULL DEFAULT 0,
    total       int NOT NULL DEFAULT 0,
    added       int NOT NULL DEFAULT 0,
    diagnosis   text[] NOT NULL DEFAULT '{}',   -- why entries cannot get their experts
    started_by  bigint NOT NULL REFERENCES accounts (id),
    started_at  timestamptz NOT NULL,
    finished_at timestamptz
);
CREATE INDEX assignment_runs_round ON assignment_runs (round_id, id DESC);
-- One run at a time per round.
CREATE UNIQUE INDEX assignment_runs_one_running ON assignment_runs (round_id) WHERE state = 'running';

CREATE INDEX conflicts_contest_entry ON conflicts (contest_id, entry_id);
CREATE INDEX assignments_round_entry ON assignments (round_id, entry_id) WHERE state = 'active';

-- +goose Down
DROP INDEX assignments_round_entry;
DROP INDEX conflicts_contest_entry;
DROP TABLE assignment_runs;
DROP INDEX experts_identity;
ALTER TABLE experts DROP COLUMN updated_at, DROP COLUMN email, DROP COLUMN phone;
