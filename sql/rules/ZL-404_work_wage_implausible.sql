-- code: ZL-404
-- title: 务工月收入不合理
-- category: 数据质量
-- national_code: 1111_12, 5_16_001, 5_16_002
-- severity: medium
-- level: row
-- needs: gs, gs_work
-- columns: gs_work.monthly_wage
-- action: 核实务工月收入，在务工监测中更正
-- basis: 全国防止返贫监测信息系统疑点数据 5_16_001、5_16_002
-- description: 脱贫人口或监测对象的已外出务工记录，务工月收入低于 work_income_range 下限或高于其上限（默认100元至30000元）；
-- description: 务工月收入为空的记录不在此列（见 ZL-402）。同一人的各条合为一条，报给本人。
SELECT w.person_key AS subject, w.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '务工监测：' || rule_work_spell_text(w.planned, w.start_on, w.start_on_precision, w.work_county)
         || '月收入' || rule_amount(w.monthly_wage) || '元，'
         || CASE WHEN w.monthly_wage < $work_income_range_min::DOUBLE THEN '低于' || rule_amount($work_income_range_min::DOUBLE) || '元'
                 ELSE '高于' || rule_amount($work_income_range_max::DOUBLE) || '元' END AS detail
FROM rule_gs_work w
JOIN persons p ON p.person_key = w.person_key
WHERE NOT coalesce(w.planned, false) AND w.in_scope
  AND (w.monthly_wage < $work_income_range_min::DOUBLE OR w.monthly_wage > $work_income_range_max::DOUBLE)
