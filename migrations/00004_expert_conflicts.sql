-- +goose Up
-- Organizations an expert declares a conflict with (raw, and normalized for set-based matching).
ALTER TABLE experts
    ADD COLUMN declared_orgs      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN declared_orgs_norm text[] NOT NULL DEFAULT '{}';
CREATE INDEX experts_declared_orgs_norm ON experts USING gin (declared_orgs_norm);

-- +goose Down
DROP INDEX experts_declared_orgs_norm;
ALTER TABLE experts DROP COLUMN declared_orgs_norm, DROP COLUMN declared_orgs;
