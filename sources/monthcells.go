package sources

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
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
// scanning the part's bytes for <row …> and <c … s="N"> tags without parsing the rows. A worksheet written with
// a namespace prefix (<x:c …>, as the .NET OpenXML SDK writes it) is scanned for its prefixed tags; a row or
// cell without its r attribute (it is optional) is the one after the previous.
func scanStyledCells(f *zip.File, xfs map[int]bool) map[[2]int]bool {
	out := map[[2]int]bool{}
	row, col := 0, 0
	scanTags(f, "<"+elementPrefix(f, "worksheet"), func(rest []byte) {
		var isRow bool
		switch {
		case len(rest) > 3 && string(rest[:3]) == "row" && (rest[3] == ' ' || rest[3] == '>' || rest[3] == '\t' || rest[3] == '\n' || rest[3] == '\r'):
			isRow = true
		case len(rest) > 1 && rest[0] == 'c' && (rest[1] == ' ' || rest[1] == '>' || rest[1] == '\t' || rest[1] == '\n' || rest[1] == '\r'):
		default:
			return
		}
		end := bytes.IndexByte(rest, '>')
		if end < 0 {
			return
		}
		attrs := rest[:end]
		if isRow {
			row, col = row+1, 0
			if r, ok := attr(attrs, "r"); ok {
				if n, err := strconv.Atoi(r); err == nil {
					row = n
				}
			}
			return
		}
		col++
		if r, ok := attr(attrs, "r"); ok {
			if c, n, err := excelize.CellNameToCoordinates(r); err == nil {
				col, row = c, n
			}
		}
		// Only a number cell holds a date serial: text typed into a date-formatted cell (t="s", "str",
		// "inlineStr") is read as written.
		if t, typed := attr(attrs, "t"); typed && t != "n" {
			return
		}
		if styled(attrs, xfs) {
			out[[2]int{row, col}] = true
		}
	})
	return out
}

// worksheetRoot finds the root element of a part and its namespace prefix: <x:worksheet …> gives x.
var worksheetRoot = regexp.MustCompile(`<(?:([A-Za-z_][\w.-]*):)?(worksheet)[\s>]`)

// elementPrefix returns "x:" when the part's root element name is written with prefix x, else "".
func elementPrefix(f *zip.File, root string) string {
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(rc, head)
	if m := worksheetRoot.FindSubmatch(head[:n]); m != nil && string(m[2]) == root && len(m[1]) > 0 {
		return string(m[1]) + ":"
	}
	return ""
}

// styled tells whether a cell's start tag has a style index in xfs.
func styled(attrs []byte, xfs map[int]bool) bool {
	v, ok := attr(attrs, "s")
	if !ok {
		return false
	}
	idx, err := strconv.Atoi(v)
	return err == nil && xfs[idx]
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
