package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bidui/bidui"
)

// TestUnchangedInboxIsReplayed: a run on an unchanged inbox carries the previous run's links and rule hits
// over, and holds exactly what computing them again (--reparse) gives; a new as_of carries the links only;
// a file with other bytes but the same rows is parsed and carries them all the same.
func TestUnchangedInboxIsReplayed(t *testing.T) {
	cfg, town := townSite(t, 5)
	ctx := context.Background()
	run := func(c Config) (*Summary, matchDump) {
		t.Helper()
		sum, err := Run(ctx, c, Options{Version: "v1"})
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		return sum, takeMatchDump(t, c.DB, sum.RunID)
	}
	first, dump1 := run(cfg)
	if len(first.Replayed) != 0 {
		t.Fatalf("first run replayed %v", first.Replayed)
	}
	second, dump2 := run(cfg)
	if want := []string{StageMatch, StageRules}; !slices.Equal(second.Replayed, want) {
		t.Fatalf("second run on the same inbox replayed %v, want %v", second.Replayed, want)
	}
	if !second.FromPublished {
		t.Errorf("second run on the same inbox did not start from a copy of the published database")
	}
	dump1.same(t, "replayed", dump2, false)
	if !slices.Equal(dump1.ruleRuns, dump2.ruleRuns) {
		t.Errorf("rule_runs replayed %q, first %q", dump2.ruleRuns, dump1.ruleRuns)
	}
	for _, f := range dump2.findings {
		if !strings.HasSuffix(f, "|open") {
			t.Errorf("second run: finding %s, want open", f)
		}
	}

	c := cfg
	c.Reparse = true
	third, dump3 := run(c)
	if len(third.Replayed) != 0 || third.FromPublished {
		t.Errorf("--reparse replayed %v, from the published copy %v", third.Replayed, third.FromPublished)
	}
	dump2.same(t, "computed again", dump3, true)

	// Another day: the links still hold, the rules (whose windows end at as_of) run.
	c = cfg
	c.AsOf = MustDate("2023-06-11")
	fourth, dump4 := run(c)
	if want := []string{StageMatch}; !slices.Equal(fourth.Replayed, want) || !fourth.FromPublished {
		t.Errorf("a new as_of replayed %v (from the published copy %v), want %v from the copy", fourth.Replayed,
			fourth.FromPublished, want)
	}
	dump1.same(t, "a new as_of", dump4, false)

	// A file with other bytes but the same rows is parsed, and the links and hits are replayed all the same
	// (samerows_test.go has the rest).
	roster, b := dibaoRoster(t, town)
	if err := os.WriteFile(roster, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	fifth, dump5 := run(c)
	if want := []string{StageMatch, StageRules}; !slices.Equal(fifth.Replayed, want) || fifth.FromPublished {
		t.Errorf("after changing a file's bytes only the run replayed %v, from the published copy %v; want %v, not from the copy",
			fifth.Replayed, fifth.FromPublished, want)
	}
	dump1.same(t, "after changing a file", dump5, false)
}

// matchDump is what matching and the rules left in the database, with file ids replaced by the files' paths
// so that runs compare.
type matchDump struct {
	persons, links, review, merges []string
	rows                           []string // kind|rows of the run|rows in all: a started-from-copy run keeps none of the last
	findings                       []string // finding_id|status
	ruleRuns                       []string // rule|status|reason|findings
}

func takeMatchDump(t *testing.T, path string, runID int64) matchDump {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := func(query string, args ...any) []string {
		rows, err := db.Query(`SELECT CAST(COLUMNS(*) AS VARCHAR) FROM (`+query+`) ORDER BY ALL`, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out []string
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			parts := make([]string, len(cols))
			for i, v := range vals {
				parts[i] = v.String
				if !v.Valid {
					parts[i] = "∅"
				}
			}
			out = append(out, strings.Join(parts, "|"))
		}
		return out
	}
	d := matchDump{
		persons:  q(`SELECT * FROM persons`),
		links:    q(`SELECT l.* EXCLUDE (file_id), f.path, f.sheet FROM links l JOIN files f USING (file_id)`),
		review:   q(`SELECT r.* EXCLUDE (file_id), f.path, f.sheet FROM match_review r JOIN files f USING (file_id)`),
		merges:   q(`SELECT * FROM person_merges`),
		findings: q(`SELECT finding_id || '|' || status FROM findings_history WHERE run_id = ?`, runID),
		ruleRuns: q(`SELECT rule, status, reason, findings FROM rule_runs WHERE run_id = ?`, runID),
	}
	for _, k := range bidui.Kinds {
		d.rows = append(d.rows, q(fmt.Sprintf(`SELECT '%s', count(*) FILTER (WHERE file_id IN (SELECT file_id FROM files WHERE run_id = ?)),
			count(*) FROM %s`, k, k.Table()), runID)...)
	}
	d.rows = append(d.rows, q(`SELECT 'rejects', count(*) FILTER (WHERE file_id IN (SELECT file_id FROM files WHERE run_id = ?)),
		count(*) FROM rejects`, runID)...)
	if len(d.links) == 0 || len(d.findings) == 0 {
		t.Fatalf("no links (%d) or no findings (%d): the test would prove nothing", len(d.links), len(d.findings))
	}
	return d
}

// same reports how d2 differs from d; withFindings compares the findings too.
func (d matchDump) same(t *testing.T, what string, d2 matchDump, withFindings bool) {
	t.Helper()
	for _, c := range []struct {
		name string
		a, b []string
	}{{"persons", d.persons, d2.persons}, {"links", d.links, d2.links}, {"match_review", d.review, d2.review},
		{"person_merges", d.merges, d2.merges}, {"source rows", d.rows, d2.rows}} {
		if !slices.Equal(c.a, c.b) {
			t.Errorf("%s: %s differ: %d rows against %d", what, c.name, len(c.b), len(c.a))
			for i := range min(len(c.a), len(c.b)) {
				if c.a[i] != c.b[i] {
					t.Errorf("first difference:\n %s\n %s", c.a[i], c.b[i])
					break
				}
			}
		}
	}
	if withFindings && !slices.Equal(d.findings, d2.findings) {
		t.Errorf("%s: findings %q, want %q", what, d2.findings, d.findings)
	}
}
