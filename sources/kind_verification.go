package sources

import (
	"strings"

	"github.com/bidui/bidui"
)

// verificationKind is a village correction workbook that came back with 核实结果 filled in. The rest of the
// workbook's columns (问题类型, 姓名, …) land in extra.
var verificationKind = register(&kindSpec{
	kind: bidui.KindVerification,
	fields: []field{
		required(text("finding_id", "编号")),
		required(text("result", "核实结果")),
		text("note", "核实说明"),
		text("verifier", "核实人"),
		date("verified_on", "核实日期"),
	},
	keys:        []string{"finding_id"},
	newFinisher: func(*sheetInfo) func(rec record) { return canonicalResult },
})

// correctedWords and acceptedWords are how villages type the two answers when they do not pick them from
// the drop-down (a copy pasted in, a workbook re-saved by WPS without its validation, a note added):
// 已修正（已在医保系统更正）, 情况属实，不需修正, 属实，无需修正. An answer that says it corrected something is
// 已修正, whatever else it says.
var (
	correctedWords = []string{"已修正", "已改正", "已更正", "已整改", "已修改", "已纠正", "已完成修正", "已完成整改"}
	acceptedWords  = []string{"属实", "无需修正", "不需修正", "无需修改", "不需修改", "无需整改", "不需整改", "无需更正", "不需更正",
		"不用修正", "无须修正"}
)

// canonicalResult writes a typed form of 已修正 or 情况属实无需修正 as the drop-down's own words; any other
// answer (其他, free text) stays as it was written.
func canonicalResult(rec record) {
	r, _ := rec["result"].(string)
	key := squeeze(fold(r))
	if key == "" || key == bidui.VerifiedCorrected || key == bidui.VerifiedAccepted {
		return
	}
	if key == "修正" || containsAnyWord(key, correctedWords) {
		rec["result"] = bidui.VerifiedCorrected
		return
	}
	// 情况不属实 says the opposite: left for a person to read.
	if containsAnyWord(key, acceptedWords) && !strings.Contains(key, "不属实") {
		rec["result"] = bidui.VerifiedAccepted
	}
}

func containsAnyWord(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
