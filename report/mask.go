package report

import (
	"regexp"
	"strings"

	"github.com/bidui/bidui"
)

// excelIDs is an ID that Excel turned into a number in scientific notation: 3.70323196806061E+17.
var excelIDs = regexp.MustCompile(`[1-9]\.[0-9]{6,16}[Ee]\+?17`)

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// maskID hides the middle of an ID number for copies that are posted publicly (公示): the first 6 characters
// (the region) and the last 4 stay, every other character becomes `*`, so 370323199001011234 reads
// 370323********1234. A value of 10 characters or fewer is not a usable ID and is masked whole, since
// showing 6 + 4 of it would show nearly all of it.
func maskID(id string) string {
	r := []rune(id)
	if len(r) <= 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// idLike tells an ID number as a row may hold it: 18 characters whose birth-year digits start 18, 19 or 20
// (the rest of the date may be damaged: a swap or a wrong digit there), or 15 digits whose birth-date digits
// make a real date. A household number (370323001001000011) has no year there.
func idLike(run string) bool {
	switch {
	case len(run) == 18:
		y := run[6:8]
		return y == "18" || y == "19" || y == "20"
	case len(run) == 15 && isDigits(run):
		_, dated := bidui.IDBirthDate(run)
		return dated
	}
	return false
}

// maskIDsIn masks every ID number that stands alone in text (not part of a longer digit run): 18 characters
// or the old 15 digits whose birth-date digits make a real date, whether or not the check character is right
// (ID-02 quotes the damaged form, one digit away from the person's), and Excel's 3.70323196806061E+17 form.
// Rules write free text into detail, and a 公示 copy must not leak a number there either. Household numbers
// (no date where an ID has its birth date) and amounts are left alone.
func maskIDsIn(text string) string {
	text = excelIDs.ReplaceAllStringFunc(text, func(m string) string {
		// Keep what the region shows (the first six digits), mask the rest of the mantissa.
		var b strings.Builder
		digits := 0
		for _, c := range m {
			switch {
			case c >= '0' && c <= '9':
				digits++
				if digits > 6 {
					c = '*'
				}
			case c == 'E' || c == 'e':
				digits = -1 << 10 // the exponent stays
			}
			b.WriteRune(c)
		}
		return b.String()
	})
	var b strings.Builder
	start := -1 // start of the current run of digits (with an optional trailing X), -1 outside one
	flush := func(end int) {
		run := text[start:end]
		if idLike(run) {
			b.WriteString(maskID(run))
		} else {
			b.WriteString(run)
		}
		start = -1
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= '0' && c <= '9':
			if start < 0 {
				start = i
			}
		case (c == 'X' || c == 'x') && start >= 0 && i-start == 17:
			// The check character ends the run: an ID followed directly by more text is still an ID.
			flush(i + 1)
		default:
			if start >= 0 {
				flush(i)
			}
			b.WriteByte(c)
		}
	}
	if start >= 0 {
		flush(len(text))
	}
	return b.String()
}
