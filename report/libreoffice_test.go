package report

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// csvExportFilter makes LibreOffice write every sheet of a workbook to <name>-<sheet>.csv (the last token, -1,
// works from LibreOffice 7.2; this machine has 7.4): comma, double quotes, UTF-8, formatted values as shown.
const csvExportFilter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"

// csvImportFilter reads a CSV file as UTF-8 and evaluates formulas (the 13th token), as a careless user with
// "evaluate formulas" ticked would: the setting under which a neutralised cell must stay text.
const csvImportFilter = "Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1,true"

// libreOfficeProfile is the LibreOffice user profile of this package's tests, created by the first call of
// convertWithLibreOffice (LibreOffice spends a second or two creating one) and removed by TestMain.
var libreOfficeProfile string

func TestMain(m *testing.M) {
	code := m.Run()
	if libreOfficeProfile != "" {
		os.RemoveAll(libreOfficeProfile)
	}
	os.Exit(code)
}

// convertWithLibreOffice runs one headless LibreOffice, with this package's own profile, over inputs and
// returns the folder holding the CSV files it wrote. infilter, when not "", is the import filter for every
// input.
func convertWithLibreOffice(t *testing.T, infilter string, inputs ...string) string {
	t.Helper()
	return convertTo(t, infilter, csvExportFilter, inputs...)
}

// convertTo runs one headless LibreOffice, with this package's own profile, over inputs and returns the
// folder holding the files it wrote with the export filter to (csvExportFilter, pdf).
func convertTo(t *testing.T, infilter, to string, inputs ...string) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if soffice, err = exec.LookPath("/usr/bin/soffice"); err != nil {
			t.Skipf("LibreOffice not installed: %v", err)
		}
	}
	if libreOfficeProfile == "" {
		dir, err := os.MkdirTemp("", "bidui-report-lo-")
		if err != nil {
			t.Fatal(err)
		}
		libreOfficeProfile = dir
	}
	out := t.TempDir()
	profile := url.URL{Scheme: "file", Path: libreOfficeProfile}
	args := []string{"-env:UserInstallation=" + profile.String(), "--headless", "--norestore"}
	if infilter != "" {
		args = append(args, "--infilter="+infilter)
	}
	args = append(args, "--convert-to", to, "--outdir", out)
	cmd := exec.CommandContext(t.Context(), soffice, append(args, inputs...)...)
	cmd.Env = append(os.Environ(), "HOME="+libreOfficeProfile)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, msg)
	}
	if strings.Contains(strings.ToLower(string(msg)), "error") {
		t.Fatalf("soffice reported an error:\n%s", msg)
	}
	return out
}

