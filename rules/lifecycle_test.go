package rules

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	biduisql "github.com/bidui/bidui/sql"
	_ "github.com/duckdb/duckdb-go/v2"
)

func testDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := biduisql.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return db
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// settleRun records a run whose rule XX-01 found the given subjects (or was skipped when ran is false).
func settleRun(t *testing.T, db *sql.DB, run int64, day string, ran bool, subjects ...string) {
	t.Helper()
	asOf, _ := time.Parse(time.DateOnly, day)
	mustExec(t, db, `INSERT INTO runs (run_id, started_at, as_of, status) VALUES (?, now(), ?::DATE, 'ok')`, run, day)
	mustExec(t, db, `CREATE OR REPLACE TABLE rule_hits (rule VARCHAR, subject VARCHAR, person_key VARCHAR, name VARCHAR,
		id_number VARCHAR, county VARCHAR, town VARCHAR, village VARCHAR, household_no VARCHAR, detail VARCHAR)`)
	for _, s := range subjects {
		mustExec(t, db, `INSERT INTO rule_hits (rule, subject, village, detail) VALUES ('XX-01', ?, NULL, 'd')`, s)
	}
	o := Outcome{Rule: Rule{Code: "XX-01"}, Status: Ran}
	if !ran {
		o.Status, o.Reason = Skipped, "缺少数据：gs"
	}
	if err := Settle(context.Background(), db, run, asOf, []Outcome{o}); err != nil {
		t.Fatal(err)
	}
}

type state struct {
	status, first, last string
}

func states(t *testing.T, db *sql.DB, run int64) map[string]state {
	t.Helper()
	rows, err := db.Query(`SELECT subject, status, strftime(first_seen, '%Y-%m-%d'), strftime(last_seen, '%Y-%m-%d')
		FROM findings_history WHERE run_id = ?`, run)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]state{}
	for rows.Next() {
		var subj string
		var s state
		if err := rows.Scan(&subj, &s.status, &s.first, &s.last); err != nil {
			t.Fatal(err)
		}
		out[subj] = s
	}
	return out
}

func TestFindingLifecycle(t *testing.T) {
	db := testDB(t)
	mustExec(t, db, `INSERT INTO rule_catalogue (code, title, severity, level, needs, uses, action, basis, description) VALUES ('XX-01', 't', 'high', 'household', ['gs'], [], 'a', 'b', 'c')`)

	settleRun(t, db, 1, "2023-06-01", true, "A", "B")
	want := map[string]state{"A": {"new", "2023-06-01", "2023-06-01"}, "B": {"new", "2023-06-01", "2023-06-01"}}
	check(t, states(t, db, 1), want)

	settleRun(t, db, 2, "2023-06-02", true, "A", "B")
	want = map[string]state{"A": {"open", "2023-06-01", "2023-06-02"}, "B": {"open", "2023-06-01", "2023-06-02"}}
	check(t, states(t, db, 2), want)

	settleRun(t, db, 3, "2023-06-03", true, "A")
	want = map[string]state{"A": {"open", "2023-06-01", "2023-06-03"}, "B": {"resolved", "2023-06-01", "2023-06-02"}}
	check(t, states(t, db, 3), want)

	// A skipped rule neither sees nor resolves its findings: the open one is carried as it was (last checked
	// on the 3rd), marked not rechecked with the rule's reason; the resolved one stays resolved.
	settleRun(t, db, 4, "2023-06-04", false)
	check(t, states(t, db, 4), map[string]state{"A": {"open", "2023-06-01", "2023-06-03"}})
	var reason sql.NullString
	if err := db.QueryRow(`SELECT not_rechecked FROM findings_history WHERE run_id = 4`).Scan(&reason); err != nil ||
		reason.String != "缺少数据：gs" {
		t.Errorf("not_rechecked of the carried finding = %v, %v; want the rule's reason", reason, err)
	}
	if err := db.QueryRow(`SELECT not_rechecked FROM findings_history WHERE run_id = 3 AND subject = 'A'`).Scan(&reason); err != nil ||
		reason.Valid {
		t.Errorf("not_rechecked of a finding the rule saw = %v, %v; want NULL", reason, err)
	}

	// After the skip, A is still open (first seen on the 1st); B, resolved, comes back as new.
	settleRun(t, db, 5, "2023-06-05", true, "A", "B")
	want = map[string]state{"A": {"open", "2023-06-01", "2023-06-05"}, "B": {"new", "2023-06-05", "2023-06-05"}}
	check(t, states(t, db, 5), want)

	var ids int
	if err := db.QueryRow(`SELECT count(DISTINCT finding_id) FROM findings_history`).Scan(&ids); err != nil {
		t.Fatal(err)
	}
	if ids != 2 {
		t.Errorf("%d distinct finding_ids over five runs, want 2 (one per subject)", ids)
	}
	var village string
	if err := db.QueryRow(`SELECT village FROM findings_history LIMIT 1`).Scan(&village); err != nil || village != "未落村" {
		t.Errorf("village of a finding with no location = %q, %v; want 未落村", village, err)
	}
}

