package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/bidui/bidui/pipeline"
	"github.com/bidui/bidui/rules"
	"github.com/xuri/excelize/v2"
)

// publish runs once so that the site has a published database.
func (s *site) publish(t *testing.T) {
	t.Helper()
	if code, _, stderr := s.runBinary(t, s.args()...); code != 0 {
		t.Fatalf("first run exited %d:\n%s", code, stderr)
	}
}

// TestReaderKeepsSnapshotWhileRunPublishes holds the published database open read-only in another process
// while a run publishes: the run succeeds, the reader keeps reading its snapshot, a new reader sees the new run.
func TestReaderKeepsSnapshotWhileRunPublishes(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)

	rd := s.command()
	rd.Path = os.Args[0] // this test binary, as the reader process
	rd.Args = []string{os.Args[0], "-test.run=^$"}
	rd.Env = append(os.Environ(), "BIDUI_TEST_READER="+s.db)
	stdin, err := rd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := rd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := rd.Start(); err != nil {
		t.Fatal(err)
	}
	defer rd.Wait()
	defer stdin.Close()
	lines := bufio.NewScanner(stdout)
	next := func() string {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("reader stopped: %v", lines.Err())
		}
		return lines.Text()
	}
	before := next()
	if !strings.HasPrefix(before, "runs=1 ") {
		t.Fatalf("reader before the run: %q", before)
	}

	if code, _, stderr := s.runBinary(t, s.args()...); code != 0 {
		t.Fatalf("run while a reader holds the database exited %d:\n%s", code, stderr)
	}

	io.WriteString(stdin, "again\n")
	if after := next(); after != before {
		t.Errorf("the reader's snapshot changed under it: %q, then %q", before, after)
	}
	if n := queryInt(t, s.db, "SELECT count(*) FROM runs"); n != 2 {
		t.Errorf("a new reader sees %d runs, want 2", n)
	}
	if n := queryInt(t, s.db, "SELECT count(*) FROM findings WHERE status = 'open'"); n == 0 {
		t.Errorf("second run: no findings with status open")
	}
}

// TestKilledRunLeavesPublishedDatabase kills a run (SIGKILL) at every named point of a run
// (pipeline.Points: in every stage, around the checkpoint and on both sides of the final rename). Killed before
// the rename, the published database is byte for byte what it was; killed after, it is the new one. Either way
// it opens, no WAL appears beside it, and the next uninterrupted run succeeds, cleans up, and raises exactly
// the findings of a run that was never interrupted.
func TestKilledRunLeavesPublishedDatabase(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)
	s.publish(t) // a second uninterrupted run: the reference for every run after a kill
	want := queryLines(t, s.db, "SELECT finding_id || '|' || status FROM findings ORDER BY 1")
	if len(want) == 0 {
		t.Fatal("no findings to compare")
	}
	inbox, err := os.ReadDir(s.inbox)
	if err != nil {
		t.Fatal(err)
	}
	points := pipeline.Points(len(inbox))
	committed := false
	runs := 2
	for _, point := range points {
		if point == pipeline.StagePublish+"/renamed" {
			committed = true // from here on the killed run has published its database
		}
		t.Run(strings.ReplaceAll(point, "/", "_"), func(t *testing.T) {
			before := fileHash(t, s.db)
			cmd := s.startUntil(t, point, s.args()...)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			after := fileHash(t, s.db)
			switch {
			case !committed && after != before:
				t.Fatalf("killed at %s: the published database changed", point)
			case committed && after == before:
				t.Fatalf("killed at %s, after the rename: the published database is still the old one", point)
			}
			if committed {
				runs++
			}
			if n := queryInt(t, s.db, "SELECT count(*) FROM runs"); n != runs {
				t.Errorf("killed at %s: the published database has %d runs, want %d", point, n, runs)
			}
			if _, err := os.Stat(s.db + ".wal"); err == nil {
				t.Errorf("killed at %s: a WAL appeared beside the published database", point)
			}
			code, _, stderr := s.runBinary(t, s.args()...)
			if code != 0 {
				t.Fatalf("run after the kill at %s exited %d:\n%s", point, code, stderr)
			}
			runs++
			if left := tempFiles(t, s.dir); len(left) != 0 {
				t.Errorf("temporary files left after a good run: %v", left)
			}
			if got := queryLines(t, s.db, "SELECT finding_id || '|' || status FROM findings ORDER BY 1"); !slices.Equal(got, want) {
				t.Errorf("findings after the kill at %s and a rerun:\n%v\nwant\n%v", point, got, want)
			}
			if n := len(s.workbooks(t)); n == 0 {
				t.Errorf("no workbooks after the kill at %s and a rerun", point)
			}
		})
	}
	if len(points) < 20 {
		t.Errorf("only %d kill points", len(points))
	}
}

