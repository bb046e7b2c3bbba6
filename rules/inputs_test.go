package rules

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"testing"
)

// TestCheckInputs: the check inputs on households as they are: one without a 户主 (named by its first member),
// one with two, a person registered again in a second file (counted once), blank and non-numeric amounts
// (NULL), an ID that is not valid (age from 出生日期), an unlinked row (subject gs-row:…).
func TestCheckInputs(t *testing.T) {
	db := testDB(t)
	mustExec(t, db, `INSERT INTO runs (run_id, started_at, as_of, status) VALUES (1, now(), DATE '2023-06-10', 'running')`)
	// ID numbers: valid ones (check characters computed), born 1980-06-11 (42 at as_of) and 2010-06-10 (13).
	mustExec(t, db, `INSERT INTO src_gs (file_id, sheet, row_no, town, village, household_no, name, id_raw, id_number, id_type,
	        relation, birth_date, household_type, monitor_type, school_status, health, labour, resident_medical, employee_medical,
	        dibao, tekun, risks, risk_eliminated, measures, wage_income, farmland_area)
	    VALUES
	    -- H1: no 户主; the first member (row 2) names it.
	    (1, 'S', 2, '镇', '村', 'H1', '甲', '370323198006110012', '370323198006110012', '居民身份证', '配偶', NULL, '脱贫户', NULL,
	     '非在校生', '健康', '普通劳动力', true, NULL, '农村低保', NULL, ['因病', ' '], false,
	     [{'category': '产业帮扶', 'text': '养殖'}], NULL, NULL),
	    (1, 'S', 3, '镇', '村', 'H1', '甲子', '37032320100610002242', NULL, '残疾人证', '子女', DATE '2010-06-10', '脱贫户', NULL,
	     '七年级', '残疾', '无劳动力', false, false, NULL, NULL, ['因残'], false,
	     [{'category': '产业帮扶', 'text': '种植'}, {'category': '健康帮扶', 'text': ''}], NULL, NULL),
	    -- H2: two 户主, monitored, a 20-character card of grade 1, an unlinked member.
	    (1, 'S', 4, '镇', '村', 'H2', '乙', NULL, NULL, NULL, '户主', NULL, '一般农户', '边缘易致贫户',
	     NULL, '长期慢性病', NULL, NULL, NULL, NULL, '农村特困', NULL, NULL, NULL, 1200, 3.5),
	    (1, 'S', 5, '镇', '村', 'H2', '乙二', '37032319800611001211', NULL, NULL, '户主', NULL, '一般农户', '边缘易致贫户',
	     NULL, '患有大病', '弱劳动力或半劳动力', true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	    -- 甲 again in a second file of H1: not counted again, not a row of check_persons.
	    (2, 'S', 2, '镇', '村', 'H1', '甲', '370323198006110012', '370323198006110012', '居民身份证', '户主', NULL, '脱贫户', NULL,
	     '非在校生', '健康', '普通劳动力', true, NULL, '农村低保', NULL, NULL, false, NULL, NULL, NULL)`)
	mustExec(t, db, `INSERT INTO links (kind, file_id, row_no, person_key, method, score, explanation)
	    VALUES ('gs', 1, 2, 'P-jia', 'exact_id', 1, 't'), ('gs', 1, 3, 'P-jiazi', 'exact_id', 1, 't'),
	           ('gs', 1, 5, 'P-yi2', 'exact_id', 1, 't'), ('gs', 2, 2, 'P-jia', 'exact_id', 1, 't')`)

	persons := queryRows(t, db, `SELECT concat_ws('|', subject, name, coalesce(age::VARCHAR, '-'), in_school, coalesce(stage, '-'),
	        hh_poverty, hh_monitored, array_to_string(hh_risks, '、'))
	    FROM check_persons ORDER BY file_id, row_no`)
	wantPersons := []string{
		"P-jiazi|甲子|13|true|初中|true|false|因残、因病",
		"P-jia|甲|42|false|-|true|false|因残、因病",
		"P-yi2|乙二|-|false|-|false|true|",
		"gs-row:1:4|乙|-|false|-|false|true|",
	}
	if strings.Join(persons, "\n") != strings.Join(wantPersons, "\n") {
		t.Errorf("check_persons:\n%s\nwant\n%s", strings.Join(persons, "\n"), strings.Join(wantPersons, "\n"))
	}
	households := queryRows(t, db, `SELECT concat_ws('|', subject, name, coalesce(person_key, '-'), members, heads, poverty_exited, monitored,
	        array_to_string(risks, '、'), n_labour_with, n_labour_weak, n_labour_none, n_labour_blank, n_healthy, n_disabled, n_ill,
	        n_in_school, n_dibao, n_tekun, n_disability_card, n_severe_card, n_uninsured,
	        rule_measure(measures_all, '产业帮扶'), rule_measure(measures_all, '健康帮扶'), coalesce(wage_income::VARCHAR, '-'),
	        coalesce(farmland_area::VARCHAR, '-'))
	    FROM check_households ORDER BY subject`)
	wantHouseholds := []string{
		// H1: no 户主 among its two members (甲's 户主 row is the second file's, not counted): 甲 names it.
		"gs:H1|甲|P-jia|2|0|true|false|因残、因病|1|0|1|0|1|1|0|1|1|0|1|1|1|养殖；种植||-|-",
		// H2: two 户主; the first names it; amounts of the head row; 乙's blank 劳动技能 and unknown insurance.
		"gs:H2|乙|-|2|2|false|true||0|1|0|1|0|0|2|0|0|1|1|1|1|||1200.0|3.5",
	}
	if strings.Join(households, "\n") != strings.Join(wantHouseholds, "\n") {
		t.Errorf("check_households:\n%s\nwant\n%s", strings.Join(households, "\n"), strings.Join(wantHouseholds, "\n"))
	}
}

