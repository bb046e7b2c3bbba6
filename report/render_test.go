package report

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// renderWorkbook renders what matters in a workbook as text for a golden file: document properties; per
// sheet the frozen panes, auto-filter, drop-down lists, column widths and column formats, then every
// non-empty cell with its type (s string, n number, f formula…), number format (@ is text), boldness and
// value; and the charts with their type and the ranges their series read.
func renderWorkbook(t *testing.T, file string) string {
	t.Helper()
	f := openWorkbook(t, file)
	var b strings.Builder
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "properties: title=%q creator=%q created=%s modified=%s\n", props.Title, props.Creator, props.Created, props.Modified)
	parts := zipParts(t, file)
	filters, printTitles := map[string]string{}, map[string]string{}
	for _, d := range f.GetDefinedName() {
		switch d.Name {
		case "_xlnm._FilterDatabase":
			filters[d.Scope] = d.RefersTo
		case "_xlnm.Print_Titles":
			printTitles[d.Scope] = d.RefersTo
		}
	}
	sheetXML := map[string]string{}
	for id, name := range f.GetSheetMap() {
		sheetXML[name] = parts["xl/worksheets/sheet"+strconv.Itoa(id)+".xml"]
	}
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&b, "\nsheet %s\n", sheet)
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if panes.Freeze {
			fmt.Fprintf(&b, "  frozen: %d rows, %d columns, top-left %s\n", panes.YSplit, panes.XSplit, panes.TopLeftCell)
		}
		if ref, ok := filters[sheet]; ok {
			_, ref, _ = strings.Cut(ref, "!")
			has := strings.Contains(sheetXML[sheet], "<autoFilter ")
			fmt.Fprintf(&b, "  auto-filter: %s (autoFilter element: %v)\n", ref, has)
		}
		dvs, err := f.GetDataValidations(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, dv := range dvs {
			fmt.Fprintf(&b, "  validation %s: %s %s (error style %s: %q; prompt %q)\n", dv.Sqref, dv.Type, dv.Formula1,
				deref(dv.ErrorStyle), deref(dv.Error), deref(dv.Prompt))
		}
		if strings.Contains(sheetXML[sheet], "<drawing ") {
			b.WriteString("  drawing: yes\n")
		}
		b.WriteString(renderPrint(sheetXML[sheet], printTitles[sheet]))
		cols, err := f.GetCols(sheet)
		if err != nil {
			t.Fatal(err)
		}
		var widths []string
		for i := range max(len(cols), 1) {
			col, _ := excelize.ColumnNumberToName(i + 1)
			w, err := f.GetColWidth(sheet, col)
			if err != nil {
				t.Fatal(err)
			}
			desc := fmt.Sprintf("%s=%g", col, w)
			style, err := f.GetColStyle(sheet, col)
			if err != nil {
				t.Fatal(err)
			}
			if fm := numberFormat(t, f, style); fm != "" {
				desc += " " + fm
			}
			widths = append(widths, desc)
		}
		fmt.Fprintf(&b, "  columns: %s\n", strings.Join(widths, ", "))
		for r, row := range cols0(t, f, sheet) {
			for c, value := range row {
				if value == "" {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				fmt.Fprintf(&b, "  %s %s %q\n", ref, cellDescription(t, f, sheet, ref), value)
			}
		}
	}
	var charts []string
	for name := range parts {
		if strings.HasPrefix(name, "xl/charts/chart") {
			charts = append(charts, name)
		}
	}
	slices.Sort(charts)
	for _, name := range charts {
		fmt.Fprintf(&b, "\n%s\n", renderChart(parts[name]))
	}
	return b.String()
}

var (
	xmlElement  = regexp.MustCompile(`<(pageSetup|printOptions|pageMargins) ([^>]*?)/?>`)
	xmlHeader   = regexp.MustCompile(`<(oddHeader|oddFooter)>([^<]*)</`)
	xmlRowBreak = regexp.MustCompile(`<brk id="(\d+)"`)
	xmlRow      = regexp.MustCompile(`<row r="(\d+)"[^>]*? ht="([0-9.]+)" customHeight="1"`)
)

