package sources

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bidui/bidui"
	"golang.org/x/text/width"
)

// Reject reasons, as stored in rejects.reason. A value reject leaves its field NULL and the row loaded; a row
// reject (no_person_key, wrong_column_count) keeps the whole row out of the staging table.
const (
	ReasonIDExcelRounded   = "id_excel_rounded"   // an ID that Excel turned into a float: its last digits are gone
	ReasonBadDate          = "bad_date"           // not a date in any form the contract lists
	ReasonBadBool          = "bad_bool"           // not a yes/no value
	ReasonBadNumber        = "bad_number"         // not an amount
	ReasonBadInteger       = "bad_integer"        // not a whole number (family size)
	ReasonBadYear          = "bad_year"           // not a year between 1900 and 2100, nor a date
	ReasonBadEnum          = "bad_enum"           // a word the enumeration does not know
	ReasonNoPersonKey      = "no_person_key"      // row reject: neither an ID nor a name (for verification: no 编号)
	ReasonWrongColumnCount = "wrong_column_count" // row reject: a CSV record with text beyond its header's columns
)

// Date precisions, stored in the X_precision column next to every DATE column X.
const (
	PrecisionDay   = "day"
	PrecisionMonth = "month"
)

// fold maps full-width letters, digits and punctuation to their ASCII forms (and the ideographic space to a
// plain space), so that "３７０３２３" and "370323" compare equal.
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			// Only the ideographic space and the Halfwidth and Fullwidth Forms block change: most Chinese
			// text has neither, and skips the costly transform.
			for _, r := range s[i:] {
				if r == '\u3000' || (r >= 0xFF00 && r <= 0xFFEF) {
					return width.Fold.String(s)
				}
			}
			return s
		}
	}
	return s
}

// squeeze removes every white-space character, including line breaks, NBSP and the ideographic space.
func squeeze(s string) string {
	if strings.IndexFunc(s, isSpace) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, s)
}

func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u00a0' || r == '\u3000' || r == '\u200b' || r == '\ufeff'
}

// cleanText trims a cell the way a person reading it would: surrounding white space (including NBSP and the
// ideographic space) does not count.
func cleanText(s string) string {
	return strings.TrimFunc(s, isSpace)
}

// unwrapExcelText strips the two tricks people use to keep Excel from reading a long number as a number:
// the formula wrapper ="…" and a leading apostrophe.
func unwrapExcelText(s string) string {
	if strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) && len(s) >= 3 {
		s = s[2 : len(s)-1]
	} else if strings.HasPrefix(s, "=") && len(s) > 1 && isDigits(s[1:]) {
		s = s[1:]
	}
	s = strings.TrimPrefix(s, "'")
	s = strings.TrimPrefix(s, "‘") // the curly quote that Chinese input methods type for '
	return s
}

var scientific = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?E[+]?[0-9]+$`)

// normalizeID returns the normalised form of an ID cell, or "" and a reject reason when the cell held an ID
// that cannot be recovered (id_excel_rounded: scientific notation, or 15 digits and 000 with a wrong check
// character). An empty cell gives "", "". Any other text that is not shaped like an ID is
// returned normalised (matching decides what it is), never rejected: a passport number or a typo is evidence.
func normalizeID(raw string) (id, reason string) {
	s := unwrapExcelText(cleanText(raw))
	s = strings.ToUpper(squeeze(fold(s)))
	s = strings.Trim(s, `"`)
	if s == "" {
		return "", ""
	}
	if scientific.MatchString(s) {
		exact, ok := expandScientific(s)
		if !ok {
			return "", ReasonIDExcelRounded
		}
		s = exact
	}
	// A numeric cell that a tool wrote as a float with a zero fraction still holds every digit.
	if i := strings.IndexByte(s, '.'); i >= 15 && isDigits(s[:i]) && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	// Excel keeps 15 significant digits: an 18-digit ID that went through a number comes back as its first
	// 15 digits and 000. A real ID may end in 000 too, but then its check character is right.
	if len(s) == 18 && isDigits(s) && strings.HasSuffix(s, "000") && !bidui.ValidID(s) {
		return "", ReasonIDExcelRounded
	}
	// 残疾人证号 is the ID followed by two (category, grade) or four characters.
	if (len(s) == 20 || len(s) == 22) && isDigits(s[:17]) && (isDigit(s[17]) || s[17] == 'X') {
		s = s[:18]
	}
	return s, ""
}

