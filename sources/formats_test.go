package sources

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bidui/bidui"
	"github.com/xuri/excelize/v2"
)

// twoLevelFiles are sheets whose header has two levels: merged parent labels over child labels, and
// columns that span both header rows.
var twoLevelFiles = map[string]sheetData{
	// 户主信息 over 姓名/身份证号 in a person table is the person; 帮扶措施 over the measure columns;
	// 致贫/返贫风险 over 1/2 is 致贫/返贫风险1 and 2.
	"gs2": {name: "监测对象", rows: [][]any{
		{"监测对象信息表"},
		{"户编号", "户主信息", "", "帮扶措施", "", "致贫/返贫风险", "", "备注"},
		{"", "姓名", "身份证号", "产业帮扶", "就业帮扶", "1", "2", ""},
		{"370323001001000011", "张三", cfID1, "种植", "务工", "因病", "因学", "会计"},
		{"370323001001000012", "李四", cfID2, "", "公益岗位", "因残", "", ""},
	}, merges: [][2]string{{"A1", "H1"}, {"A2", "A3"}, {"B2", "C2"}, {"D2", "E2"}, {"F2", "G2"}, {"H2", "H3"}}},
	// 户主信息 and 成员信息 over the same two labels: the parent tells them apart.
	"dibao2": {name: "低保", rows: [][]any{
		{"农村低保名册"},
		{"户主信息", "", "成员信息", "", "审批日期", "保障状态"},
		{"姓名", "身份证号", "姓名", "身份证号", "", ""},
		{"张三", cfID1, "李四", cfID2, "2023-05-12", "在保"},
	}, merges: [][2]string{{"A1", "F1"}, {"A2", "B2"}, {"C2", "D2"}, {"E2", "E3"}, {"F2", "F3"}}},
	// 总费用 under both 住院 and 门诊 is neither column's alone: both stay in extra as 住院/总费用 and 门诊/总费用.
	"medical2": {name: "医保", rows: [][]any{
		{"姓名", "身份证号", "参保状态", "住院", "", "门诊", "", "年度"},
		{"", "", "", "个人自付", "总费用", "个人自付", "总费用", ""},
		{"张三", cfID1, "正常", "100", "1000", "20", "200", "2023"},
	}, merges: [][2]string{{"A1", "A2"}, {"B1", "B2"}, {"C1", "C2"}, {"D1", "E1"}, {"F1", "G1"}, {"H1", "H2"}}},
}

// TestTwoLevelHeader reads two-level merged headers from xlsx, from an HTML table saved as .xls and from a
// real .xls.
func TestTwoLevelHeader(t *testing.T) {
	writers := map[string]func(t *testing.T, dir string) map[string]string{
		"xlsx": func(t *testing.T, dir string) map[string]string {
			out := map[string]string{}
			for base, sh := range twoLevelFiles {
				out[base] = filepath.Join(dir, base+".xlsx")
				writeXLSX(t, out[base], sh)
			}
			return out
		},
		"html-xls": func(t *testing.T, dir string) map[string]string {
			out := map[string]string{}
			for base, sh := range twoLevelFiles {
				out[base] = filepath.Join(dir, base+".xls")
				writeHTML(t, out[base], sh)
			}
			return out
		},
		"xls": func(t *testing.T, dir string) map[string]string {
			return twoLevelBatch(t)
		},
	}
	for _, format := range []string{"xlsx", "html-xls", "xls"} {
		t.Run(format, func(t *testing.T) {
			db := openDB(t)
			paths := writers[format](t, t.TempDir())

			gs := only(t, loadFile(t, db, paths["gs2"]))
			if gs.Status != bidui.FileLoaded || gs.Kind != bidui.KindGS || gs.HeaderRow != 3 || gs.RowsLoaded != 2 {
				t.Fatalf("gs2: status %s kind %s header row %d loaded %d err %v", gs.Status, gs.Kind, gs.HeaderRow,
					gs.RowsLoaded, gs.Err)
			}
			if gs.Columns["name"] != "姓名" || gs.Columns["household_no"] != "户编号" {
				t.Errorf("gs2 columns %v", gs.Columns)
			}
			got := queryStrings(t, db, `SELECT name, id_number, risks, measures, extra->>'备注' FROM src_gs ORDER BY row_no`)
			want := []string{
				"张三|" + cfID1 + "|[因病 因学]|[map[category:产业帮扶 text:种植] map[category:就业帮扶 text:务工]]|会计",
				"李四|" + cfID2 + "|[因残]|[map[category:就业帮扶 text:公益岗位]]|∅",
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("gs2 rows:\n got %q\nwant %q", got, want)
			}

			dibao := only(t, loadFile(t, db, paths["dibao2"]))
			if dibao.Status != bidui.FileLoaded || dibao.Kind != bidui.KindDibao || dibao.HeaderRow != 3 {
				t.Fatalf("dibao2: status %s kind %s header row %d err %v", dibao.Status, dibao.Kind, dibao.HeaderRow, dibao.Err)
			}
			wantCols := map[string]string{"head_name": "户主信息/姓名", "head_id": "户主信息/身份证号",
				"name": "成员信息/姓名", "id_number": "成员信息/身份证号"}
			for c, h := range wantCols {
				if dibao.Columns[c] != h {
					t.Errorf("dibao2 column %s from %q, want %q (all: %v)", c, dibao.Columns[c], h, dibao.Columns)
				}
			}
			if got, want := queryOne(t, db, `SELECT concat_ws(',', head_name, head_id, name, id_number, approved_on, status) FROM src_dibao`),
				"张三,"+cfID1+",李四,"+cfID2+",2023-05-12,active"; got != want {
				t.Errorf("dibao2 row %s, want %s", got, want)
			}

			medical := only(t, loadFile(t, db, paths["medical2"]))
			if medical.Status != bidui.FileLoaded || medical.Kind != bidui.KindMedical {
				t.Fatalf("medical2: status %s kind %s err %v", medical.Status, medical.Kind, medical.Err)
			}
			if c, ok := medical.Columns["total_cost"]; ok {
				t.Errorf("medical2: total_cost read from %q, though 总费用 stands under both 住院 and 门诊", c)
			}
			if got, want := queryOne(t, db, `SELECT concat_ws(',', total_cost, extra->>'住院/总费用', extra->>'门诊/总费用') FROM src_medical`), "1000,200"; got != want {
				t.Errorf("medical2: total_cost and extra %s, want %s", got, want)
			}
		})
	}
}

