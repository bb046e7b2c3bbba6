package sources

import (
	"errors"
	"fmt"
	"io"
)

// Limits bound what one input file may make the importer hold or do. A file that goes over one fails with
// ErrLimit, naming the limit by its configuration key; the other files load. The defaults are far above
// anything a department's real file reaches (Excel itself stops at 16 384 columns and 32 767 characters a
// cell). A zero field means its default.
type Limits struct {
	PartBytes     int64 `toml:"part_bytes"`     // unzipped size of one part of an xlsx package (a sheet, the shared strings, the styles)
	SharedStrings int   `toml:"shared_strings"` // entries of an xlsx's shared-string table
	Styles        int   `toml:"styles"`         // cell formats and number formats of an xlsx's styles part
	CellsPerRow   int   `toml:"cells_per_row"`  // cells of one row (the column of the last cell, in a spreadsheet)
	LineBytes     int   `toml:"line_bytes"`     // bytes of one line of a CSV or text file
	CellBytes     int   `toml:"cell_bytes"`     // bytes of one cell's value
}

// DefaultLimits are the limits of a zero Limits.
var DefaultLimits = Limits{
	PartBytes:     2 << 30,
	SharedStrings: 10_000_000,
	Styles:        200_000,
	CellsPerRow:   16_384,
	LineBytes:     8 << 20,
	CellBytes:     1 << 20,
}

// withDefaults fills the zero fields of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	l.PartBytes = orDefault(l.PartBytes, d.PartBytes)
	l.SharedStrings = orDefault(l.SharedStrings, d.SharedStrings)
	l.Styles = orDefault(l.Styles, d.Styles)
	l.CellsPerRow = orDefault(l.CellsPerRow, d.CellsPerRow)
	l.LineBytes = orDefault(l.LineBytes, d.LineBytes)
	l.CellBytes = orDefault(l.CellBytes, d.CellBytes)
	return l
}

func orDefault[T int | int64](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Options are how Check and Load read files.
type Options struct {
	// TempDir is where temporary copies go (a legacy .xls handed to LibreOffice, its profile and output).
	// It should be a private folder (mode 0700) of the caller's, which removes it when done; each
	// conversion makes its own subfolder there and removes it. Empty: a private folder in the system
	// temporary directory, made and removed by each conversion.
	TempDir string
	Limits  Limits
}

// ErrLimit is wrapped by the error of a file that goes over one of its Limits.
var ErrLimit = errors.New("over a limit")

// limitError says which limit a file went over: what is its description, key the configuration key under
// [limits].
func limitError(what, key string, limit int64) error {
	return fmt.Errorf("%w: %s, over the limit of %d (limits.%s)", ErrLimit, what, limit, key)
}

// xmlCleaner passes the bytes of an XML part through with the control characters XML forbids made legal,
// so that a name pasted with a stray U+000B does not end the reading of a sheet: NUL becomes nulMark (the
// value holding it is rejected later), every other forbidden control character a space. It also bounds the
// text between two tags (a value, or a tag's attributes) to maxRun bytes, so that one huge value cannot
// make the XML decoder hold it all.
type xmlCleaner struct {
	r       io.Reader
	maxRun  int
	run     int    // bytes since the last '<'
	pending []byte // the rest of a nulMark not yet handed out
	buf     []byte
}

// nulMark stands for a NUL byte inside an XML part until the value is read (U+F700, private use).
const nulMark = "\uF700"

// errLongRun is what xmlCleaner returns when text between two tags is longer than its bound.
var errLongRun = errors.New("text between two tags is longer than a cell may be")

func (c *xmlCleaner) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	// Read at most a third of p, so that every NUL's three bytes fit.
	want := max(len(p)/3, 1)
	if cap(c.buf) < want {
		c.buf = make([]byte, want)
	}
	in := c.buf[:want]
	n, err := c.r.Read(in)
	out := 0
	for _, b := range in[:n] {
		if b == '<' {
			c.run = 0
		} else if c.run++; c.run > c.maxRun {
			return out, errLongRun
		}
		switch {
		case b == 0:
			m := nulMark
			k := copy(p[out:], m)
			out += k
			if k < len(m) {
				c.pending = append(c.pending[:0], m[k:]...)
			}
		case b < 0x20 && b != '\t' && b != '\n' && b != '\r':
			p[out] = ' '
			out++
		default:
			p[out] = b
			out++
		}
	}
	return out, err
}
