-- The inputs of the death and pension rules (SW-01…05, YL-01…03), in the terms of departments.md. Created after
-- rule_inputs.sql, whose macros they use.

-- rule_death: every row of the death lists with its person, the link's method and name agreement, and:
--   strict: linked by the person's own valid ID exactly, with a name that agrees (the same, or the same but for
--     a rare character written ? or □). Matching already sends every weaker link of a death list to
--     match_review (sql/match/06_write_death.sql); an exact ID whose name disagrees stays linked (ID-03 reports
--     it) but is not strict. Only strict rows feed the death rules: a wrong death finding hurts a living person.
--   died_on_row: the row's earliest date (死亡日期, 火化日期, 户口注销日期), a month-precision date counting as its
--     month's last day so that a grace period never starts early; died_text says it as the list does.
CREATE OR REPLACE VIEW rule_death AS
WITH d AS (
    SELECT d.*,
           rule_last_day(d.death_date, d.death_date_precision) AS death_last,
           rule_last_day(d.cremated_on, d.cremated_on_precision) AS cremated_last,
           rule_last_day(d.deregistered_on, d.deregistered_on_precision) AS dereg_last
    FROM src_death d
)
SELECT d.* EXCLUDE (death_last, cremated_last, dereg_last, is_death),
       -- The importer always says; a row written by hand (a data test) without it is a death.
       coalesce(d.is_death, true) AS is_death,
       l.person_key, l.method AS link_method, l.name_agreement,
       coalesce(l.method = 'exact_id' AND l.name_agreement IN ('same', 'rare'), false) AS strict,
       least(d.death_last, d.cremated_last, d.dereg_last) AS died_on_row,
       CASE least(d.death_last, d.cremated_last, d.dereg_last)
           WHEN d.death_last THEN rule_date_text(d.death_date, d.death_date_precision) || '死亡'
           WHEN d.cremated_last THEN rule_date_text(d.cremated_on, d.cremated_on_precision) || '火化'
           ELSE rule_date_text(d.deregistered_on, d.deregistered_on_precision) || '注销户口' END AS died_text
FROM d
LEFT JOIN links l ON l.kind = 'death' AND l.file_id = d.file_id AND l.row_no = d.row_no;

-- rule_deaths: one row per person that a death list says died, from strict death rows only, with the person's
-- name, ID and place (persons): died_on is the earliest of their dates; death says it as the list that gives it
-- does, for a finding's detail (公安死亡名单：2023-03注销户口).
CREATE OR REPLACE VIEW rule_deaths AS
SELECT d.*, p.name, p.id_number, p.county, p.town, p.village, p.household_no
FROM (
    SELECT person_key,
           min(died_on_row) AS died_on,
           coalesce(arg_min(trim(source_dept), (died_on_row, file_id, row_no)), '') || '死亡名单：'
             || arg_min(died_text, (died_on_row, file_id, row_no)) AS death
    FROM rule_death
    WHERE strict AND is_death AND died_on_row IS NOT NULL
    GROUP BY person_key
) d
JOIN persons p ON p.person_key = d.person_key;

-- rule_pension: the pension rows with their person (NULL when unlinked); subsidised: a 代缴 category other than
-- none; status_less: a row that states neither 参保状态 nor 待遇状态 (a 代缴名单 row).
CREATE OR REPLACE VIEW rule_pension AS
SELECT p.* EXCLUDE (scheme), coalesce(p.scheme, 'resident') AS scheme, l.person_key,
       coalesce(p.subsidy_category, 'none') <> 'none' AS subsidised,
       p.insured_status IS NULL AND p.benefit_status IS NULL AS status_less
FROM src_pension p
LEFT JOIN links l ON l.kind = 'pension' AND l.file_id = p.file_id AND l.row_no = p.row_no;

-- rule_pension_insured(y): per linked person, how the 城乡居民 scheme's rows of year y (a row without a year counts
-- for every year: a current roster) say they are insured: insured (a resident row paying or receiving, or a 代缴
-- row), paying (a resident row paying, or a 代缴 row), subsidised (any row of y with a 代缴 category).
CREATE OR REPLACE MACRO rule_pension_insured(y) AS TABLE
SELECT person_key,
       bool_or(insured_status IN ('paying', 'receiving') OR (status_less AND subsidised)) AS insured,
       bool_or(insured_status = 'paying' OR (status_less AND subsidised)) AS paying,
       bool_or(subsidised) AS subsidised
FROM rule_pension
WHERE person_key IS NOT NULL AND scheme = 'resident' AND coalesce(year, y) = y
GROUP BY person_key;

