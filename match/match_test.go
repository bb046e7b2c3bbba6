package match

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bidui/bidui"
	biduisql "github.com/bidui/bidui/sql"
	_ "github.com/duckdb/duckdb-go/v2"
)

// testDB returns a migrated in-memory database.
func testDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := biduisql.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(testPersonRows); err != nil {
		t.Fatal(err)
	}
	return db
}

// testPersonRows is the view src_person_rows over the staging tables these tests fill, in the shape the
// importer's kind descriptions give it (sources.PersonRowsView; match does not import sources, and
// cmd/bidui's answer-key test runs the cascade on the real view).
const testPersonRows = `CREATE OR REPLACE VIEW src_person_rows AS
SELECT 'gs' AS kind, 0 AS priority, file_id, row_no, id_raw, id_number, name, name AS evidence_name, county, town, village,
       household_no, birth_date, NULL::VARCHAR AS household_key FROM src_gs
UNION ALL SELECT 'dibao', 1, file_id, row_no, id_raw, id_number, name, name, county, town, village, NULL, NULL, household_key FROM src_dibao
UNION ALL SELECT 'tekun', 2, file_id, row_no, id_raw, id_number, name, name, county, town, village, NULL, NULL, NULL FROM src_tekun
UNION ALL SELECT 'medical', 3, file_id, row_no, id_raw, id_number, name, name, NULL, NULL, NULL, NULL, NULL, NULL FROM src_medical
UNION ALL SELECT 'education', 4, file_id, row_no, id_raw, id_number, name, name, NULL, NULL, NULL, NULL, NULL, NULL FROM src_education
UNION ALL SELECT 'review', 5, file_id, row_no, id_raw, id_number, NULL, head_name, NULL, town, village, NULL, NULL, NULL FROM src_review`

// link runs the cascade of sql/match on db.
func link(db *sql.DB) (*Stats, error) { return Link(context.Background(), db, biduisql.Match()) }

// id makes a valid ID from region 370323, a birth date YYYYMMDD and a sequence.
func id(birth string, seq int) string {
	first17 := fmt.Sprintf("370323%s%03d", birth, seq)
	c, _ := bidui.IDCheckChar(first17)
	return first17 + string(c)
}

// row is one source row for a test: kind, row number, name, ID cell as found, village.
type row struct {
	kind    bidui.Kind
	rowNo   int
	name    string
	idRaw   string
	village string
}

