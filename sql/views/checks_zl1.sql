-- check_households_zl1: check_households with what the household checks of the JY family need to know of the
-- members: the ages of those not in school, as check_persons reads them (ZL-111), and the 中职, 高职 and
-- 技师学院 students, as 名字为“中职二年级” phrases (ZL-112, ZL-113; NULL when there is none). The members are
-- read from rule_gs itself (rows an earlier file already holds left out), not from check_persons and its joins.
CREATE OR REPLACE VIEW check_households_zl1 AS
SELECT h.*, coalesce(m.out_of_school_ages, []) AS out_of_school_ages, m.vocational
FROM check_households h
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
) m ON m.hh = h.hh;

-- rule_yes_no_text(b): a yes/no cell for a finding's detail, after 为: “是”, “否”, or 空 when blank.
CREATE OR REPLACE MACRO rule_yes_no_text(b) AS
CASE WHEN b THEN '“是”' WHEN NOT b THEN '“否”' ELSE '空' END;

-- rule_month_day(y, md): the day md ("MM-DD") of year y; NULL when there is none (02-29 of a common year).
CREATE OR REPLACE MACRO rule_month_day(y, md) AS
try_strptime(CAST(y AS VARCHAR) || '-' || md, '%Y-%m-%d')::DATE;

-- rule_subsidy_from(as_of, from_md), rule_subsidy_to(as_of, from_md, to_md): the first and last day of the
-- yearly 集中缴费期 of the basic medical insurance (from_md to to_md, "MM-DD"; 10-01 to 03-31 ends in the next
-- year) that began last on or before as_of.
CREATE OR REPLACE MACRO rule_subsidy_from(as_of, from_md) AS
CASE WHEN rule_month_day(year(as_of), from_md) <= as_of THEN rule_month_day(year(as_of), from_md)
     ELSE rule_month_day(year(as_of) - 1, from_md) END;

CREATE OR REPLACE MACRO rule_subsidy_to(as_of, from_md, to_md) AS
CASE WHEN rule_month_day(year(rule_subsidy_from(as_of, from_md)), to_md) >= rule_subsidy_from(as_of, from_md)
     THEN rule_month_day(year(rule_subsidy_from(as_of, from_md)), to_md)
     ELSE rule_month_day(year(rule_subsidy_from(as_of, from_md)) + 1, to_md) END;
