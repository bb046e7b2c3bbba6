package report

import (
	"archive/zip"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Village offices print the workbooks on A4 and carry them from door to door: every sheet bidui writes has a
// page setup of its own (paper, orientation, margins, a header naming the place, page numbers), and the
// tables repeat their header row on every page and print one page wide.

// paperA4 is the paper size code of A4 in a worksheet's page setup.
const paperA4 = 9

// Page margins in inches: narrow at the sides, so that a wide table is scaled down less.
const (
	marginSide   = 0.4
	marginTop    = 0.7
	marginBottom = 0.6
	marginHeader = 0.3
)

// Printable page heights in points at 100 % (A4 is 595 × 842 pt) less the margins and a little slack, for
// placing page breaks between the blocks of a sheet so that none is cut by a page edge.
const (
	pagePortraitHeight  = 842 - (marginTop+marginBottom)*72 - 12
	pageLandscapeHeight = 595 - (marginTop+marginBottom)*72 - 12
)

// pageSetup is how one sheet prints.
type pageSetup struct {
	landscape bool
	oneWide   bool   // scaled to one page wide, as many pages tall as it takes
	titleRows int    // rows repeated at the top of every page; 0 for none
	title     string // printed at the top left of every page: the place and the sheet
	note      string // printed at the top right of every page: the reference date
}

// setupPage sets the page setup of sheet. It is called before a stream writer starts on the sheet, whose
// worksheet then carries it (the stream writer writes page setup, header and footer and breaks on Flush).
func setupPage(f *excelize.File, sheet string, p pageSetup) error {
	size, orientation, one, any := paperA4, "portrait", 1, 0
	if p.landscape {
		orientation = "landscape"
	}
	layout := &excelize.PageLayoutOptions{Size: &size, Orientation: &orientation}
	if p.oneWide {
		layout.FitToWidth, layout.FitToHeight = &one, &any
		fit := true
		if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
			return fmt.Errorf("page setup: %w", err)
		}
	}
	if err := f.SetPageLayout(sheet, layout); err != nil {
		return fmt.Errorf("page setup: %w", err)
	}
	side, top, bottom, header, centred := marginSide, marginTop, marginBottom, marginHeader, true
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: &side, Right: &side, Top: &top, Bottom: &bottom, Header: &header, Footer: &header,
		Horizontally: &centred,
	}); err != nil {
		return fmt.Errorf("page margins: %w", err)
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&L" + headerText(p.title) + "&R" + headerText(p.note),
		OddFooter: "&C第 &P 页，共 &N 页",
	}); err != nil {
		return fmt.Errorf("page header: %w", err)
	}
	if p.titleRows > 0 {
		if err := f.SetDefinedName(&excelize.DefinedName{
			Name: "_xlnm.Print_Titles", Scope: sheet,
			RefersTo: fmt.Sprintf("'%s'!$1:$%d", strings.ReplaceAll(sheet, "'", "''"), p.titleRows),
		}); err != nil {
			return fmt.Errorf("print titles: %w", err)
		}
	}
	return nil
}

// headerText is s as literal text of a page header: & starts a code there (&P is the page number), so it is
// doubled; line breaks become spaces; and the text is cut to keep the header within the 255 characters Excel
// allows.
func headerText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 100 {
		s = string([]rune(s)[:100]) + "…"
	}
	return strings.ReplaceAll(s, "&", "&&")
}

// gridlineSheets lists the sheets of f whose cell grid prints. excelize has no setter for the print option,
// so saveWorkbook sets it in the written file (printGridlines).
type gridlineSheets []string

// parts are the names of the worksheet parts of the sheets in f.
func (g gridlineSheets) parts(f *excelize.File) map[string]bool {
	parts := map[string]bool{}
	for id, name := range f.GetSheetMap() {
		for _, s := range g {
			if s == name {
				parts["xl/worksheets/sheet"+strconv.Itoa(id)+".xml"] = true
			}
		}
	}
	return parts
}

