package sources

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bidui/bidui"
)

// A conformanceCase is one source kind's file content, written in every format by TestConformance. Its
// rows are laid out as: two title lines (a title, a 制表 line), the header (row 3), data[0] (row 4), a
// blank row (5), data[1] (row 6, with unreadable values), data[2] (row 7, no person key), the rest of data
// (rows 8…), a 合计 row.
type conformanceCase struct {
	kind    bidui.Kind
	header  []string
	data    [][]any
	rejects []string // field|reason of the value rejects of row 6, sorted
	// query returns one row about the loaded rows, compared with want.
	query string
	want  string
	// idHeader and dateHeader name the columns that the forms file of the kind (formsRows) fills with every
	// written form of an ID and of a date; dateField is the canonical column of dateHeader. Empty when the
	// kind has no such column.
	idHeader, dateHeader, dateField string
}

// The conformance suite loads every kind once into a fresh database per format, so a case's query sees only
// its own file.

var (
	cfID1 = testID("19800101", 121)
	cfID2 = testID("19820305", 222)
	cfID3 = testID("20100607", 311)
	cfID4 = testID("19501111", 412)
)

var conformanceCases = []conformanceCase{
	{
		kind: bidui.KindGS,
		header: []string{"县", "乡镇", "行政村", "户编号", "人口编号", "姓名", "身份证号码", "与户主关系", "出生日期",
			"监测对象类别", "风险是否消除", "识别时间", "家庭年人均纯收入", "致贫/返贫风险1", "致贫/返贫风险2", "产业帮扶", "备注"},
		data: [][]any{
			{"某县", "某镇", "甲村", "370323001001000011", "3703230010010000111", "张三", cfID1, "户主", "1980-01-01",
				"脱贫不稳定户", "否", "202305", "8,000", "因病", "因学", "种植", "会计"},
			{"某县", "某镇", "甲村", "370323001001000011", "3703230010010000112", "李四", cfID2, "配偶", "1982-13-45",
				"脱贫不稳定户", "是的吧", "2023-05", "八千", "", "", "", ""},
			{"某县", "某镇", "甲村", "370323001001000011", "", "", "", "", "", "", "", "", "", "", "", "", "填表人：王五"},
			{"某县", "某镇", "甲村", "370323001001000011", "3703230010010000113", "张小三", cfID3, "之子", "2010年6月7日",
				"", "", "", "", "", "", "", ""},
		},
		rejects: []string{"birth_date|bad_date", "income_per_capita|bad_number", "risk_eliminated|bad_bool"},
		query: `SELECT name, id_number, birth_date, identified_on, identified_on_precision, income_per_capita,
			risk_eliminated, risks, measures, extra->>'备注', household_no FROM src_gs WHERE row_no = 4`,
		want:     "张三|" + cfID1 + "|1980-01-01|2023-05-01|month|8000|false|[因病 因学]|[map[category:产业帮扶 text:种植]]|会计|370323001001000011",
		idHeader: "身份证号码", dateHeader: "识别时间", dateField: "identified_on",
	},
	{
		kind: bidui.KindDibao,
		header: []string{"县(市、区)", "乡镇(街道)", "村(居)委会", "户主姓名", "户主身份证号", "成员姓名", "成员身份证号",
			"与户主关系", "保障人数", "月保障金额", "审批日期", "保障状态"},
		data: [][]any{
			{"某县", "某镇", "甲村", "张三", cfID1, "张三", cfID1, "户主", "3", "¥ 1,200", "2023/5/12", "在保"},
			{"某县", "某镇", "甲村", "张三", cfID1, "李四", cfID2, "配偶", "三", "1200", "2023/02/30", "保着"},
			{"", "", "", "张三", cfID1, "", "", "", "", "", "", ""},
			{"某县", "某镇", "甲村", "", "", "张小三", cfID3, "子", "3", "1200", "20230512", "停保"},
		},
		rejects: []string{"approved_on|bad_date", "family_size|bad_integer", "status|bad_enum"},
		query: `SELECT string_agg(concat_ws(',', name, household_key = '` + cfID1 + `', approved_on, status, area_type,
			monthly_amount, family_size), ';' ORDER BY row_no) FROM src_dibao`,
		want:     "张三,true,2023-05-12,active,农村,1200.0,3;李四,true,农村,1200.0;张小三,true,2023-05-12,stopped,农村,1200.0,3",
		idHeader: "成员身份证号", dateHeader: "审批日期", dateField: "approved_on",
	},
	{
		kind:   bidui.KindTekun,
		header: []string{"县", "乡", "村", "姓名", "身份证号码", "供养方式", "认定日期", "状态", "停保原因"},
		data: [][]any{
			{"某县", "某镇", "甲村", "赵六", cfID4, "分散供养", "2021.3.1", "正常", ""},
			{"某县", "某镇", "甲村", "钱七", cfID2, "集中供养", "2021年3月32日", "没了", ""},
			{"", "", "", "", "", "分散供养", "", "", ""},
		},
		rejects:  []string{"approved_on|bad_date", "status|bad_enum"},
		query:    `SELECT name, id_number, support_mode, approved_on, status FROM src_tekun WHERE row_no = 4`,
		want:     "赵六|" + cfID4 + "|分散供养|2021-03-01|active",
		idHeader: "身份证号码", dateHeader: "认定日期", dateField: "approved_on",
	},
	{
		kind: bidui.KindMedical,
		header: []string{"参保人姓名", "公民身份号码", "参保缴费状态", "参保险种", "参保年度", "住院自付金额", "门诊自付金额",
			"统筹区"},
		data: [][]any{
			{"张三", cfID1, "参保缴费", "城乡居民基本医疗保险", "2023", "1,000.50", "200元", "某县"},
			{"李四", cfID2, "不知道", "商业保险", "二〇二三", "", "", ""},
			{"", "", "暂停", "", "", "", "", ""},
			{"", cfID3, "未参保", "职工基本医疗保险", "2023", "", "５０", ""},
		},
		rejects: []string{"insurance_type|bad_enum", "insured_status|bad_enum", "year|bad_year"},
		query: `SELECT string_agg(concat_ws(',', coalesce(name, '-'), insured_status, insurance_type, year,
			self_pay_total), ';' ORDER BY row_no) FROM src_medical`,
		want:     "张三,insured,resident,2023,1200.5;李四;-,not_insured,employee,2023,50.0",
		idHeader: "公民身份号码",
	},
	{
		kind:   bidui.KindEducation,
		header: []string{"学生姓名", "身份证件号", "就读学校", "学段", "年级", "在校状态", "享受资助"},
		data: [][]any{
			{"张小三", cfID3, "某镇中学", "初中", "七年级", "在读", "雨露计划"},
			{"李小四", cfID2, "某镇小学", "小学", "三年级", "不好说", ""},
			{"", "", "某镇小学", "", "", "", ""},
		},
		rejects:  []string{"enrollment|bad_enum"},
		query:    `SELECT name, id_number, school, enrollment, aid FROM src_education WHERE row_no = 4`,
		want:     "张小三|" + cfID3 + "|某镇中学|enrolled|雨露计划",
		idHeader: "身份证件号",
	},
	{
		kind:   bidui.KindReview,
		header: []string{"乡镇", "村", "户主姓名", "户主身份证号", "研判时间", "研判结果", "原因", "线索来源", "研判人"},
		data: [][]any{
			{"某镇", "甲村", "张三", cfID1, "2023-05-12 10:20:30", "纳入监测", "因病", "医保预警", "王五"},
			{"某镇", "甲村", "李四", cfID2, "上周", "待定", "", "", ""},
			{"某镇", "甲村", "", "", "2023-05-12", "不纳入", "", "", ""},
		},
		rejects:  []string{"conclusion|bad_enum", "reviewed_on|bad_date"},
		query:    `SELECT head_name, id_number, reviewed_on, conclusion, reason, "trigger", reviewer FROM src_review WHERE row_no = 4`,
		want:     "张三|" + cfID1 + "|2023-05-12|include|因病|医保预警|王五",
		idHeader: "户主身份证号", dateHeader: "研判时间", dateField: "reviewed_on",
	},
	{
		kind: bidui.KindVerification,
		header: []string{"序号", "编号", "问题类型", "户编号", "姓名", "证件号码", "核实结果", "核实说明", "核实人",
			"核实日期"},
		data: [][]any{
			{"1", "DB-01-0001", "新纳入低保未研判", "370323001001000011", "张三", cfID1, "已修正", "已补研判", "王五", "2023/6/15"},
			{"2", "DB-01-0002", "新纳入低保未研判", "370323001001000012", "李四", cfID2, "情况属实无需修正", "", "王五", "6月15日"},
			{"3", "", "新纳入低保未研判", "", "赵六", cfID4, "其他", "", "", ""},
		},
		rejects: []string{"verified_on|bad_date"},
		query: `SELECT finding_id, result, note, verifier, verified_on, extra->>'姓名', extra->>'序号'
			FROM src_verification WHERE row_no = 4`,
		want:       "DB-01-0001|已修正|已补研判|王五|2023-06-15|张三|1",
		dateHeader: "核实日期", dateField: "verified_on",
	},
}

