// Package rules loads the rule catalogue (one SQL file per rule with a metadata header), runs the rules
// against the staging tables and links of a run's database, and keeps each finding's life across runs in
// findings_history.
//
// The header is spec/rules.md's (code, title, severity, level, needs, uses, action, basis), plus category
// (部门比对, 数据质量 or 研判程序; required) and four optional fields: national_code (the national 疑点数据
// numbers the rule covers, comma-separated), description (the exact condition in words; may repeat) and
// columns, the source columns the rule cannot judge without, e.g.
//
//	-- columns: gs.labour, gs.measures|gs.dev_support
//
// (each comma-separated group needs one of its |-separated alternatives). A rule whose kind was loaded
// without a required column is skipped with the reason, as one whose kind is missing: a column a department
// did not send must not raise findings by its absence.
//
// A rule that is a plain predicate over one row of an input view is an entry of the check table instead
// (sql/checks/*.toml, see LoadChecks): the same Rule, with Input, Where and Detail in place of a query. The
// runner compiles all the entries of one input into one scan.
package rules

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/bidui/bidui"
)

// A Rule is one check of the catalogue: its metadata header and its query. The query selects one row per
// finding with the columns subject, person_key, name, id_number, county, town, village, household_no and
// detail; the runner adds everything else.
type Rule struct {
	Code          string // e.g. DB-01, ZL-101
	Title         string
	Category      string   // 部门比对 | 数据质量 | 研判程序
	NationalCodes []string // the national 疑点数据 numbers the rule covers, e.g. 5_11_033; may be empty
	Severity      string   // high | medium | low
	Level         string   // person | household | row
	Needs         []bidui.Kind
	Uses          []bidui.Kind
	Action        string
	Basis         string
	Description   string   // the condition in words; the header's `description:` lines joined
	File          string   // the rule's file: XX-01_name.sql, or for a check checks file:line (kz.toml:12)
	SQL           string   // the query; for a check, the equivalent query of the entry run alone
	Params        []string // the named parameters ($name) the query uses

	// A check (an entry of the check table) has these instead of its own query: the input view it reads,
	// the SQL boolean over the view's columns that raises a finding (NULL raises none) and the SQL text
	// expression of the finding's detail. SQL is then the query of the entry run alone.
	Input  string
	Where  string
	Detail string

	// Requires are the source columns the rule cannot judge without (header `columns:`), each a set of
	// alternatives of which one is enough: `columns: gs.labour, gs.measures|gs.dev_support`. A rule whose
	// kind was loaded without any alternative of a group is skipped, like one whose kind is missing: a
	// column a department did not send must not raise findings by its absence.
	Requires [][]ColumnRef
}

// ColumnRef is one canonical column of one source kind, as sources names it (measures stands for any of
// the measures.* columns, risks for any risk_N).
type ColumnRef struct {
	Kind   bidui.Kind
	Column string
}

func (c ColumnRef) String() string { return string(c.Kind) + "." + c.Column }

// Parameters lists the named parameters a rule may use; config [policy] and the run supply them.
var Parameters = []string{
	"as_of", "monitoring_line", "new_assistance_since", "review_lead_days", "identify_days",
	"dibao_cancel_months", "self_pay_poverty", "self_pay_other", "elimination_min_months",
	"compulsory_age_min", "compulsory_age_max", "education_stages_covered",
	"preschool_max_age", "primary_age_min", "primary_age_max", "junior_age_min", "junior_age_max",
	"senior_age_min", "senior_age_max", "postgraduate_min_age", "higher_education_min_age",
	"low_education_age_min", "low_education_age_max", "yulu_lead_months", "labour_age_min", "labour_age_max",
	"tekun_age_min", "tekun_age_max", "medical_subsidy_from", "medical_subsidy_to",
	"work_income_range_min", "work_income_range_max", "welfare_post_age_min", "welfare_post_age_max",
	"welfare_posts_max", "work_open_months", "identify_income_max", "identify_income_months",
	"wage_income_floor", "lack_labour_share", "measure_lead_months", "farmland_area_max", "forest_area_max",
	"returned_farmland_area_max", "orchard_area_max", "pasture_area_max", "water_area_max", "road_distance_max",
	"death_grace_days", "benefit_grace_days", "severe_disability_grade", "new_certificate_since",
	"pension_age_min", "pension_age_max", "pension_check_year", "pension_subsidy_groups",
}

