-- +goose Up
-- A PDF's judge copy: the same document without the metadata that can name its
-- author (document information dictionary, XMP), stored as a second blob and
-- served to judges instead of the upload; and that metadata as text, for the
-- identity-leak check. NULL judge_key: no copy yet (an upload from before this
-- migration, or not a PDF); it is made when a judge first opens the file.
ALTER TABLE blobs
    ADD COLUMN judge_key text UNIQUE,
    ADD COLUMN metadata  text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE blobs DROP COLUMN judge_key, DROP COLUMN metadata;
