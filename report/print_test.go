package report

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// printRuns are the runs of a town whose village 东村 lists 40 findings in 16 households, long enough to
// print on several pages, and whose 60 other villages make 按村汇总 longer than a page; three runs give the
// trend charts a line.
func printRuns(t *testing.T) []testRun {
	t.Helper()
	detail := "民政低保名册：2023-03-01 批准农村低保（3 人），研判台账：无该户研判记录；全国系统：该户未标记为监测对象，请核实是否已逐户研判并补录研判结论。"
	var runs []testRun
	for run := 1; run <= 3; run++ {
		r := testRun{id: run, asOf: fmt.Sprintf("2023-06-%02d", 7+run)}
		for i := range 40 {
			if run == 1 && i%5 == 0 {
				continue // new in run 2
			}
			status := "open"
			if run == 1 || (run == 2 && i%5 == 0) {
				status = "new"
			}
			rules := []string{"DB-01", "YB-02", "JY-03"}
			r.findings = append(r.findings, testFinding{
				id: fmt.Sprintf("%s-%010d", rules[i%3], i), rule: rules[i%3], severity: []string{"high", "medium", "low"}[i%3],
				status: status, town: "城关镇", village: "东村",
				household: fmt.Sprintf("3703230010010%05d", 40-i/5*2-i%2), name: fmt.Sprintf("张%02d", i),
				idNumber: validID(t, fmt.Sprintf("370323199001%02d%03d", 1+i%28, i)), detail: strings.Repeat(detail, 1+i%3),
				firstSeen: "2023-06-08",
			})
		}
		for v := range 60 {
			r.findings = append(r.findings, testFinding{
				id: fmt.Sprintf("DB-01-%010d", 1000+v), rule: "DB-01", severity: "high", status: "new",
				town: "河口镇", village: fmt.Sprintf("村%02d", v), name: "王五", firstSeen: r.asOf,
			})
		}
		runs = append(runs, r)
	}
	return runs
}

// pdfPage is one page of a PDF that LibreOffice printed: its text laid out as on the page, the text within
// its margins (LibreOffice clips a chart that starts below the page's body, but its text is still in the
// PDF), and whether the page is landscape.
type pdfPage struct {
	text, body string
	landscape  bool
}

var pdfPageSize = regexp.MustCompile(`(?m)^Page +(\d+) size: +([0-9.]+) x ([0-9.]+)`)

// readPDF returns the pages of a PDF file, with pdfinfo and pdftotext (poppler-utils, which .ci/run installs).
func readPDF(t *testing.T, file string) []pdfPage {
	t.Helper()
	info, err := exec.Command("pdfinfo", "-f", "1", "-l", "1000", file).Output()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v (poppler-utils is needed)", file, err)
	}
	var pages []pdfPage
	for _, m := range pdfPageSize.FindAllStringSubmatch(string(info), -1) {
		n, _ := strconv.Atoi(m[1])
		w, _ := strconv.ParseFloat(m[2], 64)
		h, _ := strconv.ParseFloat(m[3], 64)
		text, err := exec.Command("pdftotext", "-f", m[1], "-l", m[1], "-layout", file, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext page %d of %s: %v", n, file, err)
		}
		top, bottom := marginTop*72, h-marginBottom*72
		body, err := exec.Command("pdftotext", "-f", m[1], "-l", m[1], "-layout", "-x", "0", "-y", fmt.Sprint(int(top)),
			"-W", fmt.Sprint(int(w)), "-H", fmt.Sprint(int(bottom-top)), file, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext page %d of %s: %v", n, file, err)
		}
		pages = append(pages, pdfPage{text: string(text), body: string(body), landscape: w > h})
	}
	if len(pages) == 0 {
		t.Fatalf("%s: pdfinfo lists no pages:\n%s", file, info)
	}
	return pages
}

// sheetPages groups the pages by the sheet whose page header (place and sheet name, top left) they carry.
func sheetPages(t *testing.T, pages []pdfPage, sheets ...string) map[string][]pdfPage {
	t.Helper()
	out := map[string][]pdfPage{}
	for i, p := range pages {
		first, _, _ := strings.Cut(strings.TrimSpace(p.text), "\n")
		found := false
		for _, s := range sheets {
			if strings.Contains(first, " "+s+" ") {
				out[s] = append(out[s], p)
				found = true
				break
			}
		}
		if !found {
			t.Errorf("page %d has no page header naming one of %v: %q", i+1, sheets, first)
		}
		if !strings.Contains(p.text, fmt.Sprintf("第 %d 页，共 ", i+1)) {
			t.Errorf("page %d has no page number", i+1)
		}
	}
	return out
}

