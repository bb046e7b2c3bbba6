package sources

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
)

// A mergeRange is a merged cell area; its value is stored only in its top-left cell.
type mergeRange struct {
	row1, col1, row2, col2 int // 1-based, inclusive
}

// mergeFiller gives every cell of a merged area the value of its top-left cell while rows stream by: a
// parent header merged over its children labels each of them, a 户主姓名 merged down a household's member
// rows belongs to each member.
type mergeFiller struct {
	pending []mergeRange // sorted by row1, not yet reached
	active  []activeMerge
}

type activeMerge struct {
	mergeRange
	value string
}

func newMergeFiller(ranges []mergeRange) *mergeFiller {
	sort.Slice(ranges, func(i, j int) bool { return ranges[i].row1 < ranges[j].row1 })
	return &mergeFiller{pending: ranges}
}

func (m *mergeFiller) fill(rowNo int, cells []string) []string {
	if m == nil {
		return cells
	}
	for len(m.pending) > 0 && m.pending[0].row1 <= rowNo {
		r := m.pending[0]
		m.pending = m.pending[1:]
		if r.row1 < rowNo {
			continue // a row the iterator never showed; nothing to carry
		}
		v := ""
		if r.col1-1 < len(cells) {
			v = cells[r.col1-1]
		}
		if v != "" {
			m.active = append(m.active, activeMerge{r, v})
		}
	}
	kept := m.active[:0]
	for _, a := range m.active {
		if a.row2 < rowNo {
			continue
		}
		kept = append(kept, a)
		for len(cells) < a.col2 {
			cells = append(cells, "")
		}
		for c := a.col1; c <= a.col2; c++ {
			if cells[c-1] == "" {
				cells[c-1] = a.value
			}
		}
	}
	m.active = kept
	return cells
}

// A sheetLayout is what the importer needs of a sheet beyond its cell values: its merged areas, and the cells
// whose number format shows a month only (a date typed as 2023-05 or 2023年5月, stored as the 1st).
type sheetLayout struct {
	merges     []mergeRange
	monthCells map[[2]int]bool // {row, column}, 1-based
	// In a workbook of the 1904 date system (Excel for Mac before 2011), the date-formatted cells, whose
	// serials count from 1904-01-01 rather than 1900.
	dateCells1904 map[[2]int]bool
}

// sheetLayouts reads the layout of every sheet straight from the package: excelize's GetMergeCells and
// GetCellStyle parse the whole worksheet into memory, which for a county-sized sheet costs more than reading
// its rows. A workbook whose layout cannot be read is read without it.
func sheetLayouts(data []byte) map[string]sheetLayout {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	wbPath := "xl/workbook.xml"
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if readXML(files["_rels/.rels"], &rels) == nil {
		for _, r := range rels.Rel {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = strings.TrimPrefix(r.Target, "/")
			}
		}
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if readXML(files[wbPath], &wb) != nil {
		return nil
	}
	rels.Rel = nil
	dir := path.Dir(wbPath)
	if readXML(files[path.Join(dir, "_rels", path.Base(wbPath)+".rels")], &rels) != nil {
		return nil
	}
	targets := map[string]string{}
	styles := path.Join(dir, "styles.xml")
	for _, r := range rels.Rel {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join(dir, t)
		}
		targets[r.ID] = t
		if strings.HasSuffix(r.Type, "/styles") {
			styles = t
		}
	}
	monthXfs, dateXfs := monthStyles(files[styles])
	if d := strings.TrimSpace(wb.Pr.Date1904); d != "1" && d != "true" {
		dateXfs = nil
	}
	out := map[string]sheetLayout{}
	for _, s := range wb.Sheets {
		if f := files[targets[s.RID]]; f != nil {
			l := sheetLayout{merges: scanMerges(f)}
			if len(monthXfs) > 0 {
				l.monthCells = scanStyledCells(f, monthXfs)
			}
			if len(dateXfs) > 0 {
				l.dateCells1904 = scanStyledCells(f, dateXfs)
			}
			out[s.Name] = l
		}
	}
	return out
}

func readXML(f *zip.File, v any) error {
	if f == nil {
		return io.ErrUnexpectedEOF
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

// scanMerges finds the <mergeCell ref="A1:C2"/> elements of a worksheet by scanning its bytes, without
// parsing the rows.
func scanMerges(f *zip.File) []mergeRange {
	var out []mergeRange
	scanTags(f, "mergeCell", func(rest []byte) {
		if r, ok := parseMergeRef(rest); ok {
			out = append(out, r)
		}
	})
	return out
}

// scanTags reads a part of the package in chunks and calls fn with what follows each occurrence of name: at
// least the next 256 bytes (enough for one start tag), or up to the end of the part.
func scanTags(f *zip.File, name string, fn func(rest []byte)) {
	rc, err := f.Open()
	if err != nil {
		return
	}
	defer rc.Close()
	const tail = 256
	buf := make([]byte, 0, 1<<20+tail)
	chunk := make([]byte, 1<<20)
	for {
		n, err := rc.Read(chunk)
		buf = append(buf, chunk[:n]...)
		eof := err != nil
		limit := len(buf)
		if !eof {
			limit = len(buf) - tail // an element starting later may be cut; it is seen in the next round
		}
		i := 0
		for i < limit {
			j := bytes.Index(buf[i:], []byte(name))
			if j < 0 || i+j >= limit {
				break
			}
			i += j + len(name)
			fn(buf[i:])
		}
		if eof {
			return
		}
		if limit < 0 {
			limit = 0
		}
		buf = append(buf[:0], buf[limit:]...)
	}
}

func parseMergeRef(b []byte) (mergeRange, bool) {
	if len(b) == 0 || (b[0] != ' ' && b[0] != '\t' && b[0] != '\n' && b[0] != '\r') {
		return mergeRange{}, false // mergeCells, the container
	}
	end := bytes.IndexByte(b, '>')
	if end < 0 {
		return mergeRange{}, false
	}
	attrs := b[:end]
	k := bytes.Index(attrs, []byte(`ref="`))
	if k < 0 {
		return mergeRange{}, false
	}
	ref := attrs[k+5:]
	q := bytes.IndexByte(ref, '"')
	if q < 0 {
		return mergeRange{}, false
	}
	from, to, ok := strings.Cut(string(ref[:q]), ":")
	if !ok {
		return mergeRange{}, false
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(from)
	c2, r2, err2 := excelize.CellNameToCoordinates(to)
	if err1 != nil || err2 != nil || r2 < r1 || c2 < c1 {
		return mergeRange{}, false
	}
	return mergeRange{row1: r1, col1: c1, row2: r2, col2: c2}, true
}
