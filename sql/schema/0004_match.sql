-- What the matching cascade records beside each link, and the persons it folded into others.

-- id_found: the ID as the row holds it (id_number, else id_raw); name_norm: the row's name after
-- normalisation (for review rows the head's name given with the ID, the person's own only when the ID is the
-- head's); name_agreement: same | rare | homophone | differ against the person's name (NULL when either is
-- missing).
ALTER TABLE links ADD COLUMN id_found VARCHAR;
ALTER TABLE links ADD COLUMN name_norm VARCHAR;
ALTER TABLE links ADD COLUMN name_agreement VARCHAR;

ALTER TABLE persons ADD COLUMN name_norm VARCHAR;

-- A valid ID that matching decided is a damaged copy of another person's (15 digits + 000 that happen to
-- pass the check digit): its rows are linked to person_key and no person is made for it. Logged, never
-- renumbered: merged_key is what the damaged ID would have been keyed as.
CREATE TABLE person_merges (
    person_key  VARCHAR NOT NULL,
    merged_key  VARCHAR NOT NULL,
    merged_id   VARCHAR NOT NULL,
    rows_moved  BIGINT NOT NULL,
    reason      VARCHAR NOT NULL
);

-- The macros name_norm(s), name_sound(s) and names_agree(a, b) are created by matching (match.Link) from
-- its character tables, so that analysts can compare names the way matching did.
