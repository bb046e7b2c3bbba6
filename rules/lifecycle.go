package rules

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Settle turns this run's rule_hits into findings_history rows under runID and resolves what is gone.
//
// A finding's identity is its finding_id: the rule code and a hash of the rule's subject, so the same rule on
// the same subject has the same id in every run. Against each finding's latest earlier state it is `new`
// (never seen, or seen and resolved since) or `open`, keeping its first_seen; last_seen is asOf. A finding
// whose latest state is not resolved and whose rule ran this run without producing it gets a `resolved` row in
// this run. Findings of rules that were skipped or failed are neither seen nor resolved: a missing source says
// nothing about them.
func Settle(ctx context.Context, db *sql.DB, runID int64, asOf time.Time, outcomes []Outcome) error {
	var ran []string
	for _, o := range outcomes {
		if o.Status == Ran {
			ran = append(ran, o.Rule.Code)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	day := asOf.Format(time.DateOnly)
	stmts := []struct {
		what string
		sql  string
		args []any
	}{
		{"latest states", `CREATE OR REPLACE TABLE finding_latest AS
			SELECT finding_id, arg_max(status, run_id) AS status, arg_max(first_seen, run_id) AS first_seen
			FROM findings_history WHERE run_id < $run GROUP BY finding_id`, []any{sql.Named("run", runID)}},
		{"seen findings", `INSERT INTO findings_history BY NAME
			SELECT $run AS run_id,
			       h.rule || '-' || substr(sha256(h.rule || '|' || h.subject), 1, 10) AS finding_id,
			       h.rule, c.title, c.severity, c.level, h.subject,
			       h.county, h.town, coalesce(nullif(trim(h.village), ''), '未落村') AS village,
			       h.household_no, h.person_key, h.name, h.id_number, h.detail, c.action,
			       CASE WHEN l.status IS NULL OR l.status = 'resolved' THEN 'new' ELSE 'open' END AS status,
			       CASE WHEN l.status IS NULL OR l.status = 'resolved' THEN $day::DATE ELSE l.first_seen END AS first_seen,
			       $day::DATE AS last_seen
			FROM rule_hits h
			JOIN rule_catalogue c ON c.code = h.rule
			LEFT JOIN finding_latest l
			       ON l.finding_id = h.rule || '-' || substr(sha256(h.rule || '|' || h.subject), 1, 10)`,
			[]any{sql.Named("run", runID), sql.Named("day", day)}},
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
			[]any{sql.Named("run", runID), sql.Named("ran", strings.Join(ran, ","))}},
		{"drop latest states", `DROP TABLE finding_latest`, nil},
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("settle findings: %s: %w", s.what, err)
		}
	}
	return tx.Commit()
}
