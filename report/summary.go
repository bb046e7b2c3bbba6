package report

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strconv"

	"github.com/bidui/bidui"
	"github.com/xuri/excelize/v2"
)

// Sheet names of 汇总.xlsx. All towns of a run share one table with a 乡镇 column rather than a sheet per
// town: sheet names are limited to 31 characters and forbid characters town names may hold, and a county run
// with dozens of towns reads better as one filterable table.
const (
	sheetByVillage = "按村汇总"
	sheetByRule    = "按规则汇总"
	sheetCategory  = "按类别汇总"
	sheetTrend     = "趋势"
	sheetChart     = "图表"
)

// counts are the findings of the latest run at one place or of one rule, by status.
type counts struct {
	new, open, waived, resolved int
	stillPresent                int // of new and open: feedback FeedbackStillPresent
}

// current is the number of findings the villages are to check: the rows of the village workbooks (a waived
// finding is in the findings view and counted as waived, but no longer listed).
func (c *counts) current() int { return c.new + c.open }

func (c *counts) add(status string, stillPresent bool, n int) {
	switch status {
	case bidui.StatusNew:
		c.new += n
	case bidui.StatusOpen:
		c.open += n
	case bidui.StatusWaived:
		c.waived += n
	case bidui.StatusResolved:
		c.resolved += n
	}
	if stillPresent && status != bidui.StatusResolved {
		c.stillPresent += n
	}
}

// villageCounts are the counts of one village ("" when unknown), with the current findings by rule.
type villageCounts struct {
	town, village string
	counts
	byRule map[string]int
}

// ruleCounts are the counts of one rule, with the villages it lists findings in. title is the findings' own,
// for a rule that is no longer in the catalogue.
type ruleCounts struct {
	code, title string
	category    string // the rule's category in the catalogue; "" when it has none
	counts
	villages map[[2]string]bool
}

// summaryQuery reads the counts of the latest run from the finding_counts view, the ones the run summary and
// `bidui runs --villages` read too: per place, rule and status, the findings a village said it corrected but
// that are still raised on a row of their own, the others on another. category is the view's category column,
// or NULL::VARCHAR on a database whose view has none yet.
func summaryQuery(category string) string {
	return `
SELECT town, village, rule, title, ` + category + `, status, false, findings - feedback_still_present
FROM finding_counts WHERE run_id = (SELECT max(run_id) FROM runs)
UNION ALL
SELECT town, village, rule, title, ` + category + `, status, true, feedback_still_present
FROM finding_counts WHERE run_id = (SELECT max(run_id) FROM runs) AND feedback_still_present > 0`
}

