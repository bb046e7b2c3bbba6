package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/bidui/bidui/sources"
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
	if err := r.moveStaleWAL(); err != nil {
		return nil, err
	}
	// Without a published database the import starts one.
	if err := r.setUp(ctx, r.publishedFile()); err != nil {
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
			VALUES (?, ?, ?, ?::DATE, 'import', ?, NULL)`, r.runID, r.clock.started.UTC(), r.clock.started.UTC(),
			r.asOf.Format(time.DateOnly), r.opt.Version); err != nil {
			return nil, fmt.Errorf("record run: %w", err)
		}
	}
	r.sum = &Summary{RunID: r.runID, AsOf: r.asOf.Format(time.DateOnly), DB: r.paths.db}
	if err := r.importGiven(ctx, paths); err != nil {
		return nil, err
	}
	if err := r.matchStage(ctx, ""); err != nil {
		return nil, err
	}
	if err := r.complete(ctx, false); err != nil {
		return nil, err
	}
	r.log.Info("import finished", "run_id", r.runID, "files", len(paths), "db", r.paths.db)
	return r.sum, nil
}

// importGiven loads the files at paths one after another and records them under the run, refusing a file
// whose bytes the run holds already.
func (r *runner) importGiven(ctx context.Context, paths []string) error {
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	r.stageStarted(StageImport, "files", len(paths))
	for i, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.progress(StageImport, i, len(paths), filepath.Base(p))
		sha, err := fileSHA256(p)
		if err != nil {
			return fmt.Errorf("import %s: %w", p, err)
		}
		var id int64
		err = conn.QueryRowContext(ctx, `SELECT file_id FROM files WHERE run_id = ? AND sha256 = ? LIMIT 1`, r.runID, sha).Scan(&id)
		if err == nil {
			return fmt.Errorf("import %s: %w in run %d as file %d", p, ErrAlreadyLoaded, r.runID, id)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		results, err := sources.Load(ctx, conn, p, func() int64 { id := r.nextID; r.nextID++; return id }, sources.Options{Limits: r.cfg.Limits, TempDir: r.paths.tmpDir})
		if err != nil {
			return fmt.Errorf("import %s: %w", p, err)
		}
		rejects, err := countRejects(ctx, conn, results)
		if err != nil {
			return err
		}
		if err := r.recordFiles(ctx, conn, results, rejects, nil); err != nil {
			return err
		}
	}
	r.progress(StageImport, len(paths), len(paths), "")
	return nil
}
