package rules

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bidui/bidui"
)

// Outcome is what happened to one rule in a run.
type Outcome struct {
	Rule     Rule
	Status   string // ran | skipped | failed
	Reason   string // why it was skipped or failed; for a rule that ran, the optional columns it read as blank
	Findings int
	Duration time.Duration
}

// Inapplicable says whether the rule was skipped only because the files of a kind it needs lack a column it
// judges by, because the inbox has no file of an optional kind it needs (bidui.Kind.Optional: a county that
// receives no 残联 files), or because a parameter it reads has no value (a policy key without a default the county has not
// set). Such a rule cannot apply to this county's data as sent; the summary lists it with the reason, but it
// does not make the run partial the way a missing or failed file does (a national export of 自定义 columns
// lacks some columns every night).
func (o Outcome) Inapplicable() bool {
	return o.Status == Skipped && (strings.HasPrefix(o.Reason, reasonColumns) || strings.HasPrefix(o.Reason, reasonParams) ||
		strings.HasPrefix(o.Reason, reasonNotSent))
}

// The beginnings of a skipped rule's reason.
const (
	reasonKinds   = "缺少数据："
	reasonColumns = "缺少数据列："
	reasonParams  = "缺少参数："
	reasonNotSent = "未收到数据："
)

// Outcome statuses.
const (
	Ran     = "ran"
	Skipped = "skipped"
	Failed  = "failed"
)

// Availability says, per source kind, whether the run may use it: loaded (at least one file and none failed)
// or why not: NoFiles when the inbox has none, else why its files failed.
type Availability map[bidui.Kind]string

// NoFiles is the Availability of a kind the inbox has no file of.
const NoFiles = "收件箱中没有该类文件"

// Reason returns why rule r cannot run with the kinds available, or "" when it can. A kind the rule needs must
// be there. A kind it only uses may be absent (the rule reads it as empty), but not failed: a failed file
// leaves part of a department's data unread, and a rule that ran on the rest would resolve findings that
// rest on the missing part and raise false ones (an ID recovered through that file, unrecovered).
func (a Availability) Reason(r Rule) string {
	var missing []string
	for _, k := range r.Needs {
		if why := a[k]; why != "" {
			missing = append(missing, fmt.Sprintf("%s（%s）%s", k.Label(), k, why))
		}
	}
	for _, k := range r.Uses {
		if why := a[k]; why != "" && why != NoFiles {
			missing = append(missing, fmt.Sprintf("%s（%s，可选）%s", k.Label(), k, why))
		}
	}
	return strings.Join(missing, "；")
}

// notSent tells whether every kind that keeps r from running is an optional kind the inbox has no file of.
func (a Availability) notSent(r Rule) bool {
	for _, k := range r.Needs {
		if why := a[k]; why != "" && (why != NoFiles || !k.Optional()) {
			return false
		}
	}
	for _, k := range r.Uses {
		if why := a[k]; why != "" && why != NoFiles {
			return false
		}
	}
	return true
}

// SourceColumns says, per loaded source kind, which canonical columns its files had. A kind that is not in the
// map is not checked (it is missing, and Availability says so, or it is optional and absent).
type SourceColumns map[bidui.Kind]map[string]bool

// Reason returns why rule r cannot judge with the columns the departments sent, or "" when it can. Only the
// kinds the rule needs count: an optional kind is never a reason to skip (see Note).
func (c SourceColumns) Reason(r Rule) string {
	return c.missing(r, true)
}

// Note says which columns of the rule's optional kinds the departments' files lacked: the rule runs, reading
// them as blank, the way it runs when the kind is absent altogether.
func (c SourceColumns) Note(r Rule) string {
	if m := c.missing(r, false); m != "" {
		return "可选数据缺少列，按空白处理：" + m
	}
	return ""
}