// expandScientific writes a number in E notation as its whole digits when every digit is there: Java tools
// (Apache POI) write the exact 15-digit 370323800101123 as 3.70323800101123E14. When the mantissa has fewer
// digits than the number (Excel's 3.70323198001011E+17 for an 18-digit ID), the rest are lost: ok is false.
func expandScientific(s string) (digits string, ok bool) {
	mant, exp, _ := strings.Cut(s, "E")
	e, err := strconv.Atoi(strings.TrimPrefix(exp, "+"))
	if err != nil || e > 40 {
		return "", false
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	all := strings.TrimLeft(intPart+frac, "0")
	width := len(strings.TrimLeft(intPart, "0")) + e // digits of the whole number
	if intPart == "0" || strings.Trim(intPart, "0") == "" {
		return "", false
	}
	if len(all) != width {
		return "", false // digits implied as zeros, or a fraction left over
	}
	return all, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// placeholder reports whether a cell holds one of the marks that offices put in an empty numeric or date cell.
func placeholder(s string) bool {
	switch s {
	case "-", "--", "—", "——", "/", "\\":
		return true
	}
	return false
}

// excelEpoch is day 0 of Excel's 1900 date system as it works after its fictitious 1900-02-29 (serial 60).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

var (
	dateYMD     = regexp.MustCompile(`^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$`)
	dateYM      = regexp.MustCompile(`^([0-9]{4})[-/.]([0-9]{1,2})$`)
	dateChinese = regexp.MustCompile(`^([0-9]{4})年([0-9]{1,2})月(?:([0-9]{1,2})[日号]?)?$`)
	timeOfDay   = regexp.MustCompile(`^[0-9]{1,2}(:[0-9]{1,2}){1,2}(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?$`)
	serialDate  = regexp.MustCompile(`^[0-9]{1,7}(\.[0-9]+)?$`)
)

// parseDate reads a date cell in any of the forms of the source contract. It returns the date (the 1st of
// the month for month precision), its precision, and ok = false when the cell is not blank but unreadable.
// A blank cell gives a zero time, "" and ok = true.
func parseDate(raw string) (t time.Time, precision string, ok bool) {
	s := squeezeDate(cleanText(fold(raw)))
	if s == "" || placeholder(s) {
		return time.Time{}, "", true
	}
	// A datetime: keep the date, when what follows it is a time of day.
	if i := strings.IndexAny(s, " T"); i > 0 {
		if rest := strings.TrimSpace(s[i+1:]); timeOfDay.MatchString(rest) {
			s = s[:i]
		} else {
			return time.Time{}, "", false
		}
	}
	if m := dateYMD.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3])
	}
	if m := dateChinese.FindStringSubmatch(s); m != nil {
		if m[3] == "" {
			return ymd(m[1], m[2], "")
		}
		return ymd(m[1], m[2], m[3])
	}
	if m := dateYM.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], "")
	}
	if isDigits(s) && len(s) == 8 {
		return ymd(s[:4], s[4:6], s[6:])
	}
	// A system's timestamp, yyyymmddHHMMSS: the date, when the rest is a time of day.
	if isDigits(s) && len(s) == 14 {
		if h, m, sec := s[8:10], s[10:12], s[12:]; h < "24" && m < "60" && sec < "60" {
			return ymd(s[:4], s[4:6], s[6:8])
		}
		return time.Time{}, "", false
	}
	if isDigits(s) && len(s) == 6 {
		return ymd(s[:4], s[4:], "")
	}
	if serialDate.MatchString(s) {
		return excelSerial(s)
	}
	return time.Time{}, "", false
}

// squeezeDate removes spaces inside a date except the one between a date and a time of day.
func squeezeDate(s string) string {
	if i := strings.IndexFunc(s, isSpace); i > 0 && strings.Contains(s[i:], ":") {
		head, tail := s[:i], cleanText(s[i:])
		return squeeze(head) + " " + squeeze(tail)
	}
	return squeeze(s)
}

