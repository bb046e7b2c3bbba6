package report

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bidui/bidui"
	biduisql "github.com/bidui/bidui/sql"
	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"
)

// testFinding is one findings_history row; empty strings are stored as NULL.
type testFinding struct {
	id, rule, severity, status     string
	town, village, household, name string
	idNumber, detail, firstSeen    string
	feedback                       string
	subject, personKey             string // subject defaults to id
}

// testRun is one run of a test database with the findings_history rows it recorded.
type testRun struct {
	id       int
	asOf     string
	findings []testFinding
}

// testRules are the rules of the test findings. Their categories keep the order severity alone gives
// (categories first order the workbook rows).
var testRules = []struct{ code, title, severity, description, action, basis, category string }{
	{"DB-01", "新增农村低保户未进行逐户研判", "high", "低保户新批准后无研判记录。", "逐户研判", "集中排查工作方案 一(一)3", "部门比对"},
	{"YB-02", "医保参保状态与全国系统不一致", "medium", "医保数据未参保而全国系统标记已参保。", "核实参保状态并修正", "医保部门数据比对要求", "研判程序"},
	{"JY-03", "学籍与在校生状态不一致", "low", "学籍数据在读而全国系统标记失学。", "核实在校状态", "", "数据质量"},
	{"ZZ-99", "未出现的规则", "low", "不应出现在任何说明页。", "无", "", "数据质量"},
}

// validID returns the 18-character ID with the right check character for 17 digits.
func validID(t *testing.T, first17 string) string {
	t.Helper()
	c, ok := bidui.IDCheckChar(first17)
	if !ok {
		t.Fatalf("bad ID prefix %q", first17)
	}
	return first17 + string(c)
}

// newDB returns a migrated DuckDB database in t.TempDir() holding run 1 (as_of 2023-06-10), the test rules and
// the given findings.
func newDB(t *testing.T, findings []testFinding) *sql.DB {
	t.Helper()
	return newHistoryDB(t, testRun{id: 1, asOf: "2023-06-10", findings: findings})
}

