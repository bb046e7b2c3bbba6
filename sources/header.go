package sources

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bidui/bidui"
	"github.com/xuri/excelize/v2"
)

// headerScanRows is how many rows at the top of a sheet may hold title lines and the header.
const headerScanRows = 20

// A headerCandidate is one way of reading a header cell: as it stands, or joined with the label above it
// when the header has two levels.
type headerCandidate struct {
	norm string // compared with the kind's headers
	seen string // shown to people: the header as the file has it
}

// headerCell is a column's header, with its readings in the order they are tried.
type headerCell []headerCandidate

// headerMatch is the header row of a sheet and what each of its columns holds.
type headerMatch struct {
	spec  *kindSpec
	index int // index of the (last) header row among the scanned rows
	cells []headerCell
	cols  []*field // per column: the field it fills, nil for extra
	seen  []string // per column: the header as seen, for Columns, rejects and extra
	found map[string]string
	score int
	// exclusive counts the required fields whose header no other kind knows (供养方式 for 特困): the
	// strongest evidence of a kind, ranked before score.
	exclusive int
	width     int // columns up to the last non-empty header cell
	// twins maps a field's column to the later columns with the same header, which are kept in extra: when
	// they disagree, the field's value is rejected (which of them is right, the file does not say).
	twins map[int][]int
	// refused is why the kind refuses the header although it matches (kindSpec.refuse); "" when it does not.
	refused string
}

// flattenHeader reads row as a header, with parent as the row above it when the two form a two-level header
// (a parent label such as 致贫/返贫风险 merged over child labels; columns without children span both rows).
func flattenHeader(parent, row []string) []headerCell {
	n := len(row)
	if len(parent) > n {
		n = len(parent)
	}
	child := make([]string, n)
	copy(child, row)
	for i := range child {
		child[i] = cleanText(child[i])
	}
	var above []string
	if parent != nil && isParentRow(parent, child) {
		above = carryParent(parent, child)
	}
	// A child label that occurs twice (姓名 under both 户主 and 成员) is ambiguous on its own; notHead counts
	// its occurrences under a parent that is not about the head of household.
	count, notHead := map[string]int{}, map[string]int{}
	for i, c := range child {
		if c != "" {
			count[normalizeHeader(c)]++
			if above == nil || !headParent(above[i]) {
				notHead[normalizeHeader(c)]++
			}
		}
	}
	cells := make([]headerCell, n)
	for i, c := range child {
		p := ""
		if above != nil {
			p = above[i]
		}
		switch {
		case c == "" && p == "":
		case c == "":
			cells[i] = headerCell{{normalizeHeader(p), p}}
		case p == "" || normalizeHeader(p) == normalizeHeader(c):
			cells[i] = headerCell{{normalizeHeader(c), c}}
		default:
			joined := headerCandidate{normalizeHeader(p + c), p + "/" + c}
			slashed := headerCandidate{normalizeHeader(p + "/" + c), p + "/" + c}
			alone := headerCandidate{normalizeHeader(c), c}
			// 户主信息 over 姓名 is 户主姓名, 成员信息 over 身份证号 is 成员身份证号: tried first, since only a
			// kind with such a header takes it.
			var cell headerCell
			if stem := parentStem(p); stem != p {
				cell = append(cell, headerCandidate{normalizeHeader(stem + c), p + "/" + c})
			}
			if count[normalizeHeader(c)] > 1 {
				cell = append(cell, joined, slashed)
				// 姓名 under 户主信息 is the head's name, never the person's: a kind without head columns
				// (gs) takes 姓名 from under 成员信息 instead. Under two other parents (总费用 under both 住院
				// and 门诊) it is neither's: the cell is read as parent/child or kept in extra.
				if !headParent(p) && notHead[normalizeHeader(c)] == 1 {
					cell = append(cell, headerCandidate{alone.norm, slashed.seen})
				}
			} else {
				cell = append(cell, alone, joined, slashed)
			}
			cells[i] = cell
		}
		cells[i] = withBareCandidates(cells[i])
	}
	return cells
}

// headParent tells a parent header about the head of household (户主信息) or the applicant (申请人信息, who is
// the head on a roster): the 姓名 under it is not the person's.
func headParent(p string) bool {
	n := normalizeHeader(p)
	return strings.Contains(n, "户主") || strings.Contains(n, "申请人")
}

// withBareCandidates adds, after a cell's readings, each reading without the notes that templates put
// around a header: 身份证号码（必填）, ★姓名, 证件号码[18位], 出生日期(格式：2023-05-12). They are tried last, so a
// header that is an alias as it stands (县(市、区)) keeps that meaning.
func withBareCandidates(cell headerCell) headerCell {
	for _, c := range cell {
		if bare := bareHeader(c.norm); bare != c.norm && bare != "" {
			cell = append(cell, headerCandidate{bare, c.seen})
		}
	}
	return cell
}

