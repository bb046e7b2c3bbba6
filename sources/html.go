package sources

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits on the grid an HTML table may ask for: a hostile colspan or rowspan must not make the importer
// allocate gigabytes. Excel's own limits are 16 384 columns and 1 048 576 rows.
const (
	htmlMaxCols = 16384
	htmlMaxSpan = 65536
)

// openHTML reads an HTML page, as departments' systems export a "spreadsheet" saved as .xls: every <table>
// that holds rows becomes a sheet, named after the file (then "file#2", "file#3" for further tables).
// colspan and rowspan are expanded into a grid, the spanned value repeated in every cell it covers, as the
// merged cells of an xlsx are; <br> is a line break, &nbsp; a space, and the text of a cell is what it
// shows (mso-number-format styles only change how Excel would format it).
func openHTML(path, text string, lim Limits) (*book, error) {
	tables, err := parseHTMLTables(text, lim)
	if err != nil {
		return &book{format: "html"}, err
	}
	b := &book{format: "html"}
	base := filepath.Base(path)
	for i, rows := range tables {
		name := base
		if i > 0 {
			name = base + "#" + strconv.Itoa(i+1)
		}
		rows := rows
		b.sheets = append(b.sheets, &sheetSource{name: name, open: func() (rowIter, error) {
			return &gridRows{rows: rows}, nil
		}})
	}
	if len(b.sheets) == 0 {
		return b, fmt.Errorf("%w: the HTML page holds no table with rows", ErrEmpty)
	}
	return b, nil
}

// gridRows yields the rows of an expanded table, numbered from 1.
type gridRows struct {
	rows [][]string
	n    int
}

func (g *gridRows) next() ([]string, int, error) {
	if g.n >= len(g.rows) {
		return nil, 0, io.EOF
	}
	g.n++
	return g.rows[g.n-1], g.n, nil
}

func (g *gridRows) close() {}

// tableGrid collects the rows of one <table> while the tokenizer walks it.
type tableGrid struct {
	rows [][]string
	// carry holds, per column, the cells spanning down from rows above: value and rows still to cover.
	carry   map[int]*spanCell
	row     []string // the row being built; nil outside a <tr>
	cell    *strings.Builder
	colspan int
	rowspan int
	cells   int // cells placed so far, spans included
	maxCols int // a row stops growing here: one cell over the limit, for the limit to be seen
}

type spanCell struct {
	value string
	left  int
}

// parseHTMLTables returns the rows of every table of the page that has rows, in document order (a table
// nested in a cell is a table of its own; its text is not part of the outer cell).
func parseHTMLTables(text string, lim Limits) ([][][]string, error) {
	z := html.NewTokenizer(strings.NewReader(text))
	var stack []*tableGrid // open tables, innermost last
	var done [][][]string
	// Spans multiply cells; an honest page needs a few bytes of markup per cell it shows, so a table that
	// expands far beyond its size is hostile or broken.
	budget := 8*len(text) + 1<<20
	spent := 0 // cells of the tables already closed
	skip := 0  // inside <script>, <style>, <head>'s <title>
	cur := func() *tableGrid {
		if len(stack) == 0 {
			return nil
		}
		return stack[len(stack)-1]
	}
	for {
		tt := z.Next()
		if t := cur(); t != nil && spent+t.cells > budget {
			return nil, fmt.Errorf("%w: an HTML table spans more cells (over %d) than its page can hold", ErrNotTabular, budget)
		}
		if t := cur(); t != nil && len(t.row) > lim.CellsPerRow {
			return nil, limitError(fmt.Sprintf("row %d of a table has more than %d cells", len(t.rows)+1, lim.CellsPerRow),
				"cells_per_row", int64(lim.CellsPerRow))
		}
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("%w: bad HTML: %v", ErrNotTabular, err)
			}
			// A page cut short inside a table has lost the rows after the cut: loading the rows before it
			// would say that the rest of the people are not on the list.
			if t := cur(); t != nil {
				rows := len(t.finish())
				return nil, fmt.Errorf("%w: the page ends inside a table, after its row %d: the file is cut short",
					ErrUnreadable, rows)
			}
			return done, nil
		case html.TextToken:
			if skip > 0 {
				continue
			}
			if t := cur(); t != nil && t.cell != nil {
				// White space in the markup is one space on the page; <br> is the line break.
				t.cell.WriteString(collapseSpace(string(z.Text())))
				if t.cell.Len() > lim.CellBytes {
					return nil, limitError(fmt.Sprintf("the value of a cell in row %d is over %d bytes", len(t.rows)+1, lim.CellBytes),
						"cell_bytes", int64(lim.CellBytes))
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Title:
				if tt == html.StartTagToken {
					skip++
				}
			case atom.Table:
				if tt == html.StartTagToken {
					stack = append(stack, &tableGrid{carry: map[int]*spanCell{}, maxCols: lim.CellsPerRow + 1})
				}
			case atom.Tr:
				if t := cur(); t != nil {
					t.endRow()
					t.row = []string{}
				}
			case atom.Td, atom.Th:
				if t := cur(); t != nil {
					t.endCell()
					if t.row == nil {
						t.row = []string{} // a <td> without its <tr>
					}
					t.cell = &strings.Builder{}
					t.colspan, t.rowspan = 1, 1
					for hasAttr {
						var k, v []byte
						k, v, hasAttr = z.TagAttr()
						switch string(k) {
						case "colspan":
							t.colspan = spanAttr(v, htmlMaxCols)
						case "rowspan":
							t.rowspan = spanAttr(v, htmlMaxSpan)
						}
					}
					if tt == html.SelfClosingTagToken {
						t.endCell()
					}
				}
			case atom.Br:
				if t := cur(); t != nil && t.cell != nil {
					t.cell.WriteByte('\n')
				}
			case atom.P, atom.Div:
				if t := cur(); t != nil && t.cell != nil && t.cell.Len() > 0 {
					t.cell.WriteByte('\n')
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Script, atom.Style, atom.Title:
				if skip > 0 {
					skip--
				}
			case atom.Table:
				if t := cur(); t != nil {
					stack = stack[:len(stack)-1]
					spent += t.cells
					if rows := t.finish(); len(rows) > 0 {
						done = append(done, rows)
					}
				}
			case atom.Tr:
				if t := cur(); t != nil {
					t.endRow()
				}
			case atom.Td, atom.Th:
				if t := cur(); t != nil {
					t.endCell()
				}
			}
		}
	}
}