// The death list and the pension export (kind_death.go, kind_pension.go).
func init() {
	conformanceCases = append(conformanceCases, conformanceCase{
		kind:   kindDeath,
		header: []string{"县", "乡镇", "村", "死者姓名", "公民身份号码", "死亡日期", "火化日期", "注销原因", "数据来源", "死亡原因"},
		data: [][]any{
			{"某县", "某镇", "甲村", "张三", cfID1, "2023-05-12", "2023年5月", "", "", "心衰"},
			{"某县", "某镇", "甲村", "李四", cfID2, "2023-13-45", "上月", "死亡", "公安", ""},
			{"某县", "某镇", "甲村", "", "", "2023-05-01", "", "", "", ""},
			{"某县", "某镇", "乙村", "王五", cfID3, "", "2023-04-02", "迁出", "", ""},
			{"某县", "某镇", "乙村", "赵六", cfID4, "202303", "", "宣告死亡", "卫健", ""},
		},
		rejects: []string{"cremated_on|bad_date", "death_date|bad_date", "death_date|death_no_date"},
		query: `SELECT string_agg(concat_ws(',', name, is_death, death_date, death_date_precision, cremated_on,
			source_dept, extra->>'死亡原因'), ';' ORDER BY row_no) FROM src_death`,
		want:     "张三,true,2023-05-12,day,2023-05-01,民政,心衰;李四,true,公安;王五,false,2023-04-02,民政;赵六,true,2023-03-01,month,卫健",
		idHeader: "公民身份号码", dateHeader: "死亡日期", dateField: "death_date",
	}, conformanceCase{
		kind: kindPension,
		header: []string{"县", "乡镇", "村", "参保人姓名", "社会保障号码", "个人参保状态", "缴费年度", "缴费档次", "个人缴费金额",
			"代缴类别", "政府代缴金额", "险种类型", "终止日期"},
		data: [][]any{
			{"某县", "某镇", "甲村", "张三", cfID1, "参保缴费", "2023年", "100元档", "100元", "低保对象", "100.00", "城乡居民基本养老保险", ""},
			{"某县", "某镇", "甲村", "李四", cfID2, "说不清", "去年", "第三档", "一百", "", "", "", "2023-02-30"},
			{"某县", "某镇", "甲村", "", "", "参保缴费", "2023", "", "", "", "", "", ""},
			{"某县", "某镇", "乙村", "王五", cfID3, "待遇领取", "2023", "", "", "无", "", "", ""},
			{"某县", "某镇", "乙村", "赵六", cfID4, "终止", "2022", "200元/年", "200", "", "", "企业职工基本养老保险", "2022-08-01"},
		},
		rejects: []string{"insured_status|bad_enum", "level|bad_number", "personal_paid|bad_number", "stopped_on|bad_date",
			"year|bad_year"},
		query: `SELECT string_agg(concat_ws(',', name, insured_status, year, level, personal_paid, subsidy_category,
			subsidy_amount, scheme, stopped_on), ';' ORDER BY row_no) FROM src_pension`,
		want:     "张三,paying,2023,100.0,100.0,低保对象,100.0,resident;李四,none,resident;王五,receiving,2023,none,resident;赵六,ended,2022,200.0,200.0,none,employee,2022-08-01",
		idHeader: "社会保障号码", dateHeader: "终止日期", dateField: "stopped_on",
	})
}

