package pipeline

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/bidui/bidui/match"
)

// What a run may take over from the latest published run instead of computing it again. Matching reads only
// the source rows, so it is carried when every file was carried and the inbox is the same; the rules also read
// the parameters (as_of among them), so their hits are carried when those are the same as well. The
// lifecycle (new/open/resolved, the villages' answers) and the workbooks are always computed.
type replay struct {
	match, rules bool
}

// replayable decides, after the import stage and while the published database is still attached, what this
// run may carry over from run r.prevRun.
func (r *runner) replayable(ctx context.Context) (replay, error) {
	if !(r.prevAttached || r.reused) || r.prevRun == 0 || r.cfg.Reparse || len(r.carriedFrom) == 0 {
		return replay{}, nil
	}
	// Every sheet of this run carried (or unrecognised, ignored or failed again), none parsed afresh, and
	// the same files, sheets and counts as the run it would carry from.
	var fresh int
	if err := r.db.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE run_id = ? AND status = 'loaded'`, r.runID).Scan(&fresh); err != nil {
		return replay{}, err
	}
	if fresh > 0 {
		return replay{}, nil
	}
	inbox := func(run int64) (string, error) {
		var s sql.NullString
		err := r.db.QueryRowContext(ctx, `SELECT string_agg(concat_ws('|', path, sha256, sheet, kind,
				CASE status WHEN 'carried' THEN 'loaded' ELSE status END, rows_read, rows_loaded, rows_skipped, rows_rejected),
				chr(10) ORDER BY path, sheet, file_id)
			FROM files WHERE run_id = ?`, run).Scan(&s)
		return s.String, err
	}
	now, err := inbox(r.runID)
	if err != nil {
		return replay{}, err
	}
	before, err := inbox(r.prevRun)
	if err != nil {
		return replay{}, err
	}
	if now != before {
		return replay{}, nil
	}
	var summary sql.NullString
	if err := r.db.QueryRowContext(ctx, `SELECT CAST(summary AS VARCHAR) FROM runs WHERE run_id = ?`, r.prevRun).Scan(&summary); err != nil {
		return replay{}, err
	}
	var prev struct {
		Params map[string]any `json:"params"`
	}
	if err := json.Unmarshal([]byte(summary.String), &prev); err != nil {
		return replay{match: true}, nil // an older summary: the links are still good
	}
	return replay{match: true, rules: sameParams(prev.Params, r.cfg.Params(r.asOf))}, nil
}

// sameParams compares the parameters a run recorded (read back from JSON) with this run's.
func sameParams(recorded, now map[string]any) bool {
	if recorded == nil {
		return false
	}
	b, err := json.Marshal(now)
	if err != nil {
		return false
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		return false
	}
	return reflect.DeepEqual(recorded, back)
}

// matchTables are what match.Link fills; links and match_review name source rows by file_id.
var matchTables = []struct {
	name   string
	byFile bool
}{{"persons", false}, {"links", true}, {"match_review", true}, {"person_merges", false}}

// replayMatch copies persons, links, match_review and person_merges from the published database, the rows'
// file ids mapped to the carried files' new ones (in a reused database they are there, and the links take
// the new file ids), and creates the name macros. It returns false, having changed nothing, when some link
// names a file that was not carried.
func (r *runner) replayMatch(ctx context.Context) (bool, error) {
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	drop, err := r.carryMap(ctx, conn)
	if err != nil {
		return false, err
	}
	defer drop()
	var unmapped int
	if err := conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT
			(SELECT count(*) FROM %[1]s.links WHERE file_id NOT IN (SELECT old_id FROM carry_map)) +
			(SELECT count(*) FROM %[1]s.match_review WHERE file_id NOT IN (SELECT old_id FROM carry_map))`, r.prevDB())).Scan(&unmapped); err != nil {
		return false, err
	}
	if unmapped > 0 {
		return false, nil
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	for _, t := range matchTables {
		if r.reused && !t.byFile {
			continue // in the copy already
		}
		q := fmt.Sprintf(`INSERT INTO %s SELECT * FROM prev.%s`, t.name, t.name)
		switch {
		case r.reused:
			q = fmt.Sprintf(`UPDATE %s s SET file_id = m.new_id FROM carry_map m WHERE s.file_id = m.old_id`, t.name)
		case t.byFile:
			q = fmt.Sprintf(`INSERT INTO %s SELECT s.* REPLACE (m.new_id AS file_id)
				FROM prev.%s s JOIN carry_map m ON s.file_id = m.old_id`, t.name, t.name)
		}
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return false, fmt.Errorf("carry %s over from the published database: %w", t.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, err
	}
	return true, match.CreateMacros(ctx, r.db)
}