// Categories are the values of a rule's category: a department's data against the export, the export
// against itself, the review procedure.
var Categories = []string{"部门比对", "研判程序", "数据质量"}

// Columns are the columns every rule query must select.
var Columns = []string{"subject", "person_key", "name", "id_number", "county", "town", "village", "household_no", "detail"}

var (
	codePattern     = regexp.MustCompile(`^[A-Z]{2}-[0-9]{2,3}$`)
	nationalPattern = regexp.MustCompile(`^[0-9]+(_[0-9A-Za-z]+)+(-[0-9]+)?$`)
	paramPattern    = regexp.MustCompile(`\$([a-z_][a-z0-9_]*)`)
	severities      = map[string]bool{"high": true, "medium": true, "low": true}
	levels          = map[string]bool{"person": true, "household": true, "row": true}
	required        = []string{"code", "title", "category", "severity", "level", "needs", "action", "basis"}
	known           = map[string]bool{"code": true, "title": true, "category": true, "national_code": true,
		"severity": true, "level": true, "needs": true, "uses": true, "action": true, "basis": true,
		"description": true, "columns": true}
)

// ParseError is one problem of a rule file, at a line.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Load parses every *.sql file at the root of fsys. It reports every problem of every file, each as
// `file:line: message`, joined in one error; rules are returned sorted by code only when there is none.
func Load(fsys fs.FS) ([]Rule, error) {
	files, errs := readFiles(fsys, "*.sql")
	var rules []Rule
	byCode := map[string]string{}
	for _, f := range files {
		name := f.name
		r, err := Parse(name, f.src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if other, dup := byCode[r.Code]; dup {
			errs = append(errs, &ParseError{File: name, Line: 1, Msg: fmt.Sprintf("code %s already used by %s", r.Code, other)})
			continue
		}
		byCode[r.Code] = name
		rules = append(rules, r)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].Code < rules[j].Code })
	return rules, nil
}

type file struct {
	name string
	src  []byte
}

// readFiles reads the files of fsys whose names match pattern, in name order; errs are those it could not read.
func readFiles(fsys fs.FS, pattern string) (files []file, errs []error) {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, []error{err}
	}
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files = append(files, file{name, src})
	}
	return files, errs
}

// Parse reads one rule file: a header of `-- key: value` comment lines, then the query. Every problem is
// reported as a *ParseError (joined when there are several).
func Parse(file string, src []byte) (Rule, error) {
	r := Rule{File: file}
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &ParseError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	seen := map[string]int{}
	var body strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	line, inHeader := 0, true
	for sc.Scan() {
		line++
		text := sc.Text()
		if inHeader {
			trimmed := strings.TrimSpace(text)
			if trimmed == "" {
				continue
			}
			if strings.HasPrefix(trimmed, "--") {
				comment := strings.TrimSpace(strings.TrimPrefix(trimmed, "--"))
				key, value, ok := strings.Cut(comment, ":")
				key = strings.TrimSpace(key)
				if !ok || !isKey(key) {
					// A plain comment inside the header: allowed, but only after the code line.
					if len(seen) == 0 {
						fail(line, "rule file must start with `-- code: XX-NN`")
					}
					continue
				}
				if !known[key] {
					fail(line, "unknown header field %q", key)
					continue
				}
				value = stripNote(strings.TrimSpace(value))
				if _, dup := seen[key]; dup && key != "description" {
					fail(line, "field %q given twice (first on line %d)", key, seen[key])
					continue
				}
				seen[key] = line
				if err := r.set(key, value); err != nil {
					fail(line, "%s: %v", key, err)
				}
				continue
			}
			inHeader = false
		}
		body.WriteString(text)
		body.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		fail(line, "read: %v", err)
	}
	for _, key := range required {
		if _, ok := seen[key]; !ok {
			fail(1, "missing header field %q", key)
		}
	}
	if err := r.checkColumns(); err != nil {
		fail(lineOf(src, "-- columns:"), "%v", err)
	}
	r.SQL = strings.TrimSpace(body.String())
	if r.SQL == "" {
		fail(line, "no query after the header")
	}
	for _, err := range r.scanParams(r.SQL) {
		fail(lineOf(src, "$"+err.name), "%v", err)
	}
	if len(errs) > 0 {
		return Rule{}, errors.Join(errs...)
	}
	return r, nil
}

