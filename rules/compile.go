package rules

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// runChecks runs the checks of one input view (all runnable: their kinds, columns and parameters are there)
// in one scan of it, compiled by passQuery. Each check's outcome counts its own findings; the duration is the
// pass's, shared. When the pass fails, the input is computed once into a temporary table and each check runs
// alone, so that only the broken one is failed and the others run. The error is only for ctx cancellation.
func runChecks(ctx context.Context, temps *tempTables, input string, checks []Rule, cols SourceColumns, params map[string]any, log *slog.Logger) ([]Outcome, error) {
	start := time.Now()
	counts, err := runPass(ctx, temps.conn, input, checks, params)
	took := time.Since(start)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	outcomes := make([]Outcome, len(checks))
	if err == nil {
		for i, r := range checks {
			outcomes[i] = Outcome{Rule: r, Status: Ran, Findings: counts[r.Code], Duration: took, Reason: cols.Note(r)}
		}
		log.Info("checks ran", "input", input, "checks", len(checks), "ms", took.Milliseconds())
		return outcomes, nil
	}
	if len(checks) == 1 {
		return []Outcome{ranOrFailed(checks[0], 0, err, took, cols, log)}, nil
	}
	log.Warn("check pass failed; running its checks one by one", "input", input, "checks", len(checks), "err", err)
	if !temps.has(input) {
		if err := temps.materialise(ctx, input); err != nil && ctx.Err() == nil {
			log.Warn("check input not computed ahead; each check reads the view", "view", input, "err", err)
		}
	}
	for i, r := range checks {
		start := time.Now()
		n, err := runOne(ctx, temps.conn, r, params)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		outcomes[i] = ranOrFailed(r, n, err, time.Since(start), cols, log)
	}
	return outcomes, nil
}

// runPass inserts the findings of checks into the pending hits, one row per check and subject, in one
// transaction, and returns how many each check raised.
func runPass(ctx context.Context, conn *sql.Conn, input string, checks []Rule, params map[string]any) (map[string]int, error) {
	var args []any
	bound := map[string]bool{}
	var codes []string
	for _, r := range checks {
		codes = append(codes, r.Code)
		for _, p := range r.Params {
			if !bound[p] {
				bound[p] = true
				args = append(args, sql.Named(p, params[p]))
			}
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, passQuery(input, checks), args...); err != nil {
		return nil, fmt.Errorf("%s（%d条检查一次扫描）: %w", input, len(checks), err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT rule, count(*) FROM temp.`+pendingHits+` WHERE list_contains(string_split($codes, ','), rule) GROUP BY rule`,
		sql.Named("codes", strings.Join(codes, ",")))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var code string
		var n int64
		if err := rows.Scan(&code, &n); err != nil {
			return nil, err
		}
		counts[code] = int(n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return counts, tx.Commit()
}

// passQuery compiles checks of one input into one scan: per input row a list of one {rule, detail} per check
// whose predicate holds (CASE WHEN without ELSE: a false or NULL predicate gives NULL, dropped), unnested into
// one row per finding, then grouped per check and subject as runOne groups one rule's. Each check's SQL
// stands on lines of its own, so that a trailing `--` comment ends there.
func passQuery(input string, checks []Rule) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO temp.` + pendingHits + `
SELECT struct_extract(hit, 'bidui_rule'), subject, any_value(person_key), any_value(name), any_value(id_number),
       any_value(county), any_value(town), any_value(village), any_value(household_no),
       string_agg(DISTINCT struct_extract(hit, 'bidui_detail'), '；')
FROM (SELECT subject, person_key, name, id_number, county, town, village, household_no,
             unnest(list_filter([`)
	for i, r := range checks {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n  CASE WHEN (\n%s\n) THEN {'bidui_rule': '%s', 'bidui_detail': (\n%s\n)::VARCHAR} END", r.Where, r.Code, r.Detail)
	}
	b.WriteString(`
             ], x -> x IS NOT NULL)) AS hit
      FROM ` + input + `) AS hits
WHERE subject IS NOT NULL
GROUP BY struct_extract(hit, 'bidui_rule'), subject`)
	return b.String()
}