// renderPrint renders how a worksheet prints, from its XML: page setup, print options and margins as their
// attributes, the rows repeated on every page, the page header and footer, the manual page breaks (the rows
// that start a page) and the rows whose height is set.
func renderPrint(x, titles string) string {
	var b strings.Builder
	for _, m := range xmlElement.FindAllStringSubmatch(x, -1) {
		fmt.Fprintf(&b, "  %s: %s\n", m[1], m[2])
	}
	if titles != "" {
		fmt.Fprintf(&b, "  print titles: %s\n", titles)
	}
	for _, m := range xmlHeader.FindAllStringSubmatch(x, -1) {
		fmt.Fprintf(&b, "  %s: %s\n", m[1], html.UnescapeString(m[2]))
	}
	var breaks, heights []string
	for _, m := range xmlRowBreak.FindAllStringSubmatch(x, -1) {
		breaks = append(breaks, m[1])
	}
	for _, m := range xmlRow.FindAllStringSubmatch(x, -1) {
		heights = append(heights, m[1]+"="+m[2])
	}
	if breaks != nil {
		fmt.Fprintf(&b, "  page breaks before rows: %s\n", strings.Join(breaks, " "))
	}
	if heights != nil {
		fmt.Fprintf(&b, "  row heights: %s\n", strings.Join(heights, " "))
	}
	return b.String()
}

// cols0 returns the sheet's cells by row, as formatted values.
func cols0(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

var cellTypeNames = map[excelize.CellType]string{
	excelize.CellTypeUnset: "n", excelize.CellTypeBool: "b", excelize.CellTypeDate: "d",
	excelize.CellTypeError: "e", excelize.CellTypeFormula: "f", excelize.CellTypeInlineString: "s",
	excelize.CellTypeNumber: "n", excelize.CellTypeSharedString: "s",
}

// cellDescription is a cell's type, with "=formula" when it has one, its number format and "bold".
func cellDescription(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	typ, err := f.GetCellType(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	desc := cellTypeNames[typ]
	formula, err := f.GetCellFormula(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	if formula != "" {
		desc += " formula=" + formula
	}
	style, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	if fm := numberFormat(t, f, style); fm != "" {
		desc += " " + fm
	}
	if s, err := f.GetStyle(style); err == nil && s.Font != nil && s.Font.Bold {
		desc += " bold"
	}
	return desc
}

// numberFormat names the number format of a style: @ (text), a custom format, #N for other built-in ones,
// "" for General.
func numberFormat(t *testing.T, f *excelize.File, style int) string {
	t.Helper()
	s, err := f.GetStyle(style)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case s.CustomNumFmt != nil:
		return *s.CustomNumFmt
	case s.NumFmt == 49:
		return "@"
	case s.NumFmt != 0:
		return "#" + strconv.Itoa(s.NumFmt)
	}
	return ""
}

var (
	chartKind   = regexp.MustCompile(`<(?:c:)?(bar|line|pie|area|scatter)Chart>`)
	chartDir    = regexp.MustCompile(`<(?:c:)?barDir val="(\w+)"`)
	chartGroup  = regexp.MustCompile(`<(?:c:)?grouping val="(\w+)"`)
	chartRef    = regexp.MustCompile(`<(?:c:)?f>([^<]*)</(?:c:)?f>`)
	chartTitleT = regexp.MustCompile(`<a:t>([^<]*)</a:t>`)
)

// renderChart summarises a chart part: its kind, direction, grouping, title and the ranges its series read.
func renderChart(x string) string {
	first := func(re *regexp.Regexp) string {
		if m := re.FindStringSubmatch(x); m != nil {
			return m[1]
		}
		return "?"
	}
	var refs []string
	for _, m := range chartRef.FindAllStringSubmatch(x, -1) {
		refs = append(refs, html.UnescapeString(m[1]))
	}
	return fmt.Sprintf("chart: %s chart, direction %s, grouping %s, title %q\n  series ranges: %s",
		first(chartKind), first(chartDir), first(chartGroup), first(chartTitleT), strings.Join(refs, "  "))
}

// zipParts returns the parts of a zip file by name.
func zipParts(t *testing.T, file string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return unzipParts(t, data)
}

// renderParquet renders the columns (with their types) and the rows of a Parquet file as DuckDB reads it.
func renderParquet(t *testing.T, db *sql.DB, file string) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT * FROM read_parquet(?)`, file)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var cols []string
	for _, ct := range types {
		cols = append(cols, ct.Name()+" "+ct.DatabaseTypeName())
	}
	fmt.Fprintf(&b, "columns: %s\n", strings.Join(cols, ", "))
	values := make([]any, len(types))
	dest := make([]any, len(types))
	for i := range values {
		dest[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		var fields []string
		for _, v := range values {
			switch v := v.(type) {
			case nil:
				fields = append(fields, "NULL")
			case time.Time:
				fields = append(fields, v.Format(time.DateOnly))
			default:
				fields = append(fields, fmt.Sprintf("%q", fmt.Sprint(v)))
			}
		}
		fmt.Fprintf(&b, "  %s\n", strings.Join(fields, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
