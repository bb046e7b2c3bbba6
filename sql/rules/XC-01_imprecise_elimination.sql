-- code: XC-01
-- title: 风险消除不精准
-- category: 数据质量
-- national_code: 1_11_009, 2_11_002, 3_11_010, 4_11_010, 5_18_009
-- severity: high
-- level: household
-- needs: gs
-- columns: gs.risk_eliminated, gs.measures|gs.dev_support
-- action: 逐户核实风险消除条件；不符合的申请风险回退，继续帮扶
-- basis: 集中排查工作方案 三(二)；防止返贫动态监测和帮扶工作规程 风险消除
-- description: 风险已标注消除，且有下列情形之一（详情逐条列出）：人均纯收入低于 monitoring_line；风险消除方式不是自然消除（含空白）
-- description: 而识别监测时间到风险消除时间不足 elimination_min_months 个月（消除日早于识别日加该月数；任一日期空白则不判断此项）；
-- description: 户内没有任何帮扶措施记录。一户一条，报给户主。
WITH h AS (
    SELECT h.*,
           h.income_per_capita < $monitoring_line::DOUBLE AS low_income,
           h.elimination_mode <> '自然消除'
             -- A month-only elimination date may be as late as its month's end: too soon only if even that is.
             AND rule_last_day(h.eliminated_on, h.eliminated_on_precision) < h.identified_on + to_months($elimination_min_months::INTEGER) AS too_soon,
           len(h.measures) = 0 AS no_measure
    FROM rule_gs_households h
    WHERE h.risk_eliminated
)
SELECT 'gs:' || h.hh AS subject, h.head_key AS person_key, h.head_name AS name, h.head_id AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：风险已标注消除；'
         || concat_ws('；',
              CASE WHEN h.low_income THEN '人均纯收入' || rule_amount(h.income_per_capita) || '元，低于监测线'
                                          || rule_amount($monitoring_line::DOUBLE) || '元' END,
              CASE WHEN h.too_soon THEN '识别监测时间' || rule_date_text(h.identified_on, h.identified_on_precision) || '，风险消除时间'
                                        || rule_date_text(h.eliminated_on, h.eliminated_on_precision) || '，'
                                        || CASE WHEN h.elimination_mode = '' THEN '消除方式空白' ELSE h.elimination_mode END
                                        || '不足' || $elimination_min_months || '个月' END,
              CASE WHEN h.no_measure THEN '无任何帮扶措施记录' END)
       AS detail
FROM h
WHERE h.low_income OR h.too_soon OR h.no_measure
