-- code: ZL-407
-- title: 未务工但务工结束时间为空或在以后
-- category: 数据质量
-- national_code: 1111_16, 1111_17
-- severity: low
-- level: row
-- needs: gs, gs_work
-- columns: gs_work.working, gs_work.end_on
-- action: 核实是否仍在务工；已结束的补录结束时间，仍在务工的将是否已务工改为“是”
-- basis: 全国防止返贫监测信息系统疑点数据 1111_16、1111_17（县级自定）
-- description: 脱贫人口或监测对象最近一条已外出务工记录（开始时间最晚的；同时则文件中靠后的）是否已务工为“否”，而结束时间
-- description: 为空或晚于本次比对日期（只写到月的结束时间按该月1日算）。报给本人。
WITH last AS (
    SELECT w.*
    FROM rule_gs_work w
    WHERE w.in_scope AND NOT coalesce(w.planned, false)
    QUALIFY row_number() OVER (PARTITION BY w.person_key ORDER BY w.start_on DESC NULLS LAST, w.file_id DESC, w.row_no DESC) = 1
)
SELECT l.person_key AS subject, l.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '务工监测：最近一段' || rule_work_spell_text(l.planned, l.start_on, l.start_on_precision, l.work_county)
         || '是否已务工为“否”，' || coalesce('结束时间' || rule_date_text(l.end_on, l.end_on_precision) || '在比对日期之后', '结束时间为空') AS detail
FROM last l
JOIN persons p ON p.person_key = l.person_key
WHERE NOT l.working AND (l.end_on IS NULL OR l.end_on > $as_of::DATE)
