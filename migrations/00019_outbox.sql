-- +goose Up
-- The transactional outbox of notifications (e-mail, SMS): a message is recorded in
-- the same transaction as its cause (a submission, a decision, an invite), and the
-- sender delivers it afterwards, retrying with backoff. Its Message-ID is fixed here,
-- so a delivery repeated after a crash carries the same one.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    contest_id      bigint REFERENCES contests (id) ON DELETE CASCADE,  -- NULL: not about one contest (a password reset)
    channel         text NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient       text NOT NULL CHECK (recipient <> ''),                -- an address or a mobile number
    recipient_name  text NOT NULL DEFAULT '',
    locale          text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
    kind            text NOT NULL,                                        -- the template: entry.submitted, judge.invited, …
    data            jsonb NOT NULL DEFAULT '{}',
    message_id      uuid NOT NULL UNIQUE,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    via             text NOT NULL DEFAULT '',                             -- how it went: smtp, log
    attempts        int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_contest ON outbox (contest_id, id);

-- +goose Down
DROP TABLE outbox;
