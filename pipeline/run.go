// Package pipeline runs one nightly reconciliation: configuration, the run lock, building the new database
// next to the published one, the stages in order (import, match, rules, report), run history, and the atomic
// publish that swaps the new database in only when every stage succeeded.
package pipeline

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/match"
	"github.com/bidui/bidui/report"
	"github.com/bidui/bidui/rules"
	"github.com/bidui/bidui/sources"
	biduisql "github.com/bidui/bidui/sql"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// Stage names, as logged and shown in progress.
const (
	StageImport  = "import"
	StageMatch   = "match"
	StageRules   = "rules"
	StageReport  = "report"
	StagePublish = "publish"
)

// Progress receives progress of a run for a terminal display. Implementations must be cheap; a nil Progress
// shows nothing.
type Progress interface {
	// Step says that stage has done done of total items, the latest being item.
	Step(stage string, done, total int, item string)
	// Clear removes whatever the display shows, before the summary is printed.
	Clear()
}

// Options are the parts of a run that are not configuration.
type Options struct {
	Log      *slog.Logger     // nil: discard
	Progress Progress         // nil: none
	Version  string           // stamped into runs.version
	Now      func() time.Time // nil: time.Now

	// AtPoint, when set, is called at each named point of a run: as each stage starts (after it is logged;
	// the point is the stage's name) and at finer points within, named "<stage>/<what>" (Points lists
	// them). Tests use it to freeze the process at a known point and kill it (cmd/bidui's BIDUI_STOP_AT).
	AtPoint func(point string)
}

// ErrPartial marks a run that completed and published, but with failed files or skipped rules; the summary
// says which. The command maps it to exit code 3.
var ErrPartial = errors.New("run completed with problems")

// Run performs one run with cfg (already validated). On success it returns the summary and a nil error, or
// ErrPartial when files failed or rules were skipped (the database is published all the same). On any other
// error the published database and output folder are as they were; a *LockError (wrapping ErrLocked) means
// another run holds the lock and nothing was touched.
func Run(ctx context.Context, cfg Config, opt Options) (*Summary, error) {
	return locked(ctx, cfg, opt, "run", (*runner).run)
}

// locked takes the run lock and does what (run or import) with a runner: stale temporaries of a killed run
// are removed first, this one's always after. It logs a failure and maps a completed run with problems to
// ErrPartial.
func locked(ctx context.Context, cfg Config, opt Options, what string, do func(*runner, context.Context) (*Summary, error)) (*Summary, error) {
	r, err := newRunner(cfg, opt)
	if err != nil {
		return nil, err
	}
	lk, err := acquireLock(r.dbPath+".lock", fmt.Sprintf("pid %d (%s) since %s", os.Getpid(), what, r.now().Format(time.RFC3339)))
	if err != nil {
		return nil, err
	}
	defer lk.release()
	r.cleanStale()
	defer r.removeTemp()
	sum, err := do(r, ctx)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%s stopped: %w", what, ctx.Err())
		}
		r.log.Error(what+" failed; the published database is unchanged", "db", r.dbPath, "err", err)
		return nil, err
	}
	if sum.Status != statusOK {
		return sum, ErrPartial
	}
	return sum, nil
}

const (
	statusOK      = "ok"
	statusPartial = "partial"
	statusRunning = "running"
)

type runner struct {
	cfg     Config
	opt     Options
	log     *slog.Logger
	dbPath  string // the published database
	tmpPath string // the database being built
	asOf    time.Time
	outDir  string // out/<as_of>
	tmpOut  string // where this run writes its outputs until publish
	db      *sql.DB
	runID   int64
	nextID  int64
	started time.Time

	// prevRun is the latest run of the published database (0 without one); it stays attached as prev
	// through the import stage so that unchanged files can be carried over instead of parsed again.
	prevRun      int64
	prevVersion  string
	prevAttached bool
	prevSchema   int // the published database's schema version

	// reused: the new database started as a copy of the published one (see reusable); its own file ids
	// are firstID or more. hashes: the inbox's files' sha256, when reusable read them.
	reused  bool
	firstID int64
	hashes  map[string]string

	prevSheets   []prevSheet     // the published run's files rows, once carriable read them
	rejectCounts map[int64]int64 // rejected values per sheet of this run, counted together

	columns     rules.SourceColumns // the canonical columns the loaded files of each kind had
	carriedFrom map[int64]int64     // carried sheets: new file_id -> the published database's file_id
	renamedCSV  map[int64]string    // carried CSV files under another name: new file_id -> the sheet name now

	sum        *Summary  // the summary being built, once the run is recorded
	stage      string    // the stage running now
	stageStart time.Time // when it started
}

