package rules

import (
	"context"
	"database/sql"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bidui/bidui"
	biduisql "github.com/bidui/bidui/sql"
)

// catalogueCodes are the rules of rules.md kept here (ID-01…ID-05 belong to matching and are not required).
var catalogueCodes = []string{
	"DB-01", "DB-02", "DB-03", "HH-01", "JY-01", "JY-02", "JY-03", "KF-01", "PS-01", "RV-01", "RV-02",
	"SR-01", "TK-01", "TK-02", "XC-01", "XC-02", "YB-01", "YB-02", "YB-03", "YB-04", "ZW-01", "ZW-02",
}

// testParams are the defaults of rules.md at as_of 2023-06-10, as config [policy] gives them.
func testParams(asOf string) map[string]any {
	return map[string]any{
		"as_of": asOf, "monitoring_line": 8000.0, "new_assistance_since": "2022-01-01", "review_lead_days": int64(30),
		"death_grace_days": int64(60), "benefit_grace_days": int64(60), "pension_age_min": int64(16), "pension_age_max": int64(59),
		"pension_check_year": int64(2022), "pension_subsidy_groups": "低保,特困",
		"identify_days": int64(15), "dibao_cancel_months": int64(12), "self_pay_poverty": 5000.0, "self_pay_other": 20000.0,
		"elimination_min_months": int64(6), "compulsory_age_min": int64(7), "compulsory_age_max": int64(15),
		"education_stages_covered": "学前,小学,初中,高中,中职",
		"severe_disability_grade":  int64(2), "new_certificate_since": "2022-01-01",
		// The data-quality catalogue's (etc/bidui.toml [policy]).
		"labour_age_min": int64(16), "labour_age_max": int64(59), "work_income_range_min": 100.0, "work_income_range_max": 30000.0,
		"welfare_post_age_min": int64(16), "welfare_post_age_max": int64(69), "work_open_months": int64(36),
	}
}