// checkColumns says whether every column the rule requires is of a kind it needs or uses.
func (r *Rule) checkColumns() error {
	var errs []error
	for _, group := range r.Requires {
		for _, c := range group {
			if !slices.Contains(r.Needs, c.Kind) && !slices.Contains(r.Uses, c.Kind) {
				errs = append(errs, fmt.Errorf("column %s: kind %s is neither in needs nor in uses", c, c.Kind))
			}
		}
	}
	return errors.Join(errs...)
}

// paramError is an unknown $name in a rule's SQL.
type paramError struct{ name string }

func (e paramError) Error() string {
	return fmt.Sprintf("unknown parameter $%s (known: %s)", e.name, strings.Join(Parameters, ", "))
}

// scanParams adds the named parameters of text to r.Params and returns the unknown ones.
func (r *Rule) scanParams(text string) []paramError {
	var bad []paramError
	for _, m := range paramPattern.FindAllStringSubmatch(text, -1) {
		name := m[1]
		if !contains(Parameters, name) {
			bad = append(bad, paramError{name})
			continue
		}
		if !contains(r.Params, name) {
			r.Params = append(r.Params, name)
		}
	}
	return bad
}

func (r *Rule) set(key, value string) error {
	if value == "" && key != "uses" && key != "description" && key != "national_code" {
		return errors.New("empty value")
	}
	switch key {
	case "code":
		if !codePattern.MatchString(value) {
			return fmt.Errorf("%q is not a rule code like DB-01", value)
		}
		r.Code = value
	case "title":
		r.Title = value
	case "category":
		if !slices.Contains(Categories, value) {
			return fmt.Errorf("%q is not one of %s", value, strings.Join(Categories, ", "))
		}
		r.Category = value
	case "national_code":
		for _, n := range strings.FieldsFunc(value, func(c rune) bool { return c == ',' || c == ' ' }) {
			if err := r.addNational(n); err != nil {
				return err
			}
		}
	case "severity":
		if !severities[value] {
			return fmt.Errorf("%q is not one of high, medium, low", value)
		}
		r.Severity = value
	case "level":
		if !levels[value] {
			return fmt.Errorf("%q is not one of person, household, row", value)
		}
		r.Level = value
	case "needs", "uses":
		kinds, err := parseKinds(value)
		if err != nil {
			return err
		}
		if key == "needs" {
			r.Needs = kinds
		} else {
			r.Uses = kinds
		}
	case "columns":
		for _, group := range strings.Split(value, ",") {
			var alts []ColumnRef
			for _, alt := range strings.Split(group, "|") {
				kind, col, ok := strings.Cut(strings.TrimSpace(alt), ".")
				if !ok || col == "" || !isKey(col) {
					return fmt.Errorf("%q is not a column like gs.labour", strings.TrimSpace(alt))
				}
				k, err := bidui.ParseKind(kind)
				if err != nil {
					return err
				}
				alts = append(alts, ColumnRef{Kind: k, Column: col})
			}
			r.Requires = append(r.Requires, alts)
		}
	case "action":
		r.Action = value
	case "basis":
		r.Basis = value
	case "description":
		if r.Description != "" {
			r.Description += " "
		}
		r.Description += value
	}
	return nil
}

func (r *Rule) addNational(n string) error {
	if !nationalPattern.MatchString(n) {
		return fmt.Errorf("%q is not a national number like 5_11_033", n)
	}
	if slices.Contains(r.NationalCodes, n) {
		return fmt.Errorf("national number %s listed twice", n)
	}
	r.NationalCodes = append(r.NationalCodes, n)
	return nil
}

func parseKinds(value string) ([]bidui.Kind, error) {
	var kinds []bidui.Kind
	for _, f := range strings.FieldsFunc(value, func(c rune) bool { return c == ',' || c == ' ' }) {
		k, err := bidui.ParseKind(f)
		if err != nil {
			return nil, err
		}
		kinds = append(kinds, k)
	}
	return kinds, nil
}

// stripNote drops a trailing parenthesised note such as `(person | household | row)` that the catalogue
// uses to document a field.
func stripNote(v string) string {
	if i := strings.Index(v, "   "); i > 0 && strings.HasPrefix(strings.TrimSpace(v[i:]), "(") {
		return strings.TrimSpace(v[:i])
	}
	return v
}

func isKey(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}

func lineOf(src []byte, needle string) int {
	i := bytes.Index(src, []byte(needle))
	if i < 0 {
		return 1
	}
	return bytes.Count(src[:i], []byte("\n")) + 1
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
