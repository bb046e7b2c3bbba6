package report

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/bidui/bidui"
	"github.com/xuri/excelize/v2"
)

// Sheet names of a village workbook. A returned workbook is read back by these names and headers (kind
// verification), so they are part of the file contract in spec/outputs.md.
const (
	sheetFindings = "问题清单"
	sheetNotes    = "说明"
)

// verificationResults are the choices of the 核实结果 drop-down, in the order the village sees them.
var verificationResults = []string{bidui.VerifiedCorrected, bidui.VerifiedAccepted, bidui.VerifiedOther}

// column is one column of the 问题清单 sheet.
type column struct {
	header string
	width  float64
	input  bool // filled in by the village, not by bidui
}

// columns of the 问题清单 sheet, in order (spec/outputs.md).
var columns = []column{
	{header: "序号", width: 6},
	{header: "编号", width: 18},
	{header: "问题类型", width: 34},
	{header: "严重程度", width: 9},
	{header: "户编号", width: 20},
	{header: "姓名", width: 10},
	{header: "证件号码", width: 21},
	{header: "问题说明", width: 50},
	{header: "建议处理", width: 40},
	{header: "首次发现", width: 12},
	{header: "状态", width: 15},
	{header: "核实结果", width: 18, input: true},
	{header: "核实说明", width: 30, input: true},
	{header: "核实人", width: 10, input: true},
	{header: "核实日期", width: 12, input: true},
}

// 1-based numbers of the columns that need their own format.
const (
	colHouseholdNo = 5
	colIDNumber    = 7
	colResult      = 12
	colNote        = 13
	colDate        = 15
)

var severityLabels = map[string]string{"high": "高", "medium": "中", "low": "低"}

// statusLabels are the 状态 column's words for the finding statuses of the findings view; a finding whose
// feedback is FeedbackStillPresent shows that instead (statusLabel).
var statusLabels = map[string]string{
	bidui.StatusNew:    "新增",
	bidui.StatusOpen:   "持续",
	bidui.StatusWaived: "无需修正",
}

// statusLabel is the 状态 of a finding: what a returned workbook said about it wins over its status, since a
// village that reported a correction needs to know the finding is still there.
func statusLabel(f finding) string {
	if f.feedback == FeedbackStillPresent {
		return FeedbackStillPresent
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
	header, headerInput  int // header row: bidui's columns, the columns the village fills in
	cell, center, text   int // data cells; text has the "@" format so Excel keeps long digit strings
	wrap, date, noteHead int
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
	specs := []struct {
		id    *int
		style excelize.Style
	}{
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
	}
	for _, spec := range specs {
		id, err := f.NewStyle(&spec.style)
		if err != nil {
			return styles{}, fmt.Errorf("create style: %w", err)
		}
		*spec.id = id
	}
	return s, nil
}

// writeWorkbook writes the workbook of village v to rel (slash-separated, relative to root).
func writeWorkbook(root *os.Root, rel string, v *village, rules map[string]rule, asOf time.Time, opt Options) error {
	f := excelize.NewFile()
	// Close removes the stream writer's temporary files; its error says nothing about the workbook written.
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetFindings); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := writeFindingsSheet(f, st, v, opt); err != nil {
		return fmt.Errorf("sheet %s: %w", sheetFindings, err)
	}
	if err := writeNotesSheet(f, st, v, rules, opt); err != nil {
		return fmt.Errorf("sheet %s: %w", sheetNotes, err)
	}
	props := docProps(townLabel(v.town)+" "+villageLabel(v.name)+" "+sheetFindings, "防止返贫监测集中排查 数据比对问题清单", asOf)
	if err := f.SetDocProps(props); err != nil {
		return fmt.Errorf("set document properties: %w", err)
	}
	return saveWorkbook(root, rel, f)
}

// writeFindingsSheet fills the 问题清单 sheet: header, one row per finding, the verification columns empty.
func writeFindingsSheet(f *excelize.File, st styles, v *village, opt Options) error {
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
	// Village offices print the list: landscape, one page wide.
	landscape, oneWide, anyTall := "landscape", 1, 0
	if err := f.SetPageLayout(sheetFindings, &excelize.PageLayoutOptions{
		Orientation: &landscape, FitToWidth: &oneWide, FitToHeight: &anyTall,
	}); err != nil {
		return fmt.Errorf("page layout: %w", err)
	}
	fit := true
	if err := f.SetSheetProps(sheetFindings, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("page layout: %w", err)
	}

	sw, err := f.NewStreamWriter(sheetFindings)
	if err != nil {
		return err
	}
	for i, c := range columns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
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
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	for i, fd := range v.findings {
		if err := sw.SetRow("A"+strconv.Itoa(i+2), findingRow(st, i+1, fd, opt)); err != nil {
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
		text(st.wrap, fd.rule+" "+fd.title),
		text(st.center, label(severityLabels, fd.severity)),
		text(st.text, fd.householdNo),
		text(st.cell, fd.name),
		text(st.text, id),
		text(st.wrap, detail),
		text(st.wrap, fd.action),
		excelize.Cell{StyleID: st.date, Value: fd.firstSeen},
		text(st.center, statusLabel(fd)),
		excelize.Cell{StyleID: st.cell},
		excelize.Cell{StyleID: st.wrap},
		excelize.Cell{StyleID: st.cell},
		excelize.Cell{StyleID: st.date},
	}
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
// occurs in it, in the order the rules first appear on 问题清单.
func writeNotesSheet(f *excelize.File, st styles, v *village, rules map[string]rule, opt Options) error {
	if _, err := f.NewSheet(sheetNotes); err != nil {
		return err
	}
	lines := []string{
		"本表列出本村在部门数据比对中发现的问题，请逐条对照档案或入户核实。",
		"在“问题清单”的“核实结果”列下拉选择：已修正 / 情况属实无需修正 / 其他；在“核实说明”写明核实情况（选“其他”时必填），并填写核实人和核实日期（如 2023-06-15）。",
		"状态：新增＝本次比对首次发现；持续＝此前已发现、至今仍存在；已反馈修正仍存在＝此前反馈已修正，但本次比对仍发现该问题，请再次核实。",
		"请勿修改“编号”列，不要增删列或改动表头；核实完成后将本工作簿（.xlsx 格式）报送镇（乡）扶贫办。",
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
	for i, line := range lines {
		// Long lines run over the empty cells to their right; no wrap, so the row needs no height.
		if err := f.SetCellStr(sheetNotes, "A"+strconv.Itoa(i+2), line); err != nil {
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
		for i, c := range cells {
			name, err := excelize.CoordinatesToCellName(i+1, row)
			if err != nil {
				return err
			}
			if err := set(name, c.value, c.style); err != nil {
				return err
			}
		}
	}
	return nil
}
