-- Links, the rows for a person to decide (match_review), persons and merged IDs.

CREATE OR REPLACE TEMP TABLE m_link AS
SELECT kind, file_id, row_no, person_key, method, pos, agreement, first_kind, knname, ambiguity, NULL AS village_same, NULL AS birth_same,
       NULL AS household_same
FROM m_corrected WHERE n_agree = 1
UNION ALL
-- The person key of a valid ID is m_known's (person_key_of hashes: once per ID, not once per row).
SELECT r.kind, r.file_id, r.row_no, k.person_key, 'exact_id', NULL, NULL, NULL, NULL, 1, NULL, NULL, NULL
FROM m_rows r JOIN m_known k ON k.id = r.id_number
WHERE r.valid AND NOT EXISTS (SELECT 1 FROM m_corrected c WHERE c.kind = r.kind AND c.file_id = r.file_id AND c.row_no = r.row_no AND c.n_agree > 0)
UNION ALL
SELECT kind, file_id, row_no, any_value(person_key), 'name', NULL, any_value(agreement), any_value(first_kind), any_value(knname),
       any_value(freq), any_value(village_same), any_value(birth_same), any_value(household_same)
FROM m_byname WHERE accepted GROUP BY kind, file_id, row_no HAVING count(DISTINCT person_key) = 1;

INSERT INTO match_review
SELECT kind, file_id, row_no, '证件号码纠正后有' || n_agree || '个姓名一致的候选人', list_sort(candidates)
FROM m_corrected WHERE n_agree > 1
UNION ALL
SELECT c.kind, c.file_id, c.row_no, '证件号码纠正后姓名仅同音或以生僻字相符，且不止一人可能', list_sort(c.plausible)
FROM m_corrected c
JOIN m_rows r ON r.kind = c.kind AND r.file_id = c.file_id AND r.row_no = c.row_no
WHERE c.n_agree = 0 AND len(c.plausible) > 1 AND NOT r.valid
  AND NOT EXISTS (SELECT 1 FROM m_link l WHERE l.kind = c.kind AND l.file_id = c.file_id AND l.row_no = c.row_no)
UNION ALL
SELECT kind, file_id, row_no,
       CASE WHEN count(DISTINCT person_key) FILTER (WHERE accepted) > 1 THEN '姓名、出生日期、村一致的候选人有' || count(DISTINCT person_key) FILTER (WHERE accepted) || '个'
            WHEN count(DISTINCT person_key) FILTER (WHERE village_same OR birth_same) > 1 THEN '同名候选人' || count(DISTINCT person_key) || '个，无法以出生日期或村区分'
            WHEN count(DISTINCT person_key) FILTER (WHERE village_same OR birth_same) = 1 THEN '同名' || count(DISTINCT person_key) || '人，其中1人'
                 || CASE WHEN bool_or(birth_same) THEN '出生日期一致' ELSE '同村' END || '，但该姓名较常见，未自动对应'
            ELSE '仅姓名一致（同名' || count(DISTINCT person_key) || '人），无出生日期或村佐证，未自动对应' END,
       list_sort(list(DISTINCT person_key))
FROM m_byname b
WHERE plausible AND NOT EXISTS (SELECT 1 FROM m_link l WHERE l.kind = b.kind AND l.file_id = b.file_id AND l.row_no = b.row_no)
  AND NOT EXISTS (SELECT 1 FROM m_corrected c WHERE c.kind = b.kind AND c.file_id = b.file_id AND c.row_no = b.row_no
                  AND c.n_agree = 0 AND len(c.plausible) > 1)
GROUP BY kind, file_id, row_no
-- A name alone is worth a look only on a row without any ID: a row whose ID nobody has is ID-01's.
HAVING count(DISTINCT person_key) FILTER (WHERE accepted) > 1
    OR count(DISTINCT person_key) FILTER (WHERE village_same OR birth_same) > 1
    OR NOT bool_or(has_id);

-- Persons. Most are known by a valid ID to which exact-ID links alone lead, from all the rows of that ID:
-- m_known has aggregated those rows already. The others (linked by a correction or a name too, or with a row
-- of their ID linked to another person, or known by a 15-digit ID alone) are aggregated from their links.
INSERT INTO persons BY NAME
WITH mixed AS (
    SELECT person_key FROM m_link WHERE method <> 'exact_id'
    UNION
    SELECT person_key_of(s.id_number) FROM m_corrected c
    JOIN m_suspect s ON s.kind = c.kind AND s.file_id = c.file_id AND s.row_no = c.row_no
    WHERE c.n_agree > 0 AND s.valid
), taken AS (
    SELECT k.person_key, k.id AS id_number, k.name, k.nname AS name_norm, k.birth AS birth_date, k.county, k.town, k.village, k.household_no,
           k.in_gs, k.in_dibao, k.in_tekun, k.in_medical, k.in_education, k.in_review
    FROM m_known k
    WHERE NOT k.only15 AND NOT EXISTS (SELECT 1 FROM mixed x WHERE x.person_key = k.person_key)
    UNION ALL
    SELECT k.person_key, k.id AS id_number,
           arg_min(r.name, r.priority) FILTER (WHERE nullif(trim(r.name), '') IS NOT NULL AND (l.method = 'exact_id' OR k.only15)) AS name,
           arg_min(r.nname, r.priority) FILTER (WHERE r.nname IS NOT NULL AND (l.method = 'exact_id' OR k.only15)) AS name_norm,
           k.birth AS birth_date,
           arg_min(r.county, r.priority) FILTER (WHERE r.county IS NOT NULL) AS county,
           arg_min(r.town, r.priority) FILTER (WHERE r.town IS NOT NULL) AS town,
           arg_min(r.village, r.priority) FILTER (WHERE r.village IS NOT NULL) AS village,
           arg_min(r.household_no, r.priority) FILTER (WHERE r.household_no IS NOT NULL) AS household_no,
           bool_or(r.kind = 'gs') AS in_gs, bool_or(r.kind = 'dibao') AS in_dibao, bool_or(r.kind = 'tekun') AS in_tekun,
           bool_or(r.kind = 'medical') AS in_medical, bool_or(r.kind = 'education') AS in_education,
           bool_or(r.kind = 'review') AS in_review
    FROM m_link l
    JOIN m_rows r ON r.kind = l.kind AND r.file_id = l.file_id AND r.row_no = l.row_no
    JOIN m_known k ON k.person_key = l.person_key
    WHERE l.person_key IN (SELECT person_key FROM mixed)
    GROUP BY k.person_key, k.id, k.birth, k.only15
)
SELECT *, CASE WHEN substr(id_number, 17, 1)::INTEGER % 2 = 1 THEN '男' ELSE '女' END AS sex FROM taken;