// readSummary returns the counts per village (town, village order, unknown places last) and per rule (code
// order) of the latest run.
func readSummary(ctx context.Context, db *sql.DB) ([]*villageCounts, []*ruleCounts, error) {
	category := "NULL::VARCHAR"
	if ok, err := hasColumn(ctx, db, "finding_counts", "category"); err != nil {
		return nil, nil, err
	} else if ok {
		category = "nullif(trim(category), '')"
	}
	rows, err := db.QueryContext(ctx, summaryQuery(category))
	if err != nil {
		return nil, nil, fmt.Errorf("count findings: %w", err)
	}
	defer rows.Close()
	byVillage, byRule := map[[2]string]*villageCounts{}, map[string]*ruleCounts{}
	var villages []*villageCounts
	var rules []*ruleCounts
	for rows.Next() {
		var (
			town, village sql.NullString
			code, title   string
			category      sql.NullString
			status        string
			stillPresent  bool
			n             int
		)
		if err := rows.Scan(&town, &village, &code, &title, &category, &status, &stillPresent, &n); err != nil {
			return nil, nil, fmt.Errorf("count findings: %w", err)
		}
		place := [2]string{town.String, village.String}
		v := byVillage[place]
		if v == nil {
			v = &villageCounts{town: town.String, village: village.String, byRule: map[string]int{}}
			byVillage[place] = v
			villages = append(villages, v)
		}
		r := byRule[code]
		if r == nil {
			r = &ruleCounts{code: code, title: title, category: category.String, villages: map[[2]string]bool{}}
			byRule[code] = r
			rules = append(rules, r)
		}
		v.add(status, stillPresent, n)
		r.add(status, stillPresent, n)
		if status != bidui.StatusResolved {
			v.byRule[code] += n
			r.villages[place] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("count findings: %w", err)
	}
	slices.SortFunc(villages, func(a, b *villageCounts) int {
		return cmp.Or(comparePlace(a.town, b.town), comparePlace(a.village, b.village))
	})
	slices.SortFunc(rules, func(a, b *ruleCounts) int { return cmp.Compare(a.code, b.code) })
	return villages, rules, nil
}

// comparePlace orders place names with the unknown place ("") last, like the workbooks.
func comparePlace(a, b string) int {
	if (a == "") != (b == "") {
		if a == "" {
			return 1
		}
		return -1
	}
	return cmp.Compare(a, b)
}

// summaryStyles are the cell styles of 汇总.xlsx.
type summaryStyles struct {
	header, text, number, total, totalText, note int
}

func newSummaryStyles(f *excelize.File) (summaryStyles, error) {
	border := cellBorder
	totalFill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
	var s summaryStyles
	specs := []styleSpec{
		{&s.header, headerStyle()},
		{&s.text, excelize.Style{NumFmt: 49, Border: border}},
		{&s.number, excelize.Style{NumFmt: 1, Border: border}},
		{&s.total, excelize.Style{NumFmt: 1, Font: &excelize.Font{Bold: true}, Fill: totalFill, Border: border}},
		{&s.totalText, excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}, Fill: totalFill, Border: border}},
		{&s.note, excelize.Style{Font: &excelize.Font{Color: "595959"}}},
	}
	if err := createStyles(f, specs); err != nil {
		return summaryStyles{}, err
	}
	return s, nil
}

// summaryColumn is one column of a 汇总.xlsx table: its header, width and value for a row.
type summaryColumn struct {
	header string
	width  float64
	count  func(*counts) int // nil for the text columns
}

// statusColumns are the counting columns that both tables of 汇总.xlsx share.
var statusColumns = []summaryColumn{
	{header: "问题数", width: 8, count: (*counts).current},
	{header: "新增", width: 7, count: func(c *counts) int { return c.new }},
	{header: "持续", width: 7, count: func(c *counts) int { return c.open }},
	{header: "已解决", width: 7, count: func(c *counts) int { return c.resolved }},
	{header: "无需修正", width: 9, count: func(c *counts) int { return c.waived }},
	{header: "已反馈修正仍存在", width: 10, count: func(c *counts) int { return c.stillPresent }},
}

// summaryNotes explain the counts below the village table.
var summaryNotes = []string{
	"问题数＝本次比对列出、需要核实的问题（新增＋持续），即各村问题清单的行数；无需修正＝村里核实为情况属实、不再列出的问题；已解决＝此前列出、本次比对不再出现的问题。",
	"已反馈修正仍存在：村里反馈已修正，但本次比对仍发现的问题（含在新增、持续中）。各规则列为该规则本次列出的问题数。",
}

