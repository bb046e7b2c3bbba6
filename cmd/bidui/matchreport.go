package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/bidui/bidui/match"
)

const matchReportUsage = `
Usage: bidui match-report [--config FILE] [--db FILE] [--answer-key FILE]

Reports how the last run linked source rows to persons, from the published database opened read-only: links
per method with their mean score, and per source the rows linked, sent to manual review (several
candidates) and left unresolved. With --answer-key (the fixtures' answer_key_rows.csv: file, sheet, row_no,
kind, person_id, corruption) it also gives precision and recall per corruption type, beside what exact-ID
matching alone would achieve, and the number of wrong links between namesakes.

Examples:
  bidui match-report
  bidui match-report --db county.duckdb --answer-key county/answer_key_rows.csv
`

func runMatchReport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "match-report", matchReportUsage)
	var d dbFlags
	d.register(fs)
	answerKey := fs.String("answer-key", "", "answer_key_rows.csv of a generated data set, to measure precision and recall")
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("match-report: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := d.load(fs, nil)
	if err != nil {
		return err
	}
	db, err := openReadOnly(cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := writeMethods(ctx, e.stdout, db); err != nil {
		return err
	}
	if err := writeUnresolved(ctx, e.stdout, db); err != nil {
		return err
	}
	if *answerKey == "" {
		return nil
	}
	q, err := match.Evaluate(ctx, db, *answerKey)
	if err != nil {
		return err
	}
	writeQuality(e.stdout, q)
	return nil
}

func writeMethods(ctx context.Context, w io.Writer, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT method, count(*), avg(score) FROM links GROUP BY method
		ORDER BY list_position(?::VARCHAR[], method), method`, match.Methods)
	if err != nil {
		return fmt.Errorf("links by method: %w", err)
	}
	defer rows.Close()
	fmt.Fprintln(w, "比对方式（links by method）")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\tlinks\tmean score\t")
	for rows.Next() {
		var m string
		var n int64
		var s float64
		if err := rows.Scan(&m, &n, &s); err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t\n", m, n, s)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	tw.Flush()
	fmt.Fprintln(w)
	return nil
}

func writeUnresolved(ctx context.Context, w io.Writer, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `
		WITH judged AS (
		    SELECT s.kind, s.priority, l.row_no IS NOT NULL AS linked, r.row_no IS NOT NULL AS review, s.id_number IS NULL AS no_id
		    FROM src_person_rows s
		    LEFT JOIN links l ON l.kind = s.kind AND l.file_id = s.file_id AND l.row_no = s.row_no
		    LEFT JOIN match_review r ON r.kind = s.kind AND r.file_id = s.file_id AND r.row_no = s.row_no
		)
		SELECT kind, count(*), count(*) FILTER (WHERE linked), count(*) FILTER (WHERE review),
		       count(*) FILTER (WHERE NOT linked AND NOT review),
		       count(*) FILTER (WHERE NOT linked AND NOT review AND no_id)
		FROM judged GROUP BY kind
		ORDER BY min(priority)`)
	if err != nil {
		return fmt.Errorf("rows by source: %w", err)
	}
	defer rows.Close()
	fmt.Fprintln(w, "各来源比对结果（rows by source）")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "source\trows\tlinked\tto review (match_review)\tunresolved\tof which no ID\t")
	for rows.Next() {
		var k string
		var n, linked, review, unresolved, noID int64
		if err := rows.Scan(&k, &n, &linked, &review, &unresolved, &noID); err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t\n", k, n, linked, review, unresolved, noID)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	tw.Flush()
	fmt.Fprintln(w)
	return nil
}

func writeQuality(w io.Writer, q *match.Quality) {
	fmt.Fprintln(w, "与答案比对（against the answer key; baseline = exact valid ID only）")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "corruption\trows\tlinkable\tlinked\tcorrect\tprecision\trecall\tbaseline precision\tbaseline recall\tto review\tnamesake merges\t")
	line := func(name string, c match.Counts) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.4f%%\t%.4f%%\t%.4f%%\t%.4f%%\t%d\t%d\t\n", name, c.Rows, c.Linkable, c.Linked, c.Correct,
			100*c.Precision(), 100*c.Recall(), 100*c.BaselinePrecision(), 100*c.BaselineRecall(), c.Review, c.SameName)
	}
	codes := make([]string, 0, len(q.ByCorruption))
	for code := range q.ByCorruption {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		line(code, q.ByCorruption[code])
	}
	line("ALL", q.All)
	tw.Flush()
	if q.Missing > 0 {
		fmt.Fprintf(w, "%d answer-key rows name a file, sheet or row that the last run did not load\n", q.Missing)
	}
}
