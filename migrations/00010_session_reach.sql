-- +goose Up
-- A judge's session reaches only the contests whose invites it redeemed: an
-- organizer's invite for a judge who also serves another organizer's contest
-- gives a session that cannot see or score that contest. NULL: a password
-- login, the account holder's own secret, which reaches all their contests.
ALTER TABLE sessions ADD COLUMN contests bigint[];

-- A redemption whose reply was lost may be retried with the same key for a
-- while (SHA-256 of the client's Idempotency-Key); any other key is refused.
ALTER TABLE invites ADD COLUMN used_key bytea;

-- Which contests an expert of the shared pool serves decides who sees the
-- expert's contact details; panels are looked up by expert for that.
CREATE INDEX panel_members_expert ON panel_members (expert_id);

-- +goose Down
DROP INDEX panel_members_expert;
ALTER TABLE invites DROP COLUMN used_key;
ALTER TABLE sessions DROP COLUMN contests;
