package report

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The 入户核实表 (visit sheet) regroups a village's list by household, in the order the village walks: one
// block per household with its number, its head, the members concerned and each finding's 编号, 问题说明 and
// 核实要求, with room to tick the result and lines for the verifier, the date and the household's signature.
// It is for paper only: the answers go into 问题清单, the sheet that is read back, and the sheet says so.

// visitColumns are the columns of a block's finding rows. Their widths fill an A4 portrait page across.
var visitColumns = []column{
	{header: "编号 / 姓名", width: 17},
	{header: "问题说明", width: 36},
	{header: "核实要求", width: 23},
	{header: "核实结果（打√）", width: 19},
}

// visitResultBox is the 核实结果 cell of a finding row: the drop-down's answers to tick, and room to write.
const visitResultBox = "□ 已修正\n□ 情况属实无需修正\n□ 其他："

// visitNote heads the visit sheet: what it is for and where the answers go.
const visitNote = "本表按户编号排列，供打印后入户逐户核实、手写记录。核实后请将结果填回“问题清单”工作表的" +
	"核实结果、核实说明、核实人、核实日期各列，报送时以“问题清单”为准；本表不会被读取。"

// household is the findings of one household of a village, in list order.
type household struct {
	no       string // household number; "" for findings without one, which get a block per person
	findings []finding
}

// households groups a village's findings by household number, in the order the village walks them (by 户编号,
// whose digits give the 组 and the household within it); the findings without a household number come last,
// one block per person (by name and ID).
func households(v *village) []household {
	byKey := map[string]*household{}
	var out []*household
	for _, f := range v.findings {
		key := "h:" + f.householdNo
		if f.householdNo == "" {
			key = "p:" + f.name + "\x00" + f.idNumber
		}
		h := byKey[key]
		if h == nil {
			h = &household{no: f.householdNo}
			byKey[key] = h
			out = append(out, h)
		}
		h.findings = append(h.findings, f)
	}
	slices.SortStableFunc(out, func(a, b *household) int {
		if (a.no == "") != (b.no == "") {
			if a.no == "" {
				return 1
			}
			return -1
		}
		// Household numbers of one village have one length; a shorter one (a typo) comes first.
		return cmp.Or(cmp.Compare(len(a.no), len(b.no)), cmp.Compare(a.no, b.no),
			cmp.Compare(a.findings[0].name, b.findings[0].name), cmp.Compare(a.findings[0].idNumber, b.findings[0].idNumber))
	})
	res := make([]household, len(out))
	for i, h := range out {
		res[i] = *h
	}
	return res
}

// readHeads returns the name of the head (与户主关系 户主) of every household of the 全国系统 export that has a
// finding, by household number. A household without a 户主 row has none; the visit sheet then leaves a line
// to write the name in.
func readHeads(ctx context.Context, db *sql.DB) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, `
SELECT trim(household_no), arg_min(name, (file_id, row_no))
FROM src_gs
WHERE trim(relation) = '户主' AND nullif(trim(name), '') IS NOT NULL
  AND trim(household_no) IN (SELECT trim(household_no) FROM findings WHERE household_no IS NOT NULL)
GROUP BY 1`)
	if err != nil {
		return nil, fmt.Errorf("read household heads: %w", err)
	}
	defer rows.Close()
	heads := map[string]string{}
	for rows.Next() {
		var no, name string
		if err := rows.Scan(&no, &name); err != nil {
			return nil, fmt.Errorf("read household heads: %w", err)
		}
		heads[no] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read household heads: %w", err)
	}
	return heads, nil
}

// visitStyles are the cell styles of the visit sheet.
type visitStyles struct {
	title, note, household, members, header, cell, sign int
}

func newVisitStyles(f *excelize.File) (visitStyles, error) {
	border := cellBorder
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	var s visitStyles
	specs := []styleSpec{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.note, excelize.Style{Font: &excelize.Font{Color: "404040"}, Alignment: top}},
		{&s.household, excelize.Style{
			Font:      &excelize.Font{Bold: true, Size: 12},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Vertical: "center"},
			Border:    []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "top", Color: "000000", Style: 2}, {Type: "right", Color: "000000", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1}},
		}},
		{&s.members, excelize.Style{Alignment: top, Border: border}},
		{&s.header, headerStyle()},
		{&s.cell, excelize.Style{Alignment: top, Border: border}},
		{&s.sign, excelize.Style{
			Alignment: &excelize.Alignment{Vertical: "bottom"},
			Border:    []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 2}, {Type: "right", Color: "000000", Style: 1}, {Type: "top", Color: "BFBFBF", Style: 1}},
		}},
	}
	if err := createStyles(f, specs); err != nil {
		return visitStyles{}, err
	}
	return s, nil
}

// visitRow is one row of the visit sheet: its cells from column A, a height, and whether its first cell
// spans the block's width.
type visitRow struct {
	cells  []any
	height float64
	merged bool
}

