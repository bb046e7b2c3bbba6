-- Rows with a damaged ID: candidates from every correction, and whether a name confirms one.

-- Rows whose ID needs correcting: not valid, or valid but ending 000 (Excel kept 15 digits and the
-- zeros happened to pass the check digit; only the excel_000 correction applies to those).
CREATE OR REPLACE TEMP TABLE m_suspect AS
SELECT r.kind, r.file_id, r.row_no, r.id_raw, r.id_number, r.ename, r.esound, r.valid, r.birth
FROM m_rows r
WHERE NOT r.valid OR r.id_number LIKE '%000';

-- Candidates from every correction, each a hash join on a derived key.
CREATE OR REPLACE TEMP TABLE m_cand AS
WITH damaged AS (
    SELECT * FROM m_suspect WHERE NOT valid AND regexp_full_match(id_number, '[0-9]{17}[0-9X]')
), masked_rows AS (
    SELECT s.*, p, substr(id_number, 1, p - 1) || '_' || substr(id_number, p + 1) AS mkey
    FROM damaged s, range(1, 19) t(p)
), near_known AS (
    -- Only a known ID equal to a damaged one but in one place can match it, so only those are masked (18
    -- masked keys for each known ID would be millions): one differing in the first 9 places has the last 9 of
    -- a damaged ID, in places 10-13 its first 9 and last 5, in places 14-18 its first 13.
    SELECT k.person_key, k.id, k.cname, k.csound, k.first_kind, k.birth
    FROM m_known k
    WHERE substr(k.id, 10) IN (SELECT substr(id_number, 10) FROM damaged)
       OR substr(k.id, 1, 9) || substr(k.id, 14) IN (SELECT substr(id_number, 1, 9) || substr(id_number, 14) FROM damaged)
       OR substr(k.id, 1, 13) IN (SELECT substr(id_number, 1, 13) FROM damaged)
), masked_known AS (
    SELECT k.*, p, substr(id, 1, p - 1) || '_' || substr(id, p + 1) AS mkey
    FROM near_known k, range(1, 19) t(p)
), swapped AS (
    SELECT s.*, p, substr(id_number, 1, p - 1) || substr(id_number, p + 1, 1) || substr(id_number, p, 1) || substr(id_number, p + 2) AS skey
    FROM m_suspect s, range(1, 18) t(p)
    WHERE NOT valid AND length(id_number) = 18 AND substr(id_number, p, 1) <> substr(id_number, p + 1, 1)
), excel AS (
    SELECT s.*, 'excel_e17' AS method,
           rpad(replace(split_part(upper(s.id_raw), 'E', 1), '.', ''), 15, '0') AS key15
    FROM m_suspect s
    WHERE s.id_number IS NULL AND regexp_full_match(upper(s.id_raw), '[1-9]\.[0-9]{10,14}E\+?17')
    UNION ALL
    -- The importer may have rejected such a cell as Excel-rounded (id_number NULL): id_raw still has it.
    SELECT s.*, 'excel_000', substr(coalesce(id_number, id_raw), 1, 15)
    FROM m_suspect s WHERE regexp_full_match(coalesce(id_number, id_raw), '[0-9]{15}000')
), known15 AS (
    SELECT k.person_key, k.id, k.cname, k.csound, k.first_kind, k.birth, substr(id, 1, 15) AS key15 FROM m_known k
)
SELECT kind, file_id, row_no, method, person_key, pos, kid, knname, first_kind, ename,
       names_agree_s(ename, knname, esound, ksound) AS agreement, ambiguity, kbirth
