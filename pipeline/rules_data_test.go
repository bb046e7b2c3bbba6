package pipeline

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/bidui/bidui"
	"github.com/bidui/bidui/match"
	"github.com/bidui/bidui/rules"
	"github.com/bidui/bidui/sources"
	biduisql "github.com/bidui/bidui/sql"
)

// A ruleCase is one data test of a rule: rows per source kind, the run's as_of, and the findings expected.
// Files live in sql/rules/testdata/<code>/<case>.toml. A string value "@name" is replaced by a valid,
// synthetic ID number derived from name, so cases can be written by hand.
type ruleCase struct {
	AsOf   time.Time                   `toml:"as_of"`
	Policy map[string]any              `toml:"policy"`
	Expect []map[string]string         `toml:"expect"`
	Rows   map[string][]map[string]any `toml:"-"`
}

// TestRuleData runs every rule's data tests: the rule must produce exactly the expected subjects, and every
// other expected column must equal what the finding says.
func TestRuleData(t *testing.T) {
	catalogue, err := rules.LoadCatalogue(biduisql.Rules(), biduisql.Checks())
	if err != nil {
		t.Fatal(err)
	}
	cases, _ := filepath.Glob(filepath.Join("..", "sql", "rules", "testdata", "*", "*.toml"))
	if len(cases) == 0 {
		t.Fatal("no rule data tests found")
	}
	tested := map[string]bool{}
	for _, path := range cases {
		code := filepath.Base(filepath.Dir(path))
		tested[code] = true
		var rule *rules.Rule
		for i := range catalogue {
			if catalogue[i].Code == code {
				rule = &catalogue[i]
			}
		}
		t.Run(code+"/"+strings.TrimSuffix(filepath.Base(path), ".toml"), func(t *testing.T) {
			if rule == nil {
				t.Fatalf("%s: no rule %s in the catalogue", path, code)
			}
			runRuleCase(t, *rule, path)
		})
	}
	for _, r := range catalogue {
		if !tested[r.Code] {
			t.Errorf("rule %s has no data test in sql/rules/testdata/%s/", r.Code, r.Code)
		}
	}
}

func runRuleCase(t *testing.T, rule rules.Rule, path string) {
	ctx := context.Background()
	tc := readRuleCase(t, path)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := biduisql.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(sources.PersonRowsView()); err != nil {
		t.Fatal(err)
	}
	for kind, rows := range tc.Rows {
		k, err := bidui.ParseKind(kind)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for i, row := range rows {
			insertRow(t, db, k, int64(i+2), row)
		}
	}
	if _, err := match.Link(ctx, db, biduisql.Match()); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	if len(tc.Policy) > 0 {
		var buf strings.Builder
		if err := toml.NewEncoder(&buf).Encode(map[string]any{"policy": tc.Policy}); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "c.toml")
		os.WriteFile(p, []byte(buf.String()), 0o644)
		if err := cfg.LoadConfigFile(p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO runs (run_id, started_at, as_of, status) VALUES (1, now(), ?::DATE, 'running')`, tc.AsOf.Format(time.DateOnly)); err != nil {
		t.Fatal(err)
	}
	outcomes, err := rules.Run(ctx, db, []rules.Rule{rule}, rules.Availability{}, cfg.Params(tc.AsOf), 1, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if outcomes[0].Status != rules.Ran {
		t.Fatalf("rule %s %s: %s", rule.Code, outcomes[0].Status, outcomes[0].Reason)
	}
	if err := rules.Settle(ctx, db, 1, tc.AsOf, outcomes); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	rows, err := db.Query(`SELECT * FROM findings`)
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		f := map[string]string{}
		for i, c := range cols {
			if vals[i] != nil {
				f[c] = fmt.Sprint(vals[i])
			}
		}
		got[f["subject"]] = f
	}
	rows.Close()
	want := map[string]bool{}
	for _, e := range tc.Expect {
		subj := e["subject"]
		want[subj] = true
		f, ok := got[subj]
		if !ok {
			t.Errorf("expected a finding on %s, got none", subj)
			continue
		}
		for k, v := range e {
			if f[k] != v {
				t.Errorf("finding on %s: %s = %q, want %q", subj, k, f[k], v)
			}
		}
	}
	var extra []string
	for subj := range got {
		if !want[subj] {
			extra = append(extra, subj+": "+got[subj]["detail"])
		}
	}
	sort.Strings(extra)
	for _, e := range extra {
		t.Errorf("unexpected finding on %s", e)
	}
}

func readRuleCase(t *testing.T, path string) ruleCase {
	t.Helper()
	var raw map[string]any
	if _, err := toml.DecodeFile(path, &raw); err != nil {
		t.Fatalf("%v", err)
	}
	tc := ruleCase{Rows: map[string][]map[string]any{}}
	for key, v := range raw {
		switch key {
		case "as_of":
			d, ok := v.(time.Time)
			if !ok {
				t.Fatalf("%s: as_of must be a date", path)
			}
			tc.AsOf = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		case "policy":
			tc.Policy = v.(map[string]any)
		case "expect":
			for _, e := range v.([]map[string]any) {
				m := map[string]string{}
				for k, x := range e {
					m[k] = fmt.Sprint(expandID(x))
				}
				tc.Expect = append(tc.Expect, m)
			}
		default:
			rows, ok := v.([]map[string]any)
			if !ok {
				t.Fatalf("%s: %s must be an array of tables", path, key)
			}
			tc.Rows[key] = rows
		}
	}
	if tc.AsOf.IsZero() {
		t.Fatalf("%s: no as_of", path)
	}
	return tc
}

// insertRow inserts one test row; it is test setup, so one INSERT per row is fine here.
func insertRow(t *testing.T, db *sql.DB, k bidui.Kind, rowNo int64, row map[string]any) {
	t.Helper()
	cols := []string{"file_id", "sheet", "row_no"}
	args := []any{int64(1), "Sheet1", rowNo}
	keys := make([]string, 0, len(row))
	for c := range row {
		if c == "file_id" { // a row of another file of the same kind
			args[0] = row[c]
			continue
		}
		keys = append(keys, c)
	}
	sort.Strings(keys)
	for _, c := range keys {
		v := expandID(row[c])
		if d, ok := v.(time.Time); ok {
			v = d.Format(time.DateOnly)
		}
		cols = append(cols, `"`+c+`"`)
		args = append(args, v)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	q := fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`, k.Table(), strings.Join(cols, ", "), marks)
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("insert %s row %v: %v", k, row, err)
	}
}

// expandID turns "@name" into a valid synthetic ID number (region 370323, born 1950-2009) and "@name/2010-05-01"
// into one born on that day; "#name" (or "#name/2010-05-01") is the person key matching links that ID. Any
// other value is returned as it is.
func expandID(v any) any {
	s, ok := v.(string)
	if !ok || (!strings.HasPrefix(s, "@") && !strings.HasPrefix(s, "#")) {
		return v
	}
	h := sha256.Sum256([]byte("@" + s[1:]))
	n := binary.BigEndian.Uint64(h[:8])
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n%21900))
	if _, day, ok := strings.Cut(s, "/"); ok {
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			panic(fmt.Sprintf("test ID %q: bad birth date: %v", s, err))
		}
		birth = d
	}
	first17 := fmt.Sprintf("370323%s%03d", birth.Format("20060102"), (n>>20)%1000)
	c, _ := bidui.IDCheckChar(first17)
	id := first17 + string(c)
	if s[0] == '#' {
		k := sha256.Sum256([]byte("bidui-person:" + id))
		return "P" + hex.EncodeToString(k[:])[:16]
	}
	return id
}
