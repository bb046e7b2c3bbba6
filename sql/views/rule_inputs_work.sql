-- Rule inputs of the 全国系统's work-spell and 户信息 exports (kinds gs_work and gs_household). Their rows reach
-- persons through links, as every source's do.

-- rule_gs_work_persons: per linked gs person, the household hh and what the data-quality checks scope on: the
-- person is 脱贫 (户类型 脱贫户) or 监测 (监测对象类别 filled).
CREATE OR REPLACE VIEW rule_gs_work_persons AS
SELECT person_key, min(hh) AS hh,
       bool_or(coalesce(trim(household_type), '') = '脱贫户') AS poverty,
       bool_or(member_monitored) AS monitored
FROM rule_gs
WHERE person_key IS NOT NULL AND NOT again
GROUP BY person_key;

-- rule_gs_work: every work spell (planned = a row of the 计划外出务工 file, whose working is its 是否计划务工) with
-- the person it is linked to (NULL when unlinked), that person's gs household hh and scope (NULL when the
-- person has no gs row), and whether it is a spell that says the person works (已务工 是, not planned).
CREATE OR REPLACE VIEW rule_gs_work AS
SELECT w.*, l.person_key, p.hh,
       coalesce(p.poverty, false) OR coalesce(p.monitored, false) AS in_scope,
       coalesce(p.monitored, false) AS monitored,
       NOT coalesce(w.planned, false) AND coalesce(w.working, false) AS works
FROM src_gs_work w
LEFT JOIN links l ON l.kind = 'gs_work' AND l.file_id = w.file_id AND l.row_no = w.row_no
LEFT JOIN rule_gs_work_persons p ON p.person_key = l.person_key;

-- rule_work_spell_text(w): a spell in a finding's detail: 务工（2023-05起，某区）, 计划务工（某区）.
CREATE OR REPLACE MACRO rule_work_spell_text(planned, start_on, start_prec, county) AS
CASE WHEN coalesce(planned, false) THEN '计划务工' ELSE '务工' END
  || coalesce('（' || nullif(concat_ws('，', rule_date_text(start_on, start_prec) || '起', nullif(trim(county), '')), '') || '）', '');

-- rule_gs_household: every 户信息 row with the person its 证件号码 is linked to (the 户主; NULL when unlinked)
-- and the gs household hh it names: the linked person's, else its own 户编号.
CREATE OR REPLACE VIEW rule_gs_household AS
SELECT h.*, l.person_key, coalesce(p.hh, nullif(trim(h.household_no), '')) AS hh
FROM src_gs_household h
LEFT JOIN links l ON l.kind = 'gs_household' AND l.file_id = h.file_id AND l.row_no = h.row_no
LEFT JOIN rule_gs_work_persons p ON p.person_key = l.person_key;

-- rule_gs_workers: per linked person with any work-monitoring row, whether a spell says the person works
-- (works), whether a planned row says 是 (plans), and the largest 年度交通费补助 of its spells.
CREATE OR REPLACE VIEW rule_gs_workers AS
SELECT person_key, any_value(hh) AS hh,
       bool_or(works) AS works,
       bool_or(coalesce(planned, false) AND coalesce(working, false)) AS plans,
       max(transport_subsidy) FILTER (WHERE NOT coalesce(planned, false)) AS transport_subsidy
FROM rule_gs_work
WHERE person_key IS NOT NULL
GROUP BY person_key;

-- rule_work_measure(measures, category): the texts of a household's measures of one category, joined by 、
-- ('' when none).
CREATE OR REPLACE MACRO rule_work_measure(measures, category) AS
coalesce(array_to_string(list_transform(list_filter(coalesce(measures, []), m -> m.category = category AND nullif(trim(m.text), '') IS NOT NULL),
                                        m -> trim(m.text)), '、'), '');

-- rule_work_outside(work_county, county): a spell's 务工所在县 is outside the household's county: filled, not 本县,
-- and not naming the county (NULL when the county is unknown).
CREATE OR REPLACE MACRO rule_work_outside(work_county, county) AS
CASE WHEN nullif(trim(county), '') IS NULL THEN NULL
     ELSE nullif(trim(work_county), '') IS NOT NULL AND trim(work_county) <> '本县' AND strpos(work_county, trim(county)) = 0 END;
