package sources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bidui/bidui"
)

// Reading one sheet: find its header and kind (header.go), then hand each data row to the row parser, which
// skips what the form's layout puts around the data (layout.go), normalises each read column by its field's
// type (values.go), keeps the other columns in extra (extra.go), and passes the rows to a sink: the staging
// table for Load, nothing for Check.

// A rejectRow is one row of the rejects table (file_id is the sink's).
type rejectRow struct {
	sheet  string
	rowNo  int
	column string // header as seen; "" for a whole-row reject
	field  string // canonical column; "" for a whole-row reject
	value  string
	reason string
}

// A sink takes the normalised rows and the rejects of one sheet.
type sink interface {
	put(rec record) error
	reject(r rejectRow) error
}

// A stager gives each recognised sheet a sink and decides what a failed sheet leaves behind.
type stager interface {
	// id returns the file_id for the next Result (0 when nothing is written).
	id() int64
	// stage runs fill with a sink for res's kind; fill's *FileError means the sheet failed and whatever it
	// put must go, and stage returns it after taking those rows back out. Any other error is a database
	// failure or ctx cancellation.
	stage(ctx context.Context, res *Result, spec *kindSpec, fill func(sink) error) error
}

// sinkError marks an error from a sink: a database failure, not a problem with the file.
type sinkError struct{ err error }

func (e *sinkError) Error() string { return e.err.Error() }
func (e *sinkError) Unwrap() error { return e.err }

// checkStager writes nothing: Check only counts.
type checkStager struct{}

func (checkStager) id() int64 { return 0 }

func (checkStager) stage(_ context.Context, res *Result, _ *kindSpec, fill func(sink) error) error {
	return fill(&checkSink{res: res})
}

// processSheet reads one sheet into res and through st. It reports isEmpty for a sheet without a single
// non-blank cell (res is then not to be reported on its own). Its error is only ctx cancellation or a
// database failure.
func processSheet(ctx context.Context, fc *fileContext, sh *sheetSource, res *Result, st stager) (isEmpty bool, err error) {
	failed := func(e *FileError) (bool, error) {
		res.Status = bidui.FileFailed
		res.Err = e
		res.FileID = st.id()
		return false, nil
	}
	it, err := sh.open()
	if err != nil {
		return failed(&FileError{Path: fc.path, Sheet: sh.name, Err: err})
	}
	defer it.close()

	// The first rows: title lines, 制表 lines and the header.
	var top [][]string
	var topNos []int
	eof := false
	for len(top) < headerScanRows {
		cells, rowNo, err := it.next()
		if errors.Is(err, io.EOF) {
			eof = true
			break
		}
		if err != nil {
			return failed(&FileError{Path: fc.path, Sheet: sh.name, Row: rowNo, Err: err})
		}
		top = append(top, cells)
		topNos = append(topNos, rowNo)
	}
	empty := true
	for _, row := range top {
		if !blank(row) {
			empty = false
			break
		}
	}
	if empty && eof {
		return true, nil
	}
	hm, err := detectHeader(top)
	if err != nil {
		return failed(&FileError{Path: fc.path, Sheet: sh.name, Err: err})
	}
	if hm == nil || hm.refused != "" {
		res.Status = bidui.FileUnrecognised
		res.HeadersSeen = headersSeen(top)
		what := "none of its first %d rows holds the required headers of any source kind"
		if hm != nil {
			what = "its headers are those of kind " + string(hm.spec.kind) + " (in its first %d rows) but " + hm.refused
		}
		if len(res.HeadersSeen) > 0 {
			what += "; headers seen: " + strings.Join(res.HeadersSeen, ", ")
		}
		for _, h := range res.HeadersSeen {
			if bareHeader(normalizeHeader(h)) == resultHeader {
				what += "; it looks like a returned village workbook, which needs its 编号 column back"
				break
			}
		}
		res.Err = &FileError{Path: fc.path, Sheet: sh.name, Err: fmt.Errorf("%w: "+what, ErrNoKind, headerScanRows)}
		res.FileID = st.id()
		return false, nil
	}
	res.Kind = hm.spec.kind
	res.HeaderRow = topNos[hm.index]
	res.Columns = hm.found
	res.FileID = st.id()

	p := newRowParser(fc, sh, hm, res)
	// The header as written, and the row above it (a two-level header's parent row): a block of a roster
	// made of blocks repeats them.
	for i := max(hm.index-1, 0); i <= hm.index; i++ {
		p.headerRows = append(p.headerRows, normalizedRow(top[i]))
	}
	err = st.stage(ctx, res, hm.spec, func(s sink) error {
		p.sink = s
		for i := hm.index + 1; i < len(top); i++ {
			if err := p.row(top[i], topNos[i]); err != nil {
				return err
			}
		}
		for n := 0; !eof; n++ {
			if n%512 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			cells, rowNo, err := it.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return &FileError{Path: fc.path, Sheet: sh.name, Row: rowNo, Err: err}
			}
			if err := p.row(cells, rowNo); err != nil {
				return err
			}
		}
		return p.end()
	})
	var ferr *FileError
	switch {
	case errors.As(err, &ferr):
		// The stager has already taken the sheet's rows back out.
		res.Status = bidui.FileFailed
		res.Err = ferr
		res.RowsLoaded, res.RowsSkipped, res.RowsRejected = 0, 0, 0
		res.MarkColumns = nil
		res.RowsRead = 0
		return false, nil
	case err != nil:
		return false, err
	}
	res.Status = bidui.FileLoaded
	return false, nil
}

