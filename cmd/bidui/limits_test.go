package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLimitsFromConfig: a [limits] key of the config file reaches the importer: with line_bytes set low, a
// CSV with a long line fails naming limits.line_bytes, the other files load, and the run exits 3.
func TestLimitsFromConfig(t *testing.T) {
	s := newSite(t, 0)
	config := filepath.Join(s.dir, "bidui.toml")
	if err := os.WriteFile(config, []byte("[limits]\nline_bytes = 2000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	long := "姓名,身份证号,参保状态\n" + "张三," + strings.Repeat("1", 2500) + ",正常\n"
	if err := os.WriteFile(filepath.Join(s.inbox, "长行.csv"), []byte(long), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := s.runBinary(t, append(s.args(), "--config", config)...)
	if code != 3 {
		t.Fatalf("run exited %d, want 3:\n%s", code, stderr)
	}
	got := queryLines(t, s.db, `SELECT status || ' ' || error FROM files
		WHERE run_id = (SELECT max(run_id) FROM runs) AND path LIKE '%长行.csv'`)
	if len(got) != 1 || !strings.HasPrefix(got[0], "failed") || !strings.Contains(got[0], "limits.line_bytes") {
		t.Errorf("长行.csv: %q, want failed naming limits.line_bytes", got)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM files WHERE run_id = (SELECT max(run_id) FROM runs) AND status = 'loaded'`); n < 6 {
		t.Errorf("%d files loaded beside it", n)
	}

	if err := os.WriteFile(config, []byte("[limits]\ncell_bytes = 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := s.runBinary(t, append(s.args(), "--config", config)...); code != 2 || !strings.Contains(stderr, "limits.cell_bytes") {
		t.Errorf("cell_bytes = 0: exit %d, want 2 naming limits.cell_bytes:\n%s", code, stderr)
	}
}

// TestCheckShowsRejects: bidui check lists the value rejects of a sheet by reason and row, and never shows an
// ID it rejected.
func TestCheckShowsRejects(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "低保.csv")
	rows := "户主姓名,姓名,身份证号,批准日期,月保障金额\n"
	for i := 1; i <= 3; i++ {
		rows += fmt.Sprintf("张三,张%d,370323198001011234,2023-13-45,abc\n", i)
	}
	rows += "张三,李四,3.70323198001011E+17,2023-01-05,100\n"
	if err := os.WriteFile(path, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := Run(context.Background(), []string{"check", path}, nil, &out, io.Discard)
	if err != nil && !errors.Is(err, errPartialCheck) {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"rejects: bad_date 3, bad_number 3, id_excel_rounded 1", `row 2 column 批准日期: bad_date "2023-13-45"`,
		`row 2 column 月保障金额: bad_number "abc"`, "row 5 column 身份证号: id_excel_rounded\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("check output does not say %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "3.70323198001011E+17") {
		t.Errorf("check output shows a rejected ID:\n%s", got)
	}
}
