-- code: ZL-405
-- title: 务工时段重叠或结束早于开始
-- category: 数据质量
-- national_code: 5_12_001
-- severity: medium
-- level: person
-- needs: gs, gs_work
-- columns: gs_work.start_on, gs_work.end_on
-- action: 核实各段务工的开始和结束时间，在务工监测中更正
-- basis: 全国防止返贫监测信息系统疑点数据 5_12_001
-- description: 监测对象（全国系统监测对象类别不为空）的已外出务工记录按开始时间排序，有一条的开始时间早于前一条的结束时间
-- description: （同月不算早于），或有一条的结束时间早于其开始时间。开始或结束时间为空的不比较。报给本人。
WITH s AS (
    SELECT w.*,
           lag(w.end_on) OVER (PARTITION BY w.person_key ORDER BY w.start_on, w.file_id, w.row_no) AS prev_end,
           lag(w.end_on_precision) OVER (PARTITION BY w.person_key ORDER BY w.start_on, w.file_id, w.row_no) AS prev_end_prec
    FROM rule_gs_work w
    WHERE w.person_key IS NOT NULL AND w.monitored AND NOT coalesce(w.planned, false) AND w.start_on IS NOT NULL
)
SELECT s.person_key AS subject, s.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '务工监测：' || CASE
         WHEN s.end_on < s.start_on THEN '一段务工' || rule_date_text(s.start_on, s.start_on_precision) || '开始，'
                                         || rule_date_text(s.end_on, s.end_on_precision) || '结束，结束早于开始'
         ELSE '一段务工' || rule_date_text(s.start_on, s.start_on_precision) || '开始，早于上一段务工的结束时间'
              || rule_date_text(s.prev_end, s.prev_end_prec) END AS detail
FROM s
JOIN persons p ON p.person_key = s.person_key
-- Month dates hold the 1st: a spell starting in the month the last one ended is not earlier.
WHERE s.end_on < s.start_on OR s.start_on < s.prev_end
