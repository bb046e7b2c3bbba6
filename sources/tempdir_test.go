package sources

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestConversionTempDir: a legacy .xls is converted in a private folder (0700) made inside the folder the
// caller gives, and nothing of it is left there afterwards: not after a conversion, not after one
// cancelled while LibreOffice runs, whose every process is gone.
func TestConversionTempDir(t *testing.T) {
	xls := convertBatch(t, "two-level", "", func(src string) []string {
		var inputs []string
		for base, sh := range twoLevelFiles {
			p := filepath.Join(src, base+".xlsx")
			writeXLSX(t, p, sh)
			inputs = append(inputs, p)
		}
		return inputs
	})
	data, err := os.ReadFile(xls["gs2"])
	if err != nil {
		t.Fatal(err)
	}
	t.Run("converted", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := convertXLS(context.Background(), data, dir); err != nil {
			t.Fatal(err)
		}
		checkEmpty(t, dir)
	})
	t.Run("cancelled", func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { _, err := convertXLS(ctx, data, dir); done <- err }()
		// Wait until LibreOffice's own process (soffice.bin, started by the soffice script through oosplash)
		// runs on the copy, then look at the folder and cancel.
		var private string
		for private == "" {
			select {
			case err := <-done:
				t.Fatalf("the conversion ended before it could be cancelled: %v", err)
			case <-time.After(20 * time.Millisecond):
			}
			if slices.ContainsFunc(processesUsing(dir), func(pid string) bool {
				comm, _ := os.ReadFile("/proc/" + pid + "/comm")
				return strings.TrimSpace(string(comm)) == "soffice.bin"
			}) {
				m, _ := filepath.Glob(filepath.Join(dir, "bidui-xls-*"))
				if len(m) == 1 {
					private = m[0]
				}
			}
		}
		st, err := os.Stat(private)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o700 {
			t.Errorf("the conversion folder has mode %v, want 0700", st.Mode().Perm())
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
		checkEmpty(t, dir)
		// SIGKILL is delivered at once, but a process is gone from /proc only when reaped.
		for i := 0; len(processesUsing(dir)) > 0; i++ {
			if i == 100 {
				t.Fatalf("LibreOffice processes left running: %v", processesUsing(dir))
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

func checkEmpty(t *testing.T, dir string) {
	t.Helper()
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("left in the temporary folder: %s", e.Name())
	}
}

// processesUsing returns the pids of the live processes whose command line mentions dir.
func processesUsing(dir string) []string {
	var pids []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), dir) {
			pids = append(pids, filepath.Base(filepath.Dir(p)))
		}
	}
	return pids
}