// conformanceRows lays a case out as a file: titles, header, data with a blank row and a 合计 row.
func conformanceRows(c conformanceCase) [][]any {
	header := make([]any, len(c.header))
	for i, h := range c.header {
		header[i] = h
	}
	rows := [][]any{
		{c.kind.Label() + "（测试）"},
		{"制表单位：某县某镇", "", "导出时间：2023-06-01"},
		header,
		c.data[0],
		make([]any, len(c.header)),
	}
	rows = append(rows, c.data[1:]...)
	total := make([]any, len(c.header))
	total[0] = "合  计"
	total[len(total)-1] = fmt.Sprint(len(c.data))
	return append(rows, total)
}

// A cellForm is one way a department writes a value in a cell, and what the importer must make of it.
type cellForm struct {
	name string
	raw  any    // the cell as written: a string, a num (a numeric xlsx cell) or a time.Time (a date cell)
	want string // the canonical value; ∅ when the value is rejected
	// precision is a date's precision; reason is an ID's reject reason.
	precision, reason string
}

// idForms are the forms of an ID that sources.md lists, each with what it must load as.
var idForms = func() []cellForm {
	id, idX := cfID1, testIDX("19800101", 100)
	fullWidth := toFullWidth(idX)
	damaged := id[:15] + "000"
	if bidui.ValidID(damaged) {
		panic("cfID1 with 000 is a valid ID: choose another sequence")
	}
	return []cellForm{
		{name: "plain", raw: id, want: id},
		{name: "lower-case x", raw: idX[:17] + "x", want: idX},
		{name: "full-width digits", raw: fullWidth, want: idX},
		{name: "inner spaces", raw: id[:6] + " " + id[6:14] + "\u3000" + id[14:], want: id},
		{name: "formula wrapper", raw: `="` + id + `"`, want: id},
		{name: "leading apostrophe", raw: "'" + id, want: id},
		{name: "disability card, 20 characters", raw: id + "11", want: id},
		{name: "disability card, 22 characters", raw: idX + "4201", want: idX},
		{name: "Excel-rounded text", raw: "3.70323198001011E+17", want: "∅", reason: ReasonIDExcelRounded},
		{name: "Excel-rounded number", raw: num("3.70323198001011E+17"), want: "∅", reason: ReasonIDExcelRounded},
		{name: "15 digits and 000", raw: damaged, want: "∅", reason: ReasonIDExcelRounded},
	}
}()

