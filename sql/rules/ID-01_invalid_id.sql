-- code: ID-01
-- title: 证件号码无效
-- category: 部门比对
-- national_code: 1_01_002, 1_01_003, 1_01_004, 1_12_002, 1_12_003, 1_12_004
-- severity: medium
-- level: row
-- needs: gs
-- uses: dibao, tekun, medical, education, review
-- action: 核对本人身份证件，在对应系统中更正证件号码
-- basis: GB 11643-1999 公民身份号码；集中排查工作方案 信息准确完整
-- description: 任一来源的一行证件号码格式错误、出生日期不存在、校验位错误或被Excel截断（科学计数法），且比对未能据已知人员纠正
-- description: （无候选人，或有多个候选人待人工确认）。说明写明来源、文件、工作表和行号；同一来源中同一号码、同一姓名的各行合为一条。
WITH src AS (
    SELECT 'gs' AS kind, file_id, sheet, row_no, name, id_raw, id_number, county, town, village FROM src_gs
    UNION ALL SELECT 'dibao', file_id, sheet, row_no, name, id_raw, id_number, county, town, village FROM src_dibao
    UNION ALL SELECT 'tekun', file_id, sheet, row_no, name, id_raw, id_number, county, town, village FROM src_tekun
    UNION ALL SELECT 'medical', file_id, sheet, row_no, name, id_raw, id_number, NULL, NULL, NULL FROM src_medical
    UNION ALL SELECT 'education', file_id, sheet, row_no, name, id_raw, id_number, NULL, NULL, NULL FROM src_education
    UNION ALL SELECT 'review', file_id, sheet, row_no, head_name, id_raw, id_number, NULL, town, village FROM src_review
),
-- The rows that matching could not link, first: checking every row's ID again costs more than the join.
unlinked AS MATERIALIZED (
    SELECT s.* FROM src s
    WHERE s.id_raw IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM links l WHERE l.kind = s.kind AND l.file_id = s.file_id AND l.row_no = s.row_no)
),
bad AS (
    SELECT s.*,
           CASE WHEN s.id_number IS NULL AND regexp_full_match(s.id_raw, '[0-9]{15}000') THEN '后三位被Excel改为000'
                WHEN s.id_number IS NULL THEN '被Excel改为科学计数法，后几位已丢失'
                -- A real 15-digit ID (issued before 1999) is not malformed: it stayed unlinked because the
                -- person its 18-digit form belongs to has another name.
                WHEN regexp_full_match(s.id_number, '[0-9]{15}') AND try_strptime('19' || substr(s.id_number, 7, 6), '%Y%m%d') IS NOT NULL
                    THEN '为15位旧号码，升为18位后登记的姓名与本行不一致'
                WHEN length(s.id_number) <> 18 THEN '位数不对（' || length(s.id_number) || '位）'
                WHEN NOT regexp_full_match(s.id_number, '[0-9]{17}[0-9X]') THEN '含非法字符'
                WHEN try_strptime(substr(s.id_number, 7, 8), '%Y%m%d') IS NULL THEN '出生日期不存在'
                ELSE '校验位错误' END AS why
    FROM unlinked s
    WHERE NOT coalesce(id_valid(s.id_number), false)
)
-- One finding per source kind, ID as found and name, however many rows carry them (a 医保 row per year); the
-- subject names no file, so a renamed or re-exported file keeps the finding's id.
SELECT b.kind || ':' || b.id_raw || ':' || coalesce(b.name, '') AS subject,
       NULL AS person_key,
       b.name,
       b.id_raw AS id_number,
       arg_min(b.county, (b.file_id, b.row_no)) AS county,
       arg_min(b.town, (b.file_id, b.row_no)) AS town,
       arg_min(b.village, (b.file_id, b.row_no)) AS village,
       NULL AS household_no,
       CASE b.kind WHEN 'gs' THEN '全国系统' WHEN 'dibao' THEN '低保名册' WHEN 'tekun' THEN '特困名册'
                   WHEN 'medical' THEN '医保数据' WHEN 'education' THEN '学籍数据' ELSE '研判台账' END
         || '（' || string_agg(coalesce(regexp_extract(f.path, '[^/\\]+$'), '文件' || b.file_id)
                                 || coalesce('，' || nullif(b.sheet, regexp_extract(f.path, '[^/\\]+$')), '') || '，第' || b.row_no || '行',
                               '；' ORDER BY b.file_id, b.row_no) || '）'
         || '：证件号码' || arg_min(b.why, (b.file_id, b.row_no))
         || coalesce('；' || arg_min(r.reason, (b.file_id, b.row_no)) || '，待人工确认', '；未能对应到已知人员')
       AS detail
FROM bad b
LEFT JOIN files f ON f.file_id = b.file_id
LEFT JOIN match_review r ON r.kind = b.kind AND r.file_id = b.file_id AND r.row_no = b.row_no
GROUP BY b.kind, b.id_raw, b.name
