-- Every person row (src_person_rows, built from the source kinds' descriptions) with its names normalised.
-- $1, $2, $3 of the m_chars insert are the character table of name normalisation (match.charTable).

CREATE OR REPLACE TEMP TABLE m_chars (ch VARCHAR, norm VARCHAR, sound VARCHAR);

INSERT INTO m_chars SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]), unnest($3::VARCHAR[]);

-- The names of every person row (name and evidence_name), each normalised once, by splitting it into
-- characters and joining the character table (DuckDB's translate with a table this size is slow).
CREATE OR REPLACE TEMP TABLE m_names AS
WITH raw AS (
    SELECT DISTINCT n FROM (SELECT name AS n FROM src_person_rows UNION ALL SELECT evidence_name FROM src_person_rows) WHERE n IS NOT NULL
), chars AS (
    SELECT n, unnest(string_split(sq, '')) AS ch, unnest(range(length(sq))) AS pos
    FROM (SELECT n, regexp_replace(n, '[\s\x{3000}\x{00a0}\x{200b}\x{feff}]+', '', 'g') AS sq FROM raw)
), mapped AS (
    SELECT c.n, nullif(regexp_replace(string_agg(coalesce(m.norm, c.ch), '' ORDER BY c.pos), '[A-Za-z]+', '?', 'g'), '') AS norm
    FROM chars c LEFT JOIN m_chars m ON m.ch = c.ch
    GROUP BY c.n
), sounds AS (
    SELECT c.norm, string_agg(coalesce(m.sound, c.ch), '' ORDER BY c.pos) AS sound
    FROM (SELECT norm, unnest(string_split(norm, '')) AS ch, unnest(range(length(norm))) AS pos
          FROM (SELECT DISTINCT norm FROM mapped WHERE norm IS NOT NULL)) c
    LEFT JOIN m_chars m ON m.ch = c.ch
    GROUP BY c.norm
)
-- The sound key leaves the middle dot out, so that 艾力买买提 meets 艾力·买买提 (names_agree_s finds them
-- the same).
SELECT raw.n, mapped.norm, replace(sounds.sound, '·', '') AS sound
FROM raw JOIN mapped ON mapped.n = raw.n LEFT JOIN sounds ON sounds.norm = mapped.norm;

-- Every person row with its names normalised (m_names) and what matching derives from its columns.
-- priority orders the rows that give a person's name and place: the earlier kind (bidui.Kinds), then the
-- earlier file and row, a total order, so that a person with rows of one kind that disagree (a 人社 file per
-- purpose, deaths from three departments) gets the same name however the rows were read. It is the three
-- packed into one number (priority, file_id and row_no are never negative, and row_no is an INTEGER), which
-- arg_min compares far faster than a struct.
CREATE OR REPLACE TEMP TABLE m_rows AS
SELECT r.* EXCLUDE (ename), a.norm AS nname, a.sound AS nsound, b.norm AS ename, b.sound AS esound
FROM (
    SELECT kind, (priority::HUGEINT << 96) + (file_id::HUGEINT << 32) + row_no AS priority, file_id, row_no, id_raw, id_number, name, ename, county, town,
           -- 民政 writes 上埠村委会 or 上埠村民委员会 where 全国系统 writes 上埠村, and 东关居委会 for 东关社区.
           CASE WHEN village LIKE '%委%' OR village LIKE '%会%'
                THEN regexp_replace(regexp_replace(trim(village), '村(民委员会|委会|委)$', '村'),
                                    '(社区居民委员会|社区居委会|居民委员会|居委会)$', '社区')
                ELSE village END AS village,
           household_no, hkey,
           -- The birth date: gs says it; else the ID's date digits, however damaged the rest of the ID is
           -- (Excel's E+17 and its 000 keep them; a swap or wrong digit there makes no date, or a wrong one).
           -- (The cheap tests before each regexp spare most rows the regexp.)
           coalesce(birth_date, CASE
               WHEN (contains(id_raw, 'E') OR contains(id_raw, 'e')) AND regexp_full_match(upper(id_raw), '[1-9]\.[0-9]{10,14}E\+?17')
                   THEN try_strptime(substr(rpad(replace(split_part(upper(id_raw), 'E', 1), '.', ''), 15, '0'), 7, 8), '%Y%m%d')
               WHEN length(coalesce(id_number, id_raw)) = 15 AND regexp_full_match(coalesce(id_number, id_raw), '[0-9]{15}')
                   THEN try_strptime('19' || substr(coalesce(id_number, id_raw), 7, 6), '%Y%m%d')
               WHEN length(coalesce(id_number, id_raw)) = 18
                   THEN try_strptime(substr(coalesce(id_number, id_raw), 7, 8), '%Y%m%d') END::DATE) AS birth,
           -- valid is id_valid(id_number) (sql/schema), its check character's weighted sum taken from the first 17
           -- digits as one number: the same result, several times faster than 17 substrings per row.
           coalesce(regexp_full_match(id_number, '[0-9]{17}[0-9X]')
               AND try_strptime(substr(id_number, 7, 8), '%Y%m%d') IS NOT NULL
               AND substr('10X98765432',
               (((d17 // 10000000000000000 % 10) * 7 + (d17 // 1000000000000000 % 10) * 9 +
                (d17 // 100000000000000 % 10) * 10 + (d17 // 10000000000000 % 10) * 5 + (d17 // 1000000000000 % 10) * 8 +
                (d17 // 100000000000 % 10) * 4 + (d17 // 10000000000 % 10) * 2 + (d17 // 1000000000 % 10) * 1 +
                (d17 // 100000000 % 10) * 6 + (d17 // 10000000 % 10) * 3 + (d17 // 1000000 % 10) * 7 +
                (d17 // 100000 % 10) * 9 + (d17 // 10000 % 10) * 10 + (d17 // 1000 % 10) * 5 + (d17 // 100 % 10) * 8 +
                (d17 // 10 % 10) * 4 + (d17 % 10) * 2) % 11) + 1, 1) = substr(id_number, 18, 1),
               false) AS valid
    FROM (SELECT *, try_cast(substr(id_number, 1, 17) AS BIGINT) AS d17 FROM src_person_rows
          AS r (kind, priority, file_id, row_no, id_raw, id_number, name, ename, county, town, village, household_no, birth_date, hkey))
) r LEFT JOIN m_names a ON a.n = r.name LEFT JOIN m_names b ON b.n = r.ename;
