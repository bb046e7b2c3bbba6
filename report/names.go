package report

import (
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes bounds one path element. Town and village names come from department files and can be
// anything (a whole address pasted into the 村 column); Windows keeps paths under 260 characters by default
// and a UTF-8 Chinese character takes 3 bytes, so 80 bytes leave room for out/<as_of>/<town>/<village>.xlsx.
const maxNameBytes = 80

// safeName turns a town or village name into one path element that is a plain file name on Linux, macOS and
// Windows: no separators, no `.` or `..`, no control or invisible format characters, none of the characters
// Windows forbids, no trailing dot or space (Windows drops them), no leading dot (a hidden file nobody would
// find), not a Windows device name, at most maxNameBytes bytes, never empty.
func safeName(s string) string {
	s = strings.ToValidUTF8(s, "_")
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r):
			// Zero-width and bidi characters are invisible in a file manager but make two names differ
			// (or a name read backwards); dropping them keeps what the user sees.
		case unicode.IsControl(r), strings.ContainsRune(`<>:"/\|?*`, r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	s = truncateUTF8(strings.TrimSpace(b.String()), maxNameBytes)
	s = strings.TrimRight(strings.TrimLeft(s, ". "), ". ")
	if s == "" {
		return "_"
	}
	if windowsDeviceName(s) {
		s = "_" + s
	}
	return s
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// windowsDeviceName reports whether Windows would open a device instead of a file for s (with any extension).
func windowsDeviceName(s string) bool {
	base, _, _ := strings.Cut(s, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if rest, ok := strings.CutPrefix(base, "COM"); ok {
		return isDeviceDigit(rest)
	}
	if rest, ok := strings.CutPrefix(base, "LPT"); ok {
		return isDeviceDigit(rest)
	}
	return false
}

func isDeviceDigit(s string) bool {
	switch s {
	case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
		return true
	}
	return false
}

// paths hands out the relative path of each village workbook. Sanitising can map two different names to one
// (`a/b` and `a_b`, or two long names cut to the same 80 bytes), and macOS and Windows compare names without
// case; a later name then gets a numbered suffix rather than overwriting an earlier village's workbook.
type paths struct {
	townDir map[string]string // town name as in the data -> its folder
	taken   map[string]bool   // folded relative paths already handed out (folders and files)
}

// topLevelFiles are written next to the town folders by the rest of the report stage; a town must not take
// their names.
var topLevelFiles = []string{summaryFile, csvFile, parquetFile}

func newPaths() *paths {
	p := &paths{townDir: map[string]string{}, taken: map[string]bool{}}
	for _, name := range topLevelFiles {
		p.taken[strings.ToLower(name)] = true
	}
	// The unknown town's folder is always 未知乡镇, even when a town of that name comes first.
	p.townDir[""] = p.unique("", safeName(UnknownTown), "")
	return p
}

// village returns the workbook path, relative to the output folder and slash-separated, of the village named
// village in the town named town; "" is an unknown town (folder UnknownTown) or village (file 未落村.xlsx).
// Each (town, village) pair must be asked for once.
func (p *paths) village(town, village string) string {
	// Keyed by the name in the data, so that an unknown town and a town really named 未知乡镇 get a folder each.
	dir, ok := p.townDir[town]
	if !ok {
		dir = p.unique("", safeName(townLabel(town)), "")
		p.townDir[town] = dir
	}
	return path.Join(dir, p.unique(dir+"/", safeName(villageLabel(village)), ".xlsx"))
}

// unique returns name, or name(2), name(3)… when prefix+name+ext is taken, and marks the result taken.
func (p *paths) unique(prefix, name, ext string) string {
	candidate := name
	for i := 2; p.taken[strings.ToLower(prefix+candidate+ext)]; i++ {
		candidate = name + "(" + strconv.Itoa(i) + ")"
	}
	p.taken[strings.ToLower(prefix+candidate+ext)] = true
	return candidate + ext
}
