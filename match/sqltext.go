package match

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bidui/bidui"
)

// The name macros are built from the character tables of name.go. These helpers turn the tables into SQL
// literals; the tables are constants of this package, and sqlLiteral doubles quotes (the full-width table
// holds ＇ and its ASCII form) so that no table can change the statement's meaning.

var fullWidth, halfWidth = func() (string, string) {
	var f, h strings.Builder
	for r := rune(0xFF01); r <= 0xFF5E; r++ {
		f.WriteRune(r)
		h.WriteRune(r - 0xFF01 + '!')
	}
	f.WriteRune(0xFF65) // half-width katakana middle dot, which width.Fold widens
	h.WriteRune(0x30FB)
	return f.String(), h.String()
}()

func sqlLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func sqlList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = sqlLiteral(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

func sortedKeys(m map[rune]rune) []rune {
	keys := make([]rune, 0, len(m))
	for r := range m {
		keys = append(keys, r)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

func tradKeys() string   { return string(sortedKeys(toSimplified)) }
func tradValues() string { return mapped(toSimplified) }
func soundKeys() string  { return string(sortedKeys(soundOf)) }
func soundValues() string {
	return mapped(soundOf)
}

func mapped(m map[rune]rune) string {
	var b strings.Builder
	for _, r := range sortedKeys(m) {
		b.WriteRune(m[r])
	}
	return b.String()
}

// kindLabels is a CASE expression on k giving each kind's label (bidui.Kind.Label).
func kindLabels() string {
	var b strings.Builder
	b.WriteString("CASE k")
	for _, k := range bidui.Kinds {
		fmt.Fprintf(&b, " WHEN %s THEN %s", sqlLiteral(string(k)), sqlLiteral(k.Label()))
	}
	b.WriteString(" ELSE k END")
	return b.String()
}
