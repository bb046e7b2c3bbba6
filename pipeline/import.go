package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/bidui/bidui/sources"
	biduisql "github.com/bidui/bidui/sql"
)

// ErrAlreadyLoaded is wrapped by Import's error when a file's bytes are already in the database.
var ErrAlreadyLoaded = errors.New("already loaded")

// Import loads files into the published database without running the rules, for trying a new department
// file: its rows, rejects and links can then be queried beside the latest run's. The files are recorded
// under the latest run (or, without a published database, under a new run with status "import"); findings
// do not change until the next `bidui run`, which reads the inbox afresh. Like Run, it works on a copy next
// to the published file and renames it over the published one only when everything succeeded; it takes the
// run lock. A file whose bytes the latest run already holds is refused (ErrAlreadyLoaded). It returns
// ErrPartial with the summary when some file failed or was not recognised.
func Import(ctx context.Context, cfg Config, paths []string, opt Options) (*Summary, error) {
	return locked(ctx, cfg, opt, "import", func(r *runner, ctx context.Context) (*Summary, error) {
		return r.importFiles(ctx, paths)
	})
}

func (r *runner) importFiles(ctx context.Context, paths []string) (*Summary, error) {
	_, statErr := os.Stat(r.dbPath)
	published := statErr == nil
	if published {
		if err := r.moveStaleWAL(); err != nil {
			return nil, err
		}
		if err := copyFile(r.dbPath, r.tmpPath); err != nil {
			return nil, fmt.Errorf("copy the published database: %w", err)
		}
	}
	var err error
	if r.db, err = sql.Open("duckdb", r.tmpPath); err != nil {
		return nil, fmt.Errorf("open %s: %w", r.tmpPath, err)
	}
	if err := biduisql.Migrate(ctx, r.db); err != nil {
		return nil, err
	}
	if err := os.Chmod(r.tmpPath, 0o600); err != nil {
		return nil, err
	}
	if err := r.db.QueryRowContext(ctx, `SELECT coalesce(max(run_id), 0) FROM runs`).Scan(&r.runID); err != nil {
		return nil, err
	}
	if err := r.db.QueryRowContext(ctx, `SELECT coalesce(max(file_id), 0) + 1 FROM files`).Scan(&r.nextID); err != nil {
		return nil, err
	}
	if r.runID == 0 {
		r.runID = 1
		if _, err := r.db.ExecContext(ctx, `INSERT INTO runs (run_id, started_at, finished_at, as_of, status, version, inbox)
			VALUES (?, ?, ?, ?::DATE, 'import', ?, NULL)`, r.runID, r.started.UTC(), r.started.UTC(),
			r.asOf.Format(time.DateOnly), r.opt.Version); err != nil {
			return nil, fmt.Errorf("record run: %w", err)
		}
	}
	sum := &Summary{RunID: r.runID, AsOf: r.asOf.Format(time.DateOnly), DB: r.dbPath}
	r.sum = sum
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	r.stageStarted(StageImport, "files", len(paths))
	for i, p := range paths {
		if err := ctx.Err(); err != nil {
			conn.Close()
			return nil, err
		}
		r.progress(StageImport, i, len(paths), filepath.Base(p))
		sha, err := fileSHA256(p)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("import %s: %w", p, err)
		}
		var id int64
		err = conn.QueryRowContext(ctx, `SELECT file_id FROM files WHERE run_id = ? AND sha256 = ? LIMIT 1`, r.runID, sha).Scan(&id)
		if err == nil {
			conn.Close()
			return nil, fmt.Errorf("import %s: %w in run %d as file %d", p, ErrAlreadyLoaded, r.runID, id)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			conn.Close()
			return nil, err
		}
		results, err := sources.Load(ctx, conn, p, func() int64 { id := r.nextID; r.nextID++; return id }, sources.Options{Limits: r.cfg.Limits})
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("import %s: %w", p, err)
		}
		if err := r.recordFiles(ctx, conn, results, sum); err != nil {
			conn.Close()
			return nil, err
		}
	}
	conn.Close()
	r.progress(StageImport, len(paths), len(paths), "")
	if err := r.matchStage(ctx, sum, false); err != nil {
		return nil, err
	}
	sum.Status = statusOK
	if len(sum.Problems) > 0 {
		sum.Status = statusPartial
	}
	r.endStage()
	if _, err := r.db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	err = r.db.Close()
	r.db = nil
	if err != nil {
		return nil, fmt.Errorf("close new database: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := r.moveStaleWAL(); err != nil {
		return nil, err
	}
	if err := os.Rename(r.tmpPath, r.dbPath); err != nil {
		return nil, fmt.Errorf("publish %s: %w", r.dbPath, err)
	}
	syncDir(filepath.Dir(r.dbPath))
	r.log.Info("import finished", "run_id", r.runID, "files", len(paths), "db", r.dbPath)
	return sum, nil
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
