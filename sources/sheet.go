package sources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/bidui/bidui"
)

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
	if hm == nil {
		res.Status = bidui.FileUnrecognised
		res.HeadersSeen = headersSeen(top)
		what := "none of its first %d rows holds the required headers of any source kind"
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
		return nil
	})
	var ferr *FileError
	switch {
	case errors.As(err, &ferr):
		// The stager has already taken the sheet's rows back out.
		res.Status = bidui.FileFailed
		res.Err = ferr
		res.RowsLoaded, res.RowsSkipped, res.RowsRejected = 0, 0, 0
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
	extraK  []string // per column beyond the header too: the key of its cells in extra
	idCol   int      // the person's ID column, -1 when none
	hasList map[string]bool
	blanks  int64 // blank rows not yet counted: they count only when a row with data follows
	// headerRows are the header row as written and the row above it, normalised (see isHeaderAgain).
	headerRows [][]string
}

// normalizedRow returns a row's cells as normalizeHeader reads them.
func normalizedRow(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = normalizeHeader(c)
	}
	return out
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
	p.info = &sheetInfo{sha12: fc.sha12, sheet: sh.name, has: has}
	if hm.spec.newFinisher != nil {
		p.finish = hm.spec.newFinisher(p.info)
	}
	// Keys of extra: the header as seen; a header that occurs twice, or a column without a header, is told
	// apart by its spreadsheet column letter.
	count := map[string]int{}
	for i := range hm.cols {
		if hm.seen[i] != "" {
			count[hm.seen[i]]++
		}
	}
	p.extraK = make([]string, len(hm.cols))
	for i, f := range hm.cols {
		switch {
		case f != nil:
		case hm.seen[i] == "":
			p.extraK[i] = "列" + columnName(i)
		case count[hm.seen[i]] > 1:
			p.extraK[i] = hm.seen[i] + "(列" + columnName(i) + ")"
		default:
			p.extraK[i] = hm.seen[i]
		}
	}
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
		p.finish(rec)
	}
	if err := p.sink.put(rec); err != nil {
		return &sinkError{err}
	}
	for _, r := range rejects {
		if err := p.sink.reject(r); err != nil {
			return &sinkError{err}
		}
	}
	p.res.RowsLoaded++
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

// normalize sets the staging columns that column i fills.
func (p *rowParser) normalize(rec record, i int, f *field, raw string, bad func(int, *field, string, string)) {
	trimmed := cleanText(raw)
	switch f.typ {
	case typeText:
		if v := cleanText(unwrapExcelText(trimmed)); v != "" {
			if up := strings.ToUpper(squeeze(fold(v))); codeField(f.name) && scientific.MatchString(up) {
				exact, ok := expandScientific(up)
				if !ok {
					bad(i, f, trimmed, ReasonIDExcelRounded)
					return
				}
				v = exact
			}
			rec[f.name] = v
		}
	case typeID:
		if trimmed == "" {
			return
		}
		rec[f.rawCol] = trimmed
		v, reason := normalizeID(trimmed)
		if reason != "" {
			bad(i, f, trimmed, reason)
		} else if v != "" {
			rec[f.name] = v
		}
	case typeDate:
		t, precision, ok := parseDate(trimmed)
		switch {
		case !ok:
			bad(i, f, trimmed, ReasonBadDate)
		case precision != "":
			rec[f.name] = t
			rec[f.name+"_precision"] = precision
		}
	case typeBool:
		v, set, ok := parseBool(trimmed)
		if !ok {
			bad(i, f, trimmed, ReasonBadBool)
		} else if set {
			rec[f.name] = v
		}
		// A column answered with marks only (√ and ×, or blank) reads a blank as no; one 是/否 in it and its
		// blanks stay unknown.
		if ok && set {
			if p.res.checkMarked == nil {
				p.res.checkMarked = map[string]bool{}
			}
			p.res.checkMarked[f.name] = p.res.checkMarked[f.name] || (v && checkMark(trimmed))
			if !checkMark(trimmed) {
				if p.res.notMarks == nil {
					p.res.notMarks = map[string]bool{}
				}
				p.res.notMarks[f.name] = true
			}
		}
	case typeNumber:
		v, set, ok := parseNumber(trimmed)
		if !ok {
			bad(i, f, trimmed, ReasonBadNumber)
		} else if set {
			rec[f.name] = v
		}
	case typeInteger:
		v, set, ok := parseInteger(trimmed)
		if !ok {
			bad(i, f, trimmed, ReasonBadInteger)
		} else if set {
			rec[f.name] = v
		}
	case typeYear:
		v, set, ok := parseYear(trimmed)
		if !ok {
			bad(i, f, trimmed, ReasonBadYear)
		} else if set {
			rec[f.name] = v
		}
	case typeEnum:
		v, set, ok := f.enum.lookup(trimmed)
		if !ok {
			bad(i, f, trimmed, ReasonBadEnum)
		} else if set {
			rec[f.name] = v
		}
	case typeRisk:
		list := rec["risks"].([]any)
		for _, r := range splitRisks(fold(trimmed)) {
			if !containsAny(list, r) {
				list = append(list, r)
			}
		}
		rec["risks"] = list
	case typeMeasure:
		if trimmed != "" {
			rec["measures"] = append(rec["measures"].([]any), map[string]any{"category": f.category, "text": trimmed})
		}
	}
}