// TestNumericIDCells: an 18-digit ID stored as a number is read exactly from the raw cell (a float64 cannot
// hold it); one that Excel already rounded is rejected with id_excel_rounded while the rest of its row
// loads; a zero fraction written by a tool is dropped.
func TestNumericIDCells(t *testing.T) {
	exact := "370323198001011234"
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "numbers.xlsx")
	writeXLSX(t, path, sheetData{name: "Sheet1", rows: [][]any{
		{"户编号", "姓名", "身份证号码", "出生日期"},
		{"H1", "张三", num(exact), num("29221")},
		{"H1", "李四", num("3.70323198001011E+17"), "1982-03-05"},
		{"H1", "王五", num(cfID3 + ".0"), ""},
		{"H1", "赵六", "370323198001011000", ""},
	}})
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileLoaded || res.RowsLoaded != 4 {
		t.Fatalf("status %s loaded %d err %v", res.Status, res.RowsLoaded, res.Err)
	}
	got := queryStrings(t, db, `SELECT name, coalesce(id_number, '∅'), id_raw, coalesce(CAST(birth_date AS VARCHAR), '∅')
		FROM src_gs ORDER BY row_no`)
	want := []string{
		"张三|" + exact + "|" + exact + "|1980-01-01",
		"李四|∅|3.70323198001011E+17|1982-03-05",
		"王五|" + cfID3 + "|" + cfID3 + ".0|∅",
		"赵六|∅|370323198001011000|∅",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %q\nwant %q", got, want)
	}
	rejects := queryStrings(t, db, `SELECT row_no, "column", field, value, reason FROM rejects ORDER BY row_no`)
	wantRejects := []string{
		"3|身份证号码|id_number|3.70323198001011E+17|id_excel_rounded",
		"5|身份证号码|id_number|370323198001011000|id_excel_rounded",
	}
	if !reflect.DeepEqual(rejects, wantRejects) {
		t.Errorf("rejects:\n got %q\nwant %q", rejects, wantRejects)
	}
}

// TestBadInputs: every kind of broken input fails (or is reported) with a message that names the file, and
// the sheet and row where they apply.
func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.xlsx")
	writeXLSX(t, good, sheetData{name: "名单", rows: [][]any{{"户编号", "姓名", "身份证号码"}, {"H1", "张三", cfID1}}})
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	pngHeader := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
	tests := []struct {
		name   string
		file   string
		write  func(path string)
		status string
		is     error
		want   []string // substrings of the error message
		sheet  string
		row    int
	}{
		{name: "truncated xlsx", file: "cut.xlsx", write: func(p string) { writeBytes(t, p, goodBytes[:len(goodBytes)/2]) },
			status: bidui.FileFailed, is: ErrUnreadable, want: []string{"cut.xlsx", "cannot read workbook"}},
		{name: "binary named csv", file: "image.csv", write: func(p string) { writeBytes(t, p, pngHeader) },
			status: bidui.FileFailed, is: ErrNotTabular, want: []string{"image.csv", "PNG"}},
		{name: "NUL bytes named csv", file: "blob.csv", write: func(p string) { writeBytes(t, p, []byte("a,b\x00\x01\x02,c\n")) },
			status: bidui.FileFailed, is: ErrNotTabular, want: []string{"blob.csv", "binary"}},
		{name: "empty file", file: "zero.csv", write: func(p string) { writeBytes(t, p, nil) },
			status: bidui.FileFailed, is: ErrEmpty, want: []string{"zero.csv", "empty"}},
		{name: "empty sheet", file: "blank.xlsx", write: func(p string) {
			writeXLSX(t, p, sheetData{name: "空表", rows: [][]any{{"", ""}}})
		}, status: bidui.FileFailed, is: ErrEmpty, want: []string{"blank.xlsx", `sheet "空表" is empty`}, sheet: "空表"},
		{name: "no known headers", file: "other.xlsx", write: func(p string) {
			writeXLSX(t, p, sheetData{name: "统计", rows: [][]any{{"某镇统计表"}, {"项目", "数量", "单位"}, {"道路", "3", "条"}}})
		}, status: bidui.FileUnrecognised, is: ErrNoKind, want: []string{"other.xlsx", `sheet "统计"`, "headers seen: 项目, 数量, 单位"},
			sheet: "统计"},
		{name: "damaged xls", file: "old.xls", write: func(p string) {
			writeBytes(t, p, append(append([]byte{}, magicOLE2...), make([]byte, 600)...))
		}, status: bidui.FileFailed, is: ErrUnreadable, want: []string{"old.xls", "damaged OLE2"}},
		{name: "cut HTML with no table", file: "page.xls", write: func(p string) {
			writeBytes(t, p, []byte("<html><body><table></table><p>导出失败</p></body></html>"))
		}, status: bidui.FileFailed, is: ErrEmpty, want: []string{"page.xls", "no table"}},
		{name: "undecodable text", file: "mixed.csv", write: func(p string) {
			writeBytes(t, p, []byte("户编号,姓名,身份证号码\nH1,\x81\x20,"+cfID1+"\n"))
		}, status: bidui.FileFailed, is: ErrEncoding, want: []string{"mixed.csv", "line 2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			tc.write(path)
			results, err := Check(context.Background(), path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			res := only(t, results)
			if res.Status != tc.status {
				t.Fatalf("status %s, want %s (err %v)", res.Status, tc.status, res.Err)
			}
			if !errors.Is(res.Err, tc.is) {
				t.Errorf("err %v, want %v", res.Err, tc.is)
			}
			var ferr *FileError
			if !errors.As(res.Err, &ferr) || ferr.Path != path || ferr.Sheet != tc.sheet || ferr.Row != tc.row {
				t.Errorf("err %#v, want a FileError for %s sheet %q row %d", res.Err, path, tc.sheet, tc.row)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Err.Error(), w) {
					t.Errorf("message %q does not say %q", res.Err, w)
				}
			}
		})
	}
}

