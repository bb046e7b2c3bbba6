// Command bidui-bench measures a whole bidui run against the floor of what the machine can do: DuckDB reading
// the same CSV files (read_csv, all_varchar) plus one exact-ID hash join of every source against gs, and
// excelize's bare streaming read of the same xlsx files. It runs each measurement several times in separate
// processes (so that peak memory is per measurement), prints a table of medians and writes it to BENCH.md
// with the command, the machine and the date.
//
// Usage:
//
//	bidui-bench [--size county] [--reps 5] [--cache .bench] [--out BENCH.md] [--bidui bin/bidui]
//
// `make bench` runs it for the county tier; `make bench-city` for the city tier (CSV only).
package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "floor" {
		// A floor measurement in its own process: bidui-bench floor csv|xlsx DIR. It prints the number of
		// rows it read.
		n, err := floor(os.Args[2], os.Args[3])
		if err != nil {
			fmt.Fprintln(os.Stderr, "floor:", err)
			os.Exit(1)
		}
		fmt.Println(n)
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bidui-bench:", err)
		os.Exit(1)
	}
}

type options struct {
	size, cache, out, bidui string
	reps                    int
	csvOnly                 bool
}

func run() error {
	var o options
	flag.StringVar(&o.size, "size", "county", "fixtures size: town, county or city")
	flag.IntVar(&o.reps, "reps", 5, "repetitions of each measurement (the table shows medians)")
	flag.StringVar(&o.cache, "cache", ".bench", "folder for the generated fixtures, kept between runs")
	flag.StringVar(&o.out, "out", "BENCH.md", "the report to write")
	flag.StringVar(&o.bidui, "bidui", "bin/bidui", "the bidui binary to measure")
	flag.BoolVar(&o.csvOnly, "csv-only", false, "measure CSV inputs only (the city tier has no xlsx)")
	flag.Parse()
	formats := []string{"csv", "xlsx"}
	if o.csvOnly || o.size == "city" {
		formats = []string{"csv"}
	}
	var table []row
	for _, format := range formats {
		dir, err := fixtures(o, format)
		if err != nil {
			return err
		}
		asOf, err := readAsOf(dir)
		if err != nil {
			return err
		}
		inbox := filepath.Join(dir, "inbox")
		floorRows, err := measureFloor(o, format, inbox)
		if err != nil {
			return err
		}
		runs, err := measureRuns(o, format, inbox, asOf)
		if err != nil {
			return err
		}
		table = append(table, floorRows...)
		table = append(table, runs...)
	}
	report := render(o, table)
	fmt.Print(report)
	// The hand-written reading of the figures below the table is kept, to be brought up to date by hand.
	if old, err := os.ReadFile(o.out); err == nil {
		if i := strings.Index(string(old), readingHeading); i >= 0 {
			report += "\n" + string(old[i:])
		}
	}
	return os.WriteFile(o.out, []byte(report), 0o644)
}

// readingHeading opens the hand-written part of the report, which a new measurement keeps.
const readingHeading = "## Reading it"

// fixtures returns the folder of the generated fixtures of format, generating them once.
func fixtures(o options, format string) (string, error) {
	dir := filepath.Join(o.cache, fmt.Sprintf("%s-%s-seed1", o.size, format))
	done := filepath.Join(dir, ".complete")
	if _, err := os.Stat(done); err == nil {
		return dir, nil
	}
	_ = os.RemoveAll(dir)
	fmt.Fprintf(os.Stderr, "generating %s fixtures (%s) in %s\n", o.size, format, dir)
	cmd := exec.Command(o.bidui, "fixtures", "--size", o.size, "--format", format, "--seed", "1", "--out", dir)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("generate fixtures: %w", err)
	}
	return dir, os.WriteFile(done, nil, 0o644)
}

func readAsOf(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "answer_key.json"))
	if err != nil {
		return "", err
	}
	var key struct {
		AsOf string `json:"as_of"`
	}
	if err := json.Unmarshal(b, &key); err != nil {
		return "", fmt.Errorf("answer_key.json: %w", err)
	}
	return key.AsOf, nil
}

// A row of the result table: one measurement, its medians and what it is compared with.
type row struct {
	format, what string
	rows         int64
	seconds      []float64
	rssMiB       []float64
	ratioTo      string // the what of the row this one is compared with ("" for none)
	target       float64
	memTarget    float64 // peak MiB the median may reach (0: none)
}