func loadCatalogue(t testing.TB) []Rule {
	t.Helper()
	rs, err := Load(biduisql.Rules())
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// synthTown fills the staging tables with n gs persons in households of four and the department rows about
// them, then links every row to its person by exact ID (test setup standing in for matching). Attributes
// cycle with the person's and household's number so every rule has work to do.
func synthTown(t testing.TB, db *sql.DB, n int) {
	t.Helper()
	stmts := []string{
		`CREATE OR REPLACE TEMP TABLE synth AS
		 SELECT i, i // 4 AS h, i % 4 AS m, first17 || substr('10X98765432',
		        (list_sum(list_transform(range(17), k -> substr(first17, k + 1, 1)::INTEGER
		            * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][k + 1])) % 11)::BIGINT + 1, 1) AS id
		 FROM (SELECT i, '370323' || CASE WHEN i % 4 = 2
		             -- Children: born 2008-2016, so some are of compulsory-education age.
		             THEN strftime(DATE '2008-01-01' + (i % 3000)::INTEGER, '%Y%m%d') || lpad((500 + i // 3000)::VARCHAR, 3, '0')
		             ELSE strftime(DATE '1950-01-01' + (i % 20000)::INTEGER, '%Y%m%d') || lpad((i // 20000)::VARCHAR, 3, '0') END AS first17
		       FROM range($n) r(i))`,
		`INSERT INTO src_gs (file_id, sheet, row_no, county, town, village, household_no, name, id_raw, id_number, relation,
		     household_type, monitor_type, policy_status, school_status, labour, resident_medical, employee_medical,
		     dibao, tekun, no_labour_household, risk_eliminated, identified_on, eliminated_on, elimination_mode,
		     income_per_capita, dev_support, measures)
		 SELECT 1, 'Sheet1', i + 2, '某县', '某镇', '村' || (h // 100 % 50), 'H' || h, '人' || i, id, id,
		        CASE WHEN m = 0 AND h % 41 <> 1 THEN '户主' WHEN m = 1 THEN '配偶' ELSE '子女' END,
		        CASE WHEN h % 3 = 0 THEN '脱贫户' ELSE '一般农户' END,
		        CASE WHEN h % 10 = 0 THEN '脱贫不稳定户' END,
		        CASE WHEN h % 7 = 0 THEN '不享受政策' ELSE '享受政策' END,
		        CASE WHEN m = 2 THEN '七年级' ELSE '非在校生' END,
		        CASE WHEN h % 13 = 0 THEN '无劳动力' WHEN m < 2 THEN '普通劳动力' ELSE '弱劳动力或半劳动力' END,
		        i % 50 <> 1, false,
		        CASE WHEN h % 11 = 0 OR h % 13 = 0 THEN '农村低保' ELSE '未享受' END, '不享受', false,
		        h % 20 = 0, DATE '2022-01-01', CASE WHEN h % 20 = 0 THEN DATE '2022-05-01' END, '帮扶消除',
		        5000 + (h % 100) * 100, CASE WHEN h % 9 = 0 THEN '尚未实施' ELSE '已实施' END,
		        CASE WHEN h % 5 = 0 THEN [] ELSE [{'category': '产业帮扶', 'text': '养殖'}] END
		 FROM synth`,
		`INSERT INTO src_dibao (file_id, sheet, row_no, village, head_id, household_key, name, id_raw, id_number, relation,
		     approved_on, status, stopped_on, area_type)
		 SELECT 2, 'Sheet1', i + 2, '村' || (h // 100 % 50), NULL, 'H' || h, '人' || i, id, id,
		        CASE m WHEN 0 THEN '户主' ELSE '成员' END,
		        DATE '2021-10-01' + (h % 400)::INTEGER, CASE WHEN h % 17 = 0 THEN 'stopped' ELSE 'active' END,
		        CASE WHEN h % 17 = 0 THEN DATE '2023-01-01' END, '农村'
		 FROM synth WHERE h % 11 = 0 OR h % 17 = 0`,
		`INSERT INTO src_tekun (file_id, sheet, row_no, name, id_raw, id_number, support_mode, approved_on, status)
		 SELECT 3, 'Sheet1', i + 2, '人' || i, id, id, '分散供养', DATE '2022-02-01' + (h % 300)::INTEGER, 'active'
		 FROM synth WHERE h % 29 = 0 AND m = 3`,
		`INSERT INTO src_medical (file_id, sheet, row_no, name, id_raw, id_number, insured_status, insurance_type, year,
		     subsidy_category, self_pay_total)
		 SELECT 4, 'Sheet1', i + 2, '人' || i, id, id, CASE WHEN i % 50 = 0 THEN 'not_insured' ELSE 'insured' END, 'resident',
		        2023, CASE WHEN i % 7 = 0 THEN NULL ELSE '脱贫人口' END, (i % 97) * 100
		 FROM synth`,
		`INSERT INTO src_education (file_id, sheet, row_no, name, id_raw, id_number, school, stage, enrollment)
		 SELECT 5, 'Sheet1', i + 2, '人' || i, id, id, '镇中学', CASE WHEN i % 8 = 2 THEN '初中' ELSE '中职' END,
		        CASE WHEN i % 9 = 0 THEN 'not_enrolled' ELSE 'enrolled' END
		 FROM synth WHERE m = 2`,
		`INSERT INTO src_review (file_id, sheet, row_no, id_raw, id_number, reviewed_on, conclusion, reason)
		 SELECT 6, 'Sheet1', i + 2, id, id, DATE '2022-02-01' + (h % 200)::INTEGER,
		        CASE WHEN h % 3 = 0 THEN 'include' ELSE 'exclude' END, CASE WHEN h % 5 = 0 THEN '已享受低保' END
		 FROM synth WHERE m = 0 AND h % 2 = 0`,
		`INSERT INTO links (kind, file_id, row_no, person_key, method, score, explanation)
		 SELECT kind, file_id, row_no, person_key_of(id_number), 'exact_id', 1.0, 'test'
		 FROM (SELECT 'gs' AS kind, file_id, row_no, id_number FROM src_gs
		       UNION ALL SELECT 'dibao', file_id, row_no, id_number FROM src_dibao
		       UNION ALL SELECT 'tekun', file_id, row_no, id_number FROM src_tekun
		       UNION ALL SELECT 'medical', file_id, row_no, id_number FROM src_medical
		       UNION ALL SELECT 'education', file_id, row_no, id_number FROM src_education
		       UNION ALL SELECT 'review', file_id, row_no, id_number FROM src_review)`,
		`INSERT INTO persons (person_key, id_number, name, county, town, village, household_no, in_gs)
		 SELECT person_key_of(id_number), id_number, name, county, town, village, household_no, true FROM src_gs`,
		`DROP TABLE synth`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s, sql.Named("n", int64(n))); err != nil {
			t.Fatalf("synthetic town: %v\n%s", err, s)
		}
	}
}

