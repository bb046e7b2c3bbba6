// Package match links every source row to a person. This first cut links by exact, valid resident ID number
// (after the normalisation the importers already did); the fuller cascade (corrected IDs, names, birth dates)
// replaces it without changing the tables it writes: persons, links and match_review.
package match

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/bidui/bidui"
)

// Method names as stored in links.method.
const (
	MethodExactID = "exact_id"
)

// Stats counts what linking did, for the run summary.
type Stats struct {
	Persons  int64
	ByMethod map[string]int64     // links per method
	Unlinked map[bidui.Kind]int64 // source rows with no link, per kind
}

// personKinds are the kinds whose rows describe a person; verification rows name findings, not persons.
var personKinds = []bidui.Kind{bidui.KindGS, bidui.KindDibao, bidui.KindTekun, bidui.KindMedical, bidui.KindEducation, bidui.KindReview}

// location says which location columns each kind's table has.
var location = map[bidui.Kind]string{
	bidui.KindGS:        "county, town, village, household_no",
	bidui.KindDibao:     "county, town, village, NULL",
	bidui.KindTekun:     "county, town, village, NULL",
	bidui.KindMedical:   "NULL, NULL, NULL, NULL",
	bidui.KindEducation: "NULL, NULL, NULL, NULL",
	bidui.KindReview:    "NULL, town, village, NULL",
}

// nameColumn is each kind's person name. A review row's ID may be any member's while its name is the
// head's, so it names nobody for certain.
var nameColumn = map[bidui.Kind]string{
	bidui.KindGS: "name", bidui.KindDibao: "name", bidui.KindTekun: "name",
	bidui.KindMedical: "name", bidui.KindEducation: "name", bidui.KindReview: "NULL",
}

// Link fills persons and links from the staging tables: one person per valid ID number, and one link per
// source row that carries it. Person attributes come from gs first, then the other kinds in the order of
// bidui.Kinds. It replaces whatever persons and links held.
func Link(ctx context.Context, db *sql.DB) (*Stats, error) {
	var rows []string
	for i, k := range personKinds {
		rows = append(rows, fmt.Sprintf(
			`SELECT '%s' AS kind, %d AS priority, file_id, row_no, id_number, %s, %s FROM %s WHERE id_valid(id_number)`,
			k, i, nameColumn[k], location[k], k.Table()))
	}
	union := strings.Join(rows, "\nUNION ALL\n")
	stmts := []string{
		`DELETE FROM links`,
		`DELETE FROM persons`,
		`CREATE OR REPLACE TABLE match_rows AS
		 SELECT kind, priority, file_id, row_no, id_number, name,
		        col4 AS county, col5 AS town, col6 AS village, col7 AS household_no
		 FROM (` + union + `) AS r (kind, priority, file_id, row_no, id_number, name, col4, col5, col6, col7)`,
		`INSERT INTO persons BY NAME
		 SELECT person_key_of(id_number) AS person_key, id_number,
		        arg_min(name, priority) FILTER (WHERE nullif(trim(name), '') IS NOT NULL) AS name,
		        CASE WHEN substr(id_number, 17, 1)::INTEGER % 2 = 1 THEN '男' ELSE '女' END AS sex,
		        strptime(substr(id_number, 7, 8), '%Y%m%d')::DATE AS birth_date,
		        arg_min(county, priority) FILTER (WHERE county IS NOT NULL) AS county,
		        arg_min(town, priority) FILTER (WHERE town IS NOT NULL) AS town,
		        arg_min(village, priority) FILTER (WHERE village IS NOT NULL) AS village,
		        arg_min(household_no, priority) FILTER (WHERE household_no IS NOT NULL) AS household_no,
		        bool_or(kind = 'gs') AS in_gs, bool_or(kind = 'dibao') AS in_dibao, bool_or(kind = 'tekun') AS in_tekun,
		        bool_or(kind = 'medical') AS in_medical, bool_or(kind = 'education') AS in_education,
		        bool_or(kind = 'review') AS in_review
		 FROM match_rows GROUP BY id_number`,
		`INSERT INTO links
		 SELECT kind, file_id, row_no, person_key_of(id_number), '` + MethodExactID + `', 1.0,
		        '证件号码完全一致（18位，校验位正确）'
		 FROM match_rows`,
		`DROP TABLE match_rows`,
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("link by ID: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return stats(ctx, db)
}

func stats(ctx context.Context, db *sql.DB) (*Stats, error) {
	st := &Stats{ByMethod: map[string]int64{}, Unlinked: map[bidui.Kind]int64{}}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM persons`).Scan(&st.Persons); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT method, count(*) FROM links GROUP BY method ORDER BY method`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m string
		var n int64
		if err := rows.Scan(&m, &n); err != nil {
			return nil, err
		}
		st.ByMethod[m] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, k := range personKinds {
		var n int64
		q := fmt.Sprintf(`SELECT count(*) FROM %s s WHERE NOT EXISTS (
			SELECT 1 FROM links l WHERE l.kind = '%s' AND l.file_id = s.file_id AND l.row_no = s.row_no)`, k.Table(), k)
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			st.Unlinked[k] = n
		}
	}
	return st, nil
}
