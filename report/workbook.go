package report

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bidui/bidui"
	"github.com/xuri/excelize/v2"
)

// Sheet names of a village workbook. A returned workbook is read back by these names and headers (kind
// verification), so they are part of the file contract in spec/outputs.md.
const (
	sheetFindings = "问题清单"
	sheetVisit    = bidui.SheetVisit // not read back: answers go into 问题清单
	sheetNotes    = "说明"
)

// verificationResults are the choices of the 核实结果 drop-down, in the order the village sees them.
var verificationResults = []string{bidui.VerifiedCorrected, bidui.VerifiedAccepted, bidui.VerifiedOther}

// column is one column of the 问题清单 sheet.
type column struct {
	header string
	width  float64
	wrap   bool // long text wraps within the column, and the row grows to hold it
	input  bool // filled in by the village, not by bidui
}

// columns of the 问题清单 sheet, in order (spec/outputs.md). The widths add up to what prints on one A4
// page across at about 72 %: the long texts wrap in their columns, and the rows are as tall as they need.
var columns = []column{
	{header: "序号", width: 5},
	{header: "编号", width: 16.5},
	{header: "问题类别", width: 5.5, wrap: true},
	{header: "问题类型", width: 16, wrap: true},
	{header: "严重程度", width: 5.5},
	{header: "户编号", width: 19},
	{header: "姓名", width: 8.5, wrap: true},
	{header: "证件号码", width: 19},
	{header: "问题说明", width: 36, wrap: true},
	{header: "建议处理", width: 20, wrap: true},
	{header: "首次发现", width: 10.5},
	{header: "状态", width: 8, wrap: true},
	{header: "核实结果", width: 11, wrap: true, input: true},
	{header: "核实说明", width: 15, wrap: true, input: true},
	{header: "核实人", width: 7, input: true},
	{header: "核实日期", width: 10.5, input: true},
}

// 1-based numbers of the columns that need their own format.
const (
	colHouseholdNo = 6
	colIDNumber    = 8
	colResult      = 13
	colNote        = 14
	colDate        = 16
)

var severityLabels = map[string]string{"high": "高", "medium": "中", "low": "低"}

// statusLabels are the 状态 column's words for the finding statuses of the findings view; a finding whose
// feedback is FeedbackStillPresent shows that instead (statusLabel).
var statusLabels = map[string]string{
	bidui.StatusNew:    "新增",
	bidui.StatusOpen:   "持续",
	bidui.StatusWaived: "无需修正",
}

// NotRechecked starts the 状态 of a finding whose rule could not run this run (its source missing or failed),
// followed by the reason: it is listed as it was, not checked again.
const NotRechecked = "本次未复核"

// statusLabel is the 状态 of a finding: what a returned workbook said about it wins over its status, since a
// village that reported a correction needs to know the finding is still there.
func statusLabel(f finding) string {
	if f.feedback == FeedbackStillPresent || strings.HasPrefix(f.feedback, NotRechecked) {
		return f.feedback
	}
	return label(statusLabels, f.status)
}

// label returns the Chinese label of a code, or the code itself when it has none, so that a value added to
// the vocabulary later still shows instead of an empty cell.
func label(labels map[string]string, code string) string {
	if l, ok := labels[code]; ok {
		return l
	}
	return code
}

// styles are the cell styles of a village workbook.
type styles struct {
	header, headerInput   int // header row: bidui's columns, the columns the village fills in
	cell, center, text    int // data cells; text has the "@" format so Excel keeps long digit strings
	wrap, date, noteHead  int
	wrapCenter, wrapPlain int // wrapPlain: wrapped, without a border
	visit                 visitStyles
}

// cellBorder is the thin grey border of every table cell bidui writes.
var cellBorder = []excelize.Border{
	{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "top", Color: "BFBFBF", Style: 1},
	{Type: "right", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1},
}

// headerStyle is the bold, light-blue, centred header cell of every table bidui writes.
func headerStyle() excelize.Style {
	return excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    cellBorder,
	}
}