// TestSecondRunExitsLocked starts a run, freezes it mid-import, and starts a second: it exits 75 at once
// without touching anything; the first then completes.
func TestSecondRunExitsLocked(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)
	first := s.startUntil(t, "import", s.args()...)
	before := tree(t, s.dir)
	code, _, stderr := s.runBinary(t, s.args()...)
	if code != 75 {
		t.Fatalf("second run exited %d, want 75:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "another bidui run holds the lock") {
		t.Errorf("second run's message does not say why:\n%s", stderr)
	}
	if after := tree(t, s.dir); after != before {
		t.Errorf("the second run touched files:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if err := first.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first run: %v", err)
	}
}

// TestInterruptedRunLeavesPublishedDatabase sends SIGINT to a run in the middle of a stage: it stops at the
// next safe point with exit code 1, removes its temporary files, and the published database is unchanged.
func TestInterruptedRunLeavesPublishedDatabase(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)
	before := fileHash(t, s.db)
	cmd := s.startUntil(t, "import", s.args()...)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("interrupted run exited %d (%v), want 1", code, err)
	}
	s.checkUntouched(t, before, "the interrupted run")
}

// TestSQLIsReadOnly: bidui sql answers queries and refuses every kind of write.
func TestSQLIsReadOnly(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)
	before := fileHash(t, s.db)
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"sql", "--db", s.db, "SELECT count(*) FROM findings"}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "count_star()") || !strings.Contains(out.String(), "(1 rows)") {
		t.Errorf("table output:\n%s", out.String())
	}
	copyTo := filepath.Join(s.dir, "leak.csv")
	for _, q := range []string{
		"INSERT INTO runs (run_id, started_at, as_of, status) VALUES (99, now(), current_date, 'ok')",
		"DELETE FROM findings_history",
		"CREATE TABLE x (a INT)",
		"COPY (SELECT * FROM findings) TO '" + copyTo + "'",
		"ATTACH '" + filepath.Join(s.dir, "other.duckdb") + "' AS other",
	} {
		err := Run(context.Background(), []string{"sql", "--db", s.db, q}, nil, io.Discard, io.Discard)
		if err == nil {
			t.Errorf("bidui sql accepted a write: %s", q)
		}
	}
	if _, err := os.Stat(copyTo); err == nil {
		t.Error("COPY … TO wrote a file")
	}
	if _, err := os.Stat(filepath.Join(s.dir, "other.duckdb")); err == nil {
		t.Error("ATTACH created a database")
	}
	if fileHash(t, s.db) != before {
		t.Error("bidui sql changed the database")
	}
	for _, format := range []string{"csv", "json"} {
		out.Reset()
		if err := Run(context.Background(), []string{"sql", "--db", s.db, "--format", format, "SELECT finding_id, first_seen FROM findings LIMIT 1"}, nil, &out, io.Discard); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if !strings.Contains(out.String(), "2023-06-10") {
			t.Errorf("%s output does not show the date as a date:\n%s", format, out.String())
		}
	}
}

