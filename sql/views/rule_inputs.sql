-- The inputs of the rule catalogue, in the terms of rules.md "Shared definitions". Rules read these; analysts
-- may too. Source rows reach persons only through links (never by raw ID number), because matching links rows
-- whose ID is damaged.

-- rule_gs: every gs row with the person it is linked to (NULL when unlinked) and its labour class. hh is the
-- household: household_no, else the row alone. again is true for a row that an earlier gs file already holds
-- (the same household number and ID): a town sends both the 监测对象 and the 脱贫人口 export, and a household in
-- both is one registration, not two; its fields still count, its person is not counted again.
CREATE OR REPLACE VIEW rule_gs AS
SELECT g.*, l.person_key,
       coalesce(d.first_file < g.file_id, false) AS again,
       coalesce(nullif(trim(g.household_no), ''), 'row:' || g.file_id || ':' || g.row_no) AS hh,
       coalesce(trim(g.labour), '') IN ('丧失劳动力', '无劳动力') AS labour_none,
       coalesce(trim(g.labour), '') IN ('技能劳动力', '普通劳动力') AS labour_with,
       -- 是否危房户, else the opposite of 住房是否安全 (an export has one or the other).
       coalesce(g.housing_unsafe, NOT g.housing_safe) AS house_unsafe,
       nullif(trim(g.monitor_type), '') IS NOT NULL AS member_monitored,
       -- The order a household's head is chosen in: the 户主 row, else the first row.
       {'not_head': CASE WHEN trim(g.relation) = '户主' THEN 0 ELSE 1 END, 'file_id': g.file_id, 'row_no': g.row_no} AS head_order,
       -- Who a household finding names when the household has no 户主: the member that triggered it.
       {'key': l.person_key, 'name': g.name, 'id': coalesce(g.id_number, g.id_raw)} AS who
FROM src_gs g
LEFT JOIN links l ON l.kind = 'gs' AND l.file_id = g.file_id AND l.row_no = g.row_no
-- Only the registrations that more than one file holds: a small table to join, however large gs is.
LEFT JOIN (SELECT trim(household_no) AS household_no, coalesce(id_number, id_raw) AS pid, min(file_id) AS first_file
           FROM src_gs
           WHERE nullif(trim(household_no), '') IS NOT NULL AND coalesce(id_number, id_raw) IS NOT NULL
           GROUP BY ALL
           HAVING min(file_id) < max(file_id)) d
       ON d.household_no = trim(g.household_no) AND d.pid = coalesce(g.id_number, g.id_raw);

-- rule_gs_households: one row per gs household with its state (household fields repeat on member rows, so
-- any member saying so is enough) and its head (the 户主, else the first member).
CREATE OR REPLACE VIEW rule_gs_households AS
SELECT hh,
       any_value(household_no) AS household_no,
       bool_or(member_monitored) AS monitored,
       bool_or(coalesce(risk_eliminated, false)) AS risk_eliminated,
       bool_or(member_monitored) AND NOT bool_or(coalesce(risk_eliminated, false)) AS open_monitored,
       bool_or(coalesce(trim(household_type), '') = '脱贫户') AS poverty_exited,
       coalesce(max(nullif(trim(policy_status), '')), '') AS policy_status,
       bool_or(coalesce(no_labour_household, false)) AS no_labour_household,
       count(*) FILTER (WHERE NOT again) AS members,
       count(*) FILTER (WHERE trim(relation) = '户主' AND NOT again) AS heads,
       bool_and(labour_none) AS all_no_labour,
       bool_or(labour_with) AS some_labour,
       max(income_per_capita) AS income_per_capita,
       max(identified_on) AS identified_on,
       arg_max(identified_on_precision, identified_on) AS identified_on_precision,
       max(eliminated_on) AS eliminated_on,
       arg_max(eliminated_on_precision, eliminated_on) AS eliminated_on_precision,
       coalesce(max(nullif(trim(elimination_mode), '')), '') AS elimination_mode,
       coalesce(max(nullif(trim(dev_support), '')), '') AS dev_support,
       -- Measures recorded on any member row: (category, text) with non-blank text.
       list_sort(list_distinct(flatten(list(list_filter(coalesce(measures, []), m -> nullif(trim(m.text), '') IS NOT NULL))))) AS measures,
       arg_min(person_key, head_order) AS head_key,
       arg_min(name, head_order) AS head_name,
       arg_min(coalesce(id_number, id_raw), head_order) AS head_id,
       arg_min(county, head_order) FILTER (WHERE county IS NOT NULL) AS county,
       arg_min(town, head_order) FILTER (WHERE town IS NOT NULL) AS town,
       arg_min(village, head_order) FILTER (WHERE village IS NOT NULL) AS village
