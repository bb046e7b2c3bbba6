-- code: ID-02
-- title: 证件号码疑似录入错误
-- category: 部门比对
-- severity: medium
-- level: row
-- needs: gs
-- uses: dibao, tekun, medical, education, review
-- action: 按全国系统（或本人证件）核对后，在该来源系统中更正证件号码
-- basis: GB 11643-1999 公民身份号码；集中排查工作方案 信息准确完整
-- description: 一行数据通过纠正后的证件号码对应到已知人员（一位数字错误、相邻两位颠倒、15位旧号码、Excel截断为科学计数法或后三位变为000），
-- description: 且姓名一致。说明给出原值和应为的值；同一来源中同一人的同一错误号码的各行合为一条，列出各行。
-- One finding per source kind, person and damaged value, however many rows of that kind carry it (a 医保 row
-- per year): one correction in that department's system fixes them all. The subject names no file, so a
-- renamed or re-exported file keeps the finding's id.
WITH hits AS (
    SELECT l.kind, l.person_key, l.id_found,
           arg_min(l.explanation, (l.file_id, l.row_no)) AS explanation,
           string_agg(coalesce(regexp_extract(f.path, '[^/\\]+$'), '文件' || l.file_id)
                        || coalesce('，' || nullif(f.sheet, regexp_extract(f.path, '[^/\\]+$')), '') || '，第' || l.row_no || '行',
                      '；' ORDER BY l.file_id, l.row_no) AS rows
    FROM links l
    LEFT JOIN files f ON f.file_id = l.file_id
    WHERE l.method IN ('id15', 'check_digit', 'one_digit', 'swapped', 'excel_000', 'excel_e17')
    GROUP BY l.kind, l.person_key, l.id_found
)
SELECT h.kind || ':' || p.id_number || ':' || coalesce(h.id_found, '') AS subject,
       p.person_key,
       p.name,
       p.id_number,
       p.county, p.town, p.village, p.household_no,
       src_label(h.kind)
         || '（' || h.rows || '）'
         || '：证件号码为' || h.id_found || '，应为' || p.id_number || '（' || h.explanation || '）'
       AS detail
FROM hits h
JOIN persons p ON p.person_key = h.person_key
