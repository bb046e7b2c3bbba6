-- code: ZL-421
-- title: 大专及以上学历未务工就业
-- category: 数据质量
-- national_code: 5_20_028, 5_20_030
-- severity: low
-- level: person
-- needs: gs, gs_work
-- columns: gs.education_level
-- action: 了解本人就业情况；已就业的在务工监测中登记，未就业的填写大专或本科毕业生未就业原因并落实就业帮扶
-- basis: 全国防止返贫监测信息系统疑点数据 5_20_028、5_20_030
-- description: 脱贫人口或监测对象，文化程度为大专或本科及以上（含本科、研究生），按证件号码计周岁年龄在 labour_age 内（默认16至59岁），
-- description: 不在校，大专或本科毕业生未就业原因为空，公益性岗位为空，而没有是否已务工为“是”的已外出务工记录。报给本人。
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：' || rule_age(p.id_number, $as_of::DATE) || '岁，文化程度为' || trim(g.education_level)
         || '，未填写未就业原因；务工监测：无已务工记录' AS detail
FROM rule_gs g
JOIN persons p ON p.person_key = g.person_key
LEFT JOIN rule_gs_workers w ON w.person_key = g.person_key
WHERE NOT g.again AND (coalesce(trim(g.household_type), '') = '脱贫户' OR g.member_monitored)
  AND trim(g.education_level) IN ('大专', '本科', '本科及以上', '研究生', '硕士研究生及以上')
  AND rule_age(p.id_number, $as_of::DATE) BETWEEN $labour_age_min::INTEGER AND $labour_age_max::INTEGER
  AND rule_school_stage(trim(g.school_status)) IS NULL
  AND nullif(trim(g.graduate_unemployed_reason), '') IS NULL AND nullif(trim(g.public_post), '') IS NULL
  AND NOT coalesce(w.works, false)
