package sources

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/bidui/bidui"
)

// TestDeathDetection: which sheets are death lists. A 公安 list of every 注销 with its reason is one; a list
// whose only date is 注销日期, without the reason, is reported (saying why) and skipped; a 人社 export that
// carries 注销日期 and 注销原因 too stays a pension export; a list with none of the date columns is no death list.
func TestDeathDetection(t *testing.T) {
	id := testID("19500101", 11)
	cases := []struct {
		name   string
		header []string
		row    []string
		kind   bidui.Kind // "" = unrecognised
		why    string     // part of the unrecognised sheet's error
	}{
		{"公安 注销 list", []string{"姓名", "身份证号", "注销日期", "注销原因"}, []string{"张三", id, "2023-05-01", "死亡"}, kindDeath, ""},
		{"卫健 list", []string{"死亡人员姓名", "证件号码", "死亡时间", "死亡原因"}, []string{"张三", id, "2023-05-01", "心衰"}, kindDeath, ""},
		{"注销 without reason", []string{"姓名", "身份证号", "注销日期"}, []string{"张三", id, "2023-05-01"}, "", "注销原因"},
		{"pension with 注销", []string{"姓名", "身份证号", "待遇状态", "注销日期", "注销原因"}, []string{"张三", id, "终止", "2023-05-01", "死亡"},
			kindPension, ""},
		{"医保 export", []string{"姓名", "身份证号", "参保状态", "年度"}, []string{"张三", id, "正常", "2023"}, bidui.KindMedical, ""},
		{"pension roster", []string{"姓名", "身份证号", "参保状态", "年度", "缴费档次"}, []string{"张三", id, "正常", "2023", "100"},
			kindPension, ""},
		{"no date column", []string{"姓名", "身份证号", "注销原因"}, []string{"张三", id, "死亡"}, "", "none of its first"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "list.csv")
			writeCSV(t, path, [][]string{{"某县死亡人员名单"}, c.header, c.row}, "gb18030", ',')
			res, err := Check(context.Background(), path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			r := only(t, res)
			if c.kind != "" {
				if r.Status != bidui.FileLoaded || r.Kind != c.kind {
					t.Fatalf("status %s kind %q err %v, want %s", r.Status, r.Kind, r.Err, c.kind)
				}
				return
			}
			if r.Status != bidui.FileUnrecognised || r.Err == nil || !strings.Contains(r.Err.Error(), c.why) {
				t.Fatalf("status %s kind %q err %v, want unrecognised saying %q", r.Status, r.Kind, r.Err, c.why)
			}
		})
	}
}

// TestDeathRows: which rows are deaths, the department a list without 数据来源 comes from, and the death
// without a usable date rejected with its file, sheet, row and column.
func TestDeathRows(t *testing.T) {
	db := openDB(t)
	id := func(n int) string { return testID("19500101", n) }
	path := filepath.Join(t.TempDir(), "注销.csv")
	writeCSV(t, path, [][]string{
		{"XX县死亡注销户口人员"},
		{"姓名", "身份证号", "注销户口日期", "注销类别"},
		{"甲", id(1), "2023-05-01", ""},
		{"乙", id(2), "2023-05", "死亡注销"},
		{"丙", id(3), "2023-05-01", "宣告死亡"},
		{"丁", id(4), "2023-05-01", "宣告失踪"},
		{"戊", id(5), "2023-05-01", "迁出"},
		{"己", id(6), "", "死亡"},
		{"庚", id(7), "", "迁出"},
	}, "utf-8", ',')
	r := only(t, loadFile(t, db, path))
	if r.Status != bidui.FileLoaded || r.Kind != kindDeath {
		t.Fatalf("status %s kind %q err %v", r.Status, r.Kind, r.Err)
	}
	got := queryStrings(t, db, `SELECT name || is_death || source_dept || coalesce(deregistered_on_precision, '-') FROM src_death ORDER BY row_no`)
	want := []string{"甲true公安day", "乙true公安month", "丙true公安day", "丁false公安day", "戊false公安day", "己true公安-", "庚false公安-"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %q\nwant %q", got, want)
	}
	rejects := queryStrings(t, db, `SELECT sheet || '|' || row_no || '|' || "column" || '|' || field || '|' || reason FROM rejects`)
	if want := []string{"注销.csv|8|注销户口日期|deregistered_on|death_no_date"}; !reflect.DeepEqual(rejects, want) {
		t.Errorf("rejects %q, want %q", rejects, want)
	}
}

// TestDeathYields: the precedence of departments.md between a death list and the 残联 roster (a kind of its
// own file; a stand-in with its dates and ID here): a header the roster reads more of (残疾人证号) is the
// roster's; a 公安 list of 姓名, 身份证号, 注销日期, 注销原因, which the roster would read all of too, is a
// death list.
func TestDeathYields(t *testing.T) {
	roster := &kindSpec{kind: "disability", fields: []field{
		required(text("name", "姓名")), id("id_number", "id_raw", "身份证号"), text("cert_no", "残疾人证号"),
		date("cancelled_on", "注销日期"), text("cancel_reason", "注销原因"),
	}, anyOf: [][]string{{"cert_no", "id_number"}}}
	for _, c := range []struct {
		header []string
		death  bool // the death list keeps the header, the roster yields
	}{
		{[]string{"姓名", "身份证号", "残疾人证号", "注销日期", "注销原因"}, false},
		{[]string{"姓名", "身份证号", "注销日期", "注销原因"}, true},
		{[]string{"序号", "姓名", "身份证号", "注销日期", "注销原因", "数据来源"}, true},
	} {
		cells := flattenHeader(nil, c.header)
		d, r := matchHeader(deathKind, deathKind.headerIndex(), cells), matchHeader(roster, roster.headerIndex(), cells)
		if d == nil || r == nil {
			t.Fatalf("%v: death %v, roster %v: both should match", c.header, d != nil, r != nil)
		}
		both := []*headerMatch{d, r}
		if yields(d, both) == c.death || yields(r, both) != c.death {
			t.Errorf("%v: death yields %v, roster yields %v; want the death list to keep it: %v", c.header,
				yields(d, both), yields(r, both), c.death)
		}
	}
}
