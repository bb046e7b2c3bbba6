package sources

import "github.com/bidui/bidui"

// tekunKind is the 民政 特困人员名册: one row per person in special-hardship support.
var tekunKind = &kindSpec{
	kind: bidui.KindTekun,
	fields: []field{
		text("county", civilCounty...),
		text("town", civilTown...),
		text("village", civilVillage...),
		required(text("name", "姓名")),
		required(id("id_number", "id_raw", "身份证号", "身份证号码", "证件号码")),
		required(text("support_mode", "供养方式")),
		date("approved_on", "认定日期", "审批日期", "纳入时间"),
		withDefault(enumField("status", statusEnum, "状态", "保障状态"), "active"),
		date("stopped_on", "停保日期", "退保时间", "终止时间"),
		text("stop_reason", "停保原因", "退保原因"),
	},
	keys:        []string{"id_number", "name"},
	newFinisher: func(s *sheetInfo) func(rec record) { return func(rec record) { rosterStatus(s, rec) } },
}