func (r row) median() float64 { return median(r.seconds) }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// measureFloor runs the floor of format reps times, each in its own process.
func measureFloor(o options, format, inbox string) ([]row, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	what := "floor: DuckDB read_csv (all_varchar) + exact-ID hash join to gs"
	if format == "xlsx" {
		what = "floor: excelize streaming read"
	}
	r := row{format: format, what: what}
	for i := range o.reps {
		fmt.Fprintf(os.Stderr, "%s floor %d/%d\n", format, i+1, o.reps)
		out, secs, rss, err := measure(exec.Command(self, "floor", format, inbox))
		if err != nil {
			return nil, fmt.Errorf("%s floor: %w", format, err)
		}
		fmt.Sscan(out, &r.rows)
		r.seconds, r.rssMiB = append(r.seconds, secs), append(r.rssMiB, rss)
	}
	return []row{r}, nil
}

// measureRuns runs bidui on a fresh database reps times, then reruns on the unchanged inbox.
func measureRuns(o options, format, inbox, asOf string) ([]row, error) {
	work, err := os.MkdirTemp("", "bidui-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	db, out := filepath.Join(work, "bidui.duckdb"), filepath.Join(work, "out")
	args := []string{"run", "--inbox", inbox, "--db", db, "--out", out, "--as-of", asOf, "--json"}
	floorName := "floor: DuckDB read_csv (all_varchar) + exact-ID hash join to gs"
	importFloor := floorName
	if format == "xlsx" {
		importFloor = "floor: excelize streaming read"
	}
	// The targets: the whole run on county CSV within 3× the floor; peak memory within 1.5 GiB at
	// county size, 6 GiB at city size.
	whole := row{format: format, what: "bidui run (whole)", ratioTo: floorName, memTarget: 1.5 * 1024}
	switch {
	case format == "xlsx":
		whole.ratioTo = ""
	case o.size == "county":
		whole.target = 3
	}
	if o.size == "city" {
		whole.memTarget = 6 * 1024
	}
	rerun := row{format: format, what: "bidui run, rerun on the unchanged inbox", ratioTo: "bidui run (whole)", target: 0.15}
	stages := map[string]*row{}
	var order []string
	for i := range o.reps {
		fmt.Fprintf(os.Stderr, "%s bidui run %d/%d\n", format, i+1, o.reps)
		for _, p := range []string{db, db + ".lock", out} {
			_ = os.RemoveAll(p)
		}
		stdout, secs, rss, err := measure(exec.Command(o.bidui, args...))
		if err != nil {
			return nil, fmt.Errorf("bidui run: %w", err)
		}
		sum, err := parseSummary(stdout)
		if err != nil {
			return nil, err
		}
		whole.rows = sum.rows()
		whole.seconds, whole.rssMiB = append(whole.seconds, secs), append(whole.rssMiB, rss)
		for _, st := range sum.Stages {
			r, ok := stages[st.Stage]
			if !ok {
				r = &row{format: format, what: "bidui stage " + st.Stage, rows: whole.rows}
				if st.Stage == "import" {
					r.ratioTo = importFloor
					if format == "xlsx" {
						r.target = 1.3
					}
				}
				stages[st.Stage] = r
				order = append(order, st.Stage)
			}
			r.seconds = append(r.seconds, st.Seconds)
		}
		fmt.Fprintf(os.Stderr, "%s bidui rerun %d/%d\n", format, i+1, o.reps)
		stdout, secs, rss, err = measure(exec.Command(o.bidui, args...))
		if err != nil {
			return nil, fmt.Errorf("bidui rerun: %w", err)
		}
		if sum, err = parseSummary(stdout); err != nil {
			return nil, err
		}
		rerun.rows = sum.rows()
		rerun.seconds, rerun.rssMiB = append(rerun.seconds, secs), append(rerun.rssMiB, rss)
	}
	rows := []row{whole}
	for _, s := range order {
		rows = append(rows, *stages[s])
	}
	return append(rows, rerun), nil
}

type summary struct {
	Files []struct {
		Loaded int64 `json:"rows_loaded"`
	} `json:"files"`
	Stages []struct {
		Stage   string  `json:"stage"`
		Seconds float64 `json:"seconds"`
	} `json:"stages"`
}

func (s summary) rows() int64 {
	var n int64
	for _, f := range s.Files {
		n += f.Loaded
	}
	return n
}

func parseSummary(stdout string) (summary, error) {
	var s summary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		return s, fmt.Errorf("bidui run --json printed no summary: %w", err)
	}
	return s, nil
}

