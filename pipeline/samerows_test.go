package pipeline

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bidui/bidui"
	"github.com/xuri/excelize/v2"
)

// TestSameRowsOtherBytesAreReplayed: files sent again with other bytes but the same rows (a CSV file with a
// line break at its end, a workbook saved again) are parsed again, and the published run's links and rule
// hits are replayed: the run holds exactly what computing them again (--reparse) gives.
func TestSameRowsOtherBytesAreReplayed(t *testing.T) {
	cfg, town := townSite(t, 3)
	ctx := context.Background()
	if _, err := Run(ctx, cfg, Options{Version: "v1"}); err != nil {
		t.Fatal(err)
	}
	roll, b := inboxFile(t, town.Inbox, "*教育_学籍信息.csv")
	if err := os.WriteFile(roll, append(b, "\r\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	tekun, _ := inboxFile(t, town.Inbox, "*特困人员名册.xlsx")
	saveAgain(t, tekun)

	second, dump2 := runSameRows(t, cfg)
	if want := []string{StageMatch, StageRules}; !slices.Equal(second.Replayed, want) || second.FromPublished {
		t.Fatalf("same rows in other bytes: replayed %v (from the published copy %v), want %v", second.Replayed,
			second.FromPublished, want)
	}
	for _, name := range []string{filepath.Base(roll), filepath.Base(tekun)} {
		if !strings.Contains(second.ReplayedBecause, name) {
			t.Errorf("replayed because %q, which does not name %s", second.ReplayedBecause, name)
		}
	}
	for _, f := range second.Files {
		want := bidui.FileCarried
		if f.Path == roll || f.Path == tekun {
			want = bidui.FileLoaded
		}
		if f.Status != want {
			t.Errorf("%s is %s, want %s", filepath.Base(f.Path), f.Status, want)
		}
	}
	c := cfg
	c.Reparse = true
	third, dump3 := runSameRows(t, c)
	if len(third.Replayed) != 0 {
		t.Fatalf("--reparse replayed %v", third.Replayed)
	}
	dump2.same(t, "replayed on the same rows", dump3.matchDump, true)
	dump2.sameFindings(t, "replayed on the same rows", dump3)
}

// TestOtherRowsAreNotReplayed: a file sent again with one cell changed, or with one row more, is not taken
// for the same rows: the run links and runs the rules again, and the finding the changed cell causes is
// raised.
func TestOtherRowsAreNotReplayed(t *testing.T) {
	cfg, town := townSite(t, 3)
	ctx := context.Background()
	first, err := Run(ctx, cfg, Options{Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	dump1 := takeSameRowsDump(t, cfg.DB, first.RunID)
	roll, b := inboxFile(t, town.Inbox, "*教育_学籍信息.csv")
	lines := strings.SplitAfter(string(b), "\n")
	if len(lines) < 3 {
		t.Fatalf("the education roll has %d lines", len(lines))
	}
	// One cell: the first pupil's ID with its check digit wrong.
	cells := strings.Split(lines[1], ",")
	id := cells[1]
	if len(id) != 18 {
		t.Fatalf("the first pupil's ID %q", id)
	}
	wrong := id[:17] + string("123456789X0"[strings.IndexByte("0123456789X", id[17])])
	cells[1] = wrong
	changed := lines[0] + strings.Join(cells, ",") + strings.Join(lines[2:], "")
	if err := os.WriteFile(roll, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	second, dump2 := runSameRows(t, cfg)
	if len(second.Replayed) != 0 {
		t.Fatalf("one cell changed: replayed %v because %q", second.Replayed, second.ReplayedBecause)
	}
	raised := false
	for _, f := range dump2.findingRows {
		if strings.Contains(f, wrong) && !slices.Contains(dump1.findingRows, f) {
			raised = true
		}
	}
	if !raised {
		t.Errorf("no finding names the changed ID %s", wrong)
	}

	// The rows as they were, and one more: a copy of the last.
	rows := strings.TrimRight(string(b), "\r\n")
	more := rows + "\n" + rows[strings.LastIndexByte(rows, '\n')+1:] + "\n"
	if err := os.WriteFile(roll, []byte(more), 0o644); err != nil {
		t.Fatal(err)
	}
	third, _ := runSameRows(t, cfg)
	if len(third.Replayed) != 0 {
		t.Fatalf("one row more: replayed %v because %q", third.Replayed, third.ReplayedBecause)
	}
}

// sameRowsDump is a matchDump with every column of the run's findings.
type sameRowsDump struct {
	matchDump
	findingRows []string
}

func runSameRows(t *testing.T, cfg Config) (*Summary, sameRowsDump) {
	t.Helper()
	sum, err := Run(context.Background(), cfg, Options{Version: "v1"})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return sum, takeSameRowsDump(t, cfg.DB, sum.RunID)
}

func takeSameRowsDump(t *testing.T, path string, runID int64) sameRowsDump {
	t.Helper()
	d := sameRowsDump{matchDump: takeMatchDump(t, path, runID)}
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT CAST(f AS VARCHAR) FROM (SELECT * EXCLUDE (run_id) FROM findings_history WHERE run_id = ?) f
		ORDER BY ALL`, runID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		d.findingRows = append(d.findingRows, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return d
}

// sameFindings reports how the findings of d2 differ from those of d, in every column.
func (d sameRowsDump) sameFindings(t *testing.T, what string, d2 sameRowsDump) {
	t.Helper()
	if slices.Equal(d.findingRows, d2.findingRows) {
		return
	}
	t.Errorf("%s: findings differ: %d rows against %d", what, len(d2.findingRows), len(d.findingRows))
	for i := range min(len(d.findingRows), len(d2.findingRows)) {
		if d.findingRows[i] != d2.findingRows[i] {
			t.Errorf("first difference:\n %s\n %s", d.findingRows[i], d2.findingRows[i])
			break
		}
	}
}

// saveAgain saves the workbook at path again with excelize, with a note in its properties: other bytes, the
// same rows.
func saveAgain(t *testing.T, path string) {
	t.Helper()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.SetDocProps(&excelize.DocProperties{Description: "saved again"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(before, after) {
		t.Fatalf("%s: saved again with the same bytes", path)
	}
}
