package main

import (
	"encoding/csv"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestReturnedWorkbookRoundTrip exports, answers two findings in a copy of a village workbook the way a
// village cadre does (one 情况属实无需修正, one 已修正 while its data stays wrong, one 编号 that was never issued),
// drops it into the inbox and runs again: the first is waived, the second reported again as 已反馈修正仍存在,
// the unknown 编号 is listed, and the village's counts in 汇总.xlsx agree with the findings view.
func TestReturnedWorkbookRoundTrip(t *testing.T) {
	s := newSite(t, 0)
	if code, _, stderr := s.runBinary(t, s.args()...); code != 0 && code != 3 {
		t.Fatalf("first run exited %d:\n%s", code, stderr)
	}
	// The village workbook with the most findings.
	var book string
	var rows [][]string
	for _, p := range s.workbooks(t) {
		r := sheetRows(t, p, "问题清单")
		if len(r) > len(rows) {
			book, rows = p, r
		}
	}
	if len(rows) < 3 {
		t.Fatalf("no village workbook with two findings")
	}
	col := func(name string) int {
		i := slices.Index(rows[0], name)
		if i < 0 {
			t.Fatalf("%s: no column %s in %v", book, name, rows[0])
		}
		return i
	}
	idCol, resultCol, noteCol, stateCol := col("编号"), col("核实结果"), col("核实说明"), col("状态")
	waived, fixed := rows[1][idCol], rows[2][idCol]

	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	set := func(row, c int, v string) {
		cell, _ := excelize.CoordinatesToCellName(c+1, row+1)
		if err := f.SetCellStr("问题清单", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set(1, resultCol, "情况属实无需修正")
	set(1, noteCol, "经入户核实，情况属实")
	set(2, resultCol, "已修正")
	// A row the cadre added with a number that was never issued, and one with an answer that is none of the
	// drop-down's, on the finding answered 已修正.
	extra := len(rows)
	set(extra, idCol, "XX-99-0000000000")
	set(extra, resultCol, "已修正")
	set(extra+1, idCol, fixed)
	set(extra+1, resultCol, "正在核实")
	returned := filepath.Join(s.inbox, "返回_"+filepath.Base(book))
	if err := f.SaveAs(returned); err != nil {
		t.Fatal(err)
	}
	f.Close()

	code, stdout, stderr := s.runBinary(t, s.args()...)
	if code != 0 && code != 3 {
		t.Fatalf("second run exited %d:\n%s", code, stderr)
	}
	if got := queryLines(t, s.db, "SELECT kind FROM files WHERE run_id = (SELECT max(run_id) FROM runs) AND path LIKE '%返回_%'"); !slices.Equal(got, []string{"verification"}) {
		t.Fatalf("the returned workbook was read as %v, want verification", got)
	}
	if got := queryLines(t, s.db, "SELECT status FROM files WHERE run_id = (SELECT max(run_id) FROM runs) AND sheet = '说明'"); !slices.Equal(got, []string{"ignored"}) {
		t.Errorf("the returned workbook's 说明 sheet: %v, want ignored", got)
	}
	// The visit sheet repeats each finding's 编号 with empty answer boxes: it must not be read as answers.
	if got := queryLines(t, s.db, "SELECT status || ' ' || rows_loaded FROM files WHERE run_id = (SELECT max(run_id) FROM runs) AND sheet = '入户核实表'"); !slices.Equal(got, []string{"ignored 0"}) {
		t.Errorf("the returned workbook's 入户核实表 sheet: %v, want ignored", got)
	}
	if got := queryLines(t, s.db, "SELECT status FROM findings WHERE finding_id = '"+waived+"'"); !slices.Equal(got, []string{"waived"}) {
		t.Errorf("finding answered 情况属实无需修正: %v, want waived", got)
	}
	if got := queryLines(t, s.db, "SELECT status || '|' || coalesce(feedback, '') FROM findings WHERE finding_id = '"+fixed+"'"); !slices.Equal(got, []string{"open|已反馈修正仍存在"}) {
		t.Errorf("finding answered 已修正 but still raised: %v, want open|已反馈修正仍存在", got)
	}
	if !containsAll(stdout, "编号不存在", "XX-99-0000000000") {
		t.Errorf("the summary does not list the unknown 编号:\n%s", stdout)
	}
	if !containsAll(stdout, "核实结果无法识别", fixed, "正在核实") {
		t.Errorf("the summary does not list the unreadable answer:\n%s", stdout)
	}

	// The village's new workbook lists the one answered 已修正 again, and no longer the waived one.
	states := map[string]string{}
	for _, r := range sheetRows(t, book, "问题清单")[1:] {
		states[r[idCol]] = r[stateCol]
	}
	if _, listed := states[waived]; listed || states[fixed] != "已反馈修正仍存在" {
		t.Errorf("new workbook: waived one listed %v (状态 %q), the other 状态 %q; want not listed, and 已反馈修正仍存在",
			listed, states[waived], states[fixed])
	}

	// 汇总.xlsx agrees with the findings view for the village.
	village := filepath.Base(book[:len(book)-len(".xlsx")])
	summary := sheetRows(t, filepath.Join(s.out, "2023-06-10", "汇总.xlsx"), "按村汇总")
	var line []string
	for _, r := range summary[1:] {
		if len(r) > 1 && r[1] == village {
			line = r
		}
	}
	if line == nil {
		t.Fatalf("汇总.xlsx has no row for %s", village)
	}
	count := func(name string) int {
		i := slices.Index(summary[0], name)
		if i < 0 || i >= len(line) {
			t.Fatalf("汇总.xlsx: no column %s", name)
		}
		n, err := strconv.Atoi(line[i])
		if err != nil {
			t.Fatalf("汇总.xlsx %s = %q", name, line[i])
		}
		return n
	}
	where := "village = '" + village + "'"
	for _, c := range []struct{ column, query string }{
		{"问题数", "SELECT count(*) FROM findings WHERE status <> 'waived' AND " + where},
		{"无需修正", "SELECT count(*) FROM findings WHERE status = 'waived' AND " + where},
		{"已反馈修正仍存在", "SELECT count(*) FROM findings WHERE feedback = '已反馈修正仍存在' AND " + where},
		{"持续", "SELECT count(*) FROM findings WHERE status = 'open' AND " + where},
	} {
		if got, want := count(c.column), queryInt(t, s.db, c.query); got != want {
			t.Errorf("汇总.xlsx %s for %s: %d, the findings view %d", c.column, village, got, want)
		}
	}
	if count("无需修正") != 1 || count("已反馈修正仍存在") != 1 {
		t.Errorf("汇总.xlsx: 无需修正 %d, 已反馈修正仍存在 %d; want 1 and 1", count("无需修正"), count("已反馈修正仍存在"))
	}

	// bidui runs --villages says the same for the village.
	code, out, errOut := s.runBinary(t, "runs", "--db", s.db, "--villages", "--format", "csv")
	if code != 0 {
		t.Fatalf("runs --villages exited %d:\n%s", code, errOut)
	}
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(records) < 2 {
		t.Fatalf("runs --villages: %v\n%s", err, out)
	}
	var counts map[string]string
	for _, r := range records[1:] {
		if r[2] == village {
			counts = map[string]string{}
			for i, name := range records[0] {
				counts[name] = r[i]
			}
		}
	}
	want := map[string]string{
		"new":                    strconv.Itoa(queryInt(t, s.db, "SELECT count(*) FROM findings WHERE status = 'new' AND "+where)),
		"open":                   strconv.Itoa(count("持续")),
		"waived":                 "1",
		"feedback_still_present": "1",
	}
	for name, w := range want {
		if counts[name] != w {
			t.Errorf("runs --villages for %s: %s = %q, want %s (%v)", village, name, counts[name], w, counts)
		}
	}
}

func sheetRows(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
