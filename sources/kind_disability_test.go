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

func TestParseCertNo(t *testing.T) {
	id := cfID1
	for _, c := range []struct{ raw, want, reason string }{
		{id + "42", id + "42", ""},
		{toFullWidth(id + "42"), id + "42", ""},
		{"'" + id + "42b1", id + "42B1", ""},
		{id, id, ""},
		{id + "4", "", ReasonBadCertNo},
		{id + "82", "", ReasonBadCertNo},
		{id + "45", "", ReasonBadCertNo},
		{id + "42C1", "", ReasonBadCertNo},
		{"3.70323198001011E+19", "", ReasonIDExcelRounded},
		{"", "", ""},
	} {
		v, _, reason := parseCertNo(c.raw)
		got, _ := v.(string)
		if got != c.want || reason != c.reason {
			t.Errorf("parseCertNo(%q) = %q %q, want %q %q", c.raw, got, reason, c.want, c.reason)
		}
	}
}

func TestParseDisabilityGrade(t *testing.T) {
	for _, c := range []struct {
		raw    string
		want   int32
		reason string
	}{
		{"一级", 1, ""}, {"二级", 2, ""}, {"3级", 3, ""}, {"4", 4, ""}, {"４级", 4, ""}, {"肢体二级", 2, ""},
		{"二级残疾", 2, ""}, {"一级（重度）", 1, ""}, {"重度", 0, ReasonGradeUnclear}, {"轻度", 0, ReasonGradeUnclear},
		{"五级", 0, ReasonBadEnum}, {"", 0, ""},
	} {
		v, _, reason := parseDisabilityGrade(c.raw)
		got, _ := v.(int32)
		if got != c.want || reason != c.reason {
			t.Errorf("parseDisabilityGrade(%q) = %d %q, want %d %q", c.raw, got, reason, c.want, c.reason)
		}
	}
	for raw, want := range map[string]string{"1": "视力", "视力残疾": "视力", "肢体": "肢体", "多重残疾": "多重", "7": "多重", "听说": ""} {
		v, _, _ := parseDisabilityCategory(raw)
		if got, _ := v.(string); got != want {
			t.Errorf("parseDisabilityCategory(%q) = %q, want %q", raw, got, want)
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