// measure runs cmd and returns its stdout, wall time in seconds and peak resident memory in MiB. Exit code 3
// (completed with problems) counts as success.
func measure(cmd *exec.Cmd) (string, float64, float64, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	secs := time.Since(start).Seconds()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 3) {
		return "", 0, 0, fmt.Errorf("%v: %w\n%s", cmd.Args, err, tail(stderr.String(), 2000))
	}
	var rss float64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	return stdout.String(), secs, rss, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// floor reads every file of its format in inbox the cheapest way and returns the number of rows read.
func floor(format, inbox string) (int64, error) {
	files, err := filepath.Glob(filepath.Join(inbox, "*"))
	if err != nil {
		return 0, err
	}
	if format == "xlsx" {
		return floorXLSX(files)
	}
	return floorCSV(files)
}

func floorXLSX(files []string) (int64, error) {
	var n int64
	for _, p := range files {
		if !strings.HasSuffix(p, ".xlsx") {
			continue
		}
		f, err := excelize.OpenFile(p)
		if err != nil {
			return 0, err
		}
		for _, sheet := range f.GetSheetList() {
			rows, err := f.Rows(sheet)
			if err != nil {
				return 0, err
			}
			for rows.Next() {
				if _, err := rows.Columns(); err != nil {
					return 0, err
				}
				n++
			}
			rows.Close()
		}
		f.Close()
	}
	return n, nil
}

