package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnchangedWorkbooksAreCopied: a run whose findings are those of the published run copies every village
// workbook from the published out/<as_of> instead of building it, byte for byte the same; a workbook someone
// truncated in the published folder is built again, and masking the IDs builds them all.
func TestUnchangedWorkbooksAreCopied(t *testing.T) {
	cfg, _ := townSite(t, 3)
	ctx := context.Background()
	out := filepath.Join(cfg.Out, "2023-06-10")
	run := func(c Config) (*Summary, map[string][]byte) {
		t.Helper()
		sum, err := Run(ctx, c, Options{Version: "v1"})
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		files := map[string][]byte{}
		for _, p := range sum.Written {
			if strings.HasSuffix(p, ".xlsx") && filepath.Base(p) != "汇总.xlsx" {
				if files[p], err = os.ReadFile(p); err != nil {
					t.Fatal(err)
				}
			}
		}
		if len(files) != sum.Workbooks || sum.Workbooks == 0 {
			t.Fatalf("run wrote %d village workbooks, says %d", len(files), sum.Workbooks)
		}
		return sum, files
	}
	if first, _ := run(cfg); first.WorkbooksReused != 0 {
		t.Errorf("first run: %d workbooks reused", first.WorkbooksReused)
	}
	// The second run lists the first run's new findings as open (持续): its workbooks are built again.
	_, built := run(cfg)
	third, copied := run(cfg)
	if third.WorkbooksReused != third.Workbooks {
		t.Errorf("third run on the same inbox: %d of %d workbooks reused, want all", third.WorkbooksReused, third.Workbooks)
	}
	for p, b := range built {
		if !bytes.Equal(copied[p], b) {
			t.Errorf("%s: the copy differs from the workbook built by the run before", p)
		}
	}

	var truncated string
	for p := range copied {
		truncated = p
		break
	}
	if !strings.HasPrefix(truncated, out+string(filepath.Separator)) {
		t.Fatalf("workbook %s is not under %s", truncated, out)
	}
	if err := os.Truncate(truncated, 10); err != nil {
		t.Fatal(err)
	}
	fourth, rebuilt := run(cfg)
	if fourth.WorkbooksReused != fourth.Workbooks-1 {
		t.Errorf("after truncating %s: %d of %d workbooks reused, want all but that one", truncated,
			fourth.WorkbooksReused, fourth.Workbooks)
	}
	if !bytes.Equal(rebuilt[truncated], built[truncated]) {
		t.Errorf("%s was not built again: %d bytes", truncated, len(rebuilt[truncated]))
	}

	masked := cfg
	masked.Export.MaskIDs = true
	if fifth, _ := run(masked); fifth.WorkbooksReused != 0 {
		t.Errorf("masking the IDs: %d workbooks reused, want none", fifth.WorkbooksReused)
	}
}
