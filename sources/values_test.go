package sources

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bidui/bidui"
)

// TestMarkColumnsInCheck: the check-mark rule is decided where values are normalised, so Check (which writes
// nothing) reports the columns of marks as Load does, and the rows held until the verdict reach the staging
// table in file order, blanks in a column of marks read as no, an unreadable cell left unknown.
func TestMarkColumnsInCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "全国系统.csv")
	writeCSV(t, path, [][]string{
		{"户编号", "姓名", "证件号码", "是否参加城乡居民基本医疗保险", "是否危房户", "风险是否已消除"},
		{"H1", "张三", testID("19800101", 1), "", "否", ""},
		{"H1", "李四", testID("19800101", 2), "√", "", ""},
		{"H2", "王五", testID("19800101", 3), "？？", "是", "×"},
		{"H2", "赵六", testID("19800101", 4), "", "", ""},
	}, "utf-8", ',')
	checked, err := Check(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := only(t, checked)
	if !slices.Equal(res.MarkColumns, []string{"resident_medical"}) {
		t.Errorf("Check: MarkColumns = %v, want [resident_medical] (a column of × only says nothing)", res.MarkColumns)
	}
	db := openDB(t)
	if loaded := only(t, loadFile(t, db, path)); !slices.Equal(loaded.MarkColumns, res.MarkColumns) {
		t.Errorf("Load: MarkColumns = %v, Check said %v", loaded.MarkColumns, res.MarkColumns)
	}
	got := strings.Join(queryStrings(t, db, `SELECT name || ':' || coalesce(resident_medical::VARCHAR, 'NULL') || '/' ||
		coalesce(housing_unsafe::VARCHAR, 'NULL') || '/' || coalesce(risk_eliminated::VARCHAR, 'NULL') FROM src_gs`), ", ")
	if want := "张三:false/false/NULL, 李四:true/NULL/NULL, 王五:NULL/true/false, 赵六:false/NULL/NULL"; got != want {
		t.Errorf("rows in table order = %s, want %s", got, want)
	}

	// A sheet without yes/no columns, or whose yes/no columns are all answered 是/否, reports none.
	plain := filepath.Join(t.TempDir(), "全国系统.csv")
	writeCSV(t, plain, [][]string{
		{"户编号", "姓名", "证件号码", "是否危房户"},
		{"H1", "张三", testID("19800101", 1), "是"},
		{"H1", "李四", testID("19800101", 2), ""},
	}, "utf-8", ',')
	checked, err = Check(context.Background(), plain, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res := only(t, checked); res.Status != bidui.FileLoaded || len(res.MarkColumns) != 0 {
		t.Errorf("是/否 column: status %s, MarkColumns %v; want loaded and none", res.Status, res.MarkColumns)
	}
}