// codeField: household and person numbers are long digit strings that Excel rounds like IDs.
func codeField(name string) bool { return name == "household_no" || name == "person_no" }

func containsAny(list []any, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (p *rowParser) hasKey(rec record) bool {
	for _, k := range p.hm.spec.keys {
		if v, _ := rec[k].(string); v != "" {
			return true
		}
	}
	return false
}

// isTotal recognises a 合计/总计/小计 row: the word opens one of the row's first cells with text, or stands
// anywhere in a row without an ID (a person's row may mention 合计 in a remark).
func (p *rowParser) isTotal(cells []string) bool {
	seen := 0
	for _, c := range cells {
		if cleanText(c) == "" {
			continue
		}
		seen++
		if !strings.Contains(c, "计") {
			continue // most cells: no need to normalise them
		}
		n := normalizeHeader(c)
		if strings.HasPrefix(n, "合计") || strings.HasPrefix(n, "总计") || strings.HasPrefix(n, "小计") {
			if seen <= 3 {
				return true
			}
			if p.idCol < 0 || p.idCol >= len(cells) || strings.IndexFunc(cells[p.idCol], func(r rune) bool { return r >= '0' && r <= '9' }) < 0 {
				return true
			}
		}
	}
	return false
}

// isHeaderAgain recognises the header repeated below the data, as a file made of several blocks (one per
// village, each under its own title and header) has it: the row repeats the header row as written, or the
// parent row of a two-level header, in at least two cells and every non-empty one; or at least two cells,
// and every cell that lies under a read column, are headers of that column's field.
func (p *rowParser) isHeaderAgain(cells []string) bool {
	for _, h := range p.headerRows {
		same, differ := 0, false
		for i, c := range cells {
			n := normalizeHeader(c)
			if n == "" {
				continue
			}
			if i >= len(h) || h[i] != n {
				differ = true
				break
			}
			same++
		}
		if !differ && same >= 2 {
			return true
		}
	}
	same := 0
	for i, c := range cells {
		if cleanText(c) == "" || i >= len(p.hm.cols) || p.hm.cols[i] == nil {
			continue
		}
		n := bareHeader(normalizeHeader(c))
		if !slices.ContainsFunc(p.hm.cols[i].headers, func(h string) bool { return bareHeader(normalizeHeader(h)) == n }) &&
			n != bareHeader(normalizeHeader(p.hm.seen[i])) {
			return false
		}
		same++
	}
	return same >= 2
}

// titleWords end the title of a table: 某村农村低保名册, 二村研判台账.
var titleWords = []string{"名册", "花名册", "台账", "统计表", "明细表", "一览表", "汇总表", "信息表", "登记表", "清单", "名单"}

// isTitle recognises a table's title line between blocks of data: one text (a title merged across the row
// repeats it) that ends with a table word and holds no long run of digits.
func isTitle(cells []string) bool {
	text := ""
	for _, c := range cells {
		if c = cleanText(c); c == "" || c == text {
			continue
		}
		if text != "" {
			return false
		}
		text = c
	}
	if digitRun(text) >= 6 {
		return false
	}
	t := bareHeader(normalizeHeader(text))
	return slices.ContainsFunc(titleWords, func(w string) bool { return strings.HasSuffix(t, w) })
}

// isTemplate recognises an empty row of a form that was numbered or filled down in advance: every cell with
// text is either in a column no field reads and holds a small whole number (a 序号 dragged down), or names a
// place (county, town, village: a merged area reaching over the empty rows).
func (p *rowParser) isTemplate(cells []string) bool {
	for i, c := range cells {
		c = cleanText(c)
		if c == "" {
			continue
		}
		var f *field
		if i < len(p.hm.cols) {
			f = p.hm.cols[i]
		}
		switch {
		case f == nil && isDigits(fold(c)) && len(c) <= 6:
		case f != nil && (f.name == "county" || f.name == "town" || f.name == "village"):
		default:
			return false
		}
	}
	return true
}

// footerLabels open the lines that forms put under their data: who made and checked the table, when, and
// notes.
var footerLabels = []string{"制表人", "制表", "填表人", "填表", "填报人", "审核人", "审核", "负责人", "单位负责人", "分管领导",
	"经办人", "统计人", "联系人", "联系电话", "电话", "制表单位", "填报单位", "制表日期", "填报日期", "制表时间", "打印日期",
	"打印时间", "打印人", "导出时间", "导出人", "日期", "注", "备注", "说明", "填表说明", "填报说明"}

// footerNumbered is a numbered note line: 1、本表由村两委填写。
var footerNumbered = regexp.MustCompile(`^[0-9]{1,2}[、.．)）]\D`)

// isFooter recognises such a line: at most four different texts in its cells (a footer merged across the
// row repeats one), none holding a long run of digits (an ID or a household number), the first a footer
// label followed by a colon or standing alone, a numbered note, or a 盖章 (seal) line.
func isFooter(cells []string) bool {
	// The first cell with text decides whether the row can be a footer at all: most rows are people, and
	// this is all they cost.
	first := ""
	for _, c := range cells {
		if c = cleanText(c); c != "" {
			first = c
			break
		}
	}
	// Every footer starts with a label, a digit or a place name before 盖章: a row of people starts with a
	// county, a name or a number, which footerStart rules out cheaply only after normalising, so the common
	// case (no colon and no 盖章/签 in the cell, not a numbered note) is settled here first.
	if first == "" || (!strings.ContainsAny(first, ":：、.．)）章签") && !slices.Contains(footerLabels, first)) {
		return false
	}
	first = normalizeHeader(first)
	if !footerStart(first) {
		return false
	}
	var texts []string
	for _, c := range cells {
		c = cleanText(c)
		if c == "" || slices.Contains(texts, c) {
			continue
		}
		if len(texts) == 4 || digitRun(c) >= 15 {
			return false
		}
		texts = append(texts, c)
	}
	return true
}

// footerStart tells whether a row's first text opens a footer line.
func footerStart(first string) bool {
	if footerNumbered.MatchString(first) && len([]rune(first)) >= 6 {
		return true
	}
	if strings.Contains(first, "盖章") || strings.Contains(first, "签字") || strings.Contains(first, "签名") {
		return true
	}
	for _, l := range footerLabels {
		if rest, ok := strings.CutPrefix(first, l); ok && (rest == "" || strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "：")) {
			return true
		}
	}
	return false
}

// digitRun is the length of the longest run of ASCII digits in s.
func digitRun(s string) int {
	longest, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	return longest
}

// widthOK: a CSV record may not hold text beyond the header's last column, where it would be a value
// shifted out of its column (an unquoted separator inside a field). A record may be shorter than the header:
// Excel leaves the separators of empty trailing cells out of some rows of the CSV it saves.
func (p *rowParser) widthOK(cells []string) bool {
	if len(cells) <= p.hm.width {
		return true
	}
	for _, c := range cells[p.hm.width:] {
		if cleanText(c) != "" {
			return false
		}
	}
	return true
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

// extra returns the non-empty cells of the columns no field takes, as a JSON object in column order.
func (p *rowParser) extra(cells []string) string {
	var b strings.Builder
	for i, c := range cells {
		if i < len(p.hm.cols) && p.hm.cols[i] != nil {
			continue
		}
		if c = cleanText(c); c == "" {
			continue
		}
		key := "列" + columnName(i)
		if i < len(p.extraK) {
			key = p.extraK[i]
		}
		if b.Len() == 0 {
			b.WriteByte('{')
		} else {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		v, _ := json.Marshal(c)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	if b.Len() == 0 {
		return ""
	}
	b.WriteByte('}')
	return b.String()
}
