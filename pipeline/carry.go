package pipeline

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/sources"
	biduisql "github.com/bidui/bidui/sql"
)

// carriable returns the published run's sheets of the file at path when the file can be carried over: the
// latest published run, made by this same version of bidui and schema, read a file with the same bytes
// (sha256) and every sheet of it loaded or was unrecognised. It returns nil when the file must be parsed.
// carry then carries it: its source rows and rejects are copied under new file ids, and its files rows say
// "carried".
//
// The version must match because a newer importer may read the same bytes differently; Config.Reparse turns
// carrying off altogether.
func (r *runner) carriable(ctx context.Context, conn *sql.Conn, path string) ([]prevSheet, error) {
	if !(r.prevAttached || r.reused) || r.prevRun == 0 || r.cfg.Reparse || r.prevVersion != r.opt.Version ||
		r.prevSchema != biduisql.LatestVersion() {
		return nil, nil
	}
	sum, ok := r.hashes[path]
	if !ok {
		var err error
		if sum, err = fileSHA256(path); err != nil {
			return nil, fmt.Errorf("import %s: %w", path, err)
		}
	}
	if r.prevSheets == nil {
		var err error
		if r.prevSheets, err = r.publishedSheets(ctx, conn); err != nil {
			return nil, err
		}
	}
	// The sheets of one published file with these bytes: the one of the same name if there is one (two
	// copies of a file in the inbox are two files).
	from := ""
	for _, p := range r.prevSheets {
		if p.sha256 == sum && (from == "" || p.path == path || (from != path && p.path < from)) {
			from = p.path
		}
	}
	var prev []prevSheet
	for _, p := range r.prevSheets {
		if p.sha256 == sum && p.path == from {
			p.res.Path = path
			prev = append(prev, p)
		}
	}
	for _, p := range prev {
		switch p.res.Status {
		case bidui.FileLoaded, bidui.FileCarried, bidui.FileUnrecognised, bidui.FileIgnored:
		default:
			return nil, nil // a failure is worth trying again
		}
	}
	return prev, nil
}

// carry gives the sheets carriable found for the file at path their new file ids, and returns their results.
func (r *runner) carry(path string, prev []prevSheet) []sources.Result {
	results := make([]sources.Result, 0, len(prev))
	for _, p := range prev {
		res := p.res
		res.FileID = r.nextID
		r.nextID++
		if res.Status != bidui.FileUnrecognised && res.Status != bidui.FileIgnored {
			res.Status = bidui.FileCarried
		}
		r.carriedFrom[res.FileID] = p.id
		// A CSV file's one sheet is named after the file: renamed, its rows carry the new name.
		if res.Format == "csv" && res.Sheet != filepath.Base(path) {
			res.Sheet = filepath.Base(path)
			r.renamedCSV[res.FileID] = res.Sheet
		}
		results = append(results, res)
	}
	return results
}

// prevSheet is a files row of the published run.
type prevSheet struct {
	id           int64
	path, sha256 string
	res          sources.Result // as carried: carriable sets Path, carry FileID
}

// publishedSheets reads the files rows of the published run, in file id order.
func (r *runner) publishedSheets(ctx context.Context, conn *sql.Conn) ([]prevSheet, error) {
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`
		SELECT file_id, path, coalesce(sha256, ''), format, encoding, kind, sheet, header_row, CAST(columns AS VARCHAR),
		       rows_read, rows_loaded, rows_skipped, rows_rejected, status, error
		FROM %s.files WHERE run_id = ? ORDER BY file_id`, r.prevDB()), r.prevRun)
	if err != nil {
		return nil, fmt.Errorf("files of the published run: %w", err)
	}
	defer rows.Close()
	prev := []prevSheet{}
	for rows.Next() {
		var (
			p                                 prevSheet
			format, enc, kind, sheet, columns sql.NullString
			errText                           sql.NullString
			header                            sql.NullInt64
		)
		if err := rows.Scan(&p.id, &p.path, &p.sha256, &format, &enc, &kind, &sheet, &header, &columns, &p.res.RowsRead,
			&p.res.RowsLoaded, &p.res.RowsSkipped, &p.res.RowsRejected, &p.res.Status, &errText); err != nil {
			return nil, err
		}
		p.res.SHA256, p.res.Format, p.res.Encoding = p.sha256, format.String, enc.String
		p.res.Kind, p.res.Sheet, p.res.HeaderRow = bidui.Kind(kind.String), sheet.String, int(header.Int64)
		if columns.Valid {
			if err := json.Unmarshal([]byte(columns.String), &p.res.Columns); err != nil {
				return nil, fmt.Errorf("columns of the published file row %d: %w", p.id, err)
			}
		}
		if errText.Valid {
			p.res.Err = carriedError(errText.String)
		}
		prev = append(prev, p)
	}
	return prev, rows.Err()
}

