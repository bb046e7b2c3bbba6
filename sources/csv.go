package sources

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// openCSV reads delimited text as one sheet named after the file. A file whose lines end in CR alone (old
// Mac line ends) is read as lines all the same; a line longer than lim allows fails the file before
// anything splits it.
func openCSV(path, text string, lim Limits) (*book, error) {
	if !strings.Contains(text, "\n") && strings.Contains(text, "\r") {
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	if line, n := longestLine(text); n > lim.LineBytes {
		return &book{format: "csv"}, limitError(fmt.Sprintf("line %d is %d bytes long", line, n), "line_bytes", int64(lim.LineBytes))
	}
	sep := sniffSeparator(text)
	return &book{format: "csv", sheets: []*sheetSource{{
		name:        filepath.Base(path),
		strictWidth: true,
		open: func() (rowIter, error) {
			r := csv.NewReader(strings.NewReader(text))
			r.Comma = sep
			r.LazyQuotes = true
			r.FieldsPerRecord = -1
			return &csvRows{r: r, lim: lim, text: text}, nil
		},
	}}}, nil
}

// unclosedQuote tells whether the field at line, col (1-based, as csv.Reader.FieldPos gives them) of the
// last record opens a quote that the file never closes: the lenient reader then takes the rest of the file for
// that one value, and the rows in it would be lost without a word.
func unclosedQuote(text string, line, col int) bool {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			return false
		}
		off += i + 1
	}
	off += col - 1
	if off >= len(text) || text[off] != '"' {
		return false
	}
	rest := strings.TrimRight(text[off+1:], "\r\n")
	return !strings.HasSuffix(rest, `"`)
}

// longestLine returns the 1-based number and the length in bytes of the longest line of text.
func longestLine(text string) (line, n int) {
	for i := 1; text != ""; i++ {
		l, rest, _ := strings.Cut(text, "\n")
		if len(l) > n {
			line, n = i, len(l)
		}
		text = rest
	}
	return line, n
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
	lim        Limits
	text       string
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
	if len(rec) > c.lim.CellsPerRow {
		return nil, rowNo, limitError(fmt.Sprintf("the row has %d cells", len(rec)), "cells_per_row", int64(c.lim.CellsPerRow))
	}
	for i, v := range rec {
		if len(v) > c.lim.CellBytes {
			return nil, rowNo, limitError(fmt.Sprintf("the value of column %d is %d bytes", i+1, len(v)), "cell_bytes", int64(c.lim.CellBytes))
		}
	}
	last := len(rec) - 1
	lastLine, lastCol := c.r.FieldPos(last)
	if c.r.InputOffset() == int64(len(c.text)) && unclosedQuote(c.text, lastLine, lastCol) {
		return nil, rowNo, fmt.Errorf("%w: the quote opened on line %d is never closed: the rest of the file would be "+
			"one value", ErrUnreadable, lastLine)
	}
	c.extraLines += lastLine - start + strings.Count(rec[last], "\n")
	return rec, rowNo, nil
}

func (c *csvRows) close() {}
