-- +goose Up
-- Podium's whole contest model. Points are integers in hundredths (12.34 points = 1234).
-- Times are timestamptz (stored UTC, shown in Asia/Shanghai).

CREATE TABLE organizations (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('enterprise', 'team', 'institution')),
    name        text NOT NULL CHECK (name <> ''),
    name_norm   text NOT NULL,              -- normalized for conflict checks (case, width, spaces, suffixes)
    uscc        text UNIQUE,                -- 统一社会信用代码, NULL for teams
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organizations_name_norm ON organizations (name_norm);

CREATE TABLE accounts (
    id              bigserial PRIMARY KEY,
    role            text NOT NULL CHECK (role IN ('organizer', 'judge', 'entrant')),
    email           text UNIQUE,            -- stored lower-case
    phone           text UNIQUE,
    display_name    text NOT NULL,
    password_hash   text,                   -- NULL for judges who only use invite links
    organization_id bigint REFERENCES organizations (id),
    locale          text NOT NULL DEFAULT 'zh-CN',
    created_at      timestamptz NOT NULL DEFAULT now(),
    disabled_at     timestamptz,
    CHECK (email IS NOT NULL OR phone IS NOT NULL OR role = 'judge')
);

CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,         -- SHA-256 of the cookie token; the token itself is never stored
    account_id   bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE contests (
    id                    bigserial PRIMARY KEY,
    slug                  text NOT NULL UNIQUE,
    name_zh               text NOT NULL,
    name_en               text NOT NULL DEFAULT '',
    description           text NOT NULL DEFAULT '',
    state                 text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed', 'archived')),
    registration_opens_at timestamptz,
    submission_deadline   timestamptz,
    settings              jsonb NOT NULL DEFAULT '{}',  -- required entry fields, upload limits, tie-break keys
    created_by            bigint NOT NULL REFERENCES accounts (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (registration_opens_at IS NULL OR submission_deadline IS NULL OR registration_opens_at < submission_deadline)
);

CREATE TABLE contest_organizers (
    contest_id bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    account_id bigint NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (contest_id, account_id)
);
CREATE INDEX contest_organizers_account ON contest_organizers (account_id);

CREATE TABLE tracks (
    id         bigserial PRIMARY KEY,
    contest_id bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    key        text NOT NULL,
    name_zh    text NOT NULL,
    name_en    text NOT NULL DEFAULT '',
    position   int NOT NULL,
    UNIQUE (contest_id, key)
);

CREATE TABLE contest_groups (
    id         bigserial PRIMARY KEY,
    contest_id bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    key        text NOT NULL,
    name_zh    text NOT NULL,
    name_en    text NOT NULL DEFAULT '',
    position   int NOT NULL,
    UNIQUE (contest_id, key)
);

CREATE TABLE rounds (
    id                bigserial PRIMARY KEY,
    contest_id        bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    key               text NOT NULL,
    position          int NOT NULL,
    name_zh           text NOT NULL,
    name_en           text NOT NULL DEFAULT '',
    kind              text NOT NULL CHECK (kind IN ('online', 'live')),
    state             text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed', 'published')),
    method            text NOT NULL CHECK (method IN ('mean', 'trimmed', 'median', 'zscore')),
    trim_min          int NOT NULL DEFAULT 5 CHECK (trim_min >= 3),
    reviews_per_entry int NOT NULL CHECK (reviews_per_entry > 0),
    advance_count     int CHECK (advance_count > 0),            -- top N per track and group, or
    advance_percent   int CHECK (advance_percent BETWEEN 1 AND 100), -- top p% per track and group
    final_weight      int NOT NULL DEFAULT 0 CHECK (final_weight BETWEEN 0 AND 100), -- share in a combined final ranking
    tie_break         text[] NOT NULL DEFAULT '{}',                -- criterion keys, in order
    opens_at          timestamptz,
    closes_at         timestamptz,
    UNIQUE (contest_id, key),
    CHECK (advance_count IS NULL OR advance_percent IS NULL),
    CHECK (opens_at IS NULL OR closes_at IS NULL OR opens_at < closes_at)
);

CREATE TABLE criteria (
    id             bigserial PRIMARY KEY,
    round_id       bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    key            text NOT NULL,
    position       int NOT NULL,
    name_zh        text NOT NULL,
    name_en        text NOT NULL DEFAULT '',
    description_zh text NOT NULL DEFAULT '',
    description_en text NOT NULL DEFAULT '',
    max_points     int NOT NULL CHECK (max_points > 0),  -- hundredths
    weight         int NOT NULL CHECK (weight > 0),      -- hundredths; the round's weights sum to 100.00
    step           int NOT NULL CHECK (step > 0),        -- hundredths
    UNIQUE (round_id, key)
);

-- Advancement quota overrides per track and group (the round's default applies otherwise).
CREATE TABLE advancement_quotas (
    round_id bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    track_id bigint NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    group_id bigint NOT NULL REFERENCES contest_groups (id) ON DELETE CASCADE,
    count    int NOT NULL CHECK (count >= 0),
    PRIMARY KEY (round_id, track_id, group_id)
);

CREATE TABLE award_quotas (
    id         bigserial PRIMARY KEY,
    contest_id bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    group_id   bigint NOT NULL REFERENCES contest_groups (id) ON DELETE CASCADE,
    track_id   bigint REFERENCES tracks (id) ON DELETE CASCADE,   -- NULL: across all tracks of the group
    level      text NOT NULL CHECK (level IN ('first', 'second', 'third', 'honorable')),
    count      int NOT NULL CHECK (count >= 0),
    UNIQUE NULLS NOT DISTINCT (contest_id, group_id, track_id, level)
);

CREATE TABLE entries (
    id                 bigserial PRIMARY KEY,
    contest_id         bigint NOT NULL REFERENCES contests (id),
    account_id         bigint NOT NULL REFERENCES accounts (id),
    organization_id    bigint REFERENCES organizations (id),
    track_id           bigint NOT NULL REFERENCES tracks (id),
    group_id           bigint NOT NULL REFERENCES contest_groups (id),
    title              text NOT NULL,
    fields             jsonb NOT NULL DEFAULT '{}',   -- summary, stage, technology, market, team, financing …
    declared_conflicts jsonb NOT NULL DEFAULT '[]',
    state              text NOT NULL DEFAULT 'draft'
                       CHECK (state IN ('draft', 'submitted', 'withdrawn', 'accepted', 'rejected')),
    review_reason      text NOT NULL DEFAULT '',
    flags              text[] NOT NULL DEFAULT '{}',
    snapshot           jsonb,                         -- exactly what was submitted
    submitted_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (contest_id, account_id, title)
);
CREATE INDEX entries_contest_state ON entries (contest_id, state);

-- A short random code per entry and round, shown to judges instead of any identity.
CREATE TABLE blind_codes (
    round_id bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    entry_id bigint NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    code     text NOT NULL,
    PRIMARY KEY (round_id, entry_id),
    UNIQUE (round_id, code)
);

CREATE TABLE blobs (
    id            uuid PRIMARY KEY,
    entry_id      bigint REFERENCES entries (id) ON DELETE SET NULL,
    kind          text NOT NULL CHECK (kind IN ('business_plan', 'deck', 'video', 'attachment')),
    storage_key   text NOT NULL UNIQUE,   -- generated; never derived from the uploaded name
    original_name text NOT NULL,          -- identity-bearing: never shown to judges
    content_type  text NOT NULL,
    size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
    sha256        bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE experts (
    id              bigserial PRIMARY KEY,
    account_id      bigint UNIQUE REFERENCES accounts (id),
    name            text NOT NULL,
    organization    text NOT NULL DEFAULT '',
    organization_norm text NOT NULL DEFAULT '',
    uscc            text,
    title           text NOT NULL DEFAULT '',
    fields          text[] NOT NULL DEFAULT '{}',   -- track keys; empty means any track
    keywords        text[] NOT NULL DEFAULT '{}',
    region          text NOT NULL DEFAULT '',
    contact         text NOT NULL DEFAULT '',
    capacity        int NOT NULL DEFAULT 20 CHECK (capacity >= 0),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX experts_org_norm ON experts (organization_norm);

-- Judges taking part in a contest (a judge account is invited per contest).
CREATE TABLE contest_judges (
    contest_id bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    account_id bigint NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (contest_id, account_id)
);
CREATE INDEX contest_judges_account ON contest_judges (account_id);

CREATE TABLE invites (
    token_hash bytea PRIMARY KEY,          -- SHA-256 of the token in the link
    contest_id bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    account_id bigint NOT NULL REFERENCES accounts (id),
    created_by bigint NOT NULL REFERENCES accounts (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE TABLE panel_members (
    round_id  bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    expert_id bigint NOT NULL REFERENCES experts (id),
    capacity  int CHECK (capacity >= 0),   -- NULL: the expert's default
    session   text NOT NULL DEFAULT '',    -- live rounds: the room/session the judge sits in
    PRIMARY KEY (round_id, expert_id)
);

CREATE TABLE conflicts (
    id         bigserial PRIMARY KEY,
    contest_id bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    expert_id  bigint NOT NULL REFERENCES experts (id),
    entry_id   bigint REFERENCES entries (id) ON DELETE CASCADE,
    source     text NOT NULL CHECK (source IN ('organization', 'entrant', 'expert', 'organizer', 'recusal')),
    reason     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (contest_id, expert_id, entry_id, source)
);

CREATE TABLE assignments (
    id             bigserial PRIMARY KEY,
    round_id       bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    entry_id       bigint NOT NULL REFERENCES entries (id),
    expert_id      bigint NOT NULL REFERENCES experts (id),
    state          text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'recused', 'removed')),
    recusal_reason text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (round_id, entry_id, expert_id)
);
CREATE INDEX assignments_expert ON assignments (expert_id, round_id);

CREATE TABLE score_sheets (
    id            bigserial PRIMARY KEY,
    assignment_id bigint NOT NULL UNIQUE REFERENCES assignments (id),
    state         text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'reopened')),
    total         int,                   -- hundredths, set on submission
    comment       text NOT NULL DEFAULT '',
    submitted_at  timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE marks (
    sheet_id     bigint NOT NULL REFERENCES score_sheets (id) ON DELETE CASCADE,
    criterion_id bigint NOT NULL REFERENCES criteria (id),
    points       int NOT NULL CHECK (points >= 0),  -- hundredths
    comment      text NOT NULL DEFAULT '',
    PRIMARY KEY (sheet_id, criterion_id)
);

-- Client-made keys that make tablet writes idempotent, scoped to the account.
CREATE TABLE idempotency_keys (
    account_id   bigint NOT NULL REFERENCES accounts (id),
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       int,                    -- NULL while the request is in progress
    response     jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    PRIMARY KEY (account_id, key)
);

CREATE TABLE results (
    round_id     bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    entry_id     bigint NOT NULL REFERENCES entries (id),
    score        int NOT NULL,            -- hundredths
    rank         int NOT NULL,
    advanced     boolean NOT NULL DEFAULT false,
    award_level  text CHECK (award_level IN ('first', 'second', 'third', 'honorable')),
    explanation  jsonb NOT NULL DEFAULT '{}',
    published_at timestamptz,
    PRIMARY KEY (round_id, entry_id)
);

CREATE TABLE nominations (
    contest_id bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    entry_id   bigint NOT NULL REFERENCES entries (id),
    level      text NOT NULL CHECK (level IN ('province', 'nation')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (contest_id, entry_id, level)
);

-- Append-only, hash-chained per contest: each record carries the SHA-256 of the previous one.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    contest_id bigint REFERENCES contests (id),
    seq        bigint NOT NULL,
    at         timestamptz NOT NULL,
    actor_id   bigint REFERENCES accounts (id),
    action     text NOT NULL,
    subject    text NOT NULL DEFAULT '',
    payload    jsonb NOT NULL DEFAULT '{}',
    prev_hash  bytea NOT NULL,
    hash       bytea NOT NULL,
    UNIQUE NULLS NOT DISTINCT (contest_id, seq)
);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log, nominations, results, idempotency_keys, marks, score_sheets, assignments,
    conflicts, panel_members, invites, contest_judges, experts, blobs, blind_codes, entries,
    award_quotas, advancement_quotas, criteria, rounds, contest_groups, tracks, contest_organizers,
    contests, sessions, accounts, organizations;
DROP FUNCTION audit_log_append_only();
