package rules

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/bidui/bidui"
)

// Verification results a village can give on a finding (核实结果 of the returned workbook).
const (
	VerifiedCorrected = bidui.VerifiedCorrected
	VerifiedAccepted  = bidui.VerifiedAccepted
	VerifiedOther     = bidui.VerifiedOther
	FeedbackStillSeen = "已反馈修正仍存在" // feedback on a finding answered 已修正 that the run still raises
)

// Settlement is what Settle did with the villages' answers.
type Settlement struct {
	Waived   int64                 // findings of this run waived by a 情况属实无需修正 answer
	Feedback int64                 // findings answered 已修正 that this run still raises
	Unknown  []UnknownVerification // answers naming a finding_id that was never issued, in file and row order
	// Unread are rows of issued findings whose 核实结果 is none of the drop-down's answers (or is empty while
	// 核实说明 is not): nothing was done with them, a person should read them. In file and row order.
	Unread []UnknownVerification
}

// An UnknownVerification is a returned-workbook row that could not be applied: its 编号 names no finding bidui
// ever issued, or its answer cannot be read.
type UnknownVerification struct {
	FindingID string
	FileID    int64
	Sheet     string
	RowNo     int
	Result    string
}

// answerRows runs a query of returned-workbook rows (finding_id, file_id, sheet, row_no, result).
func answerRows(ctx context.Context, tx *sql.Tx, what, q string, args ...any) ([]UnknownVerification, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("settle findings: %s: %w", what, err)
	}
	defer rows.Close()
	var out []UnknownVerification
	for rows.Next() {
		var u UnknownVerification
		if err := rows.Scan(&u.FindingID, &u.FileID, &u.Sheet, &u.RowNo, &u.Result); err != nil {
			return nil, fmt.Errorf("settle findings: %s: %w", what, err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("settle findings: %s: %w", what, err)
	}
	return out, nil
}

// Settle is SettleRun without its Settlement; it returns the same errors.
func Settle(ctx context.Context, db *sql.DB, runID int64, asOf time.Time, outcomes []Outcome) error {
	_, err := SettleRun(ctx, db, runID, asOf, outcomes)
	return err
}

// SettleRun turns this run's rule_hits into findings_history rows under runID, resolves what is gone and
// applies the villages' answers (src_verification), all in one transaction: on error nothing is written.
//
// A finding's identity is its finding_id: the rule code and a hash of the rule's subject, so the same rule on
// the same subject has the same id in every run. Against each finding's latest earlier state it is `new`
// (never seen, or seen and resolved since) or `open`, keeping its first_seen; last_seen is asOf. A finding
// whose latest state is not resolved and whose rule ran this run without producing it gets a `resolved` row in
// this run. Findings of rules that were skipped or failed are neither seen nor resolved: a missing source says
// nothing about them. They are carried into this run as they were (open, or waived, with their first_seen and
// last_seen), with the rule's reason in not_rechecked (本次未复核), so that the findings view and the village
// workbooks still list them.
//
// Answers: per finding_id the latest verification row that gives an answer counts: dated before undated, by
// verified_on, then file and row; its note comes with it. A finding
// raised this run whose answer is 情况属实无需修正 is `waived` instead of new/open (while the answer stands: the
// next run without it makes it open again); one answered 已修正 stays new/open with feedback 已反馈修正仍存在.
// Every row written this run carries the answer in verification and verification_note. Answers whose
// finding_id was never issued are returned in Settlement.Unknown.
func SettleRun(ctx context.Context, db *sql.DB, runID int64, asOf time.Time, outcomes []Outcome) (Settlement, error) {
	var ran []string
	var notRun []any // code, reason pairs of the rules that did not run
	for _, o := range outcomes {
		if o.Status == Ran {
			ran = append(ran, o.Rule.Code)
		} else {
			notRun = append(notRun, o.Rule.Code, notRecheckedReason(o))
		}
	}
	var st Settlement
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return st, err
	}
	defer tx.Rollback()
	day := asOf.Format(time.DateOnly)
	run := sql.Named("run", runID)
	stmts := []struct {
		what string
		sql  string
		args []any
	}{
		{"latest states", `CREATE OR REPLACE TEMP TABLE finding_latest AS
			SELECT finding_id, arg_max(status, run_id) AS status, arg_max(first_seen, run_id) AS first_seen
			FROM findings_history WHERE run_id < $run GROUP BY finding_id`, []any{run}},
		// The answer of one row, with its own note: a dated answer beats an undated one, a later date an
		// earlier one, then the later file and row. A row without one of the drop-down's answers answers
		// nothing (it is listed in Settlement.Unread).
		{"latest answers", `CREATE OR REPLACE TEMP TABLE finding_answer AS
			SELECT finding_id, a.result, a.note
			FROM (SELECT trim(finding_id) AS finding_id,
			             arg_max({'result': trim(result), 'note': note},
			                     (verified_on IS NOT NULL, coalesce(verified_on, DATE '0001-01-01'), file_id, row_no)) AS a
			      FROM src_verification
			      WHERE nullif(trim(finding_id), '') IS NOT NULL AND trim(result) IN ($accepted, $corrected, $other)
			      GROUP BY trim(finding_id))`, []any{sql.Named("accepted", VerifiedAccepted), sql.Named("corrected", VerifiedCorrected),
			sql.Named("other", VerifiedOther)}},
		{"seen findings", `INSERT INTO findings_history BY NAME
			SELECT $run AS run_id,
			       h.rule || '-' || substr(sha256(h.rule || '|' || h.subject), 1, 10) AS finding_id,
			       h.rule, c.title, c.severity, c.level, h.subject,
			       -- rules.md: the location comes from gs, else from dibao/tekun/review (the person's, which
			       -- matching takes from the strongest source that has one), else it is 未落村.
			       CASE WHEN nullif(trim(h.village), '') IS NULL AND nullif(trim(p.village), '') IS NOT NULL THEN p.county ELSE h.county END AS county,
			       CASE WHEN nullif(trim(h.village), '') IS NULL AND nullif(trim(p.village), '') IS NOT NULL THEN p.town ELSE h.town END AS town,
			       coalesce(nullif(trim(h.village), ''), nullif(trim(p.village), ''), '未落村') AS village,
			       h.household_no, h.person_key, h.name, h.id_number, h.detail, c.action,
			       CASE WHEN l.status IS NULL OR l.status = 'resolved' THEN 'new' ELSE 'open' END AS status,
			       CASE WHEN l.status IS NULL OR l.status = 'resolved' THEN $day::DATE ELSE l.first_seen END AS first_seen,
			       $day::DATE AS last_seen
			FROM rule_hits h
			JOIN rule_catalogue c ON c.code = h.rule
			LEFT JOIN persons p ON p.person_key = h.person_key
			LEFT JOIN finding_latest l
			       ON l.finding_id = h.rule || '-' || substr(sha256(h.rule || '|' || h.subject), 1, 10)`,
			[]any{run, sql.Named("day", day)}},
		{"resolved findings", `INSERT INTO findings_history BY NAME
			SELECT $run AS run_id, f.finding_id, f.rule, f.title, f.severity, f.level, f.subject,
			       f.county, f.town, f.village, f.household_no, f.person_key, f.name, f.id_number, f.detail, f.action,
			       'resolved' AS status, f.first_seen, f.last_seen
			FROM finding_latest l
			JOIN findings_history f ON f.finding_id = l.finding_id
			     AND f.run_id = (SELECT max(run_id) FROM findings_history x WHERE x.finding_id = l.finding_id AND x.run_id < $run)
			WHERE l.status <> 'resolved'
			  AND list_contains(string_split($ran, ','), f.rule)
			  AND l.finding_id NOT IN (SELECT finding_id FROM findings_history WHERE run_id = $run)`,
			[]any{run, sql.Named("ran", strings.Join(ran, ","))}},
		// A finding of a rule that did not run stays as it was: it is carried into this run, open (or waived), with
		// its last_seen, and says why it was not checked again.
		{"not rechecked", notRunTable(len(notRun) / 2), notRun},
		{"not rechecked findings", `INSERT INTO findings_history BY NAME
			SELECT f.* EXCLUDE (run_id, status, not_rechecked, feedback),
			       $run AS run_id,
			       CASE WHEN f.status = 'waived' THEN 'waived' ELSE 'open' END AS status,
			       n.reason AS not_rechecked
			FROM finding_latest l
			JOIN findings_history f ON f.finding_id = l.finding_id
			     AND f.run_id = (SELECT max(run_id) FROM findings_history x WHERE x.finding_id = l.finding_id AND x.run_id < $run)
			JOIN rule_not_run n ON n.rule = f.rule
			WHERE l.status <> 'resolved'
			  AND l.finding_id NOT IN (SELECT finding_id FROM findings_history WHERE run_id = $run)`, []any{run}},
		{"answers", `UPDATE findings_history f
			SET verification = a.result,
			    verification_note = a.note,
			    status = CASE WHEN a.result = $accepted AND f.status IN ('new', 'open') THEN 'waived' ELSE f.status END,
			    feedback = CASE WHEN a.result = $corrected AND f.status IN ('new', 'open') AND f.not_rechecked IS NULL THEN $still END
			FROM finding_answer a
			WHERE f.run_id = $run AND f.finding_id = a.finding_id`,
			[]any{run, sql.Named("accepted", VerifiedAccepted), sql.Named("corrected", VerifiedCorrected), sql.Named("still", FeedbackStillSeen)}},
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s.sql, s.args...); err != nil {
			return st, fmt.Errorf("settle findings: %s: %w", s.what, err)
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE status = 'waived'), count(feedback)
		FROM findings_history WHERE run_id = $run`, run).Scan(&st.Waived, &st.Feedback); err != nil {
		return st, fmt.Errorf("settle findings: count answers: %w", err)
	}
	st.Unknown, err = answerRows(ctx, tx, "unknown answers", `SELECT trim(v.finding_id), v.file_id, coalesce(v.sheet, ''), v.row_no,
		       coalesce(v.result, '')
		FROM src_verification v
		WHERE nullif(trim(v.finding_id), '') IS NOT NULL
		  AND trim(v.finding_id) NOT IN (SELECT finding_id FROM findings_history)
		ORDER BY v.file_id, v.row_no`)
	if err != nil {
		return st, err
	}
	st.Unread, err = answerRows(ctx, tx, "unread answers", `SELECT trim(v.finding_id), v.file_id, coalesce(v.sheet, ''), v.row_no,
		       coalesce(nullif(trim(v.result), ''), '（空）' || coalesce('：' || trim(v.note), ''))
		FROM src_verification v
		WHERE trim(v.finding_id) IN (SELECT finding_id FROM findings_history)
		  AND (trim(v.result) NOT IN ($accepted, $corrected, $other)
		       OR (nullif(trim(v.result), '') IS NULL AND nullif(trim(v.note), '') IS NOT NULL))
		ORDER BY v.file_id, v.row_no`, sql.Named("accepted", VerifiedAccepted), sql.Named("corrected", VerifiedCorrected),
		sql.Named("other", VerifiedOther))
	if err != nil {
		return st, err
	}
	for _, t := range []string{"finding_latest", "finding_answer", "rule_not_run"} {
		if _, err := tx.ExecContext(ctx, `DROP TABLE `+t); err != nil {
			return st, fmt.Errorf("settle findings: drop %s: %w", t, err)
		}
	}
	return st, tx.Commit()
}

// notRecheckedReason is why a rule that did not run left its findings unchecked.
func notRecheckedReason(o Outcome) string {
	if o.Reason != "" {
		return o.Reason
	}
	return o.Status
}

// notRunTable creates the temporary table rule_not_run (rule, reason) of n rules, from 2n parameters.
func notRunTable(n int) string {
	if n == 0 {
		return `CREATE OR REPLACE TEMP TABLE rule_not_run AS SELECT NULL::VARCHAR AS rule, NULL::VARCHAR AS reason WHERE false`
	}
	return `CREATE OR REPLACE TEMP TABLE rule_not_run AS SELECT * FROM (VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?::VARCHAR, ?::VARCHAR), ", n), ", ") + `) t(rule, reason)`
}
