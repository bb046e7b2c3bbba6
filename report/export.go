package report

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// exportOrder orders the rows of findings.csv and findings.parquet like the village workbooks: by place, then
// category (categoryOrder), severity, rule, household, name, finding_id, so the same database always gives
// the same files.
func exportOrder(ctx context.Context, db *sql.DB) (string, error) {
	category, err := categoryColumn(ctx, db)
	if err != nil {
		return "", err
	}
	return `ORDER BY nullif(trim(town), '') NULLS LAST, nullif(trim(village), '') NULLS LAST, ` + categoryOrder(category) + `,
	CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END,
	rule, household_no NULLS LAST, name NULLS LAST, finding_id`, nil
}

// utf8BOM starts findings.csv: without it Excel and WPS read the file in the local code page (GB18030 on a
// Chinese Windows) and show the names as mojibake.
const utf8BOM = "\ufeff"

// writeCSV writes findings.csv: every column of the findings view (whatever columns it has by then), one row
// per finding, UTF-8 with a BOM, CRLF line ends (RFC 4180). Values are the view's as DuckDB casts them to
// text (dates as 2023-06-10, NULL as an empty field), and cells that a spreadsheet would evaluate are
// neutralised (csvField). ID numbers are written as they are: a spreadsheet that opens the file directly
// reads 18 digits as a number and rounds it (LibreOffice shows 3.70323199001011E+17), which is why the
// village workbooks store them as text; the CSV is for tools and imports that set the column's type.
func writeCSV(ctx context.Context, db *sql.DB, root *os.Root, rel string, opt Options) error {
	order, err := exportOrder(ctx, db)
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT CAST(COLUMNS(*) AS VARCHAR) FROM findings `+order)
	if err != nil {
		return fmt.Errorf("read findings: %w", err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("read findings: %w", err)
	}
	return writeFile(root, rel, func(out io.Writer) error {
		w := bufio.NewWriter(out)
		w.WriteString(utf8BOM)
		header := make([]sql.NullString, len(names))
		for i, n := range names {
			header[i] = sql.NullString{String: n, Valid: true}
		}
		writeCSVRecord(w, header)
		values := make([]sql.NullString, len(names))
		dest := make([]any, len(names))
		for i := range values {
			dest[i] = &values[i]
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return fmt.Errorf("read findings: %w", err)
			}
			if opt.MaskIDs {
				for i, n := range names {
					values[i] = maskColumn(n, values[i])
				}
			}
			writeCSVRecord(w, values)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read findings: %w", err)
		}
		return w.Flush()
	})
}

// writeCSVRecord writes one line of findings.csv. bufio.Writer keeps the first write error for Flush.
func writeCSVRecord(w *bufio.Writer, fields []sql.NullString) {
	for i, f := range fields {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(csvField(f.String))
	}
	w.WriteString("\r\n")
}

// csvField is a value as findings.csv writes it.
//
// A value that starts with =, +, - or @ would be read as a formula by Excel, WPS and LibreOffice (CSV
// injection: =HYPERLINK(…) in a name turns into a link, =cmd|… into a command), and one that starts with a tab
// or a carriage return can be trimmed into one. Such a value gets a leading apostrophe and is quoted:
// =HYPERLINK("x") is written "'=HYPERLINK(""x"")". Quoting alone is not enough: spreadsheets drop the quotes
// before they look for a formula (LibreOffice evaluates "=1+1" to 2 when formula evaluation is on; the tests
// check both). A cell that starts with an apostrophe is text, and the apostrophe stays visible in it, so a
// reader sees that the value was neutralised rather than a silently different value. This is the OWASP
// recommendation. A program that wants the original value drops the apostrophe of a field that starts with
// '= '+ '- '@ '\t or '\r; findings.parquet holds the values unchanged.
//
// Other values are quoted only when they must be (a comma, quote or line break inside), as RFC 4180 says.
func csvField(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return `"'` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	if strings.ContainsAny(s, ",\"\r\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// writeParquet writes findings.parquet with DuckDB's COPY: every column of the findings view with its type,
// in the order of findings.csv. DuckDB writes to a hidden temporary file beside rel (dir is the folder root is
// opened on), which is then made owner-only and renamed into place through root.
func writeParquet(ctx context.Context, db *sql.DB, root *os.Root, dir, rel string, opt Options) error {
	tmp := tempName(rel)
	// A leftover of a killed run (or anything else by that name) must not be written through.
	if err := root.RemoveAll(tmp); err != nil {
		return fmt.Errorf("remove stale temporary file: %w", err)
	}
	// Before taking a connection: a database of one connection would wait for itself.
	order, err := exportOrder(ctx, db)
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	columns := "*"
	if opt.MaskIDs {
		if err := registerMasking(conn); err != nil {
			return err
		}
		if columns, err = maskedColumns(ctx, conn); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, `COPY (SELECT `+columns+` FROM findings `+order+`)
		TO ? (FORMAT parquet)`, filepath.Join(dir, tmp)); err != nil {
		root.Remove(tmp)
		return fmt.Errorf("copy findings: %w", err)
	}
	// DuckDB creates the file with the umask's mode.
	if err := root.Chmod(tmp, fileMode); err != nil {
		root.Remove(tmp)
		return err
	}
	return moveIntoPlace(root, tmp, rel)
}

// maskColumn is the value of the findings view's column name in a masked copy (Options.MaskIDs): id_number
// masked whole (maskID); person_key dropped, since it is a hash of the ID number with a fixed salt and so
// can be matched against candidate IDs; in every other column each valid ID number that stands alone is masked
// (maskIDsIn), since rules write IDs into detail and some use an ID as the finding's subject.
func maskColumn(name string, v sql.NullString) sql.NullString {
	if !v.Valid {
		return v
	}
	switch name {
	case "id_number":
		if v.String != "" {
			v.String = maskID(v.String)
		}
	case "person_key":
		return sql.NullString{}
	default:
		v.String = maskIDsIn(v.String)
	}
	return v
}

// maskedColumns is the select list of the masked findings.parquet: the findings view's columns, with the
// text ones masked as maskColumn does, through the functions registerMasking registers. The list is built
// from the view's column names as the catalogue gives them, quoted as identifiers.
func maskedColumns(ctx context.Context, conn *sql.Conn) (string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT column_name FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'findings'
		  AND data_type = 'VARCHAR'
		ORDER BY column_index`)
	if err != nil {
		return "", fmt.Errorf("read the columns of findings: %w", err)
	}
	defer rows.Close()
	var replace []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return "", fmt.Errorf("read the columns of findings: %w", err)
		}
		id := `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		switch name {
		case "id_number":
			replace = append(replace, "bidui_mask_id("+id+") AS "+id)
		case "person_key":
			replace = append(replace, "NULL::VARCHAR AS "+id)
		default:
			replace = append(replace, "bidui_mask_ids_in("+id+") AS "+id)
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("read the columns of findings: %w", err)
	}
	if len(replace) == 0 {
		return "*", nil
	}
	return "* REPLACE (" + strings.Join(replace, ", ") + ")", nil
}

// registerMasking makes maskID and maskIDsIn callable from SQL as bidui_mask_id and bidui_mask_ids_in, so that
// the Parquet copy masks exactly as the workbooks and findings.csv do. The functions live in the database
// instance's catalogue, are never stored in the file, and registering them again replaces them.
func registerMasking(conn *sql.Conn) error {
	for name, fn := range map[string]func(string) string{
		"bidui_mask_id": func(s string) string {
			if s == "" {
				return s
			}
			return maskID(s)
		},
		"bidui_mask_ids_in": maskIDsIn,
	} {
		if err := duckdb.RegisterScalarUDF(conn, name, textFunc(fn)); err != nil {
			return fmt.Errorf("register %s: %w", name, err)
		}
	}
	return nil
}

// textFunc is a DuckDB scalar function from VARCHAR to VARCHAR; NULL gives NULL.
type textFunc func(string) string

func (textFunc) Config() duckdb.ScalarFuncConfig {
	varchar, err := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	if err != nil {
		// VARCHAR is a primitive type; NewTypeInfo fails only for types that need more information.
		panic(err)
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{varchar}, ResultTypeInfo: varchar}
}

func (f textFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		s, ok := values[0].(string)
		if !ok {
			return nil, fmt.Errorf("want text, got %T", values[0])
		}
		return f(s), nil
	}}
}