// runCatalogue runs the whole catalogue as run runID at asOf with the kinds in avail, then settles it.
func runCatalogue(t testing.TB, db *sql.DB, rs []Rule, avail Availability, runID int64, asOf string) ([]Outcome, Settlement) {
	t.Helper()
	ctx := context.Background()
	day, _ := time.Parse(time.DateOnly, asOf)
	if _, err := db.Exec(`INSERT INTO runs (run_id, started_at, as_of, status) VALUES (?, now(), ?::DATE, 'running')`, runID, asOf); err != nil {
		t.Fatal(err)
	}
	outcomes, err := Run(ctx, db, rs, avail, testParams(asOf), runID, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	st, err := SettleRun(ctx, db, runID, day, outcomes)
	if err != nil {
		t.Fatal(err)
	}
	return outcomes, st
}

func TestCatalogueLoads(t *testing.T) {
	var codes []string
	for _, r := range loadCatalogue(t) {
		codes = append(codes, r.Code)
		if r.Description == "" {
			t.Errorf("%s: no description", r.Code)
		}
	}
	for _, c := range catalogueCodes {
		if !slices.Contains(codes, c) {
			t.Errorf("catalogue %v lacks %s", codes, c)
		}
	}
}

// TestCatalogueRunsOnATown runs every rule on a small synthetic town: each runs, and each finds something.
func TestCatalogueRunsOnATown(t *testing.T) {
	db := testDB(t)
	synthTown(t, db, 4000)
	outcomes, _ := runCatalogue(t, db, loadCatalogue(t), Availability{}, 1, "2023-06-10")
	for _, o := range outcomes {
		if o.Status != Ran {
			t.Errorf("%s %s: %s", o.Rule.Code, o.Status, o.Reason)
		} else if o.Findings == 0 && slices.Contains(catalogueCodes, o.Rule.Code) {
			t.Errorf("%s found nothing in the synthetic town", o.Rule.Code)
		}
	}
}

// TestBrokenInputFailsItsRulesOnly: a rule input view that cannot be computed fails the rules that read it,
// each with the reason, and the others still run (the inputs are computed ahead of the rules, and a failure
// there must not take every rule down).
func TestBrokenInputFailsItsRulesOnly(t *testing.T) {
	db := testDB(t)
	synthTown(t, db, 400)
	// The view keeps its columns, so that the rules bind, and fails when it is read.
	mustExec(t, db, `CREATE TABLE unsure_shape AS SELECT * FROM rule_unsure_rows LIMIT 0`)
	mustExec(t, db, `INSERT INTO unsure_shape DEFAULT VALUES`)
	mustExec(t, db, `CREATE OR REPLACE VIEW rule_unsure_rows AS SELECT * REPLACE (error('broken input') AS kind) FROM unsure_shape`)
	outcomes, _ := runCatalogue(t, db, loadCatalogue(t), Availability{}, 1, "2023-06-10")
	readers := []string{"CJ-02", "DB-02", "JY-01", "JY-02", "TK-02", "YB-01"} // the rules whose SQL reads rule_unsure_rows
	for _, o := range outcomes {
		switch {
		case slices.Contains(readers, o.Rule.Code):
			if o.Status != Failed || !strings.Contains(o.Reason, "broken input") {
				t.Errorf("%s %s %q, want failed for the broken input", o.Rule.Code, o.Status, o.Reason)
			}
		case o.Status != Ran:
			t.Errorf("%s %s: %s, want ran", o.Rule.Code, o.Status, o.Reason)
		}
	}
}

// TestMissingMedicalSkipsYB: without the medical kind YB-01…YB-04 are skipped with the reason recorded, and
// nobody is reported uninsured; the other rules still run.
func TestMissingMedicalSkipsYB(t *testing.T) {
	db := testDB(t)
	synthTown(t, db, 400)
	if _, err := db.Exec(`DELETE FROM src_medical; DELETE FROM links WHERE kind = 'medical'`); err != nil {
		t.Fatal(err)
	}
	outcomes, _ := runCatalogue(t, db, loadCatalogue(t), Availability{bidui.KindMedical: "收件箱中没有该类文件"}, 1, "2023-06-10")
	for _, o := range outcomes {
		yb := strings.HasPrefix(o.Rule.Code, "YB-")
		switch {
		case yb && (o.Status != Skipped || !strings.Contains(o.Reason, "医保") || !strings.Contains(o.Reason, "收件箱中没有该类文件")):
			t.Errorf("%s: %s %q, want skipped naming 医保 and why", o.Rule.Code, o.Status, o.Reason)
		case !yb && o.Status != Ran:
			t.Errorf("%s: %s %q, want ran", o.Rule.Code, o.Status, o.Reason)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM findings_history WHERE rule LIKE 'YB-%'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d YB findings (%v), want none", n, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM rule_runs WHERE rule LIKE 'YB-%' AND status = 'skipped' AND reason LIKE '%医保%'`).Scan(&n); err != nil || n != 4 {
		t.Errorf("rule_runs records %d skipped YB rules with a reason (%v), want 4", n, err)
	}
}

// TestSettleIsStable runs the catalogue twice on the same data (same finding_ids, all open), then corrects one
// gs row so its finding disappears (resolved, kept in findings_history).
func TestSettleIsStable(t *testing.T) {
	db := testDB(t)
	synthTown(t, db, 400)
	rs := loadCatalogue(t)
	ids := func(run int64) map[string]string {
		rows, err := db.Query(`SELECT finding_id, status FROM findings_history WHERE run_id = ?`, run)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var id, st string
			if err := rows.Scan(&id, &st); err != nil {
				t.Fatal(err)
			}
			out[id] = st
		}
		return out
	}
	runCatalogue(t, db, rs, Availability{}, 1, "2023-06-10")
	runCatalogue(t, db, rs, Availability{}, 2, "2023-06-11")
	first, second := ids(1), ids(2)
	if len(first) == 0 || len(first) != len(second) {
		t.Fatalf("%d findings in run 1, %d in run 2", len(first), len(second))
	}
	for id, st := range second {
		if first[id] != "new" || st != "open" {
			t.Errorf("%s: run 1 %q, run 2 %q; want new then open", id, first[id], st)
		}
	}
	// 人0 is not insured (i % 50 = 0): insure them and YB-01 on them is resolved.
	var id string
	if err := db.QueryRow(`SELECT finding_id FROM findings_history WHERE run_id = 2 AND rule = 'YB-01' AND name = '人0'`).Scan(&id); err != nil {
		t.Fatalf("no YB-01 finding on 人0: %v", err)
	}
	if _, err := db.Exec(`UPDATE src_medical SET insured_status = 'insured' WHERE name = '人0'`); err != nil {
		t.Fatal(err)
	}
	runCatalogue(t, db, rs, Availability{}, 3, "2023-06-12")
	third := ids(3)
	if third[id] != "resolved" {
		t.Errorf("YB-01 on 人0 after insuring: %q, want resolved", third[id])
	}
	var first3, last3 string
	if err := db.QueryRow(`SELECT strftime(first_seen, '%Y-%m-%d'), strftime(last_seen, '%Y-%m-%d') FROM findings_history
		WHERE run_id = 3 AND finding_id = ?`, id).Scan(&first3, &last3); err != nil || first3 != "2023-06-10" || last3 != "2023-06-11" {
		t.Errorf("resolved finding first/last seen %s %s (%v), want 2023-06-10 2023-06-11", first3, last3, err)
	}
	for fid, st := range third {
		if fid != id && st != "open" {
			t.Errorf("%s: %s in run 3, want open", fid, st)
		}
	}
}

func mustDay(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestFailedOptionalKindSkips: a rule that only uses a kind runs when the inbox has none of it, but not when a
// file of it failed, since it would judge on part of the department's data.
func TestFailedOptionalKindSkips(t *testing.T) {
	var xc02 Rule
	for _, r := range loadCatalogue(t) {
		if r.Code == "XC-02" {
			xc02 = r
		}
	}
	if !slices.Contains(xc02.Uses, bidui.KindMedical) {
		t.Fatalf("XC-02 uses %v, want medical among them", xc02.Uses)
	}
	if why := (Availability{bidui.KindMedical: NoFiles}).Reason(xc02); why != "" {
		t.Errorf("no medical file: XC-02 skipped (%s), want it to run", why)
	}
	why := (Availability{bidui.KindMedical: "导入失败：医保.csv"}).Reason(xc02)
	if !strings.Contains(why, "医保") || !strings.Contains(why, "导入失败") {
		t.Errorf("medical file failed: reason %q, want XC-02 skipped naming the failed 医保 file", why)
	}
}

// TestRulesTogetherEqualOneByOne: the rules with queries of their own, run batchSize at a time in one
// statement each, raise exactly the hits each raises run alone, and count them per rule.
func TestRulesTogetherEqualOneByOne(t *testing.T) {
	db := testDB(t)
	synthTown(t, db, 2000)
	ctx := context.Background()
	rs := loadCatalogue(t)
	conn := withInputs(t, db, rs).conn
	log := slog.New(slog.DiscardHandler)
	params := testParams("2023-06-10")
	read := func() []string {
		var all string
		if err := conn.QueryRowContext(ctx, `SELECT coalesce(string_agg(l, chr(10) ORDER BY l), '')
			FROM (SELECT concat_ws('|', rule, subject, person_key, name, id_number, county, town, village, household_no, detail) AS l
			      FROM temp.`+pendingHits+`)`).Scan(&all); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, `DELETE FROM temp.`+pendingHits); err != nil {
			t.Fatal(err)
		}
		return strings.Split(all, "\n")
	}
	alone := map[string]int{}
	for _, r := range rs {
		n, err := runOne(ctx, conn, r, params)
		if err != nil {
			t.Fatalf("%s alone: %v", r.Code, err)
		}
		alone[r.Code] = n
	}
	want := read()
	outcomes, err := runQueries(ctx, conn, rs, nil, params, log)
	if err != nil {
		t.Fatal(err)
	}
	if got := read(); !slices.Equal(got, want) {
		t.Errorf("together: %d hits, one by one: %d", len(got), len(want))
	}
	if len(rs) <= batchSize {
		t.Fatalf("%d rules: fewer than one batch, the test proves nothing", len(rs))
	}
	for _, o := range outcomes {
		if o.Status != Ran || o.Findings != alone[o.Rule.Code] {
			t.Errorf("%s together: %s with %d findings, alone %d", o.Rule.Code, o.Status, o.Findings, alone[o.Rule.Code])
		}
	}
}
