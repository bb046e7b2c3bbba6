package rules

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bidui/bidui"
	biduisql "github.com/bidui/bidui/sql"
)

const goodCheck = `# a comment
[[check]]
code = "ZZ-101"
title = "测试检查"
category = "数据质量"
national_code = ["2_01_002", "2_12_003"]
severity = "low"
level = "person"
input = "check_persons"
needs = ["gs"]
uses = ["dibao"]
columns = ["gs.health", "gs.labour|gs.school_status"]
where = """nullif(trim(health), '') IS NULL -- a trailing comment
AND age >= $labour_age_min"""
detail = """'健康状况为空' -- another"""
action = "补录"
basis = "测试"
description = "健康状况为空白。"
`

func TestParseChecksGood(t *testing.T) {
	rs, err := ParseChecks("zz.toml", []byte(goodCheck))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("got %d checks", len(rs))
	}
	r := rs[0]
	if r.Code != "ZZ-101" || r.Category != "数据质量" || r.Input != "check_persons" || r.File != "zz.toml:2" ||
		strings.Join(r.NationalCodes, ",") != "2_01_002,2_12_003" || strings.Join(r.Params, ",") != "labour_age_min" ||
		len(r.Requires) != 2 || len(r.Requires[1]) != 2 || len(r.Uses) != 1 || r.Uses[0] != bidui.KindDibao {
		t.Errorf("got %+v", r)
	}
	if !strings.Contains(r.SQL, "FROM check_persons") {
		t.Errorf("query %s", r.SQL)
	}
}

