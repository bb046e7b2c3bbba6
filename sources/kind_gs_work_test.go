package sources

import (
	"path/filepath"
	"testing"

	"github.com/bidui/bidui"
)

// The work-spell and 户信息 exports go through the conformance suite like every kind.
func init() {
	conformanceCases = append(conformanceCases,
		conformanceCase{
			kind: bidui.KindGSWork,
			header: []string{"县", "乡", "行政村", "户编号", "人编号", "姓名", "证件号码", "户类型", "是否已务工", "开始时间",
				"结束时间", "务工所在县", "就业渠道", "务工月收入", "年度交通费补助", "备注"},
			data: [][]any{
				{"某县", "某镇", "甲村", "370323001001000011", "3703230010010000111", "张三", cfID1, "脱贫户", "是",
					"2023年05月", "", "某市某区", "外出务工", "5,000", "500", "会计"},
				{"某县", "某镇", "甲村", "370323001001000011", "3703230010010000112", "李四", cfID2, "脱贫户", "也许",
					"2023年13月", "", "", "", "五千", "", ""},
				{"某县", "某镇", "甲村", "370323001001000011", "", "", "", "", "是", "", "", "", "", "", "", "填表人：王五"},
				{"某县", "某镇", "甲村", "370323001001000011", "3703230010010000113", "张小三", cfID3, "脱贫户", "否",
					"2022-03", "2022年12月", "本县", "", "", "", ""},
			},
			rejects: []string{"monthly_wage|bad_number", "start_on|bad_date", "working|bad_bool"},
			query: `SELECT name, id_number, working, start_on, start_on_precision, monthly_wage, transport_subsidy,
				planned, extra->>'备注' FROM src_gs_work WHERE row_no = 4`,
			want:     "张三|" + cfID1 + "|true|2023-05-01|month|5000|500|false|会计",
			idHeader: "证件号码", dateHeader: "开始时间", dateField: "start_on",
		},
		conformanceCase{
			kind: bidui.KindGSHousehold,
			header: []string{"县(市、区、旗)", "乡(镇)", "行政村", "户编号", "户主姓名", "证件号码", "户类型", "是否有卫生厕所",
				"卫生厕所是否能正常使用", "住房是否安全", "备注"},
			data: [][]any{
				{"某县", "某镇", "甲村", "370323001001000011", "张三", cfID1, "脱贫户", "有", "是", "是", "会计"},
				{"某县", "某镇", "甲村", "370323001001000012", "李四", cfID2, "脱贫户", "有", "能吧", "安全的", ""},
				{"某县", "某镇", "甲村", "", "王五", "", "", "", "", "", ""},
				{"某县", "某镇", "乙村", "370323001002000021", "", cfID4, "一般农户", "无", "否", "否", ""},
			},
			rejects:  []string{"housing_safe|bad_bool", "toilet_usable|bad_bool"},
			query:    `SELECT household_no, name, id_number, toilet, toilet_usable, housing_safe, extra->>'备注' FROM src_gs_household WHERE row_no = 4`,
			want:     "370323001001000011|张三|" + cfID1 + "|有|true|true|会计",
			idHeader: "证件号码",
		},
	)
}

// TestGSWorkHouseholdDetection: the person table, the two work files and the 户信息 file all carry 户编号, 姓名
// and 证件号码; each is read as its own kind, a planned file's rows are marked planned, and its dates written
// 2023年05月 keep month precision.
func TestGSWorkHouseholdDetection(t *testing.T) {
	title := []any{"导出"}
	made := []any{"导出时间：2023-12-18"}
	files := []struct {
		name    string
		kind    bidui.Kind
		planned string
		rows    [][]any
	}{
		{"（自定义）监测对象信息.xlsx", bidui.KindGS, "", [][]any{title, made,
			{"县", "乡", "村", "户编号", "人编号", "姓名", "证件号码", "与户主关系", "户类型", "务工所在地", "务工时间（月）",
				"务工企业名称", "就业渠道", "公益性岗位", "有无卫生厕所", "户联系电话"},
			{"某县", "某镇", "甲村", "H1", "P1", "张三", cfID1, "户主", "脱贫户", "某市某区", "10", "某厂", "外出务工", "", "有", "13800000000"}}},
		// A narrow 自定义 export: every column of it is a work file's column too.
		{"（自定义）监测对象信息 (2).xlsx", bidui.KindGS, "", [][]any{title, made,
			{"户编号", "姓名", "证件号码", "户类型", "监测对象类别"},
			{"H1", "张三", cfID1, "脱贫户", ""}}},
		{"（务工月监测）已外出务工信息_20231218.xlsx", bidui.KindGSWork, "false", [][]any{title, made,
			{"县", "乡", "行政村", "户编号", "人编号", "姓名", "证件号码", "与户主关系", "性别", "户类型", "监测对象类别",
				"劳动技能", "是否已务工", "务工所在县", "开始时间", "结束时间", "就业渠道", "务工月收入", "务工企业名称", "所属行业",
				"是否点对点输送", "年度交通费补助"},
			{"某县", "某镇", "甲村", "H1", "P1", "张三", cfID1, "户主", "男", "脱贫户", "", "普通劳动力", "是", "某区",
				"2023年05月", "2023年11月", "外出务工", "4000", "某厂", "制造业", "否", "0"}}},
		{"计划外出务工信息_20231218.xlsx", bidui.KindGSWork, "true", [][]any{title, made,
			{"县", "乡", "行政村", "户编号", "姓名", "证件号码", "户类型", "监测对象类别", "是否计划外出务工",
				"计划务工所在县", "就业服务需求"},
			{"某县", "某镇", "甲村", "H1", "张三", cfID1, "脱贫户", "", "是", "某区", "职业介绍"}}},
		{"（乡村建设）户信息_20231218.xlsx", bidui.KindGSHousehold, "", [][]any{title, made,
			{"县(市、区、旗)", "乡(镇)", "行政村", "户编号", "户主姓名", "证件号码", "户类型", "卫生厕所是否能正常使用",
				"是否通生活用电", "入户路是否硬化"},
			{"某县", "某镇", "甲村", "H1", "张三", cfID1, "脱贫户", "否", "是", "是"}}},
	}
	dir := t.TempDir()
	for _, f := range files {
		db := openDB(t) // file ids count per database (loadFile): one database per file
		path := filepath.Join(dir, f.name)
		writeXLSX(t, path, sheetData{name: "Sheet1", rows: f.rows})
		res := only(t, loadFile(t, db, path))
		if res.Status != bidui.FileLoaded || res.Kind != f.kind || res.RowsLoaded != 1 {
			t.Errorf("%s: status %s kind %q rows %d err %v, want loaded %s with 1 row", f.name, res.Status, res.Kind,
				res.RowsLoaded, res.Err, f.kind)
			continue
		}
		if f.kind == bidui.KindGSWork {
			got := queryOne(t, db, `SELECT concat_ws('|', planned, working, work_county, start_on, start_on_precision, end_on)
				FROM src_gs_work WHERE file_id = ?`, res.FileID)
			want := f.planned + "|true|某区|2023-05-01|month|2023-11-01"
			if f.planned == "true" {
				want = "true|true|某区"
			}
			if got != want {
				t.Errorf("%s: planned|working|county|start|precision|end = %s, want %s", f.name, got, want)
			}
		}
	}
}