func newRunner(cfg Config, opt Options) (*runner, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	dbPath, err := filepath.Abs(cfg.DB)
	if err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, opt: opt, log: opt.Log, dbPath: dbPath}
	r.started = r.now()
	if cfg.AsOf.IsZero() {
		y, m, d := r.started.Date()
		r.asOf = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	} else {
		r.asOf = cfg.AsOf.Time()
	}
	r.outDir = filepath.Join(cfg.Out, r.asOf.Format(time.DateOnly))
	r.tmpPath = filepath.Join(filepath.Dir(dbPath), fmt.Sprintf(".%s.tmp-%d", filepath.Base(dbPath), os.Getpid()))
	r.tmpOut = filepath.Join(cfg.Out, fmt.Sprintf(".%s.tmp-%d", r.asOf.Format(time.DateOnly), os.Getpid()))
	return r, nil
}

// stageStarted logs the start of a stage (the line tests and operators watch for) and passes its point.
func (r *runner) stageStarted(stage string, attrs ...any) {
	r.endStage()
	r.stage, r.stageStart = stage, r.now()
	r.log.Info("stage started", append([]any{"stage", stage}, attrs...)...)
	r.point(stage)
}

// endStage records how long the running stage took.
func (r *runner) endStage() {
	if r.stage != "" && r.sum != nil {
		r.sum.Stages = append(r.sum.Stages, StageTime{Stage: r.stage, Seconds: r.now().Sub(r.stageStart).Seconds()})
	}
	r.stage = ""
}

// point passes a named point of the run (see Options.AtPoint), logging it at debug level first.
func (r *runner) point(name string) {
	if r.opt.AtPoint != nil {
		r.log.Debug("point", "point", name)
		r.opt.AtPoint(name)
	}
}

// Points lists the named points of a run on an inbox of files files, in the order a run passes them.
func Points(files int) []string {
	p := []string{"setup/migrated", "setup/history", StageImport}
	for i := 1; i <= files; i++ {
		p = append(p, fmt.Sprintf("%s/file-%d", StageImport, i))
	}
	return append(p, StageImport+"/done", StageMatch, StageMatch+"/done", StageRules, StageRules+"/ran",
		StageRules+"/settled", StageReport, StageReport+"/done", "finish/recorded", "finish/checkpointed",
		"finish/closed", StagePublish, StagePublish+"/renamed", StagePublish+"/old-out-aside", StagePublish+"/done")
}

func (r *runner) now() time.Time { return r.opt.Now() }

func (r *runner) progress(stage string, done, total int, item string) {
	if r.opt.Progress != nil {
		r.opt.Progress.Step(stage, done, total, item)
	}
}

// cleanStale removes what earlier runs that died left behind: their temporary databases and output folders.
// Only a lock holder calls it, so nothing it removes is in use.
func (r *runner) cleanStale() {
	pattern := filepath.Join(filepath.Dir(r.dbPath), "."+filepath.Base(r.dbPath)+".tmp-*")
	stale, _ := filepath.Glob(pattern)
	outs, _ := filepath.Glob(filepath.Join(r.cfg.Out, ".*.tmp-*"))
	olds, _ := filepath.Glob(filepath.Join(r.cfg.Out, ".*.old-*"))
	for _, p := range append(append(stale, outs...), olds...) {
		r.log.Warn("removing what an interrupted run left", "path", p)
		_ = os.RemoveAll(p)
	}
}

func (r *runner) removeTemp() {
	if r.db != nil {
		_ = r.db.Close()
	}
	for _, p := range []string{r.tmpPath, r.tmpPath + ".wal", r.tmpOut} {
		_ = os.RemoveAll(p)
	}
}

