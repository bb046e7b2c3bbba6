package sources

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bidui/bidui"
)

// fieldType says how a cell is normalised and which staging columns it fills.
type fieldType int

const (
	typeText    fieldType = iota // VARCHAR, trimmed
	typeID                       // <name>_raw (or id_raw) VARCHAR + <name> VARCHAR, see normalizeID
	typeDate                     // DATE + <name>_precision
	typeBool                     // BOOLEAN
	typeNumber                   // DOUBLE
	typeInteger                  // INTEGER
	typeYear                     // INTEGER: a year, also from a date (a date cell's serial, 2016-01-01)
	typeEnum                     // VARCHAR from an enumeration
	typeRisk                     // one or more elements of the VARCHAR[] column risks
	typeMeasure                  // one element of the STRUCT(category, text)[] column measures
	typeCustom                   // the field's own parser (parse): a kind's vocabulary no other kind shares
)

// A field is one canonical column of a source kind and the headers that name it in department files.
type field struct {
	name     string   // canonical name; the staging column it fills (see fieldType for the exceptions)
	headers  []string // as spec/sources.md lists them: canonical header first, then aliases
	required bool     // a sheet is of this kind only when it has every required field
	typ      fieldType
	enum     *enumeration // typeEnum only
	rawCol   string       // typeID only: the column that keeps the cell as found
	category string       // typeMeasure only: the measure's category as the contract names it
	def      string       // the value of a blank cell, or of a missing column (typeText, typeEnum)
	// parse reads a typeCustom cell: its value, set = false for a blank cell, and the reject reason of a
	// cell it cannot read ("" when it can).
	parse func(raw string) (v any, set bool, reason string)
}

// A kindSpec describes one source kind: its fields, which of them identify a person, and what is computed
// from a whole row after every field has been normalised.
type kindSpec struct {
	kind   bidui.Kind
	fields []field
	// keys are the fields of which at least one must be set for a row to be usable at all.
	keys []string
	// anyOf are groups of fields of which a sheet must have at least one each to be of this kind (the
	// contract's + columns), beside every required field.
	anyOf [][]string
	// outputs are the staging columns the kind fills beyond its fields (computed ones).
	outputs []string
	// newFinisher returns the per-sheet hook that completes a normalised row (household keys, totals,
	// defaults). It may be nil.
	newFinisher func(s *sheetInfo) func(rec record)
	// person says how the kind's rows describe a person, for matching; nil for a kind whose rows name
	// something else (a returned workbook's rows name findings).
	person *personRows
	// yieldsTo are kinds that take a header row this kind matches too, when they read a column this kind
	// does not know (a 残联 or 人社 file has 注销日期 and 注销原因 as a death list has).
	yieldsTo []bidui.Kind
	// refuse says why a header that matches is still not of this kind ("" = it is): the sheet is then
	// reported with that reason and skipped, unless another kind takes it. It may be nil.
	refuse func(found map[string]string) string
}

// personRows says which staging columns of a kind matching reads (see PersonRowsView). Every person kind
// has the person's ID in id_number (normalised) and id_raw (as found); the other columns are named here, and
// "" means the kind has no such column.
type personRows struct {
	// name is the person's own name. It is "" for a kind whose row names nobody for certain: a 研判台账 row's
	// ID may be any member's while its name is the head's.
	name string
	// evidence is the name that may confirm a corrected ID when it agrees; "" means name.
	evidence string
	// The place: county, town, village and the 全国系统 household number.
	county, town, village, household string
	// birth is the birth date the source states (else matching reads the ID's date digits).
	birth string
	// group is a household the kind derives itself (the 低保 household): a row without an ID may be placed
	// among the 全国系统 household of its linked fellow members.
	group string
}

// sheetInfo is what a finisher may know about the sheet it completes rows of.
type sheetInfo struct {
	sha12 string          // first 12 hex digits of the file's SHA-256
	sheet string          // sheet name
	has   map[string]bool // fields the sheet has a column for
	rowNo int             // the spreadsheet row of the record being finished
	// columns maps a field to its header as seen; rejects collects what the finisher rejects in the
	// record being finished (see reject).
	columns map[string]string
	rejects []rejectRow
}