func (c SourceColumns) missing(r Rule, needed bool) string {
	var missing []string
	for _, group := range r.Requires {
		if _, checked := c[group[0].Kind]; !checked || slices.Contains(r.Needs, group[0].Kind) != needed {
			continue
		}
		found := false
		var names []string
		for _, alt := range group {
			found = found || c[alt.Kind][alt.Column]
			names = append(names, alt.Column)
		}
		if !found {
			k := group[0].Kind
			missing = append(missing, fmt.Sprintf("%s（%s）缺少列 %s", k.Label(), k, strings.Join(names, " 或 ")))
		}
	}
	return strings.Join(missing, "；")
}

// Run creates the rule_hits table, writes the catalogue to rule_catalogue, and runs every rule whose needed
// kinds are available, in code order, binding params by name. A rule whose query fails is recorded as failed
// and the others still run; the returned error is only for ctx cancellation or a database failure outside the
// rules' own queries. Every outcome is also recorded in rule_runs under runID.
func Run(ctx context.Context, db *sql.DB, rules []Rule, avail Availability, params map[string]any, runID int64, log *slog.Logger) ([]Outcome, error) {
	return RunWithColumns(ctx, db, rules, avail, nil, params, runID, log)
}

// RunWithColumns is Run that also skips a rule whose required columns (Rule.Requires) the loaded files of
// their kind did not have; cols nil checks none.
//
// The rules run one after another on one connection, on which the rule_* input views are first computed
// once into temporary tables of the same names (a temporary table hides the view for that connection
// alone): most rules read rule_gs and its kin, and would otherwise compute them again each. Their hits go to
// a temporary table, each rule in a transaction of its own, and into rule_hits together at the end.
func RunWithColumns(ctx context.Context, db *sql.DB, rules []Rule, avail Availability, cols SourceColumns, params map[string]any, runID int64, log *slog.Logger) ([]Outcome, error) {
	if err := writeCatalogue(ctx, db, rules); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, `CREATE OR REPLACE TABLE rule_hits (`+hitColumns+`)`); err != nil {
		return nil, fmt.Errorf("create rule_hits: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	temps := &tempTables{conn: conn}
	defer temps.drop(ctx)
	named, err := readerText(ctx, conn, rules)
	if err != nil {
		return nil, err
	}
	if err := materialiseInputs(ctx, temps, named, log); err != nil {
		return nil, err
	}
	outcomes := make([]Outcome, len(rules))
	passes := map[string][]int{} // input view → the indexes of its runnable checks
	var queries []int            // the indexes of the runnable rules with a query of their own
	var inputs []string
	for i, r := range rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		o := Outcome{Rule: r}
		if why := avail.Reason(r); why != "" {
			o.Status, o.Reason = Skipped, reasonKinds+why
			if avail.notSent(r) {
				o.Reason = reasonNotSent + why
			}
			log.Info("rule skipped", "rule", r.Code, "reason", o.Reason)
		} else if why := cols.Reason(r); why != "" {
			o.Status, o.Reason = Skipped, reasonColumns+why
			log.Info("rule skipped", "rule", r.Code, "reason", o.Reason)
		} else if why := unsetParams(r, params); why != "" {
			o.Status, o.Reason = Skipped, why
			log.Info("rule skipped", "rule", r.Code, "reason", o.Reason)
		} else if r.Input != "" {
			if passes[r.Input] == nil {
				inputs = append(inputs, r.Input)
			}
			passes[r.Input] = append(passes[r.Input], i)
			continue
		} else {
			queries = append(queries, i)
			continue
		}
		outcomes[i] = o
	}
	if len(queries) > 0 {
		var group []Rule
		for _, i := range queries {
			group = append(group, rules[i])
		}
		got, err := runQueries(ctx, conn, group, cols, params, log)
		if err != nil {
			return nil, err
		}
		for k, i := range queries {
			outcomes[i] = got[k]
		}
	}
	groups := make([][]Rule, len(inputs))
	for n, input := range inputs {
		for _, i := range passes[input] {
			groups[n] = append(groups[n], rules[i])
		}
	}
	got, err := runAllChecks(ctx, temps, inputs, groups, cols, params, log)
	if err != nil {
		return nil, err
	}
	for n, input := range inputs {
		for k, i := range passes[input] {
			outcomes[i] = got[n][k]
		}
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO main.rule_hits SELECT * FROM temp.`+pendingHits); err != nil {
		return outcomes, fmt.Errorf("write rule_hits: %w", err)
	}
	var values []string
	var args []any
	for _, o := range outcomes {
		values = append(values, "(?, ?, ?, ?, ?, ?)")
		args = append(args, runID, o.Rule.Code, o.Status, nullable(o.Reason), int64(o.Findings), o.Duration.Milliseconds())
	}
	if len(values) > 0 {
		if _, err := conn.ExecContext(ctx, `INSERT INTO rule_runs VALUES `+strings.Join(values, ", "), args...); err != nil {
			return outcomes, fmt.Errorf("record the rules' outcomes: %w", err)
		}
	}
	return outcomes, nil
}

// hitColumns are rule_hits' columns.
const hitColumns = `rule VARCHAR, subject VARCHAR, person_key VARCHAR, name VARCHAR, id_number VARCHAR,
	county VARCHAR, town VARCHAR, village VARCHAR, household_no VARCHAR, detail VARCHAR`

// pendingHits is the temporary table that holds the hits of the rules run so far.
const pendingHits = "rule_hits_pending"

// ruleInputs are the views of sql/views/rule_inputs*.sql and checks.sql that more than one rule reads, in the
// order they are defined (a later one may read an earlier one). A view of a kind the inbox lacks is computed
// empty, at no cost.
var ruleInputs = []string{"rule_gs", "rule_gs_households", "rule_dibao", "rule_tekun", "rule_review",
	"rule_medical_years", "rule_medical_latest", "rule_education_latest", "rule_unsure_rows",
	"rule_death", "rule_deaths", "rule_pension", "rule_pension_covers",
	"rule_disability", "rule_disability_covers", "rule_housing", "rule_gs_household_risks",
	"rule_gs_work_persons", "rule_gs_work", "rule_gs_workers",
	"check_household_facts"}

// tempTables are the temporary tables made on the rules' connection; drop removes them all, so that the
// connection goes back to the pool as it came.
type tempTables struct {
	conn *sql.Conn
	made []string
}

// materialise computes view into a temporary table of the same name on the connection (a temporary table
// hides the view for that connection alone).
func (t *tempTables) materialise(ctx context.Context, view string) error {
	return t.materialiseColumns(ctx, view, "*")
}

// materialiseNamed is materialise keeping only the view's columns whose name occurs in named, the lower-case
// text of everything that reads the rule inputs (readerText): 45 of the export's 141 columns, most of them
// income lines, are read by no rule, and copying them into rule_gs cost 0.1 s. It keeps every column when
// named is empty or the view's columns cannot be listed.
func (t *tempTables) materialiseNamed(ctx context.Context, view, named string) error {
	if named == "" {
		return t.materialise(ctx, view)
	}
	rows, err := t.conn.QueryContext(ctx, `SELECT column_name FROM (DESCRIBE SELECT * FROM main.`+view+`)`)
	if err != nil {
		return t.materialise(ctx, view)
	}
	var keep []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return t.materialise(ctx, view)
		}
		if strings.Contains(named, strings.ToLower(c)) {
			keep = append(keep, `"`+strings.ReplaceAll(c, `"`, `""`)+`"`)
		}
	}
	if rows.Close() != nil || rows.Err() != nil || len(keep) == 0 {
		return t.materialise(ctx, view)
	}
	return t.materialiseColumns(ctx, view, strings.Join(keep, ", "))
}

