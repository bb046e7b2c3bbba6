package rules

import (
	"strings"
	"testing"
	"testing/fstest"

	biduisql "github.com/bidui/bidui/sql"
)

const goodHeader = `-- code: XX-01
-- title: 测试规则
-- severity: high
-- level: household            (person | household | row)
-- needs: dibao, review        (source kinds)
-- uses: gs
-- action: 逐户研判
-- basis: 集中排查工作方案
-- description: 第一行
-- description: 第二行
-- category: 部门比对
`

func TestParseGood(t *testing.T) {
	r, err := Parse("XX-01_x.sql", []byte(goodHeader+"SELECT $as_of AS subject, $review_lead_days\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Code != "XX-01" || r.Level != "household" || r.Severity != "high" {
		t.Errorf("got %+v", r)
	}
	if len(r.Needs) != 2 || r.Needs[0] != "dibao" || r.Needs[1] != "review" || len(r.Uses) != 1 || r.Uses[0] != "gs" {
		t.Errorf("needs %v uses %v", r.Needs, r.Uses)
	}
	if r.Description != "第一行 第二行" {
		t.Errorf("description %q", r.Description)
	}
	if strings.Join(r.Params, ",") != "as_of,review_lead_days" {
		t.Errorf("params %v", r.Params)
	}
}

func TestParseMalformed(t *testing.T) {
	replace := func(old, new string) string { return strings.Replace(goodHeader, old, new, 1) + "SELECT 1\n" }
	tests := []struct {
		name, src, want string
	}{
		{"missing code", replace("-- code: XX-01\n", ""), `x.sql:1: missing header field "code"`},
		{"prose before code", "-- a rule about things\n" + goodHeader + "SELECT 1", "x.sql:1: rule file must start with `-- code: XX-NN`"},
		{"bad code", replace("XX-01", "X1"), `x.sql:1: code: "X1" is not a rule code like DB-01`},
		{"missing title", replace("-- title: 测试规则\n", ""), `x.sql:1: missing header field "title"`},
		{"bad severity", replace("severity: high", "severity: urgent"), `x.sql:3: severity: "urgent" is not one of high, medium, low`},
		{"bad level", replace("level: household ", "level: village "), `x.sql:4: level: "village" is not one of person, household, row`},
		{"unknown kind", replace("needs: dibao,", "needs: dibo,"), `x.sql:5: needs: unknown source kind "dibo"`},
		{"unknown field", replace("-- uses: gs\n", "-- usage: gs\n"), `x.sql:6: unknown header field "usage"`},
		{"twice", replace("-- uses: gs\n", "-- title: again\n"), `x.sql:6: field "title" given twice (first on line 2)`},
		{"empty action", replace("action: 逐户研判", "action:"), `x.sql:7: action: empty value`},
		{"no query", goodHeader, `x.sql:11: no query after the header`},
		{"unknown parameter", goodHeader + "SELECT $monitoring_lines\n", `x.sql:12: unknown parameter $monitoring_lines`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.sql", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n  %v\nwant it to contain\n  %s", err, tt.want)
			}
		})
	}
}

func TestLoadReportsEveryFile(t *testing.T) {
	fsys := fstest.MapFS{
		"a.sql": {Data: []byte(strings.Replace(goodHeader, "high", "urgent", 1) + "SELECT 1")},
		"b.sql": {Data: []byte(strings.Replace(goodHeader, "-- title: 测试规则\n", "", 1) + "SELECT 1")},
		"c.sql": {Data: []byte(goodHeader + "SELECT 1")},
		"d.sql": {Data: []byte(goodHeader + "SELECT 1")},
	}
	_, err := Load(fsys)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"a.sql:3:", "b.sql:1:", "d.sql:1: code XX-01 already used by c.sql"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// TestEmbeddedRulesLoad keeps the shipped catalogue loadable: every rule file has a valid header.
func TestEmbeddedRulesLoad(t *testing.T) {
	rs, err := Load(biduisql.Rules())
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) == 0 {
		t.Fatal("no rules embedded")
	}
	for _, r := range rs {
		if !strings.HasPrefix(r.File, r.Code+"_") {
			t.Errorf("%s: file name should start with its code %s_", r.File, r.Code)
		}
	}
}