// bareHeader strips a normalised header of leading and trailing marks (★ ※ # △ ▲ ● * ✱) and of a trailing
// bracketed note.
func bareHeader(h string) string {
	const marks = "★☆※#△▲●*✱"
	for {
		before := h
		h = strings.Trim(h, marks)
		for _, br := range [][2]string{{"(", ")"}, {"（", "）"}, {"[", "]"}, {"【", "】"}, {"<", ">"}, {"〔", "〕"}} {
			if strings.HasSuffix(h, br[1]) {
				if i := strings.LastIndex(h, br[0]); i > 0 {
					h = h[:i]
				}
			}
		}
		if h == before {
			return h
		}
	}
}

// parentStem is a parent label without the word that only says it is a group: 户主信息 -> 户主.
func parentStem(p string) string {
	n := normalizeHeader(p)
	for _, suffix := range []string{"基本信息", "基本情况", "信息", "情况", "资料"} {
		if stem, ok := strings.CutSuffix(n, suffix); ok && stem != "" {
			return stem
		}
	}
	return p
}

// isParentRow tells a parent header row from a title or 制表 line: it has at least two different labels, none
// of them a "key：value" line, and at least one column whose label spans both rows.
func isParentRow(parent, child []string) bool {
	labels := map[string]bool{}
	spans := false
	for i, p := range parent {
		p = normalizeHeader(p)
		if p == "" {
			continue
		}
		if strings.ContainsAny(p, ":：") {
			return false
		}
		labels[p] = true
		if i >= len(child) || child[i] == "" || normalizeHeader(child[i]) == p {
			spans = true
		}
	}
	return len(labels) >= 2 && spans
}

// carryParent spreads each parent label to the right over the children it was merged above: in a file, a
// merged cell only holds its value in its first column.
func carryParent(parent, child []string) []string {
	above := make([]string, len(child))
	for i := range child {
		if i < len(parent) {
			above[i] = cleanText(parent[i])
		}
		if above[i] == "" && i > 0 && child[i] != "" && child[i-1] != "" {
			above[i] = above[i-1]
		}
	}
	return above
}

// matchHeader maps the columns of a header to the fields of spec. It returns nil when the header lacks a
// required field.
func matchHeader(spec *kindSpec, index map[string]*field, cells []headerCell) *headerMatch {
	m := &headerMatch{spec: spec, cells: cells, cols: make([]*field, len(cells)), seen: make([]string, len(cells)),
		found: map[string]string{}}
	for i, cell := range cells {
		if len(cell) == 0 {
			continue
		}
		m.width = i + 1
		m.seen[i] = cell[0].seen
		for _, cand := range cell {
			f := index[cand.norm]
			if f == nil {
				continue
			}
			if _, taken := m.found[f.name]; taken {
				// A second column for the same field is kept in extra.
				if j := m.column(f); j >= 0 && normalizeHeader(m.seen[j]) == normalizeHeader(cand.seen) {
					if m.twins == nil {
						m.twins = map[int][]int{}
					}
					m.twins[j] = append(m.twins[j], i)
				}
				break
			}
			m.cols[i] = f
			m.seen[i] = cand.seen
			m.found[f.name] = cand.seen
			if f.required && len(headerKinds[cand.norm]) == 1 {
				m.exclusive++
			}
			break
		}
	}
	for _, f := range spec.fields {
		if _, ok := m.found[f.name]; f.required && !ok {
			return nil
		}
	}
	if spec.refuse != nil {
		m.refused = spec.refuse(m.found)
	}
	// A village's returned workbook whose 编号 column was deleted or renamed still has 户编号, 姓名 and 证件号码:
	// it must not load as department data, whose rules would then raise findings from it.
	if spec.kind != bidui.KindVerification && m.has(resultHeader) {
		return nil
	}
	for _, group := range spec.anyOf {
		if !slices.ContainsFunc(group, func(name string) bool { _, ok := m.found[name]; return ok }) {
			return nil
		}
	}
	m.score = len(m.found)
	return m
}

// column returns the column that fills f, or -1.
func (m *headerMatch) column(f *field) int {
	for j, g := range m.cols {
		if g == f {
			return j
		}
	}
	return -1
}

// resultHeader is the 核实结果 column of bidui's own village workbooks.
var resultHeader = normalizeHeader("核实结果")

// has tells whether some column of the header reads as h (normalised), whichever field it maps to.
func (m *headerMatch) has(h string) bool {
	for _, cell := range m.cells {
		for _, c := range cell {
			if c.norm == h || bareHeader(c.norm) == h {
				return true
			}
		}
	}
	return false
}

