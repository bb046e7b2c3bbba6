package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bidui/bidui/pipeline"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		wantErr string // "" for success
		check   func(t *testing.T, c command)
	}{
		{args: []string{"floor", "csv"}, wantErr: "floor takes a format"},
		{args: []string{"floor"}, wantErr: "floor takes a format"},
		{args: []string{"floor", "ods", "inbox"}, wantErr: `floor format "ods"`},
		{args: []string{"floor", "xlsx", "inbox", "more"}, wantErr: "floor takes a format"},
		{args: []string{"--size", "village"}, wantErr: `--size "village"`},
		{args: []string{"--reps", "0"}, wantErr: "--reps 0"},
		{args: []string{"--nope"}, wantErr: "flag provided but not defined: -nope"},
		{args: []string{"county"}, wantErr: `unexpected argument "county"`},
		{args: []string{"floor", "xlsx", "in box"}, check: func(t *testing.T, c command) {
			if c.floor == nil || *c.floor != (floorArgs{format: "xlsx", inbox: "in box"}) || c.bench != nil {
				t.Errorf("got %+v", c)
			}
		}},
		{args: nil, check: func(t *testing.T, c command) {
			o := c.bench
			if o == nil || o.size != "county" || o.reps != 5 || o.out != "BENCH.md" || o.bidui != "bin/bidui" || o.cache != ".bench" {
				t.Fatalf("defaults: got %+v", o)
			}
			if got := o.formats(); !slices.Equal(got, []string{"csv", "xlsx"}) {
				t.Errorf("formats %v", got)
			}
		}},
		{args: []string{"--size", "city", "--reps", "3"}, check: func(t *testing.T, c command) {
			if got := c.bench.formats(); !slices.Equal(got, []string{"csv"}) {
				t.Errorf("city formats %v, want csv only", got)
			}
		}},
		{args: []string{"--csv-only"}, check: func(t *testing.T, c command) {
			if got := c.bench.formats(); !slices.Equal(got, []string{"csv"}) {
				t.Errorf("--csv-only formats %v", got)
			}
		}},
		{args: []string{"-h"}, check: func(t *testing.T, c command) {
			if !c.help {
				t.Errorf("-h: got %+v", c)
			}
		}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			c, err := parseArgs(tc.args)
			if tc.wantErr != "" {
				if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want a usage error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

// The floor form with its inbox missing once panicked; now it is a usage error, and the run does nothing.
func TestRunFloorMissingInbox(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"floor", "csv"}, &stdout, &stderr)
	if !errors.Is(err, errUsage) {
		t.Fatalf("got %v, want a usage error", err)
	}
	if stdout.Len() > 0 {
		t.Errorf("printed %q", stdout.String())
	}
	err = run(context.Background(), []string{"floor", "csv", filepath.Join(t.TempDir(), "missing")}, &stdout, &stderr)
	if err == nil || errors.Is(err, errUsage) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing inbox: got %v", err)
	}
}