func (r *runner) run(ctx context.Context) (*Summary, error) {
	r.log.Info("run started", "db", r.dbPath, "inbox", r.cfg.Inbox, "as_of", r.asOf.Format(time.DateOnly))
	var err error
	if err = os.MkdirAll(filepath.Dir(r.dbPath), 0o755); err != nil {
		return nil, err
	}
	reuse := r.reusable(ctx)
	if reuse {
		err = r.startFromCopy(ctx)
	} else if r.db, err = sql.Open("duckdb", r.tmpPath); err != nil {
		err = fmt.Errorf("create %s: %w", r.tmpPath, err)
	}
	if err != nil {
		return nil, err
	}
	if err := biduisql.Migrate(ctx, r.db); err != nil {
		return nil, err
	}
	if _, err := r.db.ExecContext(ctx, sources.PersonRowsView()); err != nil {
		return nil, fmt.Errorf("create src_person_rows: %w", err)
	}
	// The database holds personal data: owner only, whatever the umask (the rename keeps the mode).
	if err := os.Chmod(r.tmpPath, 0o600); err != nil {
		return nil, err
	}
	r.point("setup/migrated")
	if reuse {
		err = r.reusedHistory(ctx)
	} else {
		err = r.carryHistory(ctx)
	}
	if err != nil {
		return nil, err
	}
	r.point("setup/history")
	sum := &Summary{RunID: r.runID, AsOf: r.asOf.Format(time.DateOnly), DB: r.dbPath, OutDir: r.outDir,
		Params: r.cfg.Params(r.asOf), FromPublished: r.reused}
	r.sum = sum
	if _, err := r.db.ExecContext(ctx, `INSERT INTO runs (run_id, started_at, as_of, status, version, inbox) VALUES (?, ?, ?::DATE, ?, ?, ?)`,
		r.runID, r.started.UTC(), sum.AsOf, statusRunning, r.opt.Version, r.cfg.Inbox); err != nil {
		return nil, fmt.Errorf("record run: %w", err)
	}

	avail, err := r.importStage(ctx, sum)
	if err != nil {
		return nil, err
	}
	rp, err := r.replayable(ctx)
	if err != nil {
		return nil, err
	}
	if err := r.matchStage(ctx, sum, rp.match); err != nil {
		return nil, err
	}
	if err := r.detachPrev(ctx); err != nil {
		return nil, err
	}
	if err := r.rulesStage(ctx, sum, avail, rp.rules && slices.Contains(sum.Replayed, StageMatch)); err != nil {
		return nil, err
	}
	if err := r.reportStage(ctx, sum); err != nil {
		return nil, err
	}
	if err := r.finish(ctx, sum); err != nil {
		return nil, err
	}
	if err := r.publish(ctx); err != nil {
		return nil, err
	}
	r.endStage()
	r.log.Info("run finished", "run_id", r.runID, "status", sum.Status, "db", r.dbPath, "out", r.outDir)
	return sum, nil
}

// historyTables are copied from the published database into the new one; their columns only grow, so the
// columns both have are copied.
var historyTables = []string{"runs", "files", "rule_runs", "findings_history"}

