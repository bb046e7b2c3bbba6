package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/bidui/bidui/pipeline"
	"github.com/bidui/bidui/sources"
)

// errPartialCheck makes `bidui check` exit 3 when some file or sheet has a problem.
var errPartialCheck = pipeline.ErrPartial

const checkUsage = `
Usage: bidui check FILE...

A dry run for a new department file: says for each file and sheet which source kind it is, its header row,
how its headers map to columns, and how many rows would load, be skipped or rejected. Writes nothing.
Exits 3 when a file or sheet cannot be read or matches no kind.

Examples:
  bidui check inbox/民政_农村低保名册.csv
  bidui check ~/下载/*.xlsx
`

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "check", checkUsage)
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("check: no file given (see bidui check -h)")
	}
	problems := 0
	for _, path := range fs.Args() {
		results, err := sources.Check(ctx, path, sources.Options{})
		if err != nil {
			return err
		}
		for _, r := range results {
			printCheck(e, r)
			if r.Err != nil {
				problems++
			}
		}
	}
	if problems > 0 {
		fmt.Fprintf(e.stdout, "%d problem(s)\n", problems)
		return errPartialCheck
	}
	return nil
}

func printCheck(e *env, r sources.Result) {
	w := e.stdout
	kind := string(r.Kind)
	if kind == "" {
		kind = "?"
	}
	fmt.Fprintf(w, "%s", filepath.Base(r.Path))
	if r.Sheet != "" {
		fmt.Fprintf(w, " [%s]", r.Sheet)
	}
	fmt.Fprintf(w, ": %s, kind %s", r.Status, kind)
	if r.Format != "" {
		fmt.Fprintf(w, ", format %s", r.Format)
	}
	if r.Encoding != "" {
		fmt.Fprintf(w, " (%s)", r.Encoding)
	}
	fmt.Fprintln(w)
	if r.HeaderRow > 0 {
		fmt.Fprintf(w, "  header row %d\n", r.HeaderRow)
	}
	if len(r.Columns) > 0 {
		var canon []string
		for c := range r.Columns {
			canon = append(canon, c)
		}
		sort.Strings(canon)
		var parts []string
		for _, c := range canon {
			parts = append(parts, fmt.Sprintf("%s←%s", c, r.Columns[c]))
		}
		fmt.Fprintf(w, "  columns: %s\n", strings.Join(parts, ", "))
	}
	if len(r.HeadersSeen) > 0 {
		fmt.Fprintf(w, "  headers seen: %s\n", strings.Join(r.HeadersSeen, ", "))
	}
	if len(r.MarkColumns) > 0 {
		var parts []string
		for _, c := range r.MarkColumns {
			parts = append(parts, fmt.Sprintf("%s←%s", c, r.Columns[c]))
		}
		fmt.Fprintf(w, "  answered with marks (√/×), a blank read as 否: %s\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "  rows: read %d, would load %d, skipped %d, rejected %d\n", r.RowsRead, r.RowsLoaded, r.RowsSkipped, r.RowsRejected)
	printRejects(e, r.Rejects)
	if r.Err != nil {
		fmt.Fprintf(w, "  ! %v\n", r.Err)
	}
}

// checkRejectLines is how many rejects `bidui check` shows a sheet, after their count by reason.
const checkRejectLines = 10

// printRejects shows the rejects Check found: how many for each reason, then the first few with row, column
// and value. An ID is never shown: a rejected one is named by its row and column only.
func printRejects(e *env, rejects []sources.Reject) {
	if len(rejects) == 0 {
		return
	}
	w := e.stdout
	count := map[string]int{}
	for _, r := range rejects {
		count[r.Reason]++
	}
	reasons := make([]string, 0, len(count))
	for reason := range count {
		reasons = append(reasons, reason)
	}
	sort.Strings(reasons)
	var parts []string
	for _, reason := range reasons {
		parts = append(parts, fmt.Sprintf("%s %d", reason, count[reason]))
	}
	more := ""
	if len(rejects) >= sources.MaxCheckRejects {
		more = fmt.Sprintf(" (the first %d)", sources.MaxCheckRejects)
	}
	fmt.Fprintf(w, "  rejects%s: %s\n", more, strings.Join(parts, ", "))
	for i, r := range rejects {
		if i == checkRejectLines {
			fmt.Fprintf(w, "    … %d more\n", len(rejects)-i)
			break
		}
		where := "whole row"
		if r.Column != "" {
			where = "column " + r.Column
		}
		value := r.Value
		if strings.Contains(r.Field, "id") || r.Column == "" {
			value = "" // IDs stay out of what a terminal or a log may keep
		}
		if value != "" {
			value = " " + strconv.Quote(value)
		}
		fmt.Fprintf(w, "    row %d %s: %s%s\n", r.Row, where, r.Reason, value)
	}
}
