// Package pipeline runs one nightly reconciliation: configuration, the run lock, building the new database
// next to the published one, the stages in order (import, match, rules, report), run history, and the atomic
// publish that swaps the new database in only when every stage succeeded.
package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

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

// ErrNothingLoaded marks a run in which no file loaded (an empty inbox, or every file failed): it published
// nothing, and the published database and workbooks are as they were. It is an ErrPartial (exit code 3), and
// Run returns the summary of what was tried with it.
var ErrNothingLoaded = fmt.Errorf("no file loaded: nothing published, the published database and workbooks are unchanged: %w", ErrPartial)

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
	lk, err := acquireLock(r.paths.db+".lock", fmt.Sprintf("pid %d (%s) since %s", os.Getpid(), what, r.now().Format(time.RFC3339)))
	if err != nil {
		return nil, err
	}
	defer lk.release()
	r.cleanStale()
	defer r.removeTemp()
	if err := os.Mkdir(r.paths.tmpDir, 0o700); err != nil {
		return nil, fmt.Errorf("temporary folder of the %s: %w", what, err)
	}
	sum, err := do(r, ctx)
	if errors.Is(err, ErrNothingLoaded) {
		r.log.Error(what+": no file loaded; nothing published", "db", r.paths.db, "inbox", r.cfg.Inbox)
		return sum, err
	}
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%s stopped: %w", what, ctx.Err())
		}
		r.log.Error(what+" failed; the published database is unchanged", "db", r.paths.db, "err", err)
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

// A runner runs the stages of one run (or import) in order, as plain steps: it holds what every stage needs,
// and each stage adds its part to the summary. What the run does with the previous run is its plan's, which
// the stages that need it are given.
type runner struct {
	cfg   Config
	opt   Options // Log and Now are always set
	log   *slog.Logger
	paths runPaths
	asOf  time.Time
	db    *sql.DB // the database being built, at paths.tmpDB
	runID int64
	// nextID is the next free file id: ids are given in path order, as if the files were read one after
	// another.
	nextID int64
	sum    *Summary // the summary being built, once the run is recorded
	clock  stageClock
}

// runPaths are where a run reads and writes.
type runPaths struct {
	db     string // the published database
	tmpDB  string // the database being built, renamed over db by publish
	out    string // out/<as_of>
	tmpOut string // where this run writes its outputs until publish moves them to out
	// tmpDir is the run's own owner-only folder beside the database for temporary copies of the inbox files
	// (.xls conversions, with LibreOffice's profile): removed at the end, and by the next run after a kill.
	tmpDir string
}

// stageClock times the stages of a run for the summary.
type stageClock struct {
	started time.Time // when the run started
	stage   string    // the stage running now, "" between stages
	since   time.Time // when it started
}

func (c *stageClock) start(stage string, now time.Time) { c.stage, c.since = stage, now }

// end records how long the running stage took, if one runs and there is a summary to record it in.
func (c *stageClock) end(sum *Summary, now time.Time) {
	if c.stage != "" && sum != nil {
		sum.Stages = append(sum.Stages, StageTime{Stage: c.stage, Seconds: now.Sub(c.since).Seconds()})
	}
	c.stage = ""
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
	r := &runner{cfg: cfg, opt: opt, log: opt.Log}
	r.clock.started = r.now()
	if cfg.AsOf.IsZero() {
		y, m, d := r.clock.started.Date()
		r.asOf = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	} else {
		r.asOf = cfg.AsOf.Time()
	}
	day := r.asOf.Format(time.DateOnly)
	r.paths = runPaths{
		db:     dbPath,
		tmpDB:  filepath.Join(filepath.Dir(dbPath), fmt.Sprintf(".%s.tmp-%d", filepath.Base(dbPath), os.Getpid())),
		out:    filepath.Join(cfg.Out, day),
		tmpOut: filepath.Join(cfg.Out, fmt.Sprintf(".%s.tmp-%d", day, os.Getpid())),
		tmpDir: filepath.Join(filepath.Dir(dbPath), fmt.Sprintf(".%s.tmp-run", filepath.Base(dbPath))),
	}
	return r, nil
}

// stageStarted logs the start of a stage (the line tests and operators watch for) and passes its point.
func (r *runner) stageStarted(stage string, attrs ...any) {
	r.endStage()
	r.clock.start(stage, r.now())
	r.log.Info("stage started", append([]any{"stage", stage}, attrs...)...)
	r.point(stage)
}

// endStage records how long the running stage took.
func (r *runner) endStage() { r.clock.end(r.sum, r.now()) }

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

// cleanStale removes what earlier runs that died left behind: their temporary databases, output folders and
// temporary folder (tmpDir, matched by the first pattern).
// Only a lock holder calls it, so nothing it removes is in use.
func (r *runner) cleanStale() {
	for _, pid := range killOrphans(r.paths.tmpDir) {
		r.log.Warn("killed a process an interrupted run left in its temporary folder", "pid", pid)
	}
	pattern := filepath.Join(filepath.Dir(r.paths.db), "."+filepath.Base(r.paths.db)+".tmp-*")
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
	for _, p := range []string{r.paths.tmpDB, r.paths.tmpDB + ".wal", r.paths.tmpOut, r.paths.tmpDir} {
		_ = os.RemoveAll(p)
	}
}

