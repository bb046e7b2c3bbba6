package sources

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode"

	"github.com/bidui/bidui"
)

// The fuzz targets check that no input, however hostile, makes the importer panic, and that what it returns
// keeps its contracts. Seeds are below and in testdata/fuzz/<Name>/.

func FuzzNormalizeID(f *testing.F) {
	id := testID("19800101", 121)
	for _, s := range []string{id, "", " ", `="` + id + `"`, "'" + id, "‘" + id, id + "11", id + "4201",
		"3.70323198001011E+17", id[:15] + "000", "３７０３２３１９８００１０１１２１ｘ", id + ".0", "=", `="`, "'", "E+", "1E+1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, reason := normalizeID(raw)
		if reason != "" && got != "" {
			t.Fatalf("normalizeID(%q) = %q with reason %q", raw, got, reason)
		}
		if strings.IndexFunc(got, isSpace) >= 0 {
			t.Fatalf("normalizeID(%q) = %q keeps white space", raw, got)
		}
		if strings.IndexFunc(got, func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0 {
			t.Fatalf("normalizeID(%q) = %q keeps lower case", raw, got)
		}
		if bidui.ValidID(got) {
			// A valid ID comes back as itself.
			if again, r := normalizeID(got); again != got || r != "" {
				t.Fatalf("normalizeID(%q) = %q, %q; a valid ID must be kept", got, again, r)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2023-05-12", "2023/5/12", "20230512", "2023.5.12", "2023年5月12日", "202305",
		"2023-05", "2023年5月", "45058", "45058.5", "2023-05-12 10:20:30", "60", "2958465", "99999999", "-",
		"2023-02-29", "1e308", "2023年13月", " ", "2023-05-12 ", "0.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d, precision, ok := parseDate(raw)
		switch {
		case !ok && (precision != "" || !d.IsZero()):
			t.Fatalf("parseDate(%q) = %v, %q, not ok, but with a value", raw, d, precision)
		case precision == "" && !d.IsZero():
			t.Fatalf("parseDate(%q) = %v without a precision", raw, d)
		case precision == PrecisionMonth && d.Day() != 1:
			t.Fatalf("parseDate(%q) = %v: month precision not on the 1st", raw, d)
		case precision != "" && precision != PrecisionDay && precision != PrecisionMonth:
			t.Fatalf("parseDate(%q): precision %q", raw, precision)
		case precision != "" && (d.Year() < 1800 || d.Year() > 9999):
			t.Fatalf("parseDate(%q) = %v: out of range", raw, d)
		}
	})
}

// FuzzDetectHeader reads its input as up to 20 rows (lines) of tab-separated cells.
func FuzzDetectHeader(f *testing.F) {
	f.Add("全国防返贫监测信息系统\n导出时间：2023-06-01\n户编号\t姓名\t证件号码\t备注\n1\t张三\t370323198001011214\t")
	f.Add("户主信息\t\t成员信息\t\t审批日期\n姓名\t身份证号\t姓名\t身份证号\t\n")
	f.Add("户编号\t帮扶措施\t\t姓名\t身份证号\n\t产业帮扶\t就业帮扶\t\t\n")
	f.Add("姓名\t身份证号\t研判日期\t研判结论\t学校名称\t批准日期\t参保状态\t供养方式\t编号\t核实结果")
	f.Add("*姓名\t*身份证号\t*学校\n")
	f.Add("\n\n\t\t\n")
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Split(text, "\n")
		if len(lines) > headerScanRows {
			lines = lines[:headerScanRows]
		}
		rows := make([][]string, len(lines))
		for i, l := range lines {
			rows[i] = strings.Split(l, "\t")
		}
		m, err := detectHeader(rows)
		if err != nil {
			if !errors.Is(err, ErrAmbiguousKind) {
				t.Fatalf("detectHeader: unexpected error %v", err)
			}
			return
		}
		_ = headersSeen(rows)
		if m == nil {
			return
		}
		if m.index < 0 || m.index >= len(rows) || len(m.cols) != len(m.seen) || m.width > len(m.cols) {
			t.Fatalf("bad match: index %d of %d rows, %d cols, %d seen, width %d", m.index, len(rows), len(m.cols),
				len(m.seen), m.width)
		}
		for _, f := range m.spec.fields {
			if _, ok := m.found[f.name]; f.required && !ok {
				t.Fatalf("kind %s matched without required %s", m.spec.kind, f.name)
			}
		}
	})
}

// FuzzDecodeCSV reads its input as the bytes of a text file (CSV, TSV or an HTML table) through the whole
// importer without a database, and checks that the rows add up.
func FuzzDecodeCSV(f *testing.F) {
	id := testID("19800101", 121)
	f.Add([]byte("户编号,姓名,身份证号码\r\nH1,张三," + id + "\r\n,,\r\n合计,1,\r\n"))
	f.Add([]byte("\xef\xbb\xbf户编号\t姓名\t身份证号码\nH1\t张三\t=\"" + id + "\"\n"))
	f.Add([]byte("\xbb\xa7\xb1\xe0\xba\xc5,\xd0\xd5\xc3\xfb,\xc9\xed\xb7\xdd\xd6\xa4\xba\xc5\xc2\xeb\r\nH1,\xd5\xc5\xc8\xfd," + id + "\r\n"))
	f.Add([]byte("<html><meta charset=gb2312><table><tr><td colspan=2>户编号</td><td>姓名</td><td>身份证号码</td></tr></table>"))
	f.Add([]byte("a,\"b\nc\",d\n\"unterminated"))
	f.Add([]byte("\xff\xfea\x00,\x00b\x00"))
	f.Add([]byte("\x81\x30\x81\x30,\xfe\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, magicOLE2) || bytes.HasPrefix(data, magicZip) || len(data) == 0 {
			return // workbooks have their own readers (and LibreOffice takes seconds to start)
		}
		text, encoding, err := decodeText(data)
		if err != nil {
			return
		}
		if encoding == EncodingUTF8 && text != string(data) {
			t.Fatalf("UTF-8 text changed by decoding")
		}
		b, err := openBook(context.Background(), "fuzz.csv", data, Options{Limits: DefaultLimits})
		if err != nil {
			return
		}
		defer b.close()
		fc := &fileContext{path: "fuzz.csv", sha12: "000000000000"}
		for _, sh := range b.sheets {
			var res Result
			if _, err := processSheet(context.Background(), fc, sh, &res, checkStager{}); err != nil {
				t.Fatalf("processSheet: %v", err)
			}
			if res.RowsRead != res.RowsLoaded+res.RowsSkipped+res.RowsRejected {
				t.Fatalf("read %d != loaded %d + skipped %d + rejected %d", res.RowsRead, res.RowsLoaded,
					res.RowsSkipped, res.RowsRejected)
			}
			if res.Status == bidui.FileLoaded && res.Err != nil {
				t.Fatalf("loaded with error %v", res.Err)
			}
			if res.Err != nil && !strings.Contains(res.Err.Error(), "fuzz.csv") {
				t.Fatalf("error %q does not name the file", res.Err)
			}
		}
		// The row iterator of every sheet ends.
		for _, sh := range b.sheets {
			it, err := sh.open()
			if err != nil {
				continue
			}
			for n := 0; ; n++ {
				cells, _, err := it.next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					break
				}
				for _, c := range cells {
					if strings.ContainsRune(c, unicode.ReplacementChar) && encoding == EncodingGB18030 {
						t.Fatalf("GB18030 text with U+FFFD got through: %q", c)
					}
				}
				if n > len(data)+1 {
					t.Fatalf("more rows than bytes")
				}
			}
			it.close()
		}
	})
}
