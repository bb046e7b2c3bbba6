package sources

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html/charset"
)

// openXLSX opens a workbook package. Its sheets are read straight from the package with a streaming XML
// decoder (xlsxRows): every value as the cell stores it rather than as its number format shows it (an
// 18-digit ID stored as a number keeps all its digits, a date cell comes back as its serial number), every
// decoding error ends the sheet as failed rather than as loaded with the rows before it, and nothing but the
// shared strings is held in memory, within lim.
func openXLSX(data []byte, lim Limits) (*book, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		// Go's zip reader stops a part that inflates beyond the size its header gives, so the header's
		// size bounds what reading the part can cost.
		if f.UncompressedSize64 > uint64(lim.PartBytes) {
			return nil, limitError(fmt.Sprintf("part %s unzips to %d bytes", f.Name, f.UncompressedSize64),
				"part_bytes", lim.PartBytes)
		}
		files[strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/")] = f
	}
	pkg, err := readPackage(files)
	if err != nil {
		return nil, err
	}
	if err := countStyles(files[pkg.styles], lim); err != nil {
		return nil, err
	}
	sst, err := readSharedStrings(files[pkg.sharedStrings], lim)
	if err != nil {
		return nil, err
	}
	layouts := sheetLayouts(data)
	b := &book{format: "xlsx"}
	for _, s := range pkg.sheets {
		f := files[s.target]
		b.sheets = append(b.sheets, &sheetSource{name: s.name, open: func() (rowIter, error) {
			if f == nil {
				return nil, fmt.Errorf("%w: the workbook lists the sheet but the package has no part %s", ErrUnreadable, s.target)
			}
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
			}
			l := layouts[s.name]
			return prefetch(&xlsxRows{rows: newSheetReader(rc, sst, lim), merges: newMergeFiller(l.merges),
				monthCells: l.monthCells, dateCells1904: l.dateCells1904}), nil
		}})
	}
	return b, nil
}

// xlsxPackage is where a workbook's parts are.
type xlsxPackage struct {
	sheets        []xlsxSheetRef
	sharedStrings string
	styles        string
}

type xlsxSheetRef struct{ name, target string }

// readPackage finds the workbook through the package relationships, and its sheets, shared strings and
// styles through the workbook's.
func readPackage(files map[string]*zip.File) (*xlsxPackage, error) {
	type rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	wbPath := "xl/workbook.xml"
	var root rels
	if f := files["_rels/.rels"]; f != nil {
		if err := decodePart(f, &root); err != nil {
			return nil, err
		}
		for _, r := range root.Rel {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = strings.TrimPrefix(r.Target, "/")
			}
		}
	}
	if files[wbPath] == nil {
		return nil, fmt.Errorf("%w: a zip archive without a workbook (no %s)", ErrNotTabular, wbPath)
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(files[wbPath], &wb); err != nil {
		return nil, err
	}
	dir := path.Dir(wbPath)
	pkg := &xlsxPackage{sharedStrings: path.Join(dir, "sharedStrings.xml"), styles: path.Join(dir, "styles.xml")}
	var wbRels rels
	if f := files[path.Join(dir, "_rels", path.Base(wbPath)+".rels")]; f != nil {
		if err := decodePart(f, &wbRels); err != nil {
			return nil, err
		}
	}
	targets := map[string]string{}
	for _, r := range wbRels.Rel {
		t := path.Join(dir, r.Target) // relative to the workbook, unless absolute in the package
		if abs, ok := strings.CutPrefix(r.Target, "/"); ok {
			t = abs
		}
		targets[r.ID] = t
		switch {
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			pkg.sharedStrings = t
		case strings.HasSuffix(r.Type, "/styles"):
			pkg.styles = t
		}
	}
	for i, s := range wb.Sheets {
		t, ok := targets[s.RID]
		if !ok {
			t = path.Join(dir, "worksheets", fmt.Sprintf("sheet%d.xml", i+1))
		}
		pkg.sheets = append(pkg.sheets, xlsxSheetRef{name: s.Name, target: t})
	}
	if len(pkg.sheets) == 0 {
		return nil, fmt.Errorf("%w: the workbook lists no sheet", ErrUnreadable)
	}
	return pkg, nil
}

