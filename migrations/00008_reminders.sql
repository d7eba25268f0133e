-- +goose Up
-- In-app reminders from a round's organizers to judges whose sheets are not all
-- submitted. A reminder names only the round (never an entry), so it is blind by
-- construction; the judge dismisses it on the tablet.
CREATE TABLE reminders (
    id           bigserial PRIMARY KEY,
    round_id     bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    expert_id    bigint NOT NULL REFERENCES experts (id),
    sent_by      bigint NOT NULL REFERENCES accounts (id),
    sent_at      timestamptz NOT NULL,
    pending      int NOT NULL CHECK (pending > 0),   -- sheets not yet submitted when it was sent
    dismissed_at timestamptz
);
CREATE INDEX reminders_round_expert ON reminders (round_id, expert_id, sent_at DESC);
CREATE INDEX reminders_expert_open ON reminders (expert_id) WHERE dismissed_at IS NULL;

-- +goose Down
DROP TABLE reminders;