// writeSummary writes 汇总.xlsx to rel under root: the counts per village and rule (sheet 按村汇总), per rule
// (按规则汇总), and bar charts of the findings per village by status and by rule (图表).
func writeSummary(ctx context.Context, db *sql.DB, root *os.Root, rel string) error {
	villages, rules, err := readSummary(ctx, db)
	if err != nil {
		return err
	}
	catalogue, err := readCatalogue(ctx, db)
	if err != nil {
		return err
	}
	asOf, err := readAsOf(ctx, db)
	if err != nil {
		return err
	}
	// Rule columns: the rules with findings on the lists, in code order.
	var listed []*ruleCounts
	for _, r := range rules {
		if r.current() > 0 {
			listed = append(listed, r)
		}
	}

	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetByVillage); err != nil {
		return err
	}
	st, err := newSummaryStyles(f)
	if err != nil {
		return err
	}
	if err := writeVillageTable(f, st, villages, listed, catalogue); err != nil {
		return fmt.Errorf("sheet %s: %w", sheetByVillage, err)
	}
	if err := writeRuleTable(f, st, rules, catalogue); err != nil {
		return fmt.Errorf("sheet %s: %w", sheetByRule, err)
	}
	if err := writeCategoryTable(f, st, rules); err != nil {
		return fmt.Errorf("sheet %s: %w", sheetCategory, err)
	}
	trend, err := readTrend(ctx, db)
	if err != nil {
		return err
	}
	if err := writeTrendTable(f, st, trend); err != nil {
		return fmt.Errorf("sheet %s: %w", sheetTrend, err)
	}
	if err := writeChart(f, villages, len(listed), trend); err != nil {
		return fmt.Errorf("sheet %s: %w", sheetChart, err)
	}
	if err := setupSummaryPages(f, asOf); err != nil {
		return err
	}
	if err := f.SetDocProps(docProps("问题汇总", "防止返贫监测集中排查 数据比对问题汇总", asOf)); err != nil {
		return fmt.Errorf("set document properties: %w", err)
	}
	_, err = saveWorkbook(root, rel, f, gridlineSheets{sheetByVillage, sheetByRule, sheetCategory, sheetTrend})
	return err
}

// writeTable writes a header row and data rows from A1 on sheet, then freezes the header and the first
// textColumns columns and puts an auto-filter over the table. A row is a list of string (text cell) and int
// (number cell) values.
func writeTable(f *excelize.File, st summaryStyles, sheet string, headers []string, widths []float64,
	textColumns int, rows [][]any, total []any) error {
	for i, h := range headers {
		cell, err := excelize.CoordinatesToCellName(i+1, 1)
		if err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return err
		}
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, col, col, widths[i]); err != nil {
			return err
		}
	}
	last, err := excelize.CoordinatesToCellName(len(headers), 1)
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", last, st.header); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 30); err != nil {
		return err
	}
	put := func(row int, values []any, textStyle, numberStyle int) error {
		for i, v := range values {
			cell, err := excelize.CoordinatesToCellName(i+1, row)
			if err != nil {
				return err
			}
			style := numberStyle
			switch v := v.(type) {
			case string:
				// SetCellStr: a place name that starts with = is text, never a formula.
				err, style = f.SetCellStr(sheet, cell, v), textStyle
			case int:
				err = f.SetCellInt(sheet, cell, int64(v))
			}
			if err != nil {
				return err
			}
			if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
				return err
			}
		}
		return nil
	}
	for i, r := range rows {
		if err := put(i+2, r, st.text, st.number); err != nil {
			return err
		}
	}
	lastRow := len(rows) + 1
	lastCell, err := excelize.CoordinatesToCellName(len(headers), max(lastRow, 2))
	if err != nil {
		return err
	}
	// The filter covers the data rows, not the total below them, so that filtering never hides the total.
	if err := f.AutoFilter(sheet, "A1:"+lastCell, nil); err != nil {
		return fmt.Errorf("auto-filter: %w", err)
	}
	if total != nil {
		if err := put(lastRow+1, total, st.totalText, st.total); err != nil {
			return err
		}
	}
	topLeft, err := excelize.CoordinatesToCellName(textColumns+1, 2)
	if err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, XSplit: textColumns, YSplit: 1, TopLeftCell: topLeft, ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: topLeft, ActiveCell: topLeft, Pane: "bottomRight"}},
	})
}

