package sources

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/bidui/bidui"
	"github.com/duckdb/duckdb-go/v2"
)

// dbStager appends each recognised sheet to its staging table and its rejects to rejects, with the DuckDB
// Appender (row-by-row INSERT is orders of magnitude slower at county size).
type dbStager struct {
	conn   *sql.Conn
	newID  func() int64
	tables map[bidui.Kind][]string // staging table columns in table order
	reject []string                // rejects columns in table order
}

func (d *dbStager) id() int64 { return d.newID() }

func (d *dbStager) stage(ctx context.Context, res *Result, spec *kindSpec, fill func(sink) error) error {
	cols, err := d.columns(ctx, spec)
	if err != nil {
		return err
	}
	var fillErr error
	err = d.conn.Raw(func(dc any) error {
		drv, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("connection is not a DuckDB connection (%T)", dc)
		}
		rows, err := duckdb.NewAppenderFromConn(drv, "", spec.kind.Table())
		if err != nil {
			return fmt.Errorf("append to %s: %w", spec.kind.Table(), err)
		}
		rejects, err := duckdb.NewAppenderFromConn(drv, "", "rejects")
		if err != nil {
			_ = rows.Close()
			return fmt.Errorf("append to rejects: %w", err)
		}
		s := &appendSink{fileID: res.FileID, rows: rows, rejects: rejects, cols: cols, rejectCols: d.reject}
		fillErr = fill(s)
		// Close flushes: a constraint or type error surfaces here at the latest.
		errRows := rows.Close()
		errRejects := rejects.Close()
		if errRows != nil {
			return fmt.Errorf("append to %s: %w", spec.kind.Table(), errRows)
		}
		if errRejects != nil {
			return fmt.Errorf("append to rejects: %w", errRejects)
		}
		return nil
	})
	var ferr *FileError
	if err == nil && fillErr == nil {
		return nil
	}
	// Whatever of the sheet got in goes back out, also when the run is being cancelled.
	cleanupErr := d.remove(context.WithoutCancel(ctx), spec, res.FileID)
	switch {
	case err != nil:
		return err
	case errors.As(fillErr, &ferr):
		if cleanupErr != nil {
			return cleanupErr
		}
		return ferr
	default:
		return fillErr
	}
}

func (d *dbStager) remove(ctx context.Context, spec *kindSpec, fileID int64) error {
	// The table name comes from the kind, never from the file.
	if _, err := d.conn.ExecContext(ctx, `DELETE FROM `+spec.kind.Table()+` WHERE file_id = ?`, fileID); err != nil {
		return fmt.Errorf("remove rows of failed sheet from %s: %w", spec.kind.Table(), err)
	}
	if _, err := d.conn.ExecContext(ctx, `DELETE FROM rejects WHERE file_id = ?`, fileID); err != nil {
		return fmt.Errorf("remove rejects of failed sheet: %w", err)
	}
	return nil
}

// columns returns the staging table's columns in table order, and checks that every column the kind fills
// exists: a schema that lost one is a programming error, not a problem with the file.
func (d *dbStager) columns(ctx context.Context, spec *kindSpec) ([]string, error) {
	if cols, ok := d.tables[spec.kind]; ok {
		return cols, nil
	}
	if d.reject == nil {
		cols, err := tableColumns(ctx, d.conn, "rejects")
		if err != nil {
			return nil, err
		}
		d.reject = cols
	}
	cols, err := tableColumns(ctx, d.conn, spec.kind.Table())
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, c := range cols {
		have[c] = true
	}
	for _, c := range spec.columns() {
		if !have[c] {
			return nil, fmt.Errorf("staging table %s has no column %s", spec.kind.Table(), c)
		}
	}
	d.tables[spec.kind] = cols
	return cols, nil
}

func tableColumns(ctx context.Context, conn *sql.Conn, table string) ([]string, error) {
	// pragma_table_info reads the one table; duckdb_columns() would bind every view of the schema first, which
	// cost 8 ms a file on the county (1.7 s of CPU over 216 files). The name is a kind's table, never a file's.
	rows, err := conn.QueryContext(ctx, `SELECT name FROM pragma_table_info('`+strings.ReplaceAll(table, "'", "''")+`') ORDER BY cid`)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %s does not exist (is the schema migrated?)", table)
	}
	return cols, nil
}

// appendSink turns records into appender rows in table column order.
type appendSink struct {
	fileID     int64
	rows       *duckdb.Appender
	rejects    *duckdb.Appender
	cols       []string
	rejectCols []string
	buf        []driver.Value
}

func (s *appendSink) put(rec record) error {
	if cap(s.buf) < len(s.cols) {
		s.buf = make([]driver.Value, len(s.cols))
	}
	vals := s.buf[:len(s.cols)]
	for i, c := range s.cols {
		if c == "file_id" {
			vals[i] = s.fileID
			continue
		}
		vals[i] = rec[c]
	}
	return s.rows.AppendRow(vals...)
}

func (s *appendSink) reject(r rejectRow) error {
	vals := make([]driver.Value, len(s.rejectCols))
	for i, c := range s.rejectCols {
		switch c {
		case "file_id":
			vals[i] = s.fileID
		case "sheet":
			vals[i] = nullString(r.sheet)
		case "row_no":
			vals[i] = int32(r.rowNo)
		case "column":
			vals[i] = nullString(r.column)
		case "field":
			vals[i] = nullString(r.field)
		case "value":
			vals[i] = nullString(r.value)
		case "reason":
			vals[i] = r.reason
		}
	}
	return s.rejects.AppendRow(vals...)
}

func nullString(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}