// carryHistory attaches the published database read-only and copies the run history into the new one. A
// published database written by a newer bidui (a higher schema version) is refused rather than truncated.
func (r *runner) carryHistory(ctx context.Context) error {
	r.runID, r.nextID = 1, 1
	if _, err := os.Stat(r.dbPath); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	// The published file is always checkpointed; a WAL beside it was left by someone who opened it for
	// writing outside bidui, and must not be replayed into what we read or publish.
	if err := r.moveStaleWAL(); err != nil {
		return err
	}
	// A path cannot be a bound parameter of ATTACH; quoting it as a literal is the only way.
	if _, err := r.db.ExecContext(ctx, fmt.Sprintf(`ATTACH %s AS prev (READ_ONLY)`, quoteLiteral(r.dbPath))); err != nil {
		if strings.Contains(err.Error(), "lock") {
			return fmt.Errorf("attach published database %s read-only: another process holds it open for writing "+
				"(open it read-only: duckdb -readonly, or bidui sql): %w", r.dbPath, err)
		}
		return fmt.Errorf("attach published database %s read-only: %w", r.dbPath, err)
	}
	r.prevAttached = true
	var prevVersion int
	if err := r.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM prev.schema_migrations`).Scan(&prevVersion); err != nil {
		return fmt.Errorf("published database %s: not a bidui database: %w", r.dbPath, err)
	}
	r.prevSchema = prevVersion
	if latest := biduisql.LatestVersion(); prevVersion > latest {
		return fmt.Errorf("published database %s has schema version %d, newer than this bidui (%d): upgrade bidui", r.dbPath, prevVersion, latest)
	}
	for _, t := range historyTables {
		cols, err := commonColumns(ctx, r.db, t)
		if err != nil {
			return err
		}
		if len(cols) == 0 {
			continue
		}
		list := strings.Join(cols, ", ")
		if _, err := r.db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO main.%s (%s) SELECT %s FROM prev.%s`, t, list, list, t)); err != nil {
			return fmt.Errorf("carry %s from the published database: %w", t, err)
		}
	}
	if err := r.db.QueryRowContext(ctx, `SELECT coalesce(max(run_id), 0) + 1 FROM runs`).Scan(&r.runID); err != nil {
		return err
	}
	if err := r.db.QueryRowContext(ctx, `SELECT coalesce(max(file_id), 0) + 1 FROM files`).Scan(&r.nextID); err != nil {
		return err
	}
	if r.prevSchema != biduisql.LatestVersion() {
		return nil // an older database gives its history, never its rows
	}
	var version sql.NullString
	err := r.db.QueryRowContext(ctx, `SELECT run_id, version FROM prev.runs ORDER BY run_id DESC LIMIT 1`).Scan(&r.prevRun, &version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("published database %s: latest run: %w", r.dbPath, err)
	}
	r.prevVersion = version.String
	return nil
}

// detachPrev detaches the published database once nothing more is read from it.
func (r *runner) detachPrev(ctx context.Context) error {
	if !r.prevAttached {
		return nil
	}
	r.prevAttached = false
	if _, err := r.db.ExecContext(ctx, `DETACH prev`); err != nil {
		return fmt.Errorf("detach the published database: %w", err)
	}
	return nil
}