// queryRows runs q, which selects one text column, and returns its values sorted.
func queryRows(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	var all string
	if err := db.QueryRow(`SELECT coalesce(string_agg(l, chr(10) ORDER BY l), '') FROM (` + q + `) AS r (l)`).Scan(&all); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return strings.Split(all, "\n")
}

// TestInputsKeepReadColumns: a rule input is computed with the columns that a rule, a macro or a view reading
// it (directly or through another view) names, and without the others; a rule selecting columns by pattern
// keeps them all.
func TestInputsKeepReadColumns(t *testing.T) {
	db := testDB(t)
	mustExec(t, db, `CREATE VIEW zz_inner AS SELECT * FROM rule_gs`)
	mustExec(t, db, `CREATE VIEW zz_outer AS SELECT political FROM zz_inner`)
	mustExec(t, db, `CREATE MACRO zz_macro() AS TABLE SELECT elim_net_income FROM rule_gs`)
	rule := Rule{Code: "T-01", SQL: `SELECT subject FROM rule_gs WHERE wage_income > 0`}
	kept := func(rs []Rule) map[string]bool {
		t.Helper()
		temps := withInputs(t, db, rs)
		var made int
		var names string
		if err := temps.conn.QueryRowContext(context.Background(), `SELECT (SELECT count(*) FROM duckdb_tables() WHERE temporary),
		        (SELECT string_agg(column_name, ',') FROM duckdb_columns() WHERE database_name = 'temp' AND table_name = 'rule_gs')`).Scan(&made, &names); err != nil {
			t.Fatal(err)
		}
		if made != len(ruleInputs)+1 {
			t.Errorf("%d temporary tables, want every input and the pending hits (%d)", made, len(ruleInputs)+1)
		}
		cols := map[string]bool{}
		for _, c := range strings.Split(names, ",") {
			cols[c] = true
		}
		return cols
	}
	cols := kept([]Rule{rule})
	for _, c := range []string{"wage_income", "political", "elim_net_income", "hh", "household_no", "head_order"} {
		if !cols[c] {
			t.Errorf("rule_gs computed without %s, which is read", c)
		}
	}
	if cols["ident_pension_income"] {
		t.Errorf("rule_gs computed with ident_pension_income, which nothing reads")
	}
	for _, q := range []string{
		`SELECT subject FROM (SELECT subject, Columns ('ident_.*') FROM rule_gs)`,
		`SELECT subject FROM (SELECT subject, * LIKE 'ident%' FROM rule_gs)`,
	} {
		rule.SQL = q
		if cols := kept([]Rule{rule}); !cols["ident_pension_income"] {
			t.Errorf("a rule %s: rule_gs computed without ident_pension_income", q)
		}
	}
}

// withInputs computes the rule inputs for rs on a connection of db, as RunWithColumns does, and returns their
// temporary tables; the connection and the tables go when the test ends.
func withInputs(t *testing.T, db *sql.DB, rs []Rule) *tempTables {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	temps := &tempTables{conn: conn}
	t.Cleanup(func() {
		temps.drop(ctx)
		conn.Close()
	})
	named, err := readerText(ctx, conn, rs)
	if err != nil {
		t.Fatal(err)
	}
	if err := materialiseInputs(ctx, temps, named, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	return temps
}
