-- code: ID-02
-- title: 证件号码疑似录入错误
-- severity: medium
-- level: row
-- needs: gs
-- uses: dibao, tekun, medical, education, review
-- action: 按全国系统（或本人证件）核对后，在该来源系统中更正证件号码
-- basis: GB 11643-1999 公民身份号码；集中排查工作方案 信息准确完整
-- description: 一行数据通过纠正后的证件号码对应到已知人员（一位数字错误、相邻两位颠倒、15位旧号码、Excel截断为科学计数法或后三位变为000），
-- description: 且姓名一致。说明给出原值和应为的值。
SELECT l.kind || ':' || coalesce(regexp_extract(f.path, '[^/\\]+$'), l.file_id::VARCHAR) || ':' || coalesce(f.sheet, '') || ':' || l.row_no AS subject,
       p.person_key,
       p.name,
       p.id_number,
       p.county, p.town, p.village, p.household_no,
       CASE l.kind WHEN 'gs' THEN '全国系统' WHEN 'dibao' THEN '低保名册' WHEN 'tekun' THEN '特困名册'
                   WHEN 'medical' THEN '医保数据' WHEN 'education' THEN '学籍数据' ELSE '研判台账' END
         || '（' || coalesce(regexp_extract(f.path, '[^/\\]+$'), '文件' || l.file_id) || coalesce('，' || nullif(f.sheet, regexp_extract(f.path, '[^/\\]+$')), '') || '，第' || l.row_no || '行）'
         || '：证件号码为' || l.id_found || '，应为' || p.id_number || '（' || l.explanation || '）'
       AS detail
FROM links l
JOIN persons p ON p.person_key = l.person_key
LEFT JOIN files f ON f.file_id = l.file_id
WHERE l.method IN ('id15', 'check_digit', 'one_digit', 'swapped', 'excel_000', 'excel_e17')
