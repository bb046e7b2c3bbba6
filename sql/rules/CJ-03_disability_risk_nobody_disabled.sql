-- code: CJ-03
-- title: 因残风险户无残疾人
-- category: 部门比对
-- national_code: 2_11_001
-- severity: medium
-- level: household
-- needs: disability, gs
-- columns: gs.monitor_type, gs.risks, gs.health
-- action: 核实致贫返贫风险类型：确无残疾成员的修正风险类型，有残疾成员的补录健康状况并引导办理残疾人证
-- basis: 全国系统疑点数据 2_11_001（因残风险户无残疾成员）；与残联持证残疾人数据比对
-- description: 监测户风险未消除，风险类型含因残，而 as_of 时全户没有成员持有效残疾人证，也没有成员的全国系统“健康状况”为残疾；
-- description: 残联名单须覆盖该户（有成员所在县的记录，或名单无县列）。一户一条，报给户主。
WITH certs AS (SELECT person_key FROM rule_certificates($as_of::DATE) WHERE active),
members AS (
    SELECT g.hh,
           coalesce(bool_or(trim(g.health) = '残疾'), false) AS disabled,
           bool_or(c.person_key IS NOT NULL) AS certificate,
           bool_or(EXISTS (SELECT 1 FROM rule_disability_covers v WHERE v.county IS NULL OR v.county = trim(g.county))) AS covered
    FROM rule_gs g
    LEFT JOIN certs c ON c.person_key = g.person_key
    GROUP BY g.hh
)
SELECT 'gs:' || h.hh AS subject, h.head_key AS person_key, h.head_name AS name, h.head_id AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：风险类型含因残，' || h.members || '名成员健康状况均不是残疾；残联持证名单：全户无人持有效残疾人证' AS detail
FROM rule_gs_households h
JOIN members m ON m.hh = h.hh
JOIN rule_gs_household_risks r ON r.hh = h.hh
WHERE h.open_monitored
  AND len(list_filter(r.risks, x -> x LIKE '%因残%')) > 0
  AND NOT m.disabled AND NOT m.certificate AND m.covered
