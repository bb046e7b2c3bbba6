package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bidui/bidui"
)

// testID returns a valid synthetic ID number of a person born on birth (YYYYMMDD) with sequence seq.
func testID(t *testing.T, birth, seq string) string {
	t.Helper()
	first := "370323" + birth + seq
	c, ok := bidui.IDCheckChar(first)
	if !ok {
		t.Fatalf("no check character for %s", first)
	}
	return first + string(c)
}

// TestAwkwardHouseholdsRunEveryCheck: an export with a household without 户主, one with two, blank amounts and
// amounts that are no numbers runs to the end with every check of the catalogue: no rule fails, the
// unreadable amounts are reject rows naming file, sheet, row and column, and the checks still judge them
// (a blank or unreadable 耕地面积 is itself a finding).
func TestAwkwardHouseholdsRunEveryCheck(t *testing.T) {
	dir := t.TempDir()
	s := &site{dir: dir, inbox: filepath.Join(dir, "inbox"), db: filepath.Join(dir, "bidui.duckdb"), out: filepath.Join(dir, "out")}
	if err := os.MkdirAll(s.inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	header := []any{"县", "乡", "村", "户编号", "姓名", "证件号码", "与户主关系", "户类型", "监测对象类别", "风险是否已消除",
		"致贫/返贫风险1", "健康状况", "劳动技能", "在校生状况", "文化程度", "民族", "是否参加大病保险",
		"是否参加城乡居民基本医疗保险", "是否参加城镇职工基本医疗保险", "是否参加城乡居民基本养老保险", "是否参加城镇职工基本养老保险",
		"是否危房户", "是否解决安全饮用水", "有无卫生厕所", "入户道路是否硬化", "是否通生活用电", "住房面积", "与村主干路距离",
		"耕地面积（亩）", "林地面积（亩）", "退耕还林面积（亩）", "林果面积（亩）", "牧草地面积（亩）", "水面面积（亩）",
		"工资性收入", "生产经营性收入", "转移性收入", "合规自付支出", "人均纯收入", "户联系电话", "家庭成员联系电话"}
	row := func(hh, name, id, rel, area, wage, income string) []any {
		return []any{"某县", "某镇", "甲村", hh, name, id, rel, "脱贫户", "脱贫不稳定户", "否", "因病", "健康", "普通劳动力",
			"非在校生", "初中", "汉族", "是", "是", "否", "是", "否", "否", "是", "有", "是", "是", "80", "0.5",
			area, "0", "0", "0", "0", "0", wage, "0", "0", "0", income, "13912345678", "13912345678"}
	}
	rows := [][]any{{"（自定义）监测对象信息"}, {"导出时间：2023-06-01"}, header,
		// H1: no 户主.
		row("H1", "赵一", testID(t, "19800101", "101"), "配偶", "3", "1200", "9000"),
		row("H1", "赵二", testID(t, "19820202", "202"), "之子", "3", "1200", "9000"),
		// H2: two 户主.
		row("H2", "钱一", testID(t, "19750303", "301"), "户主", "2", "1000", "8800"),
		row("H2", "钱二", testID(t, "19770404", "402"), "户主", "2", "1000", "8800"),
		// H3: blank amounts.
		row("H3", "孙一", testID(t, "19700505", "501"), "户主", "", "", ""),
		// H4: amounts that are no numbers.
		row("H4", "李一", testID(t, "19650606", "601"), "户主", "约3亩", "一千二", "未知"),
	}
	path := filepath.Join(s.inbox, "（自定义）监测对象信息.xlsx")
	writeSheet(rows, nil)(t, path)

	// Exit 3 (partial): the inbox has no department file, so the comparisons with them are skipped.
	code, _, stderr := s.runBinary(t, s.args()...)
	if code != 0 && code != 3 {
		t.Fatalf("run exited %d, want 0 or 3:\n%s", code, stderr)
	}
	if failed := queryLines(t, s.db, `SELECT rule || ': ' || coalesce(reason, '') FROM rule_runs
		WHERE run_id = (SELECT max(run_id) FROM runs) AND status = 'failed'`); len(failed) > 0 {
		t.Errorf("rules failed:\n%s", strings.Join(failed, "\n"))
	}
	ran := queryInt(t, s.db, `SELECT count(*) FROM rule_runs WHERE run_id = (SELECT max(run_id) FROM runs) AND status = 'ran'`)
	if ran < 60 {
		t.Errorf("%d rules ran on the export, want the export's checks (at least 60)", ran)
	}
	// Every unreadable amount of H4 is a reject row naming its place.
	rejects := queryLines(t, s.db, `SELECT sheet || '|' || row_no || '|' || "column" FROM rejects ORDER BY row_no, "column"`)
	for _, want := range []string{"|9|耕地面积（亩）", "|9|工资性收入", "|9|人均纯收入"} {
		found := false
		for _, r := range rejects {
			found = found || strings.HasSuffix(r, want)
		}
		if !found {
			t.Errorf("no reject %s among %q", want, rejects)
		}
	}
	// The blank and the unreadable 耕地面积 are findings of ZL-716 (耕地面积为空); HH-01 names H1 and H2.
	got := queryLines(t, s.db, `SELECT rule || ' ' || household_no FROM findings WHERE rule IN ('ZL-716', 'HH-01') ORDER BY 1`)
	want := []string{"HH-01 H1", "HH-01 H2", "ZL-716 H3", "ZL-716 H4"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("findings %q, want %q", got, want)
	}
}