// TestExitCodes covers the exit codes of outputs.md that the other tests do not.
func TestExitCodes(t *testing.T) {
	s := newSite(t, 0)
	if code, _, _ := s.runBinary(t, "run", "--bogus"); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if err := os.WriteFile(filepath.Join(s.dir, "bad.toml"), []byte("[policy]\nmonitoring_line = \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := s.runBinary(t, append(s.args(), "--config", "bad.toml")...)
	if code != 2 || !strings.Contains(stderr, "policy.monitoring_line") {
		t.Errorf("bad config: exit %d, stderr %q; want 2 naming the key", code, stderr)
	}
	if code, _, stderr := s.runBinary(t, "run", "--inbox", filepath.Join(s.dir, "missing"), "--db", s.db); code != 1 {
		t.Errorf("missing inbox: exit %d, want 1:\n%s", code, stderr)
	}
	if _, err := os.Stat(s.db); err == nil {
		t.Error("a failed first run published a database")
	}
	// Without the review ledger DB-01 cannot run: the run completes, publishes, and exits 3.
	matches, _ := filepath.Glob(filepath.Join(s.inbox, "*研判台账*"))
	for _, m := range matches {
		os.Remove(m)
	}
	code, stdout, stderr := s.runBinary(t, s.args()...)
	if code != 3 {
		t.Fatalf("run without review ledger: exit %d, want 3:\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "DB-01 已跳过") {
		t.Errorf("summary does not say DB-01 was skipped:\n%s", stdout)
	}
	if n := queryInt(t, s.db, "SELECT count(*) FROM findings WHERE rule = 'DB-01'"); n != 0 {
		t.Errorf("DB-01 produced %d findings from a missing source", n)
	}
}

// TestWrittenFilesAreOwnerOnly runs the binary with a permissive umask (000): the database, the lock and
// every output file and folder are still readable by the owner only.
func TestWrittenFilesAreOwnerOnly(t *testing.T) {
	s := newSite(t, 0)
	old := syscall.Umask(0)
	code, _, stderr := s.runBinary(t, s.args()...)
	syscall.Umask(old)
	if code != 0 {
		t.Fatalf("run exited %d:\n%s", code, stderr)
	}
	checked := 0
	for _, root := range []string{s.db, s.db + ".lock", s.out} {
		err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			if p == s.out {
				return nil // the folder given on the command line may be shared; what is inside is not
			}
			checked++
			if perm := info.Mode().Perm(); perm&0o077 != 0 {
				t.Errorf("%s has mode %v, want no access for group and others", p, perm)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 4 {
		t.Fatalf("checked only %d paths", checked)
	}
}

// TestLogsHoldNoIDNumbers scans everything a run prints — JSON logs at info level, the summary, and the
// check command's report — for any ID number the run read.
func TestLogsHoldNoIDNumbers(t *testing.T) {
	s := newSite(t, 0)
	code, stdout, stderr := s.runBinary(t, s.args("--json")...)
	if code != 0 {
		t.Fatalf("run exited %d:\n%s", code, stderr)
	}
	_, text, textErr := s.runBinary(t, s.args()...)
	inbox, err := filepath.Glob(filepath.Join(s.inbox, "*"))
	if err != nil {
		t.Fatal(err)
	}
	_, check, checkErr := s.runBinary(t, append([]string{"check"}, inbox...)...)
	printed := stdout + stderr + text + textErr + check + checkErr

	var ids []string
	for _, k := range []string{"gs", "dibao", "review"} {
		var out bytes.Buffer
		q := "SELECT DISTINCT id_raw FROM src_" + k + " WHERE length(id_raw) >= 15"
		if err := Run(context.Background(), []string{"sql", "--db", s.db, "--format", "csv", q}, nil, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, strings.Split(strings.TrimSpace(out.String()), "\n")[1:]...)
	}
	if len(ids) < 100 {
		t.Fatalf("only %d ID numbers to look for", len(ids))
	}
	for _, id := range ids {
		if strings.Contains(printed, id) {
			t.Errorf("an ID number read from the inbox appears in the run's output")
			break
		}
	}
}

// TestFileSizeLimit runs with a file-size limit (ulimit -f) too small for the new database: the run fails
// with a clear message and exit 1, the published database is unchanged, and nothing is left behind. On the
// unchanged inbox the run starts by copying the published database, and the copy is what fails; with
// --reparse it builds a new database, and DuckDB's write fails.
func TestFileSizeLimit(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)
	before := fileHash(t, s.db)
	for _, extra := range [][]string{nil, {"--reparse"}} {
		cmd := exec.Command("bash", "-c", "ulimit -f 1024; exec "+shellLine(s.args(extra...)...))
		cmd.Dir = s.dir
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Fatalf("run %v under ulimit -f: %v, want exit 1:\n%s", extra, err, out)
		}
		if !strings.Contains(strings.ToLower(string(out)), "file too large") || !strings.Contains(string(out), "the published database is unchanged") {
			t.Errorf("run %v: the message does not say what happened:\n%s", extra, out)
		}
		s.checkUntouched(t, before, fmt.Sprintf("the run %v under ulimit -f", extra))
	}
}

// TestImportCommand: bidui import loads a new file beside the latest run (exit 0), refuses the same bytes
// again (exit 1), and says what is wrong with no file given (exit 2).
func TestImportCommand(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)
	extra := filepath.Join(t.TempDir(), "特困.csv")
	body := "县,乡镇,村,姓名,身份证号码,供养方式,认定日期,状态\n某县,某镇,甲村,赵六,11010519491231002X,分散供养,2022-03-01,正常\n"
	if err := os.WriteFile(extra, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := s.runBinary(t, "import", "--db", s.db, extra); code != 0 || !strings.Contains(out, "tekun") {
		t.Fatalf("import exited %d:\n%s\n%s", code, out, stderr)
	}
	if n := queryInt(t, s.db, "SELECT count(*) FROM src_tekun WHERE file_id = (SELECT max(file_id) FROM files)"); n != 1 {
		t.Errorf("src_tekun has %d rows, want 1", n)
	}
	if code, _, stderr := s.runBinary(t, "import", "--db", s.db, extra); code != 1 || !strings.Contains(stderr, "already loaded") {
		t.Errorf("second import exited %d:\n%s", code, stderr)
	}
	if code, _, _ := s.runBinary(t, "import", "--db", s.db); code != 2 {
		t.Errorf("import without files exited %d, want 2", code)
	}
}

// TestMatchReport runs bidui match-report on a published run with the generator's answer key: it shows the
// links by method and, per corruption, precision and recall beside the exact-ID baseline.
func TestMatchReport(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)
	code, out, stderr := s.runBinary(t, "match-report", "--db", s.db, "--answer-key", filepath.Join(s.dir, "answer_key_rows.csv"))
	if code != 0 {
		t.Fatalf("match-report exited %d:\n%s", code, stderr)
	}
	for _, want := range []string{"exact_id", "id_swapped", "baseline", "ALL"} {
		if !strings.Contains(out, want) {
			t.Errorf("match-report does not show %q:\n%s", want, out)
		}
	}
	if code, _, _ := s.runBinary(t, "match-report", "--db", filepath.Join(s.dir, "missing.duckdb")); code == 0 {
		t.Error("match-report on a missing database exited 0")
	}
}

// TestUnreadableFileSkipsItsKind: a second 低保 roster that cannot be read at all (a truncated xlsx) fails
// with a message naming it, every other file still loads, and the rules that read dibao, needed or optional,
// are skipped rather than run on the first roster alone.
func TestUnreadableFileSkipsItsKind(t *testing.T) {
	s := newSite(t, 0)
	good, err := filepath.Glob(filepath.Join(s.inbox, "*.xlsx"))
	if err != nil || len(good) == 0 {
		t.Fatalf("no xlsx in the fixtures: %v", err)
	}
	b, err := os.ReadFile(good[0])
	if err != nil {
		t.Fatal(err)
	}
	const bad = "鲁村镇_民政_农村低保名册_补充.xlsx"
	if err := os.WriteFile(filepath.Join(s.inbox, bad), b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := s.runBinary(t, s.args()...)
	if code != 3 {
		t.Fatalf("exit %d, want 3:\n%s\n%s", code, stdout, stderr)
	}
	last := "run_id = (SELECT max(run_id) FROM runs)"
	files := queryLines(t, s.db, "SELECT regexp_extract(path, '[^/]*$') || '|' || status || '|' || coalesce(error, '') FROM files WHERE "+last+" ORDER BY path")
	loaded := 0
	for _, f := range files {
		name, rest, _ := strings.Cut(f, "|")
		status, msg, _ := strings.Cut(rest, "|")
		switch {
		case name == bad && (status != "failed" || !strings.Contains(msg, bad)):
			t.Errorf("%s: %s %q, want failed with a message naming it", name, status, msg)
		case name != bad && status != "loaded":
			t.Errorf("%s: %s %q, want loaded", name, status, msg)
		case name != bad:
			loaded++
		}
	}
	if loaded != len(s.town.Files) {
		t.Errorf("%d files loaded, want every fixture file: %q", loaded, files)
	}
	// Every rule that reads dibao, needed or optional, is skipped; the others run (unless they do not apply: the
	// fixture's export lacks a column they judge by, a parameter they read is not set, or the fixture sends no
	// file of a department that not every county receives).
	runs := queryLines(t, s.db, `SELECT r.rule || '|' || r.status || '|' || coalesce(r.reason, '') || '|'
			|| (list_contains(c.needs, 'dibao') OR list_contains(c.uses, 'dibao'))
		FROM rule_runs r JOIN rule_catalogue c ON c.code = r.rule WHERE r.`+last+` ORDER BY 1`)
	skippedOptional := 0
	for _, r := range runs {
		parts := strings.Split(r, "|")
		rule, status, reason, readsDibao := parts[0], parts[1], parts[2], parts[3] == "true"
		switch {
		case readsDibao && (status != "skipped" || !strings.Contains(reason, bad)):
			t.Errorf("%s: %s %q, want skipped naming %s", rule, status, reason, bad)
		case !readsDibao && status != "ran" && !inapplicable(reason):
			t.Errorf("%s: %s %q, want ran", rule, status, reason)
		case readsDibao && !strings.HasPrefix(rule, "DB-"):
			skippedOptional++
		}
	}
	if skippedOptional == 0 {
		t.Error("no rule that only uses dibao was skipped")
	}
	if n := queryInt(t, s.db, "SELECT count(*) FROM findings WHERE rule LIKE 'DB-%'"); n != 0 {
		t.Errorf("%d DB findings from a partial dibao roster", n)
	}
	if !strings.Contains(stdout, "DB-02 已跳过") {
		t.Errorf("the summary does not say DB-02 was skipped:\n%s", stdout)
	}
}

// TestExtraSheetIsReportedNotPartial: a department workbook with a 汇总 sheet beside its data loads; the
// sheet is listed as unrecognised with the headers seen, and the run is not called partial for it. A file
// of which nothing is recognised still makes the run partial.
func TestExtraSheetIsReportedNotPartial(t *testing.T) {
	s := newSite(t, 0)
	books, err := filepath.Glob(filepath.Join(s.inbox, "*.xlsx"))
	if err != nil || len(books) == 0 {
		t.Fatalf("no xlsx in the fixtures: %v", err)
	}
	f, err := excelize.OpenFile(books[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("汇总"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("汇总", "A1", &[]any{"村名", "户数", "人数"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("汇总", "A2", &[]any{"甲村", 12, 40}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, stdout, stderr := s.runBinary(t, s.args()...)
	if code != 0 {
		t.Fatalf("exit %d, want 0:\n%s\n%s", code, stdout, stderr)
	}
	got := queryLines(t, s.db, `SELECT status || '|' || error FROM files WHERE sheet = '汇总'`)
	if len(got) != 1 || !strings.HasPrefix(got[0], "unrecognised|") || !strings.Contains(got[0], "村名, 户数, 人数") {
		t.Errorf("汇总 sheet recorded as %q, want unrecognised with the headers seen", got)
	}
	if !strings.Contains(stdout, "汇总") {
		t.Errorf("the summary does not list the 汇总 sheet:\n%s", stdout)
	}

	other := filepath.Join(s.inbox, "统计.xlsx")
	g := excelize.NewFile()
	if err := g.SetSheetRow("Sheet1", "A1", &[]any{"村名", "户数", "人数"}); err != nil {
		t.Fatal(err)
	}
	if err := g.SaveAs(other); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := s.runBinary(t, s.args()...); code != 3 {
		t.Errorf("a wholly unrecognised file: exit %d, want 3:\n%s\n%s", code, stdout, stderr)
	}
}

// inapplicable says whether a rule's skip reason is one that does not make a run partial (rules.Outcome's own
// test): a column the export lacks, a parameter not set, a department that not every county receives files from.
func inapplicable(reason string) bool {
	return rules.Outcome{Status: rules.Skipped, Reason: reason}.Inapplicable()
}
