package sources

import "github.com/bidui/bidui"

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
	keys: []string{"finding_id"},
}
