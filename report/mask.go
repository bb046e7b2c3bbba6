package report

import (
	"strings"

	"github.com/bidui/bidui"
)

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

// maskIDsIn masks every valid 18-character ID number that stands alone in text (not part of a longer digit
// run). Rules write free text into detail, and a 公示 copy must not leak a number there either. Only IDs that
// pass the check-character test are masked, so household numbers and amounts are left alone.
func maskIDsIn(text string) string {
	var b strings.Builder
	start := -1 // start of the current run of digits (with an optional trailing X), -1 outside one
	flush := func(end int) {
		run := text[start:end]
		if len(run) == 18 && bidui.ValidID(strings.ToUpper(run)) {
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
