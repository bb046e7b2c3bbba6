package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bidui/bidui/fixtures"
)

// TestFindingsMatchAnswerKeyWithSubsidyWindow runs the town once more with medical_subsidy_window set to the
// window its ZL-304 cases are planted against (10-01 to 03-31): the rule is skipped while the parameter is
// unset, so only this run compares it (and every other rule) with the answer key.
func TestFindingsMatchAnswerKeyWithSubsidyWindow(t *testing.T) {
	dir := t.TempDir()
	if _, err := fixtures.Write(dir, fixtures.Options{Size: fixtures.SizeTown, Seed: 1, Format: fixtures.FormatCSV}); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "bidui.toml")
	if err := os.WriteFile(config, []byte("[policy]\nmedical_subsidy_window = [\"10-01\", \"03-31\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &site{dir: dir, inbox: filepath.Join(dir, "inbox"), db: filepath.Join(dir, "bidui.duckdb"), out: filepath.Join(dir, "out")}
	if code, _, stderr := s.runBinary(t, s.args("--config", config)...); code != 0 {
		t.Fatalf("run exited %d:\n%s", code, stderr)
	}
	if ran := queryLines(t, s.db, "SELECT rule FROM rule_runs WHERE run_id = (SELECT max(run_id) FROM runs) AND rule = 'ZL-304' AND status = 'ran'"); len(ran) != 1 {
		t.Fatalf("ZL-304 did not run with the window set: %v", ran)
	}
	compareWithAnswerKey(t, s.dir, s.db)
}
