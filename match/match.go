// Package match links every source row to a person, strongest evidence first: the exact valid resident ID;
// an ID corrected from a known kind of damage (15-digit form, one wrong digit, two swapped digits, Excel's
// rounding) with an agreeing name; and, for rows without a usable ID, name plus birth date plus village,
// weighed by how common the name is. A row with more than one candidate, or whose only evidence is an
// agreeing name, goes to match_review with its candidates and is not linked. Persons are keyed by their
// valid ID (person_key_of), so the same person keeps the same key across runs; a 15-digit ID that no source
// has in its 18-digit form is upgraded to it. The work is done in DuckDB as set operations (hash joins on
// derived keys); Go only supplies the character tables of name normalisation.
package match

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/bidui/bidui"
)

// Method names as stored in links.method, strongest first.
const (
	MethodExactID    = "exact_id"    // the row's valid ID is the person's
	MethodExcel000   = "excel_000"   // a valid-looking ID ending 000: Excel kept 15 digits
	MethodID15       = "id15"        // the 15-digit form of the person's ID
	MethodCheckDigit = "check_digit" // only the check character differs
	MethodOneDigit   = "one_digit"   // one of the first 17 digits differs
	MethodSwapped    = "swapped"     // two adjacent digits swapped
	MethodExcelE17   = "excel_e17"   // Excel turned the ID into 3.70323198001011E+17
	MethodName       = "name"        // no usable ID: name, birth date and village
)

// Methods lists the methods in cascade order.
var Methods = []string{MethodExactID, MethodExcel000, MethodID15, MethodCheckDigit, MethodOneDigit, MethodSwapped, MethodExcelE17, MethodName}

// Stats counts what linking did, for the run summary.
type Stats struct {
	Persons  int64
	ByMethod map[string]int64     // links per method
	Unlinked map[bidui.Kind]int64 // source rows with no link, per kind (ambiguous ones included)
	Review   map[bidui.Kind]int64 // rows sent to match_review (several candidates, or a name alone), per kind
	Merged   int64                // valid IDs folded into another person (person_merges)
}

// personKinds are the kinds whose rows describe a person; verification rows name findings, not persons.
var personKinds = []bidui.Kind{bidui.KindGS, bidui.KindDibao, bidui.KindTekun, bidui.KindMedical, bidui.KindEducation, bidui.KindReview}

// location says which location columns each kind's table has (county, town, village, household_no).
var location = map[bidui.Kind]string{
	bidui.KindGS:        "county, town, village, household_no",
	bidui.KindDibao:     "county, town, village, NULL",
	bidui.KindTekun:     "county, town, village, NULL",
	bidui.KindMedical:   "NULL, NULL, NULL, NULL",
	bidui.KindEducation: "NULL, NULL, NULL, NULL",
	bidui.KindReview:    "NULL, town, village, NULL",
}

// nameColumn is each kind's person name. A review row's ID may be any member's while its name is the
// head's, so it names nobody for certain; evidenceName is what may confirm a corrected ID (for review, the
// head's name: it confirms only when the ID is the head's).
var (
	nameColumn = map[bidui.Kind]string{
		bidui.KindGS: "name", bidui.KindDibao: "name", bidui.KindTekun: "name",
		bidui.KindMedical: "name", bidui.KindEducation: "name", bidui.KindReview: "NULL",
	}
	evidenceName = map[bidui.Kind]string{
		bidui.KindGS: "name", bidui.KindDibao: "name", bidui.KindTekun: "name",
		bidui.KindMedical: "name", bidui.KindEducation: "name", bidui.KindReview: "head_name",
	}
	birthColumn = map[bidui.Kind]string{bidui.KindGS: "birth_date"}
	// householdColumn is the 低保 household a roster row belongs to (its head's ID, see src_dibao): a row
	// without an ID may be placed among the 全国系统 household of its linked fellow members.
	householdColumn = map[bidui.Kind]string{bidui.KindDibao: "household_key"}
)