func (t *tempTables) materialiseColumns(ctx context.Context, view, columns string) error {
	if _, err := t.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+view+` AS SELECT `+columns+` FROM main.`+view); err != nil {
		return err
	}
	t.made = append(t.made, view)
	return nil
}

// readerText is the lower-case text of everything that may read a rule input's columns on the rules'
// connection: every rule's query (a check's included), every macro, and every view that names an input or
// such a view. A column whose name occurs nowhere in it is read by nothing. It is "" (keep every column)
// when any of that text selects columns by pattern (byPattern), which names no column.
func readerText(ctx context.Context, conn *sql.Conn, rules []Rule) (string, error) {
	var b strings.Builder
	for _, r := range rules {
		b.WriteString(strings.ToLower(r.SQL))
		b.WriteByte('\n')
	}
	rows, err := conn.QueryContext(ctx, `SELECT lower(view_name), lower(sql) FROM duckdb_views() WHERE NOT internal
		UNION ALL
		SELECT '', lower(macro_definition) FROM duckdb_functions() WHERE NOT internal AND macro_definition IS NOT NULL`)
	if err != nil {
		return "", fmt.Errorf("read the views and macros: %w", err)
	}
	views := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return "", fmt.Errorf("read the views and macros: %w", err)
		}
		if name == "" {
			b.WriteString(def)
			b.WriteByte('\n')
		} else {
			views[name] = def
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return "", fmt.Errorf("read the views and macros: %w", err)
	}
	readers := slices.Clone(ruleInputs)
	for grew := true; grew; {
		grew = false
		for name, def := range views {
			if slices.ContainsFunc(readers, func(r string) bool { return strings.Contains(def, r) }) {
				readers = append(readers, name)
				b.WriteString(def)
				b.WriteByte('\n')
				delete(views, name)
				grew = true
			}
		}
	}
	text := b.String()
	if byPattern.MatchString(text) {
		return "", nil
	}
	return text, nil
}

