package sources

import (
	"testing"

	"github.com/bidui/bidui"
)

func init() { conformanceCases = append(conformanceCases, disabilityConformance) }

// disabilityConformance is the 残联 roster in the conformance suite: an ID column beside the 证号, which gives
// the ID, category and grade of a row that lacks them, and loses to the columns where they differ.
var disabilityConformance = conformanceCase{
	kind: KindDisability,
	header: []string{"县", "乡镇", "村", "残疾人姓名", "公民身份号码", "残疾人证号", "残疾类别", "残疾等级", "发证日期",
		"有效期至", "证件状态", "注销日期", "注销原因"},
	data: [][]any{
		{"某县", "某镇", "甲村", "张三", cfID1, "", "肢体", "二级", "2019-05-12", "2029-05-11", "正常", "", ""},
		{"某县", "某镇", "甲村", "李四", cfID2, cfID2 + "99", "视力残疾", "重度", "2019-13-01", "", "不知道", "", ""},
		{"某县", "某镇", "甲村", "", "", "", "肢体", "三级", "2020-01-01", "", "", "", ""},
		// No ID: the 证号 gives it, and the category (1 视力) and grade (1).
		{"某县", "某镇", "甲村", "王五", "", cfID3 + "11", "", "", "2021/3/1", "", "", "", ""},
		// A reissued card re-graded: the column's 3级 wins over the 证号's 2.
		{"某县", "某镇", "甲村", "赵六", cfID4, cfID4 + "42B1", "肢体", "3级", "", "", "已注销", "2022-03-01", "死亡"},
		// The 证号 is another person's: the ID column wins; the grade digits still fill the blank cells.
		{"某县", "某镇", "甲村", "钱七", cfID2, cfID1 + "42", "", "", "", "", "", "", ""},
	},
	rejects: []string{"cert_no|bad_cert_no", "grade|grade_unclear", "issued_on|bad_date", "status|bad_enum"},
	query: `SELECT string_agg(concat_ws(',', row_no, name, id_number, cert_no, category, grade, issued_on, valid_until,
			status, cancelled_on, cancel_reason), ';' ORDER BY row_no) FROM src_disability;`,
	want: "4,张三," + cfID1 + ",肢体,2,2019-05-12,2029-05-11,active;" +
		"6,李四," + cfID2 + ",视力;" +
		"8,王五," + cfID3 + "," + cfID3 + "11,视力,1,2021-03-01,active;" +
		"9,赵六," + cfID4 + "," + cfID4 + "42B1,肢体,3,inactive,2022-03-01,死亡;" +
		"10,钱七," + cfID2 + "," + cfID1 + "42,肢体,2,active",
	idHeader: "公民身份号码", dateHeader: "发证日期", dateField: "issued_on",
}

// TestDisabilityRejects: the rejects the roster's own rules make name the 证号 column and its row.
func TestDisabilityRejects(t *testing.T) {
	db := openDB(t)
	path := t.TempDir() + "/持证残疾人花名册.csv"
	writeCSV(t, path, padRows(stringRows(conformanceRows(disabilityConformance))), "gb18030", ',')
	res := only(t, loadFile(t, db, path))
	if res.Kind != KindDisability {
		t.Fatalf("kind %q, want disability (err %v)", res.Kind, res.Err)
	}
	got := queryOne(t, db, `SELECT string_agg(row_no || ':' || field || ':' || reason || ':' || "column" || ':' || value, ' ' ORDER BY row_no)
		FROM rejects WHERE reason LIKE 'cert%'`)
	want := "9:cert_no:cert_code_mismatch:残疾人证号:" + cfID4 + "42B1 10:cert_no:cert_id_mismatch:残疾人证号:" + cfID1 + "42"
	if got != want {
		t.Errorf("rejects\n got %s\nwant %s", got, want)
	}
}

