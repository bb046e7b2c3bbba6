-- code: DB-01
-- title: 新增农村低保户未进行逐户研判
-- category: 研判程序
-- severity: high
-- level: household
-- needs: dibao, review
-- uses: gs
-- columns: gs.monitor_type
-- action: 逐户研判；符合条件的按程序识别为监测对象，不符合的留存研判记录
-- basis: 集中排查工作方案 一(一)3；鲁乡振发〔2022〕11号
-- description: 低保户有成员于 new_assistance_since 当日或以后（且不晚于 as_of）批准为农村低保，其在全国系统中的户（如有）未纳入监测，
-- description: 且该户任何成员（低保家庭成员及其全国系统户成员）都没有日期不早于批准日前 review_lead_days 天的研判记录。一户一条。
WITH dibao AS (
    SELECT d.*, l.person_key
    FROM src_dibao d
    LEFT JOIN links l ON l.kind = 'dibao' AND l.file_id = d.file_id AND l.row_no = d.row_no
),
-- The households newly approved for rural dibao, with the date of their first new approval.
new_households AS (
    SELECT household_key, min(approved_on) AS approved_on, arg_min(approved_on_precision, approved_on) AS prec
    FROM dibao
    WHERE approved_on >= $new_assistance_since::DATE
      AND approved_on <= $as_of::DATE
      AND coalesce(nullif(trim(area_type), ''), '农村') = '农村'
    GROUP BY household_key
),
gs AS (
    SELECT g.*, l.person_key
    FROM src_gs g
    JOIN links l ON l.kind = 'gs' AND l.file_id = g.file_id AND l.row_no = g.row_no
),
gs_households AS (
    SELECT household_no,
           bool_or(nullif(trim(monitor_type), '') IS NOT NULL) AS monitored,
           arg_min(county, row_no) AS county, arg_min(town, row_no) AS town, arg_min(village, row_no) AS village
    FROM src_gs
    WHERE household_no IS NOT NULL
    GROUP BY household_no
),
dibao_gs AS (
    SELECT DISTINCT d.household_key, g.household_no
    FROM dibao d JOIN gs g ON g.person_key = d.person_key
),
members AS (
    SELECT household_key, person_key FROM dibao WHERE person_key IS NOT NULL
    UNION
    SELECT dg.household_key, g.person_key FROM dibao_gs dg JOIN gs g ON g.household_no = dg.household_no
),
last_review AS (
    -- A review dated to the month only (2023-02) may be late in it: it counts as its month's last day.
    SELECT m.household_key, max(rule_last_day(r.reviewed_on, r.reviewed_on_precision)) AS reviewed_on,
           arg_max(r.reviewed_on_precision, rule_last_day(r.reviewed_on, r.reviewed_on_precision)) AS prec
    FROM members m
    JOIN links l ON l.kind = 'review' AND l.person_key = m.person_key
    JOIN src_review r ON r.file_id = l.file_id AND r.row_no = l.row_no
    GROUP BY m.household_key
),
-- The person a household finding is reported against: the 户主 row, else the first newly approved member (the one
-- that triggered it), else the first row.
heads AS (
    SELECT household_key,
           arg_min(person_key, (CASE WHEN relation IN ('户主', '本人') OR id_number = head_id THEN 0 ELSE 1 END, NOT new, row_no)) AS person_key,
           arg_min(coalesce(name, head_name), (CASE WHEN relation IN ('户主', '本人') OR id_number = head_id THEN 0 ELSE 1 END, NOT new, row_no)) AS name,
           arg_min(coalesce(id_number, id_raw), (CASE WHEN relation IN ('户主', '本人') OR id_number = head_id THEN 0 ELSE 1 END, NOT new, row_no)) AS id_number,
           arg_min(county, row_no) AS county, arg_min(town, row_no) AS town, arg_min(village, row_no) AS village,
           count(*) AS members
    FROM (SELECT *, coalesce(approved_on >= $new_assistance_since::DATE AND approved_on <= $as_of::DATE
                             AND coalesce(nullif(trim(area_type), ''), '农村') = '农村', false) AS new
          FROM dibao)
    GROUP BY household_key
),
gs_of AS (
    SELECT dg.household_key, min(dg.household_no) AS household_no, bool_or(h.monitored) AS monitored
    FROM dibao_gs dg JOIN gs_households h ON h.household_no = dg.household_no
    GROUP BY dg.household_key
)
SELECT n.household_key AS subject,
       hd.person_key,
       hd.name,
       hd.id_number,
       coalesce(gh.county, hd.county) AS county,
       coalesce(gh.town, hd.town) AS town,
       coalesce(gh.village, hd.village) AS village,
       go.household_no,
       '民政名册：' || rule_date_text(n.approved_on, n.prec) || '批准农村低保（' || hd.members || '人）；'
         || CASE WHEN lr.reviewed_on IS NULL THEN '研判台账：无该户研判记录'
                 ELSE '研判台账：最近一次研判' || rule_date_text(lr.reviewed_on, lr.prec) || '，早于批准日前'
                      || $review_lead_days || '天' END
         || CASE WHEN go.household_no IS NULL THEN '；全国系统：无该户' ELSE '；全国系统：户编号' || go.household_no || '，未纳入监测' END
       AS detail
FROM new_households n
JOIN heads hd ON hd.household_key = n.household_key
LEFT JOIN gs_of go ON go.household_key = n.household_key
LEFT JOIN gs_households gh ON gh.household_no = go.household_no
LEFT JOIN last_review lr ON lr.household_key = n.household_key
WHERE coalesce(go.monitored, false) = false
  AND (lr.reviewed_on IS NULL OR lr.reviewed_on < n.approved_on - $review_lead_days::INTEGER)
