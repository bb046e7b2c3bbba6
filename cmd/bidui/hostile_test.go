package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"
)

// A hostileFile is a malformed or hostile input file; write makes it in dir under name.
type hostileFile struct {
	name  string
	write func(t *testing.T, path string)
}

func writeBytes(b []byte) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		t.Helper()
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// writeSheet writes an xlsx whose first sheet holds rows, after edit has had its way with the file.
func writeSheet(rows [][]any, edit func(f *excelize.File)) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		t.Helper()
		f := excelize.NewFile()
		defer f.Close()
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		if edit != nil {
			edit(f)
		}
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
	}
}

// validXLSX returns the bytes of a small gs workbook.
func validXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{{"县", "乡镇", "村", "户编号", "姓名", "证件号码", "与户主关系"}}
	for i := range 200 {
		rows = append(rows, []any{"某县", "某镇", "甲村", fmt.Sprint(1000 + i), "张三", "370323198001011234", "户主"})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipBomb is an xlsx-shaped zip whose shared-strings part inflates to size bytes.
func zipBomb(t *testing.T, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, part := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`},
		{"xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>`},
	} {
		w, err := zw.Create(part.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(part.body))
	}
	w, err := zw.Create("xl/sharedStrings.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`))
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for range size >> 20 {
		w.Write(chunk)
	}
	w.Write([]byte(`</t></si></sst>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func hostileFiles(t *testing.T) []hostileFile {
	good := validXLSX(t)
	header := "县,乡镇,村,户编号,姓名,证件号码,与户主关系\n"
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(strings.ReplaceAll(header, ",", "\t") + "某县\t某镇\t甲村\t1\t张三\t370323198001011234\t户主\n"))
	if err != nil {
		t.Fatal(err)
	}
	gsHeader := []any{"县", "乡镇", "村", "户编号", "姓名", "证件号码", "与户主关系", "出生日期"}
	return []hostileFile{
		{"truncated.xlsx", writeBytes(good[:len(good)/2])},
		{"empty.xlsx", writeBytes(nil)},
		{"empty.csv", writeBytes(nil)},
		{"bom_only.csv", writeBytes([]byte("\xef\xbb\xbf"))},
		{"binary.csv", writeBytes(append([]byte("\x00\x01\x02garbage"), bytes.Repeat([]byte{0, 0xff}, 4096)...))},
		{"document.xls", writeBytes([]byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"))},
		{"gzip.csv", writeBytes([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage"))},
		{"ole2_garbage.xls", writeBytes(append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, bytes.Repeat([]byte{0x42}, 4096)...))},
		{"zip_bomb.xlsx", writeBytes(zipBomb(t, 256<<20))},
		{"not_a_workbook.xlsx", writeBytes(func() []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, _ := zw.Create("readme.txt")
			w.Write([]byte("hello"))
			zw.Close()
			return buf.Bytes()
		}())},
		{"huge_shared_strings.xlsx", writeSheet(func() [][]any {
			rows := [][]any{gsHeader}
			for i := range 50000 {
				rows = append(rows, []any{"某县", "某镇", "甲村", fmt.Sprint(i), fmt.Sprintf("名%06d", i), fmt.Sprintf("x%dy", i), "户主", fmt.Sprintf("s%d", i)})
			}
			return rows
		}(), nil)},
		{"deeply_merged.xlsx", writeSheet(append([][]any{{"标题"}, {"副标题"}, {"制表"}, {"单位"}, {"日期"}, {"备注"}}, gsHeader,
			[]any{"某县", "某镇", "甲村", "1", "张三", "370323198001011234", "户主", "1980-01-01"}), func(f *excelize.File) {
			for r := 1; r <= 6; r++ {
				f.MergeCell("Sheet1", fmt.Sprintf("A%d", r), fmt.Sprintf("Z%d", r))
			}
			f.MergeCell("Sheet1", "A9", "H40")
		})},
		{"big_cell.xlsx", writeSheet([][]any{gsHeader, {"某县", "某镇", "甲村", "1", strings.Repeat("张", 1<<19), "370323198001011234", "户主", ""}}, nil)},
		{"big_cell.csv", writeBytes([]byte(header + "某县,某镇,甲村,1," + strings.Repeat("x", 1<<20) + ",370323198001011234,户主\n"))},
		{"nul_bytes.csv", writeBytes([]byte(header + "某县,某镇,甲村,1,张\x00三,370323198001011234,户主\n"))},
		{"invalid_utf8.csv", writeBytes([]byte(header + "某县,某镇,甲村,1,\xff\xfe\xfd,370323198001011234,户主\n"))},
		{"invalid_gb18030.csv", writeBytes(append([]byte("\xcf\xd8,\xcf\xe7\xd5\xf2,\xb4\xe5\n"), []byte("\x81\x30\x81,\xff\xff,\x80\x80\n")...))},
		{"million_columns.csv", writeBytes([]byte(header + strings.Repeat(",", 1_000_000) + "\n某县,某镇,甲村,1,张三,370323198001011234,户主\n"))},
		{"wrong_column_count.csv", writeBytes([]byte(header + "某县,某镇,甲村,1,张三,370323198001011234,户主\n某县,某镇\n某县,某镇,甲村,2,李四,370323198001011234,户主,extra,extra\n"))},
		{"unbalanced_quotes.csv", writeBytes([]byte(header + "某县,某镇,\"甲村,1,张三,370323198001011234,户主\n"))},
		{"header_only.csv", writeBytes([]byte(header))},
		{"utf16.txt", writeBytes(utf16)},
		{"formulas.xlsx", writeSheet([][]any{gsHeader, {"某县", "某镇", "甲村", "1", "张三", "370323198001011234", "户主", "1980-01-01"}}, func(f *excelize.File) {
			f.SetCellFormula("Sheet1", "F2", `"3703231980"&"01011234"`)
			f.SetCellFormula("Sheet1", "E2", `HYPERLINK("http://example.invalid","x")`)
		})},
		{"error_values.xlsx", writeSheet([][]any{gsHeader, {"某县", "某镇", "甲村", "#N/A", "#REF!", "#VALUE!", "户主", "#DIV/0!"}}, nil)},
		{"dates_out_of_range.csv", writeBytes([]byte("县,乡镇,村,户编号,姓名,证件号码,与户主关系,出生日期\n" +
			"某县,某镇,甲村,1,张三,370323198001011234,户主,9999-99-99\n" +
			"某县,某镇,甲村,1,李四,370323198001011234,配偶,0000-00-00\n" +
			"某县,某镇,甲村,1,王五,370323198001011234,子,-5\n" +
			"某县,某镇,甲村,1,赵六,370323198001011234,女,99999999\n"))},
		{"no_known_headers.xlsx", writeSheet([][]any{{"甲", "乙", "丙"}, {1, 2, 3}}, nil)},
		{"empty_sheet.xlsx", writeSheet(nil, nil)},
		{"two_thousand_columns.csv", writeBytes([]byte(strings.Repeat("列,", 2000) + "\n" + strings.Repeat("1,", 2000) + "\n"))},
		{"broken.html.xls", writeBytes([]byte("<html><body><table><tr><td>县<td>乡镇<tr><td>某县</table><table><tr><td><table><tr><td>嵌套"))},
		{"xlsx_named.csv", writeBytes(good)},
		{"long_line.csv", writeBytes([]byte(strings.Repeat("县", 1<<20)))},
	}
}

// bombFiles are files made to exhaust memory, each over one of the default limits: a workbook part that
// inflates to 2.5 GiB, 20 million shared strings (as Excel writes them, with their count: one whose count
// is missing or lies is read up to the limit, in seconds, see TestHostileCorpus), 2 million cell formats, and
// a 45 MiB CSV of one line.
// They are written compactly: the deflate stream of a repeated chunk is the chunk's compressed blocks
// repeated.
func bombFiles() []hostileFile {
	return []hostileFile{
		{"bomb_part.xlsx", writeZipBomb("xl/worksheets/sheet1.xml",
			`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c t="inlineStr"><is><t>`,
			strings.Repeat("a", 1<<20), 2560, `</t></is></c></row></sheetData></worksheet>`)},
		{"bomb_shared_strings.xlsx", writeZipBomb("xl/sharedStrings.xml",
			`<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="20000000" uniqueCount="20000000">`,
			strings.Repeat("<si><t>a</t></si>", 100_000), 200, `</sst>`)},
		{"bomb_styles.xlsx", writeZipBomb("xl/styles.xml",
			`<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2000000">`,
			strings.Repeat(`<xf numFmtId="14" applyNumberFormat="1"/>`, 20_000), 100, `</cellXfs></styleSheet>`)},
		{"bomb_line.csv", func(t *testing.T, path string) {
			t.Helper()
			line := strings.Repeat("县,", 45<<20/4) // 45 MiB: 县 is three bytes, the comma one
			if err := os.WriteFile(path, []byte("县,乡镇,村,户编号,姓名,证件号码\n"+line+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	}
}

// writeZipBomb writes an xlsx package (workbook, one sheet) whose part name holds head, then chunk
// repeated n times, then tail; the other parts are small and sound.
func writeZipBomb(name, head, chunk string, n int, tail string) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		t.Helper()
		deflated := func(s string, final bool) []byte {
			var buf bytes.Buffer
			w, _ := flate.NewWriter(&buf, flate.BestCompression)
			w.Write([]byte(s))
			if final {
				w.Close()
			} else {
				w.Flush() // ends on a byte boundary, not final: the blocks can be repeated
			}
			return buf.Bytes()
		}
		var body bytes.Buffer
		body.Write(deflated(head, false))
		c := deflated(chunk, false)
		crc := crc32.Update(0, crc32.IEEETable, []byte(head))
		for range n {
			body.Write(c)
			crc = crc32.Update(crc, crc32.IEEETable, []byte(chunk))
		}
		body.Write(deflated(tail, true))
		crc = crc32.Update(crc, crc32.IEEETable, []byte(tail))
		size := uint64(len(head)) + uint64(n)*uint64(len(chunk)) + uint64(len(tail))

		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		parts := []struct{ name, body string }{
			{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
			{"xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
			{"xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		}
		if name != "xl/worksheets/sheet1.xml" {
			parts = append(parts, struct{ name, body string }{"xl/worksheets/sheet1.xml",
				`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c t="inlineStr"><is><t>姓名</t></is></c></row></sheetData></worksheet>`})
		}
		for _, p := range parts {
			w, err := zw.Create(p.name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte(p.body))
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(body.Len()), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body.Bytes())
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHostileInputs drops more than 30 malformed and hostile files and the four bombs into the inbox beside a
// good town: each gets a files row that says what is wrong, naming the file, or loads with rejects (every
// bomb fails, naming the limit it went over); the good files load; the run publishes (exit 3, some files
// failed); and the run's peak resident memory stays under 1 GiB.
func TestHostileInputs(t *testing.T) {
	s := newSite(t, 0)
	files := hostileFiles(t)
	if len(files) < 30 {
		t.Fatalf("only %d hostile files", len(files))
	}
	files = append(files, bombFiles()...)
	for _, f := range files {
		f.write(t, filepath.Join(s.inbox, f.name))
	}
	cmd := s.command(s.args()...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 3 {
		t.Fatalf("run exited %d (%v), want 3:\n%s", code, err, stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		const limit = 1 << 30 // Maxrss is in KiB
		if ru.Maxrss*1024 > limit {
			t.Errorf("peak memory %d MiB, want under %d MiB", ru.Maxrss/1024, limit>>20)
		}
		t.Logf("peak memory %d MiB", ru.Maxrss/1024)
	}
	// Every good file loaded.
	for _, name := range s.town.Files {
		if filepath.Dir(name) != "inbox" {
			continue
		}
		got := queryLines(t, s.db, fmt.Sprintf("SELECT status FROM files WHERE run_id = (SELECT max(run_id) FROM runs) AND path LIKE '%%/%s'", filepath.Base(name)))
		if len(got) == 0 || got[0] != "loaded" {
			t.Errorf("good file %s: %v, want loaded", name, got)
		}
	}
	// Every hostile file is accounted for: failed or unrecognised with a message naming it, or loaded.
	for _, f := range files {
		rows := queryLines(t, s.db, fmt.Sprintf(`SELECT status || '|' || coalesce(error, '') FROM files
			WHERE run_id = (SELECT max(run_id) FROM runs) AND path LIKE '%%/%s'`, f.name))
		if len(rows) == 0 {
			t.Errorf("%s: no files row", f.name)
			continue
		}
		for _, r := range rows {
			status, msg, _ := strings.Cut(r, "|")
			if strings.HasPrefix(f.name, "bomb_") && (status != "failed" || !strings.Contains(msg, "limits.")) {
				t.Errorf("%s: %s %q, want failed over a limit", f.name, status, msg)
			}
			switch status {
			case "loaded":
			case "failed", "unrecognised":
				if !strings.Contains(msg, f.name) {
					t.Errorf("%s: %s with a message that does not name the file: %q", f.name, status, msg)
				}
			default:
				t.Errorf("%s: status %q", f.name, status)
			}
		}
		t.Logf("%-26s %s", f.name, truncate(strings.Join(rows, " / "), 160))
	}
	if strings.Contains(stderr.String(), "panic") {
		t.Errorf("a panic in the log:\n%s", stderr.String())
	}
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
