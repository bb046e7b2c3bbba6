package pipeline

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
)

// Finishing and publishing are the same for `bidui run` and `bidui import`: both build the new database in
// the temporary file, and only a self-contained file (checkpointed, closed, no WAL beside it) is renamed over
// the published one.

// complete finishes the run (see finish) and publishes it: the last step of `bidui run` and of `bidui import`.
func (r *runner) complete(ctx context.Context, record bool) error {
	if err := r.finish(ctx, record); err != nil {
		return err
	}
	if err := r.publish(ctx); err != nil {
		return err
	}
	r.endStage()
	return nil
}

// finish settles the summary's status, records the run's outcome in runs when record is set (an import adds
// files to a run, and leaves its outcome alone), and checkpoints and closes the new database so that it is
// one self-contained file.
func (r *runner) finish(ctx context.Context, record bool) error {
	r.endStage()
	r.clock.start("finish", r.now()) // timed like a stage: the checkpoint can take a while
	sum := r.sum
	sum.Status = statusOK
	if len(sum.Problems) > 0 {
		sum.Status = statusPartial
	}
	if record {
		b, err := json.Marshal(sum)
		if err != nil {
			return err
		}
		if _, err := r.db.ExecContext(ctx, `UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE run_id = ?`,
			r.now().UTC(), sum.Status, string(b), r.runID); err != nil {
			return fmt.Errorf("record run: %w", err)
		}
	}
	r.point("finish/recorded")
	if _, err := r.db.ExecContext(ctx, `DROP TABLE IF EXISTS rule_hits`); err != nil {
		return err
	}
	if _, err := r.db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	r.point("finish/checkpointed")
	err := r.db.Close()
	r.db = nil
	if err != nil {
		return fmt.Errorf("close new database: %w", err)
	}
	r.point("finish/closed")
	if _, err := os.Stat(r.paths.tmpDB + ".wal"); err == nil {
		return fmt.Errorf("new database %s still has a WAL after checkpoint and close", r.paths.tmpDB)
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
	if err := os.Rename(r.paths.tmpDB, r.paths.db); err != nil {
		return fmt.Errorf("publish %s: %w", r.paths.db, err)
	}
	syncDir(filepath.Dir(r.paths.db))
	r.point(StagePublish + "/renamed")
	// The outputs follow the database. Failing here leaves a published database whose workbooks are in the
	// temporary folder: say where, rather than fail a run whose database is already swapped in.
	if _, err := os.Stat(r.paths.tmpOut); err != nil {
		return nil
	}
	// Hidden, so that the next run's cleanStale removes it if this one dies before it does.
	old := filepath.Join(r.cfg.Out, fmt.Sprintf(".%s.old-%d", filepath.Base(r.paths.out), os.Getpid()))
	if _, err := os.Stat(r.paths.out); err == nil {
		if err := os.Rename(r.paths.out, old); err != nil {
			r.log.Error("could not replace the output folder; new workbooks are in the temporary folder", "tmp", r.paths.tmpOut, "err", err)
			return nil
		}
	}
	r.point(StagePublish + "/old-out-aside")
	if err := os.Rename(r.paths.tmpOut, r.paths.out); err != nil {
		r.log.Error("could not move new workbooks in place", "tmp", r.paths.tmpOut, "err", err)
		return nil
	}
	_ = os.RemoveAll(old)
	r.point(StagePublish + "/done")
	return nil
}

// moveStaleWAL renames a WAL file beside the published database out of the way, keeping it for inspection.
func (r *runner) moveStaleWAL() error {
	wal := r.paths.db + ".wal"
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

// publishedFile returns the published database's path, or "" when there is none yet.
func (r *runner) publishedFile() string {
	if _, err := os.Stat(r.paths.db); err != nil {
		return ""
	}
	return r.paths.db
}

// createDB creates a database at path, as a copy of the database file from unless from is "", and opens it,
// its memory capped at memoryLimit (Config.MemoryLimit), or when that is "" at defaultMemoryLimit or DuckDB's
// own default, whichever is less.
func createDB(path, from, memoryLimit string) (*sql.DB, error) {
	if from != "" {
		if err := copyFile(from, path); err != nil {
			return nil, fmt.Errorf("copy the published database: %w", err)
		}
	}
	dsn := path
	if memoryLimit != "" {
		dsn += "?memory_limit=" + url.QueryEscape(memoryLimit)
	}
	db, err := sql.Open("duckdb", dsn)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	if memoryLimit == "" {
		if err := capMemory(db, defaultMemoryLimit); err != nil {
			db.Close()
			return nil, fmt.Errorf("create %s: %w", path, err)
		}
	}
	for _, set := range allocatorSettings {
		if _, err := db.Exec(set); err != nil {
			db.Close()
			return nil, fmt.Errorf("create %s: %s: %w", path, set, err)
		}
	}
	return db, nil
}

// allocatorSettings make DuckDB hand the memory its statements have freed back to the system sooner (after a
// statement that allocated 16 MB, not 128 MB, and from a background thread). Matching's statements free
// hundreds of MiB each; kept, that memory set the county run's peak. On the generated county (three runs
// each) the peak went from 927–1075 MiB to 864–939 MiB, with no change in matching's CPU time beyond the
// noise.
var allocatorSettings = []string{
	`SET allocator_flush_threshold = '16MB'`,
	`SET allocator_background_threads = true`,
}

// defaultMemoryLimit is the memory a run's database may take when the configuration sets no memory_limit.
// DuckDB's own default, 80% of the machine's memory, let the run on the generated city tier (4.1 million
// residents) grow to 5.7 GiB; capped at 3 GB it peaks at 3.3 GiB, no slower (make bench-city). The county
// tier stays under 1 GiB either way.
const defaultMemoryLimit = 3_000_000_000

// capMemory lowers db's memory_limit to limit bytes when DuckDB's current setting is above it; a machine with
// less memory keeps DuckDB's smaller default.
func capMemory(db *sql.DB, limit int64) error {
	var current string
	if err := db.QueryRow(`SELECT current_setting('memory_limit')`).Scan(&current); err != nil {
		return fmt.Errorf("read memory_limit: %w", err)
	}
	if n, ok := parseMemory(current); ok && n <= limit {
		return nil
	}
	// SET takes no bound parameters; limit is a constant of ours.
	if _, err := db.Exec(fmt.Sprintf(`SET memory_limit = '%dB'`, limit)); err != nil {
		return fmt.Errorf("set memory_limit: %w", err)
	}
	return nil
}

// copyFile copies src to dst (created owner-only) and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
