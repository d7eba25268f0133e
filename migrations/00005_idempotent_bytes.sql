-- +goose Up
-- A replayed response must be byte-for-byte the original: keep its bytes, not jsonb's re-rendering.
ALTER TABLE idempotency_keys ALTER COLUMN response TYPE bytea USING convert_to(response::text, 'UTF8');

-- +goose Down
ALTER TABLE idempotency_keys ALTER COLUMN response TYPE jsonb USING convert_from(response, 'UTF8')::jsonb;
