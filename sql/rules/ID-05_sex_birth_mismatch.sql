-- code: ID-05
-- title: 性别或出生日期与证件号码不符
-- category: 数据质量
-- severity: low
-- level: person
-- needs: gs
-- action: 按身份证件更正全国系统中的性别或出生日期
-- basis: GB 11643-1999 公民身份号码；集中排查工作方案 信息准确完整
-- description: 全国系统的性别与证件号码第17位（奇数男、偶数女）不符，或出生日期与证件号码第7至14位不符（只有年月的日期比较年月）。
-- The ID is the linked person's: a gs row whose ID was corrected (an Excel 000, a typo) is checked against
-- the ID it should have, not against its damaged digits.
WITH g AS (
    SELECT g.* EXCLUDE (id_number), p.id_number, p.person_key, strptime(substr(p.id_number, 7, 8), '%Y%m%d')::DATE AS id_birth,
           CASE WHEN substr(p.id_number, 17, 1)::INTEGER % 2 = 1 THEN '男' ELSE '女' END AS id_sex
    FROM src_gs g
    JOIN links l ON l.kind = 'gs' AND l.file_id = g.file_id AND l.row_no = g.row_no
    JOIN persons p ON p.person_key = l.person_key
    WHERE p.id_number IS NOT NULL  -- a person's ID is valid by construction (matching keys persons on valid IDs)
),
bad AS (
    SELECT *,
           nullif(trim(sex), '') IS NOT NULL AND trim(sex) <> id_sex AS sex_wrong,
           birth_date IS NOT NULL AND CASE WHEN birth_date_precision = 'month'
               THEN date_trunc('month', birth_date) <> date_trunc('month', id_birth)
               ELSE birth_date <> id_birth END AS birth_wrong
    FROM g
)
SELECT id_number AS subject, person_key, name, id_number,
       county, town, village, household_no,
       concat_ws('；',
           CASE WHEN sex_wrong THEN '性别登记为' || trim(sex) || '，证件号码为' || id_sex END,
           CASE WHEN birth_wrong THEN '出生日期登记为' || CASE WHEN birth_date_precision = 'month' THEN strftime(birth_date, '%Y-%m') ELSE strftime(birth_date, '%Y-%m-%d') END
                || '，证件号码为' || strftime(id_birth, '%Y-%m-%d') END) AS detail
FROM bad
WHERE sex_wrong OR birth_wrong
