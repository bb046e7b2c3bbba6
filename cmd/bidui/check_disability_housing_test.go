package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestCheckDisabilityHousing: bidui check recognises a 残联 roster that has the 残疾人证号 and no ID column, and a
// 住建 ledger under a two-level header (户主信息, 鉴定情况, 改造情况), says how their headers map, and shows what
// it rejects: a grade given as 重度 alone, a 证号 whose grade digit a re-graded card's column contradicts, a
// house appraised as 基本安全 without its letter.
func TestCheckDisabilityHousing(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"残联.csv": "XX县持证残疾人花名册\n制表日期：2023-06-01\n残疾人姓名,残疾人证号,残疾类别,残疾等级,发证日期,证件状态\n" +
			"张三,37032319500101001142,肢体,二级,2019-05-12,正常\n李四,37032319500101002711,视力,重度,2020-01-01,有效\n" +
			"王五,37032319500101001141,,三级,2021-01-01,已注销\n",
		"危房.csv": "重点对象住房安全鉴定及改造台账\n填报单位：某县住建局\n序号,乡镇,村,户主信息,,鉴定情况,,改造情况,\n" +
			",,,姓名,身份证号,鉴定等级,鉴定日期,改造方式,改造进度\n" +
			"1,某镇,甲村,张三,370323195001010011,局部危房,2022-05-12,修缮加固,未开工\n" +
			"2,某镇,乙村,李四,370323195001010027,基本安全,2022-05-13,,\n",
	}
	paths := writeFiles(t, dir, files)
	var out strings.Builder
	if err := Run(context.Background(), append([]string{"check"}, paths...), nil, &out, io.Discard); err != nil {
		t.Fatalf("check: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"残联.csv [残联.csv]: loaded, kind disability",
		"cert_no←残疾人证号", "grade←残疾等级", "name←残疾人姓名", "status←证件状态",
		`row 5 column 残疾等级: grade_unclear "重度"`,
		`row 6 column 残疾人证号: cert_code_mismatch`,
		"危房.csv [危房.csv]: loaded, kind housing", "header row 4",
		"grade←鉴定等级", "head_name←户主信息/姓名", "id_number←户主信息/身份证号", "reno_status←改造进度",
		`row 6 column 鉴定等级: grade_unclear "基本安全"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check output does not say %q:\n%s", want, got)
		}
	}
}
