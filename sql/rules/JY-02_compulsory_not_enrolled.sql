-- code: JY-02
-- title: 义务教育阶段适龄人员未在学籍
-- category: 部门比对
-- severity: high
-- level: person
-- needs: gs, education
-- columns: education.enrollment
-- action: 核实就学情况；失学辍学的落实控辍保学，确因病残等不能上学的在全国系统填写未上学原因
-- basis: 集中排查工作方案 二(二)；义务教育有保障
-- description: 全国系统人员在 as_of 的周岁年龄（按证件号码出生日期）在 compulsory_age 范围内（含两端），学籍无在读记录，
-- description: 且未填写义务教育阶段未上学原因。报给本人。
WITH gs AS (
    SELECT g.person_key, rule_age(p.id_number, $as_of::DATE) AS age, coalesce(trim(g.out_of_school_reason), '') AS reason
    FROM rule_gs g
    JOIN persons p ON p.person_key = g.person_key
)
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：' || g.age || '周岁，未填写义务教育阶段未上学原因；学籍：'
         || CASE WHEN e.person_key IS NULL THEN '无学籍记录' ELSE coalesce(e.school, '') || '学籍状态为非在读' END
         || coalesce('；' || u.phrase, '') AS detail
FROM gs g
JOIN persons p ON p.person_key = g.person_key
LEFT JOIN rule_education_latest e ON e.person_key = g.person_key
LEFT JOIN rule_unsure_rows u ON u.person_key = g.person_key AND u.kind = 'education' AND e.person_key IS NULL
WHERE g.age BETWEEN $compulsory_age_min::INTEGER AND $compulsory_age_max::INTEGER
  AND NOT coalesce(e.enrolled, false)
  AND g.reason = ''