// byPattern matches SQL that selects columns without naming them: COLUMNS(...), and * LIKE (ILIKE, GLOB,
// SIMILAR TO) a pattern.
var byPattern = regexp.MustCompile(`\bcolumns\s*\(|\*\s*(not\s+)?(like|ilike|glob|similar)\b`)

func (t *tempTables) has(name string) bool { return slices.Contains(t.made, name) }

func (t *tempTables) drop(ctx context.Context) {
	for _, name := range t.made {
		t.conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS temp.`+name)
	}
}

// materialiseInputs computes each rule input view into a temporary table of the same name, with the columns
// named in named (see materialiseNamed), and creates the temporary table of pending hits. A view that cannot
// be computed stays a view: the rules that read it fail one by one, with the reason, as they would without
// this, and the others run.
func materialiseInputs(ctx context.Context, temps *tempTables, named string, log *slog.Logger) error {
	if _, err := temps.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+pendingHits+` (`+hitColumns+`)`); err != nil {
		return fmt.Errorf("create %s: %w", pendingHits, err)
	}
	temps.made = append(temps.made, pendingHits)
	for _, v := range ruleInputs {
		start := time.Now()
		err := temps.materialiseNamed(ctx, v, named)
		log.Info("rule input computed", "view", v, "ms", time.Since(start).Milliseconds())
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			log.Warn("rule input not computed ahead; the rules read the view", "view", v, "err", err)
		}
	}
	return nil
}

// runOne inserts the rule's findings into the pending hits, one row per subject, inside a transaction so that
// a query failing half-way leaves nothing of it behind.
func runOne(ctx context.Context, conn *sql.Conn, r Rule, params map[string]any) (int, error) {
	var args []any
	for _, p := range r.Params {
		v, ok := params[p]
		if !ok {
			return 0, fmt.Errorf("%s: parameter $%s has no value", r.File, p)
		}
		args = append(args, sql.Named(p, v))
	}
	args = append(args, sql.Named("bidui_rule", r.Code))
	q := `INSERT INTO temp.` + pendingHits + "\n" + wrapped(r, "$bidui_rule")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", r.File, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return int(n), tx.Commit()
}

// runQueries runs the rules that have a query of their own (not check-table entries) batchSize at a time, each
// batch in one statement: their wrapped queries joined by UNION ALL, so that DuckDB plans and schedules them
// together instead of one after another. When a batch fails, each of its rules runs alone, so that one broken
// rule fails by itself.
func runQueries(ctx context.Context, conn *sql.Conn, rs []Rule, cols SourceColumns, params map[string]any, log *slog.Logger) ([]Outcome, error) {
	if n := batchSize; len(rs) > n {
		var outcomes []Outcome
		for i := 0; i < len(rs); i += n {
			got, err := runQueries(ctx, conn, rs[i:min(i+n, len(rs))], cols, params, log)
			if err != nil {
				return nil, err
			}
			outcomes = append(outcomes, got...)
		}
		return outcomes, nil
	}
	start := time.Now()
	counts, err := runBatch(ctx, conn, rs, params)
	took := time.Since(start)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err == nil {
		log.Info("rules ran", "rules", len(rs), "first", rs[0].Code, "last", rs[len(rs)-1].Code, "ms", took.Milliseconds())
		return ranTogether(rs, counts, took, cols), nil
	}
	if len(rs) > 1 {
		log.Warn("rules together failed; running them one by one", "rules", len(rs), "err", err)
	}
	return oneByOne(ctx, conn, rs, cols, params, log)
}

// ranTogether is the outcomes of rules rs that ran in one statement, which took took and raised counts.
func ranTogether(rs []Rule, counts map[string]int, took time.Duration, cols SourceColumns) []Outcome {
	outcomes := make([]Outcome, len(rs))
	for i, r := range rs {
		outcomes[i] = Outcome{Rule: r, Status: Ran, Findings: counts[r.Code], Duration: took, Reason: cols.Note(r)}
	}
	return outcomes
}

// oneByOne runs each rule of rs alone (runOne), so that a broken one fails by itself and the others run. The
// error is only for ctx cancellation.
func oneByOne(ctx context.Context, conn *sql.Conn, rs []Rule, cols SourceColumns, params map[string]any, log *slog.Logger) ([]Outcome, error) {
	outcomes := make([]Outcome, len(rs))
	for i, r := range rs {
		start := time.Now()
		n, err := runOne(ctx, conn, r, params)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		outcomes[i] = ranOrFailed(r, n, err, time.Since(start), cols, log)
	}
	return outcomes, nil
}

// batchSize is how many rules run in one statement at most. Together they use both cores better than one
// after another, but all their hash tables are alive at once: on the county, the 68 rules in one statement
// took 570 MiB more than one by one, eight at a time 190 MiB more.
const batchSize = 8

// runBatch inserts the findings of every rule of rs into the pending hits in one statement and one transaction,
// and returns how many each raised.
func runBatch(ctx context.Context, conn *sql.Conn, rs []Rule, params map[string]any) (map[string]int, error) {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = wrapped(r, "'"+strings.ReplaceAll(r.Code, "'", "''")+"'")
	}
	counts, err := insertTogether(ctx, conn, rs, parts, params)
	if err != nil {
		return nil, fmt.Errorf("%d rules together: %w", len(rs), err)
	}
	return counts, nil
}

// insertTogether inserts into the pending hits what the queries parts (rules rs's, whose parameters they
// bind by name) select, joined by UNION ALL, in one statement and one transaction, and returns how many hits
// each rule of rs raised.
func insertTogether(ctx context.Context, conn *sql.Conn, rs []Rule, parts []string, params map[string]any) (map[string]int, error) {
	var args []any
	bound := map[string]bool{}
	codes := make([]string, len(rs))
	for i, r := range rs {
		codes[i] = r.Code
		for _, p := range r.Params {
			v, ok := params[p]
			if !ok {
				return nil, fmt.Errorf("%s: parameter $%s has no value", r.File, p)
			}
			if !bound[p] {
				bound[p] = true
				args = append(args, sql.Named(p, v))
			}
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO temp.`+pendingHits+"\n("+strings.Join(parts, ")\nUNION ALL\n(")+")", args...); err != nil {
		return nil, err
	}
	counts, err := countHits(ctx, tx, codes)
	if err != nil {
		return nil, err
	}
	return counts, tx.Commit()
}

