-- Known persons: every valid ID, and the 18-digit form of a 15-digit ID that no source has.

-- Known persons: every valid ID, with its name and village from the strongest source.
CREATE OR REPLACE TEMP TABLE m_known AS
SELECT id_number AS id, person_key_of(id_number) AS person_key,
       arg_min(nname, priority) FILTER (WHERE nname IS NOT NULL) AS nname,
       arg_min(nsound, priority) FILTER (WHERE nname IS NOT NULL) AS ksound,
       arg_min(village, priority) FILTER (WHERE village IS NOT NULL) AS village,
       strptime(substr(id_number, 7, 8), '%Y%m%d')::DATE AS birth,
       arg_min(kind, priority) AS first_kind, bool_or(kind = 'gs') AS in_gs, false AS only15,
       -- What confirms a corrected ID: the person's name, else (a person only the 研判台账 names) the
       -- head's name given with it, which agrees when the ID is the head's.
       coalesce(arg_min(nname, priority) FILTER (WHERE nname IS NOT NULL), arg_min(ename, priority) FILTER (WHERE ename IS NOT NULL)) AS cname,
       coalesce(arg_min(nsound, priority) FILTER (WHERE nname IS NOT NULL), arg_min(esound, priority) FILTER (WHERE ename IS NOT NULL)) AS csound,
       arg_min(household_no, priority) FILTER (WHERE kind = 'gs' AND household_no IS NOT NULL) AS gshh,
       -- The person's columns, as persons takes them from the rows of the ID when exact-ID links alone lead
       -- to it (06_write.sql): most persons, whose rows need not be joined and aggregated again.
       arg_min(name, priority) FILTER (WHERE nullif(trim(name), '') IS NOT NULL) AS name,
       arg_min(county, priority) FILTER (WHERE county IS NOT NULL) AS county,
       arg_min(town, priority) FILTER (WHERE town IS NOT NULL) AS town,
       arg_min(household_no, priority) FILTER (WHERE household_no IS NOT NULL) AS household_no,
       bool_or(kind = 'dibao') AS in_dibao, bool_or(kind = 'tekun') AS in_tekun, bool_or(kind = 'medical') AS in_medical,
       bool_or(kind = 'education') AS in_education, bool_or(kind = 'review') AS in_review
FROM m_rows WHERE valid GROUP BY id_number;

-- A 15-digit ID (issued before 1999) whose 18-digit form no source has is still somebody's ID: its
-- 18-digit form becomes a known person, and the rows carrying it link by the id15 correction.
INSERT INTO m_known
SELECT id, person_key_of(id), arg_min(nname, priority) FILTER (WHERE nname IS NOT NULL),
       arg_min(nsound, priority) FILTER (WHERE nname IS NOT NULL),
       arg_min(village, priority) FILTER (WHERE village IS NOT NULL),
       strptime(substr(id, 7, 8), '%Y%m%d')::DATE, arg_min(kind, priority), bool_or(kind = 'gs'), true,
       coalesce(arg_min(nname, priority) FILTER (WHERE nname IS NOT NULL), arg_min(ename, priority) FILTER (WHERE ename IS NOT NULL)),
       coalesce(arg_min(nsound, priority) FILTER (WHERE nname IS NOT NULL), arg_min(esound, priority) FILTER (WHERE ename IS NOT NULL)),
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM (SELECT *, s17 || substr('10X98765432', (list_sum(list_transform(range(17),
                    i -> substr(s17, i + 1, 1)::INTEGER * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i + 1])) % 11)::BIGINT + 1, 1) AS id
      FROM (SELECT *, substr(id_number, 1, 6) || '19' || substr(id_number, 7, 9) AS s17 FROM m_rows
            WHERE regexp_full_match(id_number, '[0-9]{15}')
              AND try_strptime('19' || substr(id_number, 7, 6), '%Y%m%d') IS NOT NULL))
WHERE id NOT IN (SELECT id FROM m_known)
GROUP BY id;
