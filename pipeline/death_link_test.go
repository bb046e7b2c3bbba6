package pipeline

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/bidui/bidui"
	"github.com/bidui/bidui/match"
	"github.com/bidui/bidui/sources"
	biduisql "github.com/bidui/bidui/sql"
)

// TestDeathStrictLink: the death rows of SW-01's near misses that matching links by a corrected ID (冯八) or by
// a name alone (陈九) are not linked but sent to match_review, naming the person they may be; the exact ID
// with another name (郑七's ID as 王小明) stays linked but is not strict; only strict rows reach rule_deaths.
// (The data tests show that none of them raises a death finding.)
func TestDeathStrictLink(t *testing.T) {
	ctx := context.Background()
	tc := readRuleCase(t, filepath.Join("..", "sql", "rules", "testdata", "SW-01", "near_misses.toml"))
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
			t.Fatal(err)
		}
		for i, row := range rows {
			insertRow(t, db, k, int64(i+2), row)
		}
	}
	if _, err := match.Link(ctx, db, biduisql.Match()); err != nil {
		t.Fatal(err)
	}
	strings := func(q string) []string {
		t.Helper()
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	review := strings(`SELECT d.name || '|' || (r.candidates = [p.person_key]) || '|' || (r.reason LIKE '死亡名单' || CASE WHEN d.id_number IS NULL THEN '仅凭姓名' ELSE '按纠正后的证件号码' END || '%')
		FROM match_review r JOIN src_death d ON d.file_id = r.file_id AND d.row_no = r.row_no
		JOIN persons p ON p.name = d.name WHERE r.kind = 'death' ORDER BY d.name`)
	if want := []string{"冯八|true|true", "陈九|true|true"}; !reflect.DeepEqual(review, want) {
		t.Errorf("death rows in match_review (name|candidate|reason): %q, want %q", review, want)
	}
	if weak := strings(`SELECT method FROM links WHERE kind = 'death' AND method <> 'exact_id'`); len(weak) > 0 {
		t.Errorf("death rows linked by %q, want exact IDs only", weak)
	}
	notStrict := strings(`SELECT name || '|' || coalesce(link_method, '-') || '|' || coalesce(name_agreement, '-') FROM rule_death
		WHERE NOT strict ORDER BY name`)
	if want := []string{"冯八|-|-", "王小明|exact_id|differ", "陈九|-|-"}; !reflect.DeepEqual(notStrict, want) {
		t.Errorf("rows not strict (name|method|agreement): %q, want %q", notStrict, want)
	}
	dead := strings(`SELECT p.name FROM rule_deaths d JOIN persons p USING (person_key) ORDER BY p.name`)
	if want := []string{"褚十", "赵大", "钱二"}; !reflect.DeepEqual(dead, want) {
		t.Errorf("rule_deaths: %q, want %q", dead, want)
	}
}
