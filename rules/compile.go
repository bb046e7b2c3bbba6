package rules

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"
)

// runAllChecks runs the checks of every input (groups[i] over inputs[i]): all their passes in one statement
// first, and when that fails, each input's pass by itself (runChecks), so that a broken check fails alone.
// The outcomes are per input, in the order of groups.
func runAllChecks(ctx context.Context, temps *tempTables, inputs []string, groups [][]Rule, cols SourceColumns, params map[string]any, log *slog.Logger) ([][]Outcome, error) {
	outcomes := make([][]Outcome, len(inputs))
	if len(inputs) > 1 {
		start := time.Now()
		counts, err := runPasses(ctx, temps.conn, inputs, groups, params)
		took := time.Since(start)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err == nil {
			n := 0
			for i, checks := range groups {
				outcomes[i] = ranTogether(checks, counts, took, cols)
				n += len(checks)
			}
			log.Info("checks ran", "input", strings.Join(inputs, ","), "checks", n, "ms", took.Milliseconds())
			return outcomes, nil
		}
		log.Warn("check passes together failed; running each input's pass by itself", "inputs", len(inputs), "err", err)
	}
	for i, input := range inputs {
		got, err := runChecks(ctx, temps, input, groups[i], cols, params, log)
		if err != nil {
			return nil, err
		}
		outcomes[i] = got
	}
	return outcomes, nil
}

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
	if err == nil {
		log.Info("checks ran", "input", input, "checks", len(checks), "ms", took.Milliseconds())
		return ranTogether(checks, counts, took, cols), nil
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
	return oneByOne(ctx, temps.conn, checks, cols, params, log)
}

// runPass inserts the findings of checks into the pending hits, one row per check and subject, in one
// transaction, and returns how many each check raised.
func runPass(ctx context.Context, conn *sql.Conn, input string, checks []Rule, params map[string]any) (map[string]int, error) {
	counts, err := runPasses(ctx, conn, []string{input}, [][]Rule{checks}, params)
	if err != nil {
		return nil, fmt.Errorf("%s（%d条检查一次扫描）: %w", input, len(checks), err)
	}
	return counts, nil
}

// runPasses runs the pass of each input (the checks of groups[i] over inputs[i]) in one statement, their
// queries joined by UNION ALL as the rules' batches are, in one transaction, and returns how many each check
// raised.
func runPasses(ctx context.Context, conn *sql.Conn, inputs []string, groups [][]Rule, params map[string]any) (map[string]int, error) {
	var all []Rule
	parts := make([]string, len(groups))
	for i, checks := range groups {
		all = append(all, checks...)
		parts[i] = passSelect(inputs[i], checks)
	}
	return insertTogether(ctx, conn, all, parts, params)
}

// passQuery compiles checks of one input into one scan: the input's rows where some check's predicate holds,
// and per such row a list of one {rule, detail} per check whose predicate holds (CASE WHEN without ELSE: a
// false or NULL predicate gives NULL, dropped), unnested into one row per finding, then grouped per check and
// subject as runOne groups one rule's. Each check's SQL stands on lines of its own, so that a trailing `--`
// comment ends there. The calls the checks repeat are computed once per row first (see hoist).
func passQuery(input string, checks []Rule) string {
	return `INSERT INTO temp.` + pendingHits + "\n" + passSelect(input, checks)
}

// passSelect is the query of passQuery without its INSERT.
func passSelect(input string, checks []Rule) string {
	where := make([]string, len(checks))
	detail := make([]string, len(checks))
	for i, r := range checks {
		where[i], detail[i] = r.Where, r.Detail
	}
	calls := hoist(where, detail)
	var cols []string
	for i, c := range calls {
		cols = append(cols, fmt.Sprintf(", %s AS bidui_call_%d", c, i))
	}
	// Aliased as the input, so that a check's column qualified by the input's name still binds. OFFSET 0 is a
	// fence DuckDB does not push the WHERE below: without it, the optimizer puts in place of each column the
	// view computes the column's whole expression, once per predicate naming it (check_persons.age: its ID
	// parsing 20 times a row), and the persons' pass took three times as long.
	from := "(SELECT *" + strings.Join(cols, "") + " FROM " + input + " OFFSET 0) AS " + input
	var b strings.Builder
	b.WriteString(`SELECT struct_extract(hit, 'bidui_rule'), subject, any_value(person_key), any_value(name), any_value(id_number),
       any_value(county), any_value(town), any_value(village), any_value(household_no),
       string_agg(DISTINCT struct_extract(hit, 'bidui_detail'), '；')
FROM (SELECT subject, person_key, name, id_number, county, town, village, household_no,
             unnest(list_filter([`)
	for i, r := range checks {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n  CASE WHEN (\n%s\n) THEN {'bidui_rule': '%s', 'bidui_detail': (\n%s\n)::VARCHAR} END", where[i], r.Code, detail[i])
	}
	// Only the rows some check flags build the list: most rows are flagged by none, and a list per row of a
	// hundred elements would cost more than the predicates themselves.
	b.WriteString(`
             ], x -> x IS NOT NULL)) AS hit
      FROM ` + from + `
      WHERE `)
	for i := range checks {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString("(\n" + where[i] + "\n)")
	}
	b.WriteString(`) AS hits
WHERE subject IS NOT NULL
GROUP BY struct_extract(hit, 'bidui_rule'), subject`)
	return b.String()
}

// measureCall is a call of rule_measure on a column of the input with a literal category. Its list lambdas
// are the dearest thing the household checks compute, and the checks repeat the same few: 59 calls of 11
// categories on the county, where computing each once per household made the pass 0.2 s (30%) faster.
var measureCall = regexp.MustCompile(`\brule_measure\(\s*([a-z_][a-z0-9_]*)\s*,\s*'([^']*)'\s*\)`)

// lambdaParam is a lambda's parameter (x -> …): a name that is not a column of the input.
var lambdaParam = regexp.MustCompile(`\b([a-z_][a-z0-9_]*)\s*->`)

// hoist replaces, in every text of where and detail, each call of measureCall that the texts hold more than
// once by bidui_call_<n>, and returns the calls in n order, to be computed once per row of the input.
func hoist(where, detail []string) []string {
	texts := append(slices.Clone(where), detail...)
	params := map[string]bool{}
	count := map[string]int{}
	for _, t := range texts {
		for _, m := range lambdaParam.FindAllStringSubmatch(t, -1) {
			params[m[1]] = true
		}
	}
	for _, t := range texts {
		for _, m := range measureCall.FindAllStringSubmatch(t, -1) {
			if !params[m[1]] {
				count[m[0]]++
			}
		}
	}
	var calls []string
	index := map[string]int{}
	replace := func(t string) string {
		return measureCall.ReplaceAllStringFunc(t, func(call string) string {
			if count[call] < 2 {
				return call
			}
			i, ok := index[call]
			if !ok {
				i = len(calls)
				index[call] = i
				calls = append(calls, call)
			}
			return fmt.Sprintf("bidui_call_%d", i)
		})
	}
	for i := range where {
		where[i] = replace(where[i])
	}
	for i := range detail {
		detail[i] = replace(detail[i])
	}
	return calls
}
