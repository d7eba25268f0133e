-- +goose Up
-- Entrant profiles, imported entries and the text of uploaded PDFs (for identity-leak checks).

ALTER TABLE organizations
    ADD COLUMN contact_name  text NOT NULL DEFAULT '',
    ADD COLUMN contact_phone text NOT NULL DEFAULT '',
    ADD COLUMN contact_email text NOT NULL DEFAULT '',
    ADD COLUMN members       jsonb NOT NULL DEFAULT '[]',   -- [{"name": "张伟", "role": "CEO"}]
    ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now();
-- A team has no USCC; an enterprise must have one (checked in Go, where the check digit is known).

-- Entries imported from another system have no entrant account.
ALTER TABLE entries
    ALTER COLUMN account_id DROP NOT NULL,
    ADD COLUMN source text NOT NULL DEFAULT 'entrant' CHECK (source IN ('entrant', 'import')),
    ADD COLUMN withdrawn_at timestamptz,
    ADD COLUMN reviewed_at  timestamptz,
    ADD COLUMN reviewed_by  bigint REFERENCES accounts (id),
    ADD CONSTRAINT entries_owner CHECK (account_id IS NOT NULL OR source = 'import');
ALTER TABLE entries DROP CONSTRAINT entries_contest_id_account_id_title_key;
CREATE UNIQUE INDEX entries_one_per_title ON entries (contest_id, account_id, title) WHERE account_id IS NOT NULL;
CREATE INDEX entries_account ON entries (account_id);

ALTER TABLE blobs
    ADD COLUMN uploaded_by bigint REFERENCES accounts (id),
    ADD COLUMN text        text NOT NULL DEFAULT '';  -- extracted from PDFs, capped; never shown to judges
CREATE INDEX blobs_entry ON blobs (entry_id);

-- +goose Down
DROP INDEX blobs_entry;
ALTER TABLE blobs DROP COLUMN text, DROP COLUMN uploaded_by;
DROP INDEX entries_account;
DROP INDEX entries_one_per_title;
ALTER TABLE entries DROP CONSTRAINT entries_owner,
    DROP COLUMN reviewed_by, DROP COLUMN reviewed_at, DROP COLUMN withdrawn_at, DROP COLUMN source;
ALTER TABLE entries ADD CONSTRAINT entries_contest_id_account_id_title_key UNIQUE (contest_id, account_id, title);
ALTER TABLE organizations DROP COLUMN updated_at, DROP COLUMN members, DROP COLUMN contact_email,
    DROP COLUMN contact_phone, DROP COLUMN contact_name;
