package sources

import (
	"strings"

	"github.com/bidui/bidui"
)

// verificationKind is a village correction workbook that came back with 核实结果 filled in. The rest of the
// workbook's columns (问题类型, 姓名, …) land in extra.
var verificationKind = &kindSpec{
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
}

// resultWords are how villages type the two answers when they do not pick them from the drop-down (a copy
// pasted in, a workbook re-saved by WPS without its validation).
var resultWords = map[string]string{
	"已修正": bidui.VerifiedCorrected, "已改正": bidui.VerifiedCorrected, "已更正": bidui.VerifiedCorrected, "已整改": bidui.VerifiedCorrected,
	"已修改": bidui.VerifiedCorrected, "已纠正": bidui.VerifiedCorrected, "修正": bidui.VerifiedCorrected, "已修正完毕": bidui.VerifiedCorrected,
	"已完成修正": bidui.VerifiedCorrected, "已整改完毕": bidui.VerifiedCorrected, "已整改到位": bidui.VerifiedCorrected,
	"情况属实无需修正": bidui.VerifiedAccepted, "情况属实": bidui.VerifiedAccepted, "属实": bidui.VerifiedAccepted, "属实无需修正": bidui.VerifiedAccepted,
	"无需修正": bidui.VerifiedAccepted, "情况属实,无需修正": bidui.VerifiedAccepted, "情况属实不需修正": bidui.VerifiedAccepted,
	"情况属实无需修改": bidui.VerifiedAccepted, "情况属实无需整改": bidui.VerifiedAccepted, "无需整改": bidui.VerifiedAccepted,
}

// canonicalResult writes a typed variant of 已修正 or 情况属实无需修正 as the drop-down's own words; any other
// answer (其他, free text) stays as it was written.
func canonicalResult(rec record) {
	r, _ := rec["result"].(string)
	key := strings.NewReplacer("，", ",", "。", "", ".", "", "、", ",").Replace(squeeze(fold(r)))
	if v, ok := resultWords[key]; ok {
		rec["result"] = v
	}
}
