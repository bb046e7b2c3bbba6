-- code: TK-01
-- title: 新增分散供养特困人员未进行逐户研判
-- category: 研判程序
-- severity: high
-- level: household
-- needs: tekun, review
-- uses: gs
-- columns: gs.monitor_type
-- action: 逐户研判；符合条件的按程序识别为监测对象，不符合的留存研判记录
-- basis: 集中排查工作方案 一(一)3；鲁乡振发〔2022〕11号
-- description: 分散供养特困人员于 new_assistance_since 当日或以后（且不晚于 as_of）认定（停保的也算），其在全国系统中的户（如有）未纳入监测，
-- description: 且该户任何成员（特困人员本人及其全国系统户成员）都没有日期不早于认定日前 review_lead_days 天的研判记录。
-- description: 户 = 其全国系统户，未在全国系统的按本人计。一户一条，报给户主（不在全国系统的报给特困人员本人）。
WITH tekun AS (
    SELECT t.*, g.hh
    FROM rule_tekun t
    LEFT JOIN (SELECT DISTINCT person_key, hh FROM rule_gs WHERE person_key IS NOT NULL) g ON g.person_key = t.person_key
    WHERE trim(t.support_mode) = '分散供养'
      AND t.approved_on >= $new_assistance_since::DATE
      AND t.approved_on <= $as_of::DATE
),
-- One household per gs household, else per person (linked), else per roster row.
households AS (
    SELECT coalesce('gs:' || hh, person_key, 'tekun:' || coalesce(id_number, id_raw, name)) AS household,
           any_value(hh) AS hh,
           min(approved_on) AS approved_on,
           arg_min(person_key, (approved_on, file_id, row_no)) AS person_key,
           arg_min(name, (approved_on, file_id, row_no)) AS name,
           arg_min(coalesce(id_number, id_raw), (approved_on, file_id, row_no)) AS id_number,
           arg_min(county, (approved_on, file_id, row_no)) AS county,
           arg_min(town, (approved_on, file_id, row_no)) AS town,
           arg_min(village, (approved_on, file_id, row_no)) AS village,
           string_agg(DISTINCT name, '、' ORDER BY name) AS names
    FROM tekun
    GROUP BY ALL
),
member_keys AS (
    SELECT h.household, t.person_key
    FROM households h JOIN tekun t ON coalesce('gs:' || t.hh, t.person_key, 'tekun:' || coalesce(t.id_number, t.id_raw, t.name)) = h.household
    WHERE t.person_key IS NOT NULL
    UNION
    SELECT h.household, g.person_key
    FROM households h JOIN rule_gs g ON g.hh = h.hh
    WHERE g.person_key IS NOT NULL
),
last_review AS (
    -- A review dated to the month only may be late in it: it counts as its month's last day.
    SELECT m.household, max(rule_last_day(r.reviewed_on, r.reviewed_on_precision)) AS reviewed_on,
           arg_max(r.reviewed_on_precision, rule_last_day(r.reviewed_on, r.reviewed_on_precision)) AS prec
    FROM member_keys m JOIN rule_review r ON r.person_key = m.person_key
    GROUP BY m.household
)
SELECT h.household AS subject,
       -- The gs household's 户主, else the newly approved person (rules.md: else the member that triggered it).
       CASE WHEN gh.heads > 0 THEN gh.head_key ELSE h.person_key END AS person_key,
       CASE WHEN gh.heads > 0 THEN gh.head_name ELSE h.name END AS name,
       CASE WHEN gh.heads > 0 THEN gh.head_id ELSE h.id_number END AS id_number,
       coalesce(gh.county, h.county) AS county,
       coalesce(gh.town, h.town) AS town,
       coalesce(gh.village, h.village) AS village,
       gh.household_no,
       '民政特困名册：' || strftime(h.approved_on, '%Y-%m-%d') || '认定分散供养特困人员（' || h.names || '）；'
         || CASE WHEN lr.reviewed_on IS NULL THEN '研判台账：无该户研判记录'
                 ELSE '研判台账：最近一次研判' || rule_date_text(lr.reviewed_on, lr.prec) || '，早于认定日前'
                      || $review_lead_days || '天' END
         || CASE WHEN gh.hh IS NULL THEN '；全国系统：无该户' ELSE '；全国系统：户编号' || gh.household_no || '，未纳入监测' END
       AS detail
FROM households h
LEFT JOIN rule_gs_households gh ON gh.hh = h.hh
LEFT JOIN last_review lr ON lr.household = h.household
WHERE NOT coalesce(gh.monitored, false)
  AND (lr.reviewed_on IS NULL OR lr.reviewed_on < h.approved_on - $review_lead_days::INTEGER)
