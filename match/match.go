// Package match links every source row to a person, strongest evidence first: the exact valid resident ID;
// an ID corrected from a known kind of damage (15-digit form, one wrong digit, two swapped digits, Excel's
// rounding) with an agreeing name; and, for rows without a usable ID, name plus birth date plus village,
// weighed by how common the name is. A row with more than one candidate, or whose only evidence is an
// agreeing name, goes to match_review with its candidates and is not linked. Persons are keyed by their
// valid ID (person_key_of), so the same person keeps the same key across runs; a 15-digit ID that no source
// has in its 18-digit form is upgraded to it. The work is done in DuckDB as set operations (hash joins on
// derived keys); Go only supplies the character tables of name normalisation.
package match

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/bidui/bidui"
)

// Method names as stored in links.method, strongest first.
const (
	MethodExactID    = "exact_id"    // the row's valid ID is the person's
	MethodExcel000   = "excel_000"   // a valid-looking ID ending 000: Excel kept 15 digits
	MethodID15       = "id15"        // the 15-digit form of the person's ID
	MethodCheckDigit = "check_digit" // only the check character differs
	MethodOneDigit   = "one_digit"   // one of the first 17 digits differs
	MethodSwapped    = "swapped"     // two adjacent digits swapped
	MethodExcelE17   = "excel_e17"   // Excel turned the ID into 3.70323198001011E+17
	MethodName       = "name"        // no usable ID: name, birth date and village
)

// Methods lists the methods in cascade order.
var Methods = []string{MethodExactID, MethodExcel000, MethodID15, MethodCheckDigit, MethodOneDigit, MethodSwapped, MethodExcelE17, MethodName}

// Stats counts what linking did, for the run summary.
type Stats struct {
	Persons  int64
	ByMethod map[string]int64     // links per method
	Unlinked map[bidui.Kind]int64 // source rows with no link, per kind (ambiguous ones included)
	Review   map[bidui.Kind]int64 // rows sent to match_review (several candidates, or a name alone), per kind
	Merged   int64                // valid IDs folded into another person (person_merges)
}

// Link fills persons, links, match_review and person_merges from the person rows of every source kind (the
// view src_person_rows), replacing what they held, and creates the name macros (name_norm, name_sound,
// names_agree). cascade holds the cascade's statements (sql/match: biduisql.Match()), files run in name
// order, each statement ending with a semicolon at the end of a line. It returns counts for the run summary,
// or the first error, naming the file (nothing is changed then).
func Link(ctx context.Context, db *sql.DB, cascade fs.FS) (*Stats, error) {
	steps, err := cascadeSteps(cascade)
	if err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for _, s := range macroStatements() {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("create name macros: %w", err)
		}
	}
	chars, norms, sounds := charTable()
	for _, s := range steps {
		var args []any
		// The one statement with parameters takes the character table of name normalisation.
		if strings.Contains(s.sql, "$1") {
			args = []any{chars, norms, sounds}
		}
		if _, err := tx.ExecContext(ctx, s.sql, args...); err != nil {
			return nil, fmt.Errorf("link persons (%s statement %d): %w", s.file, s.n, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return stats(ctx, db)
}

// A step is one statement of the cascade and where it is written.
type step struct {
	file string
	n    int // 1-based statement number in file
	sql  string
}

// cascadeSteps reads the cascade's files in name order and splits them into statements: a statement ends
// with a line that ends with a semicolon (none of the cascade's string literals spans a line end).
func cascadeSteps(cascade fs.FS) ([]step, error) {
	names, err := fs.Glob(cascade, "*.sql")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("link persons: no cascade statements (*.sql)")
	}
	sort.Strings(names)
	var steps []step
	for _, name := range names {
		body, err := fs.ReadFile(cascade, name)
		if err != nil {
			return nil, fmt.Errorf("link persons: %w", err)
		}
		var cur strings.Builder
		n := 0
		for _, line := range strings.SplitAfter(string(body), "\n") {
			cur.WriteString(line)
			if strings.HasSuffix(strings.TrimRight(line, " \t\r\n"), ";") {
				n++
				steps = append(steps, step{file: name, n: n, sql: cur.String()})
				cur.Reset()
			}
		}
		if strings.TrimSpace(stripComments(cur.String())) != "" {
			return nil, fmt.Errorf("link persons: %s: the last statement does not end with a semicolon", name)
		}
	}
	return steps, nil
}

// stripComments removes -- comments, for telling whether text holds a statement at all.
func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line)
	}
	return b.String()
}

