package sources

import (
	"archive/zip"
	"bytes"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// monthFormatIDs are the built-in number formats that show a month without a day: mmm-yy, and the
// Chinese-locale yyyy"年"m"月" (27, 36, 50, 52, 57).
var monthFormatIDs = map[int]bool{17: true, 27: true, 36: true, 50: true, 52: true, 57: true}

// dateFormatIDs are the built-in number formats that show a date (with or without a time of day).
var dateFormatIDs = map[int]bool{14: true, 15: true, 16: true, 17: true, 22: true, 27: true, 28: true, 29: true, 30: true,
	31: true, 34: true, 35: true, 36: true, 50: true, 51: true, 52: true, 53: true, 54: true, 57: true, 58: true}

// monthStyles returns the cell formats (indexes into cellXfs) of a workbook's styles part whose number format
// shows a month without a day, and those that show a date of any kind. Nil when there is none or the part
// cannot be read.
func monthStyles(f *zip.File) (month, date map[int]bool) {
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if f == nil || readXML(f, &st) != nil {
		return nil, nil
	}
	monthFmt, dateFmt := map[int]bool{}, map[int]bool{}
	for id := range monthFormatIDs {
		monthFmt[id] = true
	}
	for id := range dateFormatIDs {
		dateFmt[id] = true
	}
	for _, nf := range st.NumFmts {
		letters := formatLetters(nf.Code)
		monthFmt[nf.ID] = strings.Contains(letters, "y") && strings.Contains(letters, "m") && !strings.ContainsAny(letters, "dhs")
		dateFmt[nf.ID] = strings.ContainsAny(letters, "yd")
	}
	for i, xf := range st.Xfs {
		if monthFmt[xf.NumFmtID] {
			if month == nil {
				month = map[int]bool{}
			}
			month[i] = true
		}
		if dateFmt[xf.NumFmtID] {
			if date == nil {
				date = map[int]bool{}
			}
			date[i] = true
		}
	}
	return month, date
}

// monthOnly tells a date format that shows a year and a month but no day or time: yyyy-mm, yyyy"年"m"月",
// mmm-yy, [$-804]yyyy年m月.
func monthOnly(code string) bool {
	letters := formatLetters(code)
	return strings.Contains(letters, "y") && strings.Contains(letters, "m") &&
		!strings.ContainsAny(letters, "dhs")
}

// formatLetters returns the format letters of a number format's first section, lower-cased. Literal text in
// quotes, escaped characters and bracketed parts are not format letters.
func formatLetters(code string) string {
	var b strings.Builder
	inQuote, inBracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case inBracket:
			inBracket = c != ']'
		case c == '"':
			inQuote = true
		case c == '[':
			inBracket = true
		case c == ';':
			i = len(code) // the first section is the one for positive numbers, which dates are
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal (or a fill or width placeholder)
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
			b.WriteByte(c | 0x20)
		}
	}
	return b.String()
}

// scanStyledCells returns the {row, column} of every cell of a worksheet whose style index is in xfs, by
// scanning the part's bytes for <c … s="N"> without parsing the rows.
func scanStyledCells(f *zip.File, xfs map[int]bool) map[[2]int]bool {
	out := map[[2]int]bool{}
	scanTags(f, "<c ", func(rest []byte) {
		if end := bytes.IndexByte(rest, '>'); end >= 0 {
			if cell, ok := styledCell(rest[:end], xfs); ok {
				out[cell] = true
			}
		}
	})
	return out
}

// styledCell reads the r and s attributes of a cell's start tag.
func styledCell(attrs []byte, xfs map[int]bool) ([2]int, bool) {
	s, ok := attr(attrs, "s")
	if !ok {
		return [2]int{}, false
	}
	idx, err := strconv.Atoi(s)
	if err != nil || !xfs[idx] {
		return [2]int{}, false
	}
	r, ok := attr(attrs, "r")
	if !ok {
		return [2]int{}, false
	}
	col, row, err := excelize.CellNameToCoordinates(r)
	if err != nil {
		return [2]int{}, false
	}
	return [2]int{row, col}, true
}

// attr returns the value of attribute name in a start tag's attributes.
func attr(attrs []byte, name string) (string, bool) {
	for k := 0; ; {
		j := bytes.Index(attrs[k:], []byte(name+`="`))
		if j < 0 {
			return "", false
		}
		j += k
		if j == 0 || attrs[j-1] == ' ' || attrs[j-1] == '\t' || attrs[j-1] == '\n' || attrs[j-1] == '\r' {
			v := attrs[j+len(name)+2:]
			q := bytes.IndexByte(v, '"')
			if q < 0 {
				return "", false
			}
			return string(v[:q]), true
		}
		k = j + 1
	}
}
