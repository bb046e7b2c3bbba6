package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/bidui/bidui"
	biduisql "github.com/bidui/bidui/sql"
)

// What a plan does to the new database: name the file it starts as a copy of (copyFrom), carry the run history
// into it (history), put the rows of every sheet under its file id of this run, copying the rows of carried
// sheets from the published database (placeRows), and name the run whose rule hits are replayed (rulesFrom).
// Nothing else in a run reads the published database.

// historyTables are copied from the published database into the new one; their columns only grow, so the
// columns both have are copied.
var historyTables = []string{"runs", "files", "rule_runs", "findings_history"}

// copyFrom is the database file the new database starts as a copy of: the published one when the plan
// starts from a copy, else none ("").
func (p *plan) copyFrom() string {
	if p.fromCopy {
		return p.published
	}
	return ""
}

// rulesFrom is the run whose rule hits the rules stage replays, 0 when it runs the rules.
func (p *plan) rulesFrom() int64 {
	if !p.replayRules {
		return 0
	}
	return p.prev.id
}

// history brings the run history of the published database into db (migrated) and returns the id of this
// run and the first free file id. A copy has it already; otherwise the published database is attached
// read-only as prev, and stays attached until detach, for placeRows to copy carried rows from. A published
// database written by a newer bidui (a higher schema version) is refused rather than truncated.
func (p *plan) history(ctx context.Context, db *sql.DB) (runID, nextID int64, err error) {
	if p.published != "" && !p.fromCopy {
		if err := p.attach(ctx, db); err != nil {
			return 0, 0, err
		}
	}
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(run_id), 0) + 1 FROM runs`).Scan(&runID); err != nil {
		return 0, 0, err
	}
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(file_id), 0) + 1 FROM files`).Scan(&nextID); err != nil {
		return 0, 0, err
	}
	return runID, nextID, nil
}

// attach attaches the published database as prev and copies its history tables.
func (p *plan) attach(ctx context.Context, db *sql.DB) error {
	// A path cannot be a bound parameter of ATTACH; quoting it as a literal is the only way.
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`ATTACH %s AS prev (READ_ONLY)`, quoteLiteral(p.published))); err != nil {
		if strings.Contains(err.Error(), "lock") {
			return fmt.Errorf("attach published database %s read-only: another process holds it open for writing "+
				"(open it read-only: duckdb -readonly, or bidui sql): %w", p.published, err)
		}
		return fmt.Errorf("attach published database %s read-only: %w", p.published, err)
	}
	p.attached = true
	var version int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM prev.schema_migrations`).Scan(&version); err != nil {
		return fmt.Errorf("published database %s: not a bidui database: %w", p.published, err)
	}
	if latest := biduisql.LatestVersion(); version > latest {
		return fmt.Errorf("published database %s has schema version %d, newer than this bidui (%d): upgrade bidui", p.published, version, latest)
	}
	for _, t := range historyTables {
		cols, err := commonColumns(ctx, db, t)
		if err != nil {
			return err
		}
		if len(cols) == 0 {
			continue
		}
		list := strings.Join(cols, ", ")
		if _, err := db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO main.%s (%s) SELECT %s FROM prev.%s`, t, list, list, t)); err != nil {
			return fmt.Errorf("carry %s from the published database: %w", t, err)
		}
	}
	return nil
}

// detach detaches the published database once nothing more is read from it.
func (p *plan) detach(ctx context.Context, db *sql.DB) error {
	if !p.attached {
		return nil
	}
	p.attached = false
	if _, err := db.ExecContext(ctx, `DETACH prev`); err != nil {
		return fmt.Errorf("detach the published database: %w", err)
	}
	return nil
}

// newFileID is the file id of one sheet of this run, and where its rows are now: under a provisional id of
// the parsing, or under the published run's id for a carried sheet. sheet, when set, is the carried sheet's
// new name (a CSV file's one sheet is named after the file).
type newFileID struct {
	old, id int64
	carried bool
	kind    bidui.Kind // of a carried sheet
	sheet   string
}

// placeRows puts the source rows and rejects of every sheet under its file id of this run, on conn in its
// transaction: the rows the parsing wrote are renumbered, as are the carried ones in a copy; the carried rows
// are copied from the published database otherwise. When the links are replayed, the copy's links and
// match_review rows are renumbered too.
func (p *plan) placeRows(ctx context.Context, conn *sql.Conn, ids []newFileID) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE file_map (old_id BIGINT, new_id BIGINT, sheet VARCHAR)`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS file_map`)
	values := make([]string, 0, len(ids))
	args := make([]any, 0, 3*len(ids))
	renamed, parsed := false, false
	copied := map[bidui.Kind]bool{}
	for _, n := range ids {
		values = append(values, "(?, ?, ?)")
		args = append(args, n.old, n.id, nullable(n.sheet))
		renamed = renamed || n.sheet != ""
		parsed = parsed || !n.carried
		if n.carried {
			copied[n.kind] = true
		}
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO file_map VALUES `+strings.Join(values, ", "), args...); err != nil {
		return err
	}
	tables := []string{"rejects"}
	copyTables := []string{"rejects"}
	for _, k := range bidui.Kinds {
		tables = append(tables, k.Table())
		if copied[k] {
			copyTables = append(copyTables, k.Table())
		}
	}
	set := "file_id = m.new_id"
	if renamed {
		set += ", sheet = coalesce(m.sheet, s.sheet)"
	}
	if parsed || p.fromCopy {
		for _, t := range tables {
			if _, err := conn.ExecContext(ctx, fmt.Sprintf(`UPDATE %s s SET %s FROM file_map m WHERE s.file_id = m.old_id`, t, set)); err != nil {
				return fmt.Errorf("number the rows of %s: %w", t, err)
			}
		}
	}
	if !p.fromCopy && len(copied) > 0 {
		for _, t := range copyTables {
			if _, err := conn.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s
				SELECT s.* REPLACE (m.new_id AS file_id, coalesce(m.sheet, s.sheet) AS sheet)
				FROM prev.%s s JOIN file_map m ON s.file_id = m.old_id`, t, t)); err != nil {
				return fmt.Errorf("carry %s over from the published database: %w", t, err)
			}
		}
	}
	if p.replayMatch {
		for _, t := range []string{"links", "match_review"} {
			if _, err := conn.ExecContext(ctx, fmt.Sprintf(`UPDATE %s s SET file_id = m.new_id FROM file_map m WHERE s.file_id = m.old_id`, t)); err != nil {
				return fmt.Errorf("carry %s over from the published database: %w", t, err)
			}
		}
	}
	return nil
}