-- rule_pension_receiving(as_of): the persons whose latest 城乡居民 row (by year, a row without one last, then file
-- order) says the pension is paid (待遇领取状态, else 参保状态 待遇领取), not stopped on or before as_of.
CREATE OR REPLACE MACRO rule_pension_receiving(as_of) AS TABLE
SELECT person_key, latest.benefit_status, latest.insured_status, latest.year
FROM (
    SELECT person_key, arg_max(p, (coalesce(year, 9999), file_id, row_no)) AS latest
    FROM (SELECT person_key, year, file_id, row_no, {'benefit_status': benefit_status, 'insured_status': insured_status,
                 'stopped_on': stopped_on, 'year': year} AS p
          FROM rule_pension
          WHERE person_key IS NOT NULL AND scheme = 'resident' AND NOT status_less)
    GROUP BY person_key
)
WHERE coalesce(latest.benefit_status = 'paid', latest.insured_status = 'receiving')
  AND (latest.stopped_on IS NULL OR latest.stopped_on > as_of);

-- rule_pension_covers: the counties the pension roster covers (county NULL: a file without a county column,
-- which covers everyone).
CREATE OR REPLACE VIEW rule_pension_covers AS
SELECT DISTINCT nullif(trim(county), '') AS county FROM src_pension;

-- rule_in_group(y, groups): the persons in a 困难群体 of groups (comma-joined: 低保, 特困) at any time of year y:
-- a roster row approved by y-12-31 and active, or stopped on or after y-01-01 (same-year rule); when a roster
-- has no rows at all, the gs field saying the person receives it. group names the first group found.
CREATE OR REPLACE MACRO rule_in_group(y, groups) AS TABLE
WITH g AS (SELECT list_transform(string_split(groups, ','), s -> trim(s)) AS names)
SELECT person_key, min(grp) AS grp
FROM (
    SELECT d.person_key, '低保' AS grp FROM rule_dibao d, g
    WHERE list_contains(g.names, '低保') AND d.person_key IS NOT NULL AND d.approved_on <= make_date(y, 12, 31)
      AND (d.status = 'active' OR d.stopped_on >= make_date(y, 1, 1))
    UNION ALL
    SELECT t.person_key, '特困' FROM rule_tekun t, g
    WHERE list_contains(g.names, '特困') AND t.person_key IS NOT NULL AND t.approved_on <= make_date(y, 12, 31)
      AND (t.status = 'active' OR t.stopped_on >= make_date(y, 1, 1))
    UNION ALL
    SELECT s.person_key, '低保' FROM rule_gs s, g
    WHERE list_contains(g.names, '低保') AND s.person_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM src_dibao)
      AND trim(s.dibao) IN ('农村低保', '城市低保', '是')
    UNION ALL
    SELECT s.person_key, '特困' FROM rule_gs s, g
    WHERE list_contains(g.names, '特困') AND s.person_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM src_tekun)
      AND trim(s.tekun) IN ('农村特困', '城市特困', '是')
)
GROUP BY person_key;

-- rule_pension_expected(y, groups, age_min, age_max): YL-01 and YL-02's population: in a group during y, aged
-- age_min..age_max at y-12-31, not a student (enrolled per education, else a stage in gs 在校生状况), not in the
-- employee scheme (gs 是否参加城镇职工基本养老保险 是, or an employee row of the pension roster), and covered by
-- the roster (a row of the person's county, or a file without a county column).
CREATE OR REPLACE MACRO rule_pension_expected(y, groups, age_min, age_max) AS TABLE
SELECT p.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no, g.grp,
       rule_age(p.id_number, make_date(y, 12, 31)) AS age
FROM rule_in_group(y, groups) g
JOIN persons p ON p.person_key = g.person_key
LEFT JOIN rule_education_latest e ON e.person_key = p.person_key
WHERE rule_age(p.id_number, make_date(y, 12, 31)) BETWEEN age_min AND age_max
  AND NOT coalesce(e.enrolled, EXISTS (SELECT 1 FROM rule_gs s WHERE s.person_key = p.person_key
                                        AND rule_school_stage(trim(s.school_status)) IS NOT NULL))
  AND NOT EXISTS (SELECT 1 FROM rule_gs s WHERE s.person_key = p.person_key AND s.employee_pension)
  AND NOT EXISTS (SELECT 1 FROM rule_pension r WHERE r.person_key = p.person_key AND r.scheme = 'employee')
  AND EXISTS (SELECT 1 FROM rule_pension_covers c WHERE c.county IS NULL OR c.county = trim(p.county));

-- rule_pension_check(y, groups, age_min, age_max): rule_pension_expected with how rule_pension_insured(y) says
-- each is insured (false when the roster has no row of y for them).
CREATE OR REPLACE MACRO rule_pension_check(y, groups, age_min, age_max) AS TABLE
SELECT e.*, coalesce(i.insured, false) AS insured, coalesce(i.paying, false) AS paying,
       coalesce(i.subsidised, false) AS subsidised
FROM rule_pension_expected(y, groups, age_min, age_max) e
LEFT JOIN rule_pension_insured(y) i ON i.person_key = e.person_key;