// maxSmallPart bounds the parts read whole into memory: the relationships and the workbook part, which list
// the sheets and where they are.
const maxSmallPart = 64 << 20

// newXMLDecoder decodes a part of the package through xmlCleaner, with runs of text bounded by maxRun; a part
// that declares another encoding than UTF-8 (GBK, from some Chinese tools) is decoded from it.
func newXMLDecoder(r io.Reader, maxRun int) *xml.Decoder {
	d := xml.NewDecoder(&xmlCleaner{r: r, maxRun: maxRun})
	d.CharsetReader = charset.NewReaderLabel
	return d
}

// decodePart decodes a small XML part of the package (relationships, the workbook).
func decodePart(f *zip.File, v any) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUnreadable, f.Name, err)
	}
	defer rc.Close()
	if f.UncompressedSize64 > maxSmallPart {
		return fmt.Errorf("%w: %s is %d bytes, which no workbook Excel writes comes near", ErrUnreadable, f.Name, f.UncompressedSize64)
	}
	if err := newXMLDecoder(rc, 1<<20).Decode(v); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUnreadable, f.Name, err)
	}
	return nil
}

// countStyles fails a styles part with more cell formats and number formats than lim allows, before
// anything parses it whole. It counts start tags by their bytes.
func countStyles(f *zip.File, lim Limits) error {
	if f == nil {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUnreadable, f.Name, err)
	}
	defer rc.Close()
	// Formats take tens of bytes each; a part far larger than its formats can need is padded to be parsed.
	if max := uint64(lim.Styles) * 512; f.UncompressedSize64 > max {
		return limitError(fmt.Sprintf("the styles part is %d bytes, more than %d formats need", f.UncompressedSize64, lim.Styles),
			"styles", int64(lim.Styles))
	}
	br := bufio.NewReaderSize(rc, 64<<10)
	n := 0
	for {
		if _, err := br.ReadSlice('<'); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				return fmt.Errorf("%w: %s: %v", ErrUnreadable, f.Name, err)
			}
			continue
		}
		name, _ := br.Peek(16)
		if i := bytes.IndexAny(name, " \t\r\n/>"); i >= 0 {
			name = name[:i]
		}
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		if string(name) == "xf" || string(name) == "numFmt" {
			if n++; n > lim.Styles {
				return limitError(fmt.Sprintf("the styles part holds more than %d formats", lim.Styles),
					"styles", int64(lim.Styles))
			}
		}
	}
}

// sharedStrings is a workbook's shared-string table, held compactly: the text of every entry one after
// the other, and where each ends.
type sharedStrings struct {
	text []byte
	ends []uint32
}

func (s *sharedStrings) get(i int) string {
	start := uint32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	return string(s.text[start:s.ends[i]])
}

func (s *sharedStrings) len() int {
	if s == nil {
		return 0
	}
	return len(s.ends)
}

