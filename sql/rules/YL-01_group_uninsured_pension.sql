-- code: YL-01
-- title: 低保特困人员未参加城乡居民养老保险
-- category: 部门比对
-- severity: medium
-- level: person
-- needs: pension
-- uses: dibao, tekun, gs, education
-- action: 动员参加城乡居民基本养老保险，落实政府代缴；已参加职工养老保险或在校的补录证明
-- basis: 困难群体城乡居民养老保险代缴政策（低保对象、特困人员，当年内曾具有该身份即当年代缴）；困难群体名单与居保系统逐月比对；参保条件（年满16周岁、非在校学生、未参加职工养老保险）
-- description: 核查年度 Y = pension_check_year（默认 as_of 上一年）内属于 pension_subsidy_groups 所列群体（低保、特困：名册记录批准日期不晚于
-- description: Y-12-31 且在保或停保日期不早于 Y-01-01；未提供该名册的按全国系统低保、特困字段为享受），Y-12-31 时年龄在 pension_age 之内，
-- description: 不是在校生（有学籍数据按学籍，否则按全国系统在校生状况），全国系统未标注参加城镇职工基本养老保险、人社数据中也无职工险种记录，
-- description: 人社数据覆盖此人所在县，而 Y 年度既无城乡居民养老保险参保缴费或待遇领取记录，也无代缴记录（无年度的记录视为当年）。报给本人。
SELECT person_key AS subject, person_key, name, id_number, county, town, village, household_no,
       grp || '对象，' || $pension_check_year::INTEGER || '年末' || age || '岁，非在校生；人社城乡居民养老保险：'
         || $pension_check_year::INTEGER || '年度无参保缴费或代缴记录' AS detail
FROM rule_pension_check($pension_check_year::INTEGER, $pension_subsidy_groups::VARCHAR, $pension_age_min::INTEGER,
                        $pension_age_max::INTEGER)
WHERE NOT insured
