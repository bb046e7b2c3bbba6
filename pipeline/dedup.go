package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/sources"
)

// DuplicateRows says that rows of one file were the same, value for value, as rows of an earlier file of the
// same kind (a department's file dropped again under another name with other bytes): they are counted once,
// the earlier file's, and the later file's are not loaded.
type DuplicateRows struct {
	Kind string `json:"kind"`
	File string `json:"file"`    // the file whose rows were dropped
	Of   string `json:"same_as"` // the file that keeps them
	Rows int64  `json:"rows"`    // rows dropped
}

// Disagreement says that two files of one kind give different rows for the same persons (and the same year,
// for 医保): one of them is likely out of date. Both are loaded; a person should say which is right.
type Disagreement struct {
	Kind    string    `json:"kind"`
	Files   [2]string `json:"files"`
	Persons int64     `json:"persons"`
}

// rowPlace are the columns that say where a source row was read (file, sheet, row); two rows equal on all the
// others are the same row.
var rowPlace = map[string]bool{"file_id": true, "sheet": true, "row_no": true}

// dedupRows removes, on conn in the import's transaction, the rows of a file that are the same as rows of an
// earlier file (in file id order) of the same kind when dedup is set, and finds the files that disagree
// about a person. It lowers the loaded count of the sheets it took rows from, says what it did in the
// summary, and returns the rows it took from each sheet (by file id).
func (r *runner) dedupRows(ctx context.Context, conn *sql.Conn, results []sources.Result, dedup bool) (map[int64]int64, error) {
	paths := map[bidui.Kind]map[string]bool{}
	for _, res := range results {
		if res.Status == bidui.FileLoaded || res.Status == bidui.FileCarried {
			if paths[res.Kind] == nil {
				paths[res.Kind] = map[string]bool{}
			}
			paths[res.Kind][res.Path] = true
		}
	}
	var values []string
	var args []any
	for _, res := range results {
		if len(paths[res.Kind]) > 1 {
			values = append(values, "(?, ?)")
			args = append(args, res.FileID, res.Path)
		}
	}
	if len(values) == 0 {
		return nil, nil
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE run_sheets AS SELECT * FROM (VALUES `+
		strings.Join(values, ", ")+`) t(file_id, path)`, args...); err != nil {
		return nil, fmt.Errorf("same rows in two files: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS run_sheets`)
	dropped := map[int64]int64{}
	for _, k := range bidui.Kinds {
		if len(paths[k]) < 2 {
			continue
		}
		if dedup {
			if err := r.dedupKind(ctx, conn, k, dropped); err != nil {
				return nil, err
			}
		}
		// The later kinds' departments send one file per purpose (人社: 参保, 缴费, 待遇, 代缴; deaths from 公安,
		// 民政 and 卫健; 已外出 and 计划 务工 spells): their rows of one person differ by design, and saying
		// so every night would bury the real disagreements of the contract's own kinds.
		if k.Optional() {
			continue
		}
		if err := r.disagreements(ctx, conn, k); err != nil {
			return nil, err
		}
	}
	for i := range results {
		results[i].RowsLoaded -= dropped[results[i].FileID]
	}
	return dropped, nil
}