// TestWrongColumnCount: a CSV record with more or fewer fields than its header is rejected whole, named by
// file, sheet and row, and the rest of the file loads.
func TestWrongColumnCount(t *testing.T) {
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "ragged.csv")
	writeBytes(t, path, []byte("户编号,姓名,身份证号码,备注\r\n"+
		"H1,张三,"+cfID1+",\r\n"+
		"H1,李四,"+cfID2+"\r\n"+ // the empty last field left out, as Excel does: loads
		"H1,王五,"+cfID3+",x,多出来\r\n"+ // one field too many: a value out of its column
		"H1,赵六,"+cfID4+",,\r\n")) // an empty extra field is harmless
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileLoaded || res.RowsRead != 4 || res.RowsLoaded != 3 || res.RowsRejected != 1 {
		t.Fatalf("status %s read %d loaded %d rejected %d err %v", res.Status, res.RowsRead, res.RowsLoaded,
			res.RowsRejected, res.Err)
	}
	got := queryStrings(t, db, `SELECT sheet, row_no, reason FROM rejects ORDER BY row_no`)
	want := []string{"ragged.csv|4|wrong_column_count"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rejects %q, want %q", got, want)
	}
	if got := queryOne(t, db, `SELECT name || '|' || id_number FROM src_gs WHERE row_no = 3`); got != "李四|"+cfID2 {
		t.Errorf("the short row loaded as %s", got)
	}
}

