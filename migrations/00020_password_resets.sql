-- +goose Up
-- Password resets by e-mail: a single-use token that expires; only its hash is kept.
CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY,            -- SHA-256 of the token in the e-mailed link
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    CHECK (created_at < expires_at)
);
CREATE INDEX password_resets_account ON password_resets (account_id, created_at);

-- +goose Down
DROP TABLE password_resets;