FROM rule_gs
GROUP BY hh;

-- rule_dibao, rule_tekun, rule_review: roster and review rows with their person (NULL when unlinked).
CREATE OR REPLACE VIEW rule_dibao AS
SELECT d.*, l.person_key
FROM src_dibao d
LEFT JOIN links l ON l.kind = 'dibao' AND l.file_id = d.file_id AND l.row_no = d.row_no;

CREATE OR REPLACE VIEW rule_tekun AS
SELECT t.*, l.person_key
FROM src_tekun t
LEFT JOIN links l ON l.kind = 'tekun' AND l.file_id = t.file_id AND l.row_no = t.row_no;

CREATE OR REPLACE VIEW rule_review AS
SELECT r.*, l.person_key
FROM src_review r
LEFT JOIN links l ON l.kind = 'review' AND l.file_id = r.file_id AND l.row_no = r.row_no;

-- rule_on_dibao(as_of), rule_on_tekun(as_of): the persons on the roster at as_of (a linked row with status
-- active and approved_on <= as_of), with their earliest such approval.
CREATE OR REPLACE MACRO rule_on_dibao(as_of) AS TABLE
SELECT person_key, min(approved_on) AS approved_on
FROM rule_dibao
WHERE person_key IS NOT NULL AND status = 'active' AND approved_on <= as_of
GROUP BY person_key;

CREATE OR REPLACE MACRO rule_on_tekun(as_of) AS TABLE
SELECT person_key, min(approved_on) AS approved_on
FROM rule_tekun
WHERE person_key IS NOT NULL AND status = 'active' AND approved_on <= as_of
GROUP BY person_key;

-- rule_medical_years: per linked person and year (NULL when the file has none), insured when any row of that
-- year is, the insurance type and subsidy category of its latest row (insured rows first), the self-pay summed.
CREATE OR REPLACE VIEW rule_medical_years AS
SELECT l.person_key, m.year,
       bool_or(m.insured_status = 'insured') AS insured,
       arg_max(m.insured_status, (m.insured_status = 'insured', m.file_id, m.row_no)) AS insured_status,
       arg_max(m.insurance_type, (m.insured_status = 'insured', m.file_id, m.row_no)) AS insurance_type,
       arg_max(m.subsidy_category, (m.insured_status = 'insured', m.file_id, m.row_no)) AS subsidy_category,
       sum(m.self_pay_total) AS self_pay_total
FROM src_medical m
JOIN links l ON l.kind = 'medical' AND l.file_id = m.file_id AND l.row_no = m.row_no
GROUP BY l.person_key, m.year;

-- rule_medical_latest: each linked person's latest year (a row without a year only when there is no other).
CREATE OR REPLACE VIEW rule_medical_latest AS
SELECT * FROM rule_medical_years
QUALIFY row_number() OVER (PARTITION BY person_key ORDER BY year DESC NULLS LAST) = 1;

-- rule_education_latest: each linked person's education state. A school's last row (last file, last row) says
-- whether the person is still there; the person is enrolled when any school's last row says so (a pupil who
-- moved on to 初中 has the primary school's 毕业 row too, wherever the file puts it). school, stage, grade and
-- enrollment are those of an enrolled school's last row, else of the person's last row; aid is every aid
-- text of the person's rows.
CREATE OR REPLACE VIEW rule_education_latest AS
WITH rows AS (
    SELECT l.person_key, e.*, (e.file_id, e.row_no) AS pos,
           arg_max(e.enrollment = 'enrolled', (e.file_id, e.row_no))
               OVER (PARTITION BY l.person_key, coalesce(nullif(trim(e.school), ''), '')) AS school_enrolled
    FROM src_education e
    JOIN links l ON l.kind = 'education' AND l.file_id = e.file_id AND l.row_no = e.row_no
)
SELECT person_key,
       bool_or(coalesce(school_enrolled, false)) AS enrolled,
       arg_max(enrollment, (coalesce(school_enrolled, false), pos)) AS enrollment,
       arg_max(stage, (coalesce(school_enrolled, false), pos)) AS stage,
       arg_max(school, (coalesce(school_enrolled, false), pos)) AS school,
       arg_max(grade, (coalesce(school_enrolled, false), pos)) AS grade,
       string_agg(DISTINCT nullif(trim(aid), ''), '、' ORDER BY nullif(trim(aid), '')) AS aid