// Link fills persons, links, match_review and person_merges from the staging tables, replacing what they
// held, and creates the name macros (name_norm, name_sound, names_agree). It returns counts for the run
// summary, or the first database error (nothing is changed then).
func Link(ctx context.Context, db *sql.DB) (*Stats, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	chars, norms, sounds := charTable()
	for i, s := range linkStatements() {
		var args []any
		if strings.HasPrefix(s, "INSERT INTO m_chars") {
			args = []any{chars, norms, sounds}
		}
		if _, err := tx.ExecContext(ctx, s, args...); err != nil {
			return nil, fmt.Errorf("link persons (step %d): %w", i+1, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return stats(ctx, db)
}

// agreeing is the SQL condition that a name agreement level confirms an identity.
const agreeing = `IN ('same', 'rare', 'homophone')`

func linkStatements() []string {
	var rows []string
	for i, k := range personKinds {
		birth := birthColumn[k]
		if birth == "" {
			birth = "NULL::DATE"
		}
		hkey := householdColumn[k]
		if hkey == "" {
			hkey = "NULL"
		}
		rows = append(rows, fmt.Sprintf(
			`SELECT '%s', %d, file_id, row_no, id_raw, id_number, %s, %s, %s, %s, %s FROM %s`,
			k, i, nameColumn[k], evidenceName[k], location[k], birth, hkey, k.Table()))
	}
	union := strings.Join(rows, "\nUNION ALL\n")
	// Every statement below reads tables only; the character tables are compile-time constants (checked by
	// sqlLiteral to hold no quote).
	return append(macroStatements(), []string{
		`DELETE FROM links`, `DELETE FROM persons`, `DELETE FROM match_review`, `DELETE FROM person_merges`,
		// Every person row; its names are normalised once per distinct name below, by splitting them into
		// characters and joining the character table (DuckDB's translate with a table this size is slow).
		`CREATE OR REPLACE TEMP TABLE m_raw AS
		 SELECT kind, priority, file_id, row_no, id_raw, id_number, name, ename, county, town,
		        -- 民政 writes 上埠村委会 or 上埠村民委员会 where 全国系统 writes 上埠村, and 东关居委会 for 东关社区.
		        CASE WHEN village LIKE '%委%' OR village LIKE '%会%'
		             THEN regexp_replace(regexp_replace(trim(village), '村(民委员会|委会|委)$', '村'),
		                                 '(社区居民委员会|社区居委会|居民委员会|居委会)$', '社区')
		             ELSE village END AS village,
		        household_no, hkey,
		        -- The birth date: gs says it; else the ID's date digits, however damaged the rest of the ID is
		        -- (Excel's E+17 and its 000 keep them; a swap or wrong digit there makes no date, or a wrong one).
		        coalesce(birth_date, CASE
		            WHEN regexp_full_match(upper(id_raw), '[1-9]\.[0-9]{10,14}E\+?17')
		                THEN try_strptime(substr(rpad(replace(split_part(upper(id_raw), 'E', 1), '.', ''), 15, '0'), 7, 8), '%Y%m%d')
		            WHEN regexp_full_match(coalesce(id_number, id_raw), '[0-9]{15}')
		                THEN try_strptime('19' || substr(coalesce(id_number, id_raw), 7, 6), '%Y%m%d')
		            WHEN length(coalesce(id_number, id_raw)) = 18
		                THEN try_strptime(substr(coalesce(id_number, id_raw), 7, 8), '%Y%m%d') END::DATE) AS birth,
		        coalesce(id_valid(id_number), false) AS valid
		 FROM (` + union + `) AS r (kind, priority, file_id, row_no, id_raw, id_number, name, ename, county, town, village, household_no, birth_date, hkey)`,
		`CREATE OR REPLACE TEMP TABLE m_chars (ch VARCHAR, norm VARCHAR, sound VARCHAR)`,
		`INSERT INTO m_chars SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]), unnest($3::VARCHAR[])`,
		`CREATE OR REPLACE TEMP TABLE m_names AS
		 WITH raw AS (
		     SELECT DISTINCT n FROM (SELECT name AS n FROM m_raw UNION ALL SELECT ename FROM m_raw) WHERE n IS NOT NULL
		 ), chars AS (
		     SELECT n, unnest(string_split(sq, '')) AS ch, unnest(range(length(sq))) AS pos
		     FROM (SELECT n, regexp_replace(n, '[\s\x{3000}\x{00a0}\x{200b}\x{feff}]+', '', 'g') AS sq FROM raw)
		 ), mapped AS (
		     SELECT c.n, nullif(regexp_replace(string_agg(coalesce(m.norm, c.ch), '' ORDER BY c.pos), '[A-Za-z]+', '?', 'g'), '') AS norm
		     FROM chars c LEFT JOIN m_chars m ON m.ch = c.ch
		     GROUP BY c.n
		 ), sounds AS (
		     SELECT c.norm, string_agg(coalesce(m.sound, c.ch), '' ORDER BY c.pos) AS sound
		     FROM (SELECT norm, unnest(string_split(norm, '')) AS ch, unnest(range(length(norm))) AS pos
		           FROM (SELECT DISTINCT norm FROM mapped WHERE norm IS NOT NULL)) c
		     LEFT JOIN m_chars m ON m.ch = c.ch
		     GROUP BY c.norm
		 )
		 -- The sound key leaves the middle dot out, so that 艾力买买提 meets 艾力·买买提 (names_agree_s finds them
		 -- the same).
		 SELECT raw.n, mapped.norm, replace(sounds.sound, '` + string(nameDot) + `', '') AS sound
		 FROM raw JOIN mapped ON mapped.n = raw.n LEFT JOIN sounds ON sounds.norm = mapped.norm`,
		`CREATE OR REPLACE TEMP TABLE m_rows AS
		 SELECT r.* EXCLUDE (ename), a.norm AS nname, a.sound AS nsound, b.norm AS ename, b.sound AS esound
		 FROM m_raw r LEFT JOIN m_names a ON a.n = r.name LEFT JOIN m_names b ON b.n = r.ename`,
		// Known persons: every valid ID, with its name and village from the strongest source.
		`CREATE OR REPLACE TEMP TABLE m_known AS
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
		        arg_min(household_no, priority) FILTER (WHERE kind = 'gs' AND household_no IS NOT NULL) AS gshh
		 FROM m_rows WHERE valid GROUP BY id_number`,
		// A 15-digit ID (issued before 1999) whose 18-digit form no source has is still somebody's ID: its
		// 18-digit form becomes a known person, and the rows carrying it link by the id15 correction.
		`INSERT INTO m_known
		 SELECT id, person_key_of(id), arg_min(nname, priority) FILTER (WHERE nname IS NOT NULL),
		        arg_min(nsound, priority) FILTER (WHERE nname IS NOT NULL),
		        arg_min(village, priority) FILTER (WHERE village IS NOT NULL),
		        strptime(substr(id, 7, 8), '%Y%m%d')::DATE, arg_min(kind, priority), bool_or(kind = 'gs'), true,
		        coalesce(arg_min(nname, priority) FILTER (WHERE nname IS NOT NULL), arg_min(ename, priority) FILTER (WHERE ename IS NOT NULL)),
		        coalesce(arg_min(nsound, priority) FILTER (WHERE nname IS NOT NULL), arg_min(esound, priority) FILTER (WHERE ename IS NOT NULL)),
		        NULL
		 FROM (SELECT *, s17 || substr('10X98765432', (list_sum(list_transform(range(17),
		                     i -> substr(s17, i + 1, 1)::INTEGER * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i + 1])) % 11)::BIGINT + 1, 1) AS id
		       FROM (SELECT *, substr(id_number, 1, 6) || '19' || substr(id_number, 7, 9) AS s17 FROM m_rows
		             WHERE regexp_full_match(id_number, '[0-9]{15}')
		               AND try_strptime('19' || substr(id_number, 7, 6), '%Y%m%d') IS NOT NULL))
		 WHERE id NOT IN (SELECT id FROM m_known)
		 GROUP BY id`,
		// Rows whose ID needs correcting: not valid, or valid but ending 000 (Excel kept 15 digits and the
		// zeros happened to pass the check digit; only the excel_000 correction applies to those).
		`CREATE OR REPLACE TEMP TABLE m_suspect AS
		 SELECT r.kind, r.file_id, r.row_no, r.id_raw, r.id_number, r.ename, r.esound, r.valid, r.birth
		 FROM m_rows r
		 WHERE NOT r.valid OR r.id_number LIKE '%000'`,
		// Candidates from every correction, each a hash join on a derived key.
		`CREATE OR REPLACE TEMP TABLE m_cand AS
		 WITH masked_rows AS (
		     SELECT s.*, p, substr(id_number, 1, p - 1) || '_' || substr(id_number, p + 1) AS mkey
		     FROM m_suspect s, range(1, 19) t(p)
		     WHERE NOT valid AND regexp_full_match(id_number, '[0-9]{17}[0-9X]')
		 ), masked_known AS (
		     SELECT k.*, p, substr(id, 1, p - 1) || '_' || substr(id, p + 1) AS mkey
		     FROM m_known k, range(1, 19) t(p)
		 ), swapped AS (
		     SELECT s.*, p, substr(id_number, 1, p - 1) || substr(id_number, p + 1, 1) || substr(id_number, p, 1) || substr(id_number, p + 2) AS skey
		     FROM m_suspect s, range(1, 18) t(p)
		     WHERE NOT valid AND length(id_number) = 18 AND substr(id_number, p, 1) <> substr(id_number, p + 1, 1)
		 ), excel AS (
		     SELECT s.*, '` + MethodExcelE17 + `' AS method,
		            rpad(replace(split_part(upper(s.id_raw), 'E', 1), '.', ''), 15, '0') AS key15
		     FROM m_suspect s
		     WHERE s.id_number IS NULL AND regexp_full_match(upper(s.id_raw), '[1-9]\.[0-9]{10,14}E\+?17')
		     UNION ALL
		     -- The importer may have rejected such a cell as Excel-rounded (id_number NULL): id_raw still has it.
		     SELECT s.*, '` + MethodExcel000 + `', substr(coalesce(id_number, id_raw), 1, 15)
		     FROM m_suspect s WHERE regexp_full_match(coalesce(id_number, id_raw), '[0-9]{15}000')
		 ), known15 AS (
		     SELECT k.*, substr(id, 1, 15) AS key15 FROM m_known k
		 )
		 SELECT kind, file_id, row_no, method, person_key, pos, kid, knname, first_kind, ename,
		        names_agree_s(ename, knname, esound, ksound) AS agreement, ambiguity, kbirth
		 FROM (
		     SELECT s.kind, s.file_id, s.row_no, '` + MethodID15 + `' AS method, k.person_key, NULL::INTEGER AS pos,
		            k.id AS kid, k.cname AS knname, k.csound AS ksound, k.first_kind, s.ename, s.esound, 1 AS ambiguity, k.birth AS kbirth
		     FROM m_suspect s JOIN m_known k
		       ON substr(k.id, 1, 17) = substr(s.id_number, 1, 6) || '19' || substr(s.id_number, 7, 9)
		     WHERE regexp_full_match(s.id_number, '[0-9]{15}')
		     UNION ALL
		     SELECT r.kind, r.file_id, r.row_no, CASE WHEN r.p = 18 THEN '` + MethodCheckDigit + `' ELSE '` + MethodOneDigit + `' END,
		            k.person_key, r.p, k.id, k.cname, k.csound, k.first_kind, r.ename, r.esound, 1, k.birth
		     FROM masked_rows r JOIN masked_known k ON k.p = r.p AND k.mkey = r.mkey
		     UNION ALL
		     SELECT w.kind, w.file_id, w.row_no, '` + MethodSwapped + `', k.person_key, w.p, k.id, k.cname, k.csound, k.first_kind, w.ename, w.esound, 1, k.birth
		     FROM swapped w JOIN m_known k ON k.id = w.skey
		     UNION ALL
		     SELECT e.kind, e.file_id, e.row_no, e.method, k.person_key, NULL, k.id, k.cname, k.csound, k.first_kind, e.ename, e.esound,
		            count(*) OVER (PARTITION BY e.kind, e.file_id, e.row_no, e.method), k.birth
		     FROM excel e JOIN known15 k ON k.key15 = e.key15 AND k.id IS DISTINCT FROM e.id_number
		 )`,
		// Whether a candidate's name confirms the correction. The same name does; a rare character typed as ?
		// or pinyin does when the ID leads to that candidate alone; a homophone does only then, and only
		// when no other known person has exactly the row's name and the candidate's birth date (twins 王磊
		// and 王蕾: a 王蕾 row with 王磊's ID one digit off may be either). Those others are the rivals.
		`CREATE OR REPLACE TEMP TABLE m_conf AS
		 SELECT c.*, r.rivals,
		        CASE c.agreement WHEN 'same' THEN true
		                         WHEN 'rare' THEN c.ambiguity = 1
		                         WHEN 'homophone' THEN c.ambiguity = 1 AND r.rivals IS NULL
		                         ELSE false END AS confirms
		 FROM m_cand c
		 LEFT JOIN (SELECT c2.kind, c2.file_id, c2.row_no, c2.person_key, list(DISTINCT k2.person_key) AS rivals
		            FROM m_cand c2 JOIN m_known k2 ON k2.nname = c2.ename AND k2.birth = c2.kbirth AND k2.person_key <> c2.person_key
		            WHERE c2.agreement = 'homophone'
		            GROUP BY ALL) r
		        ON r.kind = c.kind AND r.file_id = c.file_id AND r.row_no = c.row_no AND r.person_key = c.person_key`,
		// A row linked by correction has exactly one person among the candidates whose name confirms it.
		`CREATE OR REPLACE TEMP TABLE m_corrected AS
		 SELECT kind, file_id, row_no,
		        count(DISTINCT person_key) FILTER (WHERE confirms) AS n_agree,
		        arg_min(person_key, (list_position(` + sqlList(Methods) + `, method), pos)) FILTER (WHERE confirms) AS person_key,
		        arg_min(method, (list_position(` + sqlList(Methods) + `, method), pos)) FILTER (WHERE confirms) AS method,
		        arg_min(pos, (list_position(` + sqlList(Methods) + `, method), pos)) FILTER (WHERE confirms) AS pos,
		        arg_min(agreement, (list_position(` + sqlList(Methods) + `, method), pos)) FILTER (WHERE confirms) AS agreement,
		        arg_min(ambiguity, (list_position(` + sqlList(Methods) + `, method), pos)) FILTER (WHERE confirms) AS ambiguity,
		        arg_min(first_kind, (list_position(` + sqlList(Methods) + `, method), pos)) FILTER (WHERE confirms) AS first_kind,
		        arg_min(knname, (list_position(` + sqlList(Methods) + `, method), pos)) FILTER (WHERE confirms) AS knname,
		        list(DISTINCT person_key) FILTER (WHERE confirms) AS candidates,
		        -- Candidates whose name agrees without confirming, with their rivals: a person decides.
		        list_distinct(flatten(list([person_key] || coalesce(rivals, [])) FILTER (WHERE agreement ` + agreeing + `))) AS plausible
		 FROM m_conf GROUP BY kind, file_id, row_no`,
		// Rows without a usable ID (and no correction): candidates by name, weighed by birth date and village.
		`CREATE OR REPLACE TEMP TABLE m_byname AS
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
		     SELECT k.*, k.ksound AS sound, length(k.nname) AS len, substr(k.nname, 1, 1) AS surname,
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
		        NOT contradicts AND agreement ` + agreeing + ` AND (
		            (birth_same AND (village_same OR freq <= 3))
		         OR (village_same AND freq = 1 AND agreement IN ('same', 'rare') AND NOT has_id)
		         OR (household_same AND agreement IN ('same', 'rare'))) AS accepted,
		        NOT contradicts AND agreement ` + agreeing + ` AS plausible
		 FROM scored`,
		`CREATE OR REPLACE TEMP TABLE m_link AS
		 SELECT kind, file_id, row_no, person_key, method, pos, agreement, first_kind, knname, ambiguity, NULL AS village_same, NULL AS birth_same,
		        NULL AS household_same
		 FROM m_corrected WHERE n_agree = 1
		 UNION ALL
		 SELECT r.kind, r.file_id, r.row_no, person_key_of(r.id_number), '` + MethodExactID + `', NULL, NULL, NULL, NULL, 1, NULL, NULL, NULL
		 FROM m_rows r
		 WHERE r.valid AND NOT EXISTS (SELECT 1 FROM m_corrected c WHERE c.kind = r.kind AND c.file_id = r.file_id AND c.row_no = r.row_no AND c.n_agree > 0)
		 UNION ALL
		 SELECT kind, file_id, row_no, any_value(person_key), '` + MethodName + `', NULL, any_value(agreement), any_value(first_kind), any_value(knname),
		        any_value(freq), any_value(village_same), any_value(birth_same), any_value(household_same)
		 FROM m_byname WHERE accepted GROUP BY kind, file_id, row_no HAVING count(DISTINCT person_key) = 1`,
		`INSERT INTO match_review
		 SELECT kind, file_id, row_no, '证件号码纠正后有' || n_agree || '个姓名一致的候选人', list_sort(candidates)
		 FROM m_corrected WHERE n_agree > 1
		 UNION ALL
		 SELECT c.kind, c.file_id, c.row_no, '证件号码纠正后姓名仅同音或以生僻字相符，且不止一人可能', list_sort(c.plausible)
		 FROM m_corrected c
		 JOIN m_rows r ON r.kind = c.kind AND r.file_id = c.file_id AND r.row_no = c.row_no
		 WHERE c.n_agree = 0 AND len(c.plausible) > 1 AND NOT r.valid
		   AND NOT EXISTS (SELECT 1 FROM m_link l WHERE l.kind = c.kind AND l.file_id = c.file_id AND l.row_no = c.row_no)
		 UNION ALL
		 SELECT kind, file_id, row_no,
		        CASE WHEN count(DISTINCT person_key) FILTER (WHERE accepted) > 1 THEN '姓名、出生日期、村一致的候选人有' || count(DISTINCT person_key) FILTER (WHERE accepted) || '个'
		             WHEN count(DISTINCT person_key) FILTER (WHERE village_same OR birth_same) > 1 THEN '同名候选人' || count(DISTINCT person_key) || '个，无法以出生日期或村区分'
		             WHEN count(DISTINCT person_key) FILTER (WHERE village_same OR birth_same) = 1 THEN '同名' || count(DISTINCT person_key) || '人，其中1人'
		                  || CASE WHEN bool_or(birth_same) THEN '出生日期一致' ELSE '同村' END || '，但该姓名较常见，未自动对应'
		             ELSE '仅姓名一致（同名' || count(DISTINCT person_key) || '人），无出生日期或村佐证，未自动对应' END,
		        list_sort(list(DISTINCT person_key))
		 FROM m_byname b
		 WHERE plausible AND NOT EXISTS (SELECT 1 FROM m_link l WHERE l.kind = b.kind AND l.file_id = b.file_id AND l.row_no = b.row_no)
		   AND NOT EXISTS (SELECT 1 FROM m_corrected c WHERE c.kind = b.kind AND c.file_id = b.file_id AND c.row_no = b.row_no
		                   AND c.n_agree = 0 AND len(c.plausible) > 1)
		 GROUP BY kind, file_id, row_no
		 -- A name alone is worth a look only on a row without any ID: a row whose ID nobody has is ID-01's.
		 HAVING count(DISTINCT person_key) FILTER (WHERE accepted) > 1
		     OR count(DISTINCT person_key) FILTER (WHERE village_same OR birth_same) > 1
		     OR NOT bool_or(has_id)`,
		`INSERT INTO persons BY NAME
		 SELECT k.person_key, k.id AS id_number,
		        arg_min(r.name, r.priority) FILTER (WHERE nullif(trim(r.name), '') IS NOT NULL AND (l.method = '` + MethodExactID + `' OR k.only15)) AS name,
		        arg_min(r.nname, r.priority) FILTER (WHERE r.nname IS NOT NULL AND (l.method = '` + MethodExactID + `' OR k.only15)) AS name_norm,
		        CASE WHEN substr(k.id, 17, 1)::INTEGER % 2 = 1 THEN '男' ELSE '女' END AS sex,
		        k.birth AS birth_date,
		        arg_min(r.county, r.priority) FILTER (WHERE r.county IS NOT NULL) AS county,
		        arg_min(r.town, r.priority) FILTER (WHERE r.town IS NOT NULL) AS town,
		        arg_min(r.village, r.priority) FILTER (WHERE r.village IS NOT NULL) AS village,
		        arg_min(r.household_no, r.priority) FILTER (WHERE r.household_no IS NOT NULL) AS household_no,
		        bool_or(r.kind = 'gs') AS in_gs, bool_or(r.kind = 'dibao') AS in_dibao, bool_or(r.kind = 'tekun') AS in_tekun,
		        bool_or(r.kind = 'medical') AS in_medical, bool_or(r.kind = 'education') AS in_education,
		        bool_or(r.kind = 'review') AS in_review
		 FROM m_link l
		 JOIN m_rows r ON r.kind = l.kind AND r.file_id = l.file_id AND r.row_no = l.row_no
		 JOIN m_known k ON k.person_key = l.person_key
		 GROUP BY k.person_key, k.id, k.birth, k.only15`,
		`INSERT INTO links (kind, file_id, row_no, person_key, method, score, explanation, id_found, name_norm, name_agreement)
		 SELECT l.kind, l.file_id, l.row_no, l.person_key, l.method,
		        CASE l.method WHEN 'exact_id' THEN 1.0 WHEN 'id15' THEN 0.99 WHEN 'check_digit' THEN 0.97 WHEN 'one_digit' THEN 0.96
		             WHEN 'swapped' THEN 0.96 WHEN 'excel_000' THEN 0.95 WHEN 'excel_e17' THEN 0.94
		             ELSE 0.7 + 0.1 * coalesce(l.birth_same::INTEGER, 0) + 0.1 * coalesce(l.village_same::INTEGER, 0)
		                  + 0.05 * coalesce(l.household_same::INTEGER, 0) END
		          - CASE WHEN l.method IN ('excel_000', 'excel_e17') AND l.ambiguity > 1 THEN 0.05 ELSE 0 END
		          - CASE l.agreement WHEN 'rare' THEN 0.01 WHEN 'homophone' THEN 0.03 ELSE 0 END,
		        CASE l.method
		          WHEN 'exact_id' THEN '证件号码完全一致（18位，校验位正确）'
		          WHEN 'id15' THEN CASE WHEN k.only15 THEN '15位旧证件号码，升为18位（各来源均无该人18位号码）'
                                ELSE '15位旧证件号码升为18位后与' || src_label(l.first_kind) || '一致' END
		          WHEN 'check_digit' THEN '证件号码校验位与' || src_label(l.first_kind) || '不同，前17位一致'
		          WHEN 'one_digit' THEN '证件号码第' || l.pos || '位与' || src_label(l.first_kind) || '不同'
		          WHEN 'swapped' THEN '证件号码第' || l.pos || '、' || (l.pos + 1) || '位颠倒（与' || src_label(l.first_kind) || '相比）'
		          WHEN 'excel_000' THEN '证件号码后三位被Excel改为000，前15位与'
		               || CASE WHEN l.ambiguity > 1 THEN l.ambiguity || '名已知人员一致，其中姓名相同的仅一人' ELSE src_label(l.first_kind) || '唯一一人一致' END
		          WHEN 'excel_e17' THEN '证件号码被Excel改为科学计数法，前15位与'
		               || CASE WHEN l.ambiguity > 1 THEN l.ambiguity || '名已知人员一致，其中姓名相同的仅一人' ELSE src_label(l.first_kind) || '唯一一人一致' END
		          ELSE '无有效证件号码，' ||
		               concat_ws('，', CASE WHEN l.birth_same THEN '出生日期一致' END, CASE WHEN l.village_same THEN '同村' END,
		                         CASE WHEN l.household_same THEN '低保同户成员在全国系统中与其同户'
		                              WHEN NOT coalesce(l.birth_same, false) THEN '该姓名在已知人员中唯一' END)
		        END || CASE
		          WHEN l.method = 'exact_id' THEN ''
		          WHEN l.agreement = 'same' THEN '，姓名一致（' || l.knname || '）'
		          WHEN l.agreement = 'rare' THEN '，姓名除生僻字外一致（' || r.nname || '/' || l.knname || '）'
		          WHEN l.agreement = 'homophone' THEN '，姓名同音（' || r.ename || '/' || l.knname || '）'
		          ELSE '' END,
		        coalesce(r.id_number, r.id_raw), coalesce(r.nname, r.ename),
		        names_agree_s(coalesce(r.nname, r.ename), p.name_norm, coalesce(r.nsound, r.esound), k.ksound)
		 FROM m_link l
		 JOIN m_rows r ON r.kind = l.kind AND r.file_id = l.file_id AND r.row_no = l.row_no
		 JOIN persons p ON p.person_key = l.person_key
		 JOIN m_known k ON k.person_key = l.person_key`,
		`INSERT INTO person_merges
		 SELECT l.person_key, person_key_of(r.id_number), r.id_number, count(*), '证件号码疑似被Excel截断后补000，并入前15位一致且姓名一致的人员'
		 FROM m_link l JOIN m_rows r ON r.kind = l.kind AND r.file_id = l.file_id AND r.row_no = l.row_no
		 WHERE l.method = 'excel_000' AND r.valid
		 GROUP BY l.person_key, r.id_number`,
		`DROP TABLE m_raw`, `DROP TABLE m_chars`, `DROP TABLE m_names`, `DROP TABLE m_rows`, `DROP TABLE m_known`, `DROP TABLE m_suspect`, `DROP TABLE m_cand`, `DROP TABLE m_conf`,
		`DROP TABLE m_corrected`, `DROP TABLE m_byname`, `DROP TABLE m_link`,
	}...)
}

// macroStatements create the name macros that matching uses and leaves for the rules and for analysts.
func macroStatements() []string {
	return []string{
		`CREATE OR REPLACE MACRO name_norm(s) AS nullif(translate(
			regexp_replace(regexp_replace(
				regexp_replace(translate(s, ` + sqlLiteral(fullWidth) + `, ` + sqlLiteral(halfWidth) + `),
					'[\s\x{3000}\x{00a0}\x{200b}\x{feff}]+', '', 'g'),
				'[A-Za-z]+', '?', 'g'),
			'[` + dotLookAlikes + `]', '` + string(nameDot) + `', 'g'),
			` + sqlLiteral(rareMarks+tradKeys()) + `, ` + sqlLiteral(strings.Repeat("?", len([]rune(rareMarks)))+tradValues()) + `), '')`,
		`CREATE OR REPLACE MACRO name_sound(n) AS translate(replace(n, '` + string(nameDot) + `', ''), ` + sqlLiteral(soundKeys()) + `, ` + sqlLiteral(soundValues()) + `)`,
		// names_agree_s compares two normalised names given their sound keys too, so that the cascade does not
		// translate the same names again and again; names_agree is the form for analysts.
		`CREATE OR REPLACE MACRO names_agree_s(a, b, sa, sb) AS CASE
			WHEN a IS NULL OR b IS NULL THEN NULL
			WHEN a = b OR replace(a, '` + string(nameDot) + `', '') = replace(b, '` + string(nameDot) + `', '') THEN 'same'
			WHEN length(a) = length(b) AND (a LIKE replace(b, '?', '_') OR b LIKE replace(a, '?', '_')) THEN 'rare'
			WHEN length(a) = length(b) AND (sa LIKE replace(sb, '?', '_') OR sb LIKE replace(sa, '?', '_')) THEN 'homophone'
			ELSE 'differ' END`,
		`CREATE OR REPLACE MACRO names_agree(a, b) AS names_agree_s(a, b, name_sound(a), name_sound(b))`,
		`CREATE OR REPLACE MACRO src_label(k) AS ` + kindLabels(),
	}
}

// CreateMacros creates the name macros (name_norm, name_sound, names_agree, src_label) without linking:
// for a run that carries the links of the previous one over.
func CreateMacros(ctx context.Context, db *sql.DB) error {
	for _, s := range macroStatements() {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("create name macros: %w", err)
		}
	}
	return nil
}

// Count returns the summary counts of what persons, links, match_review and person_merges hold.
func Count(ctx context.Context, db *sql.DB) (*Stats, error) { return stats(ctx, db) }

func stats(ctx context.Context, db *sql.DB) (*Stats, error) {
	st := &Stats{ByMethod: map[string]int64{}, Unlinked: map[bidui.Kind]int64{}, Review: map[bidui.Kind]int64{}}
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM person_merges)`).Scan(&st.Persons, &st.Merged); err != nil {
		return nil, err
	}
	if err := countInto(ctx, db, `SELECT method, count(*) FROM links GROUP BY method`, func(k string, n int64) { st.ByMethod[k] = n }); err != nil {
		return nil, err
	}
	if err := countInto(ctx, db, `SELECT kind, count(*) FROM match_review GROUP BY kind`, func(k string, n int64) { st.Review[bidui.Kind(k)] = n }); err != nil {
		return nil, err
	}
	for _, k := range personKinds {
		var n int64
		q := fmt.Sprintf(`SELECT count(*) FROM %s s WHERE NOT EXISTS (
			SELECT 1 FROM links l WHERE l.kind = '%s' AND l.file_id = s.file_id AND l.row_no = s.row_no)`, k.Table(), k)
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			st.Unlinked[k] = n
		}
	}
	return st, nil
}

// countInto runs a query of (key, count) rows and hands each to add.
func countInto(ctx context.Context, db *sql.DB, q string, add func(string, int64)) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		add(k, n)
	}
	return rows.Err()
}
