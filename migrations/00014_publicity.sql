-- +goose Up
-- The publicity period (公示期), objections (异议) and verifiable receipts.
--
-- A publication is one version of a round's published results: its rows are
-- a snapshot (publication_results) that never changes, its period runs until
-- period_ends_at (UTC; the server clock decides), and its tree head is the
-- root of the Merkle tree (RFC 6962) over the contest's audit records up to
-- and including its results.published record, signed with the contest's key.
-- An upheld objection reopens the round (state published -> closed) so that
-- the organizers correct it with the usual tools; publishing again makes the
-- next version. The public sees the newest version.

-- The contest's signing key (a golang.org/x/mod/sumdb/note signer key) and
-- the secret that turns a judge's account id into the pseudonym the
-- transparency log's leaves carry.
CREATE TABLE contest_keys (
    contest_id     bigint PRIMARY KEY REFERENCES contests (id) ON DELETE CASCADE,
    signer_key     text NOT NULL,
    verifier_key   text NOT NULL,
    pseudonym_salt bytea NOT NULL CHECK (length(pseudonym_salt) = 32),
    created_at     timestamptz NOT NULL
);

CREATE TABLE publications (
    id             bigserial PRIMARY KEY,
    contest_id     bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    round_id       bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    version        int NOT NULL CHECK (version >= 1),
    published_at   timestamptz NOT NULL,
    published_by   bigint REFERENCES accounts (id),
    period_ends_at timestamptz NOT NULL CHECK (period_ends_at >= published_at),
    reason         text NOT NULL DEFAULT '',     -- why this version replaces the one before
    audit_seq      bigint NOT NULL,              -- its results.published record
    tree_size      bigint NOT NULL CHECK (tree_size >= audit_seq),
    tree_root      bytea NOT NULL CHECK (length(tree_root) = 32),
    signed_head    text NOT NULL,                -- the signed note of the tree head
    revised_at     timestamptz,                  -- an upheld objection reopened the round
    final_at       timestamptz,                  -- the period ended with no objection open
    UNIQUE (round_id, version)
);
CREATE INDEX publications_contest ON publications (contest_id, published_at);

-- What a version published, entry by entry, as the public saw it.
CREATE TABLE publication_results (
    publication_id bigint NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
    entry_id       bigint NOT NULL REFERENCES entries (id),
    code           text NOT NULL,
    title          text NOT NULL,
    organization   text NOT NULL,
    track          text NOT NULL,
    grp            text NOT NULL,
    score          int NOT NULL,
    rank           int NOT NULL,
    advanced       boolean NOT NULL,
    award_level    text NOT NULL DEFAULT '',
    explanation    jsonb NOT NULL DEFAULT '{}',
    sheets         bigint[] NOT NULL DEFAULT '{}', -- audit seqs of the sheets behind the score
    PRIMARY KEY (publication_id, entry_id)
);

-- +goose StatementBegin
CREATE FUNCTION publication_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a publication is never changed' USING ERRCODE = 'PD001';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER publication_results_fixed BEFORE UPDATE ON publication_results
    FOR EACH ROW EXECUTE FUNCTION publication_fixed();

-- Only when it was revised and when it became final may a publication change.
CREATE TRIGGER publications_fixed BEFORE UPDATE ON publications
    FOR EACH ROW WHEN ((NEW.contest_id, NEW.round_id, NEW.version, NEW.published_at, NEW.published_by,
        NEW.period_ends_at, NEW.reason, NEW.audit_seq, NEW.tree_size, NEW.tree_root, NEW.signed_head)
        IS DISTINCT FROM (OLD.contest_id, OLD.round_id, OLD.version, OLD.published_at, OLD.published_by,
        OLD.period_ends_at, OLD.reason, OLD.audit_seq, OLD.tree_size, OLD.tree_root, OLD.signed_head))
    EXECUTE FUNCTION publication_fixed();

