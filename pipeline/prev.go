package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/sources"
	biduisql "github.com/bidui/bidui/sql"
)

// What a plan does to the new database: name the file it starts as a copy of (copyFrom), carry the run history
// into it (history), put the rows of every sheet under its file id of this run, copying the rows of carried
// sheets from the published database (placeRows), tell whether the rows parsed again are the published run's
// and if so carry its matching over (sameRows), and name the run whose rule hits are replayed (rulesFrom).
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
// new name (a CSV file's one sheet is named after the file). prev is the published sheet in the same place
// (the carried sheet itself; for a parsed one, the published sheet of the same file and position), 0 when
// there is none.
type newFileID struct {
	old, id int64
	carried bool
	kind    bidui.Kind // of a carried sheet
	sheet   string
	prev    int64
}

// placeRows puts the source rows and rejects of every sheet under its file id of this run, on conn in its
// transaction: the rows the parsing wrote are renumbered, as are the carried ones in a copy; the carried rows
// are copied from the published database otherwise. When the links are replayed, the copy's links and
// match_review rows are renumbered too. It leaves the temporary table file_map (old_id, new_id, sheet,
// prev_id, parsed), one row per sheet, for sameRows; the caller drops it.
func (p *plan) placeRows(ctx context.Context, conn *sql.Conn, ids []newFileID) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE file_map (old_id BIGINT, new_id BIGINT, sheet VARCHAR,
		prev_id BIGINT, parsed BOOLEAN)`); err != nil {
		return err
	}
	values := make([]string, 0, len(ids))
	args := make([]any, 0, 5*len(ids))
	renamed, parsed := false, false
	copied := map[bidui.Kind]bool{}
	for _, n := range ids {
		values = append(values, "(?, ?, ?, ?, ?)")
		args = append(args, n.old, n.id, nullable(n.sheet), n.prev, !n.carried)
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

// publishedAt returns the published sheets of the file of the same name as the one at path (the published
// run may have read another folder: nothing but a file's name reaches the findings), in file id order, for
// the sheets parsed from it again to be compared with (newFileID.prev); nil when the published run's rows
// are not compared: there is none to carry from, or the run starts from its copy.
func (p *plan) publishedAt(path string) []prevSheet {
	if p.prev == nil || p.fromCopy {
		return nil
	}
	var sheets []prevSheet
	for _, s := range p.prev.sheets {
		if filepath.Base(s.res.Path) == filepath.Base(path) {
			sheets = append(sheets, s)
		}
	}
	return sheets
}

// sameRows tells, on conn in the import's transaction after placeRows and the deduplication, whether the
// source rows of this run are the published run's although some files were parsed again (their bytes
// changed), and returns why they are ("" when they are not): every sheet of this run stands in the place of
// a published sheet of the file of the same name (newFileID.prev), the published run read no other sheet,
// each is recorded as the published one was but for its bytes and folder (kind, sheet, columns, counts,
// status, duplicate rows), and the rows and rejects of each parsed sheet equal, value for value, the published sheet's but for
// the file id (EXCEPT ALL both ways, so that a row twice is not a row once). Matching and the rules read
// nothing else of the inbox: on the same rows they give what the published run gave.
func (p *plan) sameRows(ctx context.Context, conn *sql.Conn, ids []newFileID, results []sources.Result,
	dropped map[int64]int64) (string, error) {
	if p.prev == nil || p.fromCopy || !p.attached || len(ids) == 0 || len(ids) != len(p.prev.sheets) {
		return "", nil
	}
	unused := map[int64]prevSheet{}
	for _, s := range p.prev.sheets {
		unused[s.id] = s
	}
	var changed []string
	tables := []string{"rejects"}
	compared := map[bidui.Kind]bool{}
	for i, n := range ids {
		s, ok := unused[n.prev]
		if !ok || !sameSheet(results[i], dropped[n.id], s) {
			return "", nil
		}
		delete(unused, n.prev)
		if n.carried {
			continue
		}
		if name := filepath.Base(results[i].Path); !slices.Contains(changed, name) {
			changed = append(changed, name)
		}
		if k := results[i].Kind; k != "" && !compared[k] {
			compared[k] = true
			tables = append(tables, k.Table())
		}
	}
	if len(changed) == 0 {
		return "", nil
	}
	for _, t := range tables {
		differ, err := rowsDiffer(ctx, conn, t)
		if err != nil || differ {
			return "", err
		}
	}
	return "rows unchanged although the bytes of " + strings.Join(changed, "、") + " changed", nil
}

// sameSheet tells whether a sheet of this run, from which dup rows were dropped as an earlier file's, is
// recorded as the published sheet s was, but for the bytes and the folder of its file.
func sameSheet(res sources.Result, dup int64, s prevSheet) bool {
	was := s.res
	loaded := func(status string) string {
		if status == bidui.FileCarried {
			return bidui.FileLoaded
		}
		return status
	}
	return filepath.Base(res.Path) == filepath.Base(was.Path) && res.Kind == was.Kind && res.Sheet == was.Sheet && res.Format == was.Format &&
		res.Encoding == was.Encoding && res.HeaderRow == was.HeaderRow && maps.Equal(res.Columns, was.Columns) &&
		res.RowsRead == was.RowsRead && res.RowsLoaded == was.RowsLoaded && res.RowsSkipped == was.RowsSkipped &&
		res.RowsRejected == was.RowsRejected && loaded(res.Status) == loaded(was.Status) &&
		errorText(res.Err) == errorText(was.Err) && dup == s.duplicate
}

// rowsDiffer tells whether the rows of table t under the parsed sheets of this run differ from those of the
// published sheets in their places (file_map), in any column but the file id.
func rowsDiffer(ctx context.Context, conn *sql.Conn, t string) (bool, error) {
	cols, err := columnsExcept(ctx, conn, t, map[string]bool{"file_id": true})
	if err != nil {
		return false, err
	}
	list := "s." + strings.Join(cols, ", s.")
	var differ bool
	if err := conn.QueryRowContext(ctx, fmt.Sprintf(`WITH
		now AS (SELECT m.prev_id, %[2]s FROM main.%[1]s s JOIN file_map m ON s.file_id = m.new_id WHERE m.parsed),
		was AS (SELECT s.file_id, %[2]s FROM prev.%[1]s s JOIN file_map m ON s.file_id = m.prev_id WHERE m.parsed)
		SELECT EXISTS (FROM now EXCEPT ALL FROM was) OR EXISTS (FROM was EXCEPT ALL FROM now)`, t, list)).Scan(&differ); err != nil {
		return false, fmt.Errorf("compare the rows of %s with the published run's: %w", t, err)
	}
	return differ, nil
}

// carryMatching copies the published run's persons, merged IDs, links and match_review rows into the new
// database, the latter two under the file ids of this run (file_map), on conn in the import's transaction:
// what matching gives on rows sameRows found the published run's.
func (p *plan) carryMatching(ctx context.Context, conn *sql.Conn) error {
	for _, q := range []string{
		`INSERT INTO main.persons BY NAME SELECT * FROM prev.persons`,
		`INSERT INTO main.person_merges BY NAME SELECT * FROM prev.person_merges`,
		`INSERT INTO main.links BY NAME SELECT s.* REPLACE (m.new_id AS file_id) FROM prev.links s JOIN file_map m ON s.file_id = m.prev_id`,
		`INSERT INTO main.match_review BY NAME SELECT s.* REPLACE (m.new_id AS file_id) FROM prev.match_review s JOIN file_map m ON s.file_id = m.prev_id`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("carry the published run's matching over: %w", err)
		}
	}
	return nil
}
