-- code: ID-03
-- title: 同一证件号码姓名不一致
-- category: 部门比对
-- severity: medium
-- level: person
-- needs: gs
-- uses: dibao, tekun, medical, education, review
-- action: 核对本人身份证件上的姓名，更正登记有误的系统
-- basis: 集中排查工作方案 信息准确完整
-- description: 证件号码相同的各来源数据，姓名在规范化（去空格、全半角、间隔号、繁简）后仍不一致；
-- description: 以?、？、□或拼音代替的生僻字与任何字一致，同音字视为不一致。研判台账的户主姓名在该证件号码是户主本人的（全国系统中为户主）时参与比较。
WITH names AS (
    SELECT l.person_key, l.kind, l.name_norm, l.name_agreement
    FROM links l
    WHERE l.method = 'exact_id' AND l.name_norm IS NOT NULL
      -- A 研判台账 or 住建 row names the head of household beside any member's ID: its name counts only when
      -- the ID is the head's (the person is 户主 in 全国系统).
      AND (l.kind NOT IN ('review', 'housing')
           OR l.person_key IN (SELECT h.person_key FROM src_gs g
                               JOIN links h ON h.kind = 'gs' AND h.file_id = g.file_id AND h.row_no = g.row_no
                               WHERE trim(g.relation) = '户主'))
),
-- The persons with a disagreeing name, found before the names of all the others are aggregated.
flagged AS (
    SELECT DISTINCT person_key FROM names WHERE name_agreement IN ('homophone', 'differ')
)
SELECT p.id_number AS subject, p.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no,
       '同一证件号码登记的姓名：' || string_agg(DISTINCT
           src_label(n.kind)
           || '「' || n.name_norm || '」', '，' ORDER BY
           src_label(n.kind)
           || '「' || n.name_norm || '」') AS detail
FROM names n
JOIN flagged USING (person_key)
JOIN persons p ON p.person_key = n.person_key
GROUP BY p.person_key, p.name, p.id_number, p.county, p.town, p.village, p.household_no