// run is the nightly run: the plan, then the stages in order, then finish and publish.
func (r *runner) run(ctx context.Context) (*Summary, error) {
	day := r.asOf.Format(time.DateOnly)
	r.log.Info("run started", "db", r.paths.db, "inbox", r.cfg.Inbox, "as_of", day)
	if err := os.MkdirAll(filepath.Dir(r.paths.db), 0o755); err != nil {
		return nil, err
	}
	// The published file is always checkpointed; a WAL beside it was left by someone who opened it for
	// writing outside bidui, and must not be replayed into what the run reads or publishes.
	if err := r.moveStaleWAL(); err != nil {
		return nil, err
	}
	if err := r.checkAsOf(); err != nil {
		return nil, err
	}
	p, err := makePlan(ctx, r.cfg, r.asOf, r.opt.Version, r.paths.db)
	if err != nil {
		return nil, err
	}
	if !p.publishedAsOf.IsZero() && r.asOf.Before(p.publishedAsOf) {
		return nil, &ConfigError{Key: "--as-of", Msg: fmt.Sprintf("%s is earlier than the as-of of the published run (%s): history never runs backwards",
			day, p.publishedAsOf.Format(time.DateOnly))}
	}
	if p.fromCopy {
		r.log.Info("inbox unchanged since the published run: starting from a copy of the published database")
	}
	if err := r.setUp(ctx, p.copyFrom()); err != nil {
		return nil, err
	}
	if r.runID, r.nextID, err = p.history(ctx, r.db); err != nil {
		return nil, err
	}
	r.point("setup/history")
	r.sum = &Summary{RunID: r.runID, AsOf: day, DB: r.paths.db, OutDir: r.paths.out, Params: r.cfg.Params(r.asOf),
		FromPublished: p.fromCopy, NotRead: p.notRead}
	for _, n := range p.notRead {
		switch n.Reason {
		case notReadHidden, notReadLock, notReadOwn:
			r.log.Info("inbox entry not read", "path", n.Path, "reason", n.Reason)
		default:
			r.log.Warn("inbox entry not read", "path", n.Path, "reason", n.Reason)
		}
		if strings.HasPrefix(n.Reason, notReadUnread) {
			r.sum.Problems = append(r.sum.Problems, n.Path+"："+n.Reason)
		}
	}
	if _, err := r.db.ExecContext(ctx, `INSERT INTO runs (run_id, started_at, as_of, status, version, inbox) VALUES (?, ?, ?::DATE, ?, ?, ?)`,
		r.runID, r.clock.started.UTC(), day, statusRunning, r.opt.Version, r.cfg.Inbox); err != nil {
		return nil, fmt.Errorf("record run: %w", err)
	}
	im, err := r.importStage(ctx, p)
	if err != nil {
		return nil, err
	}
	if !im.anyLoaded {
		r.sum.Status = statusPartial
		r.sum.NotPublished = "没有文件载入（收件箱为空，或每个文件都失败）：未发布，上次的数据库与工作簿保持不变"
		return r.sum, ErrNothingLoaded
	}
	if err := r.matchStage(ctx, p.replayWhy); err != nil {
		return nil, err
	}
	if err := r.rulesStage(ctx, im, p.rulesFrom(), p.replayWhy); err != nil {
		return nil, err
	}
	if err := r.reportStage(ctx); err != nil {
		return nil, err
	}
	if err := r.complete(ctx, true); err != nil {
		return nil, err
	}
	r.log.Info("run finished", "run_id", r.runID, "status", r.sum.Status, "db", r.paths.db, "out", r.paths.out)
	return r.sum, nil
}

// checkAsOf refuses an as-of after tomorrow: a date typed wrong would date every finding in the future.
func (r *runner) checkAsOf() error {
	y, m, d := r.clock.started.Date()
	tomorrow := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	if r.asOf.After(tomorrow) {
		return &ConfigError{Key: "--as-of", Msg: fmt.Sprintf("%s is after tomorrow (%s)", r.asOf.Format(time.DateOnly), tomorrow.Format(time.DateOnly))}
	}
	return nil
}

// setUp creates the new database, as a copy of the database file from unless from is "", migrates it and
// makes it owner-only.
func (r *runner) setUp(ctx context.Context, from string) error {
	var err error
	if r.db, err = createDB(r.paths.tmpDB, from, r.cfg.MemoryLimit); err != nil {
		return err
	}
	if err := biduisql.Migrate(ctx, r.db); err != nil {
		return err
	}
	// Matching and the rules read every kind's person rows through one view built from the kind descriptions.
	if _, err := r.db.ExecContext(ctx, sources.PersonRowsView()); err != nil {
		return fmt.Errorf("create src_person_rows: %w", err)
	}
	// The database holds personal data: owner only, whatever the umask (the rename keeps the mode).
	if err := os.Chmod(r.paths.tmpDB, 0o600); err != nil {
		return err
	}
	r.point("setup/migrated")
	return nil
}

// commonColumns lists, quoted, the columns of table t that both the new (main) and the published (prev)
// database have.
func commonColumns(ctx context.Context, db *sql.DB, t string) ([]string, error) {
	return quotedColumns(ctx, db, t, `
		SELECT m.column_name FROM duckdb_columns() m
		JOIN duckdb_columns() p ON p.table_name = m.table_name AND p.column_name = m.column_name
		WHERE m.database_name = current_database() AND p.database_name = 'prev' AND m.schema_name = 'main' AND p.schema_name = 'main'
		  AND m.table_name = ?
		ORDER BY m.column_index`)
}

// quotedColumns runs q, a query of column names of table t (its one parameter), and returns them quoted.
func quotedColumns(ctx context.Context, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, t, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q, t)
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
