package sources

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// rawCells makes excelize return what a cell stores rather than what its number format shows: an 18-digit
// ID stored as a number comes back with all its digits (the formatted getters round it to 15), a date cell
// comes back as its serial number, and nothing is written back into the workbook.
var rawCells = excelize.Options{RawCellValue: true}

// openXLSX opens a workbook; every sheet becomes a sheetSource, read with the streaming row iterator.
func openXLSX(data []byte) (*book, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), rawCells)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	layouts := sheetLayouts(data)
	b := &book{format: "xlsx", closeFn: func() { _ = f.Close() }}
	for _, name := range f.GetSheetList() {
		name := name
		b.sheets = append(b.sheets, &sheetSource{name: name, open: func() (rowIter, error) {
			rows, err := f.Rows(name)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
			}
			l := layouts[name]
			return prefetch(&xlsxRows{rows: rows, merges: newMergeFiller(l.merges), monthCells: l.monthCells, dateCells1904: l.dateCells1904}), nil
		}})
	}
	return b, nil
}

type xlsxRows struct {
	rows       *excelize.Rows
	n          int
	merges     *mergeFiller
	monthCells map[[2]int]bool // date cells formatted to show a month only
	// date cells of a 1904-system workbook: their serials are moved to the 1900 system before anything else
	dateCells1904 map[[2]int]bool
}

func (x *xlsxRows) next() ([]string, int, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, x.n + 1, fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		return nil, 0, io.EOF
	}
	x.n++
	cells, err := x.rows.Columns(rawCells)
	if err != nil {
		return nil, x.n, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if len(x.dateCells1904) > 0 {
		for i, c := range cells {
			if x.dateCells1904[[2]int{x.n, i + 1}] {
				cells[i] = from1904(c)
			}
		}
	}
	if len(x.monthCells) > 0 {
		for i, c := range cells {
			if x.monthCells[[2]int{x.n, i + 1}] {
				cells[i] = monthText(c)
			}
		}
	}
	return x.merges.fill(x.n, cells), x.n, nil
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

func (x *xlsxRows) close() { _ = x.rows.Close() }

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