func ymd(ys, ms, ds string) (time.Time, string, bool) {
	y, _ := strconv.Atoi(ys)
	m, _ := strconv.Atoi(ms)
	precision := PrecisionMonth
	d := 1
	if ds != "" {
		d, _ = strconv.Atoi(ds)
		precision = PrecisionDay
	}
	if y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 2023-02-30 rolls over in time.Date
		return time.Time{}, "", false
	}
	return t, precision, true
}

// excelSerial reads an Excel 1900-system serial day number, as a date cell's raw value holds it (the time of
// day in the fraction is dropped). A bare four-digit year is not taken for a serial: 2023 is a year, not
// 1905-07-15.
func excelSerial(s string) (time.Time, string, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}, "", false
	}
	day := math.Floor(f)
	if isDigits(s) && day >= 1800 && day <= 2200 {
		return time.Time{}, "", false
	}
	// A cell's serial never starts with 0, and a serial with a time of day is a datetime of this century or
	// the last: 0612 and 6.12 are a month and a day typed without a year, not 1901-09-03 and 1900-01-06.
	if s[0] == '0' || (f != day && day < 10000) {
		return time.Time{}, "", false
	}
	switch {
	case day < 1 || day > 2958465: // 9999-12-31
		return time.Time{}, "", false
	case day == 60: // 1900-02-29, which never was
		return time.Time{}, "", false
	case day < 60:
		day++ // before Excel's phantom leap day the epoch is one day later
	}
	return excelEpoch.AddDate(0, 0, int(day)), PrecisionDay, true
}

// parseBool reads a yes/no cell. It returns ok = false for a non-blank cell it cannot read, and set = false
// for a blank one (NULL: a blank is not a no).
func parseBool(raw string) (v, set, ok bool) {
	s := strings.ToUpper(squeeze(fold(cleanText(raw))))
	if s == "" {
		return false, false, true
	}
	switch s {
	case "是", "√", "✓", "✔", "☑", "1", "1.0", "Y", "YES", "有", "TRUE", "T", "对":
		return true, true, true
	case "否", "×", "✗", "✘", "X", "☐", "0", "0.0", "N", "NO", "无", "没有", "FALSE", "F", "错":
		return false, true, true
	}
	// 已消除 / 未消除, 已参加 / 未参加, 不是: the prefix carries the answer.
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '已':
		return true, true, true
	case '未', '不', '没', '非':
		return false, true, true
	}
	return false, false, false
}

// checkMark tells an answer written as a mark (√ for yes, × for no): in a column of marks only, a blank cell
// is a no.
func checkMark(raw string) bool {
	switch squeeze(cleanText(raw)) {
	case "√", "✓", "✔", "☑", "×", "✗", "✘", "☐":
		return true
	}
	return false
}

// moneyMarks are what may surround or separate the digits of an amount.
var moneyMarks = strings.NewReplacer(",", "", "，", "", "元", "", "¥", "", "￥", "", "RMB", "")

// parseNumber reads an amount: thousands separators, 元, ¥, full-width digits, spaces and a 万 (ten
// thousand) are allowed. It
// returns set = false for a blank cell and ok = false for an unreadable one.
func parseNumber(raw string) (v float64, set, ok bool) {
	s := squeeze(fold(cleanText(raw)))
	if s == "" || placeholder(s) {
		return 0, false, true
	}
	s = moneyMarks.Replace(s)
	scale := 1.0
	if rest, ok := strings.CutSuffix(s, "万"); ok { // 1.2万(元)
		s, scale = rest, 10000
	}
	if s == "" {
		return 0, false, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false, false
	}
	if scale != 1 {
		f = math.Round(f*scale*100) / 100 // to the fen: 0.7万 is 7000, not 7000.000000000001
	}
	return f, true, true
}