func check(t *testing.T, got, want map[string]state) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
		return
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %+v, want %+v", k, got[k], w)
		}
	}
}

func TestVerificationAnswers(t *testing.T) {
	db := testDB(t)
	mustExec(t, db, `INSERT INTO rule_catalogue (code, title, severity, level, needs, uses, action, basis, description) VALUES ('XX-01', 't', 'high', 'household', ['gs'], [], 'a', 'b', 'c')`)
	settleRun(t, db, 1, "2023-06-01", true, "A", "B", "C")
	id := func(subject string) string {
		var s string
		if err := db.QueryRow(`SELECT finding_id FROM findings_history WHERE subject = ? LIMIT 1`, subject).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// A: accepted as real; B: said corrected (an older answer said otherwise); C: no answer; plus an unknown 编号.
	mustExec(t, db, `INSERT INTO src_verification (file_id, sheet, row_no, finding_id, result, note, verified_on) VALUES
		(7, '问题清单', 2, ?, '情况属实无需修正', '该户确为兜底户', '2023-06-05'),
		(7, '问题清单', 3, ?, '其他', '旧答复', '2023-06-03'),
		(8, '问题清单', 2, ?, '已修正', '已更正系统信息', '2023-06-06'),
		(8, '问题清单', 3, 'XX-01-ffffffffff', '已修正', NULL, '2023-06-06')`, id("A"), id("B"), " "+id("B")+" ")
	var st Settlement
	run := func(n int64, day string, subjects ...string) {
		t.Helper()
		asOf, _ := time.Parse(time.DateOnly, day)
		mustExec(t, db, `INSERT INTO runs (run_id, started_at, as_of, status) VALUES (?, now(), ?::DATE, 'ok')`, n, day)
		mustExec(t, db, `DELETE FROM rule_hits`)
		for _, s := range subjects {
			mustExec(t, db, `INSERT INTO rule_hits (rule, subject, detail) VALUES ('XX-01', ?, 'd')`, s)
		}
		var err error
		st, err = SettleRun(context.Background(), db, n, asOf, []Outcome{{Rule: Rule{Code: "XX-01"}, Status: Ran}})
		if err != nil {
			t.Fatal(err)
		}
	}
	run(2, "2023-06-08", "A", "B", "C")
	type answer struct{ status, feedback, verification, note string }
	answers := func(run int64) map[string]answer {
		t.Helper()
		rows, err := db.Query(`SELECT subject, status, coalesce(feedback, ''), coalesce(verification, ''), coalesce(verification_note, '')
			FROM findings WHERE true UNION ALL
			SELECT subject, status, coalesce(feedback, ''), coalesce(verification, ''), coalesce(verification_note, '')
			FROM findings_history WHERE run_id = ? AND status = 'resolved'`, run)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]answer{}
		for rows.Next() {
			var s string
			var a answer
			if err := rows.Scan(&s, &a.status, &a.feedback, &a.verification, &a.note); err != nil {
				t.Fatal(err)
			}
			out[s] = a
		}
		return out
	}
	got := answers(2)
	want := map[string]answer{
		"A": {"waived", "", "情况属实无需修正", "该户确为兜底户"},
		"B": {"open", "已反馈修正仍存在", "已修正", "已更正系统信息"},
		"C": {"open", "", "", ""},
	}
	for s, w := range want {
		if got[s] != w {
			t.Errorf("run 2, %s: got %+v, want %+v", s, got[s], w)
		}
	}
	if st.Waived != 1 || st.Feedback != 1 {
		t.Errorf("settlement counts waived %d, feedback %d; want 1, 1", st.Waived, st.Feedback)
	}
	if len(st.Unknown) != 1 || st.Unknown[0].FindingID != "XX-01-ffffffffff" || st.Unknown[0].FileID != 8 || st.Unknown[0].RowNo != 3 {
		t.Errorf("unknown answers %+v, want XX-01-ffffffffff at file 8 row 3", st.Unknown)
	}

	// B really corrected now: resolved, still carrying its answer. A still waived while its answer stands.
	run(3, "2023-06-09", "A", "C")
	got = answers(3)
	if got["A"].status != "waived" || got["B"].status != "resolved" || got["B"].verification != "已修正" || got["B"].feedback != "" {
		t.Errorf("run 3: A %+v, B %+v; want A waived, B resolved with its answer", got["A"], got["B"])
	}
	// The answer withdrawn (the workbook left the inbox): A is open again, with its first_seen.
	mustExec(t, db, `DELETE FROM src_verification`)
	run(4, "2023-06-10", "A", "C")
	if s := states(t, db, 4)["A"]; s != (state{"open", "2023-06-01", "2023-06-10"}) {
		t.Errorf("run 4, A without its answer: %+v, want open since 2023-06-01", s)
	}
	if len(st.Unknown) != 0 {
		t.Errorf("unknown answers %+v with no answers", st.Unknown)
	}
}