func newStyles(f *excelize.File) (styles, error) {
	border := cellBorder
	dateFormat := "yyyy-mm-dd"
	var s styles
	specs := []styleSpec{
		{&s.header, headerStyle()},
		{&s.headerInput, excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
			Border:    border,
		}},
		{&s.cell, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}, Border: border}},
		{&s.center, excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}, Border: border}},
		{&s.text, excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top"}, Border: border}},
		{&s.wrap, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: border}},
		{&s.date, excelize.Style{CustomNumFmt: &dateFormat, Alignment: &excelize.Alignment{Vertical: "top"}, Border: border}},
		{&s.noteHead, excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}}},
		{&s.wrapPlain, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.wrapCenter, excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}, Border: border}},
	}
	if err := createStyles(f, specs); err != nil {
		return styles{}, err
	}
	var err error
	s.visit, err = newVisitStyles(f)
	return s, err
}

// writeWorkbook writes the workbook of village v to rel (slash-separated, relative to root). heads names the
// head of each household (by household number) for the visit sheet. It returns the size and SHA-256 of the
// file written.
func writeWorkbook(root *os.Root, rel string, v *village, rules map[string]rule, heads map[string]string,
	asOf time.Time, opt Options) (workbookRecord, error) {
	f := excelize.NewFile()
	// Close removes the stream writer's temporary files; its error says nothing about the workbook written.
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetFindings); err != nil {
		return workbookRecord{}, err
	}
	st, err := newStyles(f)
	if err != nil {
		return workbookRecord{}, err
	}
	place := townLabel(v.town) + " " + villageLabel(v.name)
	note := ""
	if !asOf.IsZero() {
		note = "基准日 " + asOf.Format(time.DateOnly)
	}
	if err := writeFindingsSheet(f, st, v, place, note, opt); err != nil {
		return workbookRecord{}, fmt.Errorf("sheet %s: %w", sheetFindings, err)
	}
	if err := writeVisitSheet(f, st, v, heads, place, note, opt); err != nil {
		return workbookRecord{}, fmt.Errorf("sheet %s: %w", sheetVisit, err)
	}
	if err := writeNotesSheet(f, st, v, rules, place, note, opt); err != nil {
		return workbookRecord{}, fmt.Errorf("sheet %s: %w", sheetNotes, err)
	}
	props := docProps(place+" "+sheetFindings, "防止返贫监测集中排查 数据比对问题清单", asOf)
	if err := f.SetDocProps(props); err != nil {
		return workbookRecord{}, fmt.Errorf("set document properties: %w", err)
	}
	return saveWorkbook(root, rel, f, gridlineSheets{sheetFindings})
}