// rowParser turns the data rows of a recognised sheet into records and rejects.
type rowParser struct {
	fc      *fileContext
	sheet   *sheetSource
	hm      *headerMatch
	res     *Result
	sink    sink
	info    *sheetInfo
	finish  func(rec record)
	extraK  []string // per column beyond the header too: the key of its cells in extra (extraKeys)
	idCol   int      // the person's ID column, -1 when none
	hasList map[string]bool
	blanks  int64 // blank rows not yet counted: they count only when a row with data follows
	// headerRows are the header row as written and the row above it, normalised (see isHeaderAgain).
	headerRows [][]string
	// marks follows the yes/no columns (nil when the sheet has none); held are the rows that wait until
	// each of them is known to be a column of marks or not.
	marks *markColumns
	held  []heldRow
}

// A heldRow is a normalised row and its rejects, not yet handed to the sink.
type heldRow struct {
	rec     record
	rejects []rejectRow
}

func newRowParser(fc *fileContext, sh *sheetSource, hm *headerMatch, res *Result) *rowParser {
	p := &rowParser{fc: fc, sheet: sh, hm: hm, res: res, idCol: -1, hasList: map[string]bool{}}
	has := map[string]bool{}
	for i, f := range hm.cols {
		if f == nil {
			continue
		}
		has[f.name] = true
		switch f.typ {
		case typeRisk:
			p.hasList["risks"] = true
		case typeMeasure:
			p.hasList["measures"] = true
		case typeID:
			if f.name == "id_number" {
				p.idCol = i
			}
		}
	}
	p.info = &sheetInfo{sha12: fc.sha12, sheet: sh.name, has: has, columns: hm.found}
	if hm.spec.newFinisher != nil {
		p.finish = hm.spec.newFinisher(p.info)
	}
	p.extraK = extraKeys(hm)
	p.marks = newMarkColumns(hm)
	return p
}

