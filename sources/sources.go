// Package sources reads department files (xlsx, legacy .xls and Excel 2003 XML through headless LibreOffice,
// HTML tables saved as .xls, CSV in GB18030 or UTF-8), recognises the source kind of each sheet by its
// header row, normalises the values (IDs, dates, yes/no, amounts, enumerations) and appends the rows to the
// staging table of their kind (src_<kind>), with every value it could not read in rejects. spec/sources.md
// is the contract it implements.
//
// Nothing is dropped silently: for every sheet, rows read = rows loaded + rows skipped (blank, 合计, footer
// lines) + rows rejected (no usable person key), and a value that cannot be normalised leaves its field NULL
// and a rejects row naming file, sheet, row, column and reason.
package sources

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/bidui/bidui"
)

// Result describes what reading one sheet of an input file gave (or the whole file, when it failed before
// any sheet could be read).
type Result struct {
	FileID      int64             // assigned by Load through newID; 0 from Check
	Path        string            // the path given to Check or Load
	SHA256      string            // hex of the file's bytes
	Format      string            // "xlsx", "xls", "xml" (XML Spreadsheet 2003), "html", "csv": what the bytes are, whatever the name says
	Encoding    string            // csv and html: "utf-8", "utf-8-bom", "gb18030" (or "utf-16" for Excel's Unicode text); else ""
	Kind        bidui.Kind        // "" when unrecognised or failed before detection
	Sheet       string            // sheet name; for csv the file's base name
	HeaderRow   int               // 1-based row of the header (the last header row for two-level headers)
	Columns     map[string]string // canonical column -> header text as seen
	HeadersSeen []string          // for unrecognised sheets: the non-empty cells of the most header-like row

	// Rows below the header: RowsRead = RowsLoaded + RowsSkipped + RowsRejected, always. Blank rows at the
	// end of a sheet are not counted.
	RowsRead, RowsLoaded, RowsSkipped, RowsRejected int64

	Status string // bidui.FileLoaded, bidui.FileFailed, bidui.FileUnrecognised, bidui.FileIgnored
	Err    error  // why it failed or was unrecognised (a *FileError); nil when loaded

	// MarkColumns are the yes/no columns (canonical names) answered with marks only (√, ×, blank), whose
	// blank cells were read as no.
	MarkColumns []string

	// Rejects are the first value and row rejects of the sheet (up to MaxCheckRejects), from Check only.
	Rejects []Reject
}

// A Reject is a value that could not be read, or a row that could not be loaded, as Check found it.
type Reject struct {
	Row    int
	Column string // the header as seen; "" for a whole row
	Field  string // the canonical column; "" for a whole row
	Value  string
	Reason string // one of the Reason constants
}

// MaxCheckRejects is how many rejects of a sheet Check keeps in Result.Rejects.
const MaxCheckRejects = 200

// FileError is a problem with an input file, placed as precisely as it is known: the file always, then the
// sheet, the 1-based row and the column header when they apply.
type FileError struct {
	Path   string
	Sheet  string
	Row    int
	Column string
	Err    error
}

