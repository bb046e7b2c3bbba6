package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	"github.com/bidui/bidui"
	biduisql "github.com/bidui/bidui/sql"
)

// A run on an inbox whose every file the latest published run read with the same bytes starts from a file
// copy of the published database instead of an empty one ("reused"): the source rows, persons and links are
// already in it, and carrying them over is a renumbering of file ids (UPDATE) rather than a copy of every
// row. Everything else is as in a run that carries files: the same checks decide what is carried and
// replayed, and whatever is not is computed again over the rows it replaces.

// reusable tells whether this run may start from a copy of the published database: it exists, has this
// bidui's schema, its latest run was made by this same version of bidui, and that run read exactly the
// inbox's files, with the same bytes, every sheet of them loaded, carried, unrecognised or ignored. It
// remembers the inbox's hashes for carriable. Any doubt, an error included, means no: the run then starts
// from an empty database as always, and reports whatever went wrong there.
func (r *runner) reusable(ctx context.Context) bool {
	if r.cfg.Reparse {
		return false
	}
	if _, err := os.Stat(r.dbPath); err != nil {
		return false
	}
	if _, err := os.Stat(r.dbPath + ".wal"); err == nil {
		return false // opened for writing outside bidui: carryHistory moves the WAL aside and says so
	}
	paths, err := inboxFiles(r.cfg.Inbox, r.dbPath)
	if err != nil || len(paths) == 0 {
		return false
	}
	db, err := sql.Open("duckdb", r.dbPath+"?access_mode=read_only")
	if err != nil {
		return false
	}
	defer db.Close()
	var schema int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&schema); err != nil ||
		schema != biduisql.LatestVersion() {
		return false
	}
	var run int64
	var version sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT run_id, version FROM runs ORDER BY run_id DESC LIMIT 1`).Scan(&run, &version); err != nil ||
		version.String != r.opt.Version {
		return false
	}
	rows, err := db.QueryContext(ctx, `SELECT path, coalesce(sha256, ''), status FROM files WHERE run_id = ?`, run)
	if err != nil {
		return false
	}
	defer rows.Close()
	published := map[string]string{}
	for rows.Next() {
		var path, sum, status string
		if err := rows.Scan(&path, &sum, &status); err != nil {
			return false
		}
		switch status {
		case bidui.FileLoaded, bidui.FileCarried, bidui.FileUnrecognised, bidui.FileIgnored:
		default:
			return false // a failure is worth trying again on a clean database
		}
		if s, ok := published[path]; ok && s != sum {
			return false
		}
		published[path] = sum
	}
	if rows.Err() != nil || len(published) != len(paths) {
		return false
	}
	hashes := map[string]string{}
	for _, p := range paths {
		sum, err := fileSHA256(p)
		if err != nil || published[p] != sum {
			return false
		}
		hashes[p] = sum
	}
	r.hashes = hashes
	return true
}

// startFromCopy copies the published database to the temporary path and opens it as the new database.
func (r *runner) startFromCopy(ctx context.Context) error {
	if err := copyFile(r.dbPath, r.tmpPath); err != nil {
		return fmt.Errorf("copy the published database: %w", err)
	}
	var err error
	if r.db, err = sql.Open("duckdb", r.tmpPath); err != nil {
		return fmt.Errorf("open %s: %w", r.tmpPath, err)
	}
	r.reused = true
	r.log.Info("inbox unchanged since the published run: starting from a copy of the published database")
	return nil
}

// reusedHistory sets the run's ids from the history already in the copied database.
func (r *runner) reusedHistory(ctx context.Context) error {
	if err := r.db.QueryRowContext(ctx, `SELECT coalesce(max(run_id), 0) + 1 FROM runs`).Scan(&r.runID); err != nil {
		return err
	}
	if err := r.db.QueryRowContext(ctx, `SELECT coalesce(max(file_id), 0) + 1 FROM files`).Scan(&r.nextID); err != nil {
		return err
	}
	r.firstID = r.nextID
	var version sql.NullString
	err := r.db.QueryRowContext(ctx, `SELECT run_id, version FROM runs ORDER BY run_id DESC LIMIT 1`).Scan(&r.prevRun, &version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("published database %s: latest run: %w", r.dbPath, err)
	}
	r.prevVersion, r.prevSchema = version.String, biduisql.LatestVersion()
	return nil
}

// dropStale deletes, in a reused database, the source rows and rejects that no file of this run carried
// over: they belong to the published run alone. Carried rows were renumbered to this run's file ids, which
// are all firstID or more.
func (r *runner) dropStale(ctx context.Context, conn *sql.Conn) error {
	tables := []string{"rejects"}
	for _, k := range bidui.Kinds {
		tables = append(tables, k.Table())
	}
	for _, t := range tables {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s WHERE file_id < ?`, t), r.firstID); err != nil {
			return fmt.Errorf("drop the published run's rows of %s: %w", t, err)
		}
	}
	return nil
}

// prevDB names the database that holds the published run's rows: the attached published database, or this
// one when it started as a copy of it.
func (r *runner) prevDB() string {
	if r.reused {
		return "main"
	}
	return "prev"
}