// TestHTMLGrid expands colspan and rowspan into a grid, decodes entities and line breaks, ignores script and
// style text, and keeps a nested table apart.
func TestHTMLGrid(t *testing.T) {
	page := `<html><head><title>不是表格</title><style>td { mso-number-format:"\@"; }</style>
<script>var x = "<td>no</td>";</script></head><body>
<table>
<tr><td colspan=3>标题</td></tr>
<tr><td rowspan=2>A</td><td>B&nbsp;1</td><td rowspan="3">C</td></tr>
<tr><td>B2 <br>
  二行</td>
<tr><td>a3<td>b3
<tr><td colspan=2 rowspan=2>x</td><td>y</td></tr>
<tr><td>z<table><tr><td>inner</td></tr></table></td></tr>
</table></body></html>`
	tables, err := parseHTMLTables(page, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := [][][]string{
		{{"inner"}},
		{
			{"标题", "标题", "标题"},
			{"A", "B\u00a01", "C"},
			{"A", "B2\n二行", "C"},
			{"a3", "b3", "C"},
			{"x", "x", "y"},
			{"x", "x", "z"},
		},
	}
	if !reflect.DeepEqual(tables, want) {
		t.Errorf("tables:\n got %q\nwant %q", tables, want)
	}
	// Hostile spans are capped by the size of the page, and by the cells a row may have.
	hostile := "<table>" + strings.Repeat("<tr><td colspan=99999 rowspan=99999>x</td></tr>", 200) + "</table>"
	if _, err := parseHTMLTables(hostile, DefaultLimits); !errors.Is(err, ErrLimit) {
		t.Errorf("hostile spans: err %v, want ErrLimit", err)
	}
	if _, err := parseHTMLTables(hostile, Limits{CellsPerRow: 1 << 30}.withDefaults()); !errors.Is(err, ErrNotTabular) {
		t.Errorf("hostile spans: err %v, want ErrNotTabular", err)
	}
}

// TestConvertXLSErrors: without LibreOffice the error says how to install it; a conversion that takes too
// long is killed and reported; a cancelled context is returned as such.
func TestConvertXLSErrors(t *testing.T) {
	data := twoLevelXLS(t)

	t.Run("missing soffice", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		savedPaths, savedGlob := sofficePaths, sofficeGlob
		sofficePaths, sofficeGlob = nil, filepath.Join(t.TempDir(), "none*")
		defer func() { sofficePaths, sofficeGlob = savedPaths, savedGlob }()
		_, err := convertXLS(context.Background(), data, t.TempDir())
		if !errors.Is(err, ErrNoConverter) || !strings.Contains(err.Error(), "apt-get install libreoffice-calc-nogui") {
			t.Errorf("err %v, want ErrNoConverter naming the install command", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		saved := ConvertTimeout
		ConvertTimeout = 50 * time.Millisecond
		defer func() { ConvertTimeout = saved }()
		start := time.Now()
		_, err := convertXLS(context.Background(), data, t.TempDir())
		if !errors.Is(err, ErrConversion) || !strings.Contains(err.Error(), "did not finish") {
			t.Errorf("err %v, want ErrConversion saying it did not finish", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %s after the timeout", d)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := convertXLS(ctx, data, t.TempDir()); !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
	})
	t.Run("cancelled while converting", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		if _, err := convertXLS(ctx, data, t.TempDir()); !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %s after the cancellation", d)
		}
	})
	t.Run("two at once", func(t *testing.T) {
		// Each conversion has its own profile, so they do not wait for or break each other.
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				out, err := convertXLS(context.Background(), data, t.TempDir())
				if err == nil && !slices.Equal(out[:4], magicZip) {
					err = errors.New("not an xlsx")
				}
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	})
}

// twoLevelBatch converts the files of the two-level header test to .xls (once per test run).
func twoLevelBatch(t *testing.T) map[string]string {
	t.Helper()
	return convertBatch(t, "two-level", "", func(src string) []string {
		var inputs []string
		for base, sh := range twoLevelFiles {
			p := filepath.Join(src, base+".xlsx")
			writeXLSX(t, p, sh)
			inputs = append(inputs, p)
		}
		return inputs
	})
}

// twoLevelXLS returns the bytes of a legacy .xls workbook (the gs file of the two-level header test).
func twoLevelXLS(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(twoLevelBatch(t)["gs2"])
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeBytes(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestXMLSpreadsheet reads an Excel 2003 XML Spreadsheet saved as .xls through LibreOffice.
func TestXMLSpreadsheet(t *testing.T) {
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "导出.xls")
	cell := func(v string) string { return `<Cell><Data ss:Type="String">` + v + `</Data></Cell>` }
	row := func(cells ...string) string {
		var b strings.Builder
		b.WriteString("<Row>")
		for _, c := range cells {
			b.WriteString(cell(c))
		}
		b.WriteString("</Row>\n")
		return b.String()
	}
	writeBytes(t, path, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
<Worksheet ss:Name="名单"><Table>
`+row("特困人员名册")+row("姓名", "身份证号码", "供养方式", "认定日期")+row("赵六", cfID4, "分散供养", "2021.3.1")+
		`</Table></Worksheet></Workbook>`))
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileLoaded || res.Format != "xml" || res.Kind != bidui.KindTekun || res.Sheet != "名单" ||
		res.HeaderRow != 2 || res.RowsLoaded != 1 {
		t.Fatalf("status %s format %s kind %s sheet %q header row %d loaded %d err %v", res.Status, res.Format,
			res.Kind, res.Sheet, res.HeaderRow, res.RowsLoaded, res.Err)
	}
	if got, want := queryOne(t, db, `SELECT concat_ws(',', name, id_number, support_mode, approved_on) FROM src_tekun`),
		"赵六,"+cfID4+",分散供养,2021-03-01"; got != want {
		t.Errorf("row %s, want %s", got, want)
	}
}

func TestKindFromName(t *testing.T) {
	tests := map[string]bidui.Kind{
		"inbox/沂源县鲁村镇_全国系统_监测对象信息.xlsx": bidui.KindGS,
		"沂源县鲁村镇_民政_农村低保名册.csv":          bidui.KindDibao,
		"特困人员名册（第二批）.xls":               bidui.KindTekun,
		"低保特困名单.xlsx":                   "", // two kinds: not guessed
		"沂源县鲁村镇_医保_参保及费用.csv":           bidui.KindMedical,
		"学籍信息２０２３.xlsx":                 bidui.KindEducation,
		"沂源县鲁村镇_防止返贫监测研判台账.xlsx":        bidui.KindReview,
		"out/鲁村镇/东坡村_问题清单_已核实.xlsx":     bidui.KindVerification,
		"新建 Microsoft Excel 工作表.xlsx":   "",
	}
	for name, want := range tests {
		if got := KindFromName(name); got != want {
			t.Errorf("KindFromName(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestAnnotatedHeaders: a template's notes around a header (必填 marks, format hints in brackets) do not
// hide it, while a header that is an alias with its brackets (县(市、区)) keeps that meaning.
func TestAnnotatedHeaders(t *testing.T) {
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "annotated.csv")
	writeCSV(t, path, [][]string{
		{"县(市、区)", "乡镇（街道）", "村(居)委会", "★户主姓名", "户主身份证号", "成员姓名*", "成员身份证号（必填）",
			"审批日期[格式:2023-05-12]", "月保障金额【元】", "保障状态"},
		{"某县", "某镇", "甲村", "张三", cfID1, "张三", cfID1, "2023-05-12", "1200", "在保"},
	}, "utf-8", ',')
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileLoaded || res.Kind != bidui.KindDibao {
		t.Fatalf("status %s kind %q err %v", res.Status, res.Kind, res.Err)
	}
	want := map[string]string{"county": "县(市、区)", "name": "成员姓名*", "id_number": "成员身份证号（必填）",
		"approved_on": "审批日期[格式:2023-05-12]", "monthly_amount": "月保障金额【元】", "head_name": "★户主姓名"}
	for c, h := range want {
		if res.Columns[c] != h {
			t.Errorf("column %s from %q, want %q (all: %v)", c, res.Columns[c], h, res.Columns)
		}
	}
	if got := queryOne(t, db, `SELECT concat_ws(',', name, id_number, approved_on, monthly_amount) FROM src_dibao`); got != "张三,"+cfID1+",2023-05-12,1200.0" {
		t.Errorf("row %s", got)
	}
}

func TestBareHeader(t *testing.T) {
	for in, want := range map[string]string{
		"身份证号码(必填)": "身份证号码", "★姓名": "姓名", "*姓名*": "姓名", "出生日期[yyyy-mm-dd]": "出生日期",
		"月保障金额【元】": "月保障金额", "县(市、区)": "县", "(备注)": "(备注)", "姓名": "姓名", "※证件号码(18位)★": "证件号码",
	} {
		if got := bareHeader(in); got != want {
			t.Errorf("bareHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFooterLines: the lines a form puts under its data (制表人, 审核人, 注) are skipped like 合计 rows, not
// rejected as rows without a person.
func TestFooterLines(t *testing.T) {
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "footer.csv")
	writeCSV(t, path, [][]string{
		{"户编号", "姓名", "身份证号码", "备注"},
		{"H1", "张三", cfID1, ""},
		{"H1", "李四", cfID2, "注：户主之妻"},
		{"制表人：王五", "", "审核人：赵六", ""},
		{"注：本表由乡镇填报，数据截至2023年5月", "", "", ""},
		{"联系电话", "13800000000", "", ""},
		{"制表：张三", "", "审核：李四", ""},
		{"打印日期：2023-06-01", "", "", ""},
		{"村委会（盖章）", "", "", ""},
		{"1、本表由村两委填写。", "", "", ""},
		// A footer merged across the row: the merged cells repeat its text.
		{"制表人：王五  审核人：赵六", "制表人：王五  审核人：赵六", "制表人：王五  审核人：赵六", "制表人：王五  审核人：赵六"},
		{"注：" + cfID3, "", "", ""}, // an ID: not a footer
	}, "utf-8", ',')
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileLoaded || res.RowsLoaded != 2 || res.RowsSkipped != 8 || res.RowsRejected != 1 {
		t.Errorf("loaded %d skipped %d rejected %d, want 2 8 1 (err %v)", res.RowsLoaded, res.RowsSkipped, res.RowsRejected, res.Err)
	}
}

// TestTemplateRows: the empty rows of a form numbered in advance (序号 only), or under a village merged down
// over them, are skipped, not rejected as rows without a person.
func TestTemplateRows(t *testing.T) {
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "template.xlsx")
	rows := [][]any{
		{"序号", "乡镇", "村", "户主姓名", "户主身份证号", "研判日期", "研判结论"},
		{"1", "某镇", "甲村", "张三", cfID1, "2023-05-12", "纳入监测"},
		{"2", "某镇", "甲村", "李四", cfID2, "2023-05-13", "不纳入"},
	}
	for i := 3; i <= 12; i++ {
		rows = append(rows, []any{strconv.Itoa(i), "", "", "", "", "", ""})
	}
	rows = append(rows, []any{"13", "", "", "", "", "", "纳入监测"}) // a conclusion without a household: rejected
	writeXLSX(t, path, sheetData{name: "台账", rows: rows, merges: [][2]string{{"C2", "C13"}}})
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileLoaded || res.RowsLoaded != 2 || res.RowsSkipped != 10 || res.RowsRejected != 1 {
		t.Errorf("loaded %d skipped %d rejected %d, want 2 10 1 (err %v)", res.RowsLoaded, res.RowsSkipped, res.RowsRejected, res.Err)
	}
}

// TestHeadGroupIsNotThePerson: in a 全国系统 sheet whose header groups 姓名 and 证件号码 under 户主信息 and again
// under 成员信息, each row is the member, not the head repeated.
func TestHeadGroupIsNotThePerson(t *testing.T) {
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "gs-groups.csv")
	writeCSV(t, path, [][]string{
		{"序号", "户编号", "户主信息", "", "成员信息", "", "", "识别监测时间"},
		{"", "", "姓名", "证件号码", "姓名", "证件号码", "与户主关系", ""},
		{"1", "H1", "张三", cfID1, "张三", cfID1, "户主", "2023-05"},
		{"2", "H1", "张三", cfID1, "李四", cfID2, "配偶", "2023-05"},
	}, "utf-8", ',')
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileLoaded || res.Kind != bidui.KindGS {
		t.Fatalf("status %s kind %s err %v", res.Status, res.Kind, res.Err)
	}
	got := queryStrings(t, db, `SELECT name, id_number FROM src_gs ORDER BY row_no`)
	if want := []string{"张三|" + cfID1, "李四|" + cfID2}; !reflect.DeepEqual(got, want) {
		t.Errorf("rows %q, want %q (columns %v)", got, want, res.Columns)
	}
}

// TestExclusiveHeaderDecidesKind: a 特困 roster laid out like a 低保 one (户主姓名, 与户主关系, 保障人数, 保障状态)
// maps more dibao columns, but only 特困 knows its required 供养方式: it is tekun.
func TestExclusiveHeaderDecidesKind(t *testing.T) {
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "特困人员名册.csv")
	writeCSV(t, path, [][]string{
		{"乡镇", "村", "户主姓名", "姓名", "性别", "身份证号", "与户主关系", "保障人数", "供养方式", "供养标准（元/月）", "审批日期", "保障状态"},
		{"某镇", "甲村", "赵六", "赵六", "男", cfID4, "户主", "1", "分散供养", "800", "2021-03-01", "正常"},
	}, "gb18030", ',')
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileLoaded || res.Kind != bidui.KindTekun {
		t.Fatalf("status %s kind %s err %v, want loaded tekun", res.Status, res.Kind, res.Err)
	}
	if got := queryOne(t, db, `SELECT name || '|' || support_mode || '|' || status FROM src_tekun`); got != "赵六|分散供养|active" {
		t.Errorf("row %s", got)
	}
}

// TestTabSuffixedFields: a CSV whose every field ends in a tab (written so that Excel keeps the IDs as text)
// is comma-separated, and the tabs are not part of the values.
func TestTabSuffixedFields(t *testing.T) {
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "tabbed.csv")
	rows := [][]string{
		{"姓名", "身份证号", "参保状态", "参保年度", "个人自付合计"},
		{"张三", cfID1, "参保缴费", "2023", "1200.5"},
		{"李四", cfID2, "暂停", "2023", "0"},
	}
	for _, r := range rows {
		for i := range r {
			r[i] += "\t"
		}
	}
	writeCSV(t, path, rows, "gb18030", ',')
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileLoaded || res.Kind != bidui.KindMedical || res.RowsLoaded != 2 {
		t.Fatalf("status %s kind %s loaded %d err %v", res.Status, res.Kind, res.RowsLoaded, res.Err)
	}
	got := queryStrings(t, db, `SELECT name, id_number, insured_status, year, self_pay_total FROM src_medical ORDER BY row_no`)
	want := []string{"张三|" + cfID1 + "|insured|2023|1200.5", "李四|" + cfID2 + "|not_insured|2023|0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
}

// TestMonthFormattedDateCells: a date cell whose number format shows only a month (as Excel and WPS make
// it when 2023-05 or 2023年5月 is typed) loads with month precision, in xlsx and in a real .xls made from it;
// one formatted with its day keeps day precision.
func TestMonthFormattedDateCells(t *testing.T) {
	write := func(path string) {
		f := excelize.NewFile()
		defer f.Close()
		rows := [][]any{
			{"乡镇", "村", "户主姓名", "户主身份证号", "研判日期", "研判结论"},
			{"某镇", "甲村", "张三", cfID1, time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC), "纳入监测"},
			{"某镇", "甲村", "李四", cfID2, time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC), "纳入监测"},
			{"某镇", "甲村", "王五", cfID3, time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC), "纳入监测"},
			{"某镇", "甲村", "赵六", cfID4, time.Date(2023, 8, 1, 0, 0, 0, 0, time.UTC), "纳入监测"},
		}
		for r, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		for cell, format := range map[string]string{"E2": `yyyy"年"m"月"`, "E3": "yyyy-mm", "E5": "yyyy-mm-dd"} {
			st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellStyle("Sheet1", cell, cell, st); err != nil {
				t.Fatal(err)
			}
		}
		st, err := f.NewStyle(&excelize.Style{NumFmt: 17}) // mmm-yy
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", "E4", "E4", st); err != nil {
			t.Fatal(err)
		}
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
	}
	xlsx := filepath.Join(t.TempDir(), "months.xlsx")
	write(xlsx)
	xls := convertBatch(t, "month-cells", "", func(dir string) []string {
		p := filepath.Join(dir, "months.xlsx")
		write(p)
		return []string{p}
	})["months"]
	for _, path := range []string{xlsx, xls} {
		db := openDB(t)
		res := only(t, loadFile(t, db, path))
		if res.Status != bidui.FileLoaded || res.Kind != bidui.KindReview {
			t.Fatalf("%s: status %s kind %s err %v", path, res.Status, res.Kind, res.Err)
		}
		got := queryStrings(t, db, `SELECT reviewed_on, reviewed_on_precision FROM src_review ORDER BY row_no`)
		want := []string{"2023-05-01|month", "2023-06-01|month", "2023-07-01|month", "2023-08-01|day"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, want %q", filepath.Base(path), got, want)
		}
	}
}

// TestDate1904 reads a workbook of the 1904 date system (Excel for Mac before 2011): its date cells count
// days from 1904-01-01, so serial 43596 is 2023-05-12 there (2019-05-11 in the 1900 system); a number typed in
// a cell without a date format is left alone.
func TestDate1904(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mac.xlsx")
	f := excelize.NewFile()
	yes := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"乡镇", "村", "户主姓名", "户主身份证号", "研判日期", "研判结论"},
		{"某镇", "甲村", "张三", cfID1, 43596, "纳入监测"},
		{"某镇", "甲村", "李四", cfID2, 43596, "纳入监测"},
		{"某镇", "甲村", "王五", cfID3, "20230512", "纳入监测"},
	}
	for r, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	day, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	month := `yyyy"年"m"月"`
	mon, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &month})
	f.SetCellStyle("Sheet1", "E2", "E2", day)
	f.SetCellStyle("Sheet1", "E3", "E3", mon)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()
	db := openDB(t)
	if res := only(t, loadFile(t, db, path)); res.Status != bidui.FileLoaded {
		t.Fatalf("status %s: %v", res.Status, res.Err)
	}
	got := strings.Join(queryStrings(t, db, `SELECT strftime(reviewed_on, '%Y-%m-%d') || ' ' || reviewed_on_precision FROM src_review ORDER BY row_no`), ", ")
	if want := "2023-05-12 day, 2023-05-01 month, 2023-05-12 day"; got != want {
		t.Errorf("reviewed_on = %s, want %s", got, want)
	}
}

// TestBlocksWithRepeatedHeaders: a roster made of one block per village, each under its own title and
// header. Every data row of every block loads; the later titles and headers are skipped, not loaded as
// persons named 姓名, and the header is the first one, so that the first block is not lost.
func TestBlocksWithRepeatedHeaders(t *testing.T) {
	for _, ext := range []string{".csv", ".xlsx"} {
		t.Run(ext, func(t *testing.T) {
			rows := [][]string{
				{"某镇一村农村低保名册"},
				{"村", "姓名", "身份证号", "与户主关系", "批准日期"},
				{"一村", "张三", cfID1, "户主", "2023-03-01"},
				{"一村", "李四", cfID2, "配偶", "2023-03-01"},
				{"", "", "", "", ""},
				{"某镇二村农村低保名册"},
				{"村", "姓名", "身份证号", "与户主关系", "批准日期"},
				{"二村", "王五", cfID3, "户主", "2023-04-01"},
				{"二村", "赵六", cfID4, "户主", "2023-04-01"},
			}
			path := filepath.Join(t.TempDir(), "低保"+ext)
			if ext == ".csv" {
				writeCSV(t, path, rows, "utf-8", ',')
			} else {
				sh := sheetData{name: "低保"}
				for _, row := range rows {
					vals := make([]any, len(row))
					for i, v := range row {
						vals[i] = v
					}
					sh.rows = append(sh.rows, vals)
				}
				writeXLSX(t, path, sh)
			}
			// Skipped: a blank row, a title, a header.
			checkDibaoBlocks(t, path, 2, "张三,李四,王五,赵六", 3)
		})
	}
}

// TestCheckMarkColumn: in a yes/no column answered with check marks, a blank cell is a no (sources.md: √/blank);
// in a column of 是/否 a blank stays unknown, and so does a cell that could not be read.
func TestCheckMarkColumn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "全国系统.csv")
	writeCSV(t, path, [][]string{
		{"户编号", "姓名", "证件号码", "是否参加城乡居民基本医疗保险", "是否危房户"},
		{"H1", "张三", cfID1, "√", "否"},
		{"H1", "李四", cfID2, "", ""},
		{"H2", "王五", cfID3, "？？", "是"},
	}, "utf-8", ',')
	db := openDB(t)
	if res := only(t, loadFile(t, db, path)); res.Status != bidui.FileLoaded {
		t.Fatalf("status %s: %v", res.Status, res.Err)
	}
	got := strings.Join(queryStrings(t, db, `SELECT coalesce(resident_medical::VARCHAR, 'NULL') || '/' || coalesce(housing_unsafe::VARCHAR, 'NULL') FROM src_gs ORDER BY row_no`), ", ")
	if want := "true/false, false/NULL, NULL/true"; got != want {
		t.Errorf("resident_medical/housing_unsafe = %s, want %s", got, want)
	}

	// One √ in a column answered 是/否 is not a column of marks: its blanks stay unknown.
	mixed := filepath.Join(t.TempDir(), "全国系统.csv")
	writeCSV(t, mixed, [][]string{
		{"户编号", "姓名", "证件号码", "风险是否已消除"},
		{"H1", "张三", cfID1, "是"},
		{"H1", "李四", cfID2, ""},
		{"H2", "王五", cfID3, "√"},
	}, "utf-8", ',')
	db = openDB(t)
	if res := only(t, loadFile(t, db, mixed)); res.Status != bidui.FileLoaded {
		t.Fatalf("status %s: %v", res.Status, res.Err)
	}
	if got := strings.Join(queryStrings(t, db, `SELECT coalesce(risk_eliminated::VARCHAR, 'NULL') FROM src_gs ORDER BY row_no`), ", "); got != "true, NULL, true" {
		t.Errorf("risk_eliminated in a 是/√ column = %s, want true, NULL, true", got)
	}
}

// TestHeaderOnlyFails: a 医保 CSV cut short inside its first lines keeps a header and nothing under it. Loaded
// as it is, it would say that nobody is insured; it fails instead, naming the file and the header's row. A
// workbook with one such sheet beside a sheet with rows loads.
func TestHeaderOnlyFails(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "医保.csv")
	if err := os.WriteFile(path, []byte("姓名,身份证号,参保状态,参保年度,个人自"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileFailed || res.Err == nil || !strings.Contains(res.Err.Error(), "医保.csv") ||
		!strings.Contains(res.Err.Error(), "nothing is under it") {
		t.Fatalf("status %s, err %v; want failed, naming the file and saying nothing is under the header", res.Status, res.Err)
	}

	book := filepath.Join(dir, "低保.xlsx")
	writeXLSX(t, book, sheetData{name: "一村", rows: [][]any{{"村", "姓名", "身份证号", "批准日期"}, {"一村", "张三", cfID1, "2023-03-01"}}})
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	f.NewSheet("二村")
	f.SetSheetRow("二村", "A1", &[]any{"村", "姓名", "身份证号", "批准日期"})
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, r := range loadFile(t, db, book) {
		if r.Status != bidui.FileLoaded {
			t.Errorf("sheet %s: %s %v, want loaded (another sheet has rows)", r.Sheet, r.Status, r.Err)
		}
	}
}

// TestPrefixedSheetWithoutRefs: a worksheet written with a namespace prefix (<x:c>, as the .NET OpenXML SDK
// writes it) and rows whose cells leave out their optional r attribute: a month-formatted date cell is still
// read at month precision on every row.
func TestPrefixedSheetWithoutRefs(t *testing.T) {
	base := filepath.Join(t.TempDir(), "base.xlsx")
	f := excelize.NewFile()
	month := `yyyy"年"m"月"`
	st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &month})
	if err != nil {
		t.Fatal(err)
	}
	f.SetCellValue("Sheet1", "A1", "x")
	if err := f.SaveAs(base); err != nil {
		t.Fatal(err)
	}
	f.Close()
	is := func(v string) string { return `<x:c t="inlineStr"><x:is><x:t>` + v + `</x:t></x:is></x:c>` }
	isRef := func(ref, v string) string {
		return `<x:c r="` + ref + `" t="inlineStr"><x:is><x:t>` + v + `</x:t></x:is></x:c>`
	}
	sheet := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
		`<x:row r="1">` + isRef("A1", "乡镇") + isRef("B1", "村") + isRef("C1", "户主姓名") + isRef("D1", "户主身份证号") +
		isRef("E1", "研判日期") + isRef("F1", "研判结论") + `</x:row>` +
		`<x:row r="2">` + isRef("A2", "某镇") + isRef("B2", "甲村") + isRef("C2", "张三") + isRef("D2", cfID1) +
		fmt.Sprintf(`<x:c r="E2" s="%d"><x:v>44621</x:v></x:c>`, st) + isRef("F2", "纳入监测") + `</x:row>` +
		`<x:row>` + is("某镇") + is("甲村") + is("李四") + is(cfID2) +
		fmt.Sprintf(`<x:c s="%d"><x:v>44621</x:v></x:c>`, st) + is("纳入监测") + `</x:row>` +
		`</x:sheetData></x:worksheet>`
	zr, err := zip.OpenReader(base)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "研判.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for _, zf := range zr.File {
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if zf.Name == "xl/worksheets/sheet1.xml" {
			w.Write([]byte(sheet))
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, rc)
		rc.Close()
	}
	zr.Close()
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	db := openDB(t)
	if res := only(t, loadFile(t, db, path)); res.Status != bidui.FileLoaded {
		t.Fatalf("status %s: %v", res.Status, res.Err)
	}
	got := strings.Join(queryStrings(t, db, `SELECT strftime(reviewed_on, '%Y-%m-%d') || ' ' || reviewed_on_precision FROM src_review ORDER BY row_no`), ", ")
	if want := "2022-03-01 month, 2022-03-01 month"; got != want {
		t.Errorf("reviewed_on = %s, want %s", got, want)
	}
}

// TestBlocksWithTwoLevelHeaders: the same with a two-level header (户主信息 and 成员信息 over 姓名 and 身份证号)
// repeated over each block: the repeated rows are skipped, not loaded as persons named 姓名 or 成员信息.
func TestBlocksWithTwoLevelHeaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "低保.xlsx")
	writeXLSX(t, path, sheetData{name: "低保", rows: [][]any{
		{"户主信息", "", "成员信息", "", "审批日期", "保障状态"},
		{"姓名", "身份证号", "姓名", "身份证号", "", ""},
		{"张三", cfID1, "张三", cfID1, "2023-05-12", "在保"},
		{"户主信息", "", "成员信息", "", "审批日期", "保障状态"},
		{"姓名", "身份证号", "姓名", "身份证号", "", ""},
		{"王五", cfID3, "赵六", cfID4, "2023-05-12", "在保"},
	}, merges: [][2]string{{"A1", "B1"}, {"C1", "D1"}, {"E1", "E2"}, {"F1", "F2"}, {"A4", "B4"}, {"C4", "D4"}, {"E4", "E5"}, {"F4", "F5"}}})
	checkDibaoBlocks(t, path, 2, "张三,赵六", 2)
}

// checkDibaoBlocks loads a 低保 roster made of blocks and checks that it loaded with its header on row
// header, the persons names (in row order, comma-separated), skipped rows and no rejected ones.
func checkDibaoBlocks(t *testing.T, path string, header int, names string, skipped int64) {
	t.Helper()
	db := openDB(t)
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileLoaded || res.HeaderRow != header {
		t.Fatalf("status %s, header row %d (%v), want loaded with the header on row %d", res.Status, res.HeaderRow, res.Err, header)
	}
	if got := strings.Join(queryStrings(t, db, `SELECT name FROM src_dibao ORDER BY row_no`), ","); got != names {
		t.Errorf("loaded %s, want %s", got, names)
	}
	want := int64(strings.Count(names, ",") + 1)
	if res.RowsLoaded != want || res.RowsSkipped != skipped || res.RowsRejected != 0 {
		t.Errorf("loaded %d skipped %d rejected %d, want %d, %d, 0", res.RowsLoaded, res.RowsSkipped, res.RowsRejected, want, skipped)
	}
}

// TestApplicantAndMembers: a roster whose two-level header puts 申请人信息 and 家庭成员信息 over the same labels:
// the applicant is the head, so the member's 姓名 and 身份证号 are the person's.
func TestApplicantAndMembers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "低保.xlsx")
	writeXLSX(t, path, sheetData{name: "低保", rows: [][]any{
		{"申请人信息", "", "家庭成员信息", "", "审批日期", "保障状态"},
		{"姓名", "身份证号", "姓名", "身份证号", "", ""},
		{"张三", cfID1, "李四", cfID2, "2023-05-12", "在保"},
	}, merges: [][2]string{{"A1", "B1"}, {"C1", "D1"}, {"E1", "E2"}, {"F1", "F2"}}})
	db := openDB(t)
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileLoaded || res.Kind != bidui.KindDibao {
		t.Fatalf("status %s kind %s (%v)", res.Status, res.Kind, res.Err)
	}
	if got, want := queryOne(t, db, `SELECT concat_ws(',', name, id_number) FROM src_dibao`), "李四,"+cfID2; got != want {
		t.Errorf("person %s, want %s", got, want)
	}
}

func TestMonthOnly(t *testing.T) {
	for code, want := range map[string]bool{
		`yyyy"年"m"月"`: true, "yyyy-mm": true, "mmm-yy": true, `[$-804]yyyy"年"m"月";@`: true, "yyyy/m": true,
		"yyyy-mm-dd": false, `yyyy"年"m"月"d"日"`: false, "m/d/yy h:mm": false, "0.00": false, `"月"0`: false,
		"yyyy-mm;[Red]yyyy-mm-dd": true,
	} {
		if got := monthOnly(code); got != want {
			t.Errorf("monthOnly(%q) = %v, want %v", code, got, want)
		}
	}
}

// TestTypedVerificationResults: 核实结果 typed instead of picked from the drop-down is read as the drop-down's
// words when it says the same; anything else stays as written.
func TestTypedVerificationResults(t *testing.T) {
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "东村.csv")
	writeCSV(t, path, [][]string{
		{"序号", "编号", "姓名", "核实结果", "核实说明"},
		{"1", "DB-01-0000000001", "张三", "已整改", ""},
		{"2", "DB-01-0000000002", "李四", "情况属实，无需修正。", ""},
		{"3", "DB-01-0000000003", "王五", " 属 实 ", ""},
		{"4", "DB-01-0000000004", "赵六", "其他", "已迁出"},
		{"5", "DB-01-0000000005", "钱七", "正在核实", ""},
		{"6", "DB-01-0000000006", "孙八", "情况属实，不需修正", ""},
		{"7", "DB-01-0000000007", "周九", "已修正（已在医保系统更正）", ""},
		{"8", "DB-01-0000000008", "吴十", "无需修正（户主长期外出）", ""},
		{"9", "DB-01-0000000009", "郑一", "情况属实,无需整改", ""},
		{"10", "DB-01-0000000010", "王二", "情况不属实", ""},
	}, "utf-8", ',')
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileLoaded || res.Kind != bidui.KindVerification {
		t.Fatalf("status %s kind %s err %v", res.Status, res.Kind, res.Err)
	}
	got := queryStrings(t, db, `SELECT result FROM src_verification ORDER BY row_no`)
	want := []string{bidui.VerifiedCorrected, bidui.VerifiedAccepted, bidui.VerifiedAccepted, "其他", "正在核实",
		bidui.VerifiedAccepted, bidui.VerifiedCorrected, bidui.VerifiedAccepted, bidui.VerifiedAccepted, "情况不属实"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("results %q, want %q", got, want)
	}
}

// TestReturnedWorkbookWithoutNumber: a returned village workbook whose 编号 column was deleted still has 户编号,
// 姓名 and 证件号码, but it is not a 全国系统 export: its sheet is unrecognised, not loaded as gs.
func TestReturnedWorkbookWithoutNumber(t *testing.T) {
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "东村.xlsx")
	writeXLSX(t, path, sheetData{name: bidui.SheetFindings, rows: [][]any{
		{"序号", "问题类型", "严重程度", "户编号", "姓名", "证件号码", "问题说明", "建议处理", "首次发现", "状态", "核实结果（下拉选择）", "核实说明"},
		{"1", "新增农村低保户未进行逐户研判", "高", "370323001001000011", "张三", cfID1, "…", "…", "2023-06-10", "新增", "已修正", ""},
	}})
	res := only(t, loadFile(t, db, path))
	if res.Status != bidui.FileUnrecognised || res.Kind != "" || !strings.Contains(fmt.Sprint(res.Err), "编号") {
		t.Errorf("status %s kind %q err %v, want unrecognised asking for 编号", res.Status, res.Kind, res.Err)
	}
}

// TestRosterStatusDefault: a 民政 roster lists whom it supports: without a 保障状态 column, or with the cell
// blank, a row is active; without the column, a stop date makes it stopped. An unreadable status stays NULL.
func TestRosterStatusDefault(t *testing.T) {
	db := openDB(t)
	dir := t.TempDir()
	noColumn := filepath.Join(dir, "低保-无状态.csv")
	writeCSV(t, noColumn, [][]string{
		{"村", "姓名", "身份证号", "审批日期", "终止时间"},
		{"甲村", "张三", cfID1, "2023-01-05", ""},
		{"甲村", "李四", cfID2, "2022-01-05", "2023-03-01"},
	}, "utf-8", ',')
	blank := filepath.Join(dir, "特困.csv")
	writeCSV(t, blank, [][]string{
		{"村", "姓名", "身份证号", "供养方式", "保障状态"},
		{"甲村", "王五", cfID3, "分散供养", ""},
		{"甲村", "赵六", cfID4, "分散供养", "不清楚"},
	}, "utf-8", ',')
	only(t, loadFile(t, db, noColumn))
	only(t, loadFile(t, db, blank))
	got := queryStrings(t, db, `SELECT name, status FROM src_dibao UNION ALL SELECT name, status FROM src_tekun ORDER BY 1`)
	want := []string{"张三|active", "李四|stopped", "王五|active", "赵六|∅"}
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("statuses %q, want %q", got, want)
	}
}

// TestConversionTempDir: a legacy .xls is converted in a private folder (0700) made inside the folder the
// caller gives, and nothing of it is left there afterwards: not after a conversion, not after one
// cancelled while LibreOffice runs, whose every process is gone.
func TestConversionTempDir(t *testing.T) {
	data := twoLevelXLS(t)
	t.Run("converted", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := convertXLS(context.Background(), data, dir); err != nil {
			t.Fatal(err)
		}
		checkEmpty(t, dir)
	})
	t.Run("cancelled", func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { _, err := convertXLS(ctx, data, dir); done <- err }()
		// Wait until LibreOffice's own process (soffice.bin, started by the soffice script through oosplash)
		// runs on the copy, then look at the folder and cancel.
		var private string
		for private == "" {
			select {
			case err := <-done:
				t.Fatalf("the conversion ended before it could be cancelled: %v", err)
			case <-time.After(20 * time.Millisecond):
			}
			if slices.ContainsFunc(processesUsing(dir), func(pid string) bool {
				comm, _ := os.ReadFile("/proc/" + pid + "/comm")
				return strings.TrimSpace(string(comm)) == "soffice.bin"
			}) {
				m, _ := filepath.Glob(filepath.Join(dir, "bidui-xls-*"))
				if len(m) == 1 {
					private = m[0]
				}
			}
		}
		st, err := os.Stat(private)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o700 {
			t.Errorf("the conversion folder has mode %v, want 0700", st.Mode().Perm())
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
		checkEmpty(t, dir)
		// SIGKILL is delivered at once, but a process is gone from /proc only when reaped.
		for i := 0; len(processesUsing(dir)) > 0; i++ {
			if i == 100 {
				t.Fatalf("LibreOffice processes left running: %v", processesUsing(dir))
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

func checkEmpty(t *testing.T, dir string) {
	t.Helper()
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("left in the temporary folder: %s", e.Name())
	}
}

// processesUsing returns the pids of the live processes whose command line mentions dir.
func processesUsing(dir string) []string {
	var pids []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), dir) {
			pids = append(pids, filepath.Base(filepath.Dir(p)))
		}
	}
	return pids
}
