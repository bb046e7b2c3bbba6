package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/bidui/bidui"
)

// UnknownTown is the town folder of the findings whose town no source knows (their village is bidui.Unplaced),
// and the town these findings are listed under in VillageFile and 汇总.xlsx.
const UnknownTown = "未知乡镇"

// FeedbackStillPresent is the value of the findings view's feedback column for a finding that a returned
// workbook said was corrected (已修正) but that the run raised again. The village workbook shows it as the
// finding's 状态.
const FeedbackStillPresent = "已反馈修正仍存在"

// townLabel and villageLabel name a place as the files show it; "" is an unknown place.
func townLabel(town string) string {
	if town == "" {
		return UnknownTown
	}
	return town
}

func villageLabel(village string) string {
	if village == "" {
		return bidui.Unplaced
	}
	return village
}

// finding is one row of the findings view as a village workbook shows it; NULL text reads as "". A field added
// here must be added to workbookFingerprint too, or a workbook showing it would be copied when it changed.
type finding struct {
	id, rule, title, severity   string
	category                    string // the rule's category (部门比对, 研判程序, 数据质量); "" while the view has none
	householdNo, name, idNumber string
	detail, action, status      string
	feedback                    string // FeedbackStillPresent or ""
	firstSeen                   time.Time
}

// village is one village's findings, in workbook order. town and name are "" when unknown.
type village struct {
	town, name string
	findings   []finding
}