// writeVillageTable fills 按村汇总: one row per village with its counts by status and by rule, a total row,
// and notes on what the counts mean.
func writeVillageTable(f *excelize.File, st summaryStyles, villages []*villageCounts, rules []*ruleCounts,
	catalogue map[string]rule) error {
	var codes []string
	for _, r := range rules {
		codes = append(codes, r.code)
	}
	headers := []string{"乡镇", "村"}
	widths := []float64{14, 14}
	for _, c := range statusColumns {
		headers, widths = append(headers, c.header), append(widths, c.width)
	}
	for _, r := range rules {
		headers, widths = append(headers, r.code+" "+ruleTitle(r, catalogue)), append(widths, ruleColumnWidth)
	}
	var rows [][]any
	var sum counts
	sumByRule := map[string]int{}
	for _, v := range villages {
		row := []any{townLabel(v.town), villageLabel(v.village)}
		for _, c := range statusColumns {
			row = append(row, c.count(&v.counts))
		}
		for _, code := range codes {
			row = append(row, v.byRule[code])
			sumByRule[code] += v.byRule[code]
		}
		rows = append(rows, row)
		sum.new, sum.open, sum.waived, sum.resolved = sum.new+v.new, sum.open+v.open, sum.waived+v.waived, sum.resolved+v.resolved
		sum.stillPresent += v.stillPresent
	}
	total := []any{"合计", strconv.Itoa(len(villages)) + " 个村"}
	for _, c := range statusColumns {
		total = append(total, c.count(&sum))
	}
	for _, code := range codes {
		total = append(total, sumByRule[code])
	}
	if err := writeTable(f, st, sheetByVillage, headers, widths, 2, rows, total); err != nil {
		return err
	}
	if err := turnRuleHeaders(f, 3+len(statusColumns), len(codes)); err != nil {
		return err
	}
	for i, note := range summaryNotes {
		cell := "A" + strconv.Itoa(len(rows)+4+i)
		if err := f.SetCellStr(sheetByVillage, cell, note); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheetByVillage, cell, cell, st.note); err != nil {
			return err
		}
	}
	return nil
}

// writeRuleTable adds 按规则汇总: one row per rule with findings in the latest run, with its title, severity,
// counts by status and the number of villages it lists findings in.
func writeRuleTable(f *excelize.File, st summaryStyles, rules []*ruleCounts, catalogue map[string]rule) error {
	if _, err := f.NewSheet(sheetByRule); err != nil {
		return err
	}
	headers := []string{"规则编号", "问题类别", "问题类型", "严重程度"}
	widths := []float64{10, 10, 34, 9}
	for _, c := range statusColumns {
		headers, widths = append(headers, c.header), append(widths, c.width)
	}
	headers, widths = append(headers, "涉及村数"), append(widths, 9)
	var rows [][]any
	for _, r := range rules {
		row := []any{r.code, r.category, ruleTitle(r, catalogue), label(severityLabels, catalogue[r.code].severity)}
		for _, col := range statusColumns {
			row = append(row, col.count(&r.counts))
		}
		rows = append(rows, append(row, len(r.villages)))
	}
	return writeTable(f, st, sheetByRule, headers, widths, 1, rows, nil)
}

// noCategory names the findings of rules without a category in 按类别汇总.
const noCategory = "未分类"

// categoryRank orders categories as the village lists do (categoryOrder): 部门比对, 研判程序, a category the
// order does not know, 数据质量, none.
func categoryRank(c string) int {
	switch c {
	case "部门比对":
		return 0
	case "研判程序":
		return 1
	case "数据质量":
		return 3
	case "":
		return 4
	}
	return 2
}

