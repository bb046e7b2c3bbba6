-- Persons, links from source rows to persons, and findings with their history.

CREATE TABLE persons (
    person_key   VARCHAR PRIMARY KEY,  -- stable: derived from the valid ID number
    id_number    VARCHAR,
    name         VARCHAR,
    sex          VARCHAR,
    birth_date   DATE,
    county VARCHAR, town VARCHAR, village VARCHAR, household_no VARCHAR,
    in_gs BOOLEAN, in_dibao BOOLEAN, in_tekun BOOLEAN, in_medical BOOLEAN, in_education BOOLEAN, in_review BOOLEAN
);

CREATE TABLE links (
    kind        VARCHAR NOT NULL,
    file_id     BIGINT NOT NULL,
    row_no      INTEGER NOT NULL,
    person_key  VARCHAR NOT NULL,
    method      VARCHAR NOT NULL,
    score       DOUBLE NOT NULL,
    explanation VARCHAR NOT NULL
);

CREATE TABLE match_review (
    kind       VARCHAR NOT NULL,
    file_id    BIGINT NOT NULL,
    row_no     INTEGER NOT NULL,
    reason     VARCHAR NOT NULL,
    candidates VARCHAR[]            -- person_keys
);

-- Every finding of every run it was seen in, plus one row with status 'resolved' in the run that no longer saw it.
CREATE TABLE findings_history (
    run_id       BIGINT NOT NULL,
    finding_id   VARCHAR NOT NULL,
    rule         VARCHAR NOT NULL,
    title        VARCHAR NOT NULL,
    severity     VARCHAR NOT NULL,
    level        VARCHAR NOT NULL,
    subject      VARCHAR NOT NULL,
    county VARCHAR, town VARCHAR, village VARCHAR,
    household_no VARCHAR,
    person_key   VARCHAR,
    name         VARCHAR,
    id_number    VARCHAR,
    detail       VARCHAR,
    action       VARCHAR,
    status       VARCHAR NOT NULL,  -- new | open | waived | resolved
    first_seen   DATE NOT NULL,
    last_seen    DATE NOT NULL,
    PRIMARY KEY (run_id, finding_id)
);

-- The rules of the run as loaded from their headers (report and summaries read titles and actions here).
CREATE TABLE rule_catalogue (
    code     VARCHAR PRIMARY KEY,
    title    VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,     -- high | medium | low
    level    VARCHAR NOT NULL,     -- person | household | row
    needs    VARCHAR[] NOT NULL,
    uses     VARCHAR[] NOT NULL,
    action   VARCHAR NOT NULL,
    basis    VARCHAR,
    description VARCHAR            -- the rule's condition in words (from the header's description lines)
);

-- id_valid(id): an 18-character resident ID with 17 digits, a real birth date and the right ISO 7064 MOD 11-2
-- check character. Kept in the database so analysts can use it too.
CREATE MACRO id_valid(id) AS
    coalesce(
        regexp_full_match(id, '[0-9]{17}[0-9X]')
        AND try_strptime(substr(id, 7, 8), '%Y%m%d') IS NOT NULL
        AND substr('10X98765432',
                   (list_sum(list_transform(range(17),
                       i -> coalesce(try_cast(substr(id, i + 1, 1) AS INTEGER), 99) * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i + 1])) % 11)::BIGINT + 1,
                   1) = substr(id, 18, 1),
        false);

-- person_key_of(id): the stable key of the person whose valid ID is id.
CREATE MACRO person_key_of(id) AS 'P' || substr(sha256('bidui-person:' || id), 1, 16);
