package report

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/xuri/excelize/v2"
)

// exportRuns are the runs of the database the golden and LibreOffice tests export: two towns, a finding with
// no village, one with no town either, a village named ../x, text that a spreadsheet would take for a formula,
// every status of the 状态 column and resolved findings for 汇总.xlsx.
func exportRuns(t *testing.T) []testRun {
	t.Helper()
	return []testRun{
		{id: 1, asOf: "2023-05-01", findings: []testFinding{
			{id: "JY-03-0000000001", rule: "JY-03", severity: "low", status: "new", town: "城关镇", village: "东村",
				household: "370323001001000012", name: "李四", idNumber: validID(t, "37032320100305002")},
			{id: "DB-01-0000000009", rule: "DB-01", severity: "high", status: "new", town: "城关镇", village: "东村", name: "周九"},
		}},
		{id: 2, asOf: "2023-06-10", findings: []testFinding{
			{id: "JY-03-0000000001", rule: "JY-03", severity: "low", status: "open", town: "城关镇", village: "东村",
				household: "370323001001000012", name: "李四", idNumber: validID(t, "37032320100305002"),
				firstSeen: "2023-05-01", feedback: FeedbackStillPresent},
			{id: "DB-01-0000000002", rule: "DB-01", severity: "high", status: "new", town: "城关镇", village: "东村",
				household: "370323001001000011", name: `=HYPERLINK("x")`, idNumber: validID(t, "37032319900101123"),
				detail:  "-1 人；+2 人，成员" + validID(t, "37032319850716002") + "已批准",
				subject: validID(t, "37032319900101123"), personKey: "P0123456789abcdef"},
			{id: "YB-02-0000000003", rule: "YB-02", severity: "medium", status: "open", town: "城关镇", village: "东村",
				household: "370323001001000011", name: "@张三", idNumber: validID(t, "37032319850716002"), detail: "\t医保：未参保"},
			// Answered 情况属实无需修正: counted in 汇总.xlsx, no longer listed in the village's workbook.
			{id: "YB-02-0000000011", rule: "YB-02", severity: "medium", status: "waived", town: "城关镇", village: "东村",
				name: "郑十一", firstSeen: "2023-05-01"},
			{id: "DB-01-0000000009", rule: "DB-01", severity: "high", status: "resolved", town: "城关镇", village: "东村",
				name: "周九", firstSeen: "2023-05-01"},
			{id: "DB-01-0000000004", rule: "DB-01", severity: "high", status: "new", town: "城关镇", village: "西村",
				name: "王五", idNumber: "12345"},
			{id: "DB-01-0000000005", rule: "DB-01", severity: "high", status: "new", town: "城关镇", name: "赵六"},
			{id: "YB-02-0000000006", rule: "YB-02", severity: "medium", status: "open", town: "河口镇", village: "南村",
				name: "钱七", firstSeen: "2023-05-01"},
			{id: "JY-03-0000000010", rule: "JY-03", severity: "low", status: "new", town: "河口镇", village: "../x",
				name: "+吴十", detail: "=1+1"},
			{id: "DB-01-0000000007", rule: "DB-01", severity: "high", status: "new", name: "孙八"},
		}},
	}
}

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestGolden exports a database with two runs and compares a text rendering of every file written (see
// renderWorkbook) with testdata/export.golden. go test ./report -run TestGolden -update rewrites it.
func TestGolden(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	dir := filepath.Join(t.TempDir(), "out")
	w, err := Write(context.Background(), db, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := renderOutput(t, db, dir, w)
	golden := filepath.Join("testdata", "export.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run TestGolden -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("exported files differ from %s (-update rewrites it):\n%s", golden, diffLines(string(want), got))
	}
}

// renderOutput renders every file Write reported, in its order, under its path relative to dir.
func renderOutput(t *testing.T, db *sql.DB, dir string, w *Written) string {
	t.Helper()
	var b strings.Builder
	for _, p := range w.Paths() {
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "==== %s\n", filepath.ToSlash(rel))
		switch filepath.Ext(p) {
		case ".xlsx":
			b.WriteString(renderWorkbook(t, p))
		case ".csv":
			b.WriteString(renderCSV(t, p))
		case ".parquet":
			b.WriteString(renderParquet(t, db, p))
		default:
			t.Errorf("unexpected file %s", p)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// renderCSV shows a CSV file line by line, quoted so that tabs and other invisible characters show; it notes
// the BOM and the line ends.
func renderCSV(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text, bom := strings.CutPrefix(string(data), utf8BOM)
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	crlf := true
	var b strings.Builder
	fmt.Fprintf(&b, "BOM: %v\n", bom)
	for _, l := range lines {
		body, ok := strings.CutSuffix(l, "\r\n")
		crlf = crlf && ok
		fmt.Fprintf(&b, "%q\n", body)
	}
	fmt.Fprintf(&b, "CRLF line ends: %v\n", crlf)
	return b.String()
}

// diffLines lists the lines where want and got differ (at most 40), with their line numbers.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 40; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d\n  want %s\n  got  %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// TestWrite checks what Write returns and leaves on disk: every file it names exists and nothing else does
// (no temporary file), a village named ../x stays inside the output folder, files are 0600 and folders 0700
// even under umask 000, and findings.parquet holds the findings view.
func TestWrite(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	base := t.TempDir()
	dir := filepath.Join(base, "out", "2023-06-10")
	old := syscall.Umask(0)
	w, err := Write(context.Background(), db, dir, Options{})
	syscall.Umask(old)
	if err != nil {
		t.Fatal(err)
	}
	var rels []string
	for _, p := range w.Paths() {
		rel, err := filepath.Rel(dir, p)
		if err != nil || !filepath.IsLocal(rel) {
			t.Errorf("%s is not inside %s", p, dir)
		}
		rels = append(rels, filepath.ToSlash(rel))
	}
	want := []string{"城关镇/东村.xlsx", "城关镇/西村.xlsx", "城关镇/未落村.xlsx", "河口镇/_x.xlsx", "河口镇/南村.xlsx",
		"未知乡镇/未落村.xlsx", "汇总.xlsx", "findings.csv", "findings.parquet"}
	if !slices.Equal(rels, want) {
		t.Errorf("written %q, want %q", rels, want)
	}
	if v := w.Villages[3]; v.Town != "河口镇" || v.Village != "../x" {
		t.Errorf("village 4 is %+v, want 河口镇 ../x", v)
	}

	var onDisk []string
	err = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case p == base || p == filepath.Join(base, "out"):
			return nil
		case d.IsDir():
			if info.Mode().Perm() != 0o700 {
				t.Errorf("folder %s has mode %v, want 0700", rel, info.Mode().Perm())
			}
		default:
			onDisk = append(onDisk, filepath.ToSlash(rel))
			if info.Mode().Perm() != 0o600 {
				t.Errorf("file %s has mode %v, want 0600", rel, info.Mode().Perm())
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The manifest is written too (mode 0600, as the walk checked), though it is not among the files listed.
	rels = append(rels, manifestFile)
	slices.Sort(onDisk)
	slices.Sort(rels)
	if !slices.Equal(onDisk, rels) {
		t.Errorf("on disk %q, want exactly %q", onDisk, rels)
	}
	if entries, err := os.ReadDir(base); err != nil || len(entries) != 1 || entries[0].Name() != "out" {
		t.Errorf("something was written beside out/: %v %v", entries, err)
	}

	var got, wantN int
	if err := db.QueryRow(`SELECT count(*) FROM read_parquet(?) p JOIN findings f USING (finding_id)
		WHERE p.id_number IS NOT DISTINCT FROM f.id_number AND p.name IS NOT DISTINCT FROM f.name
		  AND p.first_seen = f.first_seen AND p.feedback IS NOT DISTINCT FROM f.feedback`, w.Parquet).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM findings`).Scan(&wantN); err != nil {
		t.Fatal(err)
	}
	if got != wantN || got != 9 {
		t.Errorf("findings.parquet matches %d findings of %d", got, wantN)
	}
}

// TestFormulaTextIsText checks the finding named =HYPERLINK("x") in every place it is exported: a string
// cell without formula in the village workbook, a neutralised field in findings.csv.
func TestFormulaTextIsText(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	w, err := Write(context.Background(), db, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, w.Villages[0].Path)
	if got := cell(t, f, "问题清单", "G2"); got != `=HYPERLINK("x")` {
		t.Fatalf("G2 = %q", got)
	}
	typ, err := f.GetCellType("问题清单", "G2")
	if err != nil || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) {
		t.Errorf("G2 has cell type %v (%v), want a string", typ, err)
	}
	if formula, err := f.GetCellFormula("问题清单", "G2"); err != nil || formula != "" {
		t.Errorf("G2 has formula %q (%v)", formula, err)
	}
	data, err := os.ReadFile(w.CSV)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `,"'=HYPERLINK(""x"")",`) {
		t.Errorf("findings.csv does not neutralise the name:\n%s", data)
	}
	for _, line := range strings.Split(string(data), "\r\n") {
		for _, field := range strings.Split(line, ",") {
			if field != "" && strings.ContainsRune("=+-@\t\r", rune(field[0])) {
				t.Errorf("findings.csv has a field that starts with %q: %q", field[0], line)
			}
		}
	}
}

func TestCSVField(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"张三", "张三"},
		{`=HYPERLINK("x")`, `"'=HYPERLINK(""x"")"`},
		{"+1", `"'+1"`},
		{"-1 人", `"'-1 人"`},
		{"@SUM(A1)", `"'@SUM(A1)"`},
		{"\t=1", "\"'\t=1\""},
		{"\r=1", "\"'\r=1\""},
		{"a,b", `"a,b"`},
		{`他说"是"`, `"他说""是"""`},
		{"两行\n文字", "\"两行\n文字\""},
		{"1=1", "1=1"},
		{" =1", " =1"},
	}
	for _, c := range cases {
		if got := csvField(c.in); got != c.want {
			t.Errorf("csvField(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestMaskedExport writes the 公示 copy: no file of the folder holds a full ID number, whether in the ID
// column or in the text of a detail, and the masked forms are there instead.
func TestMaskedExport(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	w, err := Write(context.Background(), db, t.TempDir(), Options{MaskIDs: true})
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{validID(t, "37032319900101123"), validID(t, "37032319850716002"), validID(t, "37032320100305002")}
	for _, p := range w.Paths() {
		var texts []string
		switch filepath.Ext(p) {
		case ".xlsx":
			for _, part := range zipParts(t, p) {
				texts = append(texts, part)
			}
		case ".csv":
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, string(data))
		case ".parquet":
			texts = append(texts, renderParquet(t, db, p))
		}
		all := strings.Join(texts, "\n")
		if strings.Contains(all, "P0123456789abcdef") {
			t.Errorf("%s holds a person_key", p)
		}
		for _, id := range ids {
			if strings.Contains(all, id) {
				t.Errorf("%s holds the full ID %s", p, id)
			}
		}
	}
	var masked []string
	if err := func() error {
		rows, err := db.Query(`SELECT id_number || ' ' || coalesce(detail, '') FROM read_parquet(?) WHERE id_number IS NOT NULL`, w.Parquet)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			masked = append(masked, s)
		}
		return rows.Err()
	}(); err != nil {
		t.Fatal(err)
	}
	// Parquet holds the values unchanged but for the masking: no apostrophe before -1.
	want := []string{"370323********1234 -1 人；+2 人，成员370323********0021已批准", "370323********0021 \t医保：未参保",
		"370323********0026 ", "***** "}
	if !slices.Equal(masked, want) {
		t.Errorf("findings.parquet id_number and detail:\n%q\nwant\n%q", masked, want)
	}
	csvData, err := os.ReadFile(w.CSV)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(csvData), ",370323********1234,\"'-1 人；+2 人，成员370323********0021已批准\",") {
		t.Errorf("findings.csv does not show the masked ID and detail:\n%s", csvData)
	}
	f := openWorkbook(t, w.Villages[0].Path)
	if got := cell(t, f, "问题清单", "H2"); got != "370323********1234" {
		t.Errorf("workbook H2 = %q", got)
	}
}

// TestFeedbackColumnAbsent exports a database whose findings view predates the feedback column: Write
// works, no finding shows 已反馈修正仍存在, and findings.csv has the view's columns. A database attached beside
// it (as the pipeline attaches the published one) has the column, and must not be mistaken for the run's own.
func TestFeedbackColumnAbsent(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	db.SetMaxOpenConns(1) // and Write must not need a second connection while it holds one
	published := newHistoryDB(t)
	var file string
	if err := published.QueryRow(`SELECT path FROM duckdb_databases() WHERE database_name = current_database()`).Scan(&file); err != nil {
		t.Fatal(err)
	}
	published.Close()
	// ATTACH takes no parameters; the path is t.TempDir()'s.
	if _, err := db.Exec(`ATTACH '` + strings.ReplaceAll(file, "'", "''") + `' AS published (READ_ONLY)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE OR REPLACE VIEW findings AS
		SELECT finding_id, rule, title, severity, county, town, village, household_no, name, id_number,
		       detail, action, status, first_seen, last_seen, level, subject, person_key
		FROM findings_history
		WHERE run_id = (SELECT max(run_id) FROM runs) AND status <> 'resolved'`); err != nil {
		t.Fatal(err)
	}
	// Nor did its counts know the feedback.
	if _, err := db.Exec(`CREATE OR REPLACE VIEW finding_counts AS
		SELECT run_id, nullif(trim(town), '') AS town, nullif(trim(village), '') AS village, rule, status,
		       max(title) AS title, count(*) AS findings, 0 AS feedback_still_present
		FROM findings_history GROUP BY ALL`); err != nil {
		t.Fatal(err)
	}
	w, err := Write(context.Background(), db, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, w.Villages[0].Path)
	if got := cell(t, f, "问题清单", "B4") + " " + cell(t, f, "问题清单", "L4"); got != "JY-03-0000000001 持续" {
		t.Errorf("row 4 = %q, want JY-03-0000000001 持续", got)
	}
	data, err := os.ReadFile(w.CSV)
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(strings.TrimPrefix(string(data), utf8BOM), "\r\n")
	if header != "finding_id,rule,title,severity,county,town,village,household_no,name,id_number,detail,action,status,first_seen,last_seen,level,subject,person_key" {
		t.Errorf("findings.csv header %q", header)
	}
	s := openWorkbook(t, w.Summary)
	if got := cell(t, s, "按村汇总", "H8"); got != "0" {
		t.Errorf("按村汇总 total of 已反馈修正仍存在 = %q, want 0", got)
	}
}

// TestWriteNoFindings writes every file for a run without findings: workbooks none, the summary says so,
// findings.csv has its header and findings.parquet no rows.
func TestWriteNoFindings(t *testing.T) {
	db := newDB(t, nil)
	w, err := Write(context.Background(), db, filepath.Join(t.TempDir(), "out"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Villages) != 0 || len(w.Paths()) != 3 {
		t.Errorf("wrote %q", w.Paths())
	}
	s := openWorkbook(t, w.Summary)
	if got := cell(t, s, "图表", "A1"); got != "本次比对没有发现问题。" {
		t.Errorf("图表 A1 = %q", got)
	}
	if got := cell(t, s, "按村汇总", "C2"); got != "0" {
		t.Errorf("按村汇总 total = %q, want 0", got)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM read_parquet(?)`, w.Parquet).Scan(&n); err != nil || n != 0 {
		t.Errorf("findings.parquet has %d rows (%v)", n, err)
	}
	data, err := os.ReadFile(w.CSV)
	if err != nil || !strings.HasPrefix(string(data), utf8BOM+"finding_id,") || strings.Count(string(data), "\r\n") != 1 {
		t.Errorf("findings.csv = %q (%v)", data, err)
	}
}

func TestWriteCancelled(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if w, err := Write(ctx, db, t.TempDir(), Options{}); err == nil {
		t.Errorf("no error from a cancelled context; wrote %q", w.Paths())
	}
}

// TestWriteWorkbookFails: a workbook that cannot be saved (a folder stands where it goes) fails the export
// with an error naming its village, whichever worker wrote it.
func TestWriteWorkbookFails(t *testing.T) {
	db := newHistoryDB(t, exportRuns(t)...)
	dir := t.TempDir()
	w, err := Write(context.Background(), db, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Villages) < 2 {
		t.Fatalf("%d village workbooks: the test needs two", len(w.Villages))
	}
	last := w.Villages[len(w.Villages)-1]
	dir2 := t.TempDir()
	blocked := filepath.Join(dir2, strings.TrimPrefix(last.Path, dir))
	if err := os.MkdirAll(filepath.Join(blocked, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = Write(context.Background(), db, dir2, Options{})
	if err == nil || !strings.Contains(err.Error(), last.Village) {
		t.Errorf("error %v, want one naming village %s", err, last.Village)
	}
}
