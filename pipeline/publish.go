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
// its memory capped at memoryLimit unless that is "" (Config.MemoryLimit).
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
	return db, nil
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