// readSharedStrings reads the shared-string table, failing when it holds more entries than lim allows or
// an entry longer than a cell may be. A workbook without one has none.
func readSharedStrings(f *zip.File, lim Limits) (*sharedStrings, error) {
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: shared strings: %v", ErrUnreadable, err)
	}
	defer rc.Close()
	d := newXMLDecoder(rc, lim.CellBytes+1024)
	s := &sharedStrings{}
	var cur []byte
	inSI, inT, inPhonetic := false, false, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return s, nil
		}
		if err != nil {
			if errors.Is(err, errLongRun) {
				return nil, limitError(fmt.Sprintf("shared string %d is longer than %d bytes", len(s.ends)+1, lim.CellBytes),
					"cell_bytes", int64(lim.CellBytes))
			}
			return nil, fmt.Errorf("%w: the shared strings break off after entry %d: %v", ErrUnreadable, len(s.ends), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "sst":
				// The count the table declares fails it at once; the entries are counted all the same.
				if n, err := strconv.ParseInt(xmlAttr(t, "uniqueCount"), 10, 64); err == nil && n > int64(lim.SharedStrings) {
					return nil, limitError(fmt.Sprintf("the shared-string table declares %d entries", n),
						"shared_strings", int64(lim.SharedStrings))
				}
			case "si":
				inSI, cur = true, cur[:0]
			case "rPh":
				inPhonetic++
			case "t":
				inT = inSI && inPhonetic == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if len(s.ends) >= lim.SharedStrings {
					return nil, limitError(fmt.Sprintf("the shared-string table holds more than %d entries", lim.SharedStrings),
						"shared_strings", int64(lim.SharedStrings))
				}
				v := storedText(string(cur))
				if len(s.text)+len(v) > 1<<32-1 {
					return nil, limitError("the shared strings hold more than 4 GiB of text", "part_bytes", lim.PartBytes)
				}
				s.text = append(s.text, v...)
				s.ends = append(s.ends, uint32(len(s.text)))
				inSI = false
			case "rPh":
				inPhonetic--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				if cur = append(cur, t...); len(cur) > lim.CellBytes {
					return nil, limitError(fmt.Sprintf("shared string %d is longer than %d bytes", len(s.ends)+1, lim.CellBytes),
						"cell_bytes", int64(lim.CellBytes))
				}
			}
		}
	}
}

// storedText turns the text of a string cell as stored into the value: Excel's _xHHHH_ escapes of
// characters XML cannot hold are decoded (as excelize does), and the NULs xmlCleaner marked are NULs again.
func storedText(s string) string {
	if strings.Contains(s, "_x") {
		s = unescapeOOXML(s)
	}
	if strings.Contains(s, nulMark) {
		s = strings.ReplaceAll(s, nulMark, "\x00")
	}
	return s
}

