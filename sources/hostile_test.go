package sources

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bidui/bidui"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// The hostile corpus: damaged, hostile and odd files, written by the test, each with the outcome it must
// have. A file either fails with a message that names it and says what is wrong, or loads every row it
// has (loaded + rejected = the data rows written) with the rejects it deserves; never loaded with rows
// missing.

var hgsHeader = []string{"县", "乡镇", "村", "户编号", "姓名", "证件号码", "与户主关系"}

// hgsRow is data row i (1-based) of a gs sheet.
func hgsRow(i int) []string {
	return []string{"某县", "某镇", "甲村", fmt.Sprintf("H%03d", i), fmt.Sprintf("张%03d", i), testID("19800101", i), "户主"}
}

func hgsRows(n int) [][]string {
	rows := [][]string{slices.Clone(hgsHeader)}
	for i := 1; i <= n; i++ {
		rows = append(rows, hgsRow(i))
	}
	return rows
}

// xlsxPart is one part of a hand-made workbook package.
type xlsxPart struct{ name, body string }

// rawXLSX packs a workbook of one sheet "名单" whose worksheet part is sheet, with further parts (shared
// strings, styles) as given. The XML is written as given, damage included.
func rawXLSX(sheet string, parts ...xlsxPart) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	for i, p := range parts {
		typ := map[string]string{"xl/sharedStrings.xml": "sharedStrings", "xl/styles.xml": "styles"}[p.name]
		if typ != "" {
			rels += fmt.Sprintf(`<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/%s" Target="%s"/>`,
				i+2, typ, strings.TrimPrefix(p.name, "xl/"))
		}
	}
	all := append([]xlsxPart{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet},
	}, parts...)
	for _, p := range all {
		w, err := zw.Create(p.name)
		if err != nil {
			panic(err)
		}
		w.Write([]byte(p.body))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// sheetXML writes rows as a worksheet of inline strings; a cell given as "<…" is written as it is (a
// hand-made <c> element).
func sheetXML(rows [][]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, r := range rows {
		fmt.Fprintf(&b, `<row r="%d">`, i+1)
		for j, c := range r {
			if strings.HasPrefix(c, "<") {
				b.WriteString(c)
				continue
			}
			fmt.Fprintf(&b, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, columnName(j), i+1, html.EscapeString(c))
		}
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData></worksheet>`)
	return b.String()
}

// withCell returns rows with row r (0 = header), column c replaced.
func withCell(rows [][]string, r, c int, v string) [][]string {
	out := make([][]string, len(rows))
	for i := range rows {
		out[i] = slices.Clone(rows[i])
	}
	out[r][c] = v
	return out
}

// withColumn appends a column to every row: header h, then the values.
func withColumn(rows [][]string, h string, values func(i int) string) [][]string {
	out := [][]string{append(slices.Clone(rows[0]), h)}
	for i, r := range rows[1:] {
		out = append(out, append(slices.Clone(r), values(i+1)))
	}
	return out
}

func csvText(rows [][]string, sep, eol string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, sep) + eol)
	}
	return b.String()
}

func sstXML(items ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d">`, len(items))
	for _, s := range items {
		b.WriteString("<si>" + s + "</si>")
	}
	b.WriteString("</sst>")
	return b.String()
}

func stylesXML(n int) string {
	return `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="` +
		fmt.Sprint(n) + `">` + strings.Repeat(`<xf numFmtId="0"/>`, n) + `</cellXfs></styleSheet>`
}

// sstSheet is a gs sheet whose header and names are shared strings 0…7 and whose IDs are inline.
func sstSheet(nameCell string) (string, xlsxPart) {
	items := []string{}
	for _, h := range hgsHeader {
		items = append(items, "<t>"+h+"</t>")
	}
	rows := hgsRows(3)
	for j := range rows[0] {
		rows[0][j] = fmt.Sprintf(`<c r="%s1" t="s"><v>%d</v></c>`, columnName(j), j)
	}
	items = append(items, "<t>张一</t>")
	rows[1][4] = `<c r="E2" t="s"><v>7</v></c>`
	rows[2][4] = nameCell
	return sheetXML(rows), xlsxPart{"xl/sharedStrings.xml", sstXML(items...)}
}

// hostileCase is one file of the corpus and what must come of it.
type hostileCase struct {
	name   string
	data   func() []byte
	limits Limits
	status string // of every sheet
	is     error  // failed: the sentinel the error wraps
	says   []string
	rows   int64          // loaded: the data rows written (loaded + rejected must equal it)
	reject map[string]int // loaded: rejects by reason (value and row rejects)
}

func fixed(b []byte) func() []byte    { return func() []byte { return b } }
func textFile(s string) func() []byte { return fixed([]byte(s)) }

func hostileCorpus() []hostileCase {
	ok := hgsRows(5)
	okSheet := sheetXML(ok)
	cut := func(s string, frac float64) string { return s[:int(float64(len(s))*frac)] }
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().String(csvText(ok, ",", "\r\n"))
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(csvText(hgsRows(2), "\t", "\r\n"))
	sstName := func(cell string) func() []byte {
		return func() []byte { s, p := sstSheet(cell); return rawXLSX(s, p) }
	}
	loaded := func(name string, data func() []byte, rows int64, reject map[string]int) hostileCase {
		return hostileCase{name: name, data: data, status: bidui.FileLoaded, rows: rows, reject: reject}
	}
	failed := func(name string, data func() []byte, is error, says ...string) hostileCase {
		return hostileCase{name: name, data: data, status: bidui.FileFailed, is: is, says: says}
	}
	limited := func(c hostileCase, l Limits) hostileCase { c.limits = l; return c }
	page := func(rows [][]string) string {
		var b strings.Builder
		b.WriteString("<html><body><table>")
		for _, r := range rows {
			b.WriteString("<tr>")
			for _, c := range r {
				b.WriteString("<td>" + html.EscapeString(c) + "</td>")
			}
			b.WriteString("</tr>")
		}
		b.WriteString("</table></body></html>")
		return b.String()
	}
	zipOf := func(parts ...xlsxPart) func() []byte {
		return func() []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, p := range parts {
				w, _ := zw.Create(p.name)
				w.Write([]byte(p.body))
			}
			zw.Close()
			return buf.Bytes()
		}
	}
	return []hostileCase{
		// Workbooks whose XML is good.
		loaded("good.xlsx", fixed(rawXLSX(okSheet)), 5, nil),
		loaded("gap_rows.xlsx", textFile(string(rawXLSX(strings.Replace(okSheet, `<row r="6">`, `<row r="9">`, 1)))), 5, nil),
		loaded("rows_without_numbers.xlsx", fixed(rawXLSX(strings.NewReplacer(`<row r="2">`, `<row>`, `<row r="3">`, `<row>`).Replace(okSheet))), 5, nil),
		loaded("prefixed_elements.xlsx", fixed(rawXLSX(strings.NewReplacer("<worksheet xmlns=", "<x:worksheet xmlns:x=", "</worksheet>", "</x:worksheet>",
			"<sheetData>", "<x:sheetData>", "</sheetData>", "</x:sheetData>", "<row", "<x:row", "</row>", "</x:row>", "<c ", "<x:c ", "</c>", "</x:c>",
			"<is>", "<x:is>", "</is>", "</x:is>", "<t>", "<x:t>", "</t>", "</x:t>").Replace(okSheet))), 5, nil),
		loaded("shared_strings.xlsx", sstName(`<c r="E3" t="s"><v>7</v></c>`), 3, nil),
		loaded("escaped_control_in_sst.xlsx", func() []byte {
			s, p := sstSheet(`<c r="E3" t="s"><v>7</v></c>`)
			p.body = strings.Replace(p.body, "张一", "张_x000B_一", 1)
			return rawXLSX(s, p)
		}, 3, nil),
		loaded("phonetic_runs.xlsx", func() []byte {
			s, p := sstSheet(`<c r="E3" t="s"><v>7</v></c>`)
			p.body = strings.Replace(p.body, "<t>张一</t>", "<r><t>张</t></r><r><t>一</t></r><rPh sb=\"0\" eb=\"1\"><t>zhang</t></rPh>", 1)
			return rawXLSX(s, p)
		}, 3, nil),
		loaded("formula_with_value.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 2, 5, `<c r="F3" t="str"><f>"370"&amp;"1"</f><v>`+testID("19800101", 2)+`</v></c>`)))), 5, nil),
		loaded("cell_named_twice.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 2, 4, `<c r="E3" t="inlineStr"><is><t>错</t></is></c><c r="E3" t="inlineStr"><is><t>张二</t></is></c>`)))), 5, nil),
		loaded("twin_columns_agree.xlsx", fixed(rawXLSX(sheetXML(withColumn(ok, "姓名", func(i int) string { return hgsRow(i)[4] })))), 5, nil),
		loaded("gbk_declared.xlsx", func() []byte {
			gbk, _ := simplifiedchinese.GBK.NewEncoder().String(strings.Replace(okSheet, `encoding="UTF-8"`, `encoding="GBK"`, 1))
			return rawXLSX(gbk)
		}, 5, nil),
		loaded("number_id.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 1, 5, `<c r="F2"><v>370323198001011234</v></c>`)))), 5, nil),
		// Characters XML forbids, from copy-paste: cleaned (or rejected, for NUL) and the reading goes on.
		loaded("vertical_tab_in_name.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 2, 4, "张\x0b二")))), 5, nil),
		loaded("control_chars_in_place.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 3, 2, "甲\x01\x1f村")))), 5, nil),
		loaded("vertical_tab_in_sst.xlsx", func() []byte {
			s, p := sstSheet(`<c r="E3" t="s"><v>7</v></c>`)
			p.body = strings.Replace(p.body, "张一", "张\x0b一", 1)
			return rawXLSX(s, p)
		}, 3, nil),
		loaded("nul_in_name.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 2, 4, "张\x00二")))), 5, map[string]int{ReasonNULByte: 1}),
		loaded("nul_in_id.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 4, 5, "3703\x00231980")))), 5, map[string]int{ReasonNULByte: 1}),
		// Cells the workbook got wrong: rejected with a reason.
		loaded("sst_index_out_of_range.xlsx", sstName(`<c r="E3" t="s"><v>99</v></c>`), 3, map[string]int{ReasonBadSharedString: 1}),
		loaded("sst_index_not_a_number.xlsx", sstName(`<c r="E3" t="s"><v>seven</v></c>`), 3, map[string]int{ReasonBadSharedString: 1}),
		loaded("sst_index_negative.xlsx", sstName(`<c r="E3" t="s"><v>-1</v></c>`), 3, map[string]int{ReasonBadSharedString: 1}),
		loaded("sst_missing.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 2, 4, `<c r="E3" t="s"><v>0</v></c>`)))), 5, map[string]int{ReasonBadSharedString: 1}),
		loaded("formula_without_value.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 2, 5, `<c r="F3"><f>A1&amp;B1</f></c>`)))), 5, map[string]int{ReasonNoCachedValue: 1}),
		loaded("formula_without_value_or_name.xlsx", fixed(rawXLSX(sheetXML(withCell(withCell(ok, 2, 5, `<c r="F3"><f>A1</f></c>`), 2, 4, `<c r="E3"><f>B1</f></c>`)))), 5,
			map[string]int{ReasonNoPersonKey: 1}),
		loaded("twin_columns_disagree.xlsx", fixed(rawXLSX(sheetXML(withColumn(ok, "姓名", func(i int) string {
			if i == 2 {
				return "李四"
			}
			return hgsRow(i)[4]
		})))), 5, map[string]int{ReasonConflict: 1}),
		// Sheets that cannot be read to their end: failed, naming the last row read.
		failed("undefined_entity.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 3, 4, `<c r="E4" t="inlineStr"><is><t>张&nbsp;三</t></is></c>`)))), ErrUnreadable,
			`sheet "名单"`, "after row 3", "entity"),
		failed("cut_at_60_percent.xlsx", fixed(rawXLSX(cut(okSheet, 0.6))), ErrUnreadable, `sheet "名单"`, "broken after row"),
		failed("cut_after_a_row.xlsx", fixed(rawXLSX(okSheet[:strings.Index(okSheet, `<row r="4">`)])), ErrUnreadable, "after row 3", "unexpected EOF"),
		failed("cut_before_rows.xlsx", fixed(rawXLSX(okSheet[:strings.Index(okSheet, `<row r="1">`)+3])), ErrUnreadable, "before its first row"),
		failed("mismatched_tags.xlsx", fixed(rawXLSX(strings.Replace(okSheet, `</c></row><row r="5">`, `</row><row r="5">`, 1))), ErrUnreadable, "after row"),
		failed("invalid_utf8_in_sheet.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 3, 4, "张\xff三")))), ErrUnreadable, "after row 3", "UTF-8"),
		failed("rows_out_of_order.xlsx", fixed(rawXLSX(strings.Replace(okSheet, `<row r="4">`, `<row r="2">`, 1))), ErrUnreadable, "numbered"),
		failed("row_number_beyond_excel.xlsx", fixed(rawXLSX(strings.Replace(okSheet, `<row r="6">`, `<row r="2000000">`, 1))), ErrUnreadable, "numbered"),
		failed("bad_cell_name.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 2, 1, `<c r="1B" t="inlineStr"><is><t>x</t></is></c>`)))), ErrUnreadable, `"1B"`),
		failed("cut_shared_strings.xlsx", func() []byte {
			s, p := sstSheet(`<c r="E3" t="s"><v>7</v></c>`)
			p.body = cut(p.body, 0.5)
			return rawXLSX(s, p)
		},
			ErrUnreadable, "shared strings break off"),
		failed("checksum_mismatch.xlsx", func() []byte {
			b := rawXLSX(okSheet) // zip's Create deflates; a stored copy of the sheet is damaged by hand
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			for _, f := range zr.File {
				if f.Name == "xl/worksheets/sheet1.xml" {
					w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
					w.Write([]byte(strings.Replace(okSheet, "张003", "张008", 1)))
					continue
				}
				zw.Copy(f)
			}
			zw.Close()
			out := buf.Bytes()
			i := bytes.Index(out, []byte("张008"))
			copy(out[i:], "张003") // the bytes the checksum was made for, then damaged back
			return out
		}, ErrUnreadable, "damaged", "checksum"),
		failed("sheet_part_missing.xlsx", zipOf(
			xlsxPart{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>`}),
			ErrUnreadable, "no part"),
		failed("zip_without_workbook.xlsx", zipOf(xlsxPart{"readme.txt", "hello"}), ErrNotTabular, "without a workbook"),
		failed("truncated_zip.xlsx", func() []byte { b := rawXLSX(okSheet); return b[:len(b)/2] }, ErrUnreadable, "cannot read workbook"),
		failed("sheet_without_rows.xlsx", fixed(rawXLSX(`<?xml version="1.0"?><chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><drawing/></chartsheet>`)),
			ErrEmpty, "empty"),
		failed("empty_sheet_part.xlsx", fixed(rawXLSX("")), ErrUnreadable, "before its first row"),
		failed("empty_sheet.xlsx", fixed(rawXLSX(sheetXML(nil))), ErrEmpty, "empty"),
		failed("header_only.xlsx", fixed(rawXLSX(sheetXML(hgsRows(0)))), ErrEmpty, "nothing is under it"),
		{name: "no_known_headers.xlsx", data: fixed(rawXLSX(sheetXML([][]string{{"甲", "乙"}, {"1", "2"}}))), status: bidui.FileUnrecognised, is: ErrNoKind,
			says: []string{"headers seen: 甲, 乙"}},
		// Over a limit: failed, naming the limit.
		failed("huge_shared_string.xlsx", func() []byte {
			s, p := sstSheet(`<c r="E3" t="s"><v>7</v></c>`)
			p.body = strings.Replace(p.body, "张一", strings.Repeat("a", 3<<20), 1)
			return rawXLSX(s, p)
		}, ErrLimit, "limits.cell_bytes"),
		failed("huge_cell.xlsx", fixed(rawXLSX(sheetXML(withCell(ok, 2, 4, strings.Repeat("张", 1<<19))))), ErrLimit, "limits.cell_bytes", "after row 2"),
		limited(failed("too_many_shared_strings.xlsx", func() []byte {
			s, p := sstSheet(`<c r="E3" t="s"><v>7</v></c>`)
			p.body = strings.Replace(p.body, "</sst>", strings.Repeat("<si><t>x</t></si>", 200)+"</sst>", 1)
			return rawXLSX(s, p)
		}, ErrLimit, "limits.shared_strings", "more than 100 entries"), Limits{SharedStrings: 100}),
		limited(failed("declares_too_many_shared_strings.xlsx", func() []byte {
			s, p := sstSheet(`<c r="E3" t="s"><v>7</v></c>`)
			p.body = strings.Replace(p.body, ` count="8">`, ` count="200" uniqueCount="200">`, 1)
			return rawXLSX(s, p)
		}, ErrLimit, "limits.shared_strings", "declares 200 entries"), Limits{SharedStrings: 100}),
		limited(failed("too_many_styles.xlsx", fixed(rawXLSX(okSheet, xlsxPart{"xl/styles.xml", stylesXML(60)})), ErrLimit, "limits.styles"), Limits{Styles: 50}),
		limited(loaded("styles_within_limit.xlsx", fixed(rawXLSX(okSheet, xlsxPart{"xl/styles.xml", stylesXML(40)})), 5, nil), Limits{Styles: 50}),
		limited(failed("part_too_big.xlsx", fixed(rawXLSX(okSheet)), ErrLimit, "limits.part_bytes", "xl/worksheets/sheet1.xml"), Limits{PartBytes: 1000}),
		limited(failed("too_many_cells.xlsx", fixed(rawXLSX(sheetXML(withColumn(ok, "备注", func(int) string { return "x" })))), ErrLimit, "limits.cells_per_row",
			"row 1"), Limits{CellsPerRow: 7}),
		// Text files.
		loaded("good.csv", textFile(csvText(ok, ",", "\n")), 5, nil),
		loaded("crlf.csv", textFile(csvText(ok, ",", "\r\n")), 5, nil),
		loaded("cr_only.csv", textFile(csvText(ok, ",", "\r")), 5, nil),
		loaded("cr_only_gbk.csv", func() []byte {
			s, _ := simplifiedchinese.GB18030.NewEncoder().String(csvText(ok, ",", "\r"))
			return []byte(s)
		}, 5, nil),
		loaded("gbk.csv", textFile(gbk), 5, nil),
		loaded("tabs.txt", textFile(csvText(ok, "\t", "\n")), 5, nil),
		loaded("utf16.txt", textFile(utf16), 2, nil),
		loaded("nul_in_value.csv", textFile(csvText(withCell(ok, 3, 4, "张\x00三"), ",", "\n")), 5, map[string]int{ReasonNULByte: 1}),
		loaded("twin_columns_disagree.csv", textFile(csvText(withColumn(ok, "证件号码", func(i int) string {
			if i == 5 {
				return testID("19900101", 9)
			}
			return hgsRow(i)[5]
		}), ",", "\n")), 5, map[string]int{ReasonConflict: 1}),
		loaded("wrong_column_count.csv", textFile(csvText(ok, ",", "\n")+strings.Join(hgsRow(6), ",")+",多余\n"), 6, map[string]int{ReasonWrongColumnCount: 1}),
		loaded("quoted_last_field.csv", textFile(csvText(withColumn(ok, "备注", func(i int) string {
			if i == 5 {
				return "\"两行\n备注\""
			}
			return ""
		}), ",", "\n")), 5, nil),
		failed("unclosed_quote.csv", textFile(csvText(withCell(ok, 2, 2, "\"甲村"), ",", "\n")), ErrUnreadable, "row 3", "quote opened on line 3 is never closed"),
		failed("unclosed_quote_no_newline.csv", textFile(strings.TrimSuffix(csvText(withCell(ok, 5, 6, "\"户主"), ",", "\n"), "\n")), ErrUnreadable,
			"never closed"),
		failed("billion_laughs.xlsx", fixed(rawXLSX(strings.Replace(sheetXML(withCell(ok, 2, 4, `<c r="E3" t="inlineStr"><is><t>&lol9;</t></is></c>`)),
			`<worksheet`, `<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol9 "&lol2;&lol2;">]><worksheet`, 1))),
			ErrUnreadable, "after row 2", "entity"),
		loaded("xlsx_named.csv", fixed(rawXLSX(okSheet)), 5, nil),
		failed("empty.csv", textFile(""), ErrEmpty, "empty"),
		failed("bom_only.csv", textFile("\xef\xbb\xbf"), ErrEmpty),
		failed("header_only.csv", textFile(csvText(hgsRows(0), ",", "\n")), ErrEmpty, "nothing is under it"),
		failed("binary.csv", fixed(append([]byte("\x00\x01\x02garbage"), bytes.Repeat([]byte{0, 0xff}, 4096)...)), ErrNotTabular, "binary"),
		failed("gzip.csv", textFile("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage"), ErrNotTabular, "gzip"),
		failed("pdf.xls", textFile("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"), ErrNotTabular, "PDF"),
		failed("ole2_garbage.xls", fixed(append(slices.Clone(magicOLE2), bytes.Repeat([]byte{0x42}, 4096)...)), ErrUnreadable, "OLE2"),
		failed("damaged_utf8.csv", textFile(csvText(ok, ",", "\n")+"某县,某镇,甲村,H9,\xff\xfe,"+testID("19800101", 9)+",户主\n"), ErrEncoding, "line 7"),
		failed("not_gb18030.csv", textFile("\xcf\xd8,\xcf\xe7\xd5\xf2,\xb4\xe5\n\x81\x30\x81,\xff\xff,\x80\x80\n"), ErrEncoding),
		limited(failed("long_line.csv", textFile(csvText(ok, ",", "\n")+strings.Repeat("县", 2000)+"\n"), ErrLimit, "limits.line_bytes", "line 7"), Limits{LineBytes: 4096}),
		failed("one_line_of_commas.csv", textFile(csvText(hgsRows(0), ",", "\n")+strings.Repeat(",", 100_000)+"\n"), ErrLimit, "limits.cells_per_row", "row 2"),
		limited(failed("big_cell.csv", textFile(csvText(withCell(ok, 2, 4, strings.Repeat("x", 5000)), ",", "\n")), ErrLimit, "limits.cell_bytes", "row 3"), Limits{CellBytes: 4096}),
		// HTML tables saved as .xls.
		loaded("table.html.xls", textFile(page(ok)), 5, nil),
		failed("table_cut_short.html.xls", textFile(cut(page(ok), 0.7)), ErrUnreadable, "cut short"),
		failed("no_table.html.xls", textFile("<html><body><table></table><p>导出失败</p></body></html>"), ErrEmpty, "no table"),
		limited(failed("html_big_cell.xls", textFile(page(withCell(ok, 2, 4, strings.Repeat("x", 5000)))), ErrLimit, "limits.cell_bytes"), Limits{CellBytes: 4096}),
		limited(failed("html_too_many_cells.xls", textFile(page(withColumn(ok, "备注", func(int) string { return "x" }))), ErrLimit,
			"limits.cells_per_row", "row 1"), Limits{CellsPerRow: 7}),
		limited(failed("padded_styles.xlsx", fixed(rawXLSX(okSheet, xlsxPart{"xl/styles.xml", strings.Replace(stylesXML(2), "<cellXfs",
			"<cellXfs"+strings.Repeat(" ", 60_000), 1)})), ErrLimit, "limits.styles", "more than 100 formats need"), Limits{Styles: 100}),
		failed("html_span_bomb.xls", textFile("<table><tr><td colspan=16384 rowspan=65536>x</td></tr>"+strings.Repeat("<tr><td>y</td></tr>", 200)+"</table>"),
			ErrLimit, "limits.cells_per_row"),
	}
}

// TestHostileCorpus reads every file of the corpus into a real database and checks its outcome.
func TestHostileCorpus(t *testing.T) {
	corpus := hostileCorpus()
	if len(corpus) < 60 {
		t.Fatalf("the corpus has %d files, want at least 60", len(corpus))
	}
	db := openDB(t)
	dir := t.TempDir()
	ctx := context.Background()
	for i, c := range corpus {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name)
			if err := os.WriteFile(path, c.data(), 0o600); err != nil {
				t.Fatal(err)
			}
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			id := int64(1000 * (i + 1))
			results, err := Load(ctx, conn, path, func() int64 { id++; return id }, Options{Limits: c.limits, TempDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			checkInvariant(t, results)
			res := only(t, results)
			if res.Status != c.status {
				t.Fatalf("status %s (%v), want %s", res.Status, res.Err, c.status)
			}
			if c.status != bidui.FileLoaded {
				if !errors.Is(res.Err, c.is) {
					t.Errorf("error %v, want one that wraps %v", res.Err, c.is)
				}
				for _, s := range append([]string{path}, c.says...) {
					if !strings.Contains(res.Err.Error(), s) {
						t.Errorf("error %q does not say %q", res.Err, s)
					}
				}
				if n := queryOne(t, db, `SELECT count(*) FROM rejects WHERE file_id = ?`, res.FileID); n != "0" {
					t.Errorf("a failed file left %s rejects", n)
				}
				return
			}
			if got := res.RowsLoaded + res.RowsRejected; got != c.rows {
				t.Errorf("loaded %d + rejected %d = %d rows, want the %d written", res.RowsLoaded, res.RowsRejected, got, c.rows)
			}
			if n := queryOne(t, db, `SELECT count(*) FROM src_gs WHERE file_id = ?`, res.FileID); n != fmt.Sprint(res.RowsLoaded) {
				t.Errorf("src_gs holds %s rows of the file, the result says %d", n, res.RowsLoaded)
			}
			got := map[string]int{}
			for _, r := range queryStrings(t, db, `SELECT reason FROM rejects WHERE file_id = ?`, res.FileID) {
				got[r]++
			}
			want := c.reject
			if want == nil {
				want = map[string]int{}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("rejects %v, want %v", got, want)
			}
		})
	}
}
