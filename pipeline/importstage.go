package pipeline

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/rules"
	"github.com/bidui/bidui/sources"
)

// imported is what the import stage hands to the rules: per kind, why rules may not use it ("" when they may),
// and the canonical columns the loaded files of each kind had.
type imported struct {
	avail     rules.Availability
	columns   rules.SourceColumns
	anyLoaded bool // some sheet loaded or was carried
}

// importStage loads the inbox files as p planned, parsing some and carrying others, and records them in
// files, all under file ids given in path order as if the files had been read one after another. When the
// files parsed again give the published run's rows (plan.sameRows), it carries the published run's matching
// over and has p replay it.
func (r *runner) importStage(ctx context.Context, p *plan) (*imported, error) {
	r.stageStarted(StageImport, "files", len(p.files))
	parsed, err := r.parseFiles(ctx, p.files)
	if err != nil {
		return nil, err
	}
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// The rest of the stage is one transaction, begun after the parsing committed (so that it sees those
	// rows), as the parsing is one per connection: a commit per sheet (the Appender commits when it closes)
	// and per files row would cost a WAL write each. A run that fails here publishes nothing, so what the
	// stage leaves uncommitted is discarded with the new database.
	if _, err := conn.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
		}
	}()
	var results []sources.Result
	var ids []newFileID
	for i, f := range p.files {
		if f.carry == nil {
			// The published sheets of the file, to compare the rows parsed again with, when as many.
			was := p.publishedAt(f.path)
			if len(was) != len(parsed[i]) {
				was = nil
			}
			for j, res := range parsed[i] {
				n := newFileID{old: res.FileID, id: r.nextID}
				if was != nil {
					n.prev = was[j].id
				}
				ids = append(ids, n)
				res.FileID = r.nextID
				r.nextID++
				results = append(results, res)
			}
			continue
		}
		for _, s := range f.carry {
			res := s.res
			res.Path, res.FileID = f.path, r.nextID
			r.nextID++
			n := newFileID{old: s.id, id: res.FileID, carried: true, kind: res.Kind, prev: s.id}
			if res.Status != bidui.FileUnrecognised && res.Status != bidui.FileIgnored {
				res.Status = bidui.FileCarried
			}
			// A CSV file's one sheet is named after the file: renamed, its rows carry the new name.
			if res.Format == "csv" && res.Sheet != filepath.Base(f.path) {
				res.Sheet = filepath.Base(f.path)
				n.sheet = res.Sheet
			}
			ids = append(ids, n)
			results = append(results, res)
		}
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS file_map`)
	if err := p.placeRows(ctx, conn, ids); err != nil {
		return nil, err
	}
	// A copy of the published database holds no two equal rows already.
	dropped, err := r.dedupRows(ctx, conn, results, !p.fromCopy)
	if err != nil {
		return nil, err
	}
	rejects, err := countRejects(ctx, conn, results)
	if err != nil {
		return nil, err
	}
	if err := r.recordFiles(ctx, conn, results, rejects, dropped); err != nil {
		return nil, err
	}
	if err := r.recordDropped(ctx, conn, dropped); err != nil {
		return nil, err
	}
	why, err := p.sameRows(ctx, conn, ids, results, dropped)
	if err != nil {
		return nil, err
	}
	if why != "" {
		if err := p.carryMatching(ctx, conn); err != nil {
			return nil, err
		}
		p.replay(why)
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return nil, fmt.Errorf("import: commit: %w", err)
	}
	committed = true
	if err := p.detach(ctx, r.db); err != nil {
		return nil, err
	}
	r.progress(StageImport, len(p.files), len(p.files), "")
	r.point(StageImport + "/done")
	return kindsImported(results), nil
}

// kindsImported says, from the recorded sheets of the run, which kinds rules may use and with what columns.
func kindsImported(results []sources.Result) *imported {
	im := &imported{avail: rules.Availability{}, columns: rules.SourceColumns{}}
	loaded := map[bidui.Kind]bool{}
	failed := map[bidui.Kind][]string{}
	for _, res := range results {
		switch res.Status {
		case bidui.FileLoaded, bidui.FileCarried:
			loaded[res.Kind] = true
			im.anyLoaded = true
			noteColumns(im.columns, res)
		case bidui.FileFailed:
			if res.Kind != "" {
				failed[res.Kind] = append(failed[res.Kind], filepath.Base(res.Path))
			}
		}
	}
	// A file that yielded nothing at all still counts against the kind its name gives: otherwise a truncated
	// second 低保 roster would let DB-02 run on the first one alone.
	for _, file := range byPath(results) {
		if k, name := unreadKind(file); k != "" {
			failed[k] = append(failed[k], name+"（按文件名归为此类）")
		}
	}
	for _, k := range bidui.Kinds {
		switch {
		case len(failed[k]) > 0:
			im.avail[k] = "导入失败：" + strings.Join(failed[k], "、")
		case !loaded[k]:
			im.avail[k] = rules.NoFiles
		}
	}
	return im
}

// unreadKind returns the kind that a file's name gives, and the file's base name, when none of its sheets
// loaded, none was ignored, and none failed with a known kind; else "".
func unreadKind(results []sources.Result) (bidui.Kind, string) {
	if len(results) == 0 {
		return "", ""
	}
	for _, res := range results {
		switch {
		case res.Status == bidui.FileLoaded, res.Status == bidui.FileCarried, res.Status == bidui.FileIgnored:
			return "", ""
		case res.Kind != "":
			return "", ""
		}
	}
	return sources.KindFromName(results[0].Path), filepath.Base(results[0].Path)
}

// noteColumns records in have the canonical columns a loaded sheet had, for the rules' `columns:`
// requirements: a column such as measures.产业帮扶 also counts as measures, and risk_1 as risks.
func noteColumns(have rules.SourceColumns, res sources.Result) {
	cols := have[res.Kind]
	if cols == nil {
		cols = map[string]bool{}
		have[res.Kind] = cols
	}
	for c := range res.Columns {
		cols[c] = true
		if group, _, ok := strings.Cut(c, "."); ok {
			cols[group] = true
		}
		if strings.HasPrefix(c, "risk_") {
			cols["risks"] = true
		}
	}
}

// anySheetLoaded tells whether some sheet of a file's results loaded (or was carried over).
func anySheetLoaded(results []sources.Result) bool {
	for _, res := range results {
		if res.Status == bidui.FileLoaded || res.Status == bidui.FileCarried {
			return true
		}
	}
	return false
}

// countRejects counts the rejected values of each sheet of results, in one query.
func countRejects(ctx context.Context, conn *sql.Conn, results []sources.Result) (map[int64]int64, error) {
	counts := map[int64]int64{}
	low := int64(-1)
	for _, res := range results {
		counts[res.FileID] = 0
		if low < 0 || res.FileID < low {
			low = res.FileID
		}
	}
	rows, err := conn.QueryContext(ctx, `SELECT file_id, count(*) FROM rejects WHERE file_id >= ? GROUP BY file_id`, low)
	if err != nil {
		return nil, fmt.Errorf("count the rejected values: %w", err)
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

// recordFiles records the sheets of one or more files in files (in one statement) and in the summary, with
// rejects the rejected values of each sheet. File ids missing (a file that failed before any sheet was read)
// are given here.
func (r *runner) recordFiles(ctx context.Context, conn *sql.Conn, results []sources.Result, rejects, dropped map[int64]int64) error {
	if len(results) == 0 {
		return nil
	}
	values := make([]string, 0, len(results))
	args := make([]any, 0, 16*len(results))
	for i := range results {
		res := &results[i]
		var cols any
		if len(res.Columns) > 0 {
			b, err := json.Marshal(res.Columns)
			if err != nil {
				return err
			}
			cols = string(b)
		}
		if res.FileID == 0 {
			res.FileID = r.nextID
			r.nextID++
		}
		values = append(values, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, r.runID, res.FileID, res.Path, nullable(res.SHA256), nullable(res.Format), nullable(res.Encoding),
			nullable(string(res.Kind)), nullable(res.Sheet), nullableInt(res.HeaderRow), cols, res.RowsRead, res.RowsLoaded,
			res.RowsSkipped, res.RowsRejected, res.Status, nullable(errorText(res.Err)))
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO files (run_id, file_id, path, sha256, format, encoding, kind, sheet,
		header_row, columns, rows_read, rows_loaded, rows_skipped, rows_rejected, status, error)
		VALUES `+strings.Join(values, ", "), args...); err != nil {
		return fmt.Errorf("record file %s: %w", results[0].Path, err)
	}
	for _, file := range byPath(results) {
		beside := anySheetLoaded(file)
		for _, res := range file {
			r.summarise(res, rejects[res.FileID], dropped[res.FileID], beside)
		}
	}
	return nil
}