// printGridlines copies the xlsx file data to w, setting gridLines="1" on the printOptions of the worksheet
// parts named in parts; the other parts are copied as they are, without being compressed again. Each of
// these worksheets must have a printOptions element (setupPage gives it one). The parts are written in name
// order: excelize writes the sheets of its stream writers in map order, and the same workbook must give the
// same bytes every time.
func printGridlines(w io.Writer, data []byte, parts map[string]bool) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("print gridlines: %w", err)
	}
	files := slices.SortedFunc(slices.Values(zr.File), func(a, b *zip.File) int { return cmp.Compare(a.Name, b.Name) })
	zw := zip.NewWriter(w)
	for _, zf := range files {
		if !parts[zf.Name] {
			if err := zw.Copy(zf); err != nil {
				return fmt.Errorf("print gridlines: %w", err)
			}
			continue
		}
		r, err := zf.Open()
		if err != nil {
			return fmt.Errorf("print gridlines: %w", err)
		}
		x, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return fmt.Errorf("print gridlines: %w", err)
		}
		const element = "<printOptions "
		if !bytes.Contains(x, []byte(element)) {
			return fmt.Errorf("print gridlines: %s has no print options", zf.Name)
		}
		x = bytes.Replace(x, []byte(element), []byte(element+`gridLines="1" `), 1)
		out, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate})
		if err != nil {
			return fmt.Errorf("print gridlines: %w", err)
		}
		if _, err := out.Write(x); err != nil {
			return fmt.Errorf("print gridlines: %w", err)
		}
	}
	return zw.Close()
}

// Row heights. A row whose height is set keeps it in every program; one left unset is made as tall as its
// wrapped text by LibreOffice but not always by Excel and WPS, which then print the first line of a long
// 问题说明 only. So bidui sets the height of each row from the text it wraps.
const (
	lineHeight = 14.5 // points per line of 11-point text, CJK fonts included (宋体 and 等线 take 14.25)
	rowPadding = 4    // points above and below the text
)

// textUnits is the width of s in column-width units (the width of a digit of the default font): a Chinese
// character, or any other wide one, is about two; other characters one.
func textUnits(s string) float64 {
	var w float64
	for _, r := range s {
		switch {
		case r >= 0x2E80 && !(r >= 0xFF61 && r <= 0xFFDC): // CJK, full-width forms
			w += 2.1
		case r < 0x20:
		default:
			w += 1.05
		}
	}
	return w
}

// wrappedLines is how many lines s takes when wrapped in a column of the given width: each of its own lines
// takes at least one, a long one as many as its width needs.
func wrappedLines(s string, width float64) int {
	inner := max(width-1.2, 1)
	n := 0
	for _, line := range strings.Split(s, "\n") {
		n += max(1, int(math.Ceil(textUnits(line)/inner)))
	}
	return n
}

// rowHeight is the height in points of a row that shows lines lines of text.
func rowHeight(lines int) float64 {
	return float64(max(lines, 1))*lineHeight + rowPadding
}

// ruleColumnWidth is the width of a rule's column of 按村汇总: its header is turned on its side
// (turnRuleHeaders), so that a county's two dozen rules fit one page across beside the counts.
const ruleColumnWidth = 4.5

// turnRuleHeaders turns the headers of the n rule columns of 按村汇总 from column first on their side, wrapped
// in two lines, in a header row tall enough for a rule's code and title.
func turnRuleHeaders(f *excelize.File, first, n int) error {
	if n == 0 {
		return nil
	}
	style := headerStyle()
	style.Alignment = &excelize.Alignment{Horizontal: "center", Vertical: "bottom", TextRotation: 90, WrapText: true}
	id, err := f.NewStyle(&style)
	if err != nil {
		return fmt.Errorf("create style: %w", err)
	}
	from, err := excelize.CoordinatesToCellName(first, 1)
	if err != nil {
		return err
	}
	to, err := excelize.CoordinatesToCellName(first+n-1, 1)
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheetByVillage, from, to, id); err != nil {
		return err
	}
	return f.SetRowHeight(sheetByVillage, 1, 130)
}

// styleSpec is a cell style to create and where to keep its id.
type styleSpec struct {
	id    *int
	style excelize.Style
}

// createStyles creates the styles of specs in f and stores their ids.
func createStyles(f *excelize.File, specs []styleSpec) error {
	for _, spec := range specs {
		id, err := f.NewStyle(&spec.style)
		if err != nil {
			return fmt.Errorf("create style: %w", err)
		}
		*spec.id = id
	}
	return nil
}

// newStreamSheet starts a stream writer on sheet with the widths of cols. Whatever the worksheet is to carry
// besides its rows (page setup, breaks, filter) is set on it before.
func newStreamSheet(f *excelize.File, sheet string, cols []column) (*excelize.StreamWriter, error) {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, err
		}
	}
	return sw, nil
}
