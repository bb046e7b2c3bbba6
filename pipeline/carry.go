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

// carryFile carries an inbox file over from the published database when the latest published run, made by
// this same version of bidui and schema, read a file with the same bytes (sha256) and every sheet of it loaded or was
// unrecognised: its source rows and rejects are copied under new file ids, and its files rows say
// "carried". It returns nil results when the file must be parsed.
//
// The version must match because a newer importer may read the same bytes differently; Config.Reparse turns
// carrying off altogether.
func (r *runner) carryFile(ctx context.Context, conn *sql.Conn, path string) ([]sources.Result, error) {
	if !r.prevAttached || r.prevRun == 0 || r.cfg.Reparse || r.prevVersion != r.opt.Version ||
		r.prevSchema != biduisql.LatestVersion() {
		return nil, nil
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	rows, err := conn.QueryContext(ctx, `
		SELECT file_id, format, encoding, kind, sheet, header_row, CAST(columns AS VARCHAR), rows_read, rows_loaded, rows_skipped,
		       rows_rejected, status, error
		FROM prev.files WHERE run_id = ? AND sha256 = ? ORDER BY file_id`, r.prevRun, sum)
	if err != nil {
		return nil, fmt.Errorf("import %s: look for it in the published database: %w", path, err)
	}
	type prevSheet struct {
		id  int64
		res sources.Result
	}
	var prev []prevSheet
	for rows.Next() {
		var (
			p                                 prevSheet
			format, enc, kind, sheet, columns sql.NullString
			errText                           sql.NullString
			header                            sql.NullInt64
		)
		if err := rows.Scan(&p.id, &format, &enc, &kind, &sheet, &header, &columns, &p.res.RowsRead, &p.res.RowsLoaded,
			&p.res.RowsSkipped, &p.res.RowsRejected, &p.res.Status, &errText); err != nil {
			rows.Close()
			return nil, err
		}
		p.res.Path, p.res.SHA256, p.res.Format, p.res.Encoding = path, sum, format.String, enc.String
		p.res.Kind, p.res.Sheet, p.res.HeaderRow = bidui.Kind(kind.String), sheet.String, int(header.Int64)
		if columns.Valid {
			if err := json.Unmarshal([]byte(columns.String), &p.res.Columns); err != nil {
				rows.Close()
				return nil, fmt.Errorf("import %s: columns of the published file row: %w", path, err)
			}
		}
		if errText.Valid {
			p.res.Err = carriedError(errText.String)
		}
		prev = append(prev, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(prev) == 0 {
		return nil, nil
	}
	for _, p := range prev {
		switch p.res.Status {
		case bidui.FileLoaded, bidui.FileCarried, bidui.FileUnrecognised, bidui.FileIgnored:
		default:
			return nil, nil // a failure is worth trying again
		}
	}
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
	return results, nil
}

// copyCarried copies the source rows and rejects of the carried sheets from the published database, one
// statement per table for all of them.
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
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("carry %s over from the published database: %w", t, err)
		}
	}
	return nil
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
