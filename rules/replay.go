package rules

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrNotReplayable says that an earlier run's outcomes cannot stand in for this run's: it did not run the
// same catalogue.
var ErrNotReplayable = errors.New("the earlier run did not run this catalogue")

// Replay stands in for Run when nothing a rule reads has changed since run prevRun (the same source rows,
// links and parameters, which the caller vouches for): it writes the catalogue, refills rule_hits with what
// prevRun raised (its findings_history rows that were not resolved) and records prevRun's outcomes under
// runID, as Run would have. It returns ErrNotReplayable, having changed nothing, when prevRun's rule_runs do
// not cover exactly the catalogue or a rule failed in it.
func Replay(ctx context.Context, db *sql.DB, rules []Rule, prevRun, runID int64) ([]Outcome, error) {
	prev := map[string]Outcome{}
	rows, err := db.QueryContext(ctx, `SELECT rule, status, coalesce(reason, ''), findings FROM rule_runs WHERE run_id = ?`, prevRun)
	if err != nil {
		return nil, fmt.Errorf("outcomes of run %d: %w", prevRun, err)
	}
	for rows.Next() {
		var o Outcome
		var code string
		var n int64
		if err := rows.Scan(&code, &o.Status, &o.Reason, &n); err != nil {
			rows.Close()
			return nil, err
		}
		o.Findings = int(n)
		prev[code] = o
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(prev) != len(rules) {
		return nil, ErrNotReplayable
	}
	outcomes := make([]Outcome, 0, len(rules))
	for _, r := range rules {
		o, ok := prev[r.Code]
		if !ok || o.Status == Failed { // a failed rule is worth running again
			return nil, ErrNotReplayable
		}
		o.Rule = r
		outcomes = append(outcomes, o)
	}
	if err := writeCatalogue(ctx, db, rules); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, `CREATE OR REPLACE TABLE rule_hits AS
		SELECT rule, subject, person_key, name, id_number, county, town, village, household_no, detail
		FROM findings_history WHERE run_id = ? AND status <> 'resolved'`, prevRun); err != nil {
		return nil, fmt.Errorf("rule hits of run %d: %w", prevRun, err)
	}
	for _, o := range outcomes {
		if _, err := db.ExecContext(ctx, `INSERT INTO rule_runs VALUES (?, ?, ?, ?, ?, ?)`,
			runID, o.Rule.Code, o.Status, nullable(o.Reason), int64(o.Findings), int64(0)); err != nil {
			return nil, fmt.Errorf("record rule %s: %w", o.Rule.Code, err)
		}
	}
	return outcomes, nil
}
