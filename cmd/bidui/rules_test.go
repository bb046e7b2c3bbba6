package main

import (
	"strings"
	"testing"
)

// TestRulesCategory: `bidui rules` lists every rule with its category; --category lists one category only;
// an unknown category is a usage error (exit 2).
func TestRulesCategory(t *testing.T) {
	s := &site{dir: t.TempDir()}
	code, all, stderr := s.runBinary(t, "rules")
	if code != 0 {
		t.Fatalf("bidui rules: exit %d\n%s", code, stderr)
	}
	counts := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(all), "\n")[1:] {
		f := strings.Fields(line)
		counts[f[2]]++
	}
	for _, c := range []string{"部门比对", "研判程序", "数据质量"} {
		if counts[c] == 0 {
			t.Errorf("bidui rules lists no rule of %s: %v", c, counts)
		}
	}
	code, quality, stderr := s.runBinary(t, "rules", "--category", "数据质量")
	if code != 0 {
		t.Fatalf("bidui rules --category 数据质量: exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(quality), "\n")
	if len(lines)-1 != counts["数据质量"] {
		t.Errorf("--category 数据质量 lists %d rules, want %d:\n%s", len(lines)-1, counts["数据质量"], quality)
	}
	for _, line := range lines[1:] {
		if f := strings.Fields(line); f[2] != "数据质量" {
			t.Errorf("--category 数据质量 lists %s", line)
		}
	}
	if !strings.Contains(quality, "ZL-701") || strings.Contains(quality, "DB-01") {
		t.Errorf("--category 数据质量:\n%s", quality)
	}
	code, verbose, _ := s.runBinary(t, "rules", "-v", "--category", "数据质量")
	if code != 0 || !strings.Contains(verbose, "国家疑点编号：2_01_001、2_12_002") || !strings.Contains(verbose, "文件：sql/checks/kz.toml:") {
		t.Errorf("bidui rules -v: exit %d\n%s", code, verbose)
	}
	code, _, stderr = s.runBinary(t, "rules", "--category", "质量")
	if code != 2 || !strings.Contains(stderr, `--category "质量" is not one of 部门比对, 研判程序, 数据质量`) {
		t.Errorf("unknown category: exit %d\n%s", code, stderr)
	}
}