// visitBlock is the rows of one household's block.
func visitBlock(st visitStyles, n int, h household, heads map[string]string, opt Options) []visitRow {
	var width float64
	for _, c := range visitColumns {
		width += c.width
	}
	head := heads[h.no]
	if head == "" {
		head = "＿＿＿＿＿＿"
	}
	no := h.no
	if no == "" {
		no = "（无户编号）"
	}
	title := fmt.Sprintf("第 %d 户　户编号：%s　户主：%s", n, no, head)
	var members []string
	seen := map[string]bool{}
	for _, f := range h.findings {
		who := f.name
		if who == "" {
			who = "（无姓名）"
		}
		// The last digits tell two namesakes apart at the door without carrying the whole ID from house to house.
		if id := f.idNumber; len(id) >= 4 && !opt.MaskIDs {
			who += "（证件尾号 " + id[len(id)-4:] + "）"
		}
		if !seen[who] {
			seen[who] = true
			members = append(members, who)
		}
	}
	memberLine := "涉及成员：" + strings.Join(members, "、")
	rows := []visitRow{
		{cells: []any{excelize.Cell{StyleID: st.household, Value: title}}, height: 24, merged: true},
		{cells: []any{excelize.Cell{StyleID: st.members, Value: memberLine}}, height: rowHeight(wrappedLines(memberLine, width)), merged: true},
	}
	header := make([]any, len(visitColumns))
	for i, c := range visitColumns {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.header}
	}
	rows = append(rows, visitRow{cells: header, height: rowHeight(1)})
	for _, f := range h.findings {
		detail := f.detail
		if opt.MaskIDs {
			detail = maskIDsIn(detail)
		}
		what := "【" + f.rule + " " + f.title + "】"
		if detail != "" {
			what += "\n" + detail
		}
		who := f.id
		if f.name != "" {
			who += "\n" + f.name
		}
		cells := []string{who, what, f.action, visitResultBox + "\n"}
		lines := 0
		row := make([]any, len(cells))
		for i, c := range cells {
			row[i] = text(st.cell, c)
			lines = max(lines, wrappedLines(c, visitColumns[i].width))
		}
		rows = append(rows, visitRow{cells: row, height: rowHeight(lines)})
	}
	sign := "核实人：＿＿＿＿＿＿＿＿　　核实日期：＿＿＿＿年＿＿月＿＿日　　户主（家庭成员）签字：＿＿＿＿＿＿＿＿"
	rows = append(rows, visitRow{cells: []any{excelize.Cell{StyleID: st.sign, Value: sign}}, height: 34, merged: true})
	return rows
}

// writeVisitSheet adds the 入户核实表 sheet of village v: a title, the note on where the answers go, then a
// block per household (households), with manual page breaks so that no block is cut by a page edge unless it
// is taller than a page. It prints A4 portrait, one page wide, with the place and page numbers.
func writeVisitSheet(f *excelize.File, st styles, v *village, heads map[string]string, place, note string, opt Options) error {
	if _, err := f.NewSheet(sheetVisit); err != nil {
		return err
	}
	if err := setupPage(f, sheetVisit, pageSetup{oneWide: true, title: place + " " + sheetVisit, note: note}); err != nil {
		return err
	}
	var width float64
	for _, c := range visitColumns {
		width += c.width
	}
	vs := st.visit
	rows := []visitRow{
		{cells: []any{excelize.Cell{StyleID: vs.title, Value: place + " 入户核实表"}}, height: 26, merged: true},
		{cells: []any{excelize.Cell{StyleID: vs.note, Value: visitNote}}, height: rowHeight(wrappedLines(visitNote, width)), merged: true},
	}
	used := rows[0].height + rows[1].height
	var breaks []int // rows (1-based) that start a page
	for i, h := range households(v) {
		block := visitBlock(vs, i+1, h, heads, opt)
		var height float64
		for _, r := range block {
			height += r.height
		}
		spacer := visitRow{height: 12}
		if used+height > pagePortraitHeight && used > 0 {
			breaks = append(breaks, len(rows)+1)
			used = 0
		}
		rows = append(rows, block...)
		rows = append(rows, spacer)
		used += height + spacer.height
	}
	// Page breaks belong to the worksheet the stream writer starts from: set them before it.
	for _, r := range breaks {
		if err := f.InsertPageBreak(sheetVisit, "A"+strconv.Itoa(r)); err != nil {
			return fmt.Errorf("page break: %w", err)
		}
	}
	sw, err := newStreamSheet(f, sheetVisit, visitColumns)
	if err != nil {
		return err
	}
	lastCol, err := excelize.ColumnNumberToName(len(visitColumns))
	if err != nil {
		return err
	}
	for i, r := range rows {
		ref := strconv.Itoa(i + 1)
		cells := r.cells
		if r.merged {
			// The cells under the merge carry the first one's style, so that its border runs across.
			style := cells[0].(excelize.Cell).StyleID
			for len(cells) < len(visitColumns) {
				cells = append(cells, excelize.Cell{StyleID: style})
			}
		}
		if err := sw.SetRow("A"+ref, cells, excelize.RowOpts{Height: r.height}); err != nil {
			return fmt.Errorf("row %d: %w", i+1, err)
		}
		if r.merged {
			if err := sw.MergeCell("A"+ref, lastCol+ref); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}