func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		size, format, what     string
		seconds, base, peak    float64
		wantRatio, wantVerdict string
		wantMet                bool
	}{
		{"whole county csv at the limit", "county", "csv", wholeRun, 2.0, 1.0, 900,
			"2.00× DuckDB floor", "≤ 2.00×: met; peak ≤ 1.0 GiB: met", true},
		{"whole county csv over", "county", "csv", wholeRun, 2.02, 1.0, 900,
			"2.02× DuckDB floor", "≤ 2.00×: NOT met; peak ≤ 1.0 GiB: met", false},
		{"whole county csv over memory", "county", "csv", wholeRun, 1.5, 1.0, 1100,
			"1.50× DuckDB floor", "≤ 2.00×: met; peak ≤ 1.0 GiB: NOT met", false},
		{"whole city csv: ratio shown, memory judged", "city", "csv", wholeRun, 2.7, 1.0, 2500,
			"2.70× DuckDB floor", "peak ≤ 4.0 GiB: met", true},
		{"whole county xlsx: memory only", "county", "xlsx", wholeRun, 12, 9, 500,
			"", "peak ≤ 1.0 GiB: met", true},
		{"csv import: ratio shown only", "county", "csv", stage(pipeline.StageImport), 2.4, 2.2, 0,
			"1.09× DuckDB floor", "", true},
		{"xlsx import under", "county", "xlsx", stage(pipeline.StageImport), 8.0, 9.0, 0,
			"0.89× excelize floor", "≤ 1.00×: met", true},
		{"xlsx import over", "county", "xlsx", stage(pipeline.StageImport), 9.5, 9.0, 0,
			"1.06× excelize floor", "≤ 1.00×: NOT met", false},
		{"matching county csv over", "county", "csv", stage(pipeline.StageMatch), 2.4, 2.2, 0,
			"1.09× DuckDB floor", "≤ 0.50×: NOT met", false},
		{"rules county csv under", "county", "csv", stage(pipeline.StageRules), 1.0, 2.2, 0,
			"0.45× DuckDB floor", "≤ 0.50×: met", true},
		{"rules xlsx: nothing", "county", "xlsx", stage(pipeline.StageRules), 1.0, 2.2, 0, "", "", true},
		{"rerun", "town", "xlsx", rerun, 1.0, 10.0, 150, "0.10× bidui run (whole)", "≤ 0.15×: met", true},
		{"rerun over", "city", "csv", rerun, 2.0, 10.0, 150, "0.20× bidui run (whole)", "≤ 0.15×: NOT met", false},
		{"one file changed", "county", "csv", oneFileChanged, 3.9, 10.0, 400, "0.39× bidui run (whole)", "≤ 0.40×: met", true},
		{"one file changed over", "county", "xlsx", oneFileChanged, 4.5, 10.0, 400, "0.45× bidui run (whole)", "≤ 0.40×: NOT met", false},
		{"report stage: nothing", "county", "csv", stage(pipeline.StageReport), 0.6, 2.2, 0, "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := judge(tc.size, tc.format, tc.what)
			base := tc.base
			if j.base == "" {
				base = 0
			}
			ratio, verdict, met := j.verdicts(tc.seconds, base, tc.peak, tc.peak > 0)
			if ratio != tc.wantRatio || verdict != tc.wantVerdict || met != tc.wantMet {
				t.Errorf("got %q, %q, %v; want %q, %q, %v", ratio, verdict, met, tc.wantRatio, tc.wantVerdict, tc.wantMet)
			}
		})
	}
}

func TestRender(t *testing.T) {
	table := []measurement{
		{format: "csv", what: floorCSV, rows: 1000, seconds: []float64{2, 1, 3}, rssMiB: []float64{100, 120, 110}},
		{format: "csv", what: wholeRun, rows: 1100, seconds: []float64{4, 5, 3}, rssMiB: []float64{500, 520, 510}},
		{format: "csv", what: stage(pipeline.StageImport), rows: 1100, seconds: []float64{1, 1, 1}},
		{format: "csv", what: stage(pipeline.StageMatch), rows: 1100, seconds: []float64{0.5, 0.4, 0.6}},
		{format: "csv", what: rerun, rows: 1100, seconds: []float64{1, 1, 1}, rssMiB: []float64{150, 150, 150}},
	}
	got := render(header{command: "go run ./cmd/bidui-bench --reps 3", target: "make bench", date: "2026-12-04 12:00 UTC",
		machine: "2 cores", reps: 3}, "county", table)
	want := "# Benchmarks\n\n" +
		"Command: `go run ./cmd/bidui-bench --reps 3` (`make bench`)  \n" +
		"Date: 2026-12-04 12:00 UTC  \n" +
		"Machine: 2 cores  \n" +
		"Medians of 3 runs, each in its own process; peak memory is the process's maximum resident set.\n\n" +
		"| input | measurement | rows | seconds (median) | rows/s | peak MiB (median) | ratio | target |\n" +
		"|---|---|---:|---:|---:|---:|---:|---|\n" +
		"| csv | " + floorCSV + " | 1000 | 2.00 | 500 | 110 |  |  |\n" +
		"| csv | bidui run (whole) | 1100 | 4.00 | 275 | 510 | 2.00× DuckDB floor | ≤ 2.00×: met; peak ≤ 1.0 GiB: met |\n" +
		"| csv | bidui stage import | 1100 | 1.00 | 1100 | - | 0.50× DuckDB floor |  |\n" +
		"| csv | bidui stage match | 1100 | 0.50 | 2200 | - | 0.25× DuckDB floor | ≤ 0.50×: met |\n" +
		"| csv | bidui run, rerun on the unchanged inbox | 1100 | 1.00 | 1100 | 150 | 0.25× bidui run (whole) | ≤ 0.15×: NOT met |\n" +
		"\nMeasurements meeting all their targets: 2 of 3 (the targets are in cmd/bidui-bench/targets.go).\n"
	if got != want {
		t.Errorf("render:\n%s\nwant:\n%s", got, want)
	}
}