// hasColumn reports whether the table or view relation of the database's own main schema has the column.
// The findings view gains columns over time (feedback, verification); the report reads a new one only once
// the database has it, so one build of report works on databases from before and after.
func hasColumn(ctx context.Context, db *sql.DB, relation, column string) (bool, error) {
	var n int
	// Only the run's own database: the pipeline attaches the published one, which has a findings view too.
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'main'
		  AND table_name = ? AND column_name = ?`, relation, column).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for column %s.%s: %w", relation, column, err)
	}
	return n > 0, nil
}

// feedbackColumn is the SQL expression of the findings view's feedback column, NULL when the view has none yet;
// a finding not rechecked this run has NotRechecked and the reason instead.
func feedbackColumn(ctx context.Context, db *sql.DB) (string, error) {
	ok, err := hasColumn(ctx, db, "findings", "feedback")
	if err != nil || !ok {
		return "NULL::VARCHAR", err
	}
	// A finding whose rule did not run this run shows 本次未复核 and why, rather than its feedback.
	if ok, err = hasColumn(ctx, db, "findings", "not_rechecked"); err != nil || !ok {
		return "feedback", err
	}
	return "coalesce('" + NotRechecked + "：' || not_rechecked, feedback)", nil
}

// categoryColumn is the SQL expression of the findings view's category column, NULL when the view has none
// yet (the rule catalogue gains categories later).
func categoryColumn(ctx context.Context, db *sql.DB) (string, error) {
	ok, err := hasColumn(ctx, db, "findings", "category")
	if err != nil || !ok {
		return "NULL::VARCHAR", err
	}
	return "nullif(trim(category), '')", nil
}

// categoryOrder ranks the categories as the lists show them: the comparisons with the departments and the
// review procedure first, then a category the order does not know yet, data quality after them, and findings
// without a category last. The categories themselves come from the rule catalogue, never from here.
// category is the SQL expression of the category (categoryColumn's, or a column holding it).
func categoryOrder(category string) string {
	return `CASE ` + category + ` WHEN '部门比对' THEN 0 WHEN '研判程序' THEN 1 WHEN '数据质量' THEN 3
	ELSE CASE WHEN ` + category + ` IS NULL THEN 4 ELSE 2 END END`
}

// findingsQuery lists the findings of the latest run that the villages are to check (a waived one, answered
// 情况属实无需修正, is counted in the town summary but no longer listed), grouped by village and in the order of
// the workbook rows:
// category (categoryOrder), severity (high first), rule, household, name; finding_id last so that equal rows
// keep one order every run.
// Blank town and village names count as unknown, like NULL, and unknown places come after known ones.
// feedback and category are the expressions feedbackColumn and categoryColumn returned (constants, never a
// value from the data).
func findingsQuery(feedback, category string) string {
	return `
SELECT nullif(trim(town), '') AS town_name, nullif(trim(village), '') AS village_name,
       finding_id, rule, title, severity, household_no, name, id_number, detail, action, status, first_seen,
       ` + feedback + ` AS feedback, ` + category + ` AS category_name
FROM findings
WHERE status <> '` + bidui.StatusWaived + `'
ORDER BY town_name NULLS LAST, village_name NULLS LAST, ` + categoryOrder("category_name") + `,
         CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END,
         rule, household_no NULLS LAST, name NULLS LAST, finding_id`
}

// eachVillage reads the findings view and calls fn with each village's findings in turn, in town, village
// order. The query orders rows by town and village, so each village's findings arrive together and only one
// village is held in memory at a time. It stops at the first error of fn or of ctx.
func eachVillage(ctx context.Context, db *sql.DB, fn func(*village) error) error {
	feedback, err := feedbackColumn(ctx, db)
	if err != nil {
		return err
	}
	category, err := categoryColumn(ctx, db)
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, findingsQuery(feedback, category))
	if err != nil {
		return fmt.Errorf("read findings: %w", err)
	}
	defer rows.Close()

	var cur *village
	flush := func() error {
		if cur == nil {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(cur)
	}
	for rows.Next() {
		var (
			town, name sql.NullString
			f          finding
			nullable   [7]sql.NullString
		)
		if err := rows.Scan(&town, &name, &f.id, &f.rule, &f.title, &f.severity,
			&nullable[0], &nullable[1], &nullable[2], &nullable[3], &nullable[4], &f.status, &f.firstSeen,
			&nullable[5], &nullable[6]); err != nil {
			return fmt.Errorf("read findings: %w", err)
		}
		f.householdNo, f.name, f.idNumber, f.detail, f.action, f.feedback =
			nullable[0].String, nullable[1].String, nullable[2].String, nullable[3].String, nullable[4].String,
			nullable[5].String
		f.category = nullable[6].String
		if cur == nil || cur.town != town.String || cur.name != name.String {
			if err := flush(); err != nil {
				return err
			}
			cur = &village{town: town.String, name: name.String}
		}
		cur.findings = append(cur.findings, f)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read findings: %w", err)
	}
	return flush()
}

// rule is one rule_catalogue row: what the 说明 sheet and 汇总.xlsx say about a rule.
type rule struct {
	code, title, severity, description, action, basis string
}

func readCatalogue(ctx context.Context, db *sql.DB) (map[string]rule, error) {
	rows, err := db.QueryContext(ctx, `SELECT code, title, severity, description, action, basis FROM rule_catalogue`)
	if err != nil {
		return nil, fmt.Errorf("read rule catalogue: %w", err)
	}
	defer rows.Close()
	out := map[string]rule{}
	for rows.Next() {
		var r rule
		var description, basis sql.NullString
		if err := rows.Scan(&r.code, &r.title, &r.severity, &description, &r.action, &basis); err != nil {
			return nil, fmt.Errorf("read rule catalogue: %w", err)
		}
		r.description, r.basis = description.String, basis.String
		out[r.code] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read rule catalogue: %w", err)
	}
	return out, nil
}

// readAsOf returns the as_of date of the run the findings view shows. The workbooks carry it as their created
// and modified time instead of the wall clock, so the same database always gives the same files.
func readAsOf(ctx context.Context, db *sql.DB) (time.Time, error) {
	var asOf time.Time
	err := db.QueryRowContext(ctx, `SELECT as_of FROM runs ORDER BY run_id DESC LIMIT 1`).Scan(&asOf)
	if errors.Is(err, sql.ErrNoRows) {
		// No run: the findings view is empty.
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read as_of of the latest run: %w", err)
	}
	return asOf, nil
}