// TestLibreOfficePrintsWorkbooks prints a village workbook and 汇总.xlsx to PDF with LibreOffice and checks the
// pages: the list prints landscape, one page wide (every page holds the first and the last column's header,
// so no column spilled onto a page of its own) with the header row on every page and every finding printed;
// the visit sheet prints each household's block whole on one page, in household-number order; 按村汇总 prints
// one page wide with its header row on every page; and each chart is on a page of its own with its legend.
func TestLibreOfficePrintsWorkbooks(t *testing.T) {
	db := newHistoryDB(t, printRuns(t)...)
	// Household heads come from the 全国系统 export.
	if _, err := db.Exec(`INSERT INTO src_gs (file_id, row_no, household_no, name, relation)
		SELECT 1, i, '3703230010010' || lpad(i::VARCHAR, 5, '0'), '户主' || i, '户主' FROM range(100) r(i)`); err != nil {
		t.Fatal(err)
	}
	w, err := Write(context.Background(), db, filepath.Join(t.TempDir(), "out"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	stage := t.TempDir()
	for name, p := range map[string]string{"village.xlsx": w.Villages[0].Path, "summary.xlsx": w.Summary} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(stage, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := convertTo(t, "", "pdf", filepath.Join(stage, "village.xlsx"), filepath.Join(stage, "summary.xlsx"))

	village := sheetPages(t, readPDF(t, filepath.Join(out, "village.pdf")), sheetFindings, sheetVisit, sheetNotes)
	list := village[sheetFindings]
	if len(list) < 2 {
		t.Fatalf("the list of 40 findings printed on %d pages; the test needs several", len(list))
	}
	printed := ""
	for i, p := range list {
		if !p.landscape {
			t.Errorf("问题清单 page %d is portrait", i+1)
		}
		// The header row: the first and the last column on every page.
		if !strings.Contains(p.text, "序号") || !strings.Contains(p.text, "核实日期") {
			t.Errorf("问题清单 page %d lacks the header row (序号 … 核实日期): one page wide with the header on every page expected:\n%s", i+1, p.text)
		}
		printed += p.text
	}
	rows, err := openWorkbook(t, w.Villages[0].Path).GetRows(sheetFindings)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		if strings.Count(printed, r[1]) != 1 {
			t.Errorf("finding %s printed %d times on the list", r[1], strings.Count(printed, r[1]))
		}
	}

	visit := village[sheetVisit]
	if len(visit) < 2 {
		t.Fatalf("the visit sheet of 16 households printed on %d pages", len(visit))
	}
	blocks, last := 0, ""
	for i, p := range visit {
		titles := regexp.MustCompile(`第 (\d+) 户 +户编号：(\d+) +户主：(\S+)`).FindAllStringSubmatch(p.text, -1)
		signs := strings.Count(p.text, "户主（家庭成员）签字")
		if len(titles) == 0 || len(titles) != signs {
			t.Errorf("入户核实表 page %d: %d household titles, %d signature lines: a block is cut by the page edge", i+1, len(titles), signs)
		}
		for _, m := range titles {
			blocks++
			if m[1] != strconv.Itoa(blocks) || m[2] <= last || m[3] != "户主"+strings.TrimLeft(m[2][13:], "0") {
				t.Errorf("入户核实表 page %d: block %q after household %s", i+1, m[0], last)
			}
			last = m[2]
		}
	}
	if blocks != 16 {
		t.Errorf("入户核实表 printed %d households, want 16", blocks)
	}
	if !strings.Contains(visit[0].text, "问题清单") || !strings.Contains(visit[0].text, "本表不会被读取") {
		t.Errorf("the visit sheet does not say that the answers go into 问题清单:\n%s", visit[0].text)
	}

	summary := sheetPages(t, readPDF(t, filepath.Join(out, "summary.pdf")), sheetByVillage, sheetByRule, sheetCategory, sheetTrend, sheetChart)
	if len(summary[sheetByVillage]) < 2 {
		t.Fatalf("按村汇总 of 61 villages printed on %d pages; the test needs several", len(summary[sheetByVillage]))
	}
	for i, p := range summary[sheetByVillage] {
		if !p.landscape || !strings.Contains(p.text, "乡镇") || !strings.Contains(p.text, "无需修正") {
			t.Errorf("按村汇总 page %d: landscape %v, or lacks the header row (乡镇 … 无需修正):\n%s", i+1, p.landscape, p.text)
		}
	}
	charts := summary[sheetChart]
	// 61 villages: 东村, then 河口镇's 60 in parts of villagesInChart, each by status and by rule; a trend per town.
	want := 2 + 2*((60+villagesInChart-1)/villagesInChart) + 2
	if len(charts) != want {
		t.Errorf("图表 printed on %d pages, want %d: one chart per page", len(charts), want)
	}
	for i, p := range charts {
		n := strings.Count(p.body, "各村问题数") + strings.Count(p.body, "问题数变化")
		legend := strings.Contains(p.body, "新增") || strings.Contains(p.body, "DB-01")
		if n != 1 || !legend {
			t.Errorf("图表 page %d: %d chart titles, legend %v; want one whole chart:\n%s", i+1, n, legend, p.body)
		}
	}
}

// TestCategoryColumn: once the findings view has a category (the rule catalogue's, in a later schema), the
// list shows it in 问题类别 and lists 部门比对 and 研判程序 first, a category it does not know next, 数据质量
// after them and findings without a category last; severity orders the findings within a category.
func TestCategoryColumn(t *testing.T) {
	var findings []testFinding
	for i, c := range []struct{ rule, severity string }{
		{"DB-01", "high"}, {"YB-02", "medium"}, {"JY-03", "low"}, {"ZZ-99", "low"}, {"DB-01", "high"}, {"YB-02", "medium"},
	} {
		findings = append(findings, testFinding{id: fmt.Sprintf("%s-%d", c.rule, i), rule: c.rule, severity: c.severity,
			status: "new", town: "城关镇", village: "东村", name: "张三"})
	}
	db := newDB(t, findings)
	// Categories by finding, as a later findings view will carry them from the catalogue; one has none.
	if _, err := db.Exec(`CREATE OR REPLACE VIEW findings AS
		SELECT *, CASE finding_id WHEN 'DB-01-0' THEN '数据质量' WHEN 'YB-02-1' THEN '研判程序' WHEN 'JY-03-2' THEN '部门比对'
		                          WHEN 'ZZ-99-3' THEN '其他类' WHEN 'DB-01-4' THEN ' 部门比对 ' END AS category
		FROM findings_history WHERE run_id = (SELECT max(run_id) FROM runs) AND status <> 'resolved'`); err != nil {
		t.Fatal(err)
	}
	w, err := WriteVillageWorkbooks(context.Background(), db, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := openWorkbook(t, w.Villages[0].Path).GetRows(sheetFindings)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows[1:] {
		got = append(got, r[1]+" "+r[2])
	}
	want := []string{"DB-01-4 部门比对", "JY-03-2 部门比对", "YB-02-1 研判程序", "ZZ-99-3 其他类", "DB-01-0 数据质量", "YB-02-5 "}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("问题清单 lists\n%q\nwant\n%q", got, want)
	}
}

// TestSummaryByCategory: 汇总.xlsx counts the findings by category (按类别汇总: 部门比对 and 研判程序 first, then
// 数据质量, each with its rules, counts by status and villages, and a total) and names each rule's category in
// 按规则汇总.
func TestSummaryByCategory(t *testing.T) {
	var findings []testFinding
	for i, c := range []struct{ rule, status, village string }{
		{"JY-03", "new", "东村"}, {"JY-03", "open", "西村"}, {"ZZ-99", "new", "东村"}, {"YB-02", "new", "东村"},
		{"DB-01", "waived", "东村"}, {"DB-01", "new", "西村"},
	} {
		findings = append(findings, testFinding{id: fmt.Sprintf("%s-%d", c.rule, i), rule: c.rule, severity: "low",
			status: c.status, town: "城关镇", village: c.village, name: "张三"})
	}
	db := newDB(t, findings)
	w, err := Write(context.Background(), db, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, w.Summary)
	rows, err := f.GetRows(sheetCategory)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, strings.Join(r, ","))
	}
	want := []string{
		"问题类别,规则数,问题数,新增,持续,已解决,无需修正,已反馈修正仍存在,涉及村数",
		"部门比对,1,1,1,0,0,1,0,2", // DB-01: one new in 西村, one waived in 东村 (not listed, but its village counts, as in 按规则汇总)
		"研判程序,1,1,1,0,0,0,0,1",
		"数据质量,2,3,2,1,0,0,0,2",
		"合计,4,5,4,1,0,1,0,2",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("按类别汇总:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	byRule, err := f.GetRows(sheetByRule)
	if err != nil {
		t.Fatal(err)
	}
	if len(byRule) < 2 || byRule[0][1] != "问题类别" || byRule[1][0] != "DB-01" || byRule[1][1] != "部门比对" {
		t.Errorf("按规则汇总 does not name the rules' categories: %v", byRule)
	}
}
