package sources

import (
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"strings"
)

// openCSV reads delimited text as one sheet named after the file.
func openCSV(path, text string) *book {
	sep := sniffSeparator(text)
	return &book{format: "csv", sheets: []*sheetSource{{
		name:        filepath.Base(path),
		strictWidth: true,
		open: func() (rowIter, error) {
			r := csv.NewReader(strings.NewReader(text))
			r.Comma = sep
			r.LazyQuotes = true
			r.FieldsPerRecord = -1
			return &csvRows{r: r}, nil
		},
	}}}
}

// sniffSeparator picks tab or comma by which occurs more in the first lines. Chinese text writes its commas
// as ，, so an ASCII comma is almost always a separator.
func sniffSeparator(text string) rune {
	tabs, commas, tabCommas := 0, 0, 0
	for i, line := range strings.SplitN(text, "\n", 21) {
		if i == 20 {
			break
		}
		tabs += strings.Count(line, "\t")
		commas += strings.Count(line, ",")
		tabCommas += strings.Count(line, "\t,")
	}
	// Some systems end every field with a tab to keep Excel from reading it as a number: 张三\t,3703…\t,
	// Those tabs stand before commas.
	if tabs > commas && tabCommas*2 < tabs {
		return '\t'
	}
	return ','
}

// csvRows numbers records the way a spreadsheet shows the file: blank lines are rows too, and a quoted field
// with line breaks stays in one row.
type csvRows struct {
	r          *csv.Reader
	extraLines int // lines taken by line breaks inside quoted fields so far
}

func (c *csvRows) next() ([]string, int, error) {
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, io.EOF
	}
	if err != nil {
		line := 0
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			line = perr.StartLine - c.extraLines
		}
		return nil, line, err
	}
	start, _ := c.r.FieldPos(0)
	rowNo := start - c.extraLines
	last := len(rec) - 1
	lastLine, _ := c.r.FieldPos(last)
	c.extraLines += lastLine - start + strings.Count(rec[last], "\n")
	return rec, rowNo, nil
}

func (c *csvRows) close() {}
