package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestFilesThatDisagree: a second 医保 file with the same rows but one person's total cost changed loads
// beside the first; the rows both have count once, and the summary names the two files as disagreeing about
// one person.
func TestFilesThatDisagree(t *testing.T) {
	cfg, _ := townSite(t, 3)
	medical, err := filepath.Glob(filepath.Join(cfg.Inbox, "*医保*.csv"))
	if err != nil || len(medical) != 1 {
		t.Fatalf("the town's 医保 file: %v %v", medical, err)
	}
	b, err := os.ReadFile(medical[0])
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	// The last field of the first data row (医疗总费用) gains a digit.
	row := bytes.TrimRight(lines[1], "\r\n")
	lines[1] = append(append(append([]byte{}, row...), '1'), lines[1][len(row):]...)
	other := filepath.Join(cfg.Inbox, "医保_更正.csv")
	if err := os.WriteFile(other, bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), cfg, Options{})
	if err != nil && !errors.Is(err, ErrPartial) {
		t.Fatal(err)
	}
	if len(sum.DuplicateRows) != 1 || sum.DuplicateRows[0].Rows != int64(len(lines)-3) || sum.DuplicateRows[0].Of != other {
		t.Errorf("duplicate rows %+v, want all but one of the %d rows, kept under %s", sum.DuplicateRows, len(lines)-2, other)
	}
	want := Disagreement{Kind: "medical", Files: [2]string{medical[0], other}, Persons: 1}
	if other < medical[0] {
		want.Files = [2]string{other, medical[0]}
	}
	if len(sum.Disagreements) != 1 || sum.Disagreements[0] != want {
		t.Errorf("disagreements %+v, want %+v", sum.Disagreements, want)
	}
}

// TestDroppedRowsComeBack: rows not loaded because an earlier file had them are loaded again the night that
// file is gone: the file that lost them is parsed again rather than carried without them.
func TestDroppedRowsComeBack(t *testing.T) {
	cfg, _ := townSite(t, 3)
	medical, err := filepath.Glob(filepath.Join(cfg.Inbox, "*医保*.csv"))
	if err != nil || len(medical) != 1 {
		t.Fatalf("the town's 医保 file: %v %v", medical, err)
	}
	b, err := os.ReadFile(medical[0])
	if err != nil {
		t.Fatal(err)
	}
	rows := bytes.Count(b, []byte("\n")) - 1
	earlier := filepath.Join(cfg.Inbox, "医保_重报.csv") // before the town's file by name
	if err := os.WriteFile(earlier, append(b, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	for night, want := range []int64{0, int64(rows)} {
		sum, err := Run(context.Background(), cfg, Options{})
		if err != nil && !errors.Is(err, ErrPartial) {
			t.Fatal(err)
		}
		for _, f := range sum.Files {
			if f.Path == medical[0] && f.Loaded != want {
				t.Errorf("night %d: %s loaded %d rows (%s), want %d", night+1, f.Path, f.Loaded, f.Status, want)
			}
		}
		if err := os.Remove(earlier); err != nil && night == 0 {
			t.Fatal(err)
		}
	}
}
