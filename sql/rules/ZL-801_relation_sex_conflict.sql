-- code: ZL-801
-- title: 与户主关系与性别矛盾
-- category: 数据质量
-- national_code: 2_01_004, 2_02_001, 2_11_003, 2_12_008
-- severity: medium
-- level: person
-- needs: gs
-- columns: gs.relation
-- action: 核实与户主关系和证件号码（性别），在全国系统中更正
-- basis: 全国防止返贫监测信息系统疑点数据 2_01_004、2_02_001、2_11_003、2_12_008
-- description: 性别按本人证件号码（比对所认定的）第17位（奇数为男），无18位证件号码时按性别栏。与户主关系指明男性（之子、之父、之岳父、之公公、之祖父、
-- description: 之外祖父、之孙子、之外孙子、之女婿、之曾孙子、之侄儿、之叔伯）而本人为女，或指明女性（之女、之母、之岳母、之婆婆、之祖母、
-- description: 之外祖母、之孙女、之外孙女、之儿媳、之曾孙女、之侄女、之兄弟媳妇）而本人为男；或为配偶而与户内唯一的户主同性别。报给本人。
WITH ids AS (
    -- The person's ID as matching settled it (a damaged cell may have been recovered), else the row's.
    SELECT g.*, trim(g.relation) AS rel, coalesce(p.id_number, g.id_number) AS pid
    FROM rule_gs g
    LEFT JOIN persons p ON p.person_key = g.person_key
    WHERE NOT g.again
),
g AS (
    SELECT *, CASE WHEN length(pid) = 18 THEN CASE WHEN TRY_CAST(substr(pid, 17, 1) AS INTEGER) % 2 = 1 THEN '男' ELSE '女' END
                   WHEN trim(sex) IN ('男', '女') THEN trim(sex) END AS sx
    FROM ids
),
heads AS (
    SELECT hh, any_value(sx) AS head_sex, any_value(name) AS head_name
    FROM g WHERE rel = '户主' GROUP BY hh HAVING count(*) = 1
)
SELECT coalesce(g.person_key, 'gs-row:' || g.file_id || ':' || g.row_no) AS subject, g.person_key, g.name,
       coalesce(g.pid, g.id_raw) AS id_number, g.county, g.town, g.village, g.household_no,
       '全国系统：与户主关系为' || g.rel || '，' || CASE WHEN g.rel = '配偶' THEN '与户主' || h.head_name || '同为' || g.sx || '性'
                                                     ELSE '本人为' || g.sx || '性' END AS detail
FROM g
LEFT JOIN heads h ON h.hh = g.hh
WHERE g.sx IS NOT NULL
  AND ((g.sx = '女' AND g.rel IN ('之子', '之父', '之岳父', '之公公', '之祖父', '之外祖父', '之孙子', '之外孙子', '之女婿', '之曾孙子', '之侄儿', '之叔伯'))
    OR (g.sx = '男' AND g.rel IN ('之女', '之母', '之岳母', '之婆婆', '之祖母', '之外祖母', '之孙女', '之外孙女', '之儿媳', '之曾孙女', '之侄女', '之兄弟媳妇'))
    OR (g.rel = '配偶' AND h.head_sex = g.sx))