// parseInteger reads a whole number (a year, a number of people); a unit after it (年, 年度, 人, 口) is
// allowed. It returns set = false for a blank cell and ok = false for an unreadable one or one that does not
// fit an INTEGER column.
func parseInteger(raw string) (v int32, set, ok bool) {
	s := squeeze(fold(cleanText(raw)))
	if s == "" || placeholder(s) {
		return 0, false, true
	}
	for _, unit := range []string{"年度", "年", "人", "口"} {
		s = strings.TrimSuffix(s, unit)
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
		return 0, false, false
	}
	return int32(f), true, true
}

// parseYear reads a year: 2016, 2016年, 2016年度, or a date whose year it takes (a date cell's serial number,
// 2016-01-01, 2016年1月). It returns ok = false for anything else, a year before 1900 or after 2100 included.
func parseYear(raw string) (v int32, set, ok bool) {
	s := squeeze(fold(cleanText(raw)))
	if s == "" || placeholder(s) {
		return 0, false, true
	}
	if y, set, ok := parseInteger(s); ok && set && y >= 1900 && y <= 2100 {
		return y, true, true
	}
	// A number is a date cell's serial only with five digits (1927 to 2173); 16 or 3016 is no year at all.
	if isDigits(s) && len(s) != 5 {
		return 0, false, false
	}
	if t, _, ok := parseDate(s); ok && !t.IsZero() && t.Year() >= 1900 && t.Year() <= 2100 {
		return int32(t.Year()), true, true
	}
	return 0, false, false
}

// An enumeration maps the words offices write to the values the staging tables hold.
type enumeration struct {
	exact    map[string]string // normalised word -> value
	prefixes [][2]string       // checked in order after exact: prefix -> value
	contains [][2]string       // checked in order last, also on the word without its bracketed note
	opposite map[string]string // value -> its negation, for a contained word written negated (未纳入)
}

// negation is a word written right before a contained word that turns it into its opposite: 未纳入, 没有纳入,
// 无需纳入, 暂缓纳入, 非正常, 未停保, 取消停保. A negation followed by 予, 拟, 被 or 再 still negates (未予纳入).
var negation = regexp.MustCompile(`(未|不|没有|没|无需|无须|非|暂缓|取消|否决|放弃|撤销)(予|拟|被|再)?$`)

// lookup returns the value of a cell, set = false for a blank one and ok = false for an unknown word.
func (e *enumeration) lookup(raw string) (v string, set, ok bool) {
	s := squeeze(fold(cleanText(raw)))
	if s == "" {
		return "", false, true
	}
	// As written, then without a note in brackets: 在保（分类施保）, 参保(个人缴费).
	if v, ok := e.word(s); ok {
		return v, true, true
	}
	if bare := bareHeader(s); bare != s {
		if v, ok := e.word(bare); ok {
			return v, true, true
		}
	}
	for _, c := range e.contains {
		i := strings.Index(s, c[0])
		if i < 0 {
			continue
		}
		if negation.MatchString(s[:i]) {
			// A negated word means the opposite value, or, without one, nothing this enumeration can say.
			if o, ok := e.opposite[c[1]]; ok {
				return o, true, true
			}
			return "", false, false
		}
		return c[1], true, true
	}
	return "", false, false
}

// negatable says that values a and b are each other's negation (纳入 and 未纳入).
func (e *enumeration) negatable(a, b string) *enumeration {
	if e.opposite == nil {
		e.opposite = map[string]string{}
	}
	e.opposite[a], e.opposite[b] = b, a
	return e
}

// word looks a normalised word up among the exact words, then the prefixes.
func (e *enumeration) word(w string) (string, bool) {
	if v, found := e.exact[w]; found {
		return v, true
	}
	for _, p := range e.prefixes {
		if strings.HasPrefix(w, p[0]) {
			return p[1], true
		}
	}
	return "", false
}

// containing adds words that decide a value wherever they stand, checked in order after every exact word and
// prefix: 经研判，纳入监测.
func (e *enumeration) containing(rules ...[2]string) *enumeration {
	e.contains = append(e.contains, rules...)
	return e
}

// enum builds an enumeration from value -> words.
func enum(words map[string][]string, prefixes ...[2]string) *enumeration {
	e := &enumeration{exact: map[string]string{}, prefixes: prefixes}
	for v, ws := range words {
		for _, w := range ws {
			e.exact[squeeze(fold(w))] = v
		}
	}
	return e
}