// spanAttr reads a colspan or rowspan; anything unreadable, zero or negative is 1 (rowspan="0", "to the
// end of the section", is rare in exports and taken as 1).
func spanAttr(v []byte, limit int) int {
	n, err := strconv.Atoi(strings.TrimSpace(string(v)))
	if err != nil || n < 1 {
		return 1
	}
	if n > limit {
		return limit
	}
	return n
}

// collapseSpace turns every run of HTML white space into one space (NBSP is not white space to HTML).
func collapseSpace(s string) string {
	if !strings.ContainsAny(s, "\t\n\f\r") && !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// placeCarried fills the columns at the end of the row that cells from rows above span into.
func (t *tableGrid) placeCarried() {
	for {
		c, ok := t.carry[len(t.row)]
		if !ok {
			return
		}
		t.row = append(t.row, c.value)
		t.cells++
		c.left--
		if c.left == 0 {
			delete(t.carry, len(t.row)-1)
		}
	}
}

// endCell places the open cell (if any) in the row, spanning its columns and, through carry, the rows
// below.
func (t *tableGrid) endCell() {
	if t.cell == nil {
		return
	}
	v := strings.Trim(t.cell.String(), " ")
	if strings.Contains(v, "\n") { // markup white space beside a <br> is not part of the text
		v = strings.ReplaceAll(strings.ReplaceAll(v, " \n", "\n"), "\n ", "\n")
	}
	t.cell = nil
	t.placeCarried()
	for i := 0; i < t.colspan && len(t.row) < t.maxCols; i++ {
		col := len(t.row)
		t.row = append(t.row, v)
		t.cells++
		if t.rowspan > 1 {
			t.carry[col] = &spanCell{value: v, left: t.rowspan - 1}
		}
		t.placeCarried()
	}
}

// endRow closes the open row (if any), placing the cells spanning into it from above after its own.
func (t *tableGrid) endRow() {
	t.endCell()
	if t.row == nil {
		return
	}
	t.placeCarried()
	// Cells spanning down into columns beyond this row's own cells.
	maxCol := -1
	for c := range t.carry {
		if c > maxCol {
			maxCol = c
		}
	}
	for len(t.row) <= maxCol {
		if _, ok := t.carry[len(t.row)]; ok {
			t.placeCarried()
		} else {
			t.row = append(t.row, "")
			t.cells++
		}
	}
	t.rows = append(t.rows, t.row)
	t.row = nil
}

// finish closes the table and returns its rows. A rowspan reaching below the last <tr> covers nothing.
func (t *tableGrid) finish() [][]string {
	t.endRow()
	return t.rows
}
