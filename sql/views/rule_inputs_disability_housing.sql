-- The inputs of the disability and housing rules (CJ-01…04, ZF-01…04), in the terms of departments.md. Created
-- after rule_inputs.sql, whose views and macros they use.

-- rule_disability: the 残联 roster's rows with their person (NULL when unlinked).
CREATE OR REPLACE VIEW rule_disability AS
SELECT d.*, l.person_key
FROM src_disability d
LEFT JOIN links l ON l.kind = 'disability' AND l.file_id = d.file_id AND l.row_no = d.row_no;

-- rule_certificates(as_of): per linked person, the state of their cards at as_of.
--   active: a row is active at as_of when its status is active, issued_on is blank or not after as_of,
--     valid_until blank or not before as_of (a month-precision date is valid through its month), and
--     cancelled_on blank or after as_of. grade, category, issued_on (and its precision) are those of the latest
--     active row (by issued_on, a blank one first, then file order).
--   inactive_only: every row is inactive at as_of (status inactive, expired or cancelled); a row whose status
--     could not be read, or that is issued after as_of, is neither active nor inactive. inactive_text says why
--     the latest such row is.
CREATE OR REPLACE MACRO rule_certificates(as_of) AS TABLE
WITH r AS (
    SELECT person_key, grade, category, issued_on, issued_on_precision, file_id, row_no,
           (coalesce(issued_on, DATE '0001-01-01'), file_id, row_no) AS pos,
           status = 'active'
             AND (issued_on IS NULL OR issued_on <= as_of)
             AND (valid_until IS NULL OR rule_last_day(valid_until, valid_until_precision) >= as_of)
             AND (cancelled_on IS NULL OR cancelled_on > as_of) AS active,
           CASE WHEN cancelled_on <= as_of THEN rule_date_text(cancelled_on, cancelled_on_precision) || '注销'
                                                || coalesce('，原因：' || nullif(trim(cancel_reason), ''), '')
                WHEN status = 'inactive' THEN '状态为已注销或失效'
                WHEN rule_last_day(valid_until, valid_until_precision) < as_of
                    THEN '有效期至' || rule_date_text(valid_until, valid_until_precision) || '，已过期' END AS inactive_text
    FROM rule_disability
    WHERE person_key IS NOT NULL
)
SELECT person_key,
       coalesce(bool_or(active), false) AS active,
       arg_max(grade, pos) FILTER (WHERE active) AS grade,
       arg_max(category, pos) FILTER (WHERE active) AS category,
       arg_max(issued_on, pos) FILTER (WHERE active) AS issued_on,
       arg_max(issued_on_precision, pos) FILTER (WHERE active) AS issued_on_precision,
       bool_and(coalesce(inactive_text IS NOT NULL AND NOT active, false)) AS inactive_only,
       arg_max(inactive_text, pos) FILTER (WHERE inactive_text IS NOT NULL) AS inactive_text
FROM r
GROUP BY person_key;

-- rule_disability_covers: the counties the 残联 roster covers (county NULL: a file without a county column, or
-- rows without one, which cover everyone).
CREATE OR REPLACE VIEW rule_disability_covers AS
SELECT DISTINCT nullif(trim(county), '') AS county FROM src_disability;

-- rule_housing: the 住建 ledger's rows with their person (NULL when unlinked) and that person's gs household hh
-- (NULL when the person is in no gs household): a row's ID may be any member's, and the row is the household's.
CREATE OR REPLACE VIEW rule_housing AS
SELECT h.*, l.person_key, g.hh
FROM src_housing h
LEFT JOIN links l ON l.kind = 'housing' AND l.file_id = h.file_id AND l.row_no = h.row_no
LEFT JOIN (SELECT person_key, min(hh) AS hh FROM rule_gs WHERE person_key IS NOT NULL GROUP BY person_key) g
       ON g.person_key = l.person_key;

