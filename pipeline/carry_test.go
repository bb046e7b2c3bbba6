package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/fixtures"
)

// TestUnchangedFilesAreCarried: a second run on the same inbox parses nothing again, yet holds the same rows
// and raises the same findings; a changed file, another bidui version or --reparse parse again.
func TestUnchangedFilesAreCarried(t *testing.T) {
	cfg, town := townSite(t, 3)
	ctx := context.Background()
	run := func(version string, reparse bool) (*Summary, snapshot) {
		t.Helper()
		c := cfg
		c.Reparse = reparse
		sum, err := Run(ctx, c, Options{Version: version})
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		return sum, takeSnapshot(t, cfg.DB, sum.RunID)
	}
	first, snap1 := run("v1", false)
	if got := statuses(first); !allAre(got, bidui.FileLoaded) {
		t.Fatalf("first run file statuses %v, want all loaded", got)
	}
	second, snap2 := run("v1", false)
	if got := statuses(second); !allAre(got, bidui.FileCarried) {
		t.Fatalf("second run file statuses %v, want all carried", got)
	}
	if snap2.rows != snap1.rows || snap2.rejects != snap1.rejects {
		t.Errorf("carried rows %+v, parsed rows %+v", snap2, snap1)
	}
	if !slices.Equal(snap2.findings, snap1.findings) {
		t.Errorf("findings after carrying %v, before %v", snap2.findings, snap1.findings)
	}

	// One more byte makes the roster a new file: it is parsed, the others are still carried.
	roster, b := dibaoRoster(t, town)
	if err := os.WriteFile(roster, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	third, snap3 := run("v1", false)
	for _, f := range third.Files {
		want := bidui.FileCarried
		if filepath.Base(f.Path) == filepath.Base(roster) {
			want = bidui.FileLoaded
		}
		if f.Status != want {
			t.Errorf("after changing the roster: %s is %s, want %s", filepath.Base(f.Path), f.Status, want)
		}
	}
	if snap3.rows != snap1.rows || !slices.Equal(snap3.findings, snap1.findings) {
		t.Errorf("after changing the roster: %+v, want %+v", snap3, snap1)
	}

	// Renamed, the roster is carried (same bytes) and its rows take the new name as their sheet, as the CSV
	// file's one sheet is named after the file; the findings keep their ids.
	renamed := filepath.Join(town.Inbox, "低保名册（更正）.csv")
	if err := os.Rename(roster, renamed); err != nil {
		t.Fatal(err)
	}
	fourth, snap4 := run("v1", false)
	for _, f := range fourth.Files {
		if filepath.Base(f.Path) == filepath.Base(renamed) && (f.Status != bidui.FileCarried || f.Sheet != filepath.Base(renamed)) {
			t.Errorf("the renamed roster: %s, sheet %q; want carried as sheet %q", f.Status, f.Sheet, filepath.Base(renamed))
		}
	}
	db, err := sql.Open("duckdb", cfg.DB+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	var sheets string
	if err := db.QueryRow(`SELECT string_agg(DISTINCT sheet, ',') FROM src_dibao`).Scan(&sheets); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if sheets != filepath.Base(renamed) {
		t.Errorf("carried dibao rows have sheet %q, want %q", sheets, filepath.Base(renamed))
	}
	if !slices.Equal(snap4.findings, snap1.findings) {
		t.Errorf("after renaming the roster the findings changed:\n%v\nwant\n%v", snap4.findings, snap1.findings)
	}

	if got := statuses(must(run("v2", false))); !allAre(got, bidui.FileLoaded) {
		t.Errorf("another version: file statuses %v, want all parsed again", got)
	}
	if got := statuses(must(run("v2", true))); !allAre(got, bidui.FileLoaded) {
		t.Errorf("--reparse: file statuses %v, want all parsed again", got)
	}
}

func must(sum *Summary, _ snapshot) *Summary { return sum }

func statuses(sum *Summary) []string {
	var s []string
	for _, f := range sum.Files {
		s = append(s, f.Status)
	}
	return s
}

func allAre(s []string, want string) bool {
	if len(s) == 0 {
		return false
	}
	for _, x := range s {
		if x != want {
			return false
		}
	}
	return true
}

// snapshot is what a run left in the database that carrying must not change.
type snapshot struct {
	rows     string // per kind: rows in the source table, in kind order
	rejects  int
	findings []string // finding_id|status of the run, sorted
}

func takeSnapshot(t *testing.T, path string, runID int64) snapshot {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s snapshot
	var counts []string
	for _, k := range bidui.Kinds {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM ` + k.Table()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts = append(counts, string(k)+"="+strconv.Itoa(n))
	}
	s.rows = strings.Join(counts, " ")
	if err := db.QueryRow(`SELECT count(*) FROM rejects`).Scan(&s.rejects); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT finding_id FROM findings_history WHERE run_id = ? AND status <> 'resolved' ORDER BY 1`, runID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		s.findings = append(s.findings, id)
	}
	if len(s.findings) == 0 {
		t.Fatal("no findings: the test would prove nothing")
	}
	return s
}

// TestCarriedUnreadFileKeepsItsKind: a 医保 file of which nothing was recognised is the reason the YB rules
// are skipped, carried over beside files that loaded as much as parsed (the carried files were once judged
// together, and the unread one was then taken for a sheet beside loaded ones), also when the rules run again
// (a new as_of).
func TestCarriedUnreadFileKeepsItsKind(t *testing.T) {
	cfg, town := townSite(t, 3)
	medical, err := filepath.Glob(filepath.Join(town.Inbox, "*医保*.csv"))
	if err != nil || len(medical) != 1 {
		t.Fatalf("the town's medical file: %v %v", medical, err)
	}
	if err := os.WriteFile(medical[0], []byte("甲,乙,丙\n1,2,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, asOf := range []string{"2023-06-10", "2023-06-11"} {
		c := cfg
		c.AsOf = MustDate(asOf)
		sum, err := Run(ctx, c, Options{Version: "v1"})
		if !errors.Is(err, ErrPartial) {
			t.Fatalf("run %d: %v, want ErrPartial", i+1, err)
		}
		for _, rs := range sum.Rules {
			if strings.HasPrefix(rs.Code, "YB-") && (rs.Status != "skipped" || !strings.Contains(rs.Reason, "按文件名归为此类")) {
				t.Errorf("run %d (%v): %s %s %q, want skipped for the unread 医保 file", i+1, statuses(sum), rs.Code, rs.Status, rs.Reason)
			}
		}
	}
}

// TestTwoCopiesOfAFile: two files with the same bytes are two files, and each is carried from itself: the
// rows are not doubled.
func TestTwoCopiesOfAFile(t *testing.T) {
	cfg, town := townSite(t, 3)
	_, b := dibaoRoster(t, town)
	if err := os.WriteFile(filepath.Join(town.Inbox, "低保名册副本.csv"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var rows []snapshot
	for i := range 2 {
		sum, err := Run(ctx, cfg, Options{Version: "v1"})
		if err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if i == 1 && !allAre(statuses(sum), bidui.FileCarried) {
			t.Errorf("second run: %v, want every file carried", statuses(sum))
		}
		rows = append(rows, takeSnapshot(t, cfg.DB, sum.RunID))
	}
	if rows[1].rows != rows[0].rows || rows[1].rejects != rows[0].rejects {
		t.Errorf("carried %+v, parsed %+v", rows[1], rows[0])
	}
}

// dibaoRoster returns the path and the bytes of the town's 农村低保 roster.
func dibaoRoster(t *testing.T, town *fixtures.Result) (string, []byte) {
	t.Helper()
	return inboxFile(t, town.Inbox, "*农村低保名册.csv")
}

// TestPlan: the plan reads the inbox and the published run once and decides, per file, parse or carry (and
// from which file), and for the run whether to start from a copy and what to replay.
func TestPlan(t *testing.T) {
	cfg, town := townSite(t, 3)
	ctx := context.Background()
	// Without a published database every file is parsed.
	p, err := makePlan(ctx, cfg, cfg.AsOf.Time(), "v1", cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	if p.published != "" || p.prev != nil || p.fromCopy || p.replayMatch || p.replayRules || len(p.files) == 0 || carried(p) != 0 {
		t.Fatalf("no published database: %+v", describe(p))
	}
	if _, err := Run(ctx, cfg, Options{Version: "v1"}); err != nil {
		t.Fatal(err)
	}
	check := func(what string, c Config, version string, want func(*plan) bool) *plan {
		t.Helper()
		p, err := makePlan(ctx, c, c.AsOf.Time(), version, c.DB)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !want(p) {
			t.Errorf("%s: %+v", what, describe(p))
		}
		return p
	}
	all := len(p.files)
	check("the same inbox", cfg, "v1", func(p *plan) bool {
		return carried(p) == all && p.fromCopy && p.replayMatch && p.replayRules
	})
	c := cfg
	c.AsOf = MustDate("2023-06-11")
	check("another as_of", c, "v1", func(p *plan) bool {
		return carried(p) == all && p.fromCopy && p.replayMatch && !p.replayRules
	})
	check("another version", cfg, "v2", func(p *plan) bool {
		return p.published != "" && p.prev == nil && carried(p) == 0 && !p.fromCopy
	})
	c = cfg
	c.Reparse = true
	check("--reparse", c, "v1", func(p *plan) bool { return p.prev == nil && carried(p) == 0 && !p.fromCopy })

	// A renamed file is carried from its old name; a new one is parsed; neither inbox is the published one.
	roster, b := dibaoRoster(t, town)
	renamed := filepath.Join(town.Inbox, "低保名册改名.csv")
	if err := os.Rename(roster, renamed); err != nil {
		t.Fatal(err)
	}
	p = check("a renamed file", cfg, "v1", func(p *plan) bool { return carried(p) == all && !p.fromCopy && !p.replayMatch })
	if from := carriedFrom(p, renamed); from != roster {
		t.Errorf("the renamed file is carried from %q, want %q", from, roster)
	}
	if err := os.WriteFile(roster, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	p = check("a changed file beside", cfg, "v1", func(p *plan) bool { return carried(p) == all && !p.fromCopy })
	if from := carriedFrom(p, roster); from != "" {
		t.Errorf("the changed file is carried from %q, want parsed", from)
	}

	// A file that failed in the published run is parsed again, and the run does not start from a copy.
	if err := os.Remove(renamed); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(roster, b, 0o644); err != nil {
		t.Fatal(err)
	}
	workbooks, err := filepath.Glob(filepath.Join(town.Inbox, "*.xlsx"))
	if err != nil || len(workbooks) == 0 {
		t.Fatalf("the town's workbooks: %v %v", workbooks, err)
	}
	wb, err := os.ReadFile(workbooks[0])
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(town.Inbox, "特困人员名册_补充.xlsx")
	if err := os.WriteFile(broken, wb[:len(wb)/2], 0o644); err != nil { // a truncated workbook fails
		t.Fatal(err)
	}
	sum, _ := Run(ctx, cfg, Options{Version: "v1"})
	if sum == nil || fileStatus(sum, broken) != bidui.FileFailed {
		t.Fatalf("the truncated workbook is %q, want failed", fileStatus(sum, broken))
	}
	p = check("a failed file", cfg, "v1", func(p *plan) bool { return carried(p) == all && !p.fromCopy })
	if from := carriedFrom(p, broken); from != "" {
		t.Errorf("the failed file is carried from %q, want parsed", from)
	}
}

func carried(p *plan) int {
	n := 0
	for _, f := range p.files {
		if f.carry != nil {
			n++
		}
	}
	return n
}

// carriedFrom is the published file the plan carries the file at path from, "" when it parses it.
func carriedFrom(p *plan, path string) string {
	for _, f := range p.files {
		if f.path == path && f.carry != nil {
			return f.carry[0].res.Path
		}
	}
	return ""
}

func fileStatus(sum *Summary, path string) string {
	for _, f := range sum.Files {
		if f.Path == path {
			return f.Status
		}
	}
	return ""
}

// planState is what a plan decided, for a test's message.
type planState struct {
	Published                         string
	PrevRead                          bool
	Carried, Files                    int
	FromCopy, ReplayLinks, ReplayHits bool
}

func describe(p *plan) planState {
	return planState{p.published, p.prev != nil, carried(p), len(p.files), p.fromCopy, p.replayMatch, p.replayRules}
}
