package match

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bidui/bidui"
)

// TestEvaluate scores a small linked database against an answer key written here: one exact row, one
// corrected row that exact-ID matching misses, one unrecoverable row, and one key row with no file.
func TestEvaluate(t *testing.T) {
	zhang := id("19800101", 123)
	li := id("19750606", 456)
	db := testDB(t)
	if _, err := db.Exec(`INSERT INTO files (run_id, file_id, path, format, kind, sheet, status) VALUES
		(1, 1, 'inbox/全国系统.xlsx', 'xlsx', 'gs', 'Sheet1', 'loaded'),
		(1, 2, 'inbox/低保.csv', 'csv', 'dibao', '低保', 'loaded')`); err != nil {
		t.Fatal(err)
	}
	load(t, db,
		row{bidui.KindGS, 2, "张三", zhang, "东村"},
		row{bidui.KindGS, 3, "李四", li, "东村"},
		row{bidui.KindDibao, 2, "张三", zhang, ""},
		row{bidui.KindDibao, 3, "李四", swap(li, 9), ""},
		row{bidui.KindDibao, 4, "李四", "123", ""},
	)
	key := filepath.Join(t.TempDir(), "answer_key_rows.csv")
	os.WriteFile(key, []byte("file,sheet,row_no,kind,person_id,corruption\n"+
		"全国系统.xlsx,Sheet1,2,gs,"+zhang+",none\n"+
		"全国系统.xlsx,Sheet1,3,gs,"+li+",none\n"+
		"低保.csv,,2,dibao,"+zhang+",name_spaces\n"+
		"低保.csv,,3,dibao,"+li+",id_swapped|name_homophone\n"+
		"低保.csv,,4,dibao,"+li+",id_missing\n"+
		"gone.xlsx,Sheet1,2,gs,"+li+",none\n"), 0o600)
	q, err := Evaluate(context.Background(), db, key)
	if err != nil {
		t.Fatal(err)
	}
	all := q.All
	if all.Rows != 5 || all.Linkable != 5 || all.Linked != 4 || all.Correct != 4 || all.BaselineCorrect != 3 || all.SameName != 0 || q.Missing != 1 {
		t.Errorf("all %+v missing %d", all, q.Missing)
	}
	if c := q.ByCorruption["id_swapped"]; c.Correct != 1 || c.BaselineCorrect != 0 || c.Recall() != 1 || c.BaselineRecall() != 0 {
		t.Errorf("id_swapped %+v", c)
	}
	if c := q.ByCorruption["none"]; c.Rows != 2 || c.Precision() != 1 {
		t.Errorf("none %+v", c)
	}
	if _, err := Evaluate(context.Background(), db, filepath.Join(t.TempDir(), "nope.csv")); err == nil {
		t.Error("a missing answer key gave no error")
	}
}
