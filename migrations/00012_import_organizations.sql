-- +goose Up
-- An imported entry's organization is the import's own record, kept for the
-- importing contest: an entrant's profile (contact details, members) is the
-- entrant's, and another contest's import is that contest's. A credit code
-- is unique among entrants' profiles, and once per contest among imported
-- records (an organization imported twice into one contest is one record).
-- Conflicts of interest still match organizations by credit code and
-- normalized name, whoever's record holds them.
ALTER TABLE organizations ADD COLUMN contest_id bigint REFERENCES contests (id); -- NULL: an entrant's profile
ALTER TABLE organizations DROP CONSTRAINT organizations_uscc_key;
CREATE UNIQUE INDEX organizations_uscc_key ON organizations (uscc) WHERE contest_id IS NULL;
CREATE UNIQUE INDEX organizations_contest_uscc ON organizations (contest_id, uscc) WHERE contest_id IS NOT NULL;

-- Imported entries so far were attached to whatever record had their credit
-- code (an entrant's, or another contest's import). Each (contest, record)
-- gets the contest's own record, made from what the import row said (kept in
-- the entry's snapshot; the latest row wins). The normalized name stays the
-- one conflicts were computed with: it is of the same credit code, and Go
-- (assign.NormalizeOrg) writes it afresh on the next import.
CREATE TEMP TABLE imported_orgs ON COMMIT DROP AS
    SELECT DISTINCT ON (e.contest_id, e.organization_id)
           e.contest_id, e.organization_id AS old_id, e.snapshot -> 'organization' AS o, 0::bigint AS new_id
    FROM entries e
    WHERE e.source = 'import' AND e.organization_id IS NOT NULL
    ORDER BY e.contest_id, e.organization_id, e.id DESC;
UPDATE imported_orgs SET new_id = nextval('organizations_id_seq');
INSERT INTO organizations (id, contest_id, kind, name, name_norm, uscc, contact_name, contact_phone, contact_email, members, updated_at)
SELECT i.new_id, i.contest_id, coalesce(i.o ->> 'kind', old.kind), coalesce(nullif(i.o ->> 'name', ''), old.name), old.name_norm,
       old.uscc, coalesce(i.o ->> 'contact_name', ''), coalesce(i.o ->> 'contact_phone', ''), coalesce(i.o ->> 'contact_email', ''),
       CASE jsonb_typeof(i.o -> 'members') WHEN 'array' THEN i.o -> 'members' ELSE '[]' END, old.updated_at
FROM imported_orgs i JOIN organizations old ON old.id = i.old_id;
UPDATE entries e SET organization_id = i.new_id,
       snapshot = CASE WHEN e.snapshot ? 'organization' THEN jsonb_set(e.snapshot, '{organization,id}', to_jsonb(i.new_id)) ELSE e.snapshot END
FROM imported_orgs i
WHERE e.source = 'import' AND e.contest_id = i.contest_id AND e.organization_id = i.old_id;
-- Records only imports used are gone now; left, they would hold a credit code
-- its entrant could no longer register with.
DELETE FROM organizations o
WHERE o.contest_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.organization_id = o.id)
  AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.organization_id = o.id);

-- +goose Down
-- Imported records stay as they are, global again; this fails if one shares
-- its credit code with another record.
DROP INDEX organizations_contest_uscc;
DROP INDEX organizations_uscc_key;
ALTER TABLE organizations ADD CONSTRAINT organizations_uscc_key UNIQUE (uscc);
ALTER TABLE organizations DROP COLUMN contest_id;
