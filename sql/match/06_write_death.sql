-- The strict link of the death lists (sources/kind_death.go): a death is taken only from a row whose valid ID
-- is the person's own exactly and whose name agrees with the person's (the same, or the same but for a rare
-- character written ? or □). Any other row of a death list that the cascade linked (an ID corrected from
-- damage, a name without a usable ID, the exact ID under another name) is not linked: it goes to match_review
-- with the person it would have named, and raises nothing, for a wrong death finding hurts a living person.

INSERT INTO match_review
SELECT l.kind, l.file_id, l.row_no,
       '死亡名单' || CASE WHEN l.method = 'name' THEN '仅凭姓名可能是此人（' || l.explanation || '）'
                          WHEN l.method = 'exact_id' THEN '的证件号码与此人相同，但姓名' || coalesce('为“' || l.name_norm || '”', '空白')
                          ELSE '按纠正后的证件号码可能是此人（' || l.explanation || '）' END
         || '；死亡信息只按证件号码完全一致且姓名一致的记录认定，请核对后由来源单位更正',
       [l.person_key]
FROM links l
WHERE l.kind = 'death' AND NOT (l.method = 'exact_id' AND coalesce(l.name_agreement IN ('same', 'rare'), false));

DELETE FROM links
WHERE kind = 'death' AND NOT (method = 'exact_id' AND coalesce(name_agreement IN ('same', 'rare'), false));