// floorCSV loads every CSV file with DuckDB's read_csv (all_varchar, from its header row on) and joins each
// to the gs file by the ID column, exactly. GB18030 files are first decoded to UTF-8, and that is timed too:
// DuckDB cannot read GB18030 without an extension, and bidui must decode them as well.
func floorCSV(files []string) (int64, error) {
	tmp, err := os.MkdirTemp("", "bidui-floor-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	db, err := sql.Open("duckdb", filepath.Join(tmp, "floor.duckdb"))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	ctx := context.Background()
	type table struct {
		name, idCol string
		gs          bool
	}
	var tables []table
	var total int64
	for i, p := range files {
		if !strings.HasSuffix(p, ".csv") && !strings.HasSuffix(p, ".txt") {
			continue
		}
		utf8Path, skip, header, err := prepareCSV(p, tmp)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", p, err)
		}
		if header == nil {
			continue
		}
		t := table{name: fmt.Sprintf("t%d", i), gs: slices.Contains(header, "户编号")}
		for _, h := range header {
			if strings.Contains(h, "身份证") || strings.Contains(h, "证件号码") {
				t.idCol = h
				break
			}
		}
		// The quote is the standard one: sniffed, a name with an apostrophe once made ' the quote. A file
		// that DuckDB's parallel reader refuses (quoted line breaks with null padding) is read serially.
		q := fmt.Sprintf(`CREATE TABLE %s AS SELECT * FROM read_csv('%s', all_varchar = true, header = true, skip = %d,
			quote = '"', escape = '"', null_padding = true, strict_mode = false%%s)`, t.name, strings.ReplaceAll(utf8Path, "'", "''"), skip)
		if _, err := db.ExecContext(ctx, fmt.Sprintf(q, "")); err != nil {
			if !strings.Contains(err.Error(), "parallel=false") {
				return 0, fmt.Errorf("%s: %w", p, err)
			}
			if _, err := db.ExecContext(ctx, fmt.Sprintf(q, ", parallel = false")); err != nil {
				return 0, fmt.Errorf("%s: %w", p, err)
			}
		}
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&n); err != nil {
			return 0, err
		}
		total += n
		tables = append(tables, t)
	}
	var gs *table
	for i := range tables {
		if tables[i].gs {
			gs = &tables[i]
		}
	}
	if gs == nil || gs.idCol == "" {
		return total, nil
	}
	for _, t := range tables {
		if t.gs || t.idCol == "" {
			continue
		}
		var n int64
		q := fmt.Sprintf(`SELECT count(*) FROM %s a JOIN %s g ON a."%s" = g."%s"`, t.name, gs.name, t.idCol, gs.idCol)
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// prepareCSV returns a UTF-8 version of the CSV file p (p itself when it is UTF-8), the number of lines
// before its header (title lines) and the header's fields; a nil header when none of the first 20 lines
// looks like one.
func prepareCSV(p, tmp string) (string, int, []string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, nil, err
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	path := p
	if !utf8Valid(head) {
		path = filepath.Join(tmp, filepath.Base(p)+".utf8.csv")
		out, err := os.Create(path)
		if err != nil {
			return "", 0, nil, err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return "", 0, nil, err
		}
		w := bufio.NewWriter(out)
		if _, err := io.Copy(w, simplifiedchinese.GB18030.NewDecoder().Reader(f)); err != nil {
			return "", 0, nil, err
		}
		if err := w.Flush(); err != nil {
			return "", 0, nil, err
		}
		out.Close()
		b, err := os.ReadFile(path)
		if err != nil {
			return "", 0, nil, err
		}
		head = b[:min(len(b), 64<<10)]
	}
	lines := strings.Split(strings.TrimPrefix(string(head), "\ufeff"), "\n")
	for i, l := range lines[:min(len(lines), 20)] {
		if strings.Contains(l, "身份证") || strings.Contains(l, "证件号码") {
			sep := ","
			if strings.Count(l, "\t") > strings.Count(l, ",") {
				sep = "\t"
			}
			fields := strings.Split(strings.TrimRight(l, "\r"), sep)
			for j := range fields {
				fields[j] = strings.Trim(fields[j], `" `)
			}
			return path, i, fields, nil
		}
	}
	return path, 0, nil, nil
}

func utf8Valid(b []byte) bool {
	// A multi-byte sequence cut at the end of the sample is not an error.
	for range 3 {
		if len(b) == 0 || utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// render formats the table as Markdown with the command, machine and date.
func render(o options, table []row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	target := "make bench"
	if o.size == "city" {
		target = "make bench-city"
	}
	fmt.Fprintf(&b, "Command: `go run ./cmd/bidui-bench %s` (`%s`)  \n", strings.Join(os.Args[1:], " "), target)
	fmt.Fprintf(&b, "Date: %s  \n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "Machine: %s  \n", machine())
	fmt.Fprintf(&b, "Medians of %d runs, each in its own process; peak memory is the process's maximum resident set.\n\n", o.reps)
	fmt.Fprintln(&b, "| input | measurement | rows | seconds (median) | rows/s | peak MiB (median) | ratio | target |")
	fmt.Fprintln(&b, "|---|---|---:|---:|---:|---:|---:|---|")
	byName := map[string]row{}
	for _, r := range table {
		byName[r.format+"|"+r.what] = r
	}
	for _, r := range table {
		sec := r.median()
		rate := "-"
		if sec > 0 && r.rows > 0 {
			rate = fmt.Sprintf("%.0f", float64(r.rows)/sec)
		}
		rss := "-"
		if len(r.rssMiB) > 0 {
			rss = fmt.Sprintf("%.0f", median(r.rssMiB))
		}
		ratio, target := "", ""
		if base, ok := byName[r.format+"|"+r.ratioTo]; ok && r.ratioTo != "" && base.median() > 0 {
			x := sec / base.median()
			ratio = fmt.Sprintf("%.2f× %s", x, shortName(r.ratioTo))
			if r.target > 0 {
				target = fmt.Sprintf("≤ %.2f×: %s", r.target, verdict(x <= r.target))
			}
		}
		if r.memTarget > 0 && len(r.rssMiB) > 0 {
			if target != "" {
				target += "; "
			}
			target += fmt.Sprintf("peak ≤ %.1f GiB: %s", r.memTarget/1024, verdict(median(r.rssMiB) <= r.memTarget))
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %.2f | %s | %s | %s | %s |\n", r.format, r.what, r.rows, sec, rate, rss, ratio, target)
	}
	return b.String()
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "NOT met"
}

func shortName(what string) string {
	switch {
	case strings.HasPrefix(what, "floor: DuckDB"):
		return "DuckDB floor"
	case strings.HasPrefix(what, "floor: excelize"):
		return "excelize floor"
	}
	return what
}

func machine() string {
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				var kb int64
				fmt.Sscan(strings.TrimSpace(strings.TrimPrefix(l, "MemTotal:")), &kb)
				mem = fmt.Sprintf(", %.1f GiB memory", float64(kb)/(1<<20))
			}
		}
	}
	cpu := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				_, v, _ := strings.Cut(l, ":")
				cpu = ", " + strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%d cores%s%s, %s/%s, %s", runtime.NumCPU(), cpu, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}
