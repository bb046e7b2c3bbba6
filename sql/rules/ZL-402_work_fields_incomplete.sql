-- code: ZL-402
-- title: 在外务工信息未填全
-- category: 数据质量
-- national_code: 5_01_007, 5_12_006
-- severity: low
-- level: row
-- needs: gs, gs_work
-- columns: gs_work.monthly_wage, gs_work.employer, gs_work.industry, gs_work.channel, gs_work.point_to_point
-- action: 在务工监测中补录务工月收入、务工企业名称、所属行业、就业渠道和是否点对点输送
-- basis: 全国防止返贫监测信息系统疑点数据 5_01_007、5_12_006
-- description: 脱贫人口或监测对象（全国系统户类型为脱贫户或监测对象类别不为空）已外出务工信息中是否已务工为“是”的务工记录，
-- description: 务工月收入、务工企业名称、所属行业、就业渠道、是否点对点输送有一项为空（务工月收入无法识别也算空）。
-- description: 同一人的各条合为一条，报给本人。
SELECT w.person_key AS subject, w.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '务工监测：' || rule_work_spell_text(w.planned, w.start_on, w.start_on_precision, w.work_county) || '未填写'
         || concat_ws('、',
              CASE WHEN w.monthly_wage IS NULL THEN '务工月收入' END,
              CASE WHEN nullif(trim(w.employer), '') IS NULL THEN '务工企业名称' END,
              CASE WHEN nullif(trim(w.industry), '') IS NULL THEN '所属行业' END,
              CASE WHEN nullif(trim(w.channel), '') IS NULL THEN '就业渠道' END,
              CASE WHEN nullif(trim(w.point_to_point), '') IS NULL THEN '是否点对点输送' END) AS detail
FROM rule_gs_work w
JOIN persons p ON p.person_key = w.person_key
WHERE w.works AND w.in_scope
  AND (w.monthly_wage IS NULL OR nullif(trim(w.employer), '') IS NULL OR nullif(trim(w.industry), '') IS NULL
       OR nullif(trim(w.channel), '') IS NULL OR nullif(trim(w.point_to_point), '') IS NULL)