// writeCategoryTable adds 按类别汇总: one row per rule category with findings in the latest run (部门比对 and
// 研判程序 first, 数据质量 after), with the number of its rules that have findings, its counts by status and
// the number of villages it lists findings in, and a total row.
func writeCategoryTable(f *excelize.File, st summaryStyles, rules []*ruleCounts) error {
	if _, err := f.NewSheet(sheetCategory); err != nil {
		return err
	}
	type category struct {
		name     string
		rules    int
		villages map[[2]string]bool
		counts
	}
	byName := map[string]*category{}
	var cats []*category
	all := &category{villages: map[[2]string]bool{}}
	for _, r := range rules {
		c := byName[r.category]
		if c == nil {
			c = &category{name: r.category, villages: map[[2]string]bool{}}
			byName[r.category], cats = c, append(cats, c)
		}
		for _, x := range []*category{c, all} {
			x.rules++
			x.new, x.open, x.waived, x.resolved = x.new+r.new, x.open+r.open, x.waived+r.waived, x.resolved+r.resolved
			x.stillPresent += r.stillPresent
			for v := range r.villages {
				x.villages[v] = true
			}
		}
	}
	slices.SortFunc(cats, func(a, b *category) int {
		return cmp.Or(cmp.Compare(categoryRank(a.name), categoryRank(b.name)), cmp.Compare(a.name, b.name))
	})
	headers := []string{"问题类别", "规则数"}
	widths := []float64{12, 8}
	for _, c := range statusColumns {
		headers, widths = append(headers, c.header), append(widths, c.width)
	}
	headers, widths = append(headers, "涉及村数"), append(widths, 9)
	row := func(name string, c *category) []any {
		r := []any{name, c.rules}
		for _, col := range statusColumns {
			r = append(r, col.count(&c.counts))
		}
		return append(r, len(c.villages))
	}
	var rows [][]any
	for _, c := range cats {
		rows = append(rows, row(cmp.Or(c.name, noCategory), c))
	}
	return writeTable(f, st, sheetCategory, headers, widths, 1, rows, row("合计", all))
}

// addBarChart adds a stacked horizontal bar chart of series at cell of the 图表 sheet, its bars running
// top-down in the table's order and one colour per series.
func addBarChart(f *excelize.File, cell, title string, series []excelize.ChartSeries, height int) error {
	overlap, vary := 100, false
	return f.AddChart(sheetChart, cell, &excelize.Chart{
		Type:       excelize.BarStacked,
		Series:     series,
		VaryColors: &vary, // one colour per series, not per village
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
		Legend:     excelize.ChartLegend{Position: "bottom"},
		Dimension:  excelize.ChartDimension{Width: chartWidth, Height: uint(height)},
		Format:     chartAnchor,
		XAxis:      excelize.ChartAxis{ReverseOrder: true},
		YAxis:      excelize.ChartAxis{MajorGridLines: true},
		Overlap:    &overlap,
	})
}

// ruleTitle is the rule's title in the catalogue, else the one its findings carry.
func ruleTitle(r *ruleCounts, catalogue map[string]rule) string {
	if c, ok := catalogue[r.code]; ok {
		return c.title
	}
	return r.title
}

// chartAnchor anchors a chart at one cell with its own size: anchored at two cells, its size would follow the
// rows, whose height in pixels excelize and LibreOffice reckon differently.
var chartAnchor = excelize.GraphicOptions{Positioning: "oneCell"}

// The 图表 sheet prints one chart per A4 landscape page at 100 %: each chart is anchored at the top of a page
// of chartPageRows default rows (15 points, 20 pixels each), is at most as tall as the page and as wide as it,
// and a page break follows it, so that no chart is cut by a page edge.
const (
	chartPageRows   = 32  // of 15 points: pageLandscapeHeight holds 32.6
	chartWidth      = 980 // pixels: the page's width less its margins is about 1 040
	chartMaxHeight  = chartPageRows*20 - 30
	chartBarHeight  = 28  // pixels per village
	chartFrame      = 120 // pixels of title, axis and legend
	villagesInChart = (chartMaxHeight - chartFrame) / chartBarHeight
)