// The summary is read through pipeline.Summary, as `bidui run --json` writes it.
func TestParseSummary(t *testing.T) {
	b, err := json.Marshal(pipeline.Summary{
		Files:  []pipeline.FileSummary{{Path: "a.csv", Loaded: 10, Rejected: 1}, {Path: "b.xlsx", Loaded: 5}},
		Stages: []pipeline.StageTime{{Stage: pipeline.StageImport, Seconds: 1.5}, {Stage: pipeline.StageMatch, Seconds: 0.5}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseSummary(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if n := rowsLoaded(s); n != 15 {
		t.Errorf("rows loaded %d, want 15", n)
	}
	if len(s.Stages) != 2 || s.Stages[0].Stage != pipeline.StageImport || s.Stages[0].Seconds != 1.5 {
		t.Errorf("stages %+v", s.Stages)
	}
	if _, err := parseSummary("bidui: run failed\n"); err == nil {
		t.Error("a run that printed no JSON gave no error")
	}
}

// The CSV floor reads a GB18030 source with a title line and a UTF-8 gs file, and counts their rows.
func TestFloorCSV(t *testing.T) {
	inbox := t.TempDir()
	gs := "户编号,姓名,证件号码\nH1,张三,370323198001011234\nH1,李四,370323198201021246\nH2,王五,370323199001011111\n"
	src, err := simplifiedchinese.GB18030.NewEncoder().String("农村低保名册\n姓名,身份证号,批准日期\n张三,370323198001011234,2022-03-01\n赵六,370323197001011230,2022-04-01\n")
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"gs.csv": gs, "dibao.csv": src, "notes.txt": "nothing here\n"} {
		if err := os.WriteFile(filepath.Join(inbox, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	n, err := floor(context.Background(), "csv", inbox)
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("floor read %d rows, want 5", n)
	}
}

// The inbox with one file changed has every file, and only the largest department file has other bytes: a
// CSV with the same records, an xlsx with the same cells.
func TestChangedInbox(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			inbox := t.TempDir()
			files := map[string][][]string{
				"全国系统_监测对象." + format: {{"户编号", "姓名", "证件号码"}, {"H1", "张三", "370323198001011234"}, {"H1", "李四", "370323198201021246"}, {"H2", "王五", "370323199001011111"}, {"H3", "赵六", "370323199101011111"}},
				"医保." + format:        {{"姓名", "身份证号", "参保状态"}, {"张三", "370323198001011234", "正常"}, {"李四", "370323198201021246", "正常"}},
				"研判." + format:        {{"身份证号", "研判日期", "研判结论"}, {"370323198001011234", "2023-01-05", "纳入"}},
			}
			for name, rows := range files {
				writeTable(t, filepath.Join(inbox, name), rows)
			}
			dir := filepath.Join(t.TempDir(), "changed")
			changed, err := changedInbox(inbox, dir)
			if err != nil {
				t.Fatal(err)
			}
			if want := "医保." + format; changed != want {
				t.Errorf("changed %s, want %s (the largest department file)", changed, want)
			}
			for name, rows := range files {
				before, _ := os.ReadFile(filepath.Join(inbox, name))
				after, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if same := bytes.Equal(before, after); same != (name != changed) {
					t.Errorf("%s: bytes unchanged = %v", name, same)
				}
				if got := readTable(t, filepath.Join(dir, name)); !slices.EqualFunc(got, rows, slices.Equal[[]string]) {
					t.Errorf("%s: rows %q, want %q", name, got, rows)
				}
			}
		})
	}
}

func writeTable(t *testing.T, path string, rows [][]string) {
	t.Helper()
	var err error
	if strings.HasSuffix(path, ".csv") {
		var b strings.Builder
		for _, r := range rows {
			fmt.Fprintln(&b, strings.Join(r, ","))
		}
		err = os.WriteFile(path, []byte(b.String()), 0o600)
	} else {
		f := excelize.NewFile()
		for y, r := range rows {
			for x, v := range r {
				name, _ := excelize.CoordinatesToCellName(x+1, y+1)
				if err = f.SetCellStr("Sheet1", name, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		err = errors.Join(f.SaveAs(path), f.Close())
	}
	if err != nil {
		t.Fatal(err)
	}
}

// readTable reads the rows of a CSV file (blank lines left out, as bidui skips them) or of an xlsx file's
// Sheet1.
func readTable(t *testing.T, path string) [][]string {
	t.Helper()
	var rows [][]string
	if strings.HasSuffix(path, ".csv") {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimRight(l, "\r"); l != "" {
				rows = append(rows, strings.Split(l, ","))
			}
		}
		return rows
	}
	f, err := excelize.OpenFile(path)
	if err == nil {
		rows, err = f.GetRows("Sheet1")
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
