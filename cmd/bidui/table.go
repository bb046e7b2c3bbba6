package main

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/text/width"
)

// table aligns tab-separated cells into columns like text/tabwriter, but by display width: a Chinese
// character takes two terminal columns, which tabwriter counts as one. Cells are terminated by '\t' and
// lines by '\n'; Flush writes the table with two spaces between columns.
type table struct {
	w   io.Writer
	buf bytes.Buffer
}

func newTable(w io.Writer) *table { return &table{w: w} }

func (t *table) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush writes the aligned table and empties the buffer.
func (t *table) Flush() error {
	text := strings.TrimSuffix(t.buf.String(), "\n")
	t.buf.Reset()
	if text == "" {
		return nil
	}
	var lines [][]string
	var widths []int
	for _, line := range strings.Split(text, "\n") {
		cells := strings.Split(line, "\t")
		lines = append(lines, cells)
		// The last cell of a line is not terminated by a tab and does not set its column's width.
		for i, c := range cells[:len(cells)-1] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var out strings.Builder
	for _, cells := range lines {
		for i, c := range cells {
			out.WriteString(c)
			if i < len(cells)-1 {
				out.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		out.WriteString("\n")
	}
	_, err := io.WriteString(t.w, out.String())
	return err
}

// displayWidth is the number of terminal columns s takes: two for wide and full-width characters.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
