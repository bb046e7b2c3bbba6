package report

import (
	"strings"
	"testing"
)

func TestSafeName(t *testing.T) {
	long := strings.Repeat("村", 40) // 120 bytes
	cases := []struct{ in, want string }{
		{"东村", "东村"},
		{"  东村  ", "东村"},
		{"../x", "_x"},
		{"..", "_"},
		{".", "_"},
		{"", "_"},
		{"   ", "_"},
		{"a/b", "a_b"},
		{`a\b`, "a_b"},
		{`<>:"|?*`, "_______"},
		{"东村\x00\x1f\x7f", "东村___"},
		{"东\n村", "东_村"},
		{"东村\u200b", "东村"},
		{"\u202e东村", "东村"},
		{".hidden", "hidden"},
		{"东村. . ", "东村"},
		{"CON", "_CON"},
		{"con.txt", "_con.txt"},
		{"COM1", "_COM1"},
		{"LPT9", "_LPT9"},
		{"COMPANY", "COMPANY"},
		{"东村\xff", "东村_"},
		{long, strings.Repeat("村", 26)}, // 78 bytes: a character is never split
	}
	for _, c := range cases {
		if got := safeName(c.in); got != c.want {
			t.Errorf("safeName(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := safeName(c.in); len(got) > maxNameBytes {
			t.Errorf("safeName(%q) is %d bytes", c.in, len(got))
		}
	}
}

func TestPathsNeverShareAFile(t *testing.T) {
	p := newPaths()
	got := []string{
		p.village("城关镇", "a/b"),
		p.village("城关镇", "a_b"),
		p.village("城关镇", "A_B"), // the same file on macOS and Windows
		p.village("城关/镇", "东村"),
		p.village("城关_镇", "东村"),
		p.village("汇总.xlsx", "东村"),
		p.village(strings.Repeat("镇", 40), "东村"),
		p.village(strings.Repeat("镇", 40)+"甲", "东村"),
	}
	want := []string{
		"城关镇/a_b.xlsx",
		"城关镇/a_b(2).xlsx",
		"城关镇/A_B(3).xlsx",
		"城关_镇/东村.xlsx",
		"城关_镇(2)/东村.xlsx",
		"汇总.xlsx(2)/东村.xlsx",
		strings.Repeat("镇", 26) + "/东村.xlsx",
		strings.Repeat("镇", 26) + "(2)/东村.xlsx",
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("path %d = %q, want %q", i, got[i], want[i])
		}
	}
}
