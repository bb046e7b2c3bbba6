package sources

import (
	"bytes"
	"context"
	"fmt"
)

// A book is an opened input file: one or more sheets of rows.
type book struct {
	format   string // xlsx, xls, xml (SpreadsheetML), html, csv
	encoding string // csv and html: the text encoding found
	sheets   []*sheetSource
	closeFn  func()
}

func (b *book) close() {
	if b.closeFn != nil {
		b.closeFn()
	}
}

// A sheetSource is one sheet, opened when it is read.
type sheetSource struct {
	name string
	// strictWidth: a record may not have text beyond the header's columns (CSV); a spreadsheet's rows are
	// ragged by nature.
	strictWidth bool
	open        func() (rowIter, error)
}

// rowIter yields the rows of a sheet with their 1-based row numbers as a spreadsheet shows them.
type rowIter interface {
	// next returns the next row, or io.EOF after the last.
	next() (cells []string, rowNo int, err error)
	close()
}

var (
	magicZip  = []byte("PK\x03\x04")
	magicOLE2 = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// openBook reads the file by what its bytes are, not by its name: departments save HTML and xlsx as .xls,
// and CSV as .txt or .xls.
func openBook(ctx context.Context, path string, data []byte, opts Options) (*book, error) {
	switch {
	case bytes.HasPrefix(data, magicZip):
		b, err := openXLSX(data, opts.Limits)
		if b == nil {
			b = &book{}
		}
		b.format = "xlsx"
		return b, err
	case bytes.HasPrefix(data, magicOLE2):
		b := &book{format: "xls"}
		converted, err := convertXLS(ctx, data, opts.TempDir)
		if err != nil {
			return b, err
		}
		x, err := openXLSX(converted, opts.Limits)
		if err != nil {
			return b, err
		}
		x.format = "xls"
		return x, nil
	}
	if isXMLSpreadsheet(data) {
		b := &book{format: "xml"}
		converted, err := convertXMLSpreadsheet(ctx, data, opts.TempDir)
		if err != nil {
			return b, err
		}
		x, err := openXLSX(converted, opts.Limits)
		if err != nil {
			return b, err
		}
		x.format = "xml"
		return x, nil
	}
	text, encoding, err := decodeText(data)
	if err != nil {
		return &book{format: sniffTextFormat(data)}, err
	}
	if sniffTextFormat(data) == "html" {
		b, err := openHTML(path, text, opts.Limits)
		if b != nil {
			b.encoding = encoding
		}
		return b, err
	}
	b, err := openCSV(path, text, opts.Limits)
	b.encoding = encoding
	return b, err
}

// isXMLSpreadsheet recognises Excel 2003's XML Spreadsheet (SpreadsheetML), which some systems save as .xls.
func isXMLSpreadsheet(data []byte) bool {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	return bytes.HasPrefix(head, []byte("<?xml")) &&
		bytes.Contains(head, []byte("urn:schemas-microsoft-com:office:spreadsheet"))
}

// sniffTextFormat tells an HTML table saved as .xls from delimited text by its first bytes.
func sniffTextFormat(data []byte) string {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	head = bytes.ToLower(head)
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(trimmed, []byte("<")) &&
		(bytes.Contains(head, []byte("<table")) || bytes.Contains(head, []byte("<html"))) {
		return "html"
	}
	return "csv"
}

// sniffBinary returns an error saying what the file is when its first bytes are not text: a document or an
// archive of another sort, or anything with NUL bytes.
func sniffBinary(data []byte) error {
	for _, m := range []struct {
		magic []byte
		what  string
	}{
		{[]byte("%PDF"), "a PDF document"},
		{[]byte("\x1f\x8b"), "a gzip archive"},
		{[]byte("Rar!"), "a RAR archive"},
		{[]byte("7z\xbc\xaf"), "a 7-Zip archive"},
		{[]byte("\x89PNG"), "a PNG image"},
		{[]byte("\xff\xd8\xff"), "a JPEG image"},
	} {
		if bytes.HasPrefix(data, m.magic) {
			return fmt.Errorf("%w: the file is %s", ErrNotTabular, m.what)
		}
	}
	// Binary data is full of NULs; a stray NUL or two inside a value of a text file is damage to that value
	// (rejected with its row), not a reason to read none of the file.
	if nuls := bytes.Count(data, []byte{0}); nuls > 0 && (nuls*20 > len(data) || data[0] == 0) {
		return fmt.Errorf("%w: the file holds binary data (NUL bytes)", ErrNotTabular)
	}
	return nil
}
