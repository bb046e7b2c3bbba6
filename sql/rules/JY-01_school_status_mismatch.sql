-- code: JY-01
-- title: 在校生状况与学籍信息不一致
-- category: 部门比对
-- severity: medium
-- level: person
-- needs: gs, education
-- columns: gs.school_status
-- action: 按学籍信息修正全国系统“在校生状况”
-- basis: 集中排查工作方案 二(二)；加强同教育部门信息比对
-- description: 全国系统人员按学籍（最近一条学籍记录）在读，而在校生状况为空、非在校生或学龄前儿童；或在校生状况所指学段属于
-- description: education_stages_covered 而学籍无在读记录；或在校生状况的学段与在读学籍的学段不同。在校生状况到学段：学前教育→学前，
-- description: 小学…→小学，七至九年级→初中，普通高中…→高中，中职…→中职，高职高专…→高职，本科…→本科，硕士研究生及以上→研究生；
-- description: 技师学院等无法对应学段的不比对学段。报给本人。
WITH gs AS (
    SELECT person_key, coalesce(trim(school_status), '') AS said, rule_school_stage(trim(school_status)) AS gs_stage
    FROM rule_gs
    WHERE person_key IS NOT NULL
)
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '全国系统：在校生状况为' || CASE WHEN g.said = '' THEN '空白' ELSE '“' || g.said || '”' END || '；学籍：'
         || CASE WHEN coalesce(e.enrolled, false)
                 THEN coalesce(e.school, '') || coalesce(e.stage, '') || '在读'
                 WHEN e.person_key IS NULL THEN '无学籍记录'
                 ELSE coalesce(e.school, '') || '学籍状态为非在读' END
         || coalesce('；' || u.phrase, '')
       AS detail
FROM gs g
JOIN persons p ON p.person_key = g.person_key
LEFT JOIN rule_education_latest e ON e.person_key = g.person_key
LEFT JOIN rule_unsure_rows u ON u.person_key = g.person_key AND u.kind = 'education' AND e.person_key IS NULL
WHERE (coalesce(e.enrolled, false) AND g.said IN ('', '非在校生', '学龄前儿童'))
   OR (NOT coalesce(e.enrolled, false) AND list_contains(string_split($education_stages_covered, ','), g.gs_stage))
   OR (coalesce(e.enrolled, false) AND g.gs_stage IS NOT NULL AND nullif(trim(e.stage), '') IS NOT NULL AND g.gs_stage <> trim(e.stage))