// dateForms are the forms of a date that sources.md lists, each with what it must load as.
var dateForms = []cellForm{
	{name: "ISO", raw: "2023-05-12", want: "2023-05-12", precision: PrecisionDay},
	{name: "slashes", raw: "2023/5/12", want: "2023-05-12", precision: PrecisionDay},
	{name: "digits", raw: "20230512", want: "2023-05-12", precision: PrecisionDay},
	{name: "dots", raw: "2023.5.12", want: "2023-05-12", precision: PrecisionDay},
	{name: "Chinese", raw: "2023年5月12日", want: "2023-05-12", precision: PrecisionDay},
	{name: "month digits", raw: "202305", want: "2023-05-01", precision: PrecisionMonth},
	{name: "month dash", raw: "2023-05", want: "2023-05-01", precision: PrecisionMonth},
	{name: "month Chinese", raw: "2023年5月", want: "2023-05-01", precision: PrecisionMonth},
	{name: "Excel serial", raw: num("45058"), want: "2023-05-12", precision: PrecisionDay},
	{name: "date cell", raw: time.Date(2023, 5, 12, 0, 0, 0, 0, time.UTC), want: "2023-05-12", precision: PrecisionDay},
	{name: "datetime", raw: "2023-05-12 10:20:30", want: "2023-05-12", precision: PrecisionDay},
	{name: "datetime cell", raw: time.Date(2023, 5, 12, 10, 20, 0, 0, time.UTC), want: "2023-05-12", precision: PrecisionDay},
}

