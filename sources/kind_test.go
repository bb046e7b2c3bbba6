package sources

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bidui/bidui"
)

// TestKindsRegistered: every kind of bidui.Kinds that the importer describes is registered once, in bidui.Kinds
// order, with its header index beside it, and every column its person rows name is one the kind fills.
func TestKindsRegistered(t *testing.T) {
	if len(kindIndexes) != len(kinds) {
		t.Fatalf("%d header indexes for %d kinds", len(kindIndexes), len(kinds))
	}
	for i, k := range kinds {
		if i > 0 && slices.Index(bidui.Kinds, kinds[i-1].kind) >= slices.Index(bidui.Kinds, k.kind) {
			t.Errorf("kind %s comes after %s, against bidui.Kinds order", k.kind, kinds[i-1].kind)
		}
		if _, known := kindIndexes[i][normalizeHeader(k.fields[0].headers[0])]; !known {
			t.Errorf("kind %s: header index %d is not its own", k.kind, i)
		}
		if k.person == nil {
			continue
		}
		cols := k.columns()
		p := k.person
		for _, c := range []string{"id_raw", "id_number", p.name, p.evidence, p.county, p.town, p.village, p.household, p.birth, p.group} {
			if c != "" && !slices.Contains(cols, c) {
				t.Errorf("kind %s: person rows name column %s, which the kind does not fill", k.kind, c)
			}
		}
	}
	for _, k := range []bidui.Kind{bidui.KindGS, bidui.KindDibao, bidui.KindTekun, bidui.KindMedical, bidui.KindEducation, bidui.KindReview, bidui.KindVerification} {
		if !slices.ContainsFunc(kinds, func(s *kindSpec) bool { return s.kind == k }) {
			t.Errorf("kind %s is not registered", k)
		}
	}
}

// TestPersonRowsView: the view built from the kind descriptions is created on the migrated schema and gives
// each loaded person row once, with its kind's name, place and priority; a returned workbook's rows are not
// person rows.
func TestPersonRowsView(t *testing.T) {
	db := openDB(t)
	if _, err := db.Exec(PersonRowsView()); err != nil {
		t.Fatalf("%v\n%s", err, PersonRowsView())
	}
	dir := t.TempDir()
	gs := filepath.Join(dir, "全国系统.csv")
	writeCSV(t, gs, [][]string{
		{"乡镇", "村", "户编号", "姓名", "证件号码", "出生日期"},
		{"东里镇", "东村", "H1", "张三", testID("19800101", 1), "1980-01-01"},
	}, "utf-8", ',')
	review := filepath.Join(dir, "研判台账.csv")
	writeCSV(t, review, [][]string{
		{"村", "户主姓名", "户主身份证号", "研判日期", "研判结论"},
		{"西村", "李四", testID("19700101", 2), "2023-05-01", "纳入监测"},
	}, "utf-8", ',')
	loadFile(t, db, gs)
	loadFile(t, db, review)
	got := strings.Join(queryStrings(t, db, `SELECT concat_ws('|', kind, priority, coalesce(name, '-'), evidence_name,
		coalesce(town, '-'), village, coalesce(household_no, '-'), coalesce(birth_date::VARCHAR, '-')) FROM src_person_rows ORDER BY priority`), "; ")
	want := "gs|0|张三|张三|东里镇|东村|H1|1980-01-01; review|5|-|李四|-|西村|-|-"
	if got != want {
		t.Errorf("src_person_rows = %s, want %s", got, want)
	}
	if strings.Contains(PersonRowsView(), bidui.KindVerification.Table()) {
		t.Errorf("src_person_rows reads %s, whose rows name findings", bidui.KindVerification.Table())
	}
}
