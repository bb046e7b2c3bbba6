package pipeline

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bidui/bidui/fixtures"
)

// site makes an empty inbox and returns a config that uses it and a database and out folder beside it.
func site(t *testing.T) Config {
	t.Helper()
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.Inbox = filepath.Join(dir, "inbox")
	cfg.DB = filepath.Join(dir, "bidui.duckdb")
	cfg.Out = filepath.Join(dir, "out")
	cfg.AsOf = MustDate("2023-06-10")
	if err := os.MkdirAll(cfg.Inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// townSite is site with a small generated town (four villages, every rule planted) in its inbox.
func townSite(t *testing.T, seed int64) (Config, *fixtures.Result) {
	t.Helper()
	cfg := site(t)
	town, err := fixtures.Write(filepath.Dir(cfg.Inbox), fixtures.Options{Size: fixtures.SizeTown, Seed: seed, AsOf: cfg.AsOf.Time(),
		Villages: 4, Households: 25})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Inbox = town.Inbox
	return cfg, town
}

// oneFileSite is site with one small gs file in its inbox: a run on it loads a file, and so publishes.
func oneFileSite(t *testing.T) Config {
	t.Helper()
	cfg := site(t)
	gs := "县,乡镇,村,户编号,姓名,证件号码,与户主关系,出生日期\n某县,某镇,甲村,1,张三,370323198001011234,户主,1980-01-01\n"
	if err := os.WriteFile(filepath.Join(cfg.Inbox, "全国系统.csv"), []byte(gs), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestHistoryFromOlderSchema: a database published by an older bidui, whose tables have fewer columns,
// gives its history to the new one column by column.
func TestHistoryFromOlderSchema(t *testing.T) {
	cfg := oneFileSite(t)
	execSQL(t, cfg.DB,
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)`,
		`INSERT INTO schema_migrations VALUES (1, 'core', now())`,
		`CREATE TABLE runs (run_id BIGINT, started_at TIMESTAMP, as_of DATE, status VARCHAR)`,
		`INSERT INTO runs VALUES (41, TIMESTAMP '2023-06-01 02:00:00', DATE '2023-06-01', 'ok')`)
	sum, err := Run(context.Background(), cfg, Options{})
	if err != nil && !errors.Is(err, ErrPartial) {
		t.Fatal(err)
	}
	if sum.RunID != 42 {
		t.Errorf("run id %d, want 42 (after the published 41)", sum.RunID)
	}
	db, err := sql.Open("duckdb", cfg.DB+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM runs WHERE run_id IN (41, 42)`).Scan(&n); err != nil || n != 2 {
		t.Errorf("runs 41 and 42: %d, %v", n, err)
	}
}

// TestRefusesNewerSchema: a database written by a newer bidui is left alone, not truncated.
func TestRefusesNewerSchema(t *testing.T) {
	cfg := site(t)
	execSQL(t, cfg.DB,
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)`,
		`INSERT INTO schema_migrations VALUES (999, 'future', now())`)
	before, _ := os.ReadFile(cfg.DB)
	_, err := Run(context.Background(), cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer than this bidui") {
		t.Fatalf("err = %v", err)
	}
	after, _ := os.ReadFile(cfg.DB)
	if string(before) != string(after) {
		t.Error("the published database changed")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(cfg.DB), ".bidui.duckdb.tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestStaleWALMovedAside: a WAL beside the published name (left by someone who opened it for writing) must not
// be replayed into the new database: the run moves it aside.
func TestStaleWALMovedAside(t *testing.T) {
	cfg := oneFileSite(t)
	if _, err := Run(context.Background(), cfg, Options{}); err != nil && !errors.Is(err, ErrPartial) {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg.DB+".wal", []byte("not a wal of the new file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), cfg, Options{}); err != nil && !errors.Is(err, ErrPartial) {
		t.Fatal(err)
	}
	if _, err := os.Stat(cfg.DB + ".wal"); err == nil {
		t.Error("the stale WAL is still beside the published database")
	}
	aside, _ := filepath.Glob(cfg.DB + ".wal.stale-*")
	if len(aside) != 1 {
		t.Errorf("stale WAL moved aside: %v", aside)
	}
	db, err := sql.Open("duckdb", cfg.DB+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM runs`).Scan(&n); err != nil || n != 2 {
		t.Errorf("runs: %d, %v", n, err)
	}
}

// TestDatabaseInsideInbox: a database kept in the inbox folder is not read as an input file, nor is its lock.
func TestDatabaseInsideInbox(t *testing.T) {
	cfg, _ := townSite(t, 4)
	cfg.DB = filepath.Join(cfg.Inbox, "bidui.duckdb")
	for range 2 {
		sum, err := Run(context.Background(), cfg, Options{})
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		for _, f := range sum.Files {
			if strings.HasPrefix(filepath.Base(f.Path), "bidui.duckdb") {
				t.Errorf("the database's own file %s was read as input (%s)", f.Path, f.Status)
			}
		}
	}
}

// townMedical is townSite (seed 3) with the path and bytes of its 医保 file.
func townMedical(t *testing.T) (Config, string, []byte) {
	t.Helper()
	cfg, _ := townSite(t, 3)
	path, b := inboxFile(t, cfg.Inbox, "*医保*.csv")
	return cfg, path, b
}

// inboxFile returns the path and bytes of the one file of inbox whose name matches pattern.
func inboxFile(t *testing.T, inbox, pattern string) (string, []byte) {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(inbox, pattern))
	if err != nil || len(m) != 1 {
		t.Fatalf("the town's %s file: %v %v", pattern, m, err)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	return m[0], b
}

// TestFilesThatDisagree: a second 医保 file with the same rows but one person's total cost changed loads
// beside the first; the rows both have count once, and the summary names the two files as disagreeing about
// one person.
func TestFilesThatDisagree(t *testing.T) {
	cfg, medical, b := townMedical(t)
	lines := bytes.SplitAfter(b, []byte("\n"))
	// The last field of the first data row (医疗总费用) gains a digit.
	row := bytes.TrimRight(lines[1], "\r\n")
	lines[1] = append(append(append([]byte{}, row...), '1'), lines[1][len(row):]...)
	other := filepath.Join(cfg.Inbox, "医保_更正.csv")
	if err := os.WriteFile(other, bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), cfg, Options{})
	if err != nil && !errors.Is(err, ErrPartial) {
		t.Fatal(err)
	}
	if len(sum.DuplicateRows) != 1 || sum.DuplicateRows[0].Rows != int64(len(lines)-3) || sum.DuplicateRows[0].Of != other {
		t.Errorf("duplicate rows %+v, want all but one of the %d rows, kept under %s", sum.DuplicateRows, len(lines)-2, other)
	}
	want := Disagreement{Kind: "medical", Files: [2]string{medical, other}, Persons: 1}
	if other < medical {
		want.Files = [2]string{other, medical}
	}
	if len(sum.Disagreements) != 1 || sum.Disagreements[0] != want {
		t.Errorf("disagreements %+v, want %+v", sum.Disagreements, want)
	}
}

// TestDroppedRowsComeBack: rows not loaded because an earlier file had them are loaded again the night that
// file is gone: the file that lost them is parsed again rather than carried without them.
func TestDroppedRowsComeBack(t *testing.T) {
	cfg, medical, b := townMedical(t)
	rows := bytes.Count(b, []byte("\n")) - 1
	earlier := filepath.Join(cfg.Inbox, "医保_重报.csv") // before the town's file by name
	if err := os.WriteFile(earlier, append(b, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	for night, want := range []int64{0, int64(rows)} {
		sum, err := Run(context.Background(), cfg, Options{})
		if err != nil && !errors.Is(err, ErrPartial) {
			t.Fatal(err)
		}
		for _, f := range sum.Files {
			if f.Path == medical && f.Loaded != want {
				t.Errorf("night %d: %s loaded %d rows (%s), want %d", night+1, f.Path, f.Loaded, f.Status, want)
			}
		}
		if err := os.Remove(earlier); err != nil && night == 0 {
			t.Fatal(err)
		}
	}
}