// load inserts rows (one INSERT per row: test setup) with id_number normalised the way the importer does
// (an Excel-rounded cell gives NULL) and runs Link.
func load(t *testing.T, db *sql.DB, rows ...row) *Stats {
	t.Helper()
	for _, r := range rows {
		idn := any(strings.ToUpper(r.idRaw))
		if r.idRaw == "" || strings.Contains(strings.ToUpper(r.idRaw), "E+") {
			idn = nil
		}
		if rejected, ok := strings.CutPrefix(r.idRaw, "!"); ok { // the importer rejected the cell
			r.idRaw, idn = rejected, nil
		}
		raw := any(r.idRaw)
		if r.idRaw == "" {
			raw = nil
		}
		var err error
		switch r.kind {
		case bidui.KindGS:
			_, err = db.Exec(`INSERT INTO src_gs (file_id, row_no, name, id_raw, id_number, village, household_no) VALUES (1, ?, ?, ?, ?, ?, 'H')`,
				r.rowNo, r.name, raw, idn, nullable(r.village))
		case bidui.KindDibao, bidui.KindTekun:
			_, err = db.Exec(`INSERT INTO `+r.kind.Table()+` (file_id, row_no, name, id_raw, id_number, village) VALUES (2, ?, ?, ?, ?, ?)`,
				r.rowNo, r.name, raw, idn, nullable(r.village))
		case bidui.KindReview:
			_, err = db.Exec(`INSERT INTO src_review (file_id, row_no, head_name, id_raw, id_number, village) VALUES (3, ?, ?, ?, ?, ?)`,
				r.rowNo, r.name, raw, idn, nullable(r.village))
		default:
			_, err = db.Exec(`INSERT INTO `+r.kind.Table()+` (file_id, row_no, name, id_raw, id_number) VALUES (4, ?, ?, ?, ?)`,
				r.rowNo, r.name, raw, idn)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	st, err := link(db)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

type linkRow struct {
	method, personKey, explanation string
}

// linkOf returns the link of a row, or ok false.
func linkOf(t *testing.T, db *sql.DB, kind bidui.Kind, rowNo int) (linkRow, bool) {
	t.Helper()
	var l linkRow
	err := db.QueryRow(`SELECT method, person_key, explanation FROM links WHERE kind = ? AND row_no = ?`, string(kind), rowNo).
		Scan(&l.method, &l.personKey, &l.explanation)
	if err == sql.ErrNoRows {
		return l, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return l, true
}

func keyOf(t *testing.T, db *sql.DB, id string) string {
	var k string
	if err := db.QueryRow(`SELECT person_key_of(?)`, id).Scan(&k); err != nil {
		t.Fatal(err)
	}
	return k
}

func reviewCount(t *testing.T, db *sql.DB, kind bidui.Kind, rowNo int) int {
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM match_review WHERE kind = ? AND row_no = ?`, string(kind), rowNo).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// swap returns id with positions p and p+1 (1-based) swapped.
func swap(id string, p int) string {
	b := []byte(id)
	b[p-1], b[p] = b[p], b[p-1]
	return string(b)
}

// change returns id with the digit at position p (1-based) replaced by d.
func change(id string, p int, d byte) string {
	b := []byte(id)
	b[p-1] = d
	return string(b)
}

// TestCascade checks one row per cascade step against a gs register of known persons; each damaged row is
// in dibao, medical or education and names the person the way that department would.
func TestCascade(t *testing.T) {
	zhang := id("19800101", 123)
	li := id("19750606", 456)
	wang := id("19900315", 781)
	zhao := id("19620228", 110)
	ayi := id("19880808", 222)
	chen := id("19550505", 337)
	liu := id("19850505", 420)
	old := id("19700110", 251)
	old15 := old[:6] + old[8:17]
	db := testDB(t)
	load(t, db,
		row{bidui.KindGS, 2, "张三", zhang, "东村"},
		row{bidui.KindGS, 3, "李四", li, "东村"},
		row{bidui.KindGS, 4, "王小明", wang, "西村"},
		row{bidui.KindGS, 5, "赵国强", zhao, "西村"},
		row{bidui.KindGS, 6, "阿依·古丽", ayi, "南村"},
		row{bidui.KindGS, 7, "陈龙", chen, "南村"},
		row{bidui.KindGS, 8, "刘德华", liu, "北村"},
		row{bidui.KindGS, 9, "孙老", old, "北村"},
		row{bidui.KindDibao, 2, "张三", strings.ToLower(zhang), "东村"},               // exact (the importer upper-cases)
		row{bidui.KindDibao, 3, "李四", change(li, 12, '0'+(li[11]-'0'+1)%10), ""},  // one wrong digit
		row{bidui.KindDibao, 4, "王晓明", swap(wang, 9), ""},                         // swapped, homophone name
		row{bidui.KindMedical, 2, "趙國強", zhao[:17] + otherCheck(zhao[17]), ""},    // wrong check digit, traditional name
		row{bidui.KindMedical, 3, "阿依•古丽", "3.70323" + ayi[6:15] + "E+17", ""},    // Excel-rounded, dot variant
		row{bidui.KindEducation, 2, "陈 龙", chen[:15] + "000", ""},                 // Excel 000 (invalid)
		row{bidui.KindEducation, 3, "陈龙", "!" + chen[:15] + "000", ""},            // Excel 000, rejected by the importer
		row{bidui.KindTekun, 2, "刘德?", "", "北村"},                                  // no ID: rare character, unique name, village
		row{bidui.KindTekun, 3, "孙老", old15, ""},                                  // 15-digit form
		row{bidui.KindTekun, 4, "钱多多", change(li, 12, '0'+(li[11]-'0'+1)%10), ""}, // one wrong digit, name disagrees: no link
	)
	tests := []struct {
		kind   bidui.Kind
		row    int
		method string
		id     string
		expl   string
	}{
		{bidui.KindDibao, 2, MethodExactID, zhang, "证件号码完全一致"},
		{bidui.KindDibao, 3, MethodOneDigit, li, "证件号码第12位与全国系统不同，姓名一致（李四）"},
		{bidui.KindDibao, 4, MethodSwapped, wang, "证件号码第9、10位颠倒"},
		{bidui.KindMedical, 2, MethodCheckDigit, zhao, "校验位"},
		{bidui.KindMedical, 3, MethodExcelE17, ayi, "科学计数法"},
		{bidui.KindEducation, 2, MethodExcel000, chen, "000"},
		{bidui.KindEducation, 3, MethodExcel000, chen, "000"},
		{bidui.KindTekun, 2, MethodName, liu, "同村"},
		{bidui.KindTekun, 3, MethodID15, old, "15位"},
	}
	for _, tt := range tests {
		l, ok := linkOf(t, db, tt.kind, tt.row)
		if !ok {
			t.Errorf("%s row %d: no link, want %s", tt.kind, tt.row, tt.method)
			continue
		}
		if l.method != tt.method || l.personKey != keyOf(t, db, tt.id) || !strings.Contains(l.explanation, tt.expl) {
			t.Errorf("%s row %d: %s %s %q; want %s to %s, explanation with %q", tt.kind, tt.row, l.method, l.personKey, l.explanation, tt.method, keyOf(t, db, tt.id), tt.expl)
		}
	}
	if l, ok := linkOf(t, db, bidui.KindTekun, 4); ok {
		t.Errorf("a corrected ID whose name disagrees was linked: %+v", l)
	}
	var persons int
	db.QueryRow(`SELECT count(*) FROM persons`).Scan(&persons)
	if persons != 8 {
		t.Errorf("%d persons, want the 8 of gs", persons)
	}
}

func otherCheck(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

// TestExcel000ValidIsMerged: 15 digits + 000 that happen to pass the check digit make a valid ID; outside
// gs, with one gs person sharing the 15 digits and the name, the rows go to that person and the merge is logged.
func TestExcel000ValidIsMerged(t *testing.T) {
	var person, damaged string
	for seq := 0; seq < 1000 && damaged == ""; seq++ {
		p := id("19800101", seq)
		if bidui.ValidID(p[:15]+"000") && p[15:] != "000" {
			person, damaged = p, p[:15]+"000"
		}
	}
	db := testDB(t)
	st := load(t, db,
		row{bidui.KindGS, 2, "周杰", person, "东村"},
		row{bidui.KindMedical, 2, "周杰", damaged, ""},
	)
	l, ok := linkOf(t, db, bidui.KindMedical, 2)
	if !ok || l.method != MethodExcel000 || l.personKey != keyOf(t, db, person) {
		t.Errorf("link %+v %v; want excel_000 to the gs person", l, ok)
	}
	if st.Merged != 1 || st.Persons != 1 {
		t.Errorf("merged %d, persons %d; want 1, 1", st.Merged, st.Persons)
	}
}

// TestSameNameSameVillageNeverMerged: two 张伟 in one village keep their own IDs and keys; a row naming 张伟
// in that village without an ID goes to match_review with both as candidates and is not linked.
func TestSameNameSameVillageNeverMerged(t *testing.T) {
	a, b := id("19800101", 11), id("19820202", 13)
	db := testDB(t)
	st := load(t, db,
		row{bidui.KindGS, 2, "张伟", a, "东村"},
		row{bidui.KindGS, 3, "张伟", b, "东村"},
		row{bidui.KindDibao, 2, "张伟", a, "东村"},
		row{bidui.KindDibao, 3, "张伟", "", "东村"},
		row{bidui.KindDibao, 4, "张伟", "37032319800101", "东村"}, // a broken ID gives no birth date either
	)
	if st.Persons != 2 {
		t.Errorf("%d persons, want 2", st.Persons)
	}
	la, _ := linkOf(t, db, bidui.KindGS, 2)
	lb, _ := linkOf(t, db, bidui.KindGS, 3)
	if la.personKey == lb.personKey {
		t.Error("two 张伟 of one village were merged")
	}
	for _, r := range []int{3, 4} {
		if l, ok := linkOf(t, db, bidui.KindDibao, r); ok {
			t.Errorf("dibao row %d linked to %s by %s; want it ambiguous", r, l.personKey, l.method)
		}
		if reviewCount(t, db, bidui.KindDibao, r) != 1 {
			t.Errorf("dibao row %d is not in match_review", r)
		}
	}
	var cands []any
	var list string
	db.QueryRow(`SELECT candidates::VARCHAR FROM match_review WHERE kind = 'dibao' AND row_no = 3`).Scan(&list)
	_ = cands
	if !strings.Contains(list, la.personKey) || !strings.Contains(list, lb.personKey) {
		t.Errorf("candidates %s, want both 张伟", list)
	}
}

// TestAmbiguousCorrection: an invalid ID one digit away from two known persons of the same name goes to
// match_review with both, and is not linked; so does an Excel-rounded ID whose 15 digits two 王芳 share.
func TestAmbiguousCorrection(t *testing.T) {
	damaged := id("19800101", 120)
	damaged = damaged[:17] + otherCheck(damaged[17]) // invalid
	var fixes []string
	for _, p := range []int{15, 16, 17} {
		for d := byte('0'); d <= '9'; d++ {
			if c := change(damaged, p, d); c != damaged && bidui.ValidID(c) {
				fixes = append(fixes, c)
			}
		}
	}
	if len(fixes) < 2 {
		t.Fatalf("construction found %d valid neighbours", len(fixes))
	}
	twin := id("19800101", 125) // shares the first 15 digits with fixes (sequence 12x)
	db := testDB(t)
	load(t, db,
		row{bidui.KindGS, 2, "王芳", fixes[0], "东村"},
		row{bidui.KindGS, 3, "王芳", fixes[1], "东村"},
		row{bidui.KindGS, 4, "王芳", twin, "东村"},
		row{bidui.KindMedical, 2, "王芳", damaged, ""},
		row{bidui.KindMedical, 3, "王芳", "3.70323198001011E+17", ""},
	)
	for _, r := range []int{2, 3} {
		if l, ok := linkOf(t, db, bidui.KindMedical, r); ok {
			t.Errorf("ambiguous medical row %d linked: %+v", r, l)
		}
		if reviewCount(t, db, bidui.KindMedical, r) != 1 {
			t.Errorf("ambiguous medical row %d not in match_review", r)
		}
	}
}

// TestNameNormSQLAgreesWithGo checks the name_norm and names_agree macros that Link creates against
// NormalizeName and NameAgreement, on every table entry and on the look-alikes.
func TestNameNormSQLAgreesWithGo(t *testing.T) {
	db := testDB(t)
	load(t, db)
	names := []string{" 张 三 ", "麦麦提敏-阿卜杜", "麦麦提敏－阿卜杜", "阿依·古丽", "阿依•古丽", "阿依‧古丽", "阿依・古丽", "阿依．古丽", "阿依.古丽", "王?明", "王？明",
		"王□明", "王xiao明", "王ＸＩＡＯ明", "ＡＢ", "張偉", "陳　龍", "", tradKeys(), soundKeys()}
	for _, n := range names {
		var got sql.NullString
		if err := db.QueryRow(`SELECT name_norm(?)`, n).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := NormalizeName(n); got.String != want {
			t.Errorf("name_norm(%q) = %q, NormalizeName = %q", n, got.String, want)
		}
	}
	pairs := [][2]string{{"张伟", "张伟"}, {"张伟", "章玮"}, {"张伟", "张?"}, {"张伟", "李伟"}, {"王晓明", "王小明"}, {"张伟", "张伟伟"},
		{"艾力·买买提", "艾力买买提"}, {"阿卜杜拉·艾则孜", "阿卜杜拉 艾则孜"}, {"麦麦提敏·阿卜杜", "麦麦提敏-阿卜杜"}}
	for _, p := range pairs {
		a, b := NormalizeName(p[0]), NormalizeName(p[1])
		var got string
		if err := db.QueryRow(`SELECT names_agree(?, ?)`, a, b).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := NameAgreement(a, b); got != want {
			t.Errorf("names_agree(%s, %s) = %s, NameAgreement = %s", a, b, got, want)
		}
	}
}

// TestNameAloneNeverLinks: persons who appear in one department only are common, so a name without a birth
// date or a village links nobody, however rare; an uncorrectable ID whose date digits differ links nobody.
func TestNameAloneNeverLinks(t *testing.T) {
	a := id("19800101", 11)
	db := testDB(t)
	load(t, db,
		row{bidui.KindGS, 2, "欧阳娜娜", a, "东村"},
		row{bidui.KindMedical, 2, "欧阳娜娜", "", ""},
		row{bidui.KindMedical, 3, "欧阳娜娜", "37032319900101", ""},       // broken ID, another birth date
		row{bidui.KindEducation, 2, "欧阳娜娜", "370323198001019999", ""}, // date agrees: name step may link
	)
	for _, r := range []int{2, 3} {
		if l, ok := linkOf(t, db, bidui.KindMedical, r); ok {
			t.Errorf("medical row %d linked by %s on name alone", r, l.method)
		}
	}
	if l, ok := linkOf(t, db, bidui.KindEducation, 2); !ok || l.method != MethodName {
		t.Errorf("education row 2: %+v %v; want a name link (name, birth date, rare name)", l, ok)
	}
	// The row with a name alone waits for a person to decide, with its one candidate; the row whose date
	// digits contradict the namesake's does not.
	var reason, cands string
	if err := db.QueryRow(`SELECT reason, candidates::VARCHAR FROM match_review WHERE kind = 'medical' AND row_no = 2`).Scan(&reason, &cands); err != nil {
		t.Fatalf("medical row 2 not in match_review: %v", err)
	}
	if !strings.Contains(reason, "仅姓名一致") || cands != "["+keyOf(t, db, a)+"]" {
		t.Errorf("medical row 2 in match_review: %q %s", reason, cands)
	}
	if n := reviewCount(t, db, bidui.KindMedical, 3); n != 0 {
		t.Errorf("medical row 3 (date digits contradict) in match_review")
	}
}

// TestLone15DigitID: a 15-digit ID that no source has in its 18-digit form is upgraded and becomes the
// person's key; the 18-digit form seen later links to the same person.
func TestLone15DigitID(t *testing.T) {
	full := id("19650303", 512)
	old15 := full[:6] + full[8:17]
	db := testDB(t)
	load(t, db,
		row{bidui.KindGS, 2, "周一", id("19800101", 11), "东村"},
		row{bidui.KindMedical, 2, "孙秀英", old15, ""},
		row{bidui.KindTekun, 2, "孙秀英", old15, "东村"},
	)
	for _, k := range []bidui.Kind{bidui.KindMedical, bidui.KindTekun} {
		l, ok := linkOf(t, db, k, 2)
		if !ok || l.method != MethodID15 || l.personKey != keyOf(t, db, full) || !strings.Contains(l.explanation, "升为18位") {
			t.Errorf("%s row 2: %+v %v; want an id15 link to %s", k, l, ok, full)
		}
	}
	var name, idn string
	if err := db.QueryRow(`SELECT name, id_number FROM persons WHERE person_key = ?`, keyOf(t, db, full)).Scan(&name, &idn); err != nil {
		t.Fatal(err)
	}
	if name != "孙秀英" || idn != full {
		t.Errorf("person: %s %s, want 孙秀英 %s", name, idn, full)
	}
}

// TestVillageWrittenAsCommittee: 民政 writes the village as 北村委会 or 北村民委员会 where 全国系统 writes 北村;
// a row without an ID still links by name in the same village.
func TestVillageWrittenAsCommittee(t *testing.T) {
	liu := id("19850505", 420)
	wang := id("19850506", 421)
	db := testDB(t)
	load(t, db,
		row{bidui.KindGS, 2, "刘德华", liu, "北村"},
		row{bidui.KindGS, 3, "王美丽", wang, "东关社区"},
		row{bidui.KindTekun, 2, "刘德华", "", "北村委会"},
		row{bidui.KindTekun, 3, "刘德华", "", "北村民委员会"},
		row{bidui.KindTekun, 4, "王美丽", "", "东关居委会"},
	)
	for _, r := range []int{2, 3, 4} {
		if l, ok := linkOf(t, db, bidui.KindTekun, r); !ok || l.method != MethodName || !strings.Contains(l.explanation, "同村") {
			t.Errorf("tekun row %d: %+v %v; want a name link in the same village", r, l, ok)
		}
	}
}

// TestDotLeftOut: a minority name written without its middle dot, or with a space or a hyphen in its place,
// is the same name.
func TestDotLeftOut(t *testing.T) {
	for _, p := range [][2]string{{"艾力·买买提", "艾力买买提"}, {"阿卜杜拉·艾则孜", "阿卜杜拉 艾则孜"}, {"麦麦提敏·阿卜杜", "麦麦提敏-阿卜杜"}} {
		if got := NameAgreement(NormalizeName(p[0]), NormalizeName(p[1])); got != NamesSame {
			t.Errorf("%s and %s: %s, want %s", p[0], p[1], got, NamesSame)
		}
	}
	if got := NameAgreement(NormalizeName("艾力·买买提"), NormalizeName("艾力·买买")); got == NamesSame {
		t.Errorf("艾力·买买提 and 艾力·买买 agree")
	}
}

// TestReviewOnlyPersonConfirmedByHeadName: a person only the 研判台账 knows has no name of their own there,
// only the head's given with the ID; when it agrees, it confirms a corrected ID (the ID is the head's).
func TestReviewOnlyPersonConfirmedByHeadName(t *testing.T) {
	yang := id("19680606", 127)
	db := testDB(t)
	load(t, db,
		row{bidui.KindGS, 2, "周一", id("19800101", 11), "东村"},
		row{bidui.KindReview, 2, "杨伟", yang, "东村"},
		row{bidui.KindMedical, 2, "杨伟", "3.70323" + yang[6:15] + "E+17", ""},
		row{bidui.KindMedical, 3, "李明", "3.70323" + yang[6:15] + "E+17", ""},
	)
	if l, ok := linkOf(t, db, bidui.KindMedical, 2); !ok || l.method != MethodExcelE17 || l.personKey != keyOf(t, db, yang) {
		t.Errorf("medical row 2: %+v %v; want an excel_e17 link to the head", l, ok)
	}
	if l, ok := linkOf(t, db, bidui.KindMedical, 3); ok {
		t.Errorf("medical row 3 (another name) linked: %+v", l)
	}
}

// TestDibaoMemberPlacedByHousehold: a 低保 member listed without an ID, with a name too common to link by
// village, is placed by the 全国系统 household that the member's linked fellow members belong to; a name that
// household does not have links nobody (unless the village has it only once).
func TestDibaoMemberPlacedByHousehold(t *testing.T) {
	head := id("19600101", 11)
	wei := id("19900202", 13)
	db := testDB(t)
	for i, r := range []struct{ name, id string }{{"王建国", head}, {"王伟", ""}, {"王芳", ""}} {
		if _, err := db.Exec(`INSERT INTO src_dibao (file_id, row_no, name, id_raw, id_number, village, household_key) VALUES (2, ?, ?, ?, ?, '东村', ?)`,
			i+2, r.name, nullable(r.id), nullable(r.id), head); err != nil {
			t.Fatal(err)
		}
	}
	rows := []row{
		{bidui.KindGS, 2, "王建国", head, "东村"},
		{bidui.KindGS, 3, "王伟", wei, "东村"},
		{bidui.KindGS, 4, "王芳", id("19920303", 24), "西村"}, // another village and household: not linked
	}
	for i := range 5 { // 王伟 is common in the county
		rows = append(rows, row{bidui.KindGS, 10 + i, "王伟", id("19700101", 100+2*i+1), "西村"})
	}
	load(t, db, rows...)
	// load gives every gs row household H; put the second 王芳 and 王伟's namesakes elsewhere and link again.
	if _, err := db.Exec(`UPDATE src_gs SET household_no = 'H' || row_no WHERE row_no >= 4`); err != nil {
		t.Fatal(err)
	}
	if _, err := link(db); err != nil {
		t.Fatal(err)
	}
	if l, ok := linkOf(t, db, bidui.KindDibao, 3); !ok || l.method != MethodName || l.personKey != keyOf(t, db, wei) || !strings.Contains(l.explanation, "同户") {
		t.Errorf("dibao 王伟: %+v %v; want a name link to the 王伟 of the head's household", l, ok)
	}
	if l, ok := linkOf(t, db, bidui.KindDibao, 4); ok {
		t.Errorf("dibao 王芳 linked to a 王芳 of another household: %+v", l)
	}
}

// TestTwinsAreNotMerged: twins 王磊 and 王蕾 share a birth date. 王蕾's real ID ends 000 and passes the check
// digit; it must not be taken for Excel's damage of 王磊's ID through the homophone. A 王蕾 row carrying
// 王磊's ID with one digit wrong may be either twin: it goes to review, not to 王磊.
func TestTwinsAreNotMerged(t *testing.T) {
	var lei, leiF string // 王磊, and 王蕾 whose ID ends 000 and is valid
	for seq := 101; seq < 999; seq += 2 {
		first17 := fmt.Sprintf("37032320050101%03d", seq)
		c, _ := bidui.IDCheckChar(first17)
		if c0, _ := bidui.IDCheckChar(first17[:15] + "00"); c0 == '0' {
			lei, leiF = first17+string(c), first17[:15]+"000"
			break
		}
	}
	if lei == "" {
		t.Fatal("no sequence gives a valid ID ending 000")
	}
	typo := change(lei, 13, '0'+(lei[12]-'0'+1)%10)
	db := testDB(t)
	load(t, db,
		row{bidui.KindGS, 2, "王磊", lei, "上埠村"},
		row{bidui.KindGS, 3, "王蕾", leiF, "上埠村"},
		row{bidui.KindMedical, 2, "王蕾", leiF, ""},
		row{bidui.KindEducation, 2, "王蕾", typo, ""},
	)
	for _, r := range []struct {
		kind bidui.Kind
		row  int
	}{{bidui.KindGS, 3}, {bidui.KindMedical, 2}} {
		if l, ok := linkOf(t, db, r.kind, r.row); !ok || l.method != MethodExactID || l.personKey != keyOf(t, db, leiF) {
			t.Errorf("%s row %d (王蕾, her own valid ID): %+v %v; want an exact link to her", r.kind, r.row, l, ok)
		}
	}
	if l, ok := linkOf(t, db, bidui.KindEducation, 2); ok {
		t.Errorf("王蕾 with 王磊's ID one digit off linked: %+v; want review", l)
	}
	if n := reviewCount(t, db, bidui.KindEducation, 2); n != 1 {
		t.Errorf("王蕾 with 王磊's ID one digit off: %d match_review rows, want 1", n)
	}
	var merges int
	db.QueryRow(`SELECT count(*) FROM person_merges`).Scan(&merges)
	if merges != 0 {
		t.Errorf("%d person merges, want none", merges)
	}
}

// TestNamesWithoutIDAcrossForms: without an ID, a name written without its middle dot, or with the rare
// character the 全国系统 typed as ?, still links in the same village (rules.md: ? agrees with any character).
func TestNamesWithoutIDAcrossForms(t *testing.T) {
	ali := id("19800101", 11)
	wang := id("19800202", 21)
	db := testDB(t)
	load(t, db,
		row{bidui.KindGS, 2, "艾力·买买提", ali, "戊村"},
		row{bidui.KindGS, 3, "王?明", wang, "戊村"},
		row{bidui.KindDibao, 2, "艾力买买提", "", "戊村"},
		row{bidui.KindDibao, 3, "王犇明", "", "戊村"},
	)
	for r, want := range map[int]string{2: ali, 3: wang} {
		if l, ok := linkOf(t, db, bidui.KindDibao, r); !ok || l.method != MethodName || l.personKey != keyOf(t, db, want) {
			t.Errorf("dibao row %d: %+v %v; want a name link to %s", r, l, ok, want)
		}
	}
}

// TestExcelSharedPrefixSaysSo: two known persons share the first 15 digits; an E+17 row whose name is one of
// them links to that one, and its explanation says how many shared the digits rather than "唯一一人".
func TestExcelSharedPrefixSaysSo(t *testing.T) {
	li := id("19900101", 121)
	qiang := id("19900101", 123)
	db := testDB(t)
	load(t, db,
		row{bidui.KindGS, 2, "孙丽", li, "东村"},
		row{bidui.KindGS, 3, "孙强", qiang, "东村"},
		row{bidui.KindMedical, 2, "孙丽", "3.70323" + li[6:15] + "E+17", ""},
	)
	l, ok := linkOf(t, db, bidui.KindMedical, 2)
	if !ok || l.personKey != keyOf(t, db, li) || !strings.Contains(l.explanation, "2名已知人员一致") || strings.Contains(l.explanation, "唯一一人") {
		t.Errorf("E+17 row of 孙丽: %+v %v; want a link to 孙丽 saying two persons share the digits", l, ok)
	}
}

// TestCascadeSteps: the cascade's files are split into statements at a semicolon that ends a line, in file
// name order; a file whose last statement lacks its semicolon is an error naming the file. Every method the
// package names is one the cascade writes.
func TestCascadeSteps(t *testing.T) {
	steps, err := cascadeSteps(fstest.MapFS{
		"02_b.sql": {Data: []byte("-- b\nSELECT 'a;b'\n  FROM t;\nSELECT 2;\n")},
		"01_a.sql": {Data: []byte("SELECT 1;\n-- trailing comment\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range steps {
		got = append(got, fmt.Sprintf("%s#%d:%s", s.file, s.n, strings.Join(strings.Fields(s.sql), " ")))
	}
	want := "01_a.sql#1:SELECT 1; | 02_b.sql#1:-- b SELECT 'a;b' FROM t; | 02_b.sql#2:SELECT 2;"
	if g := strings.Join(got, " | "); g != want {
		t.Errorf("steps = %s, want %s", g, want)
	}
	if _, err := cascadeSteps(fstest.MapFS{"01_a.sql": {Data: []byte("SELECT 1;\nSELECT 2\n")}}); err == nil || !strings.Contains(err.Error(), "01_a.sql") {
		t.Errorf("unterminated statement: err = %v, want one naming 01_a.sql", err)
	}
	all, err := cascadeSteps(biduisql.Match())
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, s := range all {
		text.WriteString(s.sql)
	}
	for _, m := range Methods {
		if !strings.Contains(text.String(), "'"+m+"'") {
			t.Errorf("method %s is not in the cascade's SQL", m)
		}
	}
}
