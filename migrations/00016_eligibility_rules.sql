-- +goose Up
-- A contest's eligibility rules (package eligibility): the shipped preset the organizer started
-- from and the rules as adjusted (eligibility.RuleSet's JSON without its groups), and which of the
-- contest's own groups stand for the startup group (初创组) and the growth group (成长组). Owned
-- by contest/entry, which checks the rules on submission and in eligibility review. No row: no rules.
CREATE TABLE eligibility_rules (
    contest_id       bigint PRIMARY KEY REFERENCES contests (id) ON DELETE CASCADE,
    preset           text NOT NULL DEFAULT '',
    rules            jsonb NOT NULL,
    startup_group_id bigint REFERENCES contest_groups (id) ON DELETE SET NULL,
    growth_group_id  bigint REFERENCES contest_groups (id) ON DELETE SET NULL,
    updated_at       timestamptz NOT NULL,
    updated_by       bigint REFERENCES accounts (id),
    CHECK (startup_group_id <> growth_group_id)
);

-- +goose Down
DROP TABLE eligibility_rules;