// countHits counts the pending hits of each rule of codes.
func countHits(ctx context.Context, tx *sql.Tx, codes []string) (map[string]int, error) {
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
	return counts, rows.Err()
}

// wrapped is the query of rule r as a rule_hits row per subject, its rule column the SQL expression code: the
// rule's own query is wrapped, not edited; its columns are picked by name and subjects deduplicated.
func wrapped(r Rule, code string) string {
	return `SELECT ` + code + `, subject, any_value(person_key), any_value(name), any_value(id_number),
		       any_value(county), any_value(town), any_value(village), any_value(household_no),
		       string_agg(DISTINCT detail, '；')
		FROM (` + r.SQL + `) AS hits (` + strings.Join(Columns, ", ") + `)
		WHERE subject IS NOT NULL
		GROUP BY subject`
}

// ranOrFailed is the outcome of rule r that ran alone: n findings, or err.
func ranOrFailed(r Rule, n int, err error, took time.Duration, cols SourceColumns, log *slog.Logger) Outcome {
	o := Outcome{Rule: r, Duration: took}
	if err != nil {
		o.Status, o.Reason = Failed, err.Error()
		log.Error("rule failed", "rule", r.Code, "file", r.File, "err", err)
		return o
	}
	o.Status, o.Findings, o.Reason = Ran, n, cols.Note(r)
	log.Info("rule ran", "rule", r.Code, "findings", n, "ms", took.Milliseconds())
	return o
}