// commonColumns lists, quoted, the columns of table t that both the new (main) and the published (prev)
// database have.
func commonColumns(ctx context.Context, db *sql.DB, t string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT m.column_name FROM duckdb_columns() m
		JOIN duckdb_columns() p ON p.table_name = m.table_name AND p.column_name = m.column_name
		WHERE m.database_name = current_database() AND p.database_name = 'prev' AND m.schema_name = 'main' AND p.schema_name = 'main'
		  AND m.table_name = ?
		ORDER BY m.column_index`, t)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", t, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, `"`+strings.ReplaceAll(c, `"`, `""`)+`"`)
	}
	return cols, rows.Err()
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// inboxFiles lists the regular files of the inbox in name order, leaving out hidden files, the lock files
// Excel and WPS leave beside open workbooks (~$name.xlsx), and bidui's own database and its companions
// (.lock, .wal, temporaries) when the database was put in the inbox.
func inboxFiles(dir, db string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	dbAbs, _ := filepath.Abs(db)
	var paths []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") || !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(dir, name)
		if abs, err := filepath.Abs(p); err == nil && dbAbs != "" && (abs == dbAbs || strings.HasPrefix(abs, dbAbs+".")) {
			continue
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths, nil
}

// importStage loads every inbox file and records it in files. It returns, per kind, why rules may not use
// it ("" when they may).
func (r *runner) importStage(ctx context.Context, sum *Summary) (rules.Availability, error) {
	r.columns, r.carriedFrom, r.renamedCSV = rules.SourceColumns{}, map[int64]int64{}, map[int64]string{}
	paths, err := inboxFiles(r.cfg.Inbox, r.dbPath)
	if err != nil {
		return nil, err
	}
	r.stageStarted(StageImport, "files", len(paths))
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	loaded := map[bidui.Kind]bool{}
	failed := map[bidui.Kind][]string{}
	// record records the sheets of the files, in path order.
	record := func(results []sources.Result) error {
		if err := r.recordFiles(ctx, conn, results, sum); err != nil {
			return err
		}
		for _, res := range results {
			switch res.Status {
			case bidui.FileLoaded, bidui.FileCarried:
				loaded[res.Kind] = true
				r.noteColumns(res)
			case bidui.FileFailed:
				if res.Kind != "" {
					failed[res.Kind] = append(failed[res.Kind], filepath.Base(res.Path))
				}
			}
		}
		// A file that yielded nothing at all still counts against the kind its name gives: otherwise a
		// truncated second 低保 roster would let DB-02 run on the first one alone.
		for _, file := range byPath(results) {
			if k, name := unreadKind(file); k != "" {
				failed[k] = append(failed[k], name+"（按文件名归为此类）")
			}
		}
		return nil
	}
	// Which files can be carried over is known before any is read; the others are parsed two at a time.
	carriable := make([][]prevSheet, len(paths))
	for i, p := range paths {
		if carriable[i], err = r.carriable(ctx, conn, p); err != nil {
			return nil, err
		}
	}
	parsed, err := r.parseFiles(ctx, paths, carriable)
	if err != nil {
		return nil, err
	}
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
	// File ids in path order, as if the files had been read one after another.
	var results, carried []sources.Result
	renumber := map[int64]int64{}
	for i, p := range paths {
		if carriable[i] != nil {
			// Their rows are copied in one statement per kind below.
			c := r.carry(p, carriable[i])
			carried = append(carried, c...)
			results = append(results, c...)
			continue
		}
		for _, res := range parsed[i] {
			renumber[res.FileID] = r.nextID
			res.FileID = r.nextID
			r.nextID++
			results = append(results, res)
		}
	}
	if err := renumberFiles(ctx, conn, renumber); err != nil {
		return nil, err
	}
	if len(carried) > 0 {
		if err := r.copyCarried(ctx, conn, carried); err != nil {
			return nil, err
		}
	}
	if r.rejectCounts, err = countRejects(ctx, conn, results); err != nil {
		return nil, err
	}
	if err := record(results); err != nil {
		return nil, err
	}
	if r.reused {
		if err := r.dropStale(ctx, conn); err != nil {
			return nil, err
		}
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return nil, fmt.Errorf("import: commit: %w", err)
	}
	committed = true
	r.progress(StageImport, len(paths), len(paths), "")
	r.point(StageImport + "/done")
	avail := rules.Availability{}
	for _, k := range bidui.Kinds {
		switch {
		case len(failed[k]) > 0:
			avail[k] = "导入失败：" + strings.Join(failed[k], "、")
		case !loaded[k]:
			avail[k] = rules.NoFiles
		}
	}
	return avail, nil
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

// noteColumns records the canonical columns a loaded sheet had, for the rules' `columns:` requirements: a
// column such as measures.产业帮扶 also counts as measures, and risk_1 as risks.
func (r *runner) noteColumns(res sources.Result) {
	have := r.columns[res.Kind]
	if have == nil {
		have = map[string]bool{}
		r.columns[res.Kind] = have
	}
	for c := range res.Columns {
		have[c] = true
		if group, _, ok := strings.Cut(c, "."); ok {
			have[group] = true
		}
		if strings.HasPrefix(c, "risk_") {
			have["risks"] = true
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

// recordFiles records the sheets of one or more files in files (in one statement) and in the summary.
// File ids missing (a file that failed before any sheet was read) are given here.
func (r *runner) recordFiles(ctx context.Context, conn *sql.Conn, results []sources.Result, sum *Summary) error {
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
		var errText string
		if res.Err != nil {
			errText = res.Err.Error()
		}
		if res.FileID == 0 {
			res.FileID = r.nextID
			r.nextID++
		}
		values = append(values, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, r.runID, res.FileID, res.Path, nullable(res.SHA256), nullable(res.Format), nullable(res.Encoding),
			nullable(string(res.Kind)), nullable(res.Sheet), nullableInt(res.HeaderRow), cols, res.RowsRead, res.RowsLoaded,
			res.RowsSkipped, res.RowsRejected, res.Status, nullable(errText))
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO files (run_id, file_id, path, sha256, format, encoding, kind, sheet,
		header_row, columns, rows_read, rows_loaded, rows_skipped, rows_rejected, status, error)
		VALUES `+strings.Join(values, ", "), args...); err != nil {
		return fmt.Errorf("record file %s: %w", results[0].Path, err)
	}
	for _, file := range byPath(results) {
		beside := anySheetLoaded(file)
		for _, res := range file {
			if err := r.summarise(ctx, conn, res, beside, sum); err != nil {
				return err
			}
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

// summarise adds one recorded sheet of a file to the summary and the log. An unrecognised sheet beside one
// that loaded (a 汇总 or 填表说明 sheet in a department's workbook) is reported but does not make the run
// partial; a file of which nothing was recognised does.
func (r *runner) summarise(ctx context.Context, conn *sql.Conn, res sources.Result, besideLoaded bool, sum *Summary) error {
	var errText string
	if res.Err != nil {
		errText = res.Err.Error()
	}
	rejects, counted := r.rejectCounts[res.FileID]
	if !counted {
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM rejects WHERE file_id = ?`, res.FileID).Scan(&rejects); err != nil {
			return err
		}
	}
	fs := FileSummary{FileID: res.FileID, Path: res.Path, Kind: string(res.Kind), Sheet: res.Sheet, Status: res.Status, Read: res.RowsRead,
		Loaded: res.RowsLoaded, Skipped: res.RowsSkipped, Rejected: res.RowsRejected, Rejects: rejects, Error: errText}
	sum.Files = append(sum.Files, fs)
	attrs := []any{"path", res.Path, "sheet", res.Sheet, "kind", res.Kind, "status", res.Status,
		"read", res.RowsRead, "loaded", res.RowsLoaded, "skipped", res.RowsSkipped, "rejected", res.RowsRejected, "rejected_values", rejects}
	switch res.Status {
	case bidui.FileLoaded, bidui.FileCarried:
		r.log.Info("file imported", attrs...)
	case bidui.FileIgnored:
		r.log.Info("sheet ignored: bidui's own explanation sheet", attrs...)
	case bidui.FileUnrecognised:
		if !besideLoaded {
			sum.Problems = append(sum.Problems, errText)
		}
		r.log.Warn("sheet not recognised", append(attrs, "err", errText)...)
	default:
		sum.Problems = append(sum.Problems, errText)
		r.log.Error("file failed", append(attrs, "err", errText)...)
	}
	return nil
}

// matchStage links the source rows to persons, or, when replay is set, tries to carry the previous run's
// links over (see replayable).
func (r *runner) matchStage(ctx context.Context, sum *Summary, replay bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.stageStarted(StageMatch)
	r.progress(StageMatch, 0, 1, "")
	if replay {
		ok, err := r.replayMatch(ctx)
		if err != nil {
			return err
		}
		replay = ok
	}
	var st *match.Stats
	var err error
	if replay {
		sum.Replayed = append(sum.Replayed, StageMatch)
		r.log.Info("inbox unchanged since the published run: its links are carried over", "from_run", r.prevRun)
		st, err = match.Count(ctx, r.db)
	} else {
		st, err = match.Link(ctx, r.db, biduisql.Match())
	}
	if err != nil {
		return err
	}
	sum.Persons, sum.Links, sum.Merged = st.Persons, st.ByMethod, st.Merged
	sum.Unlinked, sum.Review = map[string]int64{}, map[string]int64{}
	for k, n := range st.Unlinked {
		sum.Unlinked[string(k)] = n
	}
	for k, n := range st.Review {
		sum.Review[string(k)] = n
	}
	r.log.Info("persons linked", "persons", st.Persons, "links", st.ByMethod, "unlinked", sum.Unlinked)
	r.progress(StageMatch, 1, 1, "")
	r.point(StageMatch + "/done")
	return nil
}

// rulesStage runs the rules, or, when replay is set, tries to carry the previous run's hits over (see
// replayable), and settles the findings.
func (r *runner) rulesStage(ctx context.Context, sum *Summary, avail rules.Availability, replay bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.stageStarted(StageRules)
	catalogue, err := rules.Load(biduisql.Rules())
	if err != nil {
		return fmt.Errorf("load rules: %w", err)
	}
	r.progress(StageRules, 0, len(catalogue), "")
	var outcomes []rules.Outcome
	if replay {
		outcomes, err = rules.Replay(ctx, r.db, catalogue, r.prevRun, r.runID)
		switch {
		case err == nil:
			sum.Replayed = append(sum.Replayed, StageRules)
			r.log.Info("inbox and parameters unchanged since the published run: its rule hits are carried over", "from_run", r.prevRun)
		case errors.Is(err, rules.ErrNotReplayable):
			replay = false
		default:
			return err
		}
	}
	if !replay {
		outcomes, err = rules.RunWithColumns(ctx, r.db, catalogue, avail, r.columns, r.cfg.Params(r.asOf), r.runID, r.log)
		if err != nil {
			return err
		}
	}
	r.point(StageRules + "/ran")
	settled, err := rules.SettleRun(ctx, r.db, r.runID, r.asOf, outcomes)
	if err != nil {
		return err
	}
	sum.Waived, sum.Feedback = settled.Waived, settled.Feedback
	for _, u := range settled.Unknown {
		// Said plainly, but not a reason to call the run partial: a village typed a number wrong.
		sum.UnknownAnswers = append(sum.UnknownAnswers, UnknownAnswer{FindingID: u.FindingID, FileID: u.FileID,
			Sheet: u.Sheet, Row: u.RowNo, Result: u.Result})
	}
	for _, u := range settled.Unread {
		sum.UnreadAnswers = append(sum.UnreadAnswers, UnknownAnswer{FindingID: u.FindingID, FileID: u.FileID,
			Sheet: u.Sheet, Row: u.RowNo, Result: u.Result})
	}
	if n := len(settled.Unread); n > 0 {
		r.log.Warn("returned workbooks give answers that are none of the drop-down's", "rows", n)
	}
	if n := len(settled.Unknown); n > 0 {
		r.log.Warn("returned workbooks name findings that were never issued", "rows", n)
	}
	r.point(StageRules + "/settled")
	r.progress(StageRules, len(catalogue), len(catalogue), "")
	counts, err := countByRule(ctx, r.db, r.runID)
	if err != nil {
		return err
	}
	for _, o := range outcomes {
		rs := counts[o.Rule.Code]
		rs.Code, rs.Title, rs.Status, rs.Reason = o.Rule.Code, o.Rule.Title, o.Status, o.Reason
		sum.Rules = append(sum.Rules, rs)
		if o.Status != rules.Ran {
			sum.Problems = append(sum.Problems, fmt.Sprintf("%s %s: %s", o.Rule.Code, o.Status, o.Reason))
		}
	}
	sum.Villages, err = countByVillage(ctx, r.db, r.runID)
	return err
}

func countByRule(ctx context.Context, db *sql.DB, runID int64) (map[string]RuleSummary, error) {
	rows, err := db.QueryContext(ctx, `SELECT rule,
		count(*) FILTER (WHERE status = 'new'), count(*) FILTER (WHERE status = 'open'),
		count(*) FILTER (WHERE status = 'resolved'), count(*) FILTER (WHERE status = 'waived')
		FROM findings_history WHERE run_id = ? GROUP BY rule`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]RuleSummary{}
	for rows.Next() {
		var rs RuleSummary
		if err := rows.Scan(&rs.Code, &rs.New, &rs.Open, &rs.Resolved, &rs.Waived); err != nil {
			return nil, err
		}
		out[rs.Code] = rs
	}
	return out, rows.Err()
}

func countByVillage(ctx context.Context, db *sql.DB, runID int64) ([]VillageSummary, error) {
	rows, err := db.QueryContext(ctx, `SELECT coalesce(town, ?), coalesce(village, ?),
		count(*) FILTER (WHERE status = 'new'), count(*) FILTER (WHERE status = 'open'),
		count(*) FILTER (WHERE status = 'resolved'), count(*) FILTER (WHERE status = 'waived')
		FROM findings_history WHERE run_id = ? GROUP BY ALL ORDER BY ALL`, report.UnknownTown, bidui.Unplaced, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VillageSummary
	for rows.Next() {
		var v VillageSummary
		if err := rows.Scan(&v.Town, &v.Village, &v.New, &v.Open, &v.Resolved, &v.Waived); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// reportStage writes the workbooks into a temporary folder beside out/<as_of>; publish moves it in place.
func (r *runner) reportStage(ctx context.Context, sum *Summary) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.stageStarted(StageReport)
	r.progress(StageReport, 0, 1, "")
	w, err := report.Write(ctx, r.db, r.tmpOut, report.Options{MaskIDs: r.cfg.Export.MaskIDs})
	if err != nil {
		return fmt.Errorf("write the outputs: %w", err)
	}
	for _, p := range w.Paths() {
		rel, err := filepath.Rel(r.tmpOut, p)
		if err != nil {
			return err
		}
		sum.Written = append(sum.Written, filepath.Join(r.outDir, rel))
	}
	sum.Workbooks = len(w.Villages)
	r.progress(StageReport, 1, 1, "")
	r.point(StageReport + "/done")
	return nil
}

// finish records the run's outcome in runs and checkpoints the new database so that it is one
// self-contained file.
func (r *runner) finish(ctx context.Context, sum *Summary) error {
	r.endStage()
	r.stage, r.stageStart = "finish", r.now() // timed like a stage: the checkpoint can take a while
	sum.Status = statusOK
	if len(sum.Problems) > 0 {
		sum.Status = statusPartial
	}
	b, err := json.Marshal(sum)
	if err != nil {
		return err
	}
	if _, err := r.db.ExecContext(ctx, `UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE run_id = ?`,
		r.now().UTC(), sum.Status, string(b), r.runID); err != nil {
		return fmt.Errorf("record run: %w", err)
	}
	r.point("finish/recorded")
	if _, err := r.db.ExecContext(ctx, `DROP TABLE IF EXISTS rule_hits`); err != nil {
		return err
	}
	if _, err := r.db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	r.point("finish/checkpointed")
	err = r.db.Close()
	r.db = nil
	if err != nil {
		return fmt.Errorf("close new database: %w", err)
	}
	r.point("finish/closed")
	if _, err := os.Stat(r.tmpPath + ".wal"); err == nil {
		return fmt.Errorf("new database %s still has a WAL after checkpoint and close", r.tmpPath)
	}
	return nil
}

// publish renames the new database over the published one and the new output folder over out/<as_of>. The
// database rename is the commit point: before it a failure leaves everything as it was.
func (r *runner) publish(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.stageStarted(StagePublish)
	// A WAL beside the published name belongs to the old file; DuckDB would replay it into the new one.
	if err := r.moveStaleWAL(); err != nil {
		return err
	}
	if err := os.Rename(r.tmpPath, r.dbPath); err != nil {
		return fmt.Errorf("publish %s: %w", r.dbPath, err)
	}
	syncDir(filepath.Dir(r.dbPath))
	r.point(StagePublish + "/renamed")
	// The outputs follow the database. Failing here leaves a published database whose workbooks are in the
	// temporary folder: say where, rather than fail a run whose database is already swapped in.
	if _, err := os.Stat(r.tmpOut); err != nil {
		return nil
	}
	// Hidden, so that the next run's cleanStale removes it if this one dies before it does.
	old := filepath.Join(r.cfg.Out, fmt.Sprintf(".%s.old-%d", filepath.Base(r.outDir), os.Getpid()))
	if _, err := os.Stat(r.outDir); err == nil {
		if err := os.Rename(r.outDir, old); err != nil {
			r.log.Error("could not replace the output folder; new workbooks are in the temporary folder", "tmp", r.tmpOut, "err", err)
			return nil
		}
	}
	r.point(StagePublish + "/old-out-aside")
	if err := os.Rename(r.tmpOut, r.outDir); err != nil {
		r.log.Error("could not move new workbooks in place", "tmp", r.tmpOut, "err", err)
		return nil
	}
	_ = os.RemoveAll(old)
	r.point(StagePublish + "/done")
	return nil
}

// moveStaleWAL renames a WAL file beside the published database out of the way, keeping it for inspection.
func (r *runner) moveStaleWAL() error {
	wal := r.dbPath + ".wal"
	if _, err := os.Stat(wal); err != nil {
		return nil
	}
	stale := fmt.Sprintf("%s.stale-%d", wal, r.now().UnixNano())
	if err := os.Rename(wal, stale); err != nil {
		return fmt.Errorf("move stale WAL aside: %w", err)
	}
	r.log.Warn("moved aside a WAL beside the published database: it was opened for writing outside bidui", "path", stale)
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
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
