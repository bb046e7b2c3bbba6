package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckDeathPension: bidui check recognises a 民政 火化 list and a 人社 pension export, says how their
// headers map and what it rejects (a death without a date), and reports a 公安 注销 list without 注销原因 as a
// sheet it skips, saying why.
func TestCheckDeathPension(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"火化.csv": "XX县火化信息\n导出时间：2023-06-01\n逝者姓名,死者身份证号,火化日期,数据来源\n" +
			"张三,370323195001010011,2023-05-12,民政\n李四,370323195001010027,,\n",
		"养老.csv": "城乡居民养老保险缴费明细\n参保人姓名,社会保障号码,参保缴费状态,缴费年度,缴费档次,个人缴费金额,代缴类别\n" +
			"张三,370323195001010011,正常缴费,2023年,100元档,100元,无\n",
		"注销.csv": "姓名,身份证号,注销日期\n王五,370323195001010035,2023-05-01\n",
	}
	paths := writeFiles(t, dir, files)
	var out strings.Builder
	err := Run(context.Background(), append([]string{"check"}, paths...), nil, &out, io.Discard)
	if !errors.Is(err, errPartialCheck) {
		t.Fatalf("check: %v, want the partial exit for the 注销 list", err)
	}
	got := out.String()
	for _, want := range []string{
		"火化.csv [火化.csv]: loaded, kind death",
		"cremated_on←火化日期", "id_number←死者身份证号", "name←逝者姓名", "source_dept←数据来源",
		`row 5 column 火化日期: death_no_date`,
		"养老.csv [养老.csv]: loaded, kind pension",
		"insured_status←参保缴费状态", "level←缴费档次", "subsidy_category←代缴类别", "year←缴费年度",
		"注销.csv [注销.csv]: unrecognised", "no 注销原因 column",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check output does not say %q:\n%s", want, got)
		}
	}
}

// writeFiles writes each body under its name in dir and returns the paths.
func writeFiles(t *testing.T, dir string, files map[string]string) []string {
	t.Helper()
	var paths []string
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}
