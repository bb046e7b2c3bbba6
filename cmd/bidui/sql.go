package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"
)

const sqlUsage = `
Usage: bidui sql [--config FILE] [--db FILE] [--format table|csv|json] "SELECT …"

Runs one query against the published database, opened read-only: writes of any kind (INSERT, CREATE, COPY
… TO, ATTACH) are refused. It does not block a nightly run, and a run does not block it. The query "-"
reads it from standard input.

Examples:
  bidui sql "SELECT rule, count(*) FROM findings GROUP BY rule ORDER BY rule"
  bidui sql --format csv "SELECT * FROM findings WHERE village = '西里村'" > 西里村.csv
  bidui sql --format json "SELECT * FROM runs ORDER BY run_id DESC LIMIT 1"
`

func runSQL(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "sql", sqlUsage)
	var d dbFlags
	d.register(fs)
	format := fs.String("format", "table", "output format: table, csv or json")
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("sql: no query given (see bidui sql -h)")
	}
	switch *format {
	case "table", "csv", "json":
	default:
		return usagef("sql: --format %q: want table, csv or json", *format)
	}
	cfg, err := d.load(fs, nil)
	if err != nil {
		return err
	}
	query := strings.Join(fs.Args(), " ")
	if query == "-" {
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return err
		}
		query = string(b)
	}
	if loggingCall.MatchString(query) {
		// Logging to a file is refused when it starts, but the refused log then aborts the whole process
		// as the connection closes (DuckDB throws from a destructor): refused here, before DuckDB sees it.
		return usagef("sql: the query changes DuckDB's logging, which bidui sql does not allow")
	}
	db, err := openReadOnly(cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	return writeRows(e.stdout, rows, *format)
}

// loggingCall finds a call of DuckDB's enable_logging or a logging setting, in any case.
var loggingCall = regexp.MustCompile(`(?i)enable_logging|logging_storage`)

// openReadOnly opens the published database for reading only, with access to other files switched off so
// that COPY … TO and ATTACH cannot write anything either.
func openReadOnly(path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: run `bidui run` first, or give --db", path)
		}
		return nil, err
	}
	db, err := sql.Open("duckdb", path+"?access_mode=read_only&enable_external_access=false&lock_configuration=true")
	if err != nil {
		return nil, fmt.Errorf("open %s read-only: %w", path, err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s read-only: %w", path, err)
	}
	return db, nil
}

// writeRows prints a result set as an aligned table, CSV (with header) or a JSON array of objects.
func writeRows(w io.Writer, rows *sql.Rows, format string) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var (
		tw   *table
		cw   *csv.Writer
		objs []map[string]any
		n    int
	)
	switch format {
	case "table":
		tw = newTable(w)
		fmt.Fprintln(tw, strings.Join(cols, "\t")+"\t")
	case "csv":
		cw = csv.NewWriter(w)
		if err := cw.Write(cols); err != nil {
			return err
		}
	case "json":
		objs = []map[string]any{}
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		n++
		switch format {
		case "table", "csv":
			cells := make([]string, len(cols))
			for i, v := range vals {
				cells[i] = text(v, types[i].DatabaseTypeName(), format == "table")
			}
			if tw != nil {
				fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
			} else if err := cw.Write(cells); err != nil {
				return err
			}
		case "json":
			o := make(map[string]any, len(cols))
			for i, v := range vals {
				o[cols[i]] = jsonValue(v, types[i].DatabaseTypeName())
			}
			objs = append(objs, o)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	switch format {
	case "table":
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(w, "(%d rows)\n", n)
	case "csv":
		cw.Flush()
		return cw.Error()
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(objs)
	}
	return nil
}

func text(v any, dbType string, table bool) string {
	switch v := v.(type) {
	case nil:
		if table {
			return "NULL"
		}
		return ""
	case time.Time:
		return formatTime(v, dbType)
	case []byte:
		return string(v)
	case string:
		if table {
			// Keep the table aligned: one line per row.
			return strings.NewReplacer("\n", `\n`, "\t", " ").Replace(v)
		}
		return v
	}
	switch v.(type) {
	case map[string]any, []any: // a JSON, STRUCT, MAP or LIST value: written as JSON, never as Go prints it
		if b, err := json.Marshal(v); err == nil {
			return string(b)
		}
	}
	if b, err := json.Marshal(v); err == nil {
		if s := string(b); !strings.HasPrefix(s, "{") || table {
			return s
		}
	}
	return fmt.Sprint(v)
}

func jsonValue(v any, dbType string) any {
	switch v := v.(type) {
	case time.Time:
		return formatTime(v, dbType)
	case []byte:
		return string(v)
	}
	return v
}

func formatTime(t time.Time, dbType string) string {
	if dbType == "DATE" {
		return t.Format(time.DateOnly)
	}
	return t.Format("2006-01-02 15:04:05")
}