var kindIndexes = func() []map[string]*field {
	idx := make([]map[string]*field, len(kinds))
	for i, k := range kinds {
		idx[i] = k.headerIndex()
	}
	return idx
}()

// headerKinds says, per normalised header, how many kinds know it.
var headerKinds = func() map[string][]bidui.Kind {
	out := map[string][]bidui.Kind{}
	for i, idx := range kindIndexes {
		for h := range idx {
			out[h] = append(out[h], kinds[i].kind)
		}
	}
	return out
}()

// rank orders two header matches: more exclusive required headers first, then more columns mapped.
func rank(a, b *headerMatch) int {
	if a.exclusive != b.exclusive {
		return a.exclusive - b.exclusive
	}
	return a.score - b.score
}

// detectHeader finds the header row among the first rows of a sheet and the kind it belongs to. Among rows
// and kinds whose required headers are all present, the one with the most required headers that only its
// kind knows wins, then the one that maps the most columns; for one kind, the first such row, or the row
// right under it when the two match equally (the last row of a two-level header, whose merged cells repeat
// the labels above). A header repeated further down (a second village's block) is a data row to skip. It returns a nil match and a nil error when no
// row holds any kind's required headers, and an error when two kinds match equally well.
func detectHeader(rows [][]string) (*headerMatch, error) {
	var best *headerMatch
	var rival *headerMatch
	var refused *headerMatch // the first match a kind refused, reported when no kind takes the sheet
	for r, row := range rows {
		if blank(row) {
			continue
		}
		var parent []string
		if r > 0 {
			parent = rows[r-1]
		}
		cells := flattenHeader(parent, row)
		var matches []*headerMatch
		for k, spec := range kinds {
			if m := matchHeader(spec, kindIndexes[k], cells); m != nil {
				m.index = r
				matches = append(matches, m)
			}
		}
		for _, m := range matches {
			if m.refused != "" || yields(m, matches) {
				if refused == nil && m.refused != "" {
					refused = m
				}
				continue
			}
			switch {
			case best == nil || rank(m, best) > 0:
				best, rival = m, nil
			case rank(m, best) == 0 && m.spec == best.spec:
				if r == best.index+1 {
					best = m
				}
			case rank(m, best) == 0:
				rival = m
			}
		}
	}
	if rival != nil && rival.spec != best.spec {
		return nil, fmt.Errorf("%w: headers match both %s and %s equally (%d columns each)",
			ErrAmbiguousKind, rival.spec.kind, best.spec.kind, best.score)
	}
	if best == nil {
		return refused, nil
	}
	return best, nil
}

// yields tells whether m gives its header row up to another kind that matched the same row: a kind m
// yields to (kindSpec.yieldsTo) that reads a column m's kind does not know; or a kind that yields to m's
// kind and that reads every column m reads (a 公安 list of 姓名, 身份证号, 注销日期, 注销原因 is a death list).
func yields(m *headerMatch, matches []*headerMatch) bool {
	for _, o := range matches {
		if o == m || o.refused != "" {
			continue
		}
		if slices.Contains(m.spec.yieldsTo, o.spec.kind) && readsMore(o, m) {
			return true
		}
		if slices.Contains(o.spec.yieldsTo, m.spec.kind) && !readsMore(m, o) {
			return true
		}
	}
	return false
}

// readsMore tells whether a maps a column of the header that b leaves unmapped.
func readsMore(a, b *headerMatch) bool {
	for i, f := range a.cols {
		if f != nil && b.cols[i] == nil {
			return true
		}
	}
	return false
}

// headersSeen returns the non-empty cells of the most header-like row: the one with the most known headers
// of any kind, else the one with the most text cells.
func headersSeen(rows [][]string) []string {
	bestRow, bestKnown, bestText := -1, 0, 0
	for r, row := range rows {
		known, texts := 0, 0
		for _, c := range row {
			n := normalizeHeader(c)
			if n == "" {
				continue
			}
			if !isNumberLike(n) {
				texts++
			}
			for _, idx := range kindIndexes {
				if idx[n] != nil {
					known++
					break
				}
			}
		}
		if known > bestKnown || (known == bestKnown && texts > bestText) {
			bestRow, bestKnown, bestText = r, known, texts
		}
	}
	if bestRow < 0 {
		return nil
	}
	var out []string
	for _, c := range rows[bestRow] {
		if c = cleanText(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func isNumberLike(s string) bool {
	return strings.Trim(s, "0123456789.-/:E+") == ""
}

func blank(row []string) bool {
	for _, c := range row {
		if cleanText(c) != "" {
			return false
		}
	}
	return true
}

// columnName is a column's spreadsheet letter (A, B, …, AA), which people use to find a cell.
func columnName(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return fmt.Sprint(i + 1)
	}
	return name
}