// copyCarried copies the source rows and rejects of the carried sheets from the published database, one
// statement per table for all of them; in a reused database they are there already, and get their new file
// ids.
func (r *runner) copyCarried(ctx context.Context, conn *sql.Conn, carried []sources.Result) error {
	drop, err := r.carryMap(ctx, conn)
	if err != nil {
		return err
	}
	defer drop()
	kinds := map[bidui.Kind]bool{}
	for _, res := range carried {
		if res.Status == bidui.FileCarried {
			kinds[res.Kind] = true
		}
	}
	tables := []string{"rejects"}
	for _, k := range bidui.Kinds {
		if kinds[k] {
			tables = append(tables, k.Table())
		}
	}
	for _, t := range tables {
		q := fmt.Sprintf(`INSERT INTO %s SELECT s.* REPLACE (m.new_id AS file_id, coalesce(m.sheet, s.sheet) AS sheet)
			FROM prev.%s s JOIN carry_map m ON s.file_id = m.old_id`, t, t)
		if r.reused {
			set := "file_id = m.new_id"
			if len(r.renamedCSV) > 0 {
				set += ", sheet = coalesce(m.sheet, s.sheet)"
			}
			q = fmt.Sprintf(`UPDATE %s s SET %s FROM carry_map m WHERE s.file_id = m.old_id`, t, set)
		}
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("carry %s over from the published database: %w", t, err)
		}
	}
	return nil
}

// countRejects counts the rejected values of each carried sheet, in one query.
func countRejects(ctx context.Context, conn *sql.Conn, carried []sources.Result) (map[int64]int64, error) {
	counts := map[int64]int64{}
	low := int64(-1)
	for _, res := range carried {
		counts[res.FileID] = 0
		if low < 0 || res.FileID < low {
			low = res.FileID
		}
	}
	rows, err := conn.QueryContext(ctx, `SELECT file_id, count(*) FROM rejects WHERE file_id >= ? GROUP BY file_id`, low)
	if err != nil {
		return nil, fmt.Errorf("count the carried rejects: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		if _, ok := counts[id]; ok {
			counts[id] = n
		}
	}
	return counts, rows.Err()
}

// carryMap creates the temporary table carry_map (old_id, new_id) on conn from carriedFrom: the published
// database's file id of each carried sheet and its id in this run. drop removes it.
func (r *runner) carryMap(ctx context.Context, conn *sql.Conn) (drop func(), err error) {
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE carry_map (old_id BIGINT, new_id BIGINT, sheet VARCHAR)`); err != nil {
		return nil, err
	}
	drop = func() { conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS carry_map`) }
	var values []string
	var args []any
	for newID, oldID := range r.carriedFrom {
		values = append(values, "(?, ?, ?)")
		var sheet any
		if s, ok := r.renamedCSV[newID]; ok {
			sheet = s
		}
		args = append(args, oldID, newID, sheet)
	}
	if len(values) > 0 {
		if _, err := conn.ExecContext(ctx, `INSERT INTO carry_map VALUES `+strings.Join(values, ", "), args...); err != nil {
			drop()
			return nil, err
		}
	}
	return drop, nil
}

// carriedError is the recorded error text of a carried sheet (an unrecognised one says why).
type carriedError string

func (e carriedError) Error() string { return string(e) }

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
