package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/bidui/bidui/sources"
)

// provisionalIDs is where the file ids of sheets parsed in parallel start: far above any real file id, until
// the import stage gives them their ids in path order (plan.placeRows).
const provisionalIDs = int64(1) << 40

// parseFiles parses the files that are not carried (files[i].carry == nil) on up to two connections at once,
// each in a transaction of its own that is committed when all of them are done, and returns each file's
// results (nil for a carried file), whose file ids are provisional.
//
// The files are shared out before any is read, in path order, each to the connection with fewer bytes so far,
// and the transactions are committed in connection order: the rows end up in the tables in the same order
// every time the same inbox is read, whatever the goroutines' timing.
func (r *runner) parseFiles(ctx context.Context, files []plannedFile) ([][]sources.Result, error) {
	parsed := make([][]sources.Result, len(files))
	workers := min(2, runtime.GOMAXPROCS(0))
	queues := make([][]int, workers)
	load := make([]int64, workers)
	for i, f := range files {
		if f.carry != nil {
			continue
		}
		w := 0
		for j := range workers {
			if load[j] < load[w] {
				w = j
			}
		}
		queues[w] = append(queues[w], i)
		if fi, err := os.Stat(f.path); err == nil {
			load[w] += fi.Size()
		}
		load[w]++ // an unreadable or empty file counts too
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`) // after COMMIT, a harmless error
			c.Close()
		}
	}()
	for w := range workers {
		if len(queues[w]) == 0 {
			continue
		}
		c, err := r.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		conns = append(conns, c)
		if _, err := c.ExecContext(ctx, `BEGIN TRANSACTION`); err != nil {
			return nil, err
		}
	}
	var next atomic.Int64
	next.Store(provisionalIDs)
	newID := func() int64 { return next.Add(1) }
	// started says that file i may be read: the points and progress of the run pass in path order.
	started := make([]chan struct{}, len(files))
	for i := range started {
		started[i] = make(chan struct{})
	}
	var wg sync.WaitGroup
	queued := queues[:0:0]
	for _, q := range queues {
		if len(q) > 0 {
			queued = append(queued, q)
		}
	}
	for w, q := range queued {
		conn := conns[w]
		wg.Go(func() {
			for _, i := range q {
				select {
				case <-started[i]:
				case <-ctx.Done():
					return
				}
				results, err := sources.Load(ctx, conn, files[i].path, newID, sources.Options{Limits: r.cfg.Limits, TempDir: r.paths.tmpDir})
				if err != nil {
					cancel(fmt.Errorf("import %s: %w", files[i].path, err))
					return
				}
				parsed[i] = results
			}
		})
	}
	for i, f := range files {
		if ctx.Err() != nil {
			break
		}
		r.progress(StageImport, i, len(files), filepath.Base(f.path))
		r.point(fmt.Sprintf("%s/file-%d", StageImport, i+1))
		close(started[i])
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	for _, c := range conns {
		if _, err := c.ExecContext(ctx, `COMMIT`); err != nil {
			return nil, fmt.Errorf("import: commit: %w", err)
		}
	}
	return parsed, nil
}
