-- Run history, input files, rejects: the bookkeeping every run writes.

CREATE TABLE runs (
    run_id      BIGINT PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    as_of       DATE NOT NULL,
    status      VARCHAR NOT NULL,   -- ok | partial (some files failed or rules skipped)
    version     VARCHAR,
    inbox       VARCHAR,
    summary     JSON
);

-- One row per sheet read (or per file, when it failed before any sheet was read), for every run.
CREATE TABLE files (
    run_id        BIGINT NOT NULL,
    file_id       BIGINT NOT NULL PRIMARY KEY,
    path          VARCHAR NOT NULL,
    sha256        VARCHAR,
    format        VARCHAR,          -- xlsx | xls | xml (Excel 2003 XML) | html | csv
    encoding      VARCHAR,          -- csv only: utf-8, utf-8-bom, gb18030
    kind          VARCHAR,          -- NULL when the sheet matched no kind
    sheet         VARCHAR,
    header_row    INTEGER,
    columns       JSON,             -- canonical column -> header as seen
    rows_read     BIGINT NOT NULL DEFAULT 0,
    rows_loaded   BIGINT NOT NULL DEFAULT 0,
    rows_skipped  BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    status        VARCHAR NOT NULL, -- loaded | failed | unrecognised | carried | ignored
    error         VARCHAR
);

-- A value that could not be normalised (the field is NULL in the source row), or a whole row that could not
-- be used (column NULL).
CREATE TABLE rejects (
    file_id BIGINT NOT NULL,
    sheet   VARCHAR,
    row_no  INTEGER NOT NULL,
    "column" VARCHAR,               -- the header as seen in the file
    field   VARCHAR,                -- the canonical column
    value   VARCHAR,
    reason  VARCHAR NOT NULL
);

-- One row per rule per run: whether it ran, and why not.
CREATE TABLE rule_runs (
    run_id      BIGINT NOT NULL,
    rule        VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,   -- ran | skipped | failed
    reason      VARCHAR,
    findings    BIGINT,
    duration_ms BIGINT
);