// writeFindingsSheet fills the 问题清单 sheet: header, one row per finding, the verification columns empty. It
// prints A4 landscape, one page wide, with the header row on every page, the place (place) and note in the
// page header and the cell grid.
func writeFindingsSheet(f *excelize.File, st styles, v *village, place, note string, opt Options) error {
	lastRow := len(v.findings) + 1
	lastCol, err := excelize.ColumnNumberToName(len(columns))
	if err != nil {
		return err
	}
	// The stream writer has no auto-filter, data validation or page setup of its own. Set on the still empty
	// worksheet before NewStreamWriter, they are part of the worksheet the stream writer starts from and it
	// writes them out on Flush (TestVillageWorkbooks checks they survive an excelize upgrade).
	if err := f.AutoFilter(sheetFindings, "A1:"+lastCol+strconv.Itoa(lastRow), nil); err != nil {
		return fmt.Errorf("auto-filter: %w", err)
	}
	if len(v.findings) > 0 {
		resultCol, err := excelize.ColumnNumberToName(colResult)
		if err != nil {
			return err
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", resultCol, resultCol, lastRow)
		if err := dv.SetDropList(verificationResults); err != nil {
			return fmt.Errorf("data validation: %w", err)
		}
		dv.SetInput("核实结果", "请从下拉列表选择：已修正、情况属实无需修正或其他；选“其他”请在核实说明中写明。")
		dv.SetError(excelize.DataValidationErrorStyleStop, "核实结果", "只能选择：已修正、情况属实无需修正、其他。")
		if err := f.AddDataValidation(sheetFindings, dv); err != nil {
			return fmt.Errorf("data validation: %w", err)
		}
	}
	if err := setupPage(f, sheetFindings, pageSetup{
		landscape: true, oneWide: true, titleRows: 1, title: place + " " + sheetFindings, note: note,
	}); err != nil {
		return err
	}

	sw, err := newStreamSheet(f, sheetFindings, columns)
	if err != nil {
		return err
	}
	// Column formats also cover what the village types into empty cells: text for the long digit strings
	// (Excel would turn a typed ID into 3.70323E+17), a date format for 核实日期.
	for _, c := range []struct{ col, style int }{
		{colHouseholdNo, st.text}, {colIDNumber, st.text}, {colDate, st.date},
	} {
		if err := sw.SetColStyle(c.col, c.col, c.style); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return fmt.Errorf("freeze header: %w", err)
	}

	header := make([]any, len(columns))
	for i, c := range columns {
		style := st.header
		if c.input {
			style = st.headerInput
		}
		header[i] = excelize.Cell{StyleID: style, Value: c.header}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: rowHeight(2)}); err != nil {
		return err
	}
	for i, fd := range v.findings {
		row := findingRow(st, i+1, fd, opt)
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row, excelize.RowOpts{Height: listRowHeight(row)}); err != nil {
			return fmt.Errorf("row %d: %w", i+2, err)
		}
	}
	return sw.Flush()
}

// findingRow is the n-th row of the 问题清单 sheet. Every text value is a string cell: the stream writer stores
// strings as inline strings, never as formulas or numbers, so a name such as =HYPERLINK(…) stays text and an
// 18-digit ID keeps all its digits.
func findingRow(st styles, n int, fd finding, opt Options) []any {
	id, detail := fd.idNumber, fd.detail
	if opt.MaskIDs {
		if id != "" {
			id = maskID(id)
		}
		detail = maskIDsIn(detail)
	}
	return []any{
		excelize.Cell{StyleID: st.center, Value: n},
		text(st.text, fd.id),
		text(st.wrap, fd.category),
		text(st.wrap, fd.rule+" "+fd.title),
		text(st.center, label(severityLabels, fd.severity)),
		text(st.text, fd.householdNo),
		text(st.wrap, fd.name),
		text(st.text, id),
		text(st.wrap, detail),
		text(st.wrap, fd.action),
		excelize.Cell{StyleID: st.date, Value: fd.firstSeen},
		text(st.wrapCenter, statusLabel(fd)),
		excelize.Cell{StyleID: st.wrap},
		excelize.Cell{StyleID: st.wrap},
		excelize.Cell{StyleID: st.cell},
		excelize.Cell{StyleID: st.date},
	}
}

// listRowHeight is the height of a 问题清单 row: enough for the longest of its wrapped texts.
func listRowHeight(row []any) float64 {
	lines := 1
	for i, c := range row {
		if s, ok := c.(excelize.Cell).Value.(string); ok && columns[i].wrap {
			lines = max(lines, wrappedLines(s, columns[i].width))
		}
	}
	return rowHeight(lines)
}

// text is a string cell with a style; an empty string gives an empty (but bordered) cell.
func text(style int, s string) excelize.Cell {
	if s == "" {
		return excelize.Cell{StyleID: style}
	}
	return excelize.Cell{StyleID: style, Value: s}
}

// notesColumns are the columns of the rule table on the 说明 sheet.
var notesColumns = []column{
	{header: "规则编号", width: 10},
	{header: "问题类型", width: 30},
	{header: "严重程度", width: 9},
	{header: "触发条件", width: 60},
	{header: "建议处理", width: 40},
	{header: "依据", width: 30},
}

