package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/bidui/bidui"
)

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
		t.Fatalf("no published database: %s", describe(p))
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
			t.Errorf("%s: %s", what, describe(p))
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

func describe(p *plan) string {
	return fmt.Sprintf("published %q, previous run read %v, %d of %d files carried, copy %v, replay links %v, rule hits %v",
		p.published, p.prev != nil, carried(p), len(p.files), p.fromCopy, p.replayMatch, p.replayRules)
}