INSERT INTO links (kind, file_id, row_no, person_key, method, score, explanation, id_found, name_norm, name_agreement)
SELECT l.kind, l.file_id, l.row_no, l.person_key, l.method,
       CASE l.method WHEN 'exact_id' THEN 1.0 WHEN 'id15' THEN 0.99 WHEN 'check_digit' THEN 0.97 WHEN 'one_digit' THEN 0.96
            WHEN 'swapped' THEN 0.96 WHEN 'excel_000' THEN 0.95 WHEN 'excel_e17' THEN 0.94
            ELSE 0.7 + 0.1 * coalesce(l.birth_same::INTEGER, 0) + 0.1 * coalesce(l.village_same::INTEGER, 0)
                 + 0.05 * coalesce(l.household_same::INTEGER, 0) END
         - CASE WHEN l.method IN ('excel_000', 'excel_e17') AND l.ambiguity > 1 THEN 0.05 ELSE 0 END
         - CASE l.agreement WHEN 'rare' THEN 0.01 WHEN 'homophone' THEN 0.03 ELSE 0 END,
       CASE l.method
         WHEN 'exact_id' THEN '证件号码完全一致（18位，校验位正确）'
         WHEN 'id15' THEN CASE WHEN k.only15 THEN '15位旧证件号码，升为18位（各来源均无该人18位号码）'
                               ELSE '15位旧证件号码升为18位后与' || src_label(l.first_kind) || '一致' END
         WHEN 'check_digit' THEN '证件号码校验位与' || src_label(l.first_kind) || '不同，前17位一致'
         WHEN 'one_digit' THEN '证件号码第' || l.pos || '位与' || src_label(l.first_kind) || '不同'
         WHEN 'swapped' THEN '证件号码第' || l.pos || '、' || (l.pos + 1) || '位颠倒（与' || src_label(l.first_kind) || '相比）'
         WHEN 'excel_000' THEN '证件号码后三位被Excel改为000，前15位与'
              || CASE WHEN l.ambiguity > 1 THEN l.ambiguity || '名已知人员一致，其中姓名相同的仅一人' ELSE src_label(l.first_kind) || '唯一一人一致' END
         WHEN 'excel_e17' THEN '证件号码被Excel改为科学计数法，前15位与'
              || CASE WHEN l.ambiguity > 1 THEN l.ambiguity || '名已知人员一致，其中姓名相同的仅一人' ELSE src_label(l.first_kind) || '唯一一人一致' END
         ELSE '无有效证件号码，' ||
              concat_ws('，', CASE WHEN l.birth_same THEN '出生日期一致' END, CASE WHEN l.village_same THEN '同村' END,
                        CASE WHEN l.household_same THEN '低保同户成员在全国系统中与其同户'
                             WHEN NOT coalesce(l.birth_same, false) THEN '该姓名在已知人员中唯一' END)
       END || CASE
         WHEN l.method = 'exact_id' THEN ''
         WHEN l.agreement = 'same' THEN '，姓名一致（' || l.knname || '）'
         WHEN l.agreement = 'rare' THEN '，姓名除生僻字外一致（' || r.nname || '/' || l.knname || '）'
         WHEN l.agreement = 'homophone' THEN '，姓名同音（' || r.ename || '/' || l.knname || '）'
         ELSE '' END,
       coalesce(r.id_number, r.id_raw), coalesce(r.nname, r.ename),
       names_agree_s(coalesce(r.nname, r.ename), p.name_norm, coalesce(r.nsound, r.esound), k.ksound)
FROM m_link l
JOIN m_rows r ON r.kind = l.kind AND r.file_id = l.file_id AND r.row_no = l.row_no
JOIN persons p ON p.person_key = l.person_key
JOIN m_known k ON k.person_key = l.person_key;

INSERT INTO person_merges
SELECT l.person_key, person_key_of(r.id_number), r.id_number, count(*), '证件号码疑似被Excel截断后补000，并入前15位一致且姓名一致的人员'
FROM m_link l JOIN m_rows r ON r.kind = l.kind AND r.file_id = l.file_id AND r.row_no = l.row_no
WHERE l.method = 'excel_000' AND r.valid
GROUP BY l.person_key, r.id_number;
