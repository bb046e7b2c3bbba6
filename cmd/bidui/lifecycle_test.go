package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFindingsAcrossRuns follows the findings of the town through nightly runs of the binary: the same inbox
// twice gives the same finding_ids, open; without the medical file YB-01…YB-04 are skipped with the reason
// and nobody is flagged by them; a source row removed makes its finding resolved in findings_history.
func TestFindingsAcrossRuns(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)
	first := queryLines(t, s.db, "SELECT finding_id || '|' || status FROM findings ORDER BY 1")
	if len(first) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range first {
		if !strings.HasSuffix(f, "|new") {
			t.Fatalf("first run: %s, want new", f)
		}
	}
	s.publish(t)
	second := queryLines(t, s.db, "SELECT finding_id || '|' || status FROM findings ORDER BY 1")
	var want []string
	for _, f := range first {
		want = append(want, strings.TrimSuffix(f, "|new")+"|open")
	}
	if !slices.Equal(second, want) {
		t.Errorf("second run on the same inbox:\n%v\nwant\n%v", second, want)
	}

	// A finding that rests on one medical row: YB-04 (high self-pay, not monitored) needs only the medical file.
	gone := queryLines(t, s.db, "SELECT finding_id || '|' || id_number FROM findings WHERE rule = 'YB-04' ORDER BY 1 LIMIT 1")
	if len(gone) != 1 {
		t.Fatal("the town has no YB-04 finding")
	}
	goneID, goneNumber, _ := strings.Cut(gone[0], "|")
	medical, err := filepath.Glob(filepath.Join(s.inbox, "*医保*"))
	if err != nil || len(medical) != 1 {
		t.Fatalf("the medical file: %v %v", medical, err)
	}
	aside := filepath.Join(s.dir, filepath.Base(medical[0]))
	if err := os.Rename(medical[0], aside); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := s.runBinary(t, s.args()...)
	if code != 3 {
		t.Fatalf("run without the medical file: exit %d, want 3:\n%s\n%s", code, stdout, stderr)
	}
	skipped := queryLines(t, s.db, `SELECT rule || '|' || status || '|' || reason FROM rule_runs
		WHERE run_id = (SELECT max(run_id) FROM runs) AND rule LIKE 'YB-%' ORDER BY 1`)
	if len(skipped) != 4 {
		t.Errorf("YB rules recorded: %q, want YB-01…YB-04", skipped)
	}
	for _, r := range skipped {
		if !strings.Contains(r, "|skipped|") || !strings.Contains(r, "医保") {
			t.Errorf("without the medical file: %s, want skipped with a reason naming 医保", r)
		}
	}
	// Their findings could not be checked: they stay open, as they were, marked not rechecked.
	if n := queryInt(t, s.db, "SELECT count(*) FROM findings WHERE rule LIKE 'YB-%' AND (status <> 'open' OR not_rechecked NOT LIKE '%医保%')"); n != 0 {
		t.Errorf("%d YB findings without the medical file that are not open and marked not rechecked", n)
	}
	if n := queryInt(t, s.db, "SELECT count(*) FROM findings WHERE finding_id = '"+goneID+"'"); n != 1 {
		t.Errorf("%s is not among the findings of the run without the medical file", goneID)
	}
	for _, r := range []string{"YB-01", "YB-02", "YB-03", "YB-04"} {
		if !strings.Contains(stdout, r+" 已跳过") {
			t.Errorf("the summary does not say %s was skipped", r)
		}
	}

	// The medical file back, without the rows of the YB-04 finding's person.
	b, err := os.ReadFile(aside)
	if err != nil {
		t.Fatal(err)
	}
	var kept [][]byte
	removed := 0
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if bytes.Contains(line, []byte(goneNumber)) {
			removed++
			continue
		}
		kept = append(kept, line)
	}
	if removed == 0 {
		t.Fatalf("no medical row holds the YB-04 finding's ID")
	}
	if err := os.WriteFile(medical[0], bytes.Join(kept, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	s.publish(t)
	got := queryLines(t, s.db, "SELECT status FROM findings_history WHERE finding_id = '"+goneID+"' AND run_id = (SELECT max(run_id) FROM runs)")
	if !slices.Equal(got, []string{"resolved"}) {
		t.Errorf("%s after its medical rows were removed: %v, want resolved", goneID, got)
	}
	if n := queryInt(t, s.db, "SELECT count(*) FROM findings WHERE finding_id = '"+goneID+"'"); n != 0 {
		t.Errorf("%s is still among the findings", goneID)
	}
	if n := queryInt(t, s.db, "SELECT count(*) FROM findings WHERE rule = 'YB-04'"); n == 0 {
		t.Error("no YB-04 finding left: the file was damaged, not edited")
	}
}
