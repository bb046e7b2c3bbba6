package report

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/bidui/bidui"
	"github.com/xuri/excelize/v2"
)

// trendRuns is how many of the latest runs the 趋势 sheet of 汇总.xlsx covers: two months of nightly runs.
const trendRuns = 60

// trendRow is one town's findings in one run: those on the lists (new and open), the new ones, and those
// resolved in that run.
type trendRow struct {
	town                  string // "" when unknown
	run                   int64
	asOf                  time.Time
	listed, new, resolved int
}

// trendQuery counts the findings of each of the last trendRuns runs by town, from findings_history, with a row
// (of zeros, if need be) for every town that had findings in any of those runs, in town, run order (unknown
// town last). The parameters are the run count and the statuses new, open, new, resolved.
const trendQuery = `
WITH recent AS (SELECT run_id, as_of FROM runs ORDER BY run_id DESC LIMIT ?),
history AS (SELECT run_id, nullif(trim(town), '') AS town, status
            FROM findings_history WHERE run_id IN (SELECT run_id FROM recent)),
towns AS (SELECT DISTINCT town FROM history),
counts AS (SELECT run_id, town,
                  count(*) FILTER (WHERE status IN (?, ?)) AS listed,
                  count(*) FILTER (WHERE status = ?) AS new,
                  count(*) FILTER (WHERE status = ?) AS resolved
           FROM history GROUP BY ALL)
SELECT t.town, r.run_id, r.as_of, coalesce(c.listed, 0), coalesce(c.new, 0), coalesce(c.resolved, 0)
FROM recent r CROSS JOIN towns t
LEFT JOIN counts c ON c.run_id = r.run_id AND c.town IS NOT DISTINCT FROM t.town
ORDER BY t.town NULLS LAST, r.run_id`

// readTrend returns the rows of the 趋势 sheet (trendQuery).
func readTrend(ctx context.Context, db *sql.DB) ([]trendRow, error) {
	rows, err := db.QueryContext(ctx, trendQuery, trendRuns,
		bidui.StatusNew, bidui.StatusOpen, bidui.StatusNew, bidui.StatusResolved)
	if err != nil {
		return nil, fmt.Errorf("count findings per run: %w", err)
	}
	defer rows.Close()
	var out []trendRow
	for rows.Next() {
		var r trendRow
		var town sql.NullString
		if err := rows.Scan(&town, &r.run, &r.asOf, &r.listed, &r.new, &r.resolved); err != nil {
			return nil, fmt.Errorf("count findings per run: %w", err)
		}
		r.town = town.String
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count findings per run: %w", err)
	}
	return out, nil
}

// trendNote explains the 趋势 table below it.
var trendNote = "最近 " + strconv.Itoa(trendRuns) + " 次运行中各乡镇的问题数：待核实＝当次各村问题清单列出的问题（新增＋持续）；" +
	"新增＝当次首次发现；已解决＝当次比对不再出现。图表页有各乡镇的折线图。"

// writeTrendTable adds the 趋势 sheet: per town and run of the last trendRuns, the findings on the lists, the
// new and the resolved ones; each town's rows together, which the trend charts read.
func writeTrendTable(f *excelize.File, st summaryStyles, trend []trendRow) error {
	if _, err := f.NewSheet(sheetTrend); err != nil {
		return err
	}
	headers := []string{"乡镇", "运行", "基准日", "待核实", "新增", "已解决"}
	widths := []float64{14, 7, 12, 9, 9, 9}
	var rows [][]any
	for _, r := range trend {
		rows = append(rows, []any{townLabel(r.town), int(r.run), r.asOf.Format(time.DateOnly), r.listed, r.new, r.resolved})
	}
	if err := writeTable(f, st, sheetTrend, headers, widths, 1, rows, nil); err != nil {
		return err
	}
	cell := "A" + strconv.Itoa(len(rows)+3)
	if err := f.SetCellStr(sheetTrend, cell, trendNote); err != nil {
		return err
	}
	return f.SetCellStyle(sheetTrend, cell, cell, st.note)
}

// writeTrendCharts adds a line chart per town of the 趋势 table (trend, in its row order) to the 图表 sheet,
// each placed by place on a page of its own.
func writeTrendCharts(f *excelize.File, trend []trendRow, place func(add func(cell string) error) error) error {
	for first := 0; first < len(trend); {
		last := first
		for last+1 < len(trend) && trend[last+1].town == trend[first].town {
			last++
		}
		town := townLabel(trend[first].town)
		var series []excelize.ChartSeries
		for _, s := range []struct{ col, color string }{{"D", "4472C4"}, {"E", "ED7D31"}, {"F", "70AD47"}} {
			series = append(series, excelize.ChartSeries{
				Name:       fmt.Sprintf("'%s'!$%s$1", sheetTrend, s.col),
				Categories: fmt.Sprintf("'%s'!$C$%d:$C$%d", sheetTrend, first+2, last+2),
				Values:     fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sheetTrend, s.col, first+2, s.col, last+2),
				Line:       excelize.LineOptions{Width: 2},
				Marker:     excelize.ChartMarker{Symbol: "circle", Size: 4},
				Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{s.color}},
			})
		}
		title := fmt.Sprintf("%s 问题数变化（最近 %d 次运行）", town, last-first+1)
		if err := place(func(cell string) error {
			return f.AddChart(sheetChart, cell, &excelize.Chart{
				Type:      excelize.Line,
				Series:    series,
				Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
				Legend:    excelize.ChartLegend{Position: "bottom"},
				Dimension: excelize.ChartDimension{Width: chartWidth, Height: 480},
				Format:    chartAnchor,
				YAxis:     excelize.ChartAxis{MajorGridLines: true},
			})
		}); err != nil {
			return fmt.Errorf("trend chart of %s: %w", town, err)
		}
		first = last + 1
	}
	return nil
}

// setupSummaryPages sets how the sheets of 汇总.xlsx print: the tables A4 landscape, one page wide, with their
// header row on every page and the grid; the charts one per page at 100 % (writeChart places them).
func setupSummaryPages(f *excelize.File, asOf time.Time) error {
	note := ""
	if !asOf.IsZero() {
		note = "基准日 " + asOf.Format(time.DateOnly)
	}
	for _, sheet := range []string{sheetByVillage, sheetByRule, sheetCategory, sheetTrend} {
		if err := setupPage(f, sheet, pageSetup{
			landscape: true, oneWide: true, titleRows: 1, title: "问题汇总 " + sheet, note: note,
		}); err != nil {
			return fmt.Errorf("sheet %s: %w", sheet, err)
		}
	}
	if err := setupPage(f, sheetChart, pageSetup{landscape: true, title: "问题汇总 " + sheetChart, note: note}); err != nil {
		return fmt.Errorf("sheet %s: %w", sheetChart, err)
	}
	return nil
}