// row handles one data row: skipped, rejected whole, or loaded with a reject per unreadable value.
func (p *rowParser) row(cells []string, rowNo int) error {
	if blank(cells) {
		p.blanks++
		return nil
	}
	p.res.RowsRead += p.blanks + 1
	p.res.RowsSkipped += p.blanks
	p.blanks = 0
	if p.isTotal(cells) || isFooter(cells) || p.isHeaderAgain(cells) || isTitle(cells) {
		p.res.RowsSkipped++
		return nil
	}
	if p.sheet.strictWidth && !p.widthOK(cells) {
		return p.rejectRow(cells, rowNo, ReasonWrongColumnCount)
	}
	rec := record{}
	var rejects []rejectRow
	bad := func(i int, f *field, raw, reason string) {
		rejects = append(rejects, rejectRow{sheet: p.sheet.name, rowNo: rowNo, column: p.hm.seen[i], field: f.name,
			value: raw, reason: reason})
	}
	for l := range p.hasList {
		rec[l] = []any{}
	}
	for i, f := range p.hm.cols {
		if f == nil {
			continue
		}
		raw, reason := p.cellValue(cells, i)
		if reason != "" {
			bad(i, f, raw, reason)
			continue
		}
		p.normalize(rec, i, f, raw, bad)
	}
	for _, f := range p.hm.spec.fields {
		if _, set := rec[f.name]; !set && f.def != "" {
			if _, rejected := p.rejected(rejects, f.name); !rejected {
				rec[f.name] = f.def
			}
		}
	}
	if !p.hasKey(rec) {
		if p.isTemplate(cells) {
			p.res.RowsSkipped++ // an empty row of a form: only its 序号, or a place merged down over it
			return nil
		}
		return p.rejectRow(cells, rowNo, ReasonNoPersonKey)
	}
	if extra := p.extra(cells); extra != "" {
		// The appender JSON-encodes what it is given for a JSON column: a string would be stored as a JSON
		// string, a RawMessage is stored as the object it is.
		rec["extra"] = json.RawMessage(extra)
	}
	rec["sheet"] = p.sheet.name
	rec["row_no"] = int32(rowNo)
	if p.finish != nil {
		p.info.rowNo = rowNo
		p.info.rejects = nil
		p.finish(rec)
		rejects = append(rejects, p.info.rejects...)
	}
	p.res.RowsLoaded++
	if !p.marks.settled() {
		p.held = append(p.held, heldRow{rec, rejects})
		return nil
	}
	// Every yes/no column has an answer other than a mark: none is a column of marks.
	if err := p.release(nil); err != nil {
		return err
	}
	return p.write(rec, rejects)
}

// end completes the sheet: the rows still held get the verdict on the yes/no columns, which the Result
// reports too.
func (p *rowParser) end() error {
	marked := p.marks.marked()
	p.res.MarkColumns = marked
	return p.release(marked)
}

// release writes the held rows, in file order, reading a blank in each of the columns of marks as no.
func (p *rowParser) release(marked []string) error {
	for _, h := range p.held {
		blankIsNo(h.rec, h.rejects, marked)
		if err := p.write(h.rec, h.rejects); err != nil {
			return err
		}
	}
	p.held = nil
	return nil
}

// write hands a row and its rejects to the sink.
func (p *rowParser) write(rec record, rejects []rejectRow) error {
	if err := p.sink.put(rec); err != nil {
		return &sinkError{err}
	}
	for _, r := range rejects {
		if err := p.sink.reject(r); err != nil {
			return &sinkError{err}
		}
	}
	return nil
}

func (p *rowParser) rejected(rejects []rejectRow, name string) (rejectRow, bool) {
	for _, r := range rejects {
		if r.field == name {
			return r, true
		}
	}
	return rejectRow{}, false
}

func (p *rowParser) hasKey(rec record) bool {
	for _, k := range p.hm.spec.keys {
		if v, _ := rec[k].(string); v != "" {
			return true
		}
	}
	return false
}

func (p *rowParser) rejectRow(cells []string, rowNo int, reason string) error {
	p.res.RowsRejected++
	var parts []string
	for _, c := range cells {
		if c = cleanText(c); c != "" {
			parts = append(parts, c)
		}
	}
	value := strings.Join(parts, " | ")
	if r := []rune(value); len(r) > 200 {
		value = string(r[:200]) + "…"
	}
	if err := p.sink.reject(rejectRow{sheet: p.sheet.name, rowNo: rowNo, value: value, reason: reason}); err != nil {
		return &sinkError{err}
	}
	return nil
}
