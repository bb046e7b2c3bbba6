-- code: DB-02
-- title: 低保享受情况与民政名册不一致
-- category: 部门比对
-- severity: medium
-- level: person
-- needs: gs, dibao
-- columns: gs.dibao
-- action: 核对民政低保名册，修正全国系统“享受低保政策情况”
-- basis: 集中排查工作方案 二(二)；加强同民政部门信息比对
-- description: 全国系统低保字段为享受（农村低保、城市低保、是）而此人在 as_of 不在民政低保名册在保（状态在保且批准日期不晚于 as_of 的关联记录），
-- description: 或此人在保而全国系统字段为不享受（未享受、否或空白）。其他取值不比对。详情说明是哪一种。报给本人。
WITH gs AS (
    SELECT person_key, coalesce(trim(dibao), '') AS said
    FROM rule_gs
    WHERE person_key IS NOT NULL
),
roster AS (
    SELECT person_key,
           arg_max(status, (approved_on, file_id, row_no)) AS status,
           arg_max(approved_on, (approved_on, file_id, row_no)) AS approved_on,
           arg_max(stopped_on, (approved_on, file_id, row_no)) AS stopped_on
    FROM rule_dibao
    WHERE person_key IS NOT NULL
    GROUP BY person_key
),
on_now AS (SELECT * FROM rule_on_dibao($as_of::DATE))
SELECT g.person_key AS subject, g.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       CASE WHEN o.person_key IS NULL
            THEN '全国系统：享受低保政策情况为“' || g.said || '”；民政低保名册：'
                 || CASE WHEN r.person_key IS NULL THEN '无此人'
                         WHEN r.status = 'stopped' THEN coalesce(strftime(r.stopped_on, '%Y-%m-%d') || '已停保', '已停保')
                         WHEN r.approved_on > $as_of::DATE THEN strftime(r.approved_on, '%Y-%m-%d') || '批准，晚于比对日'
                         WHEN r.approved_on IS NULL THEN '在保，但批准日期空白，无法确认比对日是否在保'
                         ELSE '无在保记录' END
                 || coalesce('；' || u.phrase, '')
            ELSE '民政低保名册：' || strftime(o.approved_on, '%Y-%m-%d') || '批准，现在保；全国系统：享受低保政策情况为'
                 || CASE WHEN g.said = '' THEN '空白' ELSE '“' || g.said || '”' END
       END AS detail
FROM gs g
JOIN persons p ON p.person_key = g.person_key
LEFT JOIN on_now o ON o.person_key = g.person_key
LEFT JOIN roster r ON r.person_key = g.person_key
LEFT JOIN rule_unsure_rows u ON u.person_key = g.person_key AND u.kind = 'dibao' AND r.person_key IS NULL
WHERE (g.said IN ('农村低保', '城市低保', '是') AND o.person_key IS NULL)
   OR (g.said IN ('未享受', '否', '') AND o.person_key IS NOT NULL)
