package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 20: a run that could not check something leaves it as it was, a repeated file counts once, and what
// the run did not read is said.

// openFindings lists the findings view of the latest run as finding_id|last_seen.
func openFindings(t *testing.T, db string) []string {
	t.Helper()
	return queryLines(t, db, "SELECT finding_id || '|' || last_seen FROM findings ORDER BY 1")
}

// inboxFile returns the one inbox file whose name matches pattern.
func (s *site) inboxFile(t *testing.T, pattern string) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(s.inbox, pattern))
	if err != nil || len(m) != 1 {
		t.Fatalf("the fixture's %s file: %v %v", pattern, m, err)
	}
	return m[0]
}

// outTree lists the files of out/2023-06-10 with their sizes and hashes.
func (s *site) outTree(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	dir := filepath.Join(s.out, "2023-06-10")
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		fmt.Fprintf(&b, "%s %s\n", strings.TrimPrefix(p, dir), fileHash(t, p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestNothingLoadedPublishesNothing: after a published run, a run on an empty inbox, and one on an inbox
// whose only file fails, exit 3 with a message and leave the database and workbooks byte for byte as they were.
func TestNothingLoadedPublishesNothing(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)
	db, out, findings := fileHash(t, s.db), s.outTree(t), openFindings(t, s.db)
	if len(findings) == 0 || !strings.Contains(out, ".xlsx") {
		t.Fatal("nothing published to compare")
	}
	broken := filepath.Join(s.dir, "broken")
	if err := os.MkdirAll(broken, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "全国系统_监测对象.xlsx"), []byte("PK\x03\x04 not a workbook"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, inbox := range map[string]string{"empty": t.TempDir(), "every file failed": broken} {
		args := []string{"run", "--inbox", inbox, "--db", s.db, "--out", s.out, "--as-of", "2023-06-10"}
		code, stdout, stderr := s.runBinary(t, args...)
		if code != 3 {
			t.Errorf("%s inbox: exit %d, want 3:\n%s\n%s", name, code, stdout, stderr)
		}
		if !strings.Contains(stdout, "没有文件载入") || !strings.Contains(stderr, "no file loaded") {
			t.Errorf("%s inbox: no clear message:\n%s\n%s", name, stdout, stderr)
		}
		s.checkUntouched(t, db, name+" inbox")
		if got := s.outTree(t); got != out {
			t.Errorf("%s inbox: the workbooks changed:\n%s\nwant\n%s", name, got, out)
		}
		if got := openFindings(t, s.db); strings.Join(got, "\n") != strings.Join(findings, "\n") {
			t.Errorf("%s inbox: findings changed", name)
		}
	}
}

// TestHeaderOnlyGSKeepsFindings: a header-only gs file dropped beside a published inbox fails, every rule that
// reads gs is skipped, and its findings stay open with their last-checked date, listed in the same workbooks
// marked 本次未复核 with the reason; the run exits 3.
func TestHeaderOnlyGSKeepsFindings(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)
	before, books := openFindings(t, s.db), s.workbooks(t)
	const extra = "全国系统_监测对象_补充.csv"
	if err := os.WriteFile(filepath.Join(s.inbox, extra), []byte("县,乡镇,村,户编号,姓名,证件号码,与户主关系,出生日期\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A day later, so that a finding that was checked again would have a new last_seen.
	code, stdout, stderr := s.runBinary(t, "run", "--inbox", s.inbox, "--db", s.db, "--out", s.out, "--as-of", "2023-06-11")
	if code != 3 {
		t.Fatalf("exit %d, want 3:\n%s\n%s", code, stdout, stderr)
	}
	if got := openFindings(t, s.db); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("findings (id|last_seen) after a run that could not check them:\n%v\nwant\n%v", got, before)
	}
	if n := queryInt(t, s.db, "SELECT count(*) FROM findings WHERE status <> 'open' OR not_rechecked NOT LIKE '%"+extra+"%'"); n != 0 {
		t.Errorf("%d findings not open or without the reason naming %s", n, extra)
	}
	var got []string
	for _, p := range globDay(t, s.out, "2023-06-11") {
		rel, _ := filepath.Rel(filepath.Join(s.out, "2023-06-11"), p)
		got = append(got, rel)
	}
	var want []string
	for _, p := range books {
		rel, _ := filepath.Rel(filepath.Join(s.out, "2023-06-10"), p)
		want = append(want, rel)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("village workbooks %v, want the same as before %v", got, want)
	}
	marked := 0
	for _, p := range globDay(t, s.out, "2023-06-11") {
		for _, row := range sheetRows(t, p, "问题清单") {
			if strings.Contains(strings.Join(row, "|"), "本次未复核：缺少数据") {
				marked++
			}
		}
	}
	if marked != len(before) {
		t.Errorf("%d workbook rows marked 本次未复核 with a reason, want %d", marked, len(before))
	}
	var sum struct {
		Rules []struct {
			Code     string `json:"code"`
			Category string `json:"category"`
			Open     int64  `json:"open"`
		} `json:"rules"`
	}
	js := queryLines(t, s.db, "SELECT CAST(summary AS VARCHAR) FROM runs ORDER BY run_id DESC LIMIT 1")
	if err := json.Unmarshal([]byte(js[0]), &sum); err != nil {
		t.Fatal(err)
	}
	var open int64
	for _, r := range sum.Rules {
		open += r.Open
		if r.Category == "" { // every rule of the summary says its category
			t.Errorf("summary: rule %s has no category", r.Code)
		}
	}
	if open != int64(len(before)) {
		t.Errorf("the summary counts %d open findings, want %d (not rechecked count as open)", open, len(before))
	}
}

func globDay(t *testing.T, out, day string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(out, day, "*", "*.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSameFileTwice: the 医保 file dropped again byte for byte under another name, and again with the same
// rows in another order: every rule's findings equal a single copy's; the summary names the copies.
func TestSameFileTwice(t *testing.T) {
	one := newSite(t, 0)
	one.publish(t)
	two := newSite(t, 0)
	medical := two.inboxFile(t, "*医保*.csv")
	b, err := os.ReadFile(medical)
	if err != nil {
		t.Fatal(err)
	}
	copyName := strings.TrimSuffix(medical, ".csv") + " (1).csv"
	if err := os.WriteFile(copyName, b, 0o600); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimRight(string(b), "\r\n"), "\n")
	body := lines[1:]
	body = append(body[1:], body[0]) // the first row last
	for i := range body {
		body[i] = strings.TrimRight(body[i], "\r\n") + "\r\n"
	}
	reordered := strings.TrimSuffix(medical, ".csv") + "_重报.csv"
	if err := os.WriteFile(reordered, []byte(lines[0]+strings.Join(body, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := two.runBinary(t, two.args("--json")...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s\n%s", code, stdout, stderr)
	}
	// The findings name the file and row they come from; which copy that is may differ.
	q := `SELECT rule || '|' || finding_id || '|' || status || '|' || regexp_replace(detail, '（[^（，]*\.csv，第[0-9]+行）', '') FROM findings ORDER BY 1`
	want, got := queryLines(t, one.db, q), queryLines(t, two.db, q)
	if len(want) == 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings with the 医保 file three times:\n%s\nwant a single copy's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var sum struct {
		NotRead []struct{ Path, Reason string } `json:"not_read"`
		Dups    []struct {
			File string `json:"file"`
			Of   string `json:"same_as"`
			Rows int64  `json:"rows"`
		} `json:"duplicate_rows"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.NotRead) != 1 || !strings.Contains(sum.NotRead[0].Reason, filepath.Base(medical)) &&
		!strings.Contains(sum.NotRead[0].Reason, filepath.Base(copyName)) {
		t.Errorf("not_read %+v, want the byte copy named with the file it repeats", sum.NotRead)
	}
	if len(sum.Dups) != 1 || sum.Dups[0].Rows != int64(len(body)) {
		t.Errorf("duplicate_rows %+v, want the %d rows of one file", sum.Dups, len(body))
	}
}

// TestInboxEntriesNotRead: a link to a regular file is read; links to nothing or to a folder, folders, pipes,
// lock and hidden files are listed with the reason in the text and JSON summaries, and a control character
// in a file name is printed escaped.
func TestInboxEntriesNotRead(t *testing.T) {
	s := newSite(t, 0)
	edu := s.inboxFile(t, "*教育*")
	elsewhere := filepath.Join(s.dir, filepath.Base(edu))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Rename(edu, elsewhere))
	must(os.Symlink(elsewhere, edu))
	must(os.Symlink(filepath.Join(s.dir, "gone.csv"), filepath.Join(s.inbox, "dangling.csv")))
	must(os.Symlink(s.dir, filepath.Join(s.inbox, "link-to-folder")))
	must(os.Mkdir(filepath.Join(s.inbox, "子文件夹"), 0o700))
	mkfifo(t, filepath.Join(s.inbox, "pipe.csv"))
	for _, name := range []string{"~$低保.xlsx", ".~lock.低保.xlsx#", ".hidden.csv"} {
		must(os.WriteFile(filepath.Join(s.inbox, name), []byte("x"), 0o600))
	}
	const bad = "bad\x1b[2Jname.csv"
	must(os.WriteFile(filepath.Join(s.inbox, bad), []byte("甲,乙\n1,2\n"), 0o600))
	code, stdout, stderr := s.runBinary(t, s.args()...)
	if code != 3 { // the unrecognised bad…name.csv makes the run partial
		t.Fatalf("exit %d, want 3:\n%s\n%s", code, stdout, stderr)
	}
	if n := queryInt(t, s.db, "SELECT count(*) FROM files WHERE kind = 'education' AND status = 'loaded' AND path LIKE '%教育%'"); n != 1 {
		t.Errorf("the linked 教育 file: %d sheets loaded, want 1", n)
	}
	// (A rule that does not apply, inapplicable, is skipped whatever the inbox holds, and that is all.)
	for _, r := range queryLines(t, s.db, "SELECT rule || '|' || coalesce(reason, '') FROM rule_runs WHERE status <> 'ran'") {
		if rule, reason, _ := strings.Cut(r, "|"); !inapplicable(reason) {
			t.Errorf("%s skipped with the 教育 file linked: %s", rule, reason)
		}
	}
	reasons := map[string]string{"dangling.csv": "不存在", "link-to-folder": "指向文件夹", "子文件夹": "文件夹", "pipe.csv": "不是普通文件",
		"~$低保.xlsx": "锁文件", ".~lock.低保.xlsx#": "锁文件", ".hidden.csv": "隐藏文件"}
	for name, why := range reasons {
		if !containsLine(stdout, name+"：", why) {
			t.Errorf("the summary does not list %s with %q:\n%s", name, why, stdout)
		}
	}
	// Printed as Go quotes it, without the quotes.
	if escaped := strings.Trim(strconv.Quote(bad), `"`); strings.Contains(stdout, "\x1b") || !strings.Contains(stdout, escaped) {
		t.Errorf("the control character in a file name is not escaped:\n%q", stdout)
	}
	code, stdout, _ = s.runBinary(t, s.args("--json")...)
	var sum struct {
		NotRead []struct{ Path, Reason string } `json:"not_read"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil || code != 3 {
		t.Fatalf("--json: exit %d, %v", code, err)
	}
	for name, why := range reasons {
		found := false
		for _, n := range sum.NotRead {
			found = found || filepath.Base(n.Path) == name && strings.Contains(n.Reason, why)
		}
		if !found {
			t.Errorf("--json not_read %+v lacks %s (%s)", sum.NotRead, name, why)
		}

	}
}

func containsLine(text string, parts ...string) bool {
	for _, line := range strings.Split(text, "\n") {
		if containsAll(line, parts...) {
			return true
		}
	}
	return false
}

// TestAsOfRefused: history never runs backwards, and a date after tomorrow is a typing mistake: both exit 2
// without touching the published database; the same as-of runs again.
func TestAsOfRefused(t *testing.T) {
	s := newSite(t, 0)
	s.publish(t)
	before := fileHash(t, s.db)
	late := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	for _, day := range []string{"2023-06-09", late} {
		args := []string{"run", "--inbox", s.inbox, "--db", s.db, "--out", s.out, "--as-of", day}
		code, _, stderr := s.runBinary(t, args...)
		if code != 2 || !strings.Contains(stderr, "--as-of") {
			t.Errorf("--as-of %s: exit %d, want 2 naming --as-of:\n%s", day, code, stderr)
		}
		s.checkUntouched(t, before, "--as-of "+day)
	}
	if code, _, stderr := s.runBinary(t, s.args()...); code != 0 {
		t.Errorf("the same as-of again: exit %d:\n%s", code, stderr)
	}
}

// TestKillDuringXLSConversion kills a run while LibreOffice converts an .xls of the inbox (then freezes the
// LibreOffice, so that it outlives the run as an orphan of a long conversion would), then runs again: the second run kills the orphan
// and removes the first one's temporary folder; nothing is left beside the database, in the system temporary
// folder, or running.
func TestKillDuringXLSConversion(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed")
	}
	s := newSite(t, 0)
	tekun := s.inboxFile(t, "*特困*.xlsx")
	work := t.TempDir()
	conv := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(work, "profile"), "--headless", "--norestore",
		"--convert-to", "xls", "--outdir", work, tekun)
	if out, err := conv.CombinedOutput(); err != nil {
		t.Fatalf("make the .xls: %v\n%s", err, out)
	}
	xls := strings.TrimSuffix(filepath.Base(tekun), ".xlsx") + ".xls"
	if err := os.Rename(filepath.Join(work, xls), filepath.Join(s.inbox, xls)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(tekun); err != nil {
		t.Fatal(err)
	}
	// The runs' system temporary folder is the test's own: other packages' tests, running at the same time,
	// convert .xls files in the shared one.
	systemTemp := t.TempDir()
	s.env = []string{"TMPDIR=" + systemTemp}
	before := tempEntries(t, systemTemp)

	cmd := s.command(s.args("--json")...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	pgid := 0
	for pgid == 0 {
		select {
		case err := <-done:
			t.Fatalf("the run ended (%v) before LibreOffice was seen converting", err)
		default:
		}
		pgid = childGroup(cmd.Process.Pid, "soffice", "oosplash")
	}
	t.Cleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-done
	// Frozen once its run is dead (frozen before, the kernel would hang it up as the group lost its
	// parent), LibreOffice stays as a killed run leaves it when a conversion takes long.
	orphan := syscall.Kill(-pgid, syscall.SIGSTOP) == nil
	if !orphan {
		t.Log("LibreOffice ended with its run: only the files it left are checked")
	}

	if code, _, stderr := s.runBinary(t, s.args()...); code != 0 {
		t.Fatalf("the run after the kill exited %d:\n%s", code, stderr)
	}
	if n := queryInt(t, s.db, "SELECT count(*) FROM files WHERE path LIKE '%.xls' AND status = 'loaded'"); n != 1 {
		t.Errorf("the .xls: %d sheets loaded, want 1", n)
	}
	if left := tempFiles(t, s.dir); len(left) != 0 {
		t.Errorf("temporary files left beside the database: %v", left)
	}
	if _, err := os.Stat(filepath.Join(s.dir, ".bidui.duckdb.tmp-run")); !os.IsNotExist(err) {
		t.Errorf("the run's temporary folder is still there: %v", err)
	}
	for name := range tempEntries(t, systemTemp) {
		if !before[name] && strings.HasPrefix(name, "bidui-xls-") {
			t.Errorf("left in the system temporary folder: %s", name)
		}
	}
	if alive := groupAlive(pgid); orphan && len(alive) > 0 {
		t.Errorf("the LibreOffice of the killed run is still there: %v", alive)
	}
	if alive := processesNaming(s.dir); len(alive) > 0 {
		t.Errorf("processes still running in the site: %v", alive)
	}
}

// tempEntries lists the names in dir.
func tempEntries(t *testing.T, dir string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		names[e.Name()] = true
	}
	return names
}

// childGroup returns the process group of a child of parent whose command name starts with one of names, 0
// when there is none.
func childGroup(parent int, names ...string) int {
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", p.Name(), "stat"))
		if err != nil {
			continue
		}
		open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if open < 0 || end < open || len(stat) < end+2 {
			continue
		}
		fields := strings.Fields(string(stat[end+2:]))
		if len(fields) < 3 || fields[1] != strconv.Itoa(parent) {
			continue
		}
		comm := string(stat[open+1 : end])
		for _, n := range names {
			if strings.HasPrefix(comm, n) {
				if pgid, err := syscall.Getpgid(pid); err == nil {
					return pgid
				}
			}
		}
	}
	return 0
}

// groupAlive lists the live (not zombie) processes of process group pgid.
func groupAlive(pgid int) []string {
	procs, _ := os.ReadDir("/proc")
	var alive []string
	for _, p := range procs {
		stat, err := os.ReadFile(filepath.Join("/proc", p.Name(), "stat"))
		if err != nil {
			continue
		}
		end := bytes.LastIndexByte(stat, ')')
		if end < 0 || len(stat) < end+2 {
			continue
		}
		fields := strings.Fields(string(stat[end+2:]))
		if len(fields) >= 3 && fields[2] == strconv.Itoa(pgid) && fields[0] != "Z" {
			alive = append(alive, p.Name())
		}
	}
	return alive
}

// processesNaming lists the live processes whose command line names something under dir.
func processesNaming(dir string) []string {
	procs, _ := os.ReadDir("/proc")
	var alive []string
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(dir)) {
			continue
		}
		if stat, err := os.ReadFile(filepath.Join("/proc", p.Name(), "stat")); err == nil {
			if i := bytes.LastIndexByte(stat, ')'); i >= 0 && len(stat) > i+2 && stat[i+2] == 'Z' {
				continue // a zombie: dead, waiting for its parent
			}
		}
		alive = append(alive, p.Name()+" "+strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	return alive
}

// mkfifo makes a named pipe at path.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
}