// unescapeOOXML decodes _xHHHH_ (and _x005F_, an escaped underscore).
func unescapeOOXML(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || i+7 > len(s) || s[i+6] != '_' {
			if i < 0 || i+7 > len(s) {
				b.WriteString(s)
				return b.String()
			}
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		n, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
		if err != nil {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		if n == 0x5F {
			b.WriteByte('_')
		} else {
			b.WriteRune(rune(n))
		}
		s = s[i+7:]
	}
}

// Reasons for a cell the workbook itself got wrong; the value is rejected with the reason.
const (
	ReasonBadSharedString = "bad_shared_string" // a shared-string cell whose index is not a number or not in the table
	ReasonNoCachedValue   = "no_cached_value"   // a formula cell saved without its value (never calculated)
	ReasonNULByte         = "nul_byte"          // a value with NUL bytes in it
	ReasonConflict        = "conflicting_columns"
)

// cellMark prefixes a cell value the reader could not read: cellMark, the reason, cellMark, then what the
// cell holds. A NUL never survives into a loaded value (see cellValue), so no file can forge one.
const cellMark = "\x00\x00"

func markCell(reason, raw string) string { return cellMark + reason + cellMark + raw }

// maxSheetRows is the last row a worksheet can have (Excel's limit).
const maxSheetRows = excelize.TotalRows

// sheetReader reads the rows of one worksheet part.
type sheetReader struct {
	rc   io.ReadCloser
	d    *xml.Decoder
	sst  *sharedStrings
	lim  Limits
	last int  // the row number of the last row read
	done bool // </sheetData> (or the end of the part) reached
	// rooted: the part's root element was seen (an empty part is damage, not an empty sheet)
	rooted bool

	pending      []string // the row read ahead when rows were missing before it
	pendingRowNo int
}

func newSheetReader(rc io.ReadCloser, sst *sharedStrings, lim Limits) *sheetReader {
	return &sheetReader{rc: rc, d: newXMLDecoder(rc, lim.CellBytes+1024), sst: sst, lim: lim}
}

// next returns the next row and its number. Rows the part skips (numbered past the last one) come back
// empty, one by one, as a spreadsheet shows them. Any decoding error ends the sheet with an error that says
// which row was read last.
func (r *sheetReader) next() ([]string, int, error) {
	if r.pending != nil || r.pendingRowNo > 0 {
		if r.last+1 < r.pendingRowNo {
			r.last++
			return nil, r.last, nil
		}
		cells := r.pending
		r.last, r.pending, r.pendingRowNo = r.pendingRowNo, nil, 0
		return cells, r.last, nil
	}
	if r.done {
		return nil, 0, io.EOF
	}
	for {
		tok, err := r.d.Token()
		if errors.Is(err, io.EOF) && r.d.InputOffset() > 0 && r.rooted {
			// A whole document without rows (a chart sheet): the decoder fails one cut short instead.
			r.done = true
			return nil, 0, io.EOF
		}
		if err != nil {
			return nil, r.last + 1, r.broken(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			r.rooted = true
			if t.Name.Local != "row" {
				continue
			}
			rowNo := r.last + 1
			if v := xmlAttr(t, "r"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n <= r.last || n > maxSheetRows {
					return nil, r.last + 1, fmt.Errorf("%w: a row after row %d is numbered %q", ErrUnreadable, r.last, v)
				}
				rowNo = n
			}
			cells, err := r.row(rowNo)
			if err != nil {
				return nil, rowNo, err
			}
			if rowNo > r.last+1 {
				r.pending, r.pendingRowNo = cells, rowNo
				if cells == nil {
					r.pending = []string{}
				}
				r.last++
				return nil, r.last, nil
			}
			r.last = rowNo
			return cells, rowNo, nil
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				r.done = true
				// The zip reader checks a part's checksum at its end only: read to it, so that bytes damaged
				// in the rows, however well they parse, fail the sheet.
				if _, err := io.Copy(io.Discard, r.rc); err != nil {
					return nil, r.last + 1, fmt.Errorf("%w: the sheet's data is damaged (%v); nothing of it is loaded",
						ErrUnreadable, err)
				}
				return nil, 0, io.EOF
			}
		}
	}
}

// broken turns a decoding error into the sheet's failure.
func (r *sheetReader) broken(err error) error {
	switch {
	case errors.Is(err, errLongRun):
		return limitError(fmt.Sprintf("a value after row %d is longer than %d bytes", r.last, r.lim.CellBytes),
			"cell_bytes", int64(r.lim.CellBytes))
	case errors.Is(err, io.EOF):
		err = errors.New("the sheet ends before its rows do")
	}
	if r.last == 0 {
		return fmt.Errorf("%w: the sheet's XML is broken before its first row (nothing of it is loaded): %v", ErrUnreadable, err)
	}
	return fmt.Errorf("%w: the sheet's XML is broken after row %d, the last row read (nothing of it is loaded): %v",
		ErrUnreadable, r.last, err)
}

// row reads the cells of the <row> just opened, up to its end tag.
func (r *sheetReader) row(rowNo int) ([]string, error) {
	var cells []string
	col := 0
	for {
		tok, err := r.d.Token()
		if err != nil {
			return nil, r.broken(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				if err := r.d.Skip(); err != nil {
					return nil, r.broken(err)
				}
				continue
			}
			col++
			if ref := xmlAttr(t, "r"); ref != "" {
				c, _, err := excelize.CellNameToCoordinates(ref)
				if err != nil {
					return nil, fmt.Errorf("%w: a cell of row %d is named %q: %v", ErrUnreadable, rowNo, ref, err)
				}
				col = c
			}
			if col > r.lim.CellsPerRow {
				return nil, limitError(fmt.Sprintf("row %d has a cell in column %d", rowNo, col),
					"cells_per_row", int64(r.lim.CellsPerRow))
			}
			v, keep, err := r.cell(t)
			if err != nil {
				return nil, r.broken(err)
			}
			if len(v) > r.lim.CellBytes {
				return nil, limitError(fmt.Sprintf("the value of row %d column %d is %d bytes", rowNo, col, len(v)),
					"cell_bytes", int64(r.lim.CellBytes))
			}
			if keep {
				for len(cells) < col-1 {
					cells = append(cells, "")
				}
				if len(cells) >= col {
					cells = cells[:col-1] // a cell named twice: the later one stands
				}
				cells = append(cells, v)
			}
		case xml.EndElement:
			if t.Name.Local == "row" {
				return cells, nil
			}
		}
	}
}

// cell reads a <c> element to its end and returns its value as stored, and whether it is to be placed (a
// cell with neither value nor formula is not, so a row's cells end at its last value, as excelize has it).
func (r *sheetReader) cell(start xml.StartElement) (string, bool, error) {
	typ := xmlAttr(start, "t")
	var v, inline []byte
	hasV, hasF, inV, inIS, inT, phonetic := false, false, false, false, false, 0
	for {
		tok, err := r.d.Token()
		if err != nil {
			return "", false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				hasV, inV = true, true
			case "f":
				hasF = true
			case "is":
				inIS = true
			case "rPh":
				phonetic++
			case "t":
				inT = inIS && phonetic == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "c":
				return r.value(typ, string(v), hasV, hasF, inline)
			case "v":
				inV = false
			case "is":
				inIS = false
			case "rPh":
				phonetic--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inV {
				v = append(v, t...)
			} else if inT {
				inline = append(inline, t...)
			}
		}
	}
}

// value is the value of a cell as stored: the shared string it points to, its inline string, or its <v>.
func (r *sheetReader) value(typ, v string, hasV, hasF bool, inline []byte) (string, bool, error) {
	if hasF && !hasV {
		return markCell(ReasonNoCachedValue, ""), true, nil
	}
	switch typ {
	case "s":
		if v == "" {
			return "", false, nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= r.sst.len() {
			return markCell(ReasonBadSharedString, v), true, nil
		}
		return storedText(r.sst.get(i)), true, nil
	case "inlineStr":
		if inline != nil {
			s := storedText(string(inline))
			return s, s != "" || hasF, nil
		}
	}
	s := strings.ReplaceAll(v, nulMark, "\x00")
	return s, s != "" || hasF, nil
}

func (r *sheetReader) close() { _ = r.rc.Close() }

func xmlAttr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

type xlsxRows struct {
	rows       *sheetReader
	merges     *mergeFiller
	monthCells map[[2]int]bool // date cells formatted to show a month only
	// date cells of a 1904-system workbook: their serials are moved to the 1900 system before anything else
	dateCells1904 map[[2]int]bool
}

func (x *xlsxRows) next() ([]string, int, error) {
	cells, n, err := x.rows.next()
	if err != nil {
		return nil, n, err
	}
	if len(x.dateCells1904) > 0 {
		for i, c := range cells {
			if x.dateCells1904[[2]int{n, i + 1}] {
				cells[i] = from1904(c)
			}
		}
	}
	if len(x.monthCells) > 0 {
		for i, c := range cells {
			if x.monthCells[[2]int{n, i + 1}] {
				cells[i] = monthText(c)
			}
		}
	}
	return x.merges.fill(n, cells), n, nil
}

// monthText writes a date serial from a cell formatted to show a month only as that month (2023-05), so that
// it loads with month precision, as the cell shows it. Any other value is left as it is.
func monthText(raw string) string {
	if !serialDate.MatchString(raw) {
		return raw
	}
	t, _, ok := excelSerial(raw)
	if !ok {
		return raw
	}
	return t.Format("2006-01")
}

func (x *xlsxRows) close() { x.rows.close() }

// days1904 is how many days the 1904 date system's day 0 (1904-01-01) is after the 1900 system's.
const days1904 = 1462

// from1904 moves the serial of a 1904-system date cell to the 1900 system; any other value is left as it is.
func from1904(raw string) string {
	if !serialDate.MatchString(raw) {
		return raw
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return raw
	}
	return strconv.FormatFloat(f+days1904, 'f', -1, 64)
}
