package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The parts of the run a department's file or an analyst's query can reach: the limits of [limits], bidui
// check's rejects, and bidui sql's refusal to write.

// TestLimitsFromConfig: a [limits] key of the config file reaches the importer: with line_bytes set low, a
// CSV with a long line fails naming limits.line_bytes, the other files load, and the run exits 3.
func TestLimitsFromConfig(t *testing.T) {
	s := newSite(t, 0)
	config := filepath.Join(s.dir, "bidui.toml")
	if err := os.WriteFile(config, []byte("[limits]\nline_bytes = 2000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	long := "姓名,身份证号,参保状态\n" + "张三," + strings.Repeat("1", 2500) + ",正常\n"
	if err := os.WriteFile(filepath.Join(s.inbox, "长行.csv"), []byte(long), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := s.runBinary(t, append(s.args(), "--config", config)...)
	if code != 3 {
		t.Fatalf("run exited %d, want 3:\n%s", code, stderr)
	}
	got := queryLines(t, s.db, `SELECT status || ' ' || error FROM files
		WHERE run_id = (SELECT max(run_id) FROM runs) AND path LIKE '%长行.csv'`)
	if len(got) != 1 || !strings.HasPrefix(got[0], "failed") || !strings.Contains(got[0], "limits.line_bytes") {
		t.Errorf("长行.csv: %q, want failed naming limits.line_bytes", got)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM files WHERE run_id = (SELECT max(run_id) FROM runs) AND status = 'loaded'`); n < 6 {
		t.Errorf("%d files loaded beside it", n)
	}

	if err := os.WriteFile(config, []byte("[limits]\ncell_bytes = 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := s.runBinary(t, append(s.args(), "--config", config)...); code != 2 || !strings.Contains(stderr, "limits.cell_bytes") {
		t.Errorf("cell_bytes = 0: exit %d, want 2 naming limits.cell_bytes:\n%s", code, stderr)
	}
}

// TestCheckShowsRejects: bidui check lists the value rejects of a sheet by reason and row, and never shows an
// ID it rejected.
func TestCheckShowsRejects(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "低保.csv")
	rows := "户主姓名,姓名,身份证号,批准日期,月保障金额\n"
	for i := 1; i <= 3; i++ {
		rows += "张三,张" + strconv.Itoa(i) + ",370323198001011234,2023-13-45,abc\n"
	}
	rows += "张三,李四,3.70323198001011E+17,2023-01-05,100\n"
	if err := os.WriteFile(path, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err := Run(context.Background(), []string{"check", path}, nil, &out, io.Discard)
	if err != nil && !errors.Is(err, errPartialCheck) {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"rejects: bad_date 3, bad_number 3, id_excel_rounded 1", `row 2 column 批准日期: bad_date "2023-13-45"`,
		`row 2 column 月保障金额: bad_number "abc"`, "row 5 column 身份证号: id_excel_rounded\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("check output does not say %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "3.70323198001011E+17") {
		t.Errorf("check output shows a rejected ID:\n%s", got)
	}
}

// TestSQLWritesNoFile: every way DuckDB has of writing a file (COPY … TO in each format, EXPORT DATABASE,
// ATTACH of a new file, a setting that sends logs or profiles to a file, a persistent secret, an extension
// install) is refused by bidui sql, and no file appears anywhere it could have gone: beside the database,
// in the working folder or in the home folder.
func TestSQLWritesNoFile(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	out := t.TempDir()
	before := listTree(t, s.dir, home, out)
	queries := []string{"COPY (SELECT 1) TO 'OUT/dir' (FORMAT csv, PARTITION_BY (1))"}
	for _, format := range []string{"csv", "parquet", "json"} {
		queries = append(queries, "COPY findings TO 'OUT/f."+format+"' (FORMAT "+format+")")
	}
	for _, q := range append(queries, "EXPORT DATABASE 'OUT/export'",
		"ATTACH 'OUT/new.duckdb' AS other", "ATTACH 'OUT/new2.duckdb' AS other (READ_ONLY false)", "ATTACH 'OUT/new.sqlite' AS other (TYPE sqlite)",
		"SET enable_external_access = true", "SET lock_configuration = false", "RESET lock_configuration", "SET temp_directory = 'OUT/spill'",
		"SET profiling_output = 'OUT/profile.json'", "PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = 'OUT/profile2.json'; SELECT 1",
		"CALL enable_logging(level => 'trace', storage => 'file', storage_path => 'OUT/log'); SELECT count(*) FROM findings",
		"SELECT * FROM ENABLE_LOGGING(storage => 'file', storage_path => 'OUT/log2')",
		"CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v')", "INSTALL json", "LOAD 'OUT/ext.duckdb_extension'",
		"SELECT * FROM read_csv('/etc/passwd')",
	) {
		q = strings.ReplaceAll(q, "OUT/", out+"/")
		if err := Run(context.Background(), []string{"sql", "--db", s.db, q}, nil, io.Discard, io.Discard); err == nil {
			t.Errorf("bidui sql accepted: %s", q)
		}
	}
	after := listTree(t, s.dir, home, out)
	for f := range after {
		if !before[f] {
			t.Errorf("bidui sql left %s", f)
		}
	}
}

// listTree returns every path under the given folders.
func listTree(t *testing.T, dirs ...string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	for _, d := range dirs {
		err := filepath.WalkDir(d, func(path string, _ os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !strings.HasSuffix(path, ".wal") {
				seen[path] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return seen
}
