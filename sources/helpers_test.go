package sources

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bidui/bidui"
	biduisql "github.com/bidui/bidui/sql"
	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// testID returns a valid 18-character ID for region 370323, the given birth date (YYYYMMDD) and sequence.
func testID(birth string, seq int) string {
	first17 := fmt.Sprintf("370323%s%03d", birth, seq)
	c, ok := bidui.IDCheckChar(first17)
	if !ok {
		panic("bad test id " + first17)
	}
	return first17 + string(c)
}

// testIDX returns a valid ID that ends in X, searching sequences from seq on.
func testIDX(birth string, seq int) string {
	for ; ; seq++ {
		if id := testID(birth, seq); strings.HasSuffix(id, "X") {
			return id
		}
	}
}

// toFullWidth writes the ASCII digits and letters of s in their full-width forms (３７０３２３…Ｘ).
func toFullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > ' ' && r <= '~' {
			r += '！' - '!'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// openDB returns a migrated DuckDB database in the test's temporary directory.
func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", filepath.Join(t.TempDir(), "test.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := biduisql.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return db
}

// loadFile loads path into db with file ids counting from 1 per database, and checks the row invariant.
func loadFile(t *testing.T, db *sql.DB, path string) []Result {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var next int64
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(file_id), 0) FROM (
		SELECT file_id FROM rejects UNION ALL SELECT file_id FROM src_gs UNION ALL SELECT file_id FROM src_dibao
		UNION ALL SELECT file_id FROM src_tekun UNION ALL SELECT file_id FROM src_medical
		UNION ALL SELECT file_id FROM src_education UNION ALL SELECT file_id FROM src_review
		UNION ALL SELECT file_id FROM src_verification)`).Scan(&next); err != nil {
		t.Fatal(err)
	}
	next += 100
	results, err := Load(ctx, conn, path, func() int64 { next++; return next }, Options{})
	if err != nil {
		t.Fatalf("Load %s: %v", path, err)
	}
	checkInvariant(t, results)
	return results
}

func checkInvariant(t *testing.T, results []Result) {
	t.Helper()
	for _, r := range results {
		if r.RowsRead != r.RowsLoaded+r.RowsSkipped+r.RowsRejected {
			t.Errorf("%s [%s]: read %d != loaded %d + skipped %d + rejected %d", r.Path, r.Sheet,
				r.RowsRead, r.RowsLoaded, r.RowsSkipped, r.RowsRejected)
		}
		if (r.Status == bidui.FileLoaded) != (r.Err == nil) {
			t.Errorf("%s [%s]: status %s with err %v", r.Path, r.Sheet, r.Status, r.Err)
		}
	}
}

// only returns the single Result of a one-sheet file, failing the test otherwise.
func only(t *testing.T, results []Result) Result {
	t.Helper()
	if len(results) != 1 {
		for _, r := range results {
			t.Logf("result: sheet %q status %s kind %s err %v", r.Sheet, r.Status, r.Kind, r.Err)
		}
		t.Fatalf("got %d results, want 1", len(results))
	}
	return results[0]
}

// queryStrings runs a query and returns its rows as strings joined with "|" (NULL as ∅).
func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(cols))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
				parts[i] = "∅"
			case time.Time:
				parts[i] = v.Format("2006-01-02")
			default:
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func queryOne(t *testing.T, db *sql.DB, q string, args ...any) string {
	t.Helper()
	got := queryStrings(t, db, q, args...)
	if len(got) != 1 {
		t.Fatalf("%s: %d rows, want 1: %q", q, len(got), got)
	}
	return got[0]
}

// A cell of a test workbook: a string is written as text; num writes a numeric cell with exactly the given
// raw value (as Excel itself stores it, e.g. "3.70323198001011E+17"); any other value goes through
// excelize's SetCellValue.
type num string

// sheetData is one sheet of a test workbook.
type sheetData struct {
	name   string
	rows   [][]any
	merges [][2]string // merged areas, e.g. {"A1", "F1"}
}

func writeXLSX(t *testing.T, path string, sheets ...sheetData) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sh.rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				var err error
				switch v := v.(type) {
				case nil:
					continue
				case num:
					err = f.SetCellDefault(sh.name, cell, string(v))
				case string:
					if v == "" {
						continue
					}
					err = f.SetCellStr(sh.name, cell, v)
				default:
					err = f.SetCellValue(sh.name, cell, v)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, m := range sh.merges {
			if err := f.MergeCell(sh.name, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// writeCSV writes rows as CSV in the given encoding ("utf-8", "utf-8-bom", "gb18030") and separator.
func writeCSV(t *testing.T, path string, rows [][]string, encoding string, sep rune) {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = sep
	w.UseCRLF = true
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	switch encoding {
	case "utf-8":
	case "utf-8-bom":
		data = append([]byte("\xef\xbb\xbf"), data...)
	case "gb18030":
		var err error
		data, err = simplifiedchinese.GB18030.NewEncoder().Bytes(data)
		if err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("unknown encoding %s", encoding)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// stringRows turns workbook rows into CSV rows (num cells become their raw text, as Excel's CSV export
// writes a number).
// cellText is a test cell as text, the way Excel shows it in a CSV or HTML export.
func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case num:
		return string(v)
	case time.Time:
		if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 {
			return v.Format("2006/1/2")
		}
		return v.Format("2006/1/2 15:04")
	default:
		return fmt.Sprint(v)
	}
}

func stringRows(rows [][]any) [][]string {
	out := make([][]string, len(rows))
	for i, row := range rows {
		out[i] = make([]string, len(row))
		for j, v := range row {
			out[i][j] = cellText(v)
		}
	}
	return out
}

// testCacheDir holds what is expensive to make and the same for every test of a run: the .xls files that
// LibreOffice converts. It is removed when the tests end.
var testCacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bidui-sources-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testCacheDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sofficeBatches remembers the conversions done in this run, by name.
var sofficeBatches = struct {
	sync.Mutex
	done map[string]*sofficeBatch
}{done: map[string]*sofficeBatch{}}

type sofficeBatch struct {
	once sync.Once
	out  map[string]string
	err  error
}

// convertBatch converts the files that write puts in its directory to .xls with ONE soffice invocation
// (LibreOffice takes seconds to start), once per test run, and returns base name without extension -> .xls
// path. infilter is soffice's --infilter ("" for workbooks). Batches of different names run side by side.
func convertBatch(t *testing.T, name, infilter string, write func(dir string) []string) map[string]string {
	t.Helper()
	sofficeBatches.Lock()
	batch := sofficeBatches.done[name]
	if batch == nil {
		batch = &sofficeBatch{}
		sofficeBatches.done[name] = batch
	}
	sofficeBatches.Unlock()
	batch.once.Do(func() { batch.out, batch.err = runBatch(name, infilter, write) })
	if batch.err != nil {
		t.Fatal(batch.err)
	}
	return batch.out
}

func runBatch(name, infilter string, write func(dir string) []string) (map[string]string, error) {
	bin, err := findSoffice()
	if err != nil {
		return nil, err
	}
	src := filepath.Join(testCacheDir, name, "src")
	dst := filepath.Join(testCacheDir, name, "xls")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return nil, err
	}
	inputs := write(src)
	args := []string{"-env:UserInstallation=file://" + filepath.Join(testCacheDir, name, "profile"),
		"--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck"}
	if infilter != "" {
		args = append(args, "--infilter="+infilter)
	}
	args = append(args, "--convert-to", "xls", "--outdir", dst)
	args = append(args, inputs...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+filepath.Join(testCacheDir, name))
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("soffice: %v\n%s", err, out)
	}
	out := map[string]string{}
	for _, in := range inputs {
		base := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
		p := filepath.Join(dst, base+".xls")
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("soffice did not convert %s: %v", in, err)
		}
		if !bytes.HasPrefix(data, magicOLE2) {
			return nil, fmt.Errorf("%s is not an OLE2 (BIFF) workbook", p)
		}
		out[base] = p
	}
	return out, nil
}

// csvTextFilter is soffice's CSV import filter for UTF-8, comma separated, with the first n columns typed as
// text: LibreOffice would otherwise turn an 18-digit ID into a rounded number, as Excel does.
func csvTextFilter(n int) string {
	cols := make([]string, n)
	for i := range cols {
		cols[i] = fmt.Sprintf("%d/2", i+1)
	}
	return "CSV:44,34,76,1," + strings.Join(cols, "/")
}

// copyFile copies a cached input into a test's own directory, under the name the test wants.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeHTML writes a sheet as the HTML table that departments' systems save as .xls: GBK bytes under a
// gb2312 meta charset, merged areas as colspan/rowspan, blank cells as &nbsp;, text cells styled with
// mso-number-format so that Excel keeps long digit strings as text.
func writeHTML(t *testing.T, path string, sh sheetData) {
	t.Helper()
	type span struct{ cols, rows int }
	spans := map[[2]int]span{}
	covered := map[[2]int]bool{}
	for _, m := range sh.merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m[0])
		c2, r2, err2 := excelize.CellNameToCoordinates(m[1])
		if err1 != nil || err2 != nil {
			t.Fatalf("bad merge %v", m)
		}
		spans[[2]int{r1 - 1, c1 - 1}] = span{c2 - c1 + 1, r2 - r1 + 1}
		for r := r1; r <= r2; r++ {
			for c := c1; c <= c2; c++ {
				if r != r1 || c != c1 {
					covered[[2]int{r - 1, c - 1}] = true
				}
			}
		}
	}
	var b strings.Builder
	b.WriteString("<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\r\n<head>\r\n" +
		"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\r\n" +
		"<style>\r\n.txt { mso-number-format:\"\\@\"; }\r\n</style>\r\n<title>导出</title>\r\n</head>\r\n<body>\r\n" +
		"<table border=\"1\" cellspacing=\"0\">\r\n")
	for r, row := range sh.rows {
		b.WriteString("<tr>")
		for c, v := range row {
			if covered[[2]int{r, c}] {
				continue
			}
			b.WriteString("<td class=txt style='mso-number-format:\"\\@\"'")
			if s, ok := spans[[2]int{r, c}]; ok {
				if s.cols > 1 {
					fmt.Fprintf(&b, " colspan=%d", s.cols)
				}
				if s.rows > 1 {
					fmt.Fprintf(&b, " rowspan=%d", s.rows)
				}
			}
			b.WriteString(">")
			text := cellText(v)
			if text == "" {
				b.WriteString("&nbsp;")
			} else {
				b.WriteString(html.EscapeString(text))
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\r\n")
	}
	b.WriteString("</table>\r\n</body>\r\n</html>\r\n")
	data, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(b.String())) // GBK plus the few characters it lacks (¥)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
