-- code: CJ-04
-- title: 新办证重度残疾人家庭未研判
-- category: 研判程序
-- severity: high
-- level: household
-- needs: disability, review, gs
-- columns: gs.monitor_type
-- action: 逐户研判；符合条件的按程序识别为监测对象，不符合的留存研判记录
-- basis: 残联推送重度残疾、新办证人员信息，纳入预警研判；集中排查将残疾人家庭列为必访户
-- description: 全国系统中未纳入监测或风险已消除的户，有成员在 as_of 持有效重度残疾人证（等级在 severe_disability_grade 级以内），
-- description: 发证日期不早于 new_certificate_since 且不晚于 as_of 前 identify_days 天，而该户任何成员都没有日期不早于发证日前
-- description: review_lead_days 天的研判记录（有多名新办证成员时按最晚的发证日期）。一户一条，报给户主。
WITH members AS (SELECT DISTINCT person_key, hh FROM rule_gs WHERE person_key IS NOT NULL),
holders AS (
    SELECT m.hh,
           arg_max({'name': p.name, 'issued_on': c.issued_on, 'prec': c.issued_on_precision, 'grade': c.grade},
                   (c.issued_on, m.person_key)) AS last
    FROM members m
    JOIN rule_certificates($as_of::DATE) c ON c.person_key = m.person_key
    JOIN persons p ON p.person_key = m.person_key
    WHERE c.active AND c.grade <= $severe_disability_grade::INTEGER
      AND c.issued_on >= $new_certificate_since::DATE
      -- A card dated to the month only may be late in it: it is overdue only when its whole month is.
      AND rule_last_day(c.issued_on, c.issued_on_precision) <= $as_of::DATE - $identify_days::INTEGER
    GROUP BY m.hh
),
reviews AS (
    -- A review dated to the month only may be late in it: it counts as its month's last day.
    SELECT m.hh, max(rule_last_day(r.reviewed_on, r.reviewed_on_precision)) AS reviewed_on,
           arg_max(r.reviewed_on_precision, rule_last_day(r.reviewed_on, r.reviewed_on_precision)) AS prec
    FROM members m
    JOIN rule_review r ON r.person_key = m.person_key
    GROUP BY m.hh
)
SELECT 'gs:' || h.hh AS subject, g.head_key AS person_key, g.head_name AS name, g.head_id AS id_number,
       g.county, g.town, g.village, g.household_no,
       '残联持证名单：成员' || coalesce(h.last.name, '') || rule_date_text(h.last.issued_on, h.last.prec) || '办证，'
         || rule_grade_text(h.last.grade) || '（重度）；研判台账：'
         || CASE WHEN r.reviewed_on IS NULL THEN '无该户研判记录'
                 ELSE '最近一次研判' || rule_date_text(r.reviewed_on, r.prec) || '，早于办证日前' || $review_lead_days || '天' END
         || '；全国系统：' || CASE WHEN g.monitored THEN '风险已消除' ELSE '未纳入监测' END AS detail
FROM holders h
JOIN rule_gs_households g ON g.hh = h.hh
LEFT JOIN reviews r ON r.hh = h.hh
WHERE NOT g.open_monitored
  AND (r.reviewed_on IS NULL OR r.reviewed_on < h.last.issued_on - $review_lead_days::INTEGER)
