-- code: ZL-406
-- title: 不满16岁开始务工
-- category: 数据质量
-- national_code: 5_16_010
-- severity: medium
-- level: person
-- needs: gs, gs_work
-- columns: gs_work.start_on
-- action: 核实务工开始时间和证件号码，在务工监测中更正
-- basis: 全国防止返贫监测信息系统疑点数据 5_16_010；《劳动法》第十五条
-- description: 脱贫人口或监测对象最早一条已外出务工记录开始时，按证件号码中的出生日期计不满 labour_age 下限（默认16）周岁；
-- description: 只写到月的开始时间按该月最后一天算。报给本人。
WITH first AS (
    SELECT w.person_key, arg_min(w.start_on, w.start_on) AS start_on, arg_min(w.start_on_precision, w.start_on) AS prec
    FROM rule_gs_work w
    WHERE w.in_scope AND NOT coalesce(w.planned, false) AND w.start_on IS NOT NULL
    GROUP BY w.person_key
)
SELECT f.person_key AS subject, f.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '务工监测：最早一段务工' || rule_date_text(f.start_on, f.prec) || '开始，时年'
         || rule_age(p.id_number, rule_last_day(f.start_on, f.prec)) || '岁，不满' || $labour_age_min || '岁' AS detail
FROM first f
JOIN persons p ON p.person_key = f.person_key
WHERE rule_age(p.id_number, rule_last_day(f.start_on, f.prec)) < $labour_age_min::INTEGER