// macroStatements create the name macros that matching uses and leaves for the rules and for analysts.
func macroStatements() []string {
	return []string{
		`CREATE OR REPLACE MACRO name_norm(s) AS nullif(translate(
			regexp_replace(regexp_replace(
				regexp_replace(translate(s, ` + sqlLiteral(fullWidth) + `, ` + sqlLiteral(halfWidth) + `),
					'[\s\x{3000}\x{00a0}\x{200b}\x{feff}]+', '', 'g'),
				'[A-Za-z]+', '?', 'g'),
			'[` + dotLookAlikes + `]', '` + string(nameDot) + `', 'g'),
			` + sqlLiteral(rareMarks+tradKeys()) + `, ` + sqlLiteral(strings.Repeat("?", len([]rune(rareMarks)))+tradValues()) + `), '')`,
		`CREATE OR REPLACE MACRO name_sound(n) AS translate(replace(n, '` + string(nameDot) + `', ''), ` + sqlLiteral(soundKeys()) + `, ` + sqlLiteral(soundValues()) + `)`,
		// names_agree_s compares two normalised names given their sound keys too, so that the cascade does not
		// translate the same names again and again; names_agree is the form for analysts.
		`CREATE OR REPLACE MACRO names_agree_s(a, b, sa, sb) AS CASE
			WHEN a IS NULL OR b IS NULL THEN NULL
			WHEN a = b OR replace(a, '` + string(nameDot) + `', '') = replace(b, '` + string(nameDot) + `', '') THEN 'same'
			WHEN length(a) = length(b) AND (a LIKE replace(b, '?', '_') OR b LIKE replace(a, '?', '_')) THEN 'rare'
			WHEN length(a) = length(b) AND (sa LIKE replace(sb, '?', '_') OR sb LIKE replace(sa, '?', '_')) THEN 'homophone'
			ELSE 'differ' END`,
		`CREATE OR REPLACE MACRO names_agree(a, b) AS names_agree_s(a, b, name_sound(a), name_sound(b))`,
		`CREATE OR REPLACE MACRO src_label(k) AS ` + kindLabels(),
	}
}

// CreateMacros creates the name macros (name_norm, name_sound, names_agree, src_label) without linking:
// for a run that carries the links of the previous one over.
func CreateMacros(ctx context.Context, db *sql.DB) error {
	for _, s := range macroStatements() {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("create name macros: %w", err)
		}
	}
	return nil
}

// Count returns the summary counts of what persons, links, match_review and person_merges hold.
func Count(ctx context.Context, db *sql.DB) (*Stats, error) { return stats(ctx, db) }

func stats(ctx context.Context, db *sql.DB) (*Stats, error) {
	st := &Stats{ByMethod: map[string]int64{}, Unlinked: map[bidui.Kind]int64{}, Review: map[bidui.Kind]int64{}}
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM person_merges)`).Scan(&st.Persons, &st.Merged); err != nil {
		return nil, err
	}
	if err := countInto(ctx, db, `SELECT method, count(*) FROM links GROUP BY method`, func(k string, n int64) { st.ByMethod[k] = n }); err != nil {
		return nil, err
	}
	if err := countInto(ctx, db, `SELECT kind, count(*) FROM match_review GROUP BY kind`, func(k string, n int64) { st.Review[bidui.Kind(k)] = n }); err != nil {
		return nil, err
	}
	if err := countInto(ctx, db, `SELECT kind, count(*) FROM src_person_rows s WHERE NOT EXISTS (
		SELECT 1 FROM links l WHERE l.kind = s.kind AND l.file_id = s.file_id AND l.row_no = s.row_no) GROUP BY kind`,
		func(k string, n int64) { st.Unlinked[bidui.Kind(k)] = n }); err != nil {
		return nil, err
	}
	return st, nil
}

// countInto runs a query of (key, count) rows and hands each to add.
func countInto(ctx context.Context, db *sql.DB, q string, add func(string, int64)) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		add(k, n)
	}
	return rows.Err()
}
