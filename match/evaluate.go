package match

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// AnswerKeyColumns is the header of the fixtures' answer key of rows (answer_key_rows.csv): which person each
// generated source row is about, and how the generator damaged it.
var AnswerKeyColumns = []string{"file", "sheet", "row_no", "kind", "person_id", "corruption"}

// Counts is how matching did on a set of answer-key rows, beside exact-ID matching alone (Baseline*).
type Counts struct {
	Rows     int64 // answer-key rows found in the database
	Linkable int64 // rows whose true person is a known person (has a valid ID somewhere)
	Linked   int64 // rows matching linked
	Correct  int64 // linked to the true person
	Review   int64 // sent to match_review
	// SameName counts wrong links to a different person with the same normalised name: merges of namesakes.
	SameName        int64
	BaselineLinked  int64
	BaselineCorrect int64
}

// Precision is Correct/Linked (1 when nothing was linked).
func (c Counts) Precision() float64 { return ratio(c.Correct, c.Linked) }

// Recall is Correct/Linkable (1 when nothing was linkable).
func (c Counts) Recall() float64 { return ratio(c.Correct, c.Linkable) }

// BaselinePrecision and BaselineRecall are the same for exact-ID matching alone.
func (c Counts) BaselinePrecision() float64 { return ratio(c.BaselineCorrect, c.BaselineLinked) }

// BaselineRecall is BaselineCorrect/Linkable.
func (c Counts) BaselineRecall() float64 { return ratio(c.BaselineCorrect, c.Linkable) }

func ratio(a, b int64) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Quality is matching measured against an answer key: overall, and per corruption code (a row with several
// codes counts under each; "none" is the undamaged rows).
type Quality struct {
	All          Counts
	ByCorruption map[string]Counts
	Missing      int64 // answer-key rows with no file, sheet and row in the database
}

// Evaluate reads the answer key at answerKeyPath (UTF-8 CSV with AnswerKeyColumns) and compares it with the
// links of db's latest run: the key's rows are joined to files by the base name of the path and the sheet,
// and to the person rows (src_person_rows), links and match_review by file and row. It only reads db (the key goes into a temporary table, so a
// read-only database will do). It returns an error when the key cannot be read or lacks a column.
func Evaluate(ctx context.Context, db *sql.DB, answerKeyPath string) (*Quality, error) {
	f, err := os.Open(answerKeyPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE answer_key (
		file VARCHAR, sheet VARCHAR, row_no INTEGER, kind VARCHAR, person_id VARCHAR, corruption VARCHAR)`); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS temp.answer_key`)
	if err := loadAnswerKey(conn, f, answerKeyPath); err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, evaluateSQL)
	if err != nil {
		return nil, fmt.Errorf("evaluate against %s: %w", answerKeyPath, err)
	}
	defer rows.Close()
	q := &Quality{ByCorruption: map[string]Counts{}}
	for rows.Next() {
		var code string
		var c Counts
		if err := rows.Scan(&code, &c.Rows, &c.Linkable, &c.Linked, &c.Correct, &c.Review, &c.SameName, &c.BaselineLinked, &c.BaselineCorrect); err != nil {
			return nil, err
		}
		if code == "" {
			q.All = c
		} else {
			q.ByCorruption[code] = c
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM answer_key k WHERE NOT EXISTS (
		SELECT 1 FROM files f WHERE f.run_id = (SELECT max(run_id) FROM files)
		  AND regexp_extract(f.path, '[^/\\]+$') = k.file AND (coalesce(f.sheet, '') = coalesce(k.sheet, '') OR f.format = 'csv'))`).Scan(&q.Missing)
	return q, err
}

func loadAnswerKey(conn *sql.Conn, r io.Reader, path string) error {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("answer key %s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for _, c := range AnswerKeyColumns {
		if _, ok := col[c]; !ok {
			return fmt.Errorf("answer key %s: no column %q (want %s)", path, c, strings.Join(AnswerKeyColumns, ","))
		}
	}
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", "answer_key")
		if err != nil {
			return err
		}
		line := 1
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			line++
			if err != nil {
				app.Close()
				return fmt.Errorf("answer key %s line %d: %w", path, line, err)
			}
			n, err := strconv.Atoi(rec[col["row_no"]])
			if err != nil {
				app.Close()
				return fmt.Errorf("answer key %s line %d: row_no %q: %w", path, line, rec[col["row_no"]], err)
			}
			if err := app.AppendRow(rec[col["file"]], rec[col["sheet"]], int32(n), rec[col["kind"]], rec[col["person_id"]], rec[col["corruption"]]); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
}

// evaluateSQL gives one row per corruption code and one with code ” for all rows.
const evaluateSQL = `
WITH files_now AS (
    SELECT file_id, kind, sheet, format, regexp_extract(path, '[^/\\]+$') AS file
    FROM files WHERE run_id = (SELECT max(run_id) FROM files)
),
judged AS (
    SELECT k.corruption,
           tp.person_key IS NOT NULL AS linkable,
           l.person_key IS NOT NULL AS linked,
           l.person_key = person_key_of(k.person_id) AS correct,
           mr.row_no IS NOT NULL AS review,
           l.person_key <> person_key_of(k.person_id) AND lp.name_norm = tp.name_norm AS same_name,
           coalesce(id_valid(s.id_number), false) AS base_linked,
           coalesce(id_valid(s.id_number) AND s.id_number = k.person_id, false) AS base_correct
    FROM answer_key k
    JOIN files_now f ON f.file = k.file AND f.kind = k.kind AND (coalesce(f.sheet, '') = coalesce(k.sheet, '') OR f.format = 'csv')
    LEFT JOIN src_person_rows s ON s.kind = k.kind AND s.file_id = f.file_id AND s.row_no = k.row_no
    LEFT JOIN links l ON l.kind = k.kind AND l.file_id = f.file_id AND l.row_no = k.row_no
    LEFT JOIN match_review mr ON mr.kind = k.kind AND mr.file_id = f.file_id AND mr.row_no = k.row_no
    LEFT JOIN persons tp ON tp.person_key = person_key_of(k.person_id)
    LEFT JOIN persons lp ON lp.person_key = l.person_key
),
coded AS (
    SELECT unnest(string_split(coalesce(nullif(corruption, ''), 'none'), '|')) AS code, * EXCLUDE (corruption) FROM judged
    UNION ALL
    SELECT '' AS code, * EXCLUDE (corruption) FROM judged
)
SELECT code, count(*), count(*) FILTER (WHERE linkable), count(*) FILTER (WHERE linked),
       count(*) FILTER (WHERE correct), count(*) FILTER (WHERE review), count(*) FILTER (WHERE same_name),
       count(*) FILTER (WHERE base_linked), count(*) FILTER (WHERE base_correct)
FROM coded GROUP BY code ORDER BY code`