// writeNotesSheet adds the 说明 sheet: how to fill in and return the workbook, then one row per rule that
// occurs in it, in the order the rules first appear on 问题清单. It prints A4 landscape, one page wide.
func writeNotesSheet(f *excelize.File, st styles, v *village, rules map[string]rule, place, note string, opt Options) error {
	if _, err := f.NewSheet(sheetNotes); err != nil {
		return err
	}
	if err := setupPage(f, sheetNotes, pageSetup{landscape: true, oneWide: true, title: place + " " + sheetNotes, note: note}); err != nil {
		return err
	}
	lines := []string{
		"本表列出本村在部门数据比对中发现的问题，请逐条对照档案或入户核实。",
		"在“问题清单”的“核实结果”列下拉选择：已修正 / 情况属实无需修正 / 其他；在“核实说明”写明核实情况（选“其他”时必填），并填写核实人和核实日期（如 2023-06-15）。",
		"状态：新增＝本次比对首次发现；持续＝此前已发现、至今仍存在；已反馈修正仍存在＝此前反馈已修正，但本次比对仍发现该问题，请再次核实。",
		"请勿修改“编号”列，不要增删列或改动表头；核实完成后将本工作簿（.xlsx 格式）报送镇（乡）扶贫办。",
		"“入户核实表”按户编号排列，可打印后入户逐户核实、手写记录；核实结果须填回“问题清单”，入户核实表不会被读取。",
		"核实为“情况属实无需修正”的问题不再列入本表（镇汇总表“无需修正”列计数）；填“已修正”的问题如下次比对仍存在，将以状态“已反馈修正仍存在”再次列出。",
	}
	if !opt.MaskIDs {
		lines = append(lines, "本表含个人身份信息，仅限核实工作使用，不得外传或公示。")
	}
	set := func(cell, value string, style int) error {
		// SetCellStr stores the text as it is: rule text that starts with = or - is never read as a formula.
		if err := f.SetCellStr(sheetNotes, cell, value); err != nil {
			return err
		}
		return f.SetCellStyle(sheetNotes, cell, cell, style)
	}
	if err := set("A1", "填写说明", st.noteHead); err != nil {
		return err
	}
	var tableWidth float64
	for _, c := range notesColumns {
		tableWidth += c.width
	}
	lastCol, err := excelize.ColumnNumberToName(len(notesColumns))
	if err != nil {
		return err
	}
	for i, line := range lines {
		// Each line spans the table's width and wraps there, so that it prints within the page.
		row := strconv.Itoa(i + 2)
		if err := set("A"+row, line, st.wrapPlain); err != nil {
			return err
		}
		if err := f.MergeCell(sheetNotes, "A"+row, lastCol+row); err != nil {
			return err
		}
		if err := f.SetRowHeight(sheetNotes, i+2, rowHeight(wrappedLines(line, tableWidth))); err != nil {
			return err
		}
	}

	headerRow := len(lines) + 3
	for i, c := range notesColumns {
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(sheetNotes, name, name, c.width); err != nil {
			return err
		}
		if err := set(name+strconv.Itoa(headerRow), c.header, st.header); err != nil {
			return err
		}
	}
	row := headerRow
	seen := map[string]bool{}
	for _, fd := range v.findings {
		if seen[fd.rule] {
			continue
		}
		seen[fd.rule] = true
		r, ok := rules[fd.rule]
		if !ok {
			// A finding whose rule left the catalogue still gets a row from what the finding itself carries.
			r = rule{code: fd.rule, title: fd.title, severity: fd.severity, action: fd.action}
		}
		row++
		cells := []struct {
			value string
			style int
		}{
			{r.code, st.cell}, {r.title, st.wrap}, {label(severityLabels, r.severity), st.center},
			{r.description, st.wrap}, {r.action, st.wrap}, {r.basis, st.wrap},
		}
		lines := 1
		for i, c := range cells {
			name, err := excelize.CoordinatesToCellName(i+1, row)
			if err != nil {
				return err
			}
			if err := set(name, c.value, c.style); err != nil {
				return err
			}
			lines = max(lines, wrappedLines(c.value, notesColumns[i].width))
		}
		if err := f.SetRowHeight(sheetNotes, row, rowHeight(lines)); err != nil {
			return err
		}
	}
	return nil
}
