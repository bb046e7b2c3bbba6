package sources

// The layout of Chinese forms around their data: 合计 rows, the header repeated over each block of a roster
// made of blocks, titles between blocks, empty numbered rows, and the 制表人/审核人/注 lines under the table.
// The row parser (sheet.go) asks these before it reads a row as a person.

import (
	"regexp"
	"slices"
	"strings"
)

// normalizedRow returns a row's cells as normalizeHeader reads them.
func normalizedRow(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = normalizeHeader(c)
	}
	return out
}

// isTotal recognises a 合计/总计/小计 row: the word opens one of the row's first cells with text, or stands
// anywhere in a row without an ID (a person's row may mention 合计 in a remark).
func (p *rowParser) isTotal(cells []string) bool {
	seen := 0
	for _, c := range cells {
		if cleanText(c) == "" {
			continue
		}
		seen++
		if !strings.Contains(c, "计") {
			continue // most cells: no need to normalise them
		}
		n := normalizeHeader(c)
		if strings.HasPrefix(n, "合计") || strings.HasPrefix(n, "总计") || strings.HasPrefix(n, "小计") {
			if seen <= 3 {
				return true
			}
			if p.idCol < 0 || p.idCol >= len(cells) || strings.IndexFunc(cells[p.idCol], func(r rune) bool { return r >= '0' && r <= '9' }) < 0 {
				return true
			}
		}
	}
	return false
}

// isHeaderAgain recognises the header repeated below the data, as a file made of several blocks (one per
// village, each under its own title and header) has it: the row repeats the header row as written, or the
// parent row of a two-level header, in at least two cells and every non-empty one; or at least two cells,
// and every cell that lies under a read column, are headers of that column's field.
func (p *rowParser) isHeaderAgain(cells []string) bool {
	for _, h := range p.headerRows {
		same, differ := 0, false
		for i, c := range cells {
			n := normalizeHeader(c)
			if n == "" {
				continue
			}
			if i >= len(h) || h[i] != n {
				differ = true
				break
			}
			same++
		}
		if !differ && same >= 2 {
			return true
		}
	}
	same := 0
	for i, c := range cells {
		if cleanText(c) == "" || i >= len(p.hm.cols) || p.hm.cols[i] == nil {
			continue
		}
		n := bareHeader(normalizeHeader(c))
		if !slices.ContainsFunc(p.hm.cols[i].headers, func(h string) bool { return bareHeader(normalizeHeader(h)) == n }) &&
			n != bareHeader(normalizeHeader(p.hm.seen[i])) {
			return false
		}
		same++
	}
	return same >= 2
}

// titleWords end the title of a table: 某村农村低保名册, 二村研判台账.
var titleWords = []string{"名册", "花名册", "台账", "统计表", "明细表", "一览表", "汇总表", "信息表", "登记表", "清单", "名单"}

// isTitle recognises a table's title line between blocks of data: one text (a title merged across the row
// repeats it) that ends with a table word and holds no long run of digits.
func isTitle(cells []string) bool {
	text := ""
	for _, c := range cells {
		if c = cleanText(c); c == "" || c == text {
			continue
		}
		if text != "" {
			return false
		}
		text = c
	}
	if digitRun(text) >= 6 {
		return false
	}
	t := bareHeader(normalizeHeader(text))
	return slices.ContainsFunc(titleWords, func(w string) bool { return strings.HasSuffix(t, w) })
}

// isTemplate recognises an empty row of a form that was numbered or filled down in advance: every cell with
// text is either in a column no field reads and holds a small whole number (a 序号 dragged down), or names a
// place (county, town, village: a merged area reaching over the empty rows).
func (p *rowParser) isTemplate(cells []string) bool {
	for i, c := range cells {
		c = cleanText(c)
		if c == "" {
			continue
		}
		var f *field
		if i < len(p.hm.cols) {
			f = p.hm.cols[i]
		}
		switch {
		case f == nil && isDigits(fold(c)) && len(c) <= 6:
		case f != nil && (f.name == "county" || f.name == "town" || f.name == "village"):
		default:
			return false
		}
	}
	return true
}

// footerLabels open the lines that forms put under their data: who made and checked the table, when, and
// notes.
var footerLabels = []string{"制表人", "制表", "填表人", "填表", "填报人", "审核人", "审核", "负责人", "单位负责人", "分管领导",
	"经办人", "统计人", "联系人", "联系电话", "电话", "制表单位", "填报单位", "制表日期", "填报日期", "制表时间", "打印日期",
	"打印时间", "打印人", "导出时间", "导出人", "日期", "注", "备注", "说明", "填表说明", "填报说明"}

// footerNumbered is a numbered note line: 1、本表由村两委填写。
var footerNumbered = regexp.MustCompile(`^[0-9]{1,2}[、.．)）]\D`)

// isFooter recognises such a line: at most four different texts in its cells (a footer merged across the
// row repeats one), none holding a long run of digits (an ID or a household number), the first a footer
// label followed by a colon or standing alone, a numbered note, or a 盖章 (seal) line.
func isFooter(cells []string) bool {
	// The first cell with text decides whether the row can be a footer at all: most rows are people, and
	// this is all they cost.
	first := ""
	for _, c := range cells {
		if c = cleanText(c); c != "" {
			first = c
			break
		}
	}
	// Every footer starts with a label, a digit or a place name before 盖章: a row of people starts with a
	// county, a name or a number, which footerStart rules out cheaply only after normalising, so the common
	// case (no colon and no 盖章/签 in the cell, not a numbered note) is settled here first.
	if first == "" || (!strings.ContainsAny(first, ":：、.．)）章签") && !slices.Contains(footerLabels, first)) {
		return false
	}
	first = normalizeHeader(first)
	if !footerStart(first) {
		return false
	}
	var texts []string
	for _, c := range cells {
		c = cleanText(c)
		if c == "" || slices.Contains(texts, c) {
			continue
		}
		if len(texts) == 4 || digitRun(c) >= 15 {
			return false
		}
		texts = append(texts, c)
	}
	return true
}

// footerStart tells whether a row's first text opens a footer line.
func footerStart(first string) bool {
	if footerNumbered.MatchString(first) && len([]rune(first)) >= 6 {
		return true
	}
	if strings.Contains(first, "盖章") || strings.Contains(first, "签字") || strings.Contains(first, "签名") {
		return true
	}
	for _, l := range footerLabels {
		if rest, ok := strings.CutPrefix(first, l); ok && (rest == "" || strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "：")) {
			return true
		}
	}
	return false
}

// digitRun is the length of the longest run of ASCII digits in s.
func digitRun(s string) int {
	longest, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	return longest
}

// widthOK: a CSV record may not hold text beyond the header's last column, where it would be a value
// shifted out of its column (an unquoted separator inside a field). A record may be shorter than the header:
// Excel leaves the separators of empty trailing cells out of some rows of the CSV it saves.
func (p *rowParser) widthOK(cells []string) bool {
	if len(cells) <= p.hm.width {
		return true
	}
	for _, c := range cells[p.hm.width:] {
		if cleanText(c) != "" {
			return false
		}
	}
	return true
}