// dedupKind removes the rows of kind k that an earlier file of the kind has too, adding to dropped the rows
// taken from each sheet.
func (r *runner) dedupKind(ctx context.Context, conn *sql.Conn, k bidui.Kind, dropped map[int64]int64) error {
	cols, err := valueColumns(ctx, conn, k.Table())
	if err != nil {
		return err
	}
	t := k.Table()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE dup_rows AS
		SELECT d.file_id, d.row_no, d.first_id
		FROM (SELECT file_id, row_no, first_value(file_id) OVER (PARTITION BY %s ORDER BY file_id, row_no) AS first_id FROM %s) d
		JOIN run_sheets a ON a.file_id = d.file_id
		JOIN run_sheets b ON b.file_id = d.first_id
		WHERE a.path <> b.path`, strings.Join(cols, ", "), t)); err != nil {
		return fmt.Errorf("same rows in two %s files: %w", k, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS dup_rows`)
	rows, err := conn.QueryContext(ctx, `SELECT d.file_id, a.path, b.path, count(*) FROM dup_rows d
		JOIN run_sheets a ON a.file_id = d.file_id JOIN run_sheets b ON b.file_id = d.first_id
		GROUP BY ALL ORDER BY d.file_id, b.path`)
	if err != nil {
		return fmt.Errorf("same rows in two %s files: %w", k, err)
	}
	for rows.Next() {
		var id, n int64
		var file, of string
		if err := rows.Scan(&id, &file, &of, &n); err != nil {
			rows.Close()
			return err
		}
		dropped[id] += n
		r.sum.DuplicateRows = append(r.sum.DuplicateRows, DuplicateRows{Kind: string(k), File: file, Of: of, Rows: n})
		r.log.Warn("rows the same as an earlier file's are counted once", "kind", k, "file", file, "same_as", of, "rows", n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s s USING dup_rows d WHERE s.file_id = d.file_id AND s.row_no = d.row_no`, t)); err != nil {
		return fmt.Errorf("same rows in two %s files: %w", k, err)
	}
	return nil
}

// disagreements finds the pairs of files of kind k that both have rows of one person (and year, when the
// kind has one) that are not the same rows (those were dropped before), and names them in the summary.
func (r *runner) disagreements(ctx context.Context, conn *sql.Conn, k bidui.Kind) error {
	cols, err := valueColumns(ctx, conn, k.Table())
	if err != nil {
		return err
	}
	key := ""
	for _, c := range cols {
		switch c {
		case `"id_number"`:
			key += ", " + c
		case `"year"`:
			key += ", " + c
		}
	}
	if !strings.Contains(key, "id_number") {
		return nil
	}
	key = strings.TrimPrefix(key, ", ")
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`WITH per AS (
			SELECT DISTINCT s.path, %s FROM %s t JOIN run_sheets s ON s.file_id = t.file_id WHERE t.id_number IS NOT NULL)
		SELECT x.path, y.path, count(*) FROM per x JOIN per y USING (%s)
		WHERE x.path < y.path GROUP BY ALL ORDER BY 1, 2`, key, k.Table(), key))
	if err != nil {
		return fmt.Errorf("files of %s that disagree: %w", k, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d Disagreement
		if err := rows.Scan(&d.Files[0], &d.Files[1], &d.Persons); err != nil {
			return err
		}
		d.Kind = string(k)
		r.sum.Disagreements = append(r.sum.Disagreements, d)
		r.log.Warn("two files give different rows for the same persons", "kind", k, "files", d.Files, "persons", d.Persons)
	}
	return rows.Err()
}

// valueColumns lists, quoted, the columns of a source table that are not where a row was read.
func valueColumns(ctx context.Context, conn *sql.Conn, table string) ([]string, error) {
	return columnsExcept(ctx, conn, table, rowPlace)
}

// columnsExcept lists, quoted and in table order, the columns of table main.t that are not in except. It reads
// the one table (pragma_table_info): duckdb_columns() would bind every view of the database first.
func columnsExcept(ctx context.Context, conn *sql.Conn, t string, except map[string]bool) ([]string, error) {
	all, err := quotedColumns(ctx, conn, t, `SELECT name FROM pragma_table_info('main.' || ?) ORDER BY cid`)
	var cols []string
	for _, c := range all {
		if !except[strings.Trim(c, `"`)] {
			cols = append(cols, c)
		}
	}
	return cols, err
}

// recordDropped records in files the rows dedupRows took from each sheet of this run.
func (r *runner) recordDropped(ctx context.Context, conn *sql.Conn, dropped map[int64]int64) error {
	for id, n := range dropped {
		if _, err := conn.ExecContext(ctx, `UPDATE files SET rows_duplicate = ? WHERE run_id = ? AND file_id = ?`, n, r.runID, id); err != nil {
			return fmt.Errorf("record rows counted once: %w", err)
		}
	}
	return nil
}