// TestConflictingAnswers: when a finding has several answers, a dated one beats an undated one, a later date an
// earlier one, a row without an answer answers nothing, and the note comes from the answer that counts.
func TestConflictingAnswers(t *testing.T) {
	db := testDB(t)
	mustExec(t, db, `INSERT INTO rule_catalogue (code, title, severity, level, needs, uses, action, basis, description) VALUES ('XX-01', 't', 'high', 'household', ['gs'], [], 'a', 'b', 'c')`)
	settleRun(t, db, 1, "2023-06-01", true, "A", "B", "C")
	var ids []any
	for _, s := range []string{"A", "B", "C"} {
		var id string
		if err := db.QueryRow(`SELECT finding_id FROM findings_history WHERE subject = ? LIMIT 1`, s).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	mustExec(t, db, `INSERT INTO src_verification (file_id, sheet, row_no, finding_id, result, note, verified_on) VALUES
		(7, '问题清单', 2, $1, '情况属实无需修正', '户主残疾', NULL),
		(8, '问题清单', 2, $1, '已修正', NULL, '2023-07-05'),
		(7, '问题清单', 3, $2, '已修正', '已更正', '2023-06-05'),
		(8, '问题清单', 3, $2, '情况属实无需修正', '经入户核实', '2023-06-20'),
		(7, '问题清单', 4, $3, '情况属实无需修正', '兜底户', '2023-06-05'),
		(9, '问题清单', 4, $3, NULL, '尚未核实', '2023-06-30')`, ids...)
	mustExec(t, db, `INSERT INTO runs (run_id, started_at, as_of, status) VALUES (2, now(), '2023-07-10', 'ok')`)
	mustExec(t, db, `DELETE FROM rule_hits`)
	for _, s := range []string{"A", "B", "C"} {
		mustExec(t, db, `INSERT INTO rule_hits (rule, subject, detail) VALUES ('XX-01', ?, 'd')`, s)
	}
	asOf, _ := time.Parse(time.DateOnly, "2023-07-10")
	st, err := SettleRun(context.Background(), db, 2, asOf, []Outcome{{Rule: Rule{Code: "XX-01"}, Status: Ran}})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Unread) != 1 || st.Unread[0].FileID != 9 || st.Unread[0].RowNo != 4 || st.Unread[0].Result != "（空）：尚未核实" {
		t.Errorf("unread answers %+v, want file 9 row 4 （空）：尚未核实", st.Unread)
	}
	rows, err := db.Query(`SELECT subject || '|' || status || '|' || coalesce(verification, '') || '|' || coalesce(verification_note, '')
		FROM findings_history WHERE run_id = 2 ORDER BY subject`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	want := []string{"A|open|已修正|", "B|waived|情况属实无需修正|经入户核实", "C|waived|情况属实无需修正|兜底户"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
