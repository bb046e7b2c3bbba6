package sources

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Text encodings, as Result.Encoding names them.
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF8BOM = "utf-8-bom"
	EncodingGB18030 = "gb18030"
	EncodingUTF16   = "utf-16" // Excel's "Unicode text" export: UTF-16 with a BOM, tab separated
)

// decodeText turns the bytes of a text file into a string. UTF-8 is recognised by its BOM or by being valid;
// anything else is decoded as GB18030, which covers GBK and GB2312 (the GBK decoder would lose the
// characters only GB18030 has, among them rare characters in names). A GB18030 decoding that produces
// U+FFFD means the guess was wrong, and is an error rather than a load of mangled names.
func decodeText(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		body := data[3:]
		if !utf8.Valid(body) {
			off := invalidUTF8Offset(body)
			return "", EncodingUTF8BOM, fmt.Errorf("%w: the file starts with a UTF-8 BOM but line %d is not UTF-8",
				ErrEncoding, lineAt(body, off))
		}
		return string(body), EncodingUTF8BOM, nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil {
			return "", EncodingUTF16, fmt.Errorf("%w: bad UTF-16: %v", ErrEncoding, err)
		}
		return string(out), EncodingUTF16, nil
	}
	head := data
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	if err := sniffBinary(head); err != nil {
		return "", "", err
	}
	if utf8.Valid(data) {
		return string(data), EncodingUTF8, nil
	}
	if multi, bad, first := utf8Profile(data); multi > 0 && multi >= 4*bad {
		return "", "", fmt.Errorf("%w: the file is UTF-8 except for %d damaged bytes (first on line %d); "+
			"save it again as CSV UTF-8", ErrEncoding, bad, lineAt(data, first))
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return "", EncodingGB18030, fmt.Errorf("%w: %v", ErrEncoding, err)
	}
	text := string(out)
	if n := strings.Count(text, "\uFFFD"); n > 0 {
		line := 1 + strings.Count(text[:strings.Index(text, "\uFFFD")], "\n")
		return "", EncodingGB18030, fmt.Errorf("%w: not UTF-8, and %d characters do not decode as GB18030 either "+
			"(first on line %d); save the file as CSV UTF-8 or CSV in GB18030/GBK", ErrEncoding, n, line)
	}
	return text, EncodingGB18030, nil
}

// utf8Profile counts the valid multi-byte UTF-8 sequences and the invalid bytes of data, and the offset of
// the first invalid byte. Chinese text in GB18030 is almost all invalid as UTF-8; UTF-8 with a few damaged
// bytes is almost all valid.
func utf8Profile(data []byte) (multi, bad, first int) {
	first = -1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			bad++
			if first < 0 {
				first = i
			}
		case size > 1:
			multi++
		}
		i += size
	}
	return multi, bad, first
}

func invalidUTF8Offset(data []byte) int {
	_, _, first := utf8Profile(data)
	return first
}

func lineAt(data []byte, off int) int {
	if off < 0 || off > len(data) {
		return 0
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}
