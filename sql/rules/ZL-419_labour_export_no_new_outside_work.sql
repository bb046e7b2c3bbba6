-- code: ZL-419
-- title: 识别后无新增县外务工却登记劳务输出
-- category: 数据质量
-- national_code: 5_17_013
-- severity: low
-- level: household
-- needs: gs, gs_work
-- columns: gs.measures, gs.identified_on, gs_work.start_on, gs_work.work_county
-- action: 核实劳务输出措施是否在识别后落实；落实的在务工监测中登记新的务工，未落实的更正帮扶措施
-- basis: 全国防止返贫监测信息系统疑点数据 5_17_013
-- description: 监测户就业帮扶含“劳务输出”，户内有县外务工记录（务工所在县已填写、不是本县、不含户所在县名称），而这些记录的
-- description: 开始时间都早于识别监测时间（按月比较；开始时间为空的记录不算）。识别监测时间或户所在县为空的不判断。一户一条，报给户主。
WITH outside AS (
    SELECT h.hh, max(w.start_on) AS last_start, arg_max(w.start_on_precision, w.start_on) AS last_prec,
           bool_and(date_trunc('month', w.start_on) < date_trunc('month', h.identified_on)) AS all_before
    FROM rule_gs_households h
    JOIN rule_gs_work w ON w.hh = h.hh
    WHERE NOT coalesce(w.planned, false) AND w.start_on IS NOT NULL AND rule_work_outside(w.work_county, h.county)
    GROUP BY h.hh
)
-- The head's ID as matching settled it (the export's cell may be damaged), else the cell.
SELECT 'gs:' || h.hh AS subject, h.head_key AS person_key, h.head_name AS name,
       coalesce((SELECT p.id_number FROM persons p WHERE p.person_key = h.head_key), h.head_id) AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：' || rule_date_text(h.identified_on, h.identified_on_precision) || '识别监测，就业帮扶“'
         || rule_work_measure(h.measures, '就业帮扶') || '”；务工监测：县外务工最晚' || rule_date_text(o.last_start, o.last_prec)
         || '开始，识别后无新增县外务工' AS detail
FROM rule_gs_households h
JOIN outside o ON o.hh = h.hh AND o.all_before
WHERE h.monitored AND h.identified_on IS NOT NULL
  AND rule_work_measure(h.measures, '就业帮扶') LIKE '%劳务输出%'
