package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
	p := func(name string) string { return filepath.Join(out, name) }
	for _, q := range []string{
		"COPY (SELECT * FROM findings) TO '" + p("f.csv") + "'",
		"COPY findings TO '" + p("f.parquet") + "' (FORMAT parquet)",
		"COPY findings TO '" + p("f.json") + "' (FORMAT json)",
		"COPY (SELECT 1) TO '" + p("dir") + "' (FORMAT csv, PARTITION_BY (1))",
		"EXPORT DATABASE '" + p("export") + "'",
		"ATTACH '" + p("new.duckdb") + "' AS other",
		"ATTACH '" + p("new2.duckdb") + "' AS other (READ_ONLY false)",
		"ATTACH '" + p("new.sqlite") + "' AS other (TYPE sqlite)",
		"SET enable_external_access = true",
		"SET lock_configuration = false",
		"RESET lock_configuration",
		"SET profiling_output = '" + p("profile.json") + "'",
		"PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = '" + p("profile2.json") + "'; SELECT 1",
		"SET temp_directory = '" + p("spill") + "'",
		"CALL enable_logging(level => 'trace', storage => 'file', storage_path => '" + p("log") + "'); SELECT count(*) FROM findings",
		"SELECT * FROM ENABLE_LOGGING(storage => 'file', storage_path => '" + p("log2") + "')",
		"CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v')",
		"INSTALL json",
		"LOAD '" + p("ext.duckdb_extension") + "'",
		"SELECT * FROM read_csv('/etc/passwd')",
	} {
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