// Error reads like `inbox/gs.xlsx sheet "Sheet1" row 12 column 证件号码: …`.
func (e *FileError) Error() string {
	s := e.Path
	if e.Sheet != "" {
		s += " sheet " + strconv.Quote(e.Sheet)
	}
	if e.Row > 0 {
		s += " row " + strconv.Itoa(e.Row)
	}
	if e.Column != "" {
		s += " column " + e.Column
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error, so that errors.Is finds the sentinels below.
func (e *FileError) Unwrap() error { return e.Err }

// Sentinel errors wrapped in a Result's FileError, for callers that need to tell problems apart.
var (
	ErrNoKind        = errors.New("no known header row")                        // the sheet matches no source kind
	ErrAmbiguousKind = errors.New("ambiguous source kind")                      // two kinds match equally well
	ErrEmpty         = errors.New("no data")                                    // an empty file, or every sheet empty
	ErrEncoding      = errors.New("text is neither UTF-8 nor GB18030")          // a CSV that does not decode
	ErrNotTabular    = errors.New("not a spreadsheet, CSV or HTML table")       // a binary file of another sort
	ErrUnreadable    = errors.New("cannot read workbook")                       // a damaged or truncated workbook
	ErrNoConverter   = errors.New("LibreOffice (soffice) is not installed")     // a legacy .xls with nothing to convert it
	ErrConversion    = errors.New("LibreOffice could not convert the workbook") // soffice failed or timed out
)

// Check reads the file at path and returns one Result per sheet, with the first value rejects of each in
// Rejects, without writing anything anywhere (but the temporary copies of opts.TempDir). The returned error
// is only for ctx cancellation; file problems are reported in the Results.
func Check(ctx context.Context, path string, opts Options) ([]Result, error) {
	return read(ctx, path, checkStager{}, opts)
}

// Load reads the file at path and appends its rows to the staging table of the kind each sheet matches
// (src_<kind>), and its rejected values to rejects, through conn. newID gives the file_id of each Result.
// A sheet that fails leaves no rows of it behind (what was appended for its file_id is deleted). The
// returned error is only for ctx cancellation or a database failure; file problems are reported in the
// Results.
func Load(ctx context.Context, conn *sql.Conn, path string, newID func() int64, opts Options) ([]Result, error) {
	return read(ctx, path, &dbStager{conn: conn, newID: newID, tables: map[bidui.Kind][]string{}}, opts)
}

// read sniffs the file's format and hands each of its sheets to processSheet.
func read(ctx context.Context, path string, st stager, opts Options) ([]Result, error) {
	opts.Limits = opts.Limits.withDefaults()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	base := Result{Path: path}
	fail := func(format string, err error) ([]Result, error) {
		res := base
		res.Format = format
		res.Sheet = ""
		if format == "csv" {
			res.Sheet = filepath.Base(path)
		}
		res.Status = bidui.FileFailed
		res.Err = &FileError{Path: path, Err: err}
		if ferr := (*FileError)(nil); errors.As(err, &ferr) {
			res.Err = ferr
		}
		res.FileID = st.id()
		return []Result{res}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fail("", err)
	}
	sum := sha256.Sum256(data)
	base.SHA256 = hex.EncodeToString(sum[:])
	if len(data) == 0 {
		return fail("", fmt.Errorf("%w: the file is empty", ErrEmpty))
	}
	book, err := openBook(ctx, path, data, opts)
	if book != nil {
		base.Format, base.Encoding = book.format, book.encoding
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return fail(base.Format, err)
	}
	defer book.close()

	fc := &fileContext{path: path, sha12: base.SHA256[:12]}
	var results, empty []Result
	for _, sh := range book.sheets {
		res := base
		res.Sheet = sh.name
		isEmpty, err := processSheet(ctx, fc, sh, &res, st)
		if err != nil {
			return results, err
		}
		if isEmpty {
			empty = append(empty, res)
			continue
		}
		results = append(results, res)
	}
	ignoreNotes(results)
	failHeaderOnly(path, results)
	// Empty sheets beside sheets with data (Excel's default Sheet2, Sheet3) hold no rows to account for, so
	// they are left out; a file with nothing but empty sheets is a failure to report.
	if len(results) == 0 {
		what := "the file has no rows"
		if len(empty) > 1 {
			what = fmt.Sprintf("all %d sheets are empty", len(empty))
		} else if len(empty) == 1 && base.Format != "csv" {
			what = fmt.Sprintf("sheet %q is empty", empty[0].Sheet)
		}
		res := base
		res.Sheet = ""
		if len(empty) == 1 {
			res.Sheet = empty[0].Sheet
		}
		res.Status = bidui.FileFailed
		ferr := &FileError{Path: path, Err: fmt.Errorf("%w: %s", ErrEmpty, what)}
		if len(empty) == 1 && base.Format != "csv" {
			ferr.Sheet = res.Sheet
		}
		res.Err = ferr
		res.FileID = st.id()
		results = append(results, res)
	}
	return results, nil
}

// failHeaderOnly fails a file whose recognised sheets hold a header and nothing under it: a department's file
// cut short (a CSV truncated inside its first lines) or exported empty. Loaded as it is, it would say that
// nobody is insured, enrolled or on a roster, and every rule reading that kind would raise false findings.
// A returned village workbook may come back without rows; a sheet with rows beside it keeps the file loaded.
func failHeaderOnly(path string, results []Result) {
	var headerOnly []int
	for i, r := range results {
		if r.Status != bidui.FileLoaded || r.Kind == bidui.KindVerification {
			continue
		}
		if r.RowsRead > 0 {
			return
		}
		headerOnly = append(headerOnly, i)
	}
	for _, i := range headerOnly {
		r := &results[i]
		r.Status = bidui.FileFailed
		ferr := &FileError{Path: path, Sheet: r.Sheet, Row: r.HeaderRow,
			Err: fmt.Errorf("%w: the header is on row %d and nothing is under it", ErrEmpty, r.HeaderRow)}
		if r.Format == "csv" {
			ferr.Sheet = ""
		}
		r.Err = ferr
	}
}

// ignoreNotes marks the 说明 and 入户核实表 sheets of a returned village workbook (one whose other sheet is read
// as kind verification) as ignored: bidui wrote them to explain the rules and to print the list by household,
// and the answers are read from 问题清单 only.
func ignoreNotes(results []Result) {
	returned := false
	for _, r := range results {
		returned = returned || r.Kind == bidui.KindVerification
	}
	if !returned {
		return
	}
	for i, r := range results {
		if r.Status == bidui.FileUnrecognised && (r.Sheet == bidui.SheetNotes || r.Sheet == bidui.SheetVisit) {
			results[i].Status, results[i].Err = bidui.FileIgnored, nil
		}
	}
}

// fileContext is what the sheets of one file share.
type fileContext struct {
	path  string
	sha12 string
}