// byPath splits results into those of each file, in order.
func byPath(results []sources.Result) [][]sources.Result {
	var files [][]sources.Result
	for i, res := range results {
		if i == 0 || res.Path != results[i-1].Path {
			files = append(files, nil)
		}
		files[len(files)-1] = append(files[len(files)-1], res)
	}
	return files
}

// summarise adds one recorded sheet of a file, with its rejected values, to the summary and the log. An
// unrecognised sheet beside one that loaded (a 汇总 or 填表说明 sheet in a department's workbook) is reported
// but does not make the run partial; a file of which nothing was recognised does.
func (r *runner) summarise(res sources.Result, rejects, duplicate int64, besideLoaded bool) {
	errText := errorText(res.Err)
	r.sum.Files = append(r.sum.Files, FileSummary{FileID: res.FileID, Path: res.Path, Kind: string(res.Kind), Sheet: res.Sheet,
		Status: res.Status, Read: res.RowsRead, Loaded: res.RowsLoaded, Skipped: res.RowsSkipped, Rejected: res.RowsRejected,
		Rejects: rejects, Duplicate: duplicate, Error: errText})
	attrs := []any{"path", res.Path, "sheet", res.Sheet, "kind", res.Kind, "status", res.Status,
		"read", res.RowsRead, "loaded", res.RowsLoaded, "skipped", res.RowsSkipped, "rejected", res.RowsRejected, "rejected_values", rejects}
	switch res.Status {
	case bidui.FileLoaded, bidui.FileCarried:
		r.log.Info("file imported", attrs...)
	case bidui.FileIgnored:
		r.log.Info("sheet ignored: bidui's own explanation sheet", attrs...)
	case bidui.FileUnrecognised:
		if !besideLoaded {
			r.sum.Problems = append(r.sum.Problems, errText)
		}
		r.log.Warn("sheet not recognised", append(attrs, "err", errText)...)
	default:
		r.sum.Problems = append(r.sum.Problems, errText)
		r.log.Error("file failed", append(attrs, "err", errText)...)
	}
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullableInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}
