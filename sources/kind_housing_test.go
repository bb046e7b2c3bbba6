package sources

import (
	"database/sql"
	"testing"

	"github.com/bidui/bidui"
)

func init() {
	conformanceCases = append(conformanceCases, housingConformance)
	conformanceExtras = append(conformanceExtras, housingTwoLevel)
}

// housingConformance is the 住建 ledger in the conformance suite: grades in their letter and word forms, the
// 改造状态 vocabulary, a blank status read as not started.
var housingConformance = conformanceCase{
	kind:   KindHousing,
	header: []string{"乡镇", "村", "户主姓名", "户主身份证号码", "鉴定等级", "鉴定日期", "改造状态", "改造方式", "竣工日期", "对象类别"},
	data: [][]any{
		{"某镇", "甲村", "张三", cfID1, "C级", "2022-05-12", "未开工", "修缮加固", "", "农村低保户"},
		{"某镇", "甲村", "李四", cfID2, "基本安全", "2022-13-01", "开了", "", "2022/02/30", ""},
		{"某镇", "甲村", "", "", "D级", "2022-01-01", "", "", "", ""},
		{"某镇", "甲村", "王五", cfID3, "整栋危房", "2021年3月", "已竣工", "拆除重建", "2021-12-01", "分散供养特困人员"},
		{"某镇", "甲村", "赵六", cfID4, "局部危房", "20220105", "", "", "", ""},
		{"某镇", "甲村", "钱七", cfID2, "D级（整栋危房）", "2022-06-01", "在建", "新建", "", ""},
	},
	rejects: []string{"appraised_on|bad_date", "completed_on|bad_date", "grade|grade_unclear", "reno_status|bad_enum"},
	query: `SELECT string_agg(concat_ws(',', row_no, head_name, id_number, grade, appraised_on, appraised_on_precision,
			reno_status, reno_mode, completed_on, object_type), ';' ORDER BY row_no) FROM src_housing`,
	want: "4,张三," + cfID1 + ",C,2022-05-12,day,not_started,修缮加固,农村低保户;" +
		"6,李四," + cfID2 + ";" +
		"8,王五," + cfID3 + ",D,2021-03-01,month,done,拆除重建,2021-12-01,分散供养特困人员;" +
		"9,赵六," + cfID4 + ",C,2022-01-05,day,not_started;" +
		"10,钱七," + cfID2 + ",D,2022-06-01,day,in_progress,新建",
	idHeader: "户主身份证号码", dateHeader: "鉴定日期", dateField: "appraised_on",
}

// housingTwoLevel is a 住房安全鉴定及改造台账 as 住建 exports it: a title, a 填报单位 line, and a two-level
// header (户主信息, 鉴定情况, 改造情况 merged over their children; 序号, 乡镇, 村, 对象类别 spanning both rows).
var housingTwoLevel = conformanceExtra{
	base: "housing-two-level",
	rows: [][]any{
		{"2023年农村低收入群体等重点对象住房安全鉴定及改造台账"},
		{"填报单位：某县住房和城乡建设局", "", "", "", "", "", "", "填报日期：2023-06-01"},
		{"序号", "乡镇", "村", "户主信息", "", "鉴定情况", "", "改造情况", "", "", "对象类别"},
		{"", "", "", "姓名", "身份证号", "鉴定等级", "鉴定日期", "改造方式", "改造进度", "竣工日期", ""},
		{"1", "某镇", "甲村", "张三", cfID1, "C级危房", "2022-05-12", "修缮加固", "改造中", "", "低保户"},
		{"2", "某镇", "乙村", "李四", cfID2, "B级", "2022-05-13", "", "", "", ""},
		{"合计", "", "", "", "", "", "", "", "", "", "2"},
	},
	check: func(t *testing.T, db *sql.DB, path string) {
		res := only(t, loadFile(t, db, path))
		if res.Status != bidui.FileLoaded || res.Kind != KindHousing || res.HeaderRow != 4 || res.RowsLoaded != 2 {
			t.Fatalf("status %s kind %q header row %d loaded %d err %v", res.Status, res.Kind, res.HeaderRow, res.RowsLoaded, res.Err)
		}
		for c, h := range map[string]string{"head_name": "户主信息/姓名", "id_number": "户主信息/身份证号", "grade": "鉴定等级",
			"appraised_on": "鉴定日期", "reno_mode": "改造方式", "reno_status": "改造进度", "object_type": "对象类别"} {
			if res.Columns[c] != h {
				t.Errorf("column %s from %q, want %q (all: %v)", c, res.Columns[c], h, res.Columns)
			}
		}
		got := queryOne(t, db, `SELECT string_agg(concat_ws(',', head_name, id_number, grade, appraised_on, reno_status,
			reno_mode, object_type), ';' ORDER BY row_no) FROM src_housing`)
		want := "张三," + cfID1 + ",C,2022-05-12,in_progress,修缮加固,低保户;李四," + cfID2 + ",B,2022-05-13,not_started"
		if got != want {
			t.Errorf("rows\n got %s\nwant %s", got, want)
		}
	},
}
