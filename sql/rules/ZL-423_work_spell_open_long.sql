-- code: ZL-423
-- title: 外出务工长期未结束
-- category: 数据质量
-- national_code: 1111_08
-- severity: low
-- level: row
-- needs: gs, gs_work
-- columns: gs_work.start_on, gs_work.end_on
-- action: 核实本人是否仍在该处务工；已结束的补录结束时间，换了工作的登记新的务工记录
-- basis: 全国防止返贫监测信息系统疑点数据 1111_08（县级自定）
-- description: 脱贫人口或监测对象最近一条已外出务工记录（开始时间最晚的）结束时间为空，而开始时间（只写到月的按该月最后一天）
-- description: 距本次比对日期已满 work_open_months 个月（默认36）。报给本人。
WITH last AS (
    SELECT w.*
    FROM rule_gs_work w
    WHERE w.in_scope AND NOT coalesce(w.planned, false) AND w.start_on IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY w.person_key ORDER BY w.start_on DESC, w.file_id DESC, w.row_no DESC) = 1
)
SELECT l.person_key AS subject, l.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '务工监测：最近一段务工' || rule_date_text(l.start_on, l.start_on_precision) || '开始，至今无结束时间，已超过'
         || $work_open_months || '个月' AS detail
FROM last l
JOIN persons p ON p.person_key = l.person_key
WHERE l.end_on IS NULL
  AND rule_last_day(l.start_on, l.start_on_precision) + to_months($work_open_months::INTEGER) <= $as_of::DATE
