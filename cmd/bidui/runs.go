package main

import (
	"context"
)

const runsUsage = `
Usage: bidui runs [--config FILE] [--db FILE] [--format table|csv|json] [--limit N]

Shows the run history of the published database, newest first. Runs that failed are not in it: a failed run
leaves the published database as it was (its log says why).

Examples:
  bidui runs
  bidui runs --format json --limit 1
`

func runRuns(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "runs", runsUsage)
	var d dbFlags
	d.register(fs)
	format := fs.String("format", "table", "output format: table, csv or json")
	limit := fs.Int("limit", 20, "show at most this many runs")
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
	rows, err := db.QueryContext(ctx, `
		SELECT r.run_id, r.started_at, r.finished_at, r.as_of, r.status,
		       (SELECT count(*) FROM files f WHERE f.run_id = r.run_id) AS files,
		       (SELECT count(*) FILTER (WHERE f.status = 'failed') FROM files f WHERE f.run_id = r.run_id) AS failed_files,
		       (SELECT count(*) FILTER (WHERE status = 'new') FROM findings_history h WHERE h.run_id = r.run_id) AS new,
		       (SELECT count(*) FILTER (WHERE status = 'open') FROM findings_history h WHERE h.run_id = r.run_id) AS open,
		       (SELECT count(*) FILTER (WHERE status = 'resolved') FROM findings_history h WHERE h.run_id = r.run_id) AS resolved,
		       (SELECT count(*) FILTER (WHERE status = 'waived') FROM findings_history h WHERE h.run_id = r.run_id) AS waived,
		       (SELECT count(*) FILTER (WHERE status <> 'ran') FROM rule_runs u WHERE u.run_id = r.run_id) AS rules_not_run,
		       r.version
		FROM runs r ORDER BY r.run_id DESC LIMIT ?`, *limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	return writeRows(e.stdout, rows, *format)
}