// TestKindParsers: the parsers of the roster's and the ledger's own columns, each cell with the value it
// loads as (nil: blank or rejected) and the reason it is rejected.
func TestKindParsers(t *testing.T) {
	parsers := map[string]func(string) (any, bool, string){"证号": parseCertNo, "类别": parseDisabilityCategory,
		"等级": parseDisabilityGrade, "鉴定等级": parseHouseGrade}
	id := cfID1
	for _, c := range []struct {
		column, raw string
		want        any
		reason      string
	}{
		{"证号", id + "42", id + "42", ""},
		{"证号", toFullWidth(id + "42"), id + "42", ""},
		{"证号", "'" + id + "42b1", id + "42B1", ""},
		{"证号", id, id, ""},
		{"证号", id + "4", nil, ReasonBadCertNo},
		{"证号", id + "82", nil, ReasonBadCertNo},
		{"证号", id + "45", nil, ReasonBadCertNo},
		{"证号", id + "42C1", nil, ReasonBadCertNo},
		{"证号", "3.70323198001011E+19", nil, ReasonIDExcelRounded},
		{"证号", "", nil, ""},
		{"类别", "1", "视力", ""}, {"类别", "视力残疾", "视力", ""}, {"类别", "肢体", "肢体", ""}, {"类别", "7", "多重", ""},
		{"类别", "多重残疾", "多重", ""}, {"类别", "听说", nil, ReasonBadEnum},
		{"等级", "一级", int32(1), ""}, {"等级", "二级", int32(2), ""}, {"等级", "3级", int32(3), ""}, {"等级", "4", int32(4), ""},
		{"等级", "４级", int32(4), ""}, {"等级", "肢体二级", int32(2), ""}, {"等级", "二级残疾", int32(2), ""},
		{"等级", "一级（重度）", int32(1), ""}, {"等级", "重度", nil, ReasonGradeUnclear}, {"等级", "轻度", nil, ReasonGradeUnclear},
		{"等级", "五级", nil, ReasonBadEnum}, {"等级", "", nil, ""},
		{"鉴定等级", "A", "A", ""}, {"鉴定等级", "b级", "B", ""}, {"鉴定等级", "C级危房", "C", ""}, {"鉴定等级", "Ｄ级", "D", ""},
		{"鉴定等级", "D级（整栋危房）", "D", ""}, {"鉴定等级", "局部危房", "C", ""}, {"鉴定等级", "整栋危房", "D", ""},
		{"鉴定等级", "安全", nil, ReasonGradeUnclear}, {"鉴定等级", "基本安全", nil, ReasonGradeUnclear},
		{"鉴定等级", "危房", nil, ReasonGradeUnclear}, {"鉴定等级", "E级", nil, ReasonBadEnum}, {"鉴定等级", "", nil, ""},
	} {
		got, set, reason := parsers[c.column](c.raw)
		if got != c.want || set != (c.want != nil) || reason != c.reason {
			t.Errorf("%s %q: %v (set %v) %q, want %v %q", c.column, c.raw, got, set, reason, c.want, c.reason)
		}
	}
}

// TestDisabilityRecognition: a sheet of names and IDs alone is no 残联 roster (it needs the 证号, a category
// or a grade), one with the 证号 and no ID column is. (So a roster always reads a column that a list of deaths
// does not know, which is what makes the death kind give its 注销日期 and 注销原因 up.)
func TestDisabilityRecognition(t *testing.T) {
	for _, c := range []struct {
		header []string
		want   bidui.Kind
	}{
		{[]string{"姓名", "身份证号", "状态"}, ""},
		{[]string{"姓名", "残疾证号", "发证日期"}, KindDisability},
		{[]string{"姓名", "身份证号", "残疾等级"}, KindDisability},
		{[]string{"姓名", "残疾类别"}, ""},
	} {
		hm, err := detectHeader([][]string{c.header})
		var got bidui.Kind
		if hm != nil {
			got = hm.spec.kind
		}
		if err != nil || got != c.want {
			t.Errorf("%v: kind %q err %v, want %q", c.header, got, err, c.want)
		}
	}

}
