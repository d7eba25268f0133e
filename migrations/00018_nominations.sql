-- +goose Up
-- Nominations to the higher contests (issue 14 part 5): the entries a city
-- contest sends on to the provincial or national contest, their target there,
-- their status and result upward, and the due diligence (尽职调查) the city
-- records for them. The nominations table of 00001 was never used: it is
-- replaced by one with an id, a target and a status.
DROP TABLE nominations;

-- The quota the higher contest gives the city, per track and group of the
-- city contest: how many of each pool's top ranked entries are suggested.
CREATE TABLE nomination_quotas (
    contest_id bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    level      text NOT NULL CHECK (level IN ('province', 'nation')),
    per_pool   int NOT NULL CHECK (per_pool BETWEEN 1 AND 100),
    PRIMARY KEY (contest_id, level)
);

CREATE TABLE nominations (
    id           bigserial PRIMARY KEY,
    contest_id   bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    entry_id     bigint NOT NULL REFERENCES entries (id),
    level        text NOT NULL CHECK (level IN ('province', 'nation')),
    target_year  int NOT NULL CHECK (target_year BETWEEN 2000 AND 2200),
    target_track text NOT NULL DEFAULT '' CHECK (char_length(target_track) <= 100), -- as the higher contest names it
    target_group text NOT NULL DEFAULT '' CHECK (char_length(target_group) <= 100),
    status       text NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft', 'submitted', 'accepted', 'rejected', 'withdrawn')),
    result       text NOT NULL DEFAULT '' CHECK (char_length(result) <= 200), -- at the higher contest, e.g. 全国赛优秀企业
    created_by   bigint NOT NULL REFERENCES accounts (id),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    submitted_at timestamptz,
    decided_at   timestamptz,
    withdrawn_at timestamptz,
    UNIQUE (contest_id, entry_id, level),
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))
);
CREATE INDEX nominations_contest_level ON nominations (contest_id, level, status);

-- Due diligence of a nomination: who checked, when, what they found, the
-- outcome. A failed check withdraws the nomination in its transaction.
CREATE TABLE nomination_checks (
    id            bigserial PRIMARY KEY,
    nomination_id bigint NOT NULL REFERENCES nominations (id) ON DELETE CASCADE,
    checkers      text NOT NULL CHECK (checkers <> '' AND char_length(checkers) <= 200),
    checked_on    date NOT NULL,
    findings      text NOT NULL CHECK (findings <> '' AND char_length(findings) <= 5000),
    outcome       text NOT NULL CHECK (outcome IN ('pass', 'fail')),
    recorded_by   bigint NOT NULL REFERENCES accounts (id),
    recorded_at   timestamptz NOT NULL
);
CREATE INDEX nomination_checks_nomination ON nomination_checks (nomination_id);

CREATE TABLE nomination_check_files (
    id           bigserial PRIMARY KEY,
    check_id     bigint NOT NULL REFERENCES nomination_checks (id) ON DELETE CASCADE,
    blob_key     text NOT NULL,
    name         text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    sha256       bytea NOT NULL
);
CREATE INDEX nomination_check_files_check ON nomination_check_files (check_id);

-- +goose Down
DROP TABLE nomination_check_files, nomination_checks, nominations, nomination_quotas;
CREATE TABLE nominations (
    contest_id bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    entry_id   bigint NOT NULL REFERENCES entries (id),
    level      text NOT NULL CHECK (level IN ('province', 'nation')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (contest_id, entry_id, level)
);
