-- +goose Up
-- The investor showcase (contest/showcase): investment institutions register (role investor) and
-- apply to a contest's showcase, its organizer approves or rejects each; after the contest's results
-- are final, entrants who opt an accepted entry in are shown to the approved investors, who ask for
-- contact; the entrant accepts or declines, and contact details are shared only on acceptance.
ALTER TABLE accounts DROP CONSTRAINT accounts_role_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_role_check CHECK (role IN ('organizer', 'judge', 'entrant', 'investor'));

-- An investment institution, one per investor account.
CREATE TABLE investors (
    account_id    bigint PRIMARY KEY REFERENCES accounts (id),
    institution   text NOT NULL CHECK (institution <> ''),
    uscc          text NOT NULL UNIQUE,              -- 统一社会信用代码 of the institution
    contact_name  text NOT NULL CHECK (contact_name <> ''),
    contact_phone text NOT NULL DEFAULT '',
    contact_email text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    CHECK (contact_phone <> '' OR contact_email <> '')
);

-- An investor's application to one contest's showcase, and the organizer's decision.
CREATE TABLE showcase_investors (
    contest_id  bigint NOT NULL REFERENCES contests (id),
    investor_id bigint NOT NULL REFERENCES investors (account_id),
    state       text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    applied_at  timestamptz NOT NULL,
    decided_at  timestamptz,
    decided_by  bigint REFERENCES accounts (id),
    reason      text NOT NULL DEFAULT '',
    PRIMARY KEY (contest_id, investor_id)
);

-- An entry opted in to its contest's showcase (withdrawn_at set: no longer shown).
CREATE TABLE showcase_listings (
    entry_id      bigint PRIMARY KEY REFERENCES entries (id),
    contest_id    bigint NOT NULL REFERENCES contests (id),
    round_raised  text NOT NULL CHECK (round_raised IN ('none', 'seed', 'angel', 'pre_a', 'a', 'b', 'c_plus')),
    amount_sought bigint NOT NULL CHECK (amount_sought > 0),   -- yuan
    opted_in_at   timestamptz NOT NULL,
    withdrawn_at  timestamptz
);
CREATE INDEX showcase_listings_contest ON showcase_listings (contest_id);

-- An investor's request for an entrant's contact, and the entrant's decision.
CREATE TABLE showcase_requests (
    id          bigserial PRIMARY KEY,
    contest_id  bigint NOT NULL REFERENCES contests (id),
    entry_id    bigint NOT NULL REFERENCES showcase_listings (entry_id),
    investor_id bigint NOT NULL REFERENCES investors (account_id),
    message     text NOT NULL CHECK (message <> ''),
    state       text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'declined')),
    created_at  timestamptz NOT NULL,
    decided_at  timestamptz,
    UNIQUE (entry_id, investor_id)
);
CREATE INDEX showcase_requests_contest ON showcase_requests (contest_id, created_at);

-- +goose Down
DROP TABLE showcase_requests;
DROP TABLE showcase_listings;
DROP TABLE showcase_investors;
DROP TABLE investors;
DELETE FROM accounts WHERE role = 'investor';
ALTER TABLE accounts DROP CONSTRAINT accounts_role_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_role_check CHECK (role IN ('organizer', 'judge', 'entrant'));
