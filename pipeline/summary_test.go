package pipeline

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"

	biduisql "github.com/bidui/bidui/sql"
)

// TestFindingCounts: the finding_counts view, which the summary reads, takes a town or village that is NULL,
// empty or only blanks for unknown, trims names, and counts as still present only new and open findings with
// feedback.
func TestFindingCounts(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("duckdb", filepath.Join(t.TempDir(), "counts.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := biduisql.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	rows := []struct {
		id, rule, town, village, status, feedback any
	}{
		{"A-1", "A", "鲁村镇", "刘家崖村", "new", "已反馈修正仍存在"},
		{"A-2", "A", " 鲁村镇 ", "刘家崖村 ", "open", nil},
		{"A-3", "A", "鲁村镇", "刘家崖村", "resolved", "已反馈修正仍存在"}, // by hand: settling never does this
		{"B-1", "B", "", "未落村", "waived", nil},
		{"B-2", "B", nil, "  ", "open", "已反馈修正仍存在"},
	}
	for _, r := range rows {
		if _, err := db.Exec(`INSERT INTO findings_history (run_id, finding_id, rule, title, severity, level, subject, town,
			village, status, first_seen, last_seen, feedback) VALUES (1, ?, ?, '规则' || ?, 'high', 'person', ?, ?, ?, ?,
			DATE '2023-06-10', DATE '2023-06-10', ?)`, r.id, r.rule, r.rule, r.id, r.town, r.village, r.status, r.feedback); err != nil {
			t.Fatal(err)
		}
	}
	byRule, villages, err := countFindings(ctx, db, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []VillageSummary{
		{Town: "未知乡镇", Village: "未落村", Open: 1, Waived: 1},
		{Town: "鲁村镇", Village: "刘家崖村", New: 1, Open: 1, Resolved: 1},
	}
	if !reflect.DeepEqual(villages, want) {
		t.Errorf("by village %+v, want %+v", villages, want)
	}
	wantRules := map[string]RuleSummary{"A": {Code: "A", New: 1, Open: 1, Resolved: 1}, "B": {Code: "B", Open: 1, Waived: 1}}
	if !reflect.DeepEqual(byRule, wantRules) {
		t.Errorf("by rule %+v, want %+v", byRule, wantRules)
	}
	var still int64
	if err := db.QueryRow(`SELECT sum(feedback_still_present)::BIGINT FROM finding_counts WHERE run_id = 1`).Scan(&still); err != nil || still != 2 {
		t.Errorf("feedback still present %d (%v), want 2: the new and the open one, not the resolved one", still, err)
	}
}
