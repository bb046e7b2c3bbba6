-- code: YL-02
-- title: 困难群体参保未享受政府代缴
-- category: 部门比对
-- severity: medium
-- level: person
-- needs: pension
-- uses: dibao, tekun, gs, education
-- columns: pension.subsidy_category
-- action: 通知人社部门按困难群体身份落实政府代缴，退还或抵扣个人已缴部分
-- basis: 困难群体城乡居民养老保险代缴政策（低保对象、特困人员由政府代缴部分或全部最低档次保费）；困难群体名单与居保系统比对
-- description: 与 YL-01 相同的人群（核查年度 Y 内属于 pension_subsidy_groups 所列群体、Y-12-31 时年龄在 pension_age 之内、非在校生、
-- description: 非职工养老保险、人社数据覆盖），人社数据中 Y 年度为城乡居民养老保险参保缴费，而 Y 年度的每条记录代缴类别都为无或空白
-- description: （人社数据须有代缴类别列，否则本规则跳过）。报给本人。
SELECT person_key AS subject, person_key, name, id_number, county, town, village, household_no,
       grp || '对象，' || $pension_check_year::INTEGER || '年末' || age || '岁；人社城乡居民养老保险：'
         || $pension_check_year::INTEGER || '年度参保缴费，代缴类别为无（个人缴费）' AS detail
FROM rule_pension_check($pension_check_year::INTEGER, $pension_subsidy_groups::VARCHAR, $pension_age_min::INTEGER,
                        $pension_age_max::INTEGER)
WHERE paying AND NOT subsidised
