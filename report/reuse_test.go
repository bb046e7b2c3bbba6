package report

import (
	"bytes"
	"context"
	"database/sql"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

// The villages of exportRuns' latest run, by workbook path, and the rules each lists: 东村 JY-03, DB-01 and
// YB-02; 南村 YB-02; 西村, both 未落村 DB-01; _x JY-03.
var exportVillages = []string{"城关镇/东村.xlsx", "城关镇/西村.xlsx", "城关镇/未落村.xlsx", "河口镇/_x.xlsx",
	"河口镇/南村.xlsx", "未知乡镇/未落村.xlsx"}

// writeOutput writes db's output folder to dir with opt and returns what Write said and the bytes of each
// village workbook by its slash-separated path.
func writeOutput(t *testing.T, db *sql.DB, dir string, opt Options) (*Written, map[string][]byte) {
	t.Helper()
	w, err := Write(context.Background(), db, dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, v := range w.Villages {
		rel, err := filepath.Rel(dir, v.Path)
		if err != nil {
			t.Fatal(err)
		}
		if files[filepath.ToSlash(rel)], err = os.ReadFile(v.Path); err != nil {
			t.Fatal(err)
		}
	}
	if len(files) != len(exportVillages) {
		t.Fatalf("wrote workbooks %v, want %v", slices.Sorted(maps.Keys(files)), exportVillages)
	}
	return w, files
}

// reused lists the village workbooks that Write copied from Options.Previous, by slash-separated path.
func reused(t *testing.T, w *Written, dir string) []string {
	t.Helper()
	var out []string
	for _, v := range w.Villages {
		if v.Reused {
			rel, err := filepath.Rel(dir, v.Path)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, filepath.ToSlash(rel))
		}
	}
	slices.Sort(out)
	return out
}

// without returns the sorted paths of exportVillages other than those named.
func without(names ...string) []string {
	var out []string
	for _, v := range exportVillages {
		if !slices.Contains(names, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// sameFiles checks that two folders' workbooks have the same bytes.
func sameFiles(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	for rel, b := range want {
		if !bytes.Equal(got[rel], b) {
			t.Errorf("%s: %s differs from a fresh build (%d bytes, want %d)", what, rel, len(got[rel]), len(b))
		}
	}
}

// TestRerunReusesWorkbooks: written again from the same database with the first folder as Previous, every
// workbook is copied, byte for byte what a fresh build gives; the copy's manifest lets the next write copy
// them again.
func TestRerunReusesWorkbooks(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	base := t.TempDir()
	opt := Options{Build: "test"}
	first := filepath.Join(base, "1")
	w1, files1 := writeOutput(t, db, first, opt)
	if got := reused(t, w1, first); len(got) != 0 || w1.Reused() != 0 {
		t.Errorf("with no previous folder, reused %v", got)
	}

	opt.Previous = first
	second := filepath.Join(base, "2")
	w2, files2 := writeOutput(t, db, second, opt)
	if got, want := reused(t, w2, second), without(); !slices.Equal(got, want) || w2.Reused() != len(want) {
		t.Errorf("reused %v (%d), want every workbook %v", got, w2.Reused(), want)
	}
	sameFiles(t, "copied", files2, files1)
	m1, err := os.ReadFile(filepath.Join(first, manifestFile))
	if err != nil {
		t.Fatal(err)
	}
	m2, err := os.ReadFile(filepath.Join(second, manifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m1, m2) {
		t.Errorf("the manifest of the copies differs from the first:\n%s\n%s", m2, m1)
	}
	if info, err := os.Stat(filepath.Join(second, "城关镇", "东村.xlsx")); err != nil || info.Mode().Perm() != fileMode {
		t.Errorf("a copied workbook: %v %v, want mode %v", info, err, fileMode)
	}

	opt.Previous = second
	third := filepath.Join(base, "3")
	w3, files3 := writeOutput(t, db, third, opt)
	if got := reused(t, w3, third); !slices.Equal(got, without()) {
		t.Errorf("from the folder of copies, reused %v, want every workbook", got)
	}
	sameFiles(t, "copied twice", files3, files1)
}

// TestChangedVillageIsRebuilt: a change to what one village's workbook shows (a finding's text, its history, a
// household head, a rule's text in the catalogue) builds exactly the workbooks that show it again; the others
// are copied.
func TestChangedVillageIsRebuilt(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  []string
		rebuilt []string
	}{
		{"a finding's text", []string{`UPDATE findings_history SET detail = '医保：已参保' WHERE run_id = 2 AND finding_id = 'YB-02-0000000006'`},
			[]string{"河口镇/南村.xlsx"}},
		{"a finding's feedback", []string{`UPDATE findings_history SET feedback = NULL WHERE run_id = 2 AND finding_id = 'JY-03-0000000001'`},
			[]string{"城关镇/东村.xlsx"}},
		{"a finding's first sighting", []string{`UPDATE findings_history SET first_seen = '2023-04-01' WHERE run_id = 2 AND finding_id = 'DB-01-0000000004'`},
			[]string{"城关镇/西村.xlsx"}},
		{"a household's head", []string{`INSERT INTO src_gs (file_id, row_no, household_no, relation, name) VALUES (1, 2, '370323001001000011', '户主', '张大')`},
			[]string{"城关镇/东村.xlsx"}},
		{"a rule's text", []string{`UPDATE rule_catalogue SET description = '医保数据未参保。' WHERE code = 'YB-02'`},
			[]string{"城关镇/东村.xlsx", "河口镇/南村.xlsx"}},
		{"a rule no workbook lists", []string{`UPDATE rule_catalogue SET description = '改。' WHERE code = 'ZZ-99'`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := newHistoryDB(t, exportRuns(t)...)
			base := t.TempDir()
			before := filepath.Join(base, "before")
			writeOutput(t, db, before, Options{})
			for _, s := range tc.change {
				if _, err := db.Exec(s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			after := filepath.Join(base, "after")
			w, files := writeOutput(t, db, after, Options{Previous: before})
			if got, want := reused(t, w, after), without(tc.rebuilt...); !slices.Equal(got, want) {
				t.Errorf("reused %v, want %v", got, want)
			}
			_, fresh := writeOutput(t, db, filepath.Join(base, "fresh"), Options{})
			sameFiles(t, "after the change", files, fresh)
			for _, rel := range tc.rebuilt {
				old, err := os.ReadFile(filepath.Join(before, filepath.FromSlash(rel)))
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Equal(old, files[rel]) {
					t.Errorf("%s is the same file as before the change: the change does not show in it", rel)
				}
			}
		})
	}
}

// TestEditedWorkbookIsRebuilt: a workbook changed in the previous folder after it was written (truncated,
// edited in place to the same size, removed, replaced by a folder) is built again, never copied.
func TestEditedWorkbookIsRebuilt(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	base := t.TempDir()
	before := filepath.Join(base, "before")
	_, fresh := writeOutput(t, db, before, Options{})
	at := func(rel string) string { return filepath.Join(before, filepath.FromSlash(rel)) }
	if err := os.Truncate(at("城关镇/东村.xlsx"), 100); err != nil {
		t.Fatal(err)
	}
	edited := bytes.Clone(fresh["城关镇/西村.xlsx"])
	edited[len(edited)/2] ^= 0xff
	if err := os.WriteFile(at("城关镇/西村.xlsx"), edited, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(at("河口镇/南村.xlsx")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(at("河口镇/_x.xlsx")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(at("河口镇/_x.xlsx"), 0o700); err != nil {
		t.Fatal(err)
	}

	after := filepath.Join(base, "after")
	w, files := writeOutput(t, db, after, Options{Previous: before})
	want := without("城关镇/东村.xlsx", "城关镇/西村.xlsx", "河口镇/南村.xlsx", "河口镇/_x.xlsx")
	if got := reused(t, w, after); !slices.Equal(got, want) {
		t.Errorf("reused %v, want %v", got, want)
	}
	sameFiles(t, "after the edits", files, fresh)
	assertOnlyFiles(t, filepath.Join(after, "城关镇"), []string{filepath.Join(after, "城关镇", "东村.xlsx"),
		filepath.Join(after, "城关镇", "西村.xlsx"), filepath.Join(after, "城关镇", "未落村.xlsx")})
}

// TestOptionsAreNotReusedAcross: a workbook written with full IDs is never copied into a masked folder nor the
// other way round, and one written by another build of bidui is never copied.
func TestOptionsAreNotReusedAcross(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	base := t.TempDir()
	full := filepath.Join(base, "full")
	_, fullFiles := writeOutput(t, db, full, Options{Build: "v1"})
	masked := filepath.Join(base, "masked")
	w, maskedFiles := writeOutput(t, db, masked, Options{Build: "v1", MaskIDs: true, Previous: full})
	if got := reused(t, w, masked); len(got) != 0 {
		t.Errorf("masked from full: reused %v", got)
	}
	_, freshMasked := writeOutput(t, db, filepath.Join(base, "fresh-masked"), Options{Build: "v1", MaskIDs: true})
	sameFiles(t, "masked", maskedFiles, freshMasked)
	if bytes.Equal(maskedFiles["城关镇/东村.xlsx"], fullFiles["城关镇/东村.xlsx"]) {
		t.Fatal("the masked and the full workbook of 东村 are the same file: the test shows nothing")
	}

	unmasked := filepath.Join(base, "unmasked")
	w, unmaskedFiles := writeOutput(t, db, unmasked, Options{Build: "v1", Previous: masked})
	if got := reused(t, w, unmasked); len(got) != 0 {
		t.Errorf("full from masked: reused %v", got)
	}
	sameFiles(t, "full again", unmaskedFiles, fullFiles)

	other := filepath.Join(base, "other-build")
	if w, _ = writeOutput(t, db, other, Options{Build: "v2", Previous: full}); len(reused(t, w, other)) != 0 {
		t.Errorf("another build: reused %v", reused(t, w, other))
	}
}

// TestNoUsablePrevious: a previous folder that is missing, has no manifest, or whose manifest is not what
// Write writes costs nothing but the copies: every workbook is built, and Write does not fail.
func TestNoUsablePrevious(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	base := t.TempDir()
	_, fresh := writeOutput(t, db, filepath.Join(base, "fresh"), Options{})
	for _, tc := range []struct {
		name     string
		manifest []byte // nil: none
	}{
		{"no manifest", nil},
		{"a truncated manifest", []byte(`{"workbooks":{"城关镇/东村.xlsx":{"fingerprint":"`)},
		{"a manifest of another shape", []byte(`{"workbooks":["城关镇/东村.xlsx"]}`)},
		{"an empty manifest", []byte{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prev := filepath.Join(t.TempDir(), "prev")
			writeOutput(t, db, prev, Options{})
			if err := os.Remove(filepath.Join(prev, manifestFile)); err != nil {
				t.Fatal(err)
			}
			if tc.manifest != nil {
				if err := os.WriteFile(filepath.Join(prev, manifestFile), tc.manifest, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			dir := filepath.Join(t.TempDir(), "out")
			w, files := writeOutput(t, db, dir, Options{Previous: prev})
			if got := reused(t, w, dir); len(got) != 0 {
				t.Errorf("reused %v", got)
			}
			sameFiles(t, tc.name, files, fresh)
		})
	}
	t.Run("no folder", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "out")
		w, files := writeOutput(t, db, dir, Options{Previous: filepath.Join(base, "missing")})
		if got := reused(t, w, dir); len(got) != 0 {
			t.Errorf("reused %v", got)
		}
		sameFiles(t, "no folder", files, fresh)
	})
}

// TestFingerprintCoversEveryField: a change to any field of a finding or of its village, or to an option that
// changes the file, changes the workbook's fingerprint; so does a change to a rule or a head it shows, and
// none to a rule or a household it does not show. A field added to finding without being hashed fails here.
func TestFingerprintCoversEveryField(t *testing.T) {
	base := func() (*village, map[string]rule, map[string]string, Options) {
		v := &village{town: "城关镇", name: "东村", findings: []finding{{
			id: "DB-01-0000000002", rule: "DB-01", title: "t", severity: "high", category: "部门比对",
			householdNo: "370323001001000011", name: "张三", idNumber: "370323199001011234", detail: "d",
			action: "a", status: "new", feedback: FeedbackStillPresent, firstSeen: time.Date(2023, 6, 10, 0, 0, 0, 0, time.UTC),
		}}}
		rules := map[string]rule{
			"DB-01": {code: "DB-01", title: "t", severity: "high", description: "d", action: "a", basis: "b"},
			"ZZ-99": {code: "ZZ-99", title: "z"},
		}
		heads := map[string]string{"370323001001000011": "张大", "370323001001000099": "李大"}
		return v, rules, heads, Options{Build: "v1"}
	}
	asOf := time.Date(2023, 6, 10, 0, 0, 0, 0, time.UTC)
	v, rules, heads, opt := base()
	want := workbookFingerprint("城关镇/东村.xlsx", v, rules, heads, asOf, opt)

	changed := map[string]func(v *village, rules map[string]rule, heads map[string]string, opt *Options){}
	ft := reflect.TypeFor[finding]()
	for i := range ft.NumField() {
		changed["finding."+ft.Field(i).Name] = func(v *village, _ map[string]rule, _ map[string]string, _ *Options) {
			f := reflect.ValueOf(&v.findings[0]).Elem().Field(i)
			f = reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem()
			switch x := f.Interface().(type) {
			case string:
				f.SetString(x + "x")
			case time.Time:
				f.Set(reflect.ValueOf(x.AddDate(0, 0, 1)))
			default:
				t.Fatalf("finding.%s is a %T: teach this test to change it", ft.Field(i).Name, x)
			}
		}
	}
	vt := reflect.TypeFor[village]()
	if vt.NumField() != 3 {
		t.Fatalf("village has %d fields: teach this test the new ones", vt.NumField())
	}
	changed["village.town"] = func(v *village, _ map[string]rule, _ map[string]string, _ *Options) { v.town = "河口镇" }
	changed["village.name"] = func(v *village, _ map[string]rule, _ map[string]string, _ *Options) { v.name = "西村" }
	changed["another finding"] = func(v *village, _ map[string]rule, _ map[string]string, _ *Options) {
		v.findings = append(v.findings, v.findings[0])
	}
	changed["MaskIDs"] = func(_ *village, _ map[string]rule, _ map[string]string, opt *Options) { opt.MaskIDs = true }
	changed["Build"] = func(_ *village, _ map[string]rule, _ map[string]string, opt *Options) { opt.Build = "v2" }
	changed["the rule's basis"] = func(_ *village, rules map[string]rule, _ map[string]string, _ *Options) {
		r := rules["DB-01"]
		r.basis = "c"
		rules["DB-01"] = r
	}
	changed["the rule gone"] = func(_ *village, rules map[string]rule, _ map[string]string, _ *Options) { delete(rules, "DB-01") }
	changed["the head"] = func(_ *village, _ map[string]rule, heads map[string]string, _ *Options) {
		heads["370323001001000011"] = "张二"
	}
	changed["the head gone"] = func(_ *village, _ map[string]rule, heads map[string]string, _ *Options) {
		delete(heads, "370323001001000011")
	}
	for what, change := range changed {
		v, rules, heads, opt := base()
		change(v, rules, heads, &opt)
		if workbookFingerprint("城关镇/东村.xlsx", v, rules, heads, asOf, opt) == want {
			t.Errorf("changing %s leaves the fingerprint as it was", what)
		}
	}
	if workbookFingerprint("城关镇/东村(2).xlsx", v, rules, heads, asOf, opt) == want {
		t.Error("another path leaves the fingerprint as it was")
	}
	if workbookFingerprint("城关镇/东村.xlsx", v, rules, heads, asOf.AddDate(0, 0, 1), opt) == want {
		t.Error("another as_of leaves the fingerprint as it was")
	}
	opt.Previous = "/elsewhere"
	delete(rules, "ZZ-99")
	delete(heads, "370323001001000099")
	if workbookFingerprint("城关镇/东村.xlsx", v, rules, heads, asOf, opt) != want {
		t.Error("the previous folder, or a rule or household the workbook does not show, changes the fingerprint")
	}
}