// TestParseChecksErrors: every bad entry is reported at its file and line, all of them at once.
func TestParseChecksErrors(t *testing.T) {
	replace := func(old, new string) string {
		if !strings.Contains(goodCheck, old) {
			t.Fatalf("%q not in goodCheck", old)
		}
		return strings.Replace(goodCheck, old, new, 1)
	}
	tests := []struct {
		name, src, want string
	}{
		{"bad code", replace(`"ZZ-101"`, `"ZZ101"`), `zz.toml:3: code: "ZZ101" is not a rule code like DB-01`},
		{"bad category", replace(`"数据质量"`, `"质量"`), `zz.toml:5: category: "质量" is not one of 部门比对, 研判程序, 数据质量`},
		{"missing where", replace("where = \"\"\"nullif(trim(health), '') IS NULL -- a trailing comment\nAND age >= $labour_age_min\"\"\"\n", ""), `zz.toml:2: missing field "where"`},
		{"unknown field", replace(`severity = "low"`, `severity = "low"`+"\nseverity_x = 1"), `zz.toml:8: unknown field "severity_x"`},
		{"unknown parameter", replace("$labour_age_min", "$labour_age"), `zz.toml:13: where: unknown parameter $labour_age `},
		{"bad kind", replace(`needs = ["gs"]`, `needs = ["gss"]`), `zz.toml:10: needs: unknown source kind "gss"`},
		{"column of another kind", replace(`"gs.health"`, `"medical.health"`), `zz.toml:12: column medical.health: kind medical is neither in needs nor in uses`},
		{"bad national number", replace(`"2_12_003"`, `"2-12"`), `zz.toml:6: national_code: "2-12" is not a national number like 5_11_033`},
		{"row level", replace(`level = "person"`, `level = "row"`), `zz.toml:8: level: a check is about one person or one household`},
		{"bad input", replace(`"check_persons"`, `"check persons"`), `zz.toml:9: input: "check persons" is not a view name`},
		{"list as string", replace(`needs = ["gs"]`, `needs = "gs"`), `zz.toml:10: needs must be a list of strings`},
		{"empty title", replace(`title = "测试检查"`, `title = " "`), `zz.toml:4: title: empty value`},
		{"toml syntax", replace(`severity = "low"`, `severity = low`), `zz.toml:7: expected value`},
		{"same code twice", goodCheck + strings.Replace(goodCheck, "# a comment\n", "", 1), `zz.toml:19: code ZZ-101 already used on line 2`},
		{"second entry bad", goodCheck + strings.Replace(strings.Replace(goodCheck, "# a comment\n", "", 1), `"ZZ-101"`, `"ZZ-102"`, 1) + "\n" +
			strings.Replace(strings.Replace(goodCheck, "# a comment\n", "", 1), `level = "person"`, `level = "village"`, 1),
			`zz.toml:43: level: "village" is not one of person, household, row`},
		{"not a check table", "[check]\ncode = 1\n", `zz.toml:1: check must be an array of tables`},
		{"stray key", "title = 1\n" + goodCheck, `zz.toml:1: unknown key "title"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseChecks("zz.toml", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n  %v\nwant it to contain\n  %s", err, tt.want)
			}
		})
	}
}

// TestLoadCatalogueCodeClash: a check may not reuse a .sql rule's code.
func TestLoadCatalogueCodeClash(t *testing.T) {
	sqlRule := strings.Replace(goodHeader, "XX-01", "ZZ-101", 1) + "SELECT 1\n"
	_, err := LoadCatalogue(fstest.MapFS{"ZZ-101_x.sql": {Data: []byte(sqlRule)}}, fstest.MapFS{"zz.toml": {Data: []byte(goodCheck)}})
	if err == nil || !strings.Contains(err.Error(), "zz.toml:2: code ZZ-101 already used by ZZ-101_x.sql") {
		t.Errorf("got %v", err)
	}
}

// TestEmbeddedCatalogue: the built-in catalogue loads, every rule has a category, and the checks are in it.
func TestEmbeddedCatalogue(t *testing.T) {
	rs, err := LoadCatalogue(biduisql.Rules(), biduisql.Checks())
	if err != nil {
		t.Fatal(err)
	}
	checks := 0
	for _, r := range rs {
		if r.Category == "" {
			t.Errorf("%s: no category", r.Code)
		}
		if r.Input != "" {
			checks++
		}
	}
	if checks == 0 {
		t.Error("no check-table entry in the catalogue")
	}
	if !slices.IsSortedFunc(rs, func(a, b Rule) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("catalogue not sorted by code")
	}
}

// entry is one check-table entry needing gs (and the kinds of more, TOML lines such as `columns = […]`).
func entry(code, level, input, where, detail string, more ...string) string {
	return fmt.Sprintf("[[check]]\ncode = %q\ntitle = \"t\"\ncategory = \"数据质量\"\nseverity = \"low\"\nlevel = %q\n"+
		"input = %q\nneeds = [\"gs\"]\nwhere = '''%s'''\ndetail = '''%s'''\naction = \"a\"\nbasis = \"b\"\n%s\n",
		code, level, input, where, detail, strings.Join(more, "\n"))
}

// testChecks are checks over both inputs that fire on the synthetic town; broken ones are added per test.
func testChecks(t testing.TB) []Rule {
	t.Helper()
	src := entry("ZZ-101", "person", "check_persons", `stage = '初中' AND age >= $compulsory_age_max`, `'年龄' || age`) +
		entry("ZZ-102", "person", "check_persons", `labour = '无劳动力' AND age BETWEEN $labour_age_min AND $labour_age_max + 20`, `'无劳动力'`) +
		entry("ZZ-103", "person", "check_persons", `hh_poverty AND NOT resident_medical`, `'未参保'`) +
		entry("ZZ-104", "person", "check_persons", `NULL`, `'never'`) +
		entry("ZZ-201", "household", "check_households", `heads <> 1`, `'户主' || heads || '人'`) +
		entry("ZZ-202", "household", "check_households", `n_labour_none = members AND rule_measure(measures_all, '产业帮扶') <> ''`,
			`'无劳动力户有产业帮扶：' || rule_measure(measures_all, '产业帮扶')`) +
		entry("ZZ-203", "household", "check_households", `n_dibao > 0 AND n_in_school > 0`, `n_dibao || '人低保，' || n_in_school || '人在校'`) +
		// The same rule_measure calls as ZZ-202's, computed once per household (hoist), and one inside a lambda.
		entry("ZZ-204", "household", "check_households", `rule_measure(measures_all, '产业帮扶') <> '' AND rule_measure(measures_all, '健康帮扶') = ''
			AND len(list_filter([measures_all], m -> rule_measure(m, '产业帮扶') <> '')) > 0`,
			`'产业帮扶：' || rule_measure(measures_all, '产业帮扶') || '；健康帮扶：' || rule_measure(measures_all, '健康帮扶')`)
	rs, err := ParseChecks("zz.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func checkParams() map[string]any {
	p := testParams("2023-06-10")
	p["labour_age_min"], p["labour_age_max"] = int64(16), int64(59)
	return p
}

// TestCompiledPassEqualsOneByOne: the checks compiled into one scan per input raise exactly what each raises
// run alone (rule, subject, name, place and detail), each with its own count.
func TestCompiledPassEqualsOneByOne(t *testing.T) {
	db := testDB(t)
	synthTown(t, db, 2000)
	mustExec(t, db, `INSERT INTO runs (run_id, started_at, as_of, status) VALUES (1, now(), DATE '2023-06-10', 'running')`)
	ctx := context.Background()
	checks := testChecks(t)
	read := func() []string {
		var all string
		if err := db.QueryRow(`SELECT coalesce(string_agg(l, chr(10) ORDER BY l), '')
			FROM (SELECT concat_ws('|', rule, subject, person_key, name, id_number, county, town, village, household_no, detail) AS l
			      FROM rule_hits)`).Scan(&all); err != nil {
			t.Fatal(err)
		}
		if all == "" {
			return nil
		}
		return strings.Split(all, "\n")
	}
	outcomes, err := Run(ctx, db, checks, Availability{}, checkParams(), 1, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	together := read()
	var alone []string
	for i, r := range checks {
		o, err := Run(ctx, db, []Rule{r}, Availability{}, checkParams(), int64(10+i), slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		got := read()
		if o[0].Status != Ran || o[0].Findings != len(got) || outcomes[i].Findings != len(got) || outcomes[i].Status != Ran {
			t.Errorf("%s: alone %s with %d findings (%d hits), together %s with %d", r.Code, o[0].Status, o[0].Findings, len(got),
				outcomes[i].Status, outcomes[i].Findings)
		}
		if r.Code != "ZZ-104" && len(got) == 0 {
			t.Errorf("%s raised nothing on the synthetic town: the test proves nothing", r.Code)
		}
		alone = append(alone, got...)
	}
	slices.Sort(alone)
	if !slices.Equal(together, alone) {
		t.Errorf("compiled pass: %d hits, one by one: %d", len(together), len(alone))
		for i := 0; i < len(together) && i < len(alone); i++ {
			if together[i] != alone[i] {
				t.Errorf("first difference:\n  together %s\n  alone    %s", together[i], alone[i])
				break
			}
		}
	}
}

// TestBrokenCheckFailsAlone: when the compiled pass fails, each check runs alone: the broken ones fail with
// their error, the others run with their findings.
func TestBrokenCheckFailsAlone(t *testing.T) {
	db := testDB(t)
	synthTown(t, db, 400)
	mustExec(t, db, `INSERT INTO runs (run_id, started_at, as_of, status) VALUES (1, now(), DATE '2023-06-10', 'running')`)
	good := testChecks(t)
	alone, err := Run(context.Background(), db, good, Availability{}, checkParams(), 1, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	broken, err := ParseChecks("bad.toml", []byte(entry("ZZ-150", "person", "check_persons", "no_such_column = 1", "'x'")+
		entry("ZZ-250", "household", "check_households", "name::INTEGER > 0", "'x'")))
	if err != nil {
		t.Fatal(err)
	}
	rs := append(slices.Clone(good), broken...)
	slices.SortFunc(rs, func(a, b Rule) int { return strings.Compare(a.Code, b.Code) })
	outcomes, err := Run(context.Background(), db, rs, Availability{}, checkParams(), 2, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, o := range alone {
		want[o.Rule.Code] = o.Findings
	}
	for _, o := range outcomes {
		switch o.Rule.Code {
		case "ZZ-150", "ZZ-250":
			if o.Status != Failed || !strings.Contains(o.Reason, "bad.toml:") {
				t.Errorf("%s: %s %q, want failed naming its file", o.Rule.Code, o.Status, o.Reason)
			}
		default:
			if o.Status != Ran || o.Findings != want[o.Rule.Code] {
				t.Errorf("%s: %s with %d findings, want ran with %d", o.Rule.Code, o.Status, o.Findings, want[o.Rule.Code])
			}
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM rule_runs WHERE run_id = 2 AND status = 'failed'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("rule_runs failed: %d, %v", n, err)
	}
}

// TestCheckSkips: a check whose kind or column is missing, or whose parameter has no value, is skipped with the
// reason, and the others of its input still run.
func TestCheckSkips(t *testing.T) {
	db := testDB(t)
	synthTown(t, db, 400)
	mustExec(t, db, `INSERT INTO runs (run_id, started_at, as_of, status) VALUES (1, now(), DATE '2023-06-10', 'running')`)
	extra, err := ParseChecks("x.toml", []byte(
		entry("ZZ-160", "person", "check_persons", "strftime(identified_on, '%m-%d') BETWEEN $medical_subsidy_from AND $medical_subsidy_to", "'x'")+
			entry("ZZ-161", "person", "check_persons", "nullif(trim(ethnicity), '') IS NULL", "'x'", `columns = ["gs.ethnicity"]`)+
			strings.Replace(entry("ZZ-162", "person", "check_persons", "true", "'x'"), `needs = ["gs"]`, `needs = ["gs", "medical"]`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	rs := append(testChecks(t), extra...)
	cols := SourceColumns{bidui.KindGS: {"health": true, "labour": true}}
	avail := Availability{bidui.KindMedical: NoFiles}
	outcomes, err := RunWithColumns(context.Background(), db, rs, avail, cols, checkParams(), 1, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"ZZ-160": "缺少参数：$medical_subsidy_from、$medical_subsidy_to 未设置",
		"ZZ-161": "缺少数据列：全国系统（gs）缺少列 ethnicity",
		"ZZ-162": "缺少数据：",
	}
	for _, o := range outcomes {
		if w, ok := want[o.Rule.Code]; ok {
			if o.Status != Skipped || !strings.Contains(o.Reason, w) {
				t.Errorf("%s: %s %q, want skipped %q", o.Rule.Code, o.Status, o.Reason, w)
			}
			// A missing column or parameter does not make the run partial; a missing kind does.
			if o.Inapplicable() != (o.Rule.Code != "ZZ-162") {
				t.Errorf("%s: Inapplicable() = %v", o.Rule.Code, o.Inapplicable())
			}
		} else if o.Status != Ran {
			t.Errorf("%s: %s %q", o.Rule.Code, o.Status, o.Reason)
		}
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM rule_hits WHERE rule IN ('ZZ-160', 'ZZ-161', 'ZZ-162')`).Scan(&n)
	if n != 0 {
		t.Errorf("%d hits of skipped checks", n)
	}
}