-- rule_houses(as_of): per gs household with ledger rows, its latest row appraised by as_of (by appraised_on, a
-- blank one first, then file order; rows appraised after as_of are not yet known at as_of), and:
--   unsafe: that row's grade is C or D and the house is not done (reno_status done, with completed_on blank or
--     not after as_of): a later A or B appraisal clears an earlier C or D; a row whose grade could not be read
--     (安全, 基本安全) is not unsafe.
--   house_text says the row as a finding's detail does: 住建台账：2022-05-12鉴定为C级（局部危房），未改造（修缮加固）.
CREATE OR REPLACE MACRO rule_houses(as_of) AS TABLE
WITH latest AS (
    SELECT hh, arg_max(h, (coalesce(appraised_on, DATE '0001-01-01'), file_id, row_no)) AS r
    FROM (SELECT hh, file_id, row_no, appraised_on,
                 {'grade': grade, 'appraised_on': appraised_on, 'appraised_on_precision': appraised_on_precision,
                  'reno_status': coalesce(reno_status, 'not_started'), 'reno_mode': nullif(trim(reno_mode), ''),
                  'completed_on': completed_on, 'completed_on_precision': completed_on_precision,
                  'object_type': nullif(trim(object_type), '')} AS h
          FROM rule_housing
          WHERE hh IS NOT NULL AND (appraised_on IS NULL OR appraised_on <= as_of))
    GROUP BY hh
)
SELECT hh,
       r.grade, r.appraised_on, r.appraised_on_precision, r.reno_status, r.reno_mode, r.completed_on,
       r.completed_on_precision, r.object_type,
       coalesce(r.grade IN ('C', 'D')
                AND NOT (r.reno_status = 'done' AND (r.completed_on IS NULL OR r.completed_on <= as_of)), false) AS unsafe,
       '住建台账：' || coalesce(rule_date_text(r.appraised_on, r.appraised_on_precision), '（日期空白）') || '鉴定为'
         || coalesce(r.grade || '级', '（等级不明）')
         || CASE r.grade WHEN 'C' THEN '（局部危房）' WHEN 'D' THEN '（整栋危房）' ELSE '' END
         || CASE WHEN r.reno_status = 'done'
                 THEN '，' || coalesce(rule_date_text(r.completed_on, r.completed_on_precision), '（日期空白）') || '改造竣工'
                 WHEN r.reno_status = 'in_progress' THEN '，改造中'
                 WHEN r.grade IN ('C', 'D') THEN '，未改造'
                 ELSE '' END
         || CASE WHEN r.reno_status <> 'not_started' OR r.grade IN ('C', 'D') THEN coalesce('（' || r.reno_mode || '）', '')
                 ELSE '' END AS house_text
FROM latest;

-- rule_grade_text(g): a 残疾等级 as the offices write it (二级), for a finding's detail.
CREATE OR REPLACE MACRO rule_grade_text(g) AS
CASE g WHEN 1 THEN '一级' WHEN 2 THEN '二级' WHEN 3 THEN '三级' WHEN 4 THEN '四级' ELSE '等级不明' END;

-- rule_gs_household_risks: per gs household, the risks recorded on any member row.
CREATE OR REPLACE VIEW rule_gs_household_risks AS
SELECT hh, list_distinct(flatten(list(coalesce(risks, [])))) AS risks
FROM rule_gs
GROUP BY hh;

-- rule_house_households(as_of): the households of rule_houses(as_of) with the columns a finding names (the gs
-- 户主, else the first member), their state in gs (rule_gs_households), their risks, and how gs marks the
-- house: marked_unsafe (a member row has 是否危房户 是 or 住房是否安全 否: an export has one or the other),
-- marked_text (what gs says when it does not mark it).
CREATE OR REPLACE MACRO rule_house_households(as_of) AS TABLE
WITH marks AS (
    SELECT hh,
           coalesce(bool_or(house_unsafe), false) AS marked_unsafe,
           CASE WHEN bool_or(housing_safe) THEN '住房是否安全为“是”'
                WHEN bool_or(NOT housing_unsafe) THEN '是否危房户为“否”'
                ELSE '未标注危房户' END AS marked_text
    FROM rule_gs
    GROUP BY hh
)
SELECT 'gs:' || h.hh AS subject, g.head_key AS person_key, g.head_name AS name, g.head_id AS id_number,
       g.county, g.town, g.village, g.household_no,
       h.* EXCLUDE (hh), g.monitored, g.open_monitored, g.eliminated_on, g.eliminated_on_precision, g.measures,
       r.risks, m.marked_unsafe, m.marked_text
FROM rule_houses(as_of) h
JOIN rule_gs_households g ON g.hh = h.hh
JOIN rule_gs_household_risks r ON r.hh = h.hh
JOIN marks m ON m.hh = h.hh;