// newHistoryDB returns a migrated DuckDB database in t.TempDir() holding the test rules and the given runs,
// as the pipeline leaves it: one runs row per run, findings_history rows of every run.
func newHistoryDB(t *testing.T, runs ...testRun) *sql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("duckdb", filepath.Join(t.TempDir(), "bidui.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := biduisql.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	for _, r := range testRules {
		if _, err := db.ExecContext(ctx, `INSERT INTO rule_catalogue (code, title, severity, level, needs, uses, action, basis, description, category)
			VALUES (?, ?, ?, 'household', ['dibao'], [], ?, nullif(?, ''), ?, ?)`,
			r.code, r.title, r.severity, r.action, r.basis, r.description, r.category); err != nil {
			t.Fatal(err)
		}
	}
	title := map[string]string{}
	for _, r := range testRules {
		title[r.code] = r.title
	}
	for _, run := range runs {
		if _, err := db.ExecContext(ctx, `INSERT INTO runs (run_id, started_at, finished_at, as_of, status)
			VALUES (?, ?::DATE + INTERVAL 2 HOUR, ?::DATE + INTERVAL 125 MINUTE, ?::DATE, 'ok')`,
			run.id, run.asOf, run.asOf, run.asOf); err != nil {
			t.Fatal(err)
		}
		for _, f := range run.findings {
			first := f.firstSeen
			if first == "" {
				first = run.asOf
			}
			subject := f.subject
			if subject == "" {
				subject = f.id
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO findings_history (run_id, finding_id, rule, title, severity, level, subject,
					person_key, town, village, household_no, name, id_number, detail, action, status, first_seen, last_seen)
				VALUES (?, ?, ?, ?, ?, 'household', ?, nullif(?, ''), nullif(?, ''), nullif(?, ''), nullif(?, ''), nullif(?, ''),
					nullif(?, ''), nullif(?, ''), '处理', ?, ?::DATE, ?::DATE)`,
				run.id, f.id, f.rule, title[f.rule], f.severity, subject, f.personKey, f.town, f.village, f.household, f.name,
				f.idNumber, f.detail, f.status, first, run.asOf); err != nil {
				t.Fatal(err)
			}
			if f.feedback != "" {
				if _, err := db.ExecContext(ctx, `UPDATE findings_history SET feedback = ? WHERE run_id = ? AND finding_id = ?`,
					f.feedback, run.id, f.id); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return db
}

func openWorkbook(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func cell(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	return v
}

// sheetXML returns the XML of the first worksheet part, to check what excelize has no getter for.
func sheetXML(t *testing.T, path string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	r, err := z.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestVillageWorkbooks(t *testing.T) {
	id := validID(t, "37032319900101123") // the 18-digit ID whose digits must all survive
	formulaName := `=HYPERLINK("x")`
	db := newDB(t, []testFinding{
		{id: "JY-03-0000000001", rule: "JY-03", severity: "low", status: "open", town: "城关镇", village: "东村",
			household: "370323001001000012", name: "李四", idNumber: validID(t, "37032320100305002"), firstSeen: "2023-05-01"},
		{id: "DB-01-0000000002", rule: "DB-01", severity: "high", status: "new", town: "城关镇", village: "东村",
			household: "370323001001000011", name: formulaName, idNumber: id, detail: "-1 人；+2 人", firstSeen: "2023-06-10"},
		{id: "YB-02-0000000009", rule: "YB-02", severity: "medium", status: "waived", town: "城关镇", village: "东村", name: "郑九"},
		{id: "YB-02-0000000003", rule: "YB-02", severity: "medium", status: "open", town: "城关镇", village: "东村",
			household: "370323001001000011", name: "@张三", idNumber: validID(t, "37032319850716002")},
		{id: "DB-01-0000000004", rule: "DB-01", severity: "high", status: "new", town: "城关镇", village: "西村", name: "王五"},
		{id: "DB-01-0000000005", rule: "DB-01", severity: "high", status: "new", town: "城关镇", name: "赵六"},
		{id: "YB-02-0000000006", rule: "YB-02", severity: "medium", status: "open", town: "河口镇", village: "南村", name: "钱七"},
		{id: "DB-01-0000000007", rule: "DB-01", severity: "high", status: "new", name: "孙八"},
		{id: "DB-01-0000000008", rule: "DB-01", severity: "high", status: "resolved", town: "城关镇", village: "东村", name: "已解决"},
	})
	dir := filepath.Join(t.TempDir(), "out", "2023-06-10")
	w, err := WriteVillageWorkbooks(context.Background(), db, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}

	// Town, village order, unknown places last.
	want := []VillageFile{
		{Town: "城关镇", Village: "东村", Path: filepath.Join(dir, "城关镇", "东村.xlsx"), Findings: 3},
		{Town: "城关镇", Village: "西村", Path: filepath.Join(dir, "城关镇", "西村.xlsx"), Findings: 1},
		{Town: "城关镇", Village: "未落村", Path: filepath.Join(dir, "城关镇", "未落村.xlsx"), Findings: 1},
		{Town: "河口镇", Village: "南村", Path: filepath.Join(dir, "河口镇", "南村.xlsx"), Findings: 1},
		{Town: "未知乡镇", Village: "未落村", Path: filepath.Join(dir, "未知乡镇", "未落村.xlsx"), Findings: 1},
	}
	if !slices.Equal(w.Villages, want) {
		t.Fatalf("written:\n%+v\nwant:\n%+v", w.Villages, want)
	}
	assertOnlyFiles(t, dir, append(villagePaths(w), filepath.Join(dir, manifestFile)))

	for _, v := range w.Villages {
		f := openWorkbook(t, v.Path)
		if got := f.GetSheetList(); !slices.Equal(got, []string{"问题清单", "入户核实表", "说明"}) {
			t.Errorf("%s: sheets %v", v.Path, got)
		}
		rows, err := f.GetRows("问题清单")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != v.Findings+1 {
			t.Errorf("%s: %d rows, want header + %d", v.Path, len(rows), v.Findings)
		}
		var headers []string
		for _, c := range columns {
			headers = append(headers, c.header)
		}
		wantHeaders := []string{"序号", "编号", "问题类别", "问题类型", "严重程度", "户编号", "姓名", "证件号码", "问题说明", "建议处理",
			"首次发现", "状态", "核实结果", "核实说明", "核实人", "核实日期"}
		if !slices.Equal(headers, wantHeaders) || !slices.Equal(rows[0], wantHeaders) {
			t.Errorf("%s: header %v, want %v", v.Path, rows[0], wantHeaders)
		}
		assertSheetFeatures(t, f, v.Path, v.Findings)
	}

	f := openWorkbook(t, want[0].Path) // 城关镇/东村
	// Sorted by severity (high first), then rule, household, name.
	for i, wantID := range []string{"DB-01-0000000002", "YB-02-0000000003", "JY-03-0000000001"} {
		row := i + 2
		if got := cell(t, f, "问题清单", "B"+itoa(row)); got != wantID {
			t.Errorf("row %d: 编号 %q, want %q", row, got, wantID)
		}
		if got := cell(t, f, "问题清单", "A"+itoa(row)); got != itoa(i+1) {
			t.Errorf("row %d: 序号 %q", row, got)
		}
	}
	wantRow2 := map[string]string{
		"D2": "DB-01 新增农村低保户未进行逐户研判", "E2": "高", "F2": "370323001001000011", "G2": formulaName,
		"H2": id, "I2": "-1 人；+2 人", "J2": "处理", "K2": "2023-06-10", "L2": "新增", "M2": "",
		"E3": "中", "G3": "@张三", "L3": "持续", "L4": "持续", "K4": "2023-05-01", "E4": "低",
	}
	for ref, want := range wantRow2 {
		if got := cell(t, f, "问题清单", ref); got != want {
			t.Errorf("东村 %s = %q, want %q", ref, got, want)
		}
	}
	// Text that looks like a formula or a number is stored as text, not evaluated or converted.
	for _, ref := range []string{"B2", "F2", "G2", "H2", "I2", "G3", "H3", "H4"} {
		typ, err := f.GetCellType("问题清单", ref)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s: cell type %v, want a string", ref, typ)
		}
		formula, err := f.GetCellFormula("问题清单", ref)
		if err != nil || formula != "" {
			t.Errorf("%s: formula %q (%v), want none", ref, formula, err)
		}
	}
	raw, err := f.GetCellValue("问题清单", "H2", excelize.Options{RawCellValue: true})
	if err != nil || raw != id {
		t.Errorf("H2 raw value %q (%v), want the exact ID %q", raw, err, id)
	}
	if strings.Contains(sheetXML(t, want[0].Path), "<f>") {
		t.Error("问题清单 holds a formula")
	}

	// 说明 lists exactly the rules that occur, from the catalogue.
	notes := notesRules(t, f)
	if got := []string{notes[0][0], notes[1][0], notes[2][0]}; len(notes) != 3 || !slices.Equal(got, []string{"DB-01", "YB-02", "JY-03"}) {
		t.Fatalf("说明 lists %v, want DB-01, YB-02, JY-03", notes)
	}
	if want := []string{"DB-01", "新增农村低保户未进行逐户研判", "高", "低保户新批准后无研判记录。", "逐户研判", "集中排查工作方案 一(一)3"}; !slices.Equal(notes[0], want) {
		t.Errorf("说明 DB-01 row %v, want %v", notes[0], want)
	}
	notesText, err := f.GetRows("说明")
	if err != nil {
		t.Fatal(err)
	}
	if joined := flatten(notesText); !strings.Contains(joined, "核实结果") || !strings.Contains(joined, "报送") {
		t.Errorf("说明 does not say how to fill 核实结果 and return the workbook:\n%s", joined)
	}
	if g := notesRules(t, openWorkbook(t, want[3].Path)); len(g) != 1 || g[0][0] != "YB-02" {
		t.Errorf("河口镇/南村 说明 lists %v, want YB-02 only", g)
	}

	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Created != "2023-06-10T00:00:00Z" || props.Modified != props.Created || props.Creator != "bidui" {
		t.Errorf("doc properties %+v, want created and modified at as_of", props)
	}
}

// assertSheetFeatures checks the frozen header, the auto-filter, the drop-down and the text format of the ID
// column of the 问题清单 sheet of a workbook with n findings.
func assertSheetFeatures(t *testing.T, f *excelize.File, path string, n int) {
	t.Helper()
	last := itoa(n + 1)
	panes, err := f.GetPanes("问题清单")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("%s: panes %+v, want the header row frozen", path, panes)
	}
	// excelize writes the filter range with absolute references, as Excel accepts.
	x := sheetXML(t, path)
	if !strings.Contains(x, `<autoFilter ref="$A$1:$P$`+last+`"`) && !strings.Contains(x, `<autoFilter ref="A1:P`+last+`"`) {
		_, after, _ := strings.Cut(x, "</sheetData>")
		t.Errorf("%s: no auto-filter over A1:P%s after the sheet data: %s", path, last, after)
	}
	names := f.GetDefinedName()
	if !slices.ContainsFunc(names, func(d excelize.DefinedName) bool {
		return d.Name == "_xlnm._FilterDatabase" && strings.HasSuffix(d.RefersTo, "!$A$1:$P$"+last)
	}) {
		t.Errorf("%s: no filter database name for A1:P%s in %+v", path, last, names)
	}
	dvs, err := f.GetDataValidations("问题清单")
	if err != nil {
		t.Fatal(err)
	}
	if len(dvs) != 1 || dvs[0].Type != "list" || dvs[0].Sqref != "M2:M"+last ||
		dvs[0].Formula1 != `"已修正,情况属实无需修正,其他"` {
		t.Errorf("%s: data validations %+v, want the 核实结果 list over M2:M%s", path, dvs, last)
	}
	for _, ref := range []string{"H", "F"} {
		style, err := f.GetColStyle("问题清单", ref)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(style)
		if err != nil {
			t.Fatal(err)
		}
		if s.NumFmt != 49 {
			t.Errorf("%s: column %s number format %d, want 49 (@, text)", path, ref, s.NumFmt)
		}
	}
	cs, err := f.GetCellStyle("问题清单", "H2")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := f.GetStyle(cs); err != nil || s.NumFmt != 49 {
		t.Errorf("%s: H2 is not formatted as text", path)
	}
	widths := map[string]float64{}
	for _, col := range []string{"A", "I", "J"} {
		w, err := f.GetColWidth("问题清单", col)
		if err != nil {
			t.Fatal(err)
		}
		widths[col] = w
	}
	if widths["I"] < 30 || widths["J"] < 20 || widths["A"] > 10 {
		t.Errorf("%s: column widths %v", path, widths)
	}
}

// notesRules returns the rule rows of the 说明 sheet (the rows below the 规则编号 header).
func notesRules(t *testing.T, f *excelize.File) [][]string {
	t.Helper()
	rows, err := f.GetRows("说明")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) > 0 && r[0] == "规则编号" {
			var out [][]string
			for _, rr := range rows[i+1:] {
				out = append(out, append(rr, make([]string, 6-min(len(rr), 6))...)[:6])
			}
			return out
		}
	}
	t.Fatalf("说明 has no rule table: %v", rows)
	return nil
}

func flatten(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "\t"))
		b.WriteByte('\n')
	}
	return b.String()
}

// assertOnlyFiles checks that dir holds the files paths and nothing else (no temporary files left behind); the
// manifest is among the paths when it is expected.
func assertOnlyFiles(t *testing.T, dir string, paths []string) {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	want := slices.Sorted(slices.Values(paths))
	if !slices.Equal(files, want) {
		t.Errorf("files under %s:\n%q\nwant\n%q", dir, files, want)
	}
}

func TestMaskedWorkbook(t *testing.T) {
	id := validID(t, "37032319900102123")
	if id[17] != 'X' {
		t.Fatalf("test ID %s should end in X", id)
	}
	other := validID(t, "37032320100305002")
	db := newDB(t, []testFinding{
		{id: "DB-01-0000000001", rule: "DB-01", severity: "high", status: "new", town: "城关镇", village: "东村",
			name: "张三", idNumber: id, detail: "户内成员" + other + "已批准低保；户编号370323001001000011"},
		{id: "DB-01-0000000002", rule: "DB-01", severity: "high", status: "new", town: "城关镇", village: "东村",
			name: "李四", idNumber: "12345"},
	})
	dir := t.TempDir()
	w, err := WriteVillageWorkbooks(context.Background(), db, dir, Options{MaskIDs: true})
	if err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, w.Villages[0].Path)
	if got, want := cell(t, f, "问题清单", "H2"), "370323********123X"; got != want {
		t.Errorf("masked ID %q, want %q", got, want)
	}
	if got := cell(t, f, "问题清单", "H3"); got != "*****" {
		t.Errorf("masked short ID %q, want it masked whole", got)
	}
	detail := cell(t, f, "问题清单", "I2")
	if strings.Contains(detail, other) || !strings.Contains(detail, maskID(other)) {
		t.Errorf("detail %q still shows an ID", detail)
	}
	if !strings.Contains(detail, "370323001001000011") {
		t.Errorf("detail %q lost the household number", detail)
	}
	// The ID must not be anywhere in the file, not even in a part the sheet does not show.
	b, err := os.ReadFile(w.Villages[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range unzipAll(t, b) {
		if strings.Contains(part, id) || strings.Contains(part, other) {
			t.Errorf("masked workbook still contains a full ID")
		}
	}
}

func unzipAll(t *testing.T, b []byte) []string {
	t.Helper()
	return slices.Collect(maps.Values(unzipParts(t, b)))
}

func TestHostileNamesStayInsideDir(t *testing.T) {
	long := strings.Repeat("很长的村名", 20) // 300 bytes
	cases := []struct{ town, village string }{
		{"../x", "a/b"},
		{"../x", "a_b"}, // sanitises like a/b: must get a file of its own
		{"..", ".."},
		{"/etc", `..\..\evil`},
		{"城关镇", "<>:\"|?*"},
		{"城关镇", "CON"},
		{"城关镇", "东村\x00\n\t"},
		{"城关镇", "东村\u200b"},
		{"城关镇", long},
		{"汇总.xlsx", "东村"},
		{"findings.csv", ""},
		{"", "../x"},
		{"", ""},
		{"未知乡镇", ""}, // a town really named so: not the folder of the unknown town
	}
	var findings []testFinding
	for i, c := range cases {
		findings = append(findings, testFinding{id: "DB-01-" + itoa(1000+i), rule: "DB-01", severity: "high", status: "new",
			town: c.town, village: c.village, name: "张三"})
	}
	db := newDB(t, findings)
	base := t.TempDir()
	dir := filepath.Join(base, "out", "2023-06-10")
	w, err := Write(context.Background(), db, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Villages) != len(cases) {
		t.Fatalf("wrote %d workbooks for %d villages: %+v", len(w.Villages), len(cases), w.Villages)
	}
	seen := map[string]bool{}
	for _, v := range w.Villages {
		rel, err := filepath.Rel(dir, v.Path)
		if err != nil || !filepath.IsLocal(rel) {
			t.Errorf("%q/%q written to %s, outside %s", v.Town, v.Village, v.Path, dir)
			continue
		}
		parts := strings.Split(rel, string(filepath.Separator))
		if len(parts) != 2 {
			t.Errorf("%q/%q written to %s: want <town>/<village>.xlsx", v.Town, v.Village, rel)
		}
		for _, p := range parts {
			if len(p) > maxNameBytes+len("(9).xlsx") || strings.HasPrefix(p, ".") || strings.ContainsAny(p, "<>:\"/\\|?*\x00\n\t\u200b") {
				t.Errorf("unsafe path element %q", p)
			}
		}
		if slices.Contains(topLevelFiles, parts[0]) {
			t.Errorf("town folder takes the name of a file beside it: %s", rel)
		}
		if seen[strings.ToLower(rel)] {
			t.Errorf("two villages share %s", rel)
		}
		seen[strings.ToLower(rel)] = true
		if _, err := os.Stat(v.Path); err != nil {
			t.Error(err)
		}
	}
	assertOnlyFiles(t, dir, append(w.Paths(), filepath.Join(dir, manifestFile)))
	for _, want := range []string{"未知乡镇/_x.xlsx", "未知乡镇/未落村.xlsx", "未知乡镇(2)/未落村.xlsx", "findings.csv(2)/未落村.xlsx"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(want))); err != nil {
			t.Errorf("no %s: %v", want, err)
		}
	}
	// Nothing escaped: base holds only the out folder, out only the as_of folder.
	for d, want := range map[string][]string{base: {"out"}, filepath.Join(base, "out"): {"2023-06-10"}} {
		entries, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s holds %v, want %v", d, got, want)
		}
	}
}

// TestWorkbooksAreReproducible writes twice from the same database: every file has the same bytes, but for
// the order of the image types in 汇总.xlsx's [Content_Types].xml, which excelize lists from a map when it
// adds a drawing (the parts are compared with that list sorted).
func TestWorkbooksAreReproducible(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	var files [2]map[string][]byte
	for i := range files {
		dir := t.TempDir()
		w, err := Write(context.Background(), db, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		files[i] = map[string][]byte{}
		for _, p := range w.Paths() {
			rel, _ := filepath.Rel(dir, p)
			if files[i][rel], err = os.ReadFile(p); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(files[0]) != 9 {
		t.Fatalf("wrote %d files", len(files[0]))
	}
	for rel, data := range files[0] {
		if rel == summaryFile {
			continue
		}
		if !bytes.Equal(data, files[1][rel]) {
			t.Errorf("two runs over the same database wrote different bytes to %s", rel)
		}
	}
	var parts [2]map[string]string
	for i := range parts {
		parts[i] = unzipParts(t, files[i][summaryFile])
		parts[i]["[Content_Types].xml"] = sortedDefaults(parts[i]["[Content_Types].xml"])
	}
	if !maps.Equal(parts[0], parts[1]) {
		t.Errorf("two runs over the same database wrote different %s", summaryFile)
	}
}

var contentTypeDefault = regexp.MustCompile(`<Default [^>]*></Default>`)

// sortedDefaults sorts the <Default> elements of a [Content_Types].xml.
func sortedDefaults(x string) string {
	defaults := contentTypeDefault.FindAllString(x, -1)
	slices.Sort(defaults)
	return contentTypeDefault.ReplaceAllString(x, "") + strings.Join(defaults, "")
}

// unzipParts returns the parts of a zip archive by name.
func unzipParts(t *testing.T, b []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, zf := range z.File {
		r, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[zf.Name] = string(data)
	}
	return parts
}

func TestNoFindings(t *testing.T) {
	db := newDB(t, nil)
	dir := filepath.Join(t.TempDir(), "out", "2023-06-10")
	w, err := WriteVillageWorkbooks(context.Background(), db, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Villages) != 0 {
		t.Errorf("wrote %+v", w.Villages)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Errorf("output folder not created: %v", err)
	}
}

func TestCancelled(t *testing.T) {
	db := newDB(t, []testFinding{{id: "DB-01-1", rule: "DB-01", severity: "high", status: "new", town: "城关镇", village: "东村"}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := WriteVillageWorkbooks(ctx, db, t.TempDir(), Options{}); err == nil {
		t.Error("no error from a cancelled context")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// BenchmarkWriteVillageWorkbooks writes the village workbooks of 20 villages of 500 findings each, about what
// a large town produces.
func BenchmarkWriteVillageWorkbooks(b *testing.B) {
	db := benchDB(b)
	for b.Loop() {
		if _, err := WriteVillageWorkbooks(context.Background(), db, b.TempDir(), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite writes every file of the report stage for the same town: workbooks, 汇总.xlsx,
// findings.csv, findings.parquet.
func BenchmarkWrite(b *testing.B) {
	db := benchDB(b)
	for b.Loop() {
		if _, err := Write(context.Background(), db, b.TempDir(), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchDB is a database of one run with 10,000 findings in 20 villages.
func benchDB(b *testing.B) *sql.DB {
	b.Helper()
	db, err := sql.Open("duckdb", filepath.Join(b.TempDir(), "bidui.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if err := biduisql.Migrate(ctx, db); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO runs (run_id, started_at, as_of, status) VALUES (1, TIMESTAMP '2023-06-10 02:00:00', DATE '2023-06-10', 'ok')`,
		`INSERT INTO rule_catalogue (code, title, severity, level, needs, uses, action, description)
			VALUES ('DB-01', '新增农村低保户未进行逐户研判', 'high', 'household', ['dibao'], [], '逐户研判', '条件')`,
		`INSERT INTO findings_history (run_id, finding_id, rule, title, severity, level, subject, town, village,
				household_no, name, id_number, detail, action, status, first_seen, last_seen)
			SELECT 1, 'DB-01-' || i, 'DB-01', '新增农村低保户未进行逐户研判', 'high', 'household', i::VARCHAR,
				'城关镇', '村' || (i % 20), '3703230010010' || lpad(i::VARCHAR, 5, '0'), '张三' || i,
				'370323199001021' || lpad((i % 1000)::VARCHAR, 3, '0'),
				'民政名册：2023-03-01批准农村低保（3人）；研判台账：无该户研判记录；全国系统：无该户', '逐户研判',
				'new', DATE '2023-06-10', DATE '2023-06-10'
			FROM range(10000) r(i)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	return db
}