-- A published round may go back to closed only in the transaction that upholds
-- an objection against it, which says so with SET LOCAL podium.revising = 'on';
-- in that transaction its results may lose their publication time too.
DROP TRIGGER rounds_published_final ON rounds;
CREATE TRIGGER rounds_published_final BEFORE UPDATE ON rounds
    FOR EACH ROW WHEN (OLD.state = 'published' AND
        (NEW.state, NEW.method, NEW.trim_min, NEW.tie_break) IS DISTINCT FROM
        (OLD.state, OLD.method, OLD.trim_min, OLD.tie_break) AND
        NOT (NEW.state = 'closed' AND (NEW.method, NEW.trim_min, NEW.tie_break) IS NOT DISTINCT FROM
             (OLD.method, OLD.trim_min, OLD.tie_break) AND coalesce(current_setting('podium.revising', true), '') = 'on'))
    EXECUTE FUNCTION published_results_final();

DROP TRIGGER results_published_final ON results;
CREATE TRIGGER results_published_final BEFORE UPDATE OR DELETE ON results
    FOR EACH ROW WHEN (OLD.published_at IS NOT NULL AND coalesce(current_setting('podium.revising', true), '') <> 'on')
    EXECUTE FUNCTION published_results_final();

CREATE TABLE objections (
    id             bigserial PRIMARY KEY,
    contest_id     bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    round_id       bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    publication_id bigint NOT NULL REFERENCES publications (id),  -- the version objected to
    entry_id       bigint NOT NULL REFERENCES entries (id),
    reference      text NOT NULL UNIQUE,
    objector_kind  text NOT NULL CHECK (objector_kind IN ('person', 'organization')),
    objector_name  text NOT NULL CHECK (objector_name <> ''),
    organization   text NOT NULL DEFAULT '',       -- the objecting organization's name
    id_type        text NOT NULL,
    id_number      bytea NOT NULL,                 -- sealed (AES-256-GCM), shown only to organizers
    id_hint        text NOT NULL DEFAULT '',       -- the last characters, for lists
    phone          text NOT NULL,
    email          text NOT NULL,
    grounds        text NOT NULL CHECK (grounds <> ''),
    state          text NOT NULL DEFAULT 'received'
                   CHECK (state IN ('received', 'investigating', 'rejected', 'upheld')),
    assigned_to    bigint REFERENCES accounts (id),
    reply          text NOT NULL DEFAULT '',
    remedy         text NOT NULL DEFAULT '' CHECK (remedy IN ('', 'rescore', 'disqualify', 'correct')),
    filed_at       timestamptz NOT NULL,
    decided_at     timestamptz,
    decided_by     bigint REFERENCES accounts (id)
);
CREATE INDEX objections_round ON objections (round_id, state);

CREATE TABLE objection_files (
    id           bigserial PRIMARY KEY,
    objection_id bigint NOT NULL REFERENCES objections (id) ON DELETE CASCADE,
    purpose      text NOT NULL CHECK (purpose IN ('evidence', 'stamped_letter', 'investigation')),
    blob_key     text NOT NULL,
    name         text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL,
    sha256       bytea NOT NULL,
    added_by     bigint REFERENCES accounts (id),  -- null: the objector
    added_at     timestamptz NOT NULL
);

CREATE TABLE objection_notes (
    id           bigserial PRIMARY KEY,
    objection_id bigint NOT NULL REFERENCES objections (id) ON DELETE CASCADE,
    author_id    bigint NOT NULL REFERENCES accounts (id),
    body         text NOT NULL CHECK (body <> ''),
    at           timestamptz NOT NULL
);

-- +goose Down
DROP TABLE objection_notes, objection_files, objections;
DROP TRIGGER results_published_final ON results;
CREATE TRIGGER results_published_final BEFORE UPDATE OR DELETE ON results
    FOR EACH ROW WHEN (OLD.published_at IS NOT NULL) EXECUTE FUNCTION published_results_final();
DROP TRIGGER rounds_published_final ON rounds;
CREATE TRIGGER rounds_published_final BEFORE UPDATE ON rounds
    FOR EACH ROW WHEN (OLD.state = 'published' AND
        (NEW.state, NEW.method, NEW.trim_min, NEW.tie_break) IS DISTINCT FROM
        (OLD.state, OLD.method, OLD.trim_min, OLD.tie_break))
    EXECUTE FUNCTION published_results_final();
DROP TABLE publication_results, publications, contest_keys;
DROP FUNCTION publication_fixed();
