-- code: KF-01
-- title: 有劳动能力监测户未落实开发式帮扶
-- category: 数据质量
-- national_code: 5_11_030, 5_11_032, 5_12_007
-- severity: medium
-- level: household
-- needs: gs
-- columns: gs.monitor_type, gs.labour, gs.measures|gs.dev_support
-- action: 针对有劳动能力成员落实产业、就业、金融或公益岗位等开发式帮扶措施并录入全国系统
-- basis: 集中排查工作方案 三(一)；有劳动能力的监测户坚持开发式帮扶
-- description: 未消除风险的监测户有成员劳动技能为技能劳动力或普通劳动力，而户内没有开发式帮扶措施（产业帮扶、就业帮扶、金融帮扶、
-- description: 公益岗位帮扶均无内容），或“实施开发式帮扶措施情况”为尚未实施、否或空白。详情说明缺哪一项。一户一条，报给户主。
WITH h AS (
    SELECT h.*,
           len(list_filter(h.measures, m -> m.category IN ('产业帮扶', '就业帮扶', '金融帮扶', '公益岗位帮扶'))) > 0 AS has_measure,
           h.dev_support IN ('尚未实施', '否', '') AS support_missing
    FROM rule_gs_households h
    WHERE h.open_monitored AND h.some_labour
),
trigger AS (
    SELECT g.hh, arg_min(g.who, g.head_order) AS who FROM rule_gs g WHERE g.labour_with GROUP BY g.hh
)
-- The 户主, else the member that triggered it (rules.md).
SELECT 'gs:' || h.hh AS subject,
       CASE WHEN h.heads > 0 THEN h.head_key ELSE t.who.key END AS person_key,
       CASE WHEN h.heads > 0 THEN h.head_name ELSE t.who.name END AS name,
       CASE WHEN h.heads > 0 THEN h.head_id ELSE t.who.id END AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：未消除风险监测户，有劳动能力成员；'
         || concat_ws('，',
              CASE WHEN NOT h.has_measure THEN '产业、就业、金融、公益岗位帮扶均为空' END,
              CASE WHEN h.support_missing THEN '实施开发式帮扶措施情况为' || CASE WHEN h.dev_support = '' THEN '空白' ELSE '“' || h.dev_support || '”' END END)
       AS detail
FROM h
LEFT JOIN trigger t ON t.hh = h.hh
WHERE NOT h.has_measure OR h.support_missing
