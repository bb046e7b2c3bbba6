// Package report writes what a run hands to people: one correction workbook per village (问题清单) for the
// village cadres to verify and send back. It reads the findings view and the rule_catalogue table of the run's
// database and nothing else, so it can be rerun on any published database.
package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/bidui/bidui"
)

// Options controls how workbooks are written.
type Options struct {
	MaskIDs bool // 370323********123X instead of the full ID (for 公示 copies)
}

// Written lists the files a report stage wrote.
type Written struct {
	Villages []VillageFile
}

// VillageFile is one village workbook: the town and village as the findings name them (bidui.Unplaced when
// unknown), the path of the file (dir joined with the sanitised names) and how many findings it lists.
type VillageFile struct {
	Town, Village, Path string
	Findings            int
}

// WriteVillageWorkbooks reads the findings view of db and writes one workbook per (town, village) under dir as
// <town>/<village>.xlsx, creating dir when it is missing. Findings with no village go to <town>/未落村.xlsx,
// and to the town folder 未落村 when the town is unknown too (bidui.Unplaced). Town and village names are
// sanitised before they become path elements (no separators, `..`, control characters or characters Windows
// forbids, at most 80 bytes before a numbered suffix, never empty), every file is created through an os.Root on dir, so no name can
// place a file outside dir; two names that sanitise alike get numbered suffixes instead of sharing a file.
//
// Each workbook is written to a temporary file beside its final name and renamed into place, so a file at a
// workbook's path is always complete. It returns the workbooks written in town, village order; on error
// (a query, a write, a cancelled ctx) it returns nil and the error, and workbooks written before the error
// stay in dir — callers write into a fresh folder and publish it whole.
func WriteVillageWorkbooks(ctx context.Context, db *sql.DB, dir string, opt Options) (*Written, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create output folder: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open output folder: %w", err)
	}
	defer root.Close()

	rules, err := readCatalogue(ctx, db)
	if err != nil {
		return nil, err
	}
	asOf, err := readAsOf(ctx, db)
	if err != nil {
		return nil, err
	}

	rows, err := db.QueryContext(ctx, findingsQuery, bidui.Unplaced, bidui.Unplaced)
	if err != nil {
		return nil, fmt.Errorf("read findings: %w", err)
	}
	defer rows.Close()

	w := &Written{}
	alloc := newPaths()
	var cur *village
	// The query orders rows by town and village, so each village's findings arrive together and only one
	// village is held in memory at a time.
	flush := func() error {
		if cur == nil {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel := alloc.village(cur.town, cur.name)
		if err := writeWorkbook(root, rel, cur, rules, asOf, opt); err != nil {
			return fmt.Errorf("write workbook of %s %s: %w", cur.town, cur.name, err)
		}
		w.Villages = append(w.Villages, VillageFile{
			Town: cur.town, Village: cur.name, Path: filepath.Join(dir, filepath.FromSlash(rel)), Findings: len(cur.findings),
		})
		return nil
	}
	for rows.Next() {
		var (
			town, name string
			f          finding
			nullable   [5]sql.NullString
		)
		if err := rows.Scan(&town, &name, &f.id, &f.rule, &f.title, &f.severity,
			&nullable[0], &nullable[1], &nullable[2], &nullable[3], &nullable[4], &f.status, &f.firstSeen); err != nil {
			return nil, fmt.Errorf("read findings: %w", err)
		}
		f.householdNo, f.name, f.idNumber, f.detail, f.action =
			nullable[0].String, nullable[1].String, nullable[2].String, nullable[3].String, nullable[4].String
		if cur == nil || cur.town != town || cur.name != name {
			if err := flush(); err != nil {
				return nil, err
			}
			cur = &village{town: town, name: name}
		}
		cur.findings = append(cur.findings, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read findings: %w", err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return w, nil
}

// findingsQuery lists the findings of the latest run grouped by village and in the order of the workbook rows:
// severity (high first), rule, household, name; finding_id last so that equal rows keep one order every run.
// Blank town and village names count as unknown, like NULL.
const findingsQuery = `
SELECT coalesce(nullif(trim(town), ''), ?) AS town_name,
       coalesce(nullif(trim(village), ''), ?) AS village_name,
       finding_id, rule, title, severity, household_no, name, id_number, detail, action, status, first_seen
FROM findings
ORDER BY town_name, village_name,
         CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END,
         rule, household_no NULLS LAST, name NULLS LAST, finding_id`

// village is one village's findings, in workbook order.
type village struct {
	town, name string
	findings   []finding
}

// finding is one row of the findings view as a workbook shows it; NULL text reads as "".
type finding struct {
	id, rule, title, severity   string
	householdNo, name, idNumber string
	detail, action, status      string
	firstSeen                   time.Time
}

// rule is one rule_catalogue row: what the 说明 sheet says about a rule.
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
		// No run: the findings view is empty and no workbook is written.
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read as_of of the latest run: %w", err)
	}
	return asOf, nil
}