// unsetParams says which parameters rule r reads that have no value (a policy key without a default, such as
// medical_subsidy_window, that the county has not set), or "" when all have one.
func unsetParams(r Rule, params map[string]any) string {
	var unset []string
	for _, p := range r.Params {
		if v, ok := params[p]; !ok || v == nil {
			unset = append(unset, "$"+p)
		}
	}
	if len(unset) == 0 {
		return ""
	}
	return reasonParams + strings.Join(unset, "、") + " 未设置（配置文件 [policy]）"
}

// writeCatalogue replaces rule_catalogue with rules, in one statement (a catalogue of hundreds of checks would
// otherwise cost a statement each).
func writeCatalogue(ctx context.Context, db *sql.DB, rules []Rule) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM rule_catalogue`); err != nil {
		return fmt.Errorf("clear rule_catalogue: %w", err)
	}
	if len(rules) > 0 {
		var args []any
		for _, r := range rules {
			args = append(args, r.Code, r.Title, r.Severity, r.Level, joinKinds(r.Needs), joinKinds(r.Uses), r.Action, r.Basis,
				r.Description, nullable(r.Category), strings.Join(r.NationalCodes, ","))
		}
		// string_split('') gives [''], not []: empty lists stay empty.
		if _, err := tx.ExecContext(ctx, `INSERT INTO rule_catalogue (code, title, severity, level, needs, uses, action, basis,
			    description, category, national_code)
			SELECT code, title, severity, level, list_filter(string_split(needs, ','), k -> k <> ''),
			       list_filter(string_split(uses, ','), k -> k <> ''), action, basis, description, category,
			       list_filter(string_split(national_code, ','), k -> k <> '')
			FROM (VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(rules)), ", ")+`)
			     AS r (code, title, severity, level, needs, uses, action, basis, description, category, national_code)`,
			args...); err != nil {
			return fmt.Errorf("write rule_catalogue: %w", err)
		}
	}
	return tx.Commit()
}

func joinKinds(ks []bidui.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