// reject records that the finisher could not make field of the current record out of value: a reject row
// (file, sheet, row, the field's column) like any unreadable cell's. The rest of the row still loads.
func (s *sheetInfo) reject(field, value, reason string) {
	s.rejects = append(s.rejects, rejectRow{sheet: s.sheet, rowNo: s.rowNo, column: s.columns[field], field: field,
		value: value, reason: reason})
}

// A record is one normalised row: staging column -> value (string, bool, float64, int32, time.Time, []string,
// []any); a missing column is NULL.
type record map[string]any

// kinds lists every kind the importer recognises, in bidui.Kinds order. Each kind's file adds its kind with
// register; nothing else lists them.
var kinds []*kindSpec

// register adds k to kinds, in bidui.Kinds order, and to the header indexes (header.go), and returns it. It
// is called from the initialiser of each kind's variable: Go initialises kindIndexes and headerKinds first,
// because register refers to them, so a kind registered here is never missed by them.
func register(k *kindSpec) *kindSpec {
	pos := slices.Index(bidui.Kinds, k.kind)
	if pos < 0 {
		panic(fmt.Sprintf("sources: kind %s is not in bidui.Kinds (call bidui.RegisterKind)", k.kind))
	}
	i := 0
	for i < len(kinds) && slices.Index(bidui.Kinds, kinds[i].kind) < pos {
		i++
	}
	idx := k.headerIndex()
	kinds = slices.Insert(kinds, i, k)
	kindIndexes = slices.Insert(kindIndexes, i, idx)
	for h := range idx {
		headerKinds[h] = append(headerKinds[h], k.kind)
	}
	return k
}

// text, id, date, … build fields; the alias lists come straight from the contract.
func text(name string, headers ...string) field { return field{name: name, headers: headers} }

func id(name, rawCol string, headers ...string) field {
	return field{name: name, headers: headers, typ: typeID, rawCol: rawCol}
}

func date(name string, headers ...string) field {
	return field{name: name, headers: headers, typ: typeDate}
}

func yesNo(name string, headers ...string) field {
	return field{name: name, headers: headers, typ: typeBool}
}

func number(name string, headers ...string) field {
	return field{name: name, headers: headers, typ: typeNumber}
}

func integer(name string, headers ...string) field {
	return field{name: name, headers: headers, typ: typeInteger}
}

func year(name string, headers ...string) field {
	return field{name: name, headers: headers, typ: typeYear}
}

func enumField(name string, e *enumeration, headers ...string) field {
	return field{name: name, headers: headers, typ: typeEnum, enum: e}
}

func custom(name string, parse func(string) (any, bool, string), headers ...string) field {
	return field{name: name, headers: headers, typ: typeCustom, parse: parse}
}

func required(f field) field { f.required = true; return f }

func withDefault(f field, v string) field { f.def = v; return f }

// columns returns the staging columns that the kind's rows fill, provenance and extra included.
func (k *kindSpec) columns() []string {
	cols := []string{"file_id", "sheet", "row_no"}
	seen := map[string]bool{}
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			cols = append(cols, c)
		}
	}
	for _, f := range k.fields {
		switch f.typ {
		case typeID:
			add(f.rawCol)
			add(f.name)
		case typeDate:
			add(f.name)
			add(f.name + "_precision")
		case typeRisk:
			add("risks")
		case typeMeasure:
			add("measures")
		default:
			add(f.name)
		}
	}
	for _, c := range k.outputs {
		add(c)
	}
	add("extra")
	return cols
}

// headerIndex maps every normalised header of the kind to its field.
func (k *kindSpec) headerIndex() map[string]*field {
	idx := map[string]*field{}
	for i := range k.fields {
		f := &k.fields[i]
		for _, h := range f.headers {
			n := normalizeHeader(h)
			if other, dup := idx[n]; dup && other != f {
				panic(fmt.Sprintf("sources: kind %s: header %q names both %s and %s", k.kind, h, other.name, f.name))
			}
			idx[n] = f
		}
	}
	return idx
}

