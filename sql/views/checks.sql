-- The inputs of the check table (sql/checks/*.toml): one row per person and one row per household of the
-- 全国系统 export, with every column a check's predicate may read. Every input has the standard columns of a
-- finding's target: subject, person_key, name, id_number, county, town, village, household_no. Blank cells,
-- households without a 户主 or with two, and amounts that were not numbers (NULL) are rows like any other:
-- nothing here fails on them.

-- check_as_of(): the as_of of the latest run (the run being made: a run records itself in runs before its
-- rules run), else today.
CREATE OR REPLACE MACRO check_as_of() AS
coalesce((SELECT as_of FROM runs ORDER BY run_id DESC LIMIT 1), current_date);

-- check_age(id, birth, as_of): full years at as_of from the birth date inside a valid 18-digit ID number, else
-- from the export's 出生日期; NULL when neither is known. A 15-digit number, or one whose birth date is not a
-- day from 1900 to as_of (two digits swapped: 9155-06-25), gives no age of its own.
CREATE OR REPLACE MACRO check_age(id, birth, as_of) AS
coalesce(CASE WHEN length(id) = 18 AND try_strptime(substr(id, 7, 8), '%Y%m%d')::DATE BETWEEN DATE '1900-01-01' AND as_of
              THEN rule_age(id, as_of) END,
         date_diff('year', birth, as_of) - CASE WHEN strftime(as_of, '%m%d') < strftime(birth, '%m%d') THEN 1 ELSE 0 END);

-- check_in_school(s): a 在校生状况 that names a stage (not blank, 非在校生 or 学龄前儿童).
CREATE OR REPLACE MACRO check_in_school(s) AS
coalesce(nullif(trim(s), '') NOT IN ('非在校生', '学龄前儿童'), false);

-- rule_measure(measures, category): the text of the measures of one category (产业帮扶, 公益岗位帮扶, …) in a
-- list of (category, text), distinct texts joined with ；; '' when there is none. On check_households pass
-- measures_all (any member's row); on check_persons, measures is the person's own row.
CREATE OR REPLACE MACRO rule_measure(ms, cat) AS
coalesce(array_to_string(list_sort(list_distinct(list_transform(
    list_filter(coalesce(ms, []), m -> m.category = cat AND nullif(trim(m.text), '') IS NOT NULL),
    m -> trim(m.text)))), '；'), '');

-- check_household_facts: per gs household (rule_gs.hh), the distinct non-blank risks of any member and the
-- member counts the household checks read. A row that an earlier file already holds (again) is not counted
-- twice.
CREATE OR REPLACE VIEW check_household_facts AS
SELECT hh,
       list_sort(list_distinct(list_filter(flatten(list(list_transform(coalesce(risks, []), r -> trim(r)))), r -> r <> ''))) AS risks,
       count(*) FILTER (WHERE NOT again AND labour_with) AS n_labour_with,
       count(*) FILTER (WHERE NOT again AND (trim(labour) LIKE '%弱劳动力%' OR trim(labour) LIKE '%半劳动力%')) AS n_labour_weak,
       count(*) FILTER (WHERE NOT again AND labour_none) AS n_labour_none,
       count(*) FILTER (WHERE NOT again AND nullif(trim(labour), '') IS NULL) AS n_labour_blank,
       count(*) FILTER (WHERE NOT again AND trim(health) = '健康') AS n_healthy,
       count(*) FILTER (WHERE NOT again AND health LIKE '%残疾%') AS n_disabled,
       count(*) FILTER (WHERE NOT again AND (health LIKE '%长期慢性病%' OR health LIKE '%大病%')) AS n_ill,
       count(*) FILTER (WHERE NOT again AND check_in_school(school_status)) AS n_in_school,
       count(*) FILTER (WHERE NOT again AND trim(dibao) IN ('农村低保', '城市低保', '是')) AS n_dibao,
       count(*) FILTER (WHERE NOT again AND trim(tekun) IN ('农村特困', '城市特困', '是')) AS n_tekun,
       -- A 残疾人证 is the ID number and two digits, category and grade (20 characters; 22 with the reissue mark).
       -- Not any 20-character cell: Excel turns an ID into 3.70323197001011E+17, 20 characters long.
       count(*) FILTER (WHERE NOT again AND (trim(id_type) LIKE '%残疾人证%' OR regexp_full_match(trim(id_raw), '[0-9]{17}[0-9Xx][0-9]{2}([0-9]{2})?'))) AS n_disability_card,
       count(*) FILTER (WHERE NOT again AND regexp_full_match(trim(id_raw), '[0-9]{17}[0-9Xx][0-9][12]([0-9]{2})?')) AS n_severe_card,
       count(*) FILTER (WHERE NOT again AND NOT (coalesce(resident_medical, false) OR coalesce(employee_medical, false))) AS n_uninsured
FROM rule_gs
GROUP BY hh;

-- check_persons: one row per gs row (a row an earlier file already holds, again, is left out): every column of
-- rule_gs (every src_gs column by its canonical name, person_key, hh, labour_none, labour_with, house_unsafe,
-- member_monitored, …), and
--   subject      the person_key, else gs-row:<file_id>:<row_no>
--   age          full years at check_as_of() (check_age) from the ID of the person the row is linked to (the
--                corrected number when the export's is damaged), else from the row's; NULL when unknown
--   in_school    在校生状况 names a stage (check_in_school)
--   stage        rule_school_stage(school_status): 学前, 小学, 初中, 高中, 中职, 高职, 本科, 研究生 or NULL
--   hh_open_monitored, hh_monitored, hh_eliminated (risk eliminated), hh_poverty (脱贫户): the household's
--   hh_risks     VARCHAR[]: the distinct non-blank risks of any member of the household
-- id_number is the valid ID number (NULL when the export's is not one); id_raw is what the export says.
CREATE OR REPLACE VIEW check_persons AS
SELECT coalesce(g.person_key, 'gs-row:' || g.file_id || ':' || g.row_no) AS subject,
       g.*,
       check_age(coalesce(p.id_number, g.id_number), g.birth_date, check_as_of()) AS age,
       check_in_school(g.school_status) AS in_school,
       rule_school_stage(trim(g.school_status)) AS stage,
       coalesce(h.open_monitored, false) AS hh_open_monitored,
       coalesce(h.monitored, false) AS hh_monitored,
       coalesce(h.risk_eliminated, false) AS hh_eliminated,
       coalesce(h.poverty_exited, false) AS hh_poverty,
       coalesce(f.risks, []) AS hh_risks
FROM rule_gs g
LEFT JOIN rule_gs_households h ON h.hh = g.hh
LEFT JOIN check_household_facts f ON f.hh = g.hh
LEFT JOIN persons p ON p.person_key = g.person_key
WHERE NOT g.again;

-- check_households: one row per gs household (rule_gs.hh): every column of its head row (the 户主, else the
-- first member; so household fields such as housing_unsafe, farmland_area, wage_income and household_phone
-- read by their gs names; name, id_number and person_key are the head's), except risks, which is the
-- household's; and
--   subject          gs:<hh>
--   members, heads   members (rows not held by an earlier file) and how many of them are 户主
--   monitored, open_monitored, eliminated (risk eliminated), poverty_exited (脱贫户), all_no_labour,
--   some_labour      as rule_gs_households
--   measures_all     the measures (category, text) of any member row
--   risks            VARCHAR[]: the distinct non-blank risks of any member
--   n_labour_with, n_labour_weak, n_labour_none, n_labour_blank, n_healthy, n_disabled (健康状况 残疾),
--   n_ill (长期慢性病 or 患有大病), n_in_school, n_dibao, n_tekun (the member's gs 低保/特困 field says
--   receiving), n_disability_card (证件类型 残疾人证, or a 20/22-character number), n_severe_card (such a number
--   with grade digit 1 or 2), n_uninsured (neither 城乡居民 nor 职工 basic medical insurance is 是): member counts
--   out_of_school_ages  INTEGER[]: the ages of the members not in school, as check_persons reads them ([] when none)
--   vocational       the 中职, 高职 and 技师学院 students as 名字为“中职二年级” phrases joined by 、 (NULL when none)
-- The members are read from rule_gs itself (rows an earlier file already holds left out), not from
-- check_persons and its joins.
CREATE OR REPLACE VIEW check_households AS
SELECT 'gs:' || head.hh AS subject,
       -- The finding names the head by the ID matching knows them by (an Excel-damaged ID cell is recovered
       -- from another source), as the person rules do with persons.id_number.
       head.* EXCLUDE (risks) REPLACE (coalesce(hp.id_number, head.id_number) AS id_number),
       h.members, h.heads, h.monitored, h.open_monitored, h.risk_eliminated AS eliminated, h.poverty_exited,
       h.all_no_labour, h.some_labour, h.measures AS measures_all,
       f.* EXCLUDE (hh),
       coalesce(m.out_of_school_ages, []) AS out_of_school_ages, m.vocational
-- The head row is found by its key alone and joined back: a window over rule_gs would sort every row with all
-- its columns.
FROM (SELECT arg_min(head_order, (again, head_order)) AS k FROM rule_gs GROUP BY hh) hk
JOIN rule_gs head ON head.file_id = hk.k.file_id AND head.row_no = hk.k.row_no
JOIN rule_gs_households h ON h.hh = head.hh
JOIN check_household_facts f ON f.hh = head.hh
LEFT JOIN persons hp ON hp.person_key = head.person_key
LEFT JOIN (
    SELECT g.hh,
           list(check_age(coalesce(p.id_number, g.id_number), g.birth_date, check_as_of()))
               FILTER (WHERE NOT check_in_school(g.school_status)) AS out_of_school_ages,
           string_agg(g.name || '为“' || trim(g.school_status) || '”', '、' ORDER BY g.file_id, g.row_no)
               FILTER (WHERE rule_school_stage(trim(g.school_status)) IN ('中职', '高职') OR trim(g.school_status) LIKE '技师学院%') AS vocational
    FROM rule_gs g
    LEFT JOIN persons p ON p.person_key = g.person_key
    WHERE NOT g.again
    GROUP BY g.hh
) m ON m.hh = head.hh;
