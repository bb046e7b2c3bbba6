-- code: ZL-412
-- title: 公益性岗位人员年龄不符
-- category: 数据质量
-- national_code: 3_01_008, 5_01_006, 5_12_004, 5_12_005
-- severity: medium
-- level: person
-- needs: gs, gs_work
-- action: 核实公益性岗位人员年龄，不符合条件的调整岗位，并在全国系统或务工监测中更正
-- basis: 全国防止返贫监测信息系统疑点数据 3_01_008、5_01_006、5_12_004、5_12_005
-- description: 脱贫人口或监测对象有公益性岗位（全国系统公益性岗位已填写，或一条已外出务工记录的就业渠道含“公益”），
-- description: 而本次比对日期的周岁年龄（按证件号码）小于 welfare_post_age 下限或大于其上限（默认16至69岁）。报给本人。
WITH posts AS (
    SELECT g.person_key, 'gs' AS src, trim(g.public_post) AS post
    FROM rule_gs g
    WHERE NOT g.again AND (coalesce(trim(g.household_type), '') = '脱贫户' OR g.member_monitored)
      AND nullif(trim(g.public_post), '') IS NOT NULL
    UNION ALL
    SELECT w.person_key, 'work', trim(w.channel)
    FROM rule_gs_work w
    WHERE w.in_scope AND NOT coalesce(w.planned, false) AND w.channel LIKE '%公益%'
)
SELECT s.person_key AS subject, s.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       rule_age(p.id_number, $as_of::DATE) || '岁，'
         || CASE WHEN s.src = 'gs' THEN '全国系统公益性岗位为' ELSE '务工监测就业渠道为' END || s.post
         || CASE WHEN rule_age(p.id_number, $as_of::DATE) < $welfare_post_age_min::INTEGER THEN '，不满' || $welfare_post_age_min || '岁'
                 ELSE '，超过' || $welfare_post_age_max || '岁' END AS detail
FROM posts s
JOIN persons p ON p.person_key = s.person_key
WHERE rule_age(p.id_number, $as_of::DATE) < $welfare_post_age_min::INTEGER
   OR rule_age(p.id_number, $as_of::DATE) > $welfare_post_age_max::INTEGER
