-- code: SW-01
-- title: 死亡人员未在全国系统标注自然减少
-- category: 部门比对
-- severity: high
-- level: person
-- needs: death, gs
-- action: 核实后标注自然减少，重算家庭人口、人均纯收入，复核整户无劳动能力与监测标识
-- basis: 户口登记条例第八条（死亡一个月内注销户口，火化证明可作死亡证明）；公安死亡人员户口注销工作规范（与卫健、民政、人社死亡数据比对）；全国系统“自然减少”
-- description: 死亡名单中证件号码完全一致且姓名一致的记录表明此人已死亡，死亡日期（死亡、火化、注销户口日期中最早者；只到月的按该月最后一天）
-- description: 不晚于 as_of 前 death_grace_days 天，而全国系统仍有此人的记录且人员状态未标注自然减少（自然减少、死亡、注销）。
-- description: 按纠正后证件号码或仅按姓名对应的死亡记录不认定（进入人工核对）。报给本人。
WITH gs AS (
    SELECT person_key,
           arg_min(household_no, (file_id, row_no)) AS household_no,
           string_agg(DISTINCT nullif(trim(person_status), ''), '、') AS status
    FROM rule_gs
    WHERE person_key IS NOT NULL
      AND NOT regexp_matches(coalesce(person_status, ''), '自然减少|死亡|注销')
    GROUP BY person_key
)
SELECT d.person_key AS subject, d.person_key, d.name, d.id_number, d.county, d.town, d.village,
       coalesce(g.household_no, d.household_no) AS household_no,
       d.death || '；全国系统：仍在册，人员状态' || coalesce('为“' || g.status || '”', '空白') AS detail
FROM rule_deaths d
JOIN gs g ON g.person_key = d.person_key
WHERE d.died_on <= $as_of::DATE - $death_grace_days::INTEGER