// readCSV reads a CSV file LibreOffice wrote; a missing file is a test failure.
func readCSV(t *testing.T, file string) [][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("LibreOffice wrote no %s: %v", filepath.Base(file), err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return records
}

// TestLibreOfficeOpensExports has LibreOffice open every exported workbook and convert each sheet to CSV, in
// one soffice call, and checks that the CSV holds the findings the database holds: the same 编号 in each
// village, with names and ID numbers intact (an ID read as a number would come out as 3.70323199001011E+17,
// a name read as a formula as its result), the 状态 the findings call for; and the summary's counts.
func TestLibreOfficeOpensExports(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	dir := filepath.Join(t.TempDir(), "out")
	w, err := Write(context.Background(), db, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Two villages are both 未落村.xlsx: copy the workbooks under distinct names, since LibreOffice names its
	// output after the input's base name.
	stage := t.TempDir()
	var inputs []string
	for i, p := range append(villagePaths(w), w.Summary) {
		name := filepath.Join(stage, fmt.Sprintf("w%02d.xlsx", i))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, name)
	}
	out := convertWithLibreOffice(t, "", inputs...)

	wantHeader := []string{"序号", "编号", "问题类别", "问题类型", "严重程度", "户编号", "姓名", "证件号码", "问题说明", "建议处理",
		"首次发现", "状态", "核实结果", "核实说明", "核实人", "核实日期"}
	total := 0
	for i, v := range w.Villages {
		records := readCSV(t, filepath.Join(out, fmt.Sprintf("w%02d-问题清单.csv", i)))
		if !slices.Equal(records[0], wantHeader) {
			t.Errorf("%s: header %v", v.Path, records[0])
		}
		var got []string
		for _, r := range records[1:] {
			got = append(got, strings.Join([]string{r[1], r[6], r[7], r[8], r[11]}, " | "))
		}
		want := villageFindings(t, db, v.Town, v.Village)
		if !slices.Equal(got, want) {
			t.Errorf("%s/%s: LibreOffice reads\n%s\nwant\n%s", v.Town, v.Village, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		total += len(got)
		if notes := readCSV(t, filepath.Join(out, fmt.Sprintf("w%02d-说明.csv", i))); len(notes) < 8 {
			t.Errorf("%s: 说明 has %d rows", v.Path, len(notes))
		}
	}
	if total != 8 {
		t.Errorf("LibreOffice read %d findings from the village workbooks, want 8", total)
	}

	n := len(w.Villages)
	byVillage := readCSV(t, filepath.Join(out, fmt.Sprintf("w%02d-按村汇总.csv", n)))
	for i, v := range w.Villages {
		row := byVillage[i+1]
		if row[0] != v.Town || row[1] != v.Village || row[2] != strconv.Itoa(v.Findings) {
			t.Errorf("按村汇总 row %d: %v, want %s %s with %d findings", i+2, row[:3], v.Town, v.Village, v.Findings)
		}
	}
	if got := byVillage[n+1][:8]; !slices.Equal(got, []string{"合计", "6 个村", "8", "5", "3", "1", "1", "1"}) {
		t.Errorf("按村汇总 total row %v", got)
	}
	if byRule := readCSV(t, filepath.Join(out, fmt.Sprintf("w%02d-按规则汇总.csv", n))); len(byRule) != 4 {
		t.Errorf("按规则汇总 has %d rows, want header + 3 rules: %v", len(byRule), byRule)
	}
	if _, err := os.Stat(filepath.Join(out, fmt.Sprintf("w%02d-图表.csv", n))); err != nil {
		t.Errorf("LibreOffice did not read the chart sheet: %v", err)
	}
}

// TestLibreOfficeDoesNotEvaluateCSV opens findings.csv in LibreOffice with formula evaluation on, next to a
// control file with the same formulas not neutralised: the control's formulas are evaluated (so the check can
// fail), findings.csv's cells stay text.
func TestLibreOfficeDoesNotEvaluateCSV(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	w, err := Write(context.Background(), db, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	control := filepath.Join(t.TempDir(), "control.csv")
	if err := os.WriteFile(control, []byte(utf8BOM+"a,b\r\n=1+1,\"=1+1\"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := convertWithLibreOffice(t, csvImportFilter, w.CSV, control)
	if got := readCSV(t, filepath.Join(out, "control-control.csv")); !slices.Equal(got[1], []string{"2", "2"}) {
		t.Fatalf("LibreOffice did not evaluate the control's formulas (%v): this test proves nothing", got)
	}
	records := readCSV(t, filepath.Join(out, "findings-findings.csv"))
	col := map[string]int{}
	for i, h := range records[0] {
		col[h] = i
	}
	cells := map[string]string{}
	for _, r := range records[1:] {
		cells[r[col["finding_id"]]+" name"] = r[col["name"]]
		cells[r[col["finding_id"]]+" detail"] = r[col["detail"]]
	}
	if len(records) != 10 {
		t.Errorf("LibreOffice read %d findings from findings.csv, want 9 (the waived one too)", len(records)-1)
	}
	for key, want := range map[string]string{
		"DB-01-0000000002 name":   `'=HYPERLINK("x")`,
		"DB-01-0000000002 detail": "'-1 人；+2 人，成员370323198507160021已批准",
		"YB-02-0000000003 name":   "'@张三",
		"YB-02-0000000003 detail": "'\t医保：未参保",
		"JY-03-0000000010 name":   "'+吴十",
		"JY-03-0000000010 detail": "'=1+1",
		"DB-01-0000000007 name":   "孙八",
	} {
		if cells[key] != want {
			t.Errorf("%s: LibreOffice reads %q, want %q", key, cells[key], want)
		}
	}
}

// villagePaths are the paths of the village workbooks, in Written order.
func villagePaths(w *Written) []string {
	var out []string
	for _, v := range w.Villages {
		out = append(out, v.Path)
	}
	return out
}

// villageFindings lists the findings of one place straight from the database, as 编号 | 姓名 | 证件号码 |
// 问题说明 | 状态 in workbook order.
func villageFindings(t *testing.T, db *sql.DB, town, village string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT concat_ws(' | ', finding_id, coalesce(name, ''), coalesce(id_number, ''), coalesce(detail, ''),
			CASE WHEN feedback = '已反馈修正仍存在' THEN feedback
			     ELSE CASE status WHEN 'new' THEN '新增' WHEN 'open' THEN '持续' WHEN 'waived' THEN '无需修正' END END)
		FROM findings
		WHERE coalesce(nullif(trim(town), ''), '未知乡镇') = ? AND coalesce(nullif(trim(village), ''), '未落村') = ?
		  AND status <> 'waived'
		ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, rule, household_no NULLS LAST, name, finding_id`,
		town, village)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