FROM rows
GROUP BY person_key;

-- rule_school_stage(s): the education stage a gs 在校生状况 names (学前, 小学, 初中, 高中, 中职, 高职, 本科, 研究生),
-- NULL when it names none (blank, 非在校生, 学龄前儿童, 技师学院…).
CREATE OR REPLACE MACRO rule_school_stage(s) AS
CASE
    WHEN s IS NULL THEN NULL
    WHEN s LIKE '学前%' THEN '学前'
    WHEN s LIKE '小学%' THEN '小学'
    WHEN s IN ('七年级', '八年级', '九年级') OR s LIKE '初中%' THEN '初中'
    WHEN s LIKE '%高中%' THEN '高中'
    WHEN s LIKE '中职%' THEN '中职'
    WHEN s LIKE '高职%' THEN '高职'
    WHEN s LIKE '本科%' THEN '本科'
    WHEN s LIKE '%研究生%' THEN '研究生'
END;

-- rule_age(id, as_of): full years at as_of from the birth date inside an 18-digit ID number.
CREATE OR REPLACE MACRO rule_age(id, as_of) AS
date_diff('year', try_strptime(substr(id, 7, 8), '%Y%m%d')::DATE, as_of)
  - CASE WHEN strftime(as_of, '%m%d') < substr(id, 11, 4) THEN 1 ELSE 0 END;

-- src_label(kind): the kind's label (全国系统, 低保名册, …). Matching creates it from the list of source kinds
-- before any rule runs; this stand-in (the kind's own name) only lets the views below be created on a database
-- that was never matched.
CREATE MACRO IF NOT EXISTS src_label(k) AS k;

-- rule_unsure_rows: per person and kind, the rows of that kind that matching could not place for certain
-- (match_review) and that name the person among their candidates, as one phrase for a finding's detail:
-- 另有2条无法确定对应人员的医保数据记录（医保.xlsx第12行、第40行），可能是此人，请核对.
CREATE OR REPLACE VIEW rule_unsure_rows AS
SELECT c.person_key, c.kind,
       '另有' || count(*) || '条无法确定对应人员的'
         || src_label(c.kind) || '记录（'
         || array_to_string(list(coalesce(regexp_extract(f.path, '[^/\\]+$'), '文件' || c.file_id) || '第' || c.row_no || '行'
                                 ORDER BY c.file_id, c.row_no)[1:3], '、')
         || CASE WHEN count(*) > 3 THEN '等' ELSE '' END || '），可能是此人，请核对' AS phrase
FROM (SELECT kind, file_id, row_no, unnest(candidates) AS person_key FROM match_review) c
LEFT JOIN files f ON f.file_id = c.file_id
GROUP BY c.person_key, c.kind;

-- rule_amount(x): an amount in yuan for a finding's detail: whole yuan without decimals, else to the fen
-- (7999.99 must not read as 8000 beside a monitoring line of 8000).
CREATE OR REPLACE MACRO rule_amount(x) AS
CASE WHEN x = round(x) THEN printf('%.0f', x) ELSE rtrim(rtrim(printf('%.2f', x), '0'), '.') END;

-- rule_last_day(d, prec): the latest day a date can mean: a month-precision date (2023-05, held as the
-- 1st) may be any day of its month, so a rule that fires only when a date is early enough takes its last day.
CREATE OR REPLACE MACRO rule_last_day(d, prec) AS
CASE WHEN prec = 'month' THEN last_day(d) ELSE d END;

-- rule_date_text(d, prec): a date in a finding's detail as the source gave it: 2023-05 for a month.
CREATE OR REPLACE MACRO rule_date_text(d, prec) AS
CASE WHEN prec = 'month' THEN strftime(d, '%Y-%m') ELSE strftime(d, '%Y-%m-%d') END;