// writeChart adds the 图表 sheet: per town, two stacked bar charts read from the town's rows of the 按村汇总
// table: each village's findings by status (columns 新增, 持续, 无需修正), and the findings on its list by rule
// (the rules' columns, rules of them); a town with more villages than a page holds gets a pair per part of its
// villages. Then a line chart per town of its findings over the last runs, from the 趋势 table (trend). One
// chart per page, each page broken after it. With no findings the sheet says so instead.
func writeChart(f *excelize.File, villages []*villageCounts, rules int, trend []trendRow) error {
	if _, err := f.NewSheet(sheetChart); err != nil {
		return err
	}
	if len(villages) == 0 && len(trend) == 0 {
		return f.SetCellStr(sheetChart, "A1", "本次比对没有发现问题。")
	}
	// Rows of exactly 15 points, which the page breaks count on (LibreOffice's own default is lower).
	rowHeight, custom := 15.0, true
	if err := f.SetSheetProps(sheetChart, &excelize.SheetPropsOptions{DefaultRowHeight: &rowHeight, CustomHeight: &custom}); err != nil {
		return err
	}
	ref := func(sheet, col string, first, last int) string {
		return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sheet, col, first, col, last)
	}
	page := 0
	// place adds a chart at the top of the next page and breaks the page after it.
	place := func(add func(cell string) error) error {
		top := 1 + page*chartPageRows
		if err := add("A" + strconv.Itoa(top)); err != nil {
			return err
		}
		page++
		return f.InsertPageBreak(sheetChart, "A"+strconv.Itoa(top+chartPageRows))
	}
	// villages is sorted by town: each town's rows of 按村汇总 are rows first..last (the table starts at row 2).
	for first := 0; first < len(villages); {
		last := first
		for last+1 < len(villages) && villages[last+1].town == villages[first].town && last+1-first < villagesInChart {
			last++
		}
		n := last - first + 1
		height := chartFrame + chartBarHeight*n
		town := townLabel(villages[first].town)
		if first > 0 && villages[first-1].town == villages[first].town || last+1 < len(villages) && villages[last+1].town == villages[first].town {
			town += fmt.Sprintf("（%s—%s）", villageLabel(villages[first].village), villageLabel(villages[last].village))
		}
		var byStatus []excelize.ChartSeries
		for _, s := range []struct{ col, color string }{{"D", "ED7D31"}, {"E", "4472C4"}, {"G", "A5A5A5"}} {
			byStatus = append(byStatus, excelize.ChartSeries{
				Name:       fmt.Sprintf("'%s'!$%s$1", sheetByVillage, s.col),
				Categories: ref(sheetByVillage, "B", first+2, last+2),
				Values:     ref(sheetByVillage, s.col, first+2, last+2),
				Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{s.color}},
			})
		}
		if err := place(func(cell string) error {
			return addBarChart(f, cell, town+" 各村问题数（按状态）", byStatus, height)
		}); err != nil {
			return fmt.Errorf("chart of %s: %w", town, err)
		}
		var byRule []excelize.ChartSeries
		for i := range rules {
			col, err := excelize.ColumnNumberToName(3 + len(statusColumns) + i)
			if err != nil {
				return err
			}
			byRule = append(byRule, excelize.ChartSeries{
				Name:       fmt.Sprintf("'%s'!$%s$1", sheetByVillage, col),
				Categories: ref(sheetByVillage, "B", first+2, last+2),
				Values:     ref(sheetByVillage, col, first+2, last+2),
			})
		}
		if len(byRule) > 0 {
			// The legend names every rule, three to a line.
			height := min(chartMaxHeight, height+(len(byRule)+2)/3*18)
			if err := place(func(cell string) error {
				return addBarChart(f, cell, town+" 各村问题数（按规则）", byRule, height)
			}); err != nil {
				return fmt.Errorf("chart of %s by rule: %w", town, err)
			}
		}
		first = last + 1
	}
	return writeTrendCharts(f, trend, place)
}
