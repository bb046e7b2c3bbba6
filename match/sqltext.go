package match

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bidui/bidui"
	"golang.org/x/text/width"
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

// charTable returns the character table of the cascade's name normalisation as three parallel columns:
// a character, what NormalizeName makes of it (a full-width letter becomes its ASCII letter, so that a run
// of pinyin still becomes one wildcard), and the sound key of that result ("" when the table has none).
func charTable() (chars, norms, sounds []string) {
	seen := map[rune]bool{}
	add := func(r rune) {
		if seen[r] {
			return
		}
		seen[r] = true
		norm := NormalizeName(string(r))
		if f := width.Fold.String(string(r)); len(f) == 1 && (f[0]|0x20) >= 'a' && (f[0]|0x20) <= 'z' {
			norm = f
		}
		sound := ""
		if rs := []rune(norm); len(rs) == 1 {
			if s, ok := soundOf[rs[0]]; ok {
				sound = string(s)
			}
		}
		chars, norms, sounds = append(chars, string(r)), append(norms, norm), append(sounds, sound)
	}
	for _, r := range fullWidth {
		add(r)
	}
	for _, r := range dotLookAlikes + rareMarks {
		add(r)
	}
	for _, r := range sortedKeys(toSimplified) {
		add(r)
	}
	for _, r := range sortedKeys(soundOf) {
		add(r)
	}
	for i := range sounds {
		if sounds[i] == "" {
			sounds[i] = norms[i]
		}
	}
	return chars, norms, sounds
}
