package sources

import (
	"encoding/json"
	"strings"
)

// extraKeys returns, per column of the sheet, the key under which extra keeps its cells: the header as
// seen; a header that occurs twice, or a column without a header, is told apart by its spreadsheet column
// letter. A column that a field reads has no key.
func extraKeys(hm *headerMatch) []string {
	count := map[string]int{}
	for i := range hm.cols {
		if hm.seen[i] != "" {
			count[hm.seen[i]]++
		}
	}
	keys := make([]string, len(hm.cols))
	for i, f := range hm.cols {
		switch {
		case f != nil:
		case hm.seen[i] == "":
			keys[i] = "列" + columnName(i)
		case count[hm.seen[i]] > 1:
			keys[i] = hm.seen[i] + "(列" + columnName(i) + ")"
		default:
			keys[i] = hm.seen[i]
		}
	}
	return keys
}

// extra returns the non-empty cells of the columns no field takes, as a JSON object in column order.
func (p *rowParser) extra(cells []string) string {
	var b strings.Builder
	for i, c := range cells {
		if i < len(p.hm.cols) && p.hm.cols[i] != nil {
			continue
		}
		if c = cleanText(c); c == "" {
			continue
		}
		key := "列" + columnName(i)
		if i < len(p.extraK) {
			key = p.extraK[i]
		}
		if b.Len() == 0 {
			b.WriteByte('{')
		} else {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		v, _ := json.Marshal(c)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	if b.Len() == 0 {
		return ""
	}
	b.WriteByte('}')
	return b.String()
}
