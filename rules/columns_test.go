package rules

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/bidui/bidui"
)

const columnsRule = `-- code: ZZ-01
-- title: 测试
-- severity: low
-- level: person
-- needs: gs
-- uses: medical
-- columns: gs.labour, gs.measures|gs.dev_support, medical.self_pay_total
-- action: 核实
-- basis: 测试
-- category: 数据质量
SELECT 'x' AS subject, NULL AS person_key, NULL AS name, NULL AS id_number, NULL AS county, NULL AS town,
       NULL AS village, NULL AS household_no, '说明' AS detail
`

// TestRequiredColumns: a rule whose required columns the loaded files lacked is skipped with the columns
// named; one alternative of a group is enough; an optional kind that is absent is not checked.
func TestRequiredColumns(t *testing.T) {
	r, err := Parse("ZZ-01_test.sql", []byte(columnsRule))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Requires) != 3 || len(r.Requires[1]) != 2 || r.Requires[1][1].String() != "gs.dev_support" {
		t.Fatalf("requires %v", r.Requires)
	}
	tests := []struct {
		name string
		cols SourceColumns
		want string // "" = runs; else a part of the skip reason
		note string // a part of the note of a rule that runs without an optional column
	}{
		{"all there", SourceColumns{bidui.KindGS: {"labour": true, "measures": true}, bidui.KindMedical: {"self_pay_total": true}}, "", ""},
		{"one alternative is enough", SourceColumns{bidui.KindGS: {"labour": true, "dev_support": true}}, "", ""},
		{"no labour", SourceColumns{bidui.KindGS: {"measures": true}}, "labour", ""},
		{"no measures at all", SourceColumns{bidui.KindGS: {"labour": true}}, "measures 或 dev_support", ""},
		// rules.md: optional kinds are "never a reason to skip"; the missing column reads as blank, as when the
		// kind is absent, and the outcome says so.
		{"optional kind loaded without its column", SourceColumns{bidui.KindGS: {"labour": true, "measures": true}, bidui.KindMedical: {"year": true}}, "", "self_pay_total"},
		{"nil checks nothing", nil, "", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := testDB(t)
			outcomes, err := RunWithColumns(context.Background(), db, []Rule{r}, Availability{}, tt.cols, nil, int64(i+1), slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			o := outcomes[0]
			switch {
			case tt.want == "" && o.Status != Ran:
				t.Errorf("status %s (%s), want ran", o.Status, o.Reason)
			case tt.want != "" && (o.Status != Skipped || !strings.Contains(o.Reason, tt.want)):
				t.Errorf("status %s reason %q, want skipped naming %q", o.Status, o.Reason, tt.want)
			case tt.want == "" && (tt.note == "") != (o.Reason == ""):
				t.Errorf("ran with note %q, want a note naming %q", o.Reason, tt.note)
			case tt.note != "" && !strings.Contains(o.Reason, tt.note):
				t.Errorf("ran with note %q, want it to name %q", o.Reason, tt.note)
			}
		})
	}
}

func TestColumnsHeaderErrors(t *testing.T) {
	for _, bad := range []string{"gs", "gs.", "nokind.labour", "gs.Labour", "education.stage"} {
		src := strings.Replace(columnsRule, "gs.labour, gs.measures|gs.dev_support, medical.self_pay_total", bad, 1)
		_, err := Parse("ZZ-01_test.sql", []byte(src))
		if err == nil {
			t.Errorf("columns: %s: no error", bad)
			continue
		}
		if !strings.Contains(err.Error(), "ZZ-01_test.sql:7") {
			t.Errorf("columns: %s: %v, want it placed at line 7", bad, err)
		}
	}
}