// formsRows lays out a case's forms file: the titles, the header, one row per ID form (with a plain date)
// and one per date form (with a plain ID), each a copy of data[0], and a 合计 row. Form rows start at row 4.
func formsRows(c conformanceCase) [][]any {
	rows := conformanceRows(conformanceCase{kind: c.kind, header: c.header, data: [][]any{c.data[0]}})
	rows = rows[:3] // titles and header
	idCol, dateCol := slices.Index(c.header, c.idHeader), slices.Index(c.header, c.dateHeader)
	form := func(id, date any) []any {
		row := slices.Clone(c.data[0])
		if idCol >= 0 {
			row[idCol] = id
		}
		if dateCol >= 0 {
			row[dateCol] = date
		}
		return row
	}
	if idCol >= 0 {
		for _, f := range idForms {
			rows = append(rows, form(f.raw, dateForms[0].raw))
		}
	}
	if dateCol >= 0 {
		for _, f := range dateForms {
			rows = append(rows, form(idForms[0].raw, f.raw))
		}
	}
	total := make([]any, len(c.header))
	total[0] = "合计"
	return append(rows, total)
}

// formsQuery selects the loaded rows of a forms file as row|id|date|precision, without the parts the kind
// does not have.
func formsQuery(c conformanceCase) string {
	cols := []string{"row_no"}
	if c.idHeader != "" {
		cols = append(cols, "id_number")
	}
	if c.dateField != "" {
		cols = append(cols, c.dateField, c.dateField+"_precision")
	}
	return `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + c.kind.Table() + ` WHERE file_id = ? ORDER BY row_no`
}

// formsWant is what formsQuery must return for a case's forms file, and its rejects as
// row|field|reason|column.
func formsWant(c conformanceCase) (rows, rejects []string) {
	row := 4
	add := func(id, date cellForm) {
		parts := []string{fmt.Sprint(row)}
		if c.idHeader != "" {
			parts = append(parts, id.want)
		}
		if c.dateField != "" {
			parts = append(parts, date.want, date.precision)
		}
		rows = append(rows, strings.Join(parts, "|"))
		if id.reason != "" {
			rejects = append(rejects, fmt.Sprintf("%d|id_number|%s|%s", row, id.reason, c.idHeader))
		}
		row++
	}
	if c.idHeader != "" {
		for _, f := range idForms {
			add(f, dateForms[0])
		}
	}
	if c.dateField != "" {
		for _, f := range dateForms {
			add(idForms[0], f)
		}
	}
	return rows, rejects
}

// conformanceTitleMerge is the merged area of the title line of every conformance file.
var conformanceTitleMerge = [2]string{"A1", "F1"}

// A conformanceFormat writes the case files of TestConformance (base name -> rows) into dir and returns
// base name -> path. Formats that LibreOffice makes convert every case in one soffice invocation, once per
// test run.
type conformanceFormat struct {
	name  string
	write func(t *testing.T, dir string, files map[string][][]any) map[string]string
	// format and encoding are what the Results must say the files are.
	format, encoding string
}

// is sets what a format's Results must say the files are.
func (f conformanceFormat) is(format, encoding string) conformanceFormat {
	f.format, f.encoding = format, encoding
	return f
}

// eachFile makes a format that writes every file on its own.
func eachFile(name, ext string, write func(t *testing.T, path string, rows [][]any)) conformanceFormat {
	return conformanceFormat{name: name, write: func(t *testing.T, dir string, files map[string][][]any) map[string]string {
		out := map[string]string{}
		for base, rows := range files {
			out[base] = filepath.Join(dir, base+ext)
			write(t, out[base], rows)
		}
		return out
	}}
}

// viaLibreOffice makes a format whose files are real .xls workbooks converted by soffice from files that
// write makes (with soffice's import filter infilter), copied into the test's directory.
func viaLibreOffice(name, infilter string, write func(t *testing.T, path string, rows [][]any), ext string) conformanceFormat {
	return conformanceFormat{name: name, write: func(t *testing.T, dir string, files map[string][][]any) map[string]string {
		xls := convertBatch(t, name, infilter, func(src string) []string {
			var inputs []string
			for base, rows := range files {
				p := filepath.Join(src, base+ext)
				write(t, p, rows)
				inputs = append(inputs, p)
			}
			slices.Sort(inputs)
			return inputs
		})
		out := map[string]string{}
		for base := range files {
			out[base] = filepath.Join(dir, base+".xls")
			copyFile(t, xls[base], out[base])
		}
		return out
	}}
}

func writeConformanceXLSX(t *testing.T, path string, rows [][]any) {
	writeXLSX(t, path, sheetData{name: "Sheet1", rows: rows, merges: [][2]string{conformanceTitleMerge}})
}

func writeConformanceCSV(t *testing.T, path string, rows [][]any) {
	writeCSV(t, path, padRows(stringRows(rows)), "utf-8", ',')
}

// conformanceFormats are every way a department file reaches the importer.
var conformanceFormats = []conformanceFormat{
	eachFile("xlsx", ".xlsx", writeConformanceXLSX).is("xlsx", ""),
	eachFile("csv-utf8", ".csv", writeConformanceCSV).is("csv", EncodingUTF8),
	eachFile("csv-utf8-bom", ".csv", func(t *testing.T, path string, rows [][]any) {
		writeCSV(t, path, padRows(stringRows(rows)), "utf-8-bom", ',')
	}).is("csv", EncodingUTF8BOM),
	eachFile("csv-gb18030", ".csv", func(t *testing.T, path string, rows [][]any) {
		writeCSV(t, path, padRows(stringRows(rows)), "gb18030", ',')
	}).is("csv", EncodingGB18030),
	eachFile("tsv-gb18030", ".txt", func(t *testing.T, path string, rows [][]any) {
		// Title lines written as single fields, as many tools export them.
		s := stringRows(rows)
		s[0] = s[0][:1]
		writeCSV(t, path, s, "gb18030", '\t')
	}).is("csv", EncodingGB18030),
	// An xlsx saved under an .xls name.
	eachFile("xlsx-named-xls", ".xls", func(t *testing.T, path string, rows [][]any) {
		writeConformanceXLSX(t, path+".xlsx", rows) // excelize saves by the name's extension
		if err := os.Rename(path+".xlsx", path); err != nil {
			t.Fatal(err)
		}
	}).is("xlsx", ""),
	// An HTML table saved as .xls, in GBK with a gb2312 meta charset.
	eachFile("html-xls", ".xls", func(t *testing.T, path string, rows [][]any) {
		writeHTML(t, path, sheetData{name: "Sheet1", rows: rows, merges: [][2]string{conformanceTitleMerge}})
	}).is("html", EncodingGB18030),
	// Real BIFF8 .xls made by LibreOffice from the xlsx, and from the CSV (columns typed as text on import,
	// as a careful clerk does; an ID typed as a number is another test's business).
	viaLibreOffice("xls-from-xlsx", "", writeConformanceXLSX, ".xlsx").is("xls", ""),
	viaLibreOffice("xls-from-csv", csvTextFilter(32), writeConformanceCSV, ".csv").is("xls", ""),
}

// padRows gives every record the header's width, as Excel's CSV export does.
func padRows(rows [][]string) [][]string {
	width := len(rows[2])
	for i, r := range rows {
		for len(r) < width {
			r = append(r, "")
		}
		rows[i] = r
	}
	return rows
}

// A conformanceExtra is a file of a layout the cases cannot express (a two-level header), written in every
// format beside them; check loads it into a fresh database and judges it. Kinds add theirs from their own
// test files.
type conformanceExtra struct {
	base  string
	rows  [][]any
	check func(t *testing.T, db *sql.DB, path string)
}

var conformanceExtras []conformanceExtra

// TestConformance runs every source kind through every format: header found under the title rows, aliases
// mapped, blank and 合计 rows skipped, a row without a person key rejected whole, unreadable values
// rejected one by one with the rest of their row loaded, and the counts adding up. A second file per kind
// carries every form of an ID and of a date that sources.md lists, through the same format.
func TestConformance(t *testing.T) {
	files := map[string][][]any{}
	for _, c := range conformanceCases {
		files[string(c.kind)] = conformanceRows(c)
		files[string(c.kind)+"-forms"] = formsRows(c)
	}
	for _, x := range conformanceExtras {
		files[x.base] = x.rows
	}
	for _, format := range conformanceFormats {
		t.Run(format.name, func(t *testing.T) {
			t.Parallel() // LibreOffice's start-up dominates; formats wait for it side by side
			db := openDB(t)
			formsDB := openDB(t)
			paths := format.write(t, t.TempDir(), files)
			for _, x := range conformanceExtras {
				t.Run(x.base, func(t *testing.T) { x.check(t, openDB(t), paths[x.base]) })
			}
			for _, c := range conformanceCases {
				t.Run(string(c.kind), func(t *testing.T) {
					path := paths[string(c.kind)]
					res := only(t, loadFile(t, db, path))
					if res.Status != bidui.FileLoaded || res.Kind != c.kind {
						t.Fatalf("status %s kind %q err %v, want loaded %s", res.Status, res.Kind, res.Err, c.kind)
					}
					if res.Format != format.format || res.Encoding != format.encoding {
						t.Errorf("format %q encoding %q, want %q %q", res.Format, res.Encoding, format.format, format.encoding)
					}
					if res.HeaderRow != 3 {
						t.Errorf("header row %d, want 3", res.HeaderRow)
					}
					wantRead := int64(len(c.data) + 2) // + blank + 合计
					if res.RowsRead != wantRead || res.RowsSkipped != 2 || res.RowsRejected != 1 || res.RowsLoaded != wantRead-3 {
						t.Errorf("rows read %d loaded %d skipped %d rejected %d, want %d %d 2 1",
							res.RowsRead, res.RowsLoaded, res.RowsSkipped, res.RowsRejected, wantRead, wantRead-3)
					}
					// Every header of the case is either mapped or kept in extra.
					for canonical, seen := range res.Columns {
						if !slices.Contains(c.header, seen) {
							t.Errorf("column %s from header %q, which the file does not have", canonical, seen)
						}
					}
					got := queryStrings(t, db, `SELECT field || '|' || reason FROM rejects
						WHERE file_id = ? AND row_no = 6 ORDER BY 1`, res.FileID)
					if !reflect.DeepEqual(got, c.rejects) {
						t.Errorf("rejects of row 6: %q, want %q", got, c.rejects)
					}
					whole := queryStrings(t, db, `SELECT row_no || '|' || coalesce("column", '∅') || '|' || reason
						FROM rejects WHERE file_id = ? AND field IS NULL`, res.FileID)
					if want := []string{"7|∅|no_person_key"}; !reflect.DeepEqual(whole, want) {
						t.Errorf("whole-row rejects %q, want %q", whole, want)
					}
					sheet := queryOne(t, db, `SELECT DISTINCT sheet FROM rejects WHERE file_id = ?`, res.FileID)
					if sheet != res.Sheet {
						t.Errorf("rejects sheet %q, want %q", sheet, res.Sheet)
					}
					var loaded int64
					if err := db.QueryRow(`SELECT count(*) FROM `+c.kind.Table()+` WHERE file_id = ?`, res.FileID).Scan(&loaded); err != nil {
						t.Fatal(err)
					}
					if loaded != res.RowsLoaded {
						t.Errorf("%d rows in %s, result says %d", loaded, c.kind.Table(), res.RowsLoaded)
					}
					// Each kind is loaded once per database, so the case's query sees only this file.
					if got := queryOne(t, db, c.query); got != c.want {
						t.Errorf("query:\n got %s\nwant %s", got, c.want)
					}

					// The forms file: every written form of an ID and of a date, through this format.
					forms := only(t, loadFile(t, formsDB, paths[string(c.kind)+"-forms"]))
					if forms.Status != bidui.FileLoaded || forms.Kind != c.kind {
						t.Fatalf("forms file: status %s kind %q err %v", forms.Status, forms.Kind, forms.Err)
					}
					wantRows, wantRejects := formsWant(c)
					if got := queryStrings(t, formsDB, formsQuery(c), forms.FileID); !reflect.DeepEqual(got, wantRows) {
						t.Errorf("forms file rows (row|id|date|precision):\n got %q\nwant %q", got, wantRows)
					}
					gotRejects := queryStrings(t, formsDB, `SELECT row_no || '|' || field || '|' || reason || '|' || "column"
						FROM rejects WHERE file_id = ? ORDER BY row_no`, forms.FileID)
					if !reflect.DeepEqual(gotRejects, wantRejects) {
						t.Errorf("forms file rejects:\n got %q\nwant %q", gotRejects, wantRejects)
					}
				})
			}
		})
	}
}
