package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bidui/bidui/fixtures"
	"github.com/xuri/excelize/v2"
)

// binary is the bidui command built once for the tests that need separate processes.
var binary string

func TestMain(m *testing.M) {
	if db := os.Getenv("BIDUI_TEST_READER"); db != "" {
		os.Exit(reader(db))
	}
	dir, err := os.MkdirTemp("", "bidui-test-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "bidui")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build bidui: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// reader is a separate process that holds the database open read-only, the way an analyst's DuckDB CLI or
// DBeaver does: it prints the number of runs it sees, then again after each line it reads on stdin.
func reader(path string) int {
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	defer db.Close()
	conn, err := db.Conn(context.Background())
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	defer conn.Close()
	sc := bufio.NewScanner(os.Stdin)
	for {
		var runs, findings int
		if err := conn.QueryRowContext(context.Background(),
			`SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM findings)`).Scan(&runs, &findings); err != nil {
			fmt.Println("error", err)
			return 1
		}
		fmt.Printf("runs=%d findings=%d\n", runs, findings)
		if !sc.Scan() {
			return 0
		}
	}
}

// site is a folder laid out as a town office keeps it: inbox/, bidui.duckdb, out/.
type site struct {
	dir, inbox, db, out string
	town                *fixtures.Result
	env                 []string // added to the binary's environment (e.g. a TMPDIR of the test's own)
}

func newSite(t *testing.T, households int) *site {
	t.Helper()
	dir := t.TempDir()
	s := &site{dir: dir, inbox: filepath.Join(dir, "inbox"), db: filepath.Join(dir, "bidui.duckdb"), out: filepath.Join(dir, "out")}
	if households == 0 {
		households = 30
	}
	// A town of the full generator, shrunk: four villages, every rule planted, every kind of file.
	town, err := fixtures.Write(dir, fixtures.Options{Size: fixtures.SizeTown, Seed: 7, Villages: 4, Households: households,
		AsOf: time.Date(2023, 6, 10, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	s.town = town
	return s
}

func (s *site) args(extra ...string) []string {
	return append([]string{"run", "--inbox", s.inbox, "--db", s.db, "--out", s.out, "--as-of", "2023-06-10"}, extra...)
}

// command returns the real binary set up to run in the site, with JSON logs on stderr.
func (s *site) command(args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Dir = s.dir
	if len(s.env) > 0 {
		cmd.Env = append(os.Environ(), s.env...)
	}
	return cmd
}

// runBinary runs the binary to the end and returns its exit code, stdout and stderr.
func (s *site) runBinary(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := s.command(args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatalf("run %v: %v", args, err)
	return -1, "", ""
}

// startUntil starts the binary with JSON logs and returns once it has stopped itself at the named point of
// the run (pipeline.Points; a stage's name is the point where it starts), frozen there with SIGSTOP, so that
// the test can act on a run that is certainly at that point.
func (s *site) startUntil(t *testing.T, point string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := s.command(append(args, "--json")...)
	cmd.Env = append(cmd.Environ(), "BIDUI_STOP_AT="+point)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	if !waitStopped(cmd.Process.Pid) {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("the run never stopped at %s:\n%s", point, stderr.String())
	}
	return cmd
}

// waitStopped waits until process pid is in the stopped state (T in /proc/pid/stat); false when it ended
// (a zombie) or did not stop within a minute.
func waitStopped(pid int) bool {
	for range 6000 {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return false
		}
		// The state follows the parenthesised command name.
		if i := bytes.LastIndexByte(b, ')'); i >= 0 && len(b) > i+2 {
			switch b[i+2] {
			case 'T':
				return true
			case 'Z', 'X':
				return false
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func fileHash(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// tree lists every path under dir with its size and modification time, to show that nothing was touched.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// shellLine is the command line that runs the binary with args from a shell (the test paths hold no quotes).
func shellLine(args ...string) string {
	line := binary
	for _, a := range args {
		line += " '" + a + "'"
	}
	return line
}

// checkUntouched fails the test when the published database is no longer the one whose hash is before, or
// when a run left temporary files behind; what says which run.
func (s *site) checkUntouched(t *testing.T, before, what string) {
	t.Helper()
	if after := fileHash(t, s.db); after != before {
		t.Errorf("%s changed the published database", what)
	}
	if left := tempFiles(t, s.dir); len(left) != 0 {
		t.Errorf("%s left temporary files: %v", what, left)
	}
}

// tempFiles lists what a run leaves only while it runs: the temporary database, its WAL, the temporary and
// the set-aside output folders.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var all []string
	for _, pattern := range []string{".bidui.duckdb.tmp-*", "out/.*.tmp-*", "out/.*.old-*"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, m...)
	}
	return all
}

// workbooks lists the village workbooks of the latest run's output folder.
func (s *site) workbooks(t *testing.T) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(s.out, "2023-06-10", "*", "*.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// queryLines runs q with bidui sql and returns the first column of every row.
func queryLines(t *testing.T, db, q string) []string {
	t.Helper()
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"sql", "--db", db, "--format", "csv", q}, nil, &out, io.Discard); err != nil {
		t.Fatalf("bidui sql %q: %v", q, err)
	}
	records, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatalf("bidui sql %q: %v", q, err)
	}
	var col []string
	for _, r := range records[1:] {
		col = append(col, r[0])
	}
	return col
}

func queryInt(t *testing.T, db, q string) int {
	t.Helper()
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"sql", "--db", db, "--format", "csv", q}, nil, &out, io.Discard); err != nil {
		t.Fatalf("bidui sql %q: %v", q, err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var n int
	if _, err := fmt.Sscan(lines[len(lines)-1], &n); err != nil {
		t.Fatalf("bidui sql %q: output %q", q, out.String())
	}
	return n
}

// TestDemo is `make demo` in-process: it must print DB-01 findings and write village workbooks that open.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"demo", dir}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	if strings.ContainsAny(stderr.String(), "\r\x1b") {
		t.Errorf("progress frames without a terminal:\n%q", stderr.String())
	}
	if !strings.Contains(out, "DB-01") {
		t.Fatalf("summary does not mention DB-01:\n%s", out)
	}
	db := filepath.Join(dir, "bidui.duckdb")
	if queryInt(t, db, "SELECT count(*) FROM findings WHERE rule = 'DB-01'") == 0 {
		t.Fatalf("no DB-01 findings; summary:\n%s", out)
	}
	n := queryInt(t, db, "SELECT count(*) FROM findings")
	workbooks, err := filepath.Glob(filepath.Join(dir, "out", "2023-06-10", "*", "*.xlsx"))
	if err != nil || len(workbooks) == 0 {
		t.Fatalf("no village workbooks under %s (%v)", filepath.Join(dir, "out"), err)
	}
	if !strings.Contains(out, fmt.Sprintf("%d 个村级工作簿", len(workbooks))) {
		t.Errorf("summary does not say how many village workbooks it wrote (%d)", len(workbooks))
	}
	for _, name := range []string{"汇总.xlsx", "findings.csv", "findings.parquet"} {
		if !strings.Contains(out, name) {
			t.Errorf("summary does not say where %s is", name)
		}
	}
	listed := 0
	for _, p := range workbooks {
		if strings.Contains(out, p) {
			listed++
		}
	}
	if listed < min(20, len(workbooks)) {
		t.Errorf("summary lists %d of %d village workbooks, want at least %d", listed, len(workbooks), min(20, len(workbooks)))
	}
	rows := 0
	for _, p := range workbooks {
		f, err := excelize.OpenFile(p)
		if err != nil {
			t.Fatalf("open %s: %v", p, err)
		}
		sheetRows, err := f.GetRows("问题清单")
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if len(sheetRows) < 2 || sheetRows[0][1] != "编号" {
			t.Fatalf("%s: unexpected sheet %v", p, sheetRows)
		}
		rows += len(sheetRows) - 1
	}
	if rows != n {
		t.Errorf("workbooks hold %d finding rows, the findings view %d", rows, n)
	}
}

// TestDemoFindingsMatchAnswerKey runs in-process on the small town of the other tests and compares every
// rule's findings with its answer key.
func TestDemoFindingsMatchAnswerKey(t *testing.T) {
	s := newSite(t, 0)
	if err := Run(context.Background(), s.args(), nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	compareWithAnswerKey(t, s.dir, s.db)
}

// mask keeps test output free of whole ID numbers.
func mask(id string) string {
	if len(id) < 10 {
		return id
	}
	return id[:6] + strings.Repeat("*", len(id)-10) + id[len(id)-4:]
}

// TestProgressFramesOnTerminal runs the binary under script(1), which gives it a pseudo-terminal: the run
// draws self-overwriting progress frames there, and none with --json.
func TestProgressFramesOnTerminal(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatal("script(1) from util-linux (Debian: bsdutils, always installed) is needed for this test")
	}
	s := newSite(t, 0)
	for _, tc := range []struct {
		json   bool
		frames bool
	}{{false, true}, {true, false}} {
		args := s.args()
		if tc.json {
			args = append(args, "--json")
		}
		line := shellLine(args...)
		out, err := exec.Command("script", "-qec", line, "/dev/null").CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
		if got := bytes.Contains(out, []byte("\r\x1b[K[")); got != tc.frames {
			t.Errorf("--json=%v on a terminal: progress frames %v, want %v:\n%q", tc.json, got, tc.frames, out)
		}
	}
}

// TestDemoTakesDBAndConfig: like every subcommand that touches the database, demo takes --db and --config
// (outputs.md); the config's [policy] applies.
func TestDemoTakesDBAndConfig(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(t.TempDir(), "其他位置.duckdb")
	config := filepath.Join(dir, "c.toml")
	if err := os.WriteFile(config, []byte("[policy]\nmonitoring_line = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"demo", "--db", db, "--config", config, filepath.Join(dir, "town")}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr.String())
	}
	if n := queryInt(t, db, "SELECT count(*) FROM runs"); n != 1 {
		t.Errorf("%s has %d runs, want 1", db, n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM findings WHERE rule = 'SR-01'"); n != 0 {
		t.Errorf("%d SR-01 findings with a monitoring line of 1 yuan, want none", n)
	}
}

// TestVersionFlag: bidui --version prints what bidui version prints.
func TestVersionFlag(t *testing.T) {
	var want, got bytes.Buffer
	if err := Run(context.Background(), []string{"version"}, nil, &want, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), []string{"--version"}, nil, &got, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() || !strings.HasPrefix(got.String(), "bidui ") {
		t.Errorf("bidui --version printed %q, bidui version %q", got.String(), want.String())
	}
}

// TestDemoHintRuns runs the demo as make demo does (bin/bidui demo DIR, from the folder that holds bin/) and
// then the command its closing hint suggests, exactly as printed, in the same folder: it must run and list
// findings.
func TestDemoHintRuns(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "bin"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(binary, filepath.Join(dir, "bin", "bidui")); err != nil {
		t.Fatal(err)
	}
	demo := exec.Command("bin/bidui", "demo", "my demo")
	demo.Dir = dir
	out, err := demo.Output()
	if err != nil {
		t.Fatalf("bin/bidui demo: %v\n%s", err, out)
	}
	_, hint, ok := strings.Cut(string(out), "试试：")
	hint = strings.TrimSpace(hint)
	if !ok || !strings.HasPrefix(hint, "bin/bidui sql --db ") {
		t.Fatalf("closing hint %q, want one that starts bin/bidui sql --db", hint)
	}
	sh := exec.Command("sh", "-c", hint)
	sh.Dir = dir
	rows, err := sh.CombinedOutput()
	if err != nil || !strings.Contains(string(rows), "village") || strings.Count(string(rows), "\n") < 5 {
		t.Errorf("the hint %q printed %v:\n%s", hint, err, rows)
	}
}
