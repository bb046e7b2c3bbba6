package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// floor reads every file of its format in inbox the cheapest way and returns the number of rows read.
func floor(ctx context.Context, format, inbox string) (int64, error) {
	if st, err := os.Stat(inbox); err != nil {
		return 0, err
	} else if !st.IsDir() {
		return 0, fmt.Errorf("%s is not a folder", inbox)
	}
	files, err := filepath.Glob(filepath.Join(inbox, "*"))
	if err != nil {
		return 0, err
	}
	if format == "xlsx" {
		return floorXLSXFiles(files)
	}
	return floorCSVFiles(ctx, files)
}

func floorXLSXFiles(files []string) (int64, error) {
	var n int64
	for _, p := range files {
		if !strings.HasSuffix(p, ".xlsx") {
			continue
		}
		f, err := excelize.OpenFile(p)
		if err != nil {
			return 0, err
		}
		for _, sheet := range f.GetSheetList() {
			rows, err := f.Rows(sheet)
			if err != nil {
				return 0, err
			}
			for rows.Next() {
				if _, err := rows.Columns(); err != nil {
					return 0, err
				}
				n++
			}
			rows.Close()
		}
		f.Close()
	}
	return n, nil
}

// floorCSVFiles loads every CSV file with DuckDB's read_csv (all_varchar, from its header row on) and joins each
// to the gs file by the ID column, exactly. GB18030 files are first decoded to UTF-8, and that is timed too:
// DuckDB cannot read GB18030 without an extension, and bidui must decode them as well.
func floorCSVFiles(ctx context.Context, files []string) (int64, error) {
	tmp, err := os.MkdirTemp("", "bidui-floor-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	db, err := sql.Open("duckdb", filepath.Join(tmp, "floor.duckdb"))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	type table struct {
		name, idCol string
		gs          bool
	}
	var tables []table
	var total int64
	for i, p := range files {
		if !strings.HasSuffix(p, ".csv") && !strings.HasSuffix(p, ".txt") {
			continue
		}
		utf8Path, skip, header, err := prepareCSV(p, tmp)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", p, err)
		}
		if header == nil {
			continue
		}
		t := table{name: fmt.Sprintf("t%d", i), gs: slices.Contains(header, "户编号")}
		for _, h := range header {
			if strings.Contains(h, "身份证") || strings.Contains(h, "证件号码") {
				t.idCol = h
				break
			}
		}
		// The quote is the standard one: sniffed, a name with an apostrophe once made ' the quote. A file
		// that DuckDB's parallel reader refuses (quoted line breaks with null padding) is read serially.
		q := fmt.Sprintf(`CREATE TABLE %s AS SELECT * FROM read_csv('%s', all_varchar = true, header = true, skip = %d,
			quote = '"', escape = '"', null_padding = true, strict_mode = false%%s)`, t.name, strings.ReplaceAll(utf8Path, "'", "''"), skip)
		if _, err := db.ExecContext(ctx, fmt.Sprintf(q, "")); err != nil {
			if !strings.Contains(err.Error(), "parallel=false") {
				return 0, fmt.Errorf("%s: %w", p, err)
			}
			if _, err := db.ExecContext(ctx, fmt.Sprintf(q, ", parallel = false")); err != nil {
				return 0, fmt.Errorf("%s: %w", p, err)
			}
		}
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&n); err != nil {
			return 0, err
		}
		total += n
		tables = append(tables, t)
	}
	var gs *table
	for i := range tables {
		if tables[i].gs {
			gs = &tables[i]
		}
	}
	if gs == nil || gs.idCol == "" {
		return total, nil
	}
	for _, t := range tables {
		if t.gs || t.idCol == "" {
			continue
		}
		var n int64
		q := fmt.Sprintf(`SELECT count(*) FROM %s a JOIN %s g ON a."%s" = g."%s"`, t.name, gs.name, t.idCol, gs.idCol)
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// prepareCSV returns a UTF-8 version of the CSV file p (p itself when it is UTF-8), the number of lines
// before its header (title lines) and the header's fields; a nil header when none of the first 20 lines
// looks like one.
func prepareCSV(p, tmp string) (string, int, []string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, nil, err
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	path := p
	if !utf8Valid(head) {
		path = filepath.Join(tmp, filepath.Base(p)+".utf8.csv")
		out, err := os.Create(path)
		if err != nil {
			return "", 0, nil, err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return "", 0, nil, err
		}
		w := bufio.NewWriter(out)
		if _, err := io.Copy(w, simplifiedchinese.GB18030.NewDecoder().Reader(f)); err != nil {
			return "", 0, nil, err
		}
		if err := w.Flush(); err != nil {
			return "", 0, nil, err
		}
		out.Close()
		b, err := os.ReadFile(path)
		if err != nil {
			return "", 0, nil, err
		}
		head = b[:min(len(b), 64<<10)]
	}
	lines := strings.Split(strings.TrimPrefix(string(head), "\ufeff"), "\n")
	for i, l := range lines[:min(len(lines), 20)] {
		if strings.Contains(l, "身份证") || strings.Contains(l, "证件号码") {
			sep := ","
			if strings.Count(l, "\t") > strings.Count(l, ",") {
				sep = "\t"
			}
			fields := strings.Split(strings.TrimRight(l, "\r"), sep)
			for j := range fields {
				fields[j] = strings.Trim(fields[j], `" `)
			}
			return path, i, fields, nil
		}
	}
	return path, 0, nil, nil
}

func utf8Valid(b []byte) bool {
	// A multi-byte sequence cut at the end of the sample is not an error.
	for range 3 {
		if len(b) == 0 || utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}
