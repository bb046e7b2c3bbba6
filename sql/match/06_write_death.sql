-- The strict link of the death lists (sources/kind_death.go): a death is taken only from a row whose valid ID
-- is the person's own exactly. A row of a death list that the cascade linked any weaker way (an ID corrected
-- from damage, or a name without a usable ID) is not linked: it goes to match_review with the person it would
-- have named, and raises nothing, for a wrong death finding hurts a living person. (Of the exact-ID rows, the
-- rule inputs use only those whose name agrees: rule_deaths.)

INSERT INTO match_review
SELECT l.kind, l.file_id, l.row_no,
       '死亡名单' || CASE WHEN l.method = 'name' THEN '仅凭姓名' ELSE '按纠正后的证件号码' END || '可能是此人（'
         || l.explanation || '）；死亡信息只按证件号码完全一致且姓名一致的记录认定，请核对后由来源单位更正',
       [l.person_key]
FROM links l
WHERE l.kind = 'death' AND l.method <> 'exact_id';

DELETE FROM links WHERE kind = 'death' AND method <> 'exact_id';
