-- check_households_zl1: the name check_households once had with the members' out_of_school_ages and vocational
-- columns, which check_households now has itself (one pass over the households for every household check).
CREATE OR REPLACE VIEW check_households_zl1 AS
SELECT * FROM check_households;

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