FROM (
    SELECT s.kind, s.file_id, s.row_no, 'id15' AS method, k.person_key, NULL::INTEGER AS pos,
           k.id AS kid, k.cname AS knname, k.csound AS ksound, k.first_kind, s.ename, s.esound, 1 AS ambiguity, k.birth AS kbirth
    FROM m_suspect s JOIN m_known k
      ON substr(k.id, 1, 17) = substr(s.id_number, 1, 6) || '19' || substr(s.id_number, 7, 9)
    WHERE regexp_full_match(s.id_number, '[0-9]{15}')
    UNION ALL
    SELECT r.kind, r.file_id, r.row_no, CASE WHEN r.p = 18 THEN 'check_digit' ELSE 'one_digit' END,
           k.person_key, r.p, k.id, k.cname, k.csound, k.first_kind, r.ename, r.esound, 1, k.birth
    FROM masked_rows r JOIN masked_known k ON k.p = r.p AND k.mkey = r.mkey
    UNION ALL
    SELECT w.kind, w.file_id, w.row_no, 'swapped', k.person_key, w.p, k.id, k.cname, k.csound, k.first_kind, w.ename, w.esound, 1, k.birth
    FROM swapped w JOIN m_known k ON k.id = w.skey
    UNION ALL
    SELECT e.kind, e.file_id, e.row_no, e.method, k.person_key, NULL, k.id, k.cname, k.csound, k.first_kind, e.ename, e.esound,
           count(*) OVER (PARTITION BY e.kind, e.file_id, e.row_no, e.method), k.birth
    FROM excel e JOIN known15 k ON k.key15 = e.key15 AND k.id IS DISTINCT FROM e.id_number
);

-- Whether a candidate's name confirms the correction. The same name does; a rare character typed as ?
-- or pinyin does when the ID leads to that candidate alone; a homophone does only then, and only
-- when no other known person has exactly the row's name and the candidate's birth date (twins 王磊
-- and 王蕾: a 王蕾 row with 王磊's ID one digit off may be either). Those others are the rivals.
CREATE OR REPLACE TEMP TABLE m_conf AS
SELECT c.*, r.rivals,
       CASE c.agreement WHEN 'same' THEN true
                        WHEN 'rare' THEN c.ambiguity = 1
                        WHEN 'homophone' THEN c.ambiguity = 1 AND r.rivals IS NULL
                        ELSE false END AS confirms
FROM m_cand c
LEFT JOIN (SELECT c2.kind, c2.file_id, c2.row_no, c2.person_key, list(DISTINCT k2.person_key) AS rivals
           FROM m_cand c2 JOIN m_known k2 ON k2.nname = c2.ename AND k2.birth = c2.kbirth AND k2.person_key <> c2.person_key
           WHERE c2.agreement = 'homophone'
           GROUP BY ALL) r
       ON r.kind = c.kind AND r.file_id = c.file_id AND r.row_no = c.row_no AND r.person_key = c.person_key;

-- A row linked by correction has exactly one person among the candidates whose name confirms it.
CREATE OR REPLACE TEMP TABLE m_corrected AS
SELECT kind, file_id, row_no,
       count(DISTINCT person_key) FILTER (WHERE confirms) AS n_agree,
       arg_min(person_key, (list_position(['exact_id', 'excel_000', 'id15', 'check_digit', 'one_digit', 'swapped', 'excel_e17', 'name'], method), pos)) FILTER (WHERE confirms) AS person_key,
       arg_min(method, (list_position(['exact_id', 'excel_000', 'id15', 'check_digit', 'one_digit', 'swapped', 'excel_e17', 'name'], method), pos)) FILTER (WHERE confirms) AS method,
       arg_min(pos, (list_position(['exact_id', 'excel_000', 'id15', 'check_digit', 'one_digit', 'swapped', 'excel_e17', 'name'], method), pos)) FILTER (WHERE confirms) AS pos,
       arg_min(agreement, (list_position(['exact_id', 'excel_000', 'id15', 'check_digit', 'one_digit', 'swapped', 'excel_e17', 'name'], method), pos)) FILTER (WHERE confirms) AS agreement,
       arg_min(ambiguity, (list_position(['exact_id', 'excel_000', 'id15', 'check_digit', 'one_digit', 'swapped', 'excel_e17', 'name'], method), pos)) FILTER (WHERE confirms) AS ambiguity,
       arg_min(first_kind, (list_position(['exact_id', 'excel_000', 'id15', 'check_digit', 'one_digit', 'swapped', 'excel_e17', 'name'], method), pos)) FILTER (WHERE confirms) AS first_kind,
       arg_min(knname, (list_position(['exact_id', 'excel_000', 'id15', 'check_digit', 'one_digit', 'swapped', 'excel_e17', 'name'], method), pos)) FILTER (WHERE confirms) AS knname,
       list(DISTINCT person_key) FILTER (WHERE confirms) AS candidates,
       -- Candidates whose name agrees without confirming, with their rivals: a person decides.
       list_distinct(flatten(list([person_key] || coalesce(rivals, [])) FILTER (WHERE agreement IN ('same', 'rare', 'homophone')))) AS plausible
FROM m_conf GROUP BY kind, file_id, row_no;
