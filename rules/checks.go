package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// The check table: rules as data. A file sql/checks/<family>.toml holds entries
//
//	[[check]]
//	code = "ZL-702"
//	title = "健康状况为空"
//	category = "数据质量"
//	national_code = ["2_01_002", "2_12_003"]
//	severity = "low"
//	level = "person"
//	input = "check_persons"
//	needs = ["gs"]
//	uses = []
//	columns = ["gs.health"]
//	where = """nullif(trim(health), '') IS NULL"""
//	detail = """'全国系统：健康状况为空'"""
//	action = "…"
//	basis = "…"
//	description = "…"
//
// each of which is a Rule whose query selects the input's standard columns and the detail from the rows where
// the predicate is true. The runner compiles all the entries of one input into one scan (see runChecks).

// checkFields are the keys of one entry; required says which must be there.
var checkFields = map[string]bool{
	"code": true, "title": true, "category": true, "national_code": false, "severity": true, "level": true,
	"input": true, "needs": true, "uses": false, "columns": false, "where": true, "detail": true,
	"action": true, "basis": true, "description": false,
}

var inputPattern = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// LoadChecks parses every *.toml file at the root of fsys into rules. Every problem of every entry is
// reported as `file:line: message` (the line of the entry's field, else of its [[check]]), joined in one error.
func LoadChecks(fsys fs.FS) ([]Rule, error) {
	files, errs := readFiles(fsys, "*.toml")
	var rules []Rule
	for _, f := range files {
		rs, err := ParseChecks(f.name, f.src)
		errs = append(errs, err)
		rules = append(rules, rs...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return rules, nil
}

// LoadCatalogue loads the .sql rules of rulesFS and the check entries of checksFS into one catalogue sorted
// by code. A code used twice, in either, is an error.
func LoadCatalogue(rulesFS, checksFS fs.FS) ([]Rule, error) {
	sqlRules, err1 := Load(rulesFS)
	checks, err2 := LoadChecks(checksFS)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	byCode := map[string]string{}
	for _, r := range sqlRules {
		byCode[r.Code] = r.File
	}
	var errs []error
	for _, c := range checks {
		if other, dup := byCode[c.Code]; dup {
			errs = append(errs, fmt.Errorf("%s: code %s already used by %s", c.File, c.Code, other))
		}
		byCode[c.Code] = c.File
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	all := append(sqlRules, checks...)
	sort.Slice(all, func(i, j int) bool { return all[i].Code < all[j].Code })
	return all, nil
}

// ParseChecks reads one check-table file. Rule.File of each entry is file:line of its [[check]].
func ParseChecks(file string, src []byte) ([]Rule, error) {
	var doc map[string]any
	if _, err := toml.Decode(string(src), &doc); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, &ParseError{File: file, Line: perr.Position.Line, Msg: perr.Message}
		}
		return nil, &ParseError{File: file, Line: 1, Msg: err.Error()}
	}
	var errs []error
	for key := range doc {
		if key != "check" {
			errs = append(errs, &ParseError{File: file, Line: keyLine(src, 1, len(src), key), Msg: fmt.Sprintf("unknown key %q (entries are [[check]] tables)", key)})
		}
	}
	entries, ok := doc["check"].([]map[string]any)
	if !ok && doc["check"] != nil {
		errs = append(errs, &ParseError{File: file, Line: keyLine(src, 1, len(src), "check"), Msg: "check must be an array of tables, [[check]]"})
	}
	starts := entryLines(src)
	var rules []Rule
	byCode := map[string]int{}
	for i, e := range entries {
		start, end := 1, len(src)
		if i < len(starts) {
			start = starts[i]
			if i+1 < len(starts) {
				end = starts[i+1]
			}
		}
		r, err := parseCheck(file, src, start, end, e)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if first, dup := byCode[r.Code]; dup {
			errs = append(errs, &ParseError{File: file, Line: start, Msg: fmt.Sprintf("code %s already used on line %d", r.Code, first)})
			continue
		}
		byCode[r.Code] = start
		rules = append(rules, r)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return rules, nil
}

// parseCheck turns one entry, which starts on line start (before line end), into a Rule.
func parseCheck(file string, src []byte, start, end int, e map[string]any) (Rule, error) {
	r := Rule{File: fmt.Sprintf("%s:%d", file, start)}
	var errs []error
	fail := func(key, format string, args ...any) {
		line := start
		if key != "" {
			line = keyLine(src, start, end, key)
		}
		errs = append(errs, &ParseError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	for _, k := range slices.Sorted(maps.Keys(e)) {
		if _, ok := checkFields[k]; !ok {
			fail(k, "unknown field %q", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(checkFields)) {
		if _, ok := e[k]; !ok && checkFields[k] {
			fail("", "missing field %q", k)
		}
	}
	str := func(k string) string {
		v, ok := e[k]
		if !ok {
			return ""
		}
		s, ok := v.(string)
		if !ok {
			fail(k, "%s must be a string", k)
			return ""
		}
		if strings.TrimSpace(s) == "" && checkFields[k] {
			fail(k, "%s: empty value", k)
		}
		return strings.TrimSpace(s)
	}
	list := func(k string) []string {
		v, ok := e[k]
		if !ok {
			return nil
		}
		xs, ok := v.([]any)
		if !ok {
			fail(k, "%s must be a list of strings, e.g. [\"gs\"]", k)
			return nil
		}
		var out []string
		for _, x := range xs {
			s, ok := x.(string)
			if !ok {
				fail(k, "%s must be a list of strings, e.g. [\"gs\"]", k)
				return nil
			}
			out = append(out, strings.TrimSpace(s))
		}
		return out
	}
	for _, k := range []string{"code", "title", "category", "severity", "level", "action", "basis"} {
		if v := str(k); v != "" {
			if err := r.set(k, v); err != nil {
				fail(k, "%s: %v", k, err)
			}
		}
	}
	if r.Level == "row" {
		fail("level", "level: a check is about one person or one household, not %q", r.Level)
	}
	r.Description = str("description")
	for _, n := range list("national_code") {
		if err := r.addNational(n); err != nil {
			fail("national_code", "national_code: %v", err)
		}
	}
	kindsOK := true
	for _, k := range []string{"needs", "uses"} {
		v, n := list(k), len(errs)
		if len(v) > 0 {
			if err := r.set(k, strings.Join(v, ",")); err != nil {
				fail(k, "%s: %v", k, err)
			}
		} else if k == "needs" && e[k] != nil && len(errs) == n {
			fail(k, "needs: list at least one source kind")
		}
		kindsOK = kindsOK && len(errs) == n
	}
	if cols := list("columns"); len(cols) > 0 {
		if err := r.set("columns", strings.Join(cols, ",")); err != nil {
			fail("columns", "columns: %v", err)
		} else if err := r.checkColumns(); err != nil && kindsOK {
			fail("columns", "%v", err)
		}
	}
	r.Input = str("input")
	if r.Input != "" && !inputPattern.MatchString(r.Input) {
		fail("input", "input: %q is not a view name like check_persons", r.Input)
	}
	r.Where, r.Detail = str("where"), str("detail")
	for _, k := range []string{"where", "detail"} {
		for _, bad := range r.scanParams(str(k)) {
			fail(k, "%s: %v", k, bad)
		}
	}
	if len(errs) > 0 {
		return Rule{}, errors.Join(errs...)
	}
	r.SQL = checkQuery(r)
	return r, nil
}

// checkQuery is the query of one check run alone: the standard columns of the rows of its input where its
// predicate holds. The predicate and the detail stand on lines of their own, so that a trailing `--` comment
// in either ends there.
func checkQuery(r Rule) string {
	return "SELECT subject, person_key, name, id_number, county, town, village, household_no,\n(\n" + r.Detail +
		"\n)::VARCHAR AS detail\nFROM " + r.Input + "\nWHERE (\n" + r.Where + "\n)"
}

// entryLines returns the line of every [[check]] header of src, in order.
func entryLines(src []byte) []int {
	var lines []int
	for i, l := range bytes.Split(src, []byte("\n")) {
		if t := strings.TrimSpace(string(l)); strings.HasPrefix(t, "[[") && strings.Trim(strings.TrimSuffix(strings.TrimPrefix(t, "[["), "]]"), " ") == "check" {
			lines = append(lines, i+1)
		}
	}
	return lines
}

// keyLine is the line of `key =` between lines start and end of src, else start.
func keyLine(src []byte, start, end int, key string) int {
	re := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	for i, l := range bytes.Split(src, []byte("\n")) {
		if n := i + 1; n >= start && n < end && re.Match(l) {
			return n
		}
	}
	return start
}