// normalizeHeader is the form in which headers are compared: full-width folded, no white space inside, and
// without the * that templates put before required columns.
func normalizeHeader(h string) string {
	h = squeeze(fold(h))
	h = strings.Trim(h, "*")
	return h
}

// risks and measures of the 全国系统 are lists built from several columns.
func riskField(name string, headers ...string) field {
	return field{name: name, headers: headers, typ: typeRisk}
}

func measureField(category string) field {
	return field{name: "measures." + category, headers: []string{category}, typ: typeMeasure, category: category}
}

// splitRisks splits a risk cell on the separators offices use between several risks in one cell.
func splitRisks(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("、,，;；/", r) || isSpace(r)
	})
	return parts
}

// nameHints are the words in a file's name that say which kind a department meant it to be, most specific
// first: a 研判台账 name also says 监测, a returned 问题清单 also names the problems it lists.
var nameHints = []struct {
	kind  bidui.Kind
	words []string
}{
	{bidui.KindVerification, []string{"核实", "问题清单"}},
	{bidui.KindReview, []string{"研判"}},
	{bidui.KindTekun, []string{"特困"}},
	{bidui.KindDibao, []string{"低保"}},
	{bidui.KindMedical, []string{"医保", "参保", "医疗"}},
	{bidui.KindEducation, []string{"教育", "学籍", "学生", "在校"}},
	{bidui.KindGS, []string{"全国系统", "监测对象", "脱贫人口", "脱贫户", "基础表"}},
}

// KindFromName guesses a file's kind from its name alone, for a file whose content could not be read: its
// failure must still keep the rules that need that kind from running on the other files' partial data. It
// returns "" when the name says nothing, or names both 低保 and 特困.
func KindFromName(path string) bidui.Kind {
	name := fold(filepath.Base(path))
	for _, h := range nameHints {
		for _, w := range h.words {
			if !strings.Contains(name, w) {
				continue
			}
			if h.kind == bidui.KindTekun && strings.Contains(name, "低保") {
				return ""
			}
			return h.kind
		}
	}
	return ""
}

// PersonRowsView returns the statement that creates the view src_person_rows: every row of every kind whose
// rows describe a person, in the columns matching reads (kind, priority, file_id, row_no, id_raw, id_number,
// name, evidence_name, county, town, village, household_no, birth_date, household_key), a column the kind
// lacks being NULL. priority is the kind's position in bidui.Kinds: the earlier kind's name and place win
// where sources differ. The statement is built from the kind descriptions only (no value from a file), and
// is run after the migrations, which create the staging tables it reads.
func PersonRowsView() string {
	var b strings.Builder
	b.WriteString("CREATE OR REPLACE VIEW src_person_rows AS\n")
	n := 0
	for _, k := range kinds {
		p := k.person
		if p == nil {
			continue
		}
		if n > 0 {
			b.WriteString("UNION ALL\n")
		}
		evidence := p.evidence
		if evidence == "" {
			evidence = p.name
		}
		fmt.Fprintf(&b, "SELECT '%s' AS kind, %d AS priority, file_id, row_no, id_raw, id_number, %s AS name, %s AS evidence_name, "+
			"%s AS county, %s AS town, %s AS village, %s AS household_no, %s AS birth_date, %s AS household_key FROM %s\n",
			k.kind, slices.Index(bidui.Kinds, k.kind), orNull(p.name, "VARCHAR"), orNull(evidence, "VARCHAR"),
			orNull(p.county, "VARCHAR"), orNull(p.town, "VARCHAR"), orNull(p.village, "VARCHAR"), orNull(p.household, "VARCHAR"),
			orNull(p.birth, "DATE"), orNull(p.group, "VARCHAR"), k.kind.Table())
		n++
	}
	return b.String()
}

// orNull is column col, or a NULL of type typ when the kind has no such column.
func orNull(col, typ string) string {
	if col == "" {
		return "NULL::" + typ
	}
	return col
}
