-- code: ZW-02
-- title: 整户无劳动能力户已标注风险消除
-- category: 数据质量
-- national_code: 4_11_011
-- severity: high
-- level: household
-- needs: gs
-- columns: gs.labour, gs.risk_eliminated
-- action: 申请风险回退，继续落实兜底保障和帮扶措施
-- basis: 集中排查工作方案 三(二)；整户无劳动能力户原则上不标注风险消除
-- description: 监测户每个成员的劳动技能都是丧失劳动力或无劳动力，而风险已标注消除。一户一条，报给户主。
SELECT 'gs:' || h.hh AS subject, h.head_key AS person_key, h.head_name AS name, h.head_id AS id_number,
       h.county, h.town, h.village, h.household_no,
       '全国系统：' || h.members || '名成员均丧失劳动力或无劳动力，风险已于'
         || coalesce(rule_date_text(h.eliminated_on, h.eliminated_on_precision), '（日期空白）') || '标注消除' AS detail
FROM rule_gs_households h
WHERE h.monitored
  AND h.all_no_labour
  AND h.risk_eliminated
