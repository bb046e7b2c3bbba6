package main

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/report"
)

const runsUsage = `
Usage: bidui runs [--config FILE] [--db FILE] [--format table|csv|json] [--limit N]
       bidui runs --villages [--run N] [--config FILE] [--db FILE] [--format table|csv|json]

Shows the run history of the published database, newest first. Runs that failed are not in it: a failed run
leaves the published database as it was (its log says why).

With --villages it shows, for the latest run (or run N), each village's findings: new, open, resolved and
waived (answered 情况属实无需修正), and how many of them a village answered 已修正 while they are still raised.

Examples:
  bidui runs
  bidui runs --format json --limit 1
  bidui runs --villages
`

func runRuns(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "runs", runsUsage)
	var d dbFlags
	d.register(fs)
	format := fs.String("format", "table", "output format: table, csv or json")
	limit := fs.Int("limit", 20, "show at most this many runs")
	villages := fs.Bool("villages", false, "show each village's findings of one run")
	runID := fs.Int64("run", 0, "with --villages: the run (default the latest)")
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("runs: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := d.load(fs, nil)
	if err != nil {
		return err
	}
	db, err := openReadOnly(cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := hasCounts(ctx, db, cfg.DB); err != nil {
		return err
	}
	if *villages {
		return villageCounts(ctx, e, db, *runID, *format)
	}
	if *runID != 0 {
		return usagef("runs: --run goes with --villages")
	}
	rows, err := db.QueryContext(ctx, `
		SELECT r.run_id, r.started_at, r.finished_at, r.as_of, r.status,
		       (SELECT count(*) FROM files f WHERE f.run_id = r.run_id) AS files,
		       (SELECT count(*) FILTER (WHERE f.status = 'failed') FROM files f WHERE f.run_id = r.run_id) AS failed_files,
		       coalesce(c.new, 0) AS new, coalesce(c.open, 0) AS open,
		       coalesce(c.resolved, 0) AS resolved, coalesce(c.waived, 0) AS waived,
		       (SELECT count(*) FILTER (WHERE status <> 'ran') FROM rule_runs u WHERE u.run_id = r.run_id) AS rules_not_run,
		       r.version
		FROM runs r
		LEFT JOIN (SELECT run_id,
		                  sum(findings) FILTER (WHERE status = 'new')::BIGINT AS new,
		                  sum(findings) FILTER (WHERE status = 'open')::BIGINT AS open,
		                  sum(findings) FILTER (WHERE status = 'resolved')::BIGINT AS resolved,
		                  sum(findings) FILTER (WHERE status = 'waived')::BIGINT AS waived
		           FROM finding_counts GROUP BY run_id) c USING (run_id)
		ORDER BY r.run_id DESC LIMIT ?`, *limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	return writeRows(e.stdout, rows, *format)
}

// villageCounts writes each village's findings of run runID (0: the latest) by status from the finding_counts
// view, which the run's summary and 汇总.xlsx read too, with an unknown town and village named as the
// workbooks name them.
func villageCounts(ctx context.Context, e *env, db *sql.DB, runID int64, format string) error {
	if runID == 0 {
		if err := db.QueryRowContext(ctx, `SELECT coalesce(max(run_id), 0) FROM runs`).Scan(&runID); err != nil {
			return err
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE run_id = ?`, runID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("runs: no run %d in the database", runID)
	}
	rows, err := db.QueryContext(ctx, `
		SELECT run_id, coalesce(town, $2) AS town, coalesce(village, $3) AS village,
		       coalesce(sum(findings) FILTER (WHERE status = 'new'), 0)::BIGINT AS new,
		       coalesce(sum(findings) FILTER (WHERE status = 'open'), 0)::BIGINT AS open,
		       coalesce(sum(findings) FILTER (WHERE status = 'resolved'), 0)::BIGINT AS resolved,
		       coalesce(sum(findings) FILTER (WHERE status = 'waived'), 0)::BIGINT AS waived,
		       sum(feedback_still_present)::BIGINT AS feedback_still_present
		FROM finding_counts WHERE run_id = $1
		GROUP BY ALL ORDER BY town, village`, runID, report.UnknownTown, bidui.Unplaced)
	if err != nil {
		return err
	}
	defer rows.Close()
	return writeRows(e.stdout, rows, format)
}

// hasCounts checks that the database has the finding_counts view, which a database published by an older
// bidui lacks until the next run.
func hasCounts(ctx context.Context, db *sql.DB, path string) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_views() WHERE view_name = 'finding_counts'`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("runs: %s was published by an older bidui and has no finding_counts view yet: the next bidui run adds it", path)
	}
	return nil
}
