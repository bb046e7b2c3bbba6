package sources

import "strings"

// cellValue returns the value of column i of a data row, or the value to show and the reason it is
// rejected: a cell the reader could not read (see markCell), a value with NUL bytes, or a column whose twin
// (the same header given again) holds another value.
func (p *rowParser) cellValue(cells []string, i int) (value, reason string) {
	raw := ""
	if i < len(cells) {
		raw = cells[i]
	}
	if strings.IndexByte(raw, 0) >= 0 {
		if rest, ok := strings.CutPrefix(raw, cellMark); ok {
			if reason, v, ok := strings.Cut(rest, cellMark); ok {
				return shownValue(v), reason
			}
		}
		return shownValue(raw), ReasonNULByte
	}
	v := cleanText(raw)
	for _, k := range p.hm.twins[i] {
		if k >= len(cells) {
			continue
		}
		if w := cleanText(cells[k]); w != "" && v != "" && w != v {
			return shownValue(v + " | " + w), ReasonConflict
		}
	}
	return raw, ""
}

// shownValue is a rejected value as the rejects table keeps it: a NUL, which a database string cannot hold,
// shows as ␀, and a cell mark as nothing.
func shownValue(s string) string {
	s = strings.ReplaceAll(s, cellMark, "")
	return strings.ReplaceAll(s, "\x00", "␀")
}

// checkSink counts nothing (the row parser does) and keeps the first rejects of a sheet for Check.
type checkSink struct{ res *Result }

func (checkSink) put(record) error { return nil }

func (c *checkSink) reject(r rejectRow) error {
	if len(c.res.Rejects) < MaxCheckRejects {
		c.res.Rejects = append(c.res.Rejects, Reject{Row: r.rowNo, Column: r.column, Field: r.field, Value: r.value,
			Reason: r.reason})
	}
	return nil
}
