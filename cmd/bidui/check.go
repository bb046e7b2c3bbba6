package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
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
		results, err := sources.Check(ctx, path)
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
	if r.Err != nil {
		fmt.Fprintf(w, "  ! %v\n", r.Err)
	}
}
