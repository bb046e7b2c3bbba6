package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
)

func TestTableAlignsByDisplayWidth(t *testing.T) {
	var b bytes.Buffer
	tw := newTable(&b)
	fmt.Fprintln(tw, "类型\t文件\t行\t")
	fmt.Fprintln(tw, "gs\t全国系统.xlsx\t395\t")
	tw.Flush()
	want := "类型  文件           行   \n" +
		"gs    全国系统.xlsx  395  \n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

// TestJSONValuesPrintAsJSON: a JSON, STRUCT or LIST value (extra, measures, risks) prints as JSON in the table
// and in CSV, not as Go prints a map.
func TestJSONValuesPrintAsJSON(t *testing.T) {
	for _, table := range []bool{true, false} {
		if got := text(map[string]any{"备注": "x1"}, "JSON", table); got != `{"备注":"x1"}` {
			t.Errorf("JSON value (table %v): %s", table, got)
		}
		if got := text([]any{map[string]any{"category": "产业帮扶", "text": "种植"}}, "STRUCT(category VARCHAR, text VARCHAR)[]", table); got != `[{"category":"产业帮扶","text":"种植"}]` {
			t.Errorf("list of structs (table %v): %s", table, got)
		}
	}
}

// TestRecordedVersion: a build without a version records dev+ and its executable's hash, so that a rebuilt
// binary does not carry the previous build's results over as its own; a stamped version is recorded as it is.
func TestRecordedVersion(t *testing.T) {
	saved := version
	defer func() { version = saved }()
	version = "dev"
	if got := recordedVersion(); !regexp.MustCompile(`^dev\+[0-9a-f]{12}$`).MatchString(got) {
		t.Errorf("dev build records %q, want dev+ and 12 hex digits", got)
	}
	version = "v1.2.3"
	if got := recordedVersion(); got != "v1.2.3" {
		t.Errorf("stamped build records %q, want v1.2.3", got)
	}
}

// TestHelpPrintedOnce: -h prints a subcommand's usage once, on stdout.
func TestHelpPrintedOnce(t *testing.T) {
	for _, cmd := range []string{"run", "runs", "sql", "match-report", "fixtures"} {
		var out bytes.Buffer
		if err := Run(context.Background(), []string{cmd, "-h"}, nil, &out, io.Discard); err != nil {
			t.Errorf("%s -h: %v", cmd, err)
		}
		if n := strings.Count(out.String(), "Usage:"); n != 1 {
			t.Errorf("%s -h printed its usage %d times", cmd, n)
		}
	}
}
