package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestImportAddsFilesWithoutRules: import loads a new file under the latest run without touching the
// findings; importing the same bytes again is refused and leaves the database as it was; without a published
// database import makes one.
func TestImportAddsFilesWithoutRules(t *testing.T) {
	cfg, _ := townSite(t, 5)
	ctx := context.Background()
	if _, err := Run(ctx, cfg, Options{}); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, cfg.DB, 1)

	extra := filepath.Join(t.TempDir(), "特困人员名册.csv")
	body := "县,乡镇,村,姓名,身份证号码,供养方式,认定日期,状态\n某县,某镇,甲村,赵六,11010519491231002X,分散供养,2022-03-01,正常\n"
	if err := os.WriteFile(extra, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	// A WAL beside the published file (someone opened it for writing) is moved aside, as a run does.
	if err := os.WriteFile(cfg.DB+".wal", []byte("not a wal of the new file"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := Import(ctx, cfg, []string{extra}, Options{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if aside, _ := filepath.Glob(cfg.DB + ".wal.stale-*"); len(aside) != 1 {
		t.Errorf("stale WAL moved aside: %v", aside)
	}
	if len(sum.Files) != 1 || sum.Files[0].Kind != "tekun" || sum.Files[0].Loaded != 1 {
		t.Fatalf("import summary files %+v", sum.Files)
	}
	after := takeSnapshot(t, cfg.DB, 1)
	if after.findings == nil || len(after.findings) != len(before.findings) {
		t.Errorf("findings changed: %v, before %v", after.findings, before.findings)
	}
	if after.rows == before.rows {
		t.Errorf("no new source rows: %s", after.rows)
	}
	var runs, inRun1 int
	execQuery(t, cfg.DB, `SELECT count(*) FROM runs`, &runs)
	execQuery(t, cfg.DB, `SELECT count(*) FROM files WHERE run_id = 1 AND path LIKE '%特困人员名册.csv' AND path NOT LIKE '%/inbox/%'`, &inRun1)
	if runs != 1 || inRun1 != 1 {
		t.Errorf("runs %d, tekun files in run 1: %d; want 1 and 1", runs, inRun1)
	}

	hash := sha(t, cfg.DB)
	if _, err := Import(ctx, cfg, []string{extra}, Options{}); !errors.Is(err, ErrAlreadyLoaded) {
		t.Errorf("importing the same file again: %v, want ErrAlreadyLoaded", err)
	}
	if sha(t, cfg.DB) != hash {
		t.Error("a refused import changed the published database")
	}

	fresh := site(t)
	if _, err := Import(ctx, fresh, []string{extra}, Options{}); err != nil {
		t.Fatalf("import without a published database: %v", err)
	}
	var status string
	execQuery(t, fresh.DB, `SELECT status FROM runs`, &status)
	if status != "import" {
		t.Errorf("run status %q, want import", status)
	}
}

func execQuery(t *testing.T, path, q string, dest any) {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(q).Scan(dest); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func sha(t *testing.T, path string) string {
	t.Helper()
	s, err := fileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
