-- Rows without a usable ID: candidates by name, birth date, village and 低保 household.

-- Rows without a usable ID (and no correction): candidates by name, weighed by birth date and village.
CREATE OR REPLACE TEMP TABLE m_byname AS
WITH todo AS (
    SELECT r.* FROM m_rows r
    WHERE NOT r.valid AND r.nname IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM m_corrected c WHERE c.kind = r.kind AND c.file_id = r.file_id AND c.row_no = r.row_no AND c.n_agree > 0)
), households AS (
    -- The 全国系统 households of each 低保 household's members that have a valid ID.
    SELECT DISTINCT r.hkey, k.gshh
    FROM m_rows r JOIN m_known k ON k.id = r.id_number
    WHERE r.valid AND r.hkey IS NOT NULL AND k.gshh IS NOT NULL
      AND r.hkey IN (SELECT hkey FROM m_rows WHERE NOT valid AND hkey IS NOT NULL)
), known AS (
    SELECT k.person_key, k.nname, k.ksound, k.village, k.birth, k.first_kind, k.gshh, k.ksound AS sound, length(k.nname) AS len, substr(k.nname, 1, 1) AS surname,
           count(*) OVER (PARTITION BY k.nname) AS freq
    FROM m_known k WHERE k.nname IS NOT NULL
), pairs AS (
    SELECT t.kind, t.file_id, t.row_no, t.nname AS rname, t.nsound AS rsound, t.village AS rvillage, t.birth AS rbirth, t.id_raw IS NOT NULL AS has_id,
           t.hkey AS rhkey, k.person_key, k.nname AS kname, k.ksound, k.village, k.birth, k.first_kind, k.freq, k.gshh
    FROM todo t JOIN known k ON k.sound = t.nsound
    UNION
    SELECT t.kind, t.file_id, t.row_no, t.nname, t.nsound, t.village, t.birth, t.id_raw IS NOT NULL,
           t.hkey, k.person_key, k.nname, k.ksound, k.village, k.birth, k.first_kind, k.freq, k.gshh
    FROM todo t JOIN known k ON k.len = length(t.nname) AND k.surname = substr(t.nname, 1, 1)
    WHERE t.nname LIKE '%?%' AND substr(t.nname, 1, 1) <> '?'
    UNION
    -- The rare character may be the one the 全国系统 could not type: 王?明 there, 王犇明 here.
    SELECT t.kind, t.file_id, t.row_no, t.nname, t.nsound, t.village, t.birth, t.id_raw IS NOT NULL,
           t.hkey, k.person_key, k.nname, k.ksound, k.village, k.birth, k.first_kind, k.freq, k.gshh
    FROM todo t JOIN known k ON k.len = length(t.nname) AND k.surname = substr(t.nname, 1, 1)
    WHERE k.nname LIKE '%?%' AND substr(k.nname, 1, 1) <> '?'
), scored AS (
    SELECT p.*, names_agree_s(rname, kname, rsound, ksound) AS agreement,
           coalesce(rbirth = birth, false) AS birth_same,
           coalesce(rvillage = village, false) AS village_same,
           h.hkey IS NOT NULL AS household_same,
           coalesce(rbirth <> birth, false) OR coalesce(rvillage <> village, false) AS contradicts
    FROM pairs p LEFT JOIN households h ON h.hkey = p.rhkey AND h.gshh = p.gshh
)
SELECT kind, file_id, row_no, person_key, agreement, birth_same, village_same, household_same, freq, kname AS knname, first_kind, village, has_id,
       -- A row that carries an ID the corrections could not place may well be somebody nobody else
       -- knows: its name alone proves nothing, its date digits must agree. A name without any date or
       -- village never links: persons who appear in one department only are common. A 低保 member
       -- whose fellow members are one 全国系统 household is among them, whatever their name's frequency.
       NOT contradicts AND agreement IN ('same', 'rare', 'homophone') AND (
           (birth_same AND (village_same OR freq <= 3))
        OR (village_same AND freq = 1 AND agreement IN ('same', 'rare') AND NOT has_id)
        OR (household_same AND agreement IN ('same', 'rare'))) AS accepted,
       NOT contradicts AND agreement IN ('same', 'rare', 'homophone') AS plausible
FROM scored;
