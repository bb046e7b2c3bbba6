package sources

import (
	"slices"
	"strings"
)

// How each field type is normalised (normalize.go has the parsers), and the one rule that needs the whole
// column: in a yes/no column answered with marks only, a blank cell is a no.

// normalize sets the staging columns that column i fills.
func (p *rowParser) normalize(rec record, i int, f *field, raw string, bad func(int, *field, string, string)) {
	trimmed := cleanText(raw)
	// keep stores a value read from the cell: a cell that cannot be read is a reject, a blank one leaves the
	// field NULL.
	keep := func(v any, set, ok bool, reason string) {
		if !ok {
			bad(i, f, trimmed, reason)
		} else if set {
			rec[f.name] = v
		}
	}
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
		keep(v, set, ok, ReasonBadBool)
		if ok && set {
			p.marks.answer(f.name, v, checkMark(trimmed))
		}
	case typeNumber:
		v, set, ok := parseNumber(trimmed)
		keep(v, set, ok, ReasonBadNumber)
	case typeInteger:
		v, set, ok := parseInteger(trimmed)
		keep(v, set, ok, ReasonBadInteger)
	case typeYear:
		v, set, ok := parseYear(trimmed)
		keep(v, set, ok, ReasonBadYear)
	case typeEnum:
		v, set, ok := f.enum.lookup(trimmed)
		keep(v, set, ok, ReasonBadEnum)
	case typeRisk:
		list := rec["risks"].([]any)
		for _, r := range splitRisks(fold(trimmed)) {
			if !containsAny(list, r) {
				list = append(list, r)
			}
		}
		rec["risks"] = list
	case typeCustom:
		if v, set, reason := f.parse(trimmed); reason != "" {
			bad(i, f, trimmed, reason)
		} else if set {
			rec[f.name] = v
		}
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

// markColumns follows the yes/no columns of one sheet. A column answered with marks only (√ for yes, × for
// no, or blank) reads a blank cell as no (sources.md: √/blank); a column with any other answer (是, 否, 1)
// keeps its blanks unknown, and so does a cell that could not be read. Whether a column is one of marks is
// known for certain only when it has an answer other than a mark (then it is not), or at the end of the
// sheet: until every column is settled, the sheet's rows wait in the row parser (see rowParser.hold).
type markColumns struct {
	open    []string        // yes/no columns not yet settled: no answer other than a mark so far
	yesMark map[string]bool // columns with a √ (a column of × and blanks only says nothing)
}

// newMarkColumns returns the follower of the sheet's yes/no columns, or nil when it has none.
func newMarkColumns(hm *headerMatch) *markColumns {
	m := &markColumns{yesMark: map[string]bool{}}
	for _, f := range hm.cols {
		if f != nil && f.typ == typeBool && !slices.Contains(m.open, f.name) {
			m.open = append(m.open, f.name)
		}
	}
	if len(m.open) == 0 {
		return nil
	}
	return m
}

// answer notes a readable, non-blank answer v of column col; mark says whether it was written as a mark.
func (m *markColumns) answer(col string, v, mark bool) {
	if m == nil {
		return
	}
	if !mark {
		m.open = slices.DeleteFunc(m.open, func(c string) bool { return c == col })
		return
	}
	if v {
		m.yesMark[col] = true
	}
}

// settled tells whether no column may still turn out to be one of marks.
func (m *markColumns) settled() bool { return m == nil || len(m.open) == 0 }

// marked returns the columns of marks, at the end of the sheet: open and with a √.
func (m *markColumns) marked() []string {
	if m == nil {
		return nil
	}
	var cols []string
	for _, c := range m.open {
		if m.yesMark[c] {
			cols = append(cols, c)
		}
	}
	return cols
}

// blankIsNo sets each column of cols that rec leaves blank to false, unless the row's cell in it could not be
// read (a reject names it).
func blankIsNo(rec record, rejects []rejectRow, cols []string) {
	for _, c := range cols {
		if _, set := rec[c]; set || slices.ContainsFunc(rejects, func(r rejectRow) bool { return r.field == c }) {
			continue
		}
		rec[c] = false
	}
}
