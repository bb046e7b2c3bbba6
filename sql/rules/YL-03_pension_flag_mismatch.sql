-- code: YL-03
-- title: 养老保险参保情况与全国系统不一致
-- category: 部门比对
-- national_code: 2_01_007
-- severity: medium
-- level: person
-- needs: gs, pension
-- columns: gs.resident_pension
-- action: 核对人社城乡居民养老保险数据，修正全国系统“是否参加城乡居民基本养老保险”
-- basis: 全国系统脱贫人口养老保险字段须填写（疑点数据 2_01_007）；与人社部门信息比对
-- description: 人社数据覆盖此人所在县，取人社数据中不晚于 as_of 年份的最新年度 Y（数据无年度时取 as_of 年份）：全国系统“是否参加城乡居民
-- description: 基本养老保险”为是而此人 Y 年度无城乡居民养老保险参保缴费、待遇领取或代缴记录，或该字段为否或空白而有此类记录
-- description: （无年度的记录视为当年）。详情说明是哪一种。全国系统字段空白而人社也无记录的不在此报告。报给本人。
WITH y AS (
    SELECT coalesce(max(year) FILTER (WHERE year <= year($as_of::DATE)), year($as_of::DATE)) AS y FROM src_pension
),
gs AS (
    SELECT person_key, bool_or(resident_pension) AS said, arg_min(household_no, (file_id, row_no)) AS household_no
    FROM rule_gs
    WHERE person_key IS NOT NULL
    GROUP BY person_key
),
i AS (
    SELECT r.person_key
    FROM rule_pension r, y
    WHERE r.person_key IS NOT NULL AND r.scheme = 'resident' AND coalesce(r.year, y.y) = y.y
      AND (r.insured_status IN ('paying', 'receiving') OR (r.status_less AND r.subsidised))
    GROUP BY r.person_key
)
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village,
       coalesce(g.household_no, p.household_no) AS household_no,
       CASE WHEN i.person_key IS NULL
            THEN '全国系统：参加城乡居民基本养老保险为“是”；人社：' || y.y || '年度无参保缴费、待遇领取或代缴记录'
            ELSE '人社：' || y.y || '年度参加城乡居民基本养老保险；全国系统：该字段为'
                 || CASE WHEN g.said IS NULL THEN '空白' ELSE '“否”' END END AS detail
FROM gs g
CROSS JOIN y
JOIN persons p ON p.person_key = g.person_key
LEFT JOIN i ON i.person_key = g.person_key
WHERE EXISTS (SELECT 1 FROM rule_pension_covers c WHERE c.county IS NULL OR c.county = trim(p.county))
  AND ((g.said AND i.person_key IS NULL) OR (NOT coalesce(g.said, false) AND i.person_key IS NOT NULL))
